//! Report formats end to end: snapshots of every format for one fixture, the JSON report
//! against `schemas/report.schema.json`, SARIF against the official OASIS schema, CSV injection,
//! HTML escaping and byte-identical output under `SOURCE_DATE_EPOCH`.
//!
//! Snapshots live in `tests/cli/snapshots/`; after an intended change, review and accept them
//! with `INSTA_UPDATE=always cargo test --test cli formats` (or `cargo insta review`). The
//! registry and policy digests are replaced by placeholders so that editing the shipped data
//! does not churn every snapshot.

use crate::support::Env;

/// Violations (P1 under lt-5g), reviews (P1, P2 under de-5g; P4, P5 unidentified), a waived
/// finding (P2 under lt-5g), an ok item (P3) and two hostile vendor strings.
const INVENTORY: &str = "asset_id,vendor,model,site,domain\n\
P1,Huawei,BBU5900,Vilnius,core\n\
P2,ZTE,F660,Kaunas,core\n\
P3,Ericsson,AIR 6449,Kaunas,ran\n\
P4,\"=HYPERLINK(\"\"http://x\"\")\",X,Riga,ran\n\
P5,<script>alert(1)</script>,Y,Riga,core\n";

const WAIVERS: &str = r#"[[waiver]]
id = "W-2026-017"
asset_id = "P2"
policy = "lt-5g"
reason = "Replacement contracted, removal scheduled"
approved_by = "RRT"
reference = "Decision 2026/17"
expires = 2026-12-31
"#;

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1795000000");

const FORMATS: [&str; 7] = ["table", "json", "csv", "markdown", "html", "sarif", "junit"];

fn fixture() -> Env {
    let env = Env::new();
    env.file("inv.csv", INVENTORY);
    env.file("waivers.toml", WAIVERS);
    env
}

fn fixture_args(format: &str) -> Vec<&str> {
    vec![
        "check",
        "inv.csv",
        "--policy",
        "de-5g",
        "--policy",
        "lt-5g",
        "--waivers",
        "waivers.toml",
        "--as-of",
        "2026-06-01",
        "--format",
        format,
    ]
}

/// Runs the fixture in `format` (exit 1: P1 is a violation) and returns standard output.
fn render(env: &Env, format: &str) -> String {
    let out = env.run_env(&fixture_args(format), &[EPOCH, ("COLUMNS", "160")]);
    out.code(1);
    assert!(!out.stdout.is_empty(), "{format}: empty output");
    out.stdout
}

/// Replaces the registry and policy digests (which change whenever the shipped data is edited)
/// by placeholders, in full and as the 12-character prefixes that table and Markdown show.
pub(crate) fn redact(text: &str, report: &serde_json::Value) -> String {
    let mut digests = vec![(
        report["registry"]["sha256"].as_str().unwrap().to_string(),
        "registry".to_string(),
    )];
    for p in report["policies"].as_array().unwrap() {
        digests.push((
            p["sha256"].as_str().unwrap().to_string(),
            format!("policy-{}", p["id"].as_str().unwrap()),
        ));
    }
    let mut text = text.to_string();
    for (digest, name) in &digests {
        assert_eq!(digest.len(), 64);
        text = text.replace(digest.as_str(), &format!("[{name}-sha256]"));
        text = text.replace(&digest[..12], &format!("[{name}-sha]"));
    }
    text
}

#[test]
fn snapshots_of_every_format() {
    let env = fixture();
    let json: serde_json::Value = serde_json::from_str(&render(&env, "json")).unwrap();
    for format in FORMATS {
        let text = redact(&render(&env, format), &json);
        assert!(!text.contains(&*env.path("").to_string_lossy()), "{format}");
        insta::assert_snapshot!(format!("fixture_{format}"), text);
    }
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    let env = fixture();
    for format in FORMATS {
        let a = render(&env, format);
        let b = render(&env, format);
        assert_eq!(a, b, "{format} differs between two runs");
        assert!(
            a.contains("2026-06-01"),
            "{format} does not name the as-of date"
        );
    }
    // -o renders all formats from one evaluation; each file equals the single-format run.
    let mut args = fixture_args("table");
    let outputs: Vec<String> = FORMATS.iter().map(|f| format!("{f}=out.{f}")).collect();
    for o in &outputs {
        args.push("-o");
        args.push(o);
    }
    env.run_env(&args, &[EPOCH, ("COLUMNS", "160")]).code(1);
    for format in FORMATS {
        let file = std::fs::read_to_string(env.path(&format!("out.{format}"))).unwrap();
        assert_eq!(file, render(&env, format), "-o {format}=FILE differs");
    }
}

#[test]
fn generated_at_follows_source_date_epoch() {
    let env = fixture();
    let a = env.run_env(&fixture_args("sarif"), &[EPOCH]);
    let b = env.run_env(
        &fixture_args("sarif"),
        &[("SOURCE_DATE_EPOCH", "1795000001")],
    );
    assert_ne!(a.stdout, b.stdout);
    let a: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
    assert_eq!(
        a["runs"][0]["properties"]["generated_at"],
        "2026-11-18T11:06:40Z"
    );
}

#[test]
fn csv_neutralises_formula_cells() {
    let env = fixture();
    let text = render(&env, "csv");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "file",
            "line",
            "sheet",
            "asset_id",
            "vendor",
            "model",
            "serial",
            "site",
            "domain",
            "quantity",
            "country",
            "installed",
            "purpose",
            "network",
            "category",
            "origin",
            "policy",
            "rule",
            "verdict",
            "deadline",
            "days_left",
            "waiver",
            "entry",
            "entry_name",
            "match",
            "tier",
            "score",
            "confidence",
            "reason"
        ]
    );
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let p4 = rows.iter().find(|r| &r[col("asset_id")] == "P4").unwrap();
    assert_eq!(&p4[col("vendor")], "'=HYPERLINK(\"http://x\")");
    // The reason quotes the vendor mid-sentence: it does not start with a formula character.
    assert!(p4[col("reason")].starts_with("unidentified manufacturer: vendor '=HYPERLINK"));
    // tvcheck's own numbers stay numbers, negative days included.
    let p1 = rows
        .iter()
        .find(|r| &r[col("asset_id")] == "P1" && &r[col("policy")] == "lt-5g")
        .unwrap();
    assert_eq!(&p1[col("line")], "2");
    assert_eq!(&p1[col("days_left")], "-152");
    assert_eq!(&p1[col("score")], "1.0");
    assert_eq!(&p1[col("tier")], "curated");
    assert_eq!(&p1[col("confidence")], "confirmed");
    let p2 = rows
        .iter()
        .find(|r| &r[col("asset_id")] == "P2" && &r[col("policy")] == "lt-5g")
        .unwrap();
    assert_eq!(&p2[col("verdict")], "waived");
    assert_eq!(&p2[col("waiver")], "W-2026-017");
    // No cell of any row begins with a formula character.
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            if i == col("days_left") {
                continue;
            }
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "column {i}: {cell:?}"
            );
        }
    }
}

#[test]
fn html_is_escaped_and_self_contained() {
    let env = fixture();
    // A second hostile string, in an attribute-breaking shape, as the site.
    env.file(
        "inv.csv",
        format!("{INVENTORY}P6,Huawei,X,\"\"\"><img src=x onerror=alert(1)>\",core\n"),
    );
    let html = render(&env, "html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // The one script is the page's own (sorting and filtering), at the end of the body, and
    // the Content-Security-Policy admits only it, by hash.
    assert_eq!(html.to_lowercase().matches("<script").count(), 1, "{html}");
    assert!(
        html.contains("<script>// tvcheck report: sorting and filtering"),
        "{html}"
    );
    assert!(html.ends_with("</script>\n</body>\n</html>\n"), "{html}");
    assert!(html.contains("script-src 'sha256-"), "{html}");
    assert!(!html.contains("unsafe-eval") && !html.contains("script-src 'unsafe-inline'"));
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;)"));
    // Every real tag: no attribute that loads or links anything, no event handler, no inline
    // style. Attribute values are always double-quoted and hold no raw quote (inventory text in
    // a data-* value is escaped), so the names are what is left without the values.
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap().to_lowercase();
        let names: String = tag.split('"').step_by(2).collect();
        for bad in [
            "src=", "href=", "srcset=", "action=", "xlink:", "url(", " on", " style=",
        ] {
            assert!(!names.contains(bad), "<{tag}> has {bad}");
        }
        assert!(!tag.contains("url("), "<{tag}>");
    }
    // "http" appears only in the CSP meta's attribute name and in escaped inventory text.
    let http: Vec<usize> = html.match_indices("http").map(|(i, _)| i).collect();
    for i in http {
        let around = &html[i.saturating_sub(20)..(i + 20).min(html.len())];
        assert!(
            around.contains("http-equiv") || around.contains("HYPERLINK(&quot;http://x"),
            "unexpected http: {around}"
        );
    }
    assert!(html.contains("<style>"));
    assert!(html.contains("<svg class=\"chart\""));
    // Sites are shown under each row's location, escaped.
    assert!(
        html.contains("<span class=\"small\">Kaunas</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"small\">&quot;&gt;&lt;img"),
        "{html}"
    );
}

#[test]
fn human_formats_group_findings_and_show_a_bounded_number_of_rows() {
    let env = Env::new();
    let mut csv = String::from("asset_id,vendor,site\n");
    for i in 0..25 {
        csv.push_str(&format!("H{i},Huawei,Athens\n"));
    }
    for i in 0..3 {
        csv.push_str(&format!("Z{i},ZTE,Zagreb\n"));
    }
    csv.push_str("E1,Ericsson,Oslo\n");
    env.file("inv.csv", csv);
    let run = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "check",
            "inv.csv",
            "--as-of",
            "2026-06-01",
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let out = env.run_env(&args, &[EPOCH, ("COLUMNS", "200")]);
        out.code(1);
        out.stdout
    };
    // Every format counts every finding per group; rows stop at 10 per group by default.
    let html = run("html", &[]);
    let huawei = html.find("<h3>huawei (Huawei").unwrap();
    let zte = html.find("<h3>zte (ZTE").unwrap();
    assert!(huawei < zte, "most findings first among equal verdicts");
    assert!(html.contains("25 findings"), "{html}");
    assert!(
        html.contains("And 15 more findings (at most 10 shown per group"),
        "{html}"
    );
    assert_eq!(
        html.matches("<span class=\"small\">Athens</span>").count(),
        10
    );
    assert_eq!(
        html.matches("<span class=\"small\">Zagreb</span>").count(),
        3
    );
    let table = run("table", &[]);
    assert!(table.contains("10 of 25"), "{table}");
    assert!(table.contains("3 of 3"), "{table}");
    assert!(
        table.contains("15 more findings not shown (at most 10 per group here)"),
        "{table}"
    );
    // 13 rows, and the input's summary line.
    assert_eq!(table.matches("inv.csv:").count(), 14, "{table}");
    let md = run("markdown", &["--rows-per-group", "2"]);
    assert!(md.contains("| 25 | 0 | 0 | 0 | 2 of 25 |"), "{md}");
    assert!(md.contains("24 more findings not shown"), "{md}");
    // Raised, every row is shown and nothing is said to be missing.
    let all = run("table", &["--rows-per-group", "100"]);
    assert_eq!(all.matches("inv.csv:").count(), 29, "{all}");
    assert!(!all.contains("not shown"), "{all}");
    // The machine formats list every finding whatever the flag.
    let json = env
        .run_env(
            &[
                "check",
                "inv.csv",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
                "--rows-per-group",
                "1",
            ],
            &[EPOCH],
        )
        .json();
    assert_eq!(json["findings"].as_array().unwrap().len(), 28);
}

pub(crate) use crate::support::{assert_valid, report_schema, Offline};

#[test]
fn json_reports_match_the_schema() {
    let schema = report_schema();
    let env = fixture();
    let runs: [(&[&str], i32); 5] = [
        (&fixture_args("json"), 1),
        (
            &[
                "check",
                "inv.csv",
                "--policy",
                "lt-5g",
                "--all",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
            ],
            1,
        ),
        (
            &[
                "check",
                "inv.csv",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
            ],
            1,
        ),
        (
            &[
                "check",
                "inv.csv",
                "--policy",
                "lt-5g",
                "--waivers",
                "waivers.toml",
                "--as-of",
                "2026-01-01",
                "--all",
                "--format",
                "json",
            ],
            1,
        ),
        (
            &[
                "check",
                "inv.csv",
                "--policy",
                "us-fcc-covered",
                "--procurement",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
            ],
            1,
        ),
    ];
    for (args, code) in runs {
        let out = env.run_env(args, &[EPOCH]);
        out.code(code);
        let report = out.json();
        assert_valid(schema, &report, &args.join(" "));
    }
    // The --all run lists the ok item without a policy; the schema allows it.
    let all = env
        .run_env(
            &[
                "check",
                "inv.csv",
                "--all",
                "--as-of",
                "2026-06-01",
                "--format",
                "json",
            ],
            &[EPOCH],
        )
        .json();
    assert!(all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["verdict"] == "ok" && f["policy"].is_null()));
    assert_valid(schema, &all, "--all without policy");
}

#[test]
fn any_list_rule_has_a_real_effective_date() {
    let env = fixture();
    let out = env.run_env(
        &[
            "check",
            "inv.csv",
            "--as-of",
            "2026-06-01",
            "--format",
            "json",
        ],
        &[EPOCH],
    );
    let r = out.json();
    assert_eq!(r["policies"][0]["rules"][0]["effective"], "1900-01-01");
    assert_valid(report_schema(), &r, "without --policy");
}

/// A change that makes a valid report invalid.
type Mutation = fn(&mut serde_json::Value);

#[test]
fn json_report_schema_is_strict() {
    let schema = report_schema();
    let env = fixture();
    let good = env.run_env(&fixture_args("json"), &[EPOCH]).json();
    assert!(schema.is_valid(&good));
    let mutations: [(&str, Mutation); 6] = [
        ("unknown top-level key", |r| {
            r["surprise"] = 1.into();
        }),
        ("unknown finding key", |r| {
            r["findings"][0]["surprise"] = 1.into();
        }),
        ("unknown verdict", |r| {
            r["findings"][0]["verdict"] = "fine".into();
        }),
        ("unknown match", |r| {
            r["findings"][0]["match"] = "guess".into();
        }),
        ("extra value not a string", |r| {
            r["findings"][0]["extra"] = serde_json::json!({"owner": 3});
        }),
        ("missing summary count", |r| {
            r["summary"].as_object_mut().unwrap().remove("ok");
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!schema.is_valid(&bad), "schema accepts {what}");
    }
}

/// The official OASIS SARIF 2.1.0 schema (draft-04), vendored under tests/schemas.
fn sarif_schema() -> jsonschema::Validator {
    let path = crate::support::repo().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(Offline)
        .build(&schema)
        .unwrap()
}

#[test]
fn sarif_matches_the_official_schema() {
    let schema = sarif_schema();
    let env = fixture();
    env.file("dir with space/inv 2.csv", "vendor,model\nHuawei,BBU5900\n");
    let runs: [&[&str]; 3] = [
        &fixture_args("sarif"),
        &[
            "check",
            "inv.csv",
            "--all",
            "--as-of",
            "2026-06-01",
            "--format",
            "sarif",
        ],
        &[
            "check",
            "dir with space",
            "inv.csv",
            "--policy",
            "uk-huawei-dvd",
            "--as-of",
            "2026-06-01",
            "--format",
            "sarif",
        ],
    ];
    for args in runs {
        let out = env.run_env(args, &[EPOCH]);
        let sarif = out.json();
        assert_valid(&schema, &sarif, &args.join(" "));
    }
    // The SARIF validator does check: a broken log is refused.
    let mut bad = env.run_env(&fixture_args("sarif"), &[EPOCH]).json();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema.is_valid(&bad));
}

#[test]
fn sarif_content() {
    let env = fixture();
    env.file("dir with space/inv 2.csv", "vendor,model\nHuawei,BBU5900\n");
    let s = env
        .run_env(
            &[
                "check",
                "inv.csv",
                "dir with space",
                "--policy",
                "lt-5g",
                "--waivers",
                "waivers.toml",
                "--as-of",
                "2026-06-01",
                "--format",
                "sarif",
            ],
            &[EPOCH],
        )
        .json();
    assert_eq!(
        s["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(s["version"], "2.1.0");
    let run = &s["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tvcheck");
    assert_eq!(driver["semanticVersion"], driver["version"]);
    assert!(driver.get("informationUri").is_none());
    let rule = &driver["rules"][0];
    assert_eq!(rule["id"], "lt-5g/non-member-manufacturer");
    assert_eq!(rule["properties"]["jurisdiction"], "LT");
    assert_eq!(rule["properties"]["deadline"], "2025-12-31");
    let help = rule["help"]["text"].as_str().unwrap();
    assert!(help.contains("2021-05-25"), "{help}");
    assert!(help.contains("Deadline: 2025-12-31"), "{help}");
    let results = run["results"].as_array().unwrap();
    let by_asset = |a: &str| {
        results
            .iter()
            .find(|r| r["properties"]["asset_id"] == a)
            .unwrap_or_else(|| panic!("{a}"))
    };
    let p1 = by_asset("P1");
    assert_eq!(p1["level"], "error");
    assert_eq!(p1["ruleId"], "lt-5g/non-member-manufacturer");
    assert_eq!(p1["ruleIndex"], 0);
    let loc = &p1["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "inv.csv");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(p1["properties"]["days_left"], -152);
    assert!(p1.get("suppressions").is_none());
    let p2 = by_asset("P2");
    assert_eq!(p2["level"], "note");
    assert_eq!(
        p2["suppressions"],
        serde_json::json!([{"kind": "external", "justification": "waived by W-2026-017"}])
    );
    assert_eq!(by_asset("P4")["level"], "warning");
    assert!(by_asset("P4")["properties"].get("entry").is_none());
    // No asset id: fingerprinted by vendor|model|serial|site; the path is percent-encoded.
    let other = results
        .iter()
        .find(|r| r["properties"].get("asset_id").is_none())
        .unwrap();
    assert_eq!(
        other["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dir%20with%20space/inv%202.csv"
    );
    let fps: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["tvcheck/v1"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), results.len(), "fingerprints are not unique");
    let artifacts = run["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 2);
    assert_eq!(artifacts[0]["location"]["uri"], "inv.csv");
    assert_eq!(
        artifacts[0]["hashes"]["sha-256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["properties"]["as_of"], "2026-06-01");
    assert_eq!(
        run["properties"]["registry_sha256"].as_str().unwrap().len(),
        64
    );
}

#[test]
fn junit_counts_and_escapes() {
    let env = fixture();
    let xml = render(&env, "junit");
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tvcheck\" tests=\"8\" failures=\"1\" errors=\"0\">"
    ));
    assert!(xml.contains("<testsuite name=\"de-5g\" tests=\"3\" failures=\"0\""));
    assert!(xml.contains("<testsuite name=\"lt-5g\" tests=\"5\" failures=\"1\""));
    assert!(xml.contains("<testcase classname=\"de-5g\" name=\"3 items without findings\"/>"));
    assert!(xml.contains("<skipped message=\"waived by W-2026-017\"/>"));
    assert!(xml.contains("name=\"inv.csv:6 P5 &lt;script&gt;alert(1)&lt;/script&gt; Y\""));
    assert!(!xml.contains("<script"));
    assert_eq!(xml.matches("<testsuite ").count(), 2);
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
}

#[test]
fn markdown_escapes_inventory_text() {
    let env = fixture();
    let md = render(&env, "markdown");
    assert!(md.contains("| \\<script\\>alert(1)\\</script\\> |"), "{md}");
    assert!(md.contains("=HYPERLINK(\"http\\://x\")"), "{md}");
    for (i, c) in md.char_indices() {
        if c == '<' || c == '>' {
            assert_eq!(&md[i - 1..i], "\\", "unescaped {c} at {i}");
        }
    }
    let findings: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| location"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(findings.len(), 2 + 6);
}

#[test]
fn unknown_format_lists_the_new_ones() {
    let env = fixture();
    let out = env.run(&["check", "inv.csv", "--format", "pdf"]);
    assert_eq!(out.code, 2);
    for f in FORMATS {
        assert!(out.stderr.contains(f), "{}", out.stderr);
    }
}

/// The quick start's report, every shipped policy at once, and the identification paths (MAC
/// blocks, the IEEE tier, ok items with `--all`) give reports that match the schema.
#[test]
fn quick_start_and_every_policy_reports_match_the_schema() {
    let schema = report_schema();
    let env = Env::new();
    let example = crate::support::repo().join("data/examples/operator-inventory.csv");
    let example = example.to_str().unwrap();
    let mut all = vec![
        "check",
        example,
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
        "--all",
    ];
    for p in [
        "cz-nukib-2018",
        "de-5g",
        "ee-ecs-2021",
        "eu-5g-toolbox",
        "lt-5g",
        "lt-cii-procurement",
        "pt-cssc-2023",
        "ro-5g-2021",
        "se-pts-2020",
        "uk-huawei-dvd",
        "uk-surveillance-2022",
        "us-asda-2023",
        "us-fcc-covered",
        "us-ndaa-889",
    ] {
        all.extend(["--policy", p]);
    }
    let quick = env
        .run(&[
            "check",
            example,
            "--policy",
            "lt-5g",
            "--as-of",
            "2026-11-30",
            "--format",
            "json",
        ])
        .json();
    assert_valid(schema, &quick, "quick start (--policy lt-5g)");
    assert_valid(schema, &env.run(&all).json(), "every shipped policy, --all");
    env.file(
        "ids.csv",
        "asset_id,vendor,model,mac,fcc_id\nA,,,28:6E:D4:12:34:56,\nB,Brocade,,,\nC,,,,SS3-X\nD,Acme Widgets,,DA:A1:19:00:11:22,\n",
    );
    let ids = env
        .run(&[
            "check",
            "ids.csv",
            "--as-of",
            "2026-11-30",
            "--format",
            "json",
            "--all",
            "--policy",
            "lt-5g",
        ])
        .json();
    assert_valid(schema, &ids, "MAC, IEEE tier and FCC ID identifications");
}

#[test]
fn json_lines_hold_the_json_report_and_evidence_is_written_once() {
    let env = fixture();
    let json = env.run_env(&fixture_args("json"), &[EPOCH]).json();
    // Standard output and a streamed file give the same lines; together they are the JSON
    // report (validated against the schema by the support code).
    let out = env.run_env(&fixture_args("jsonl"), &[EPOCH]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json_lines(), json);
    let mut args = fixture_args("json");
    args.extend(["-o", "jsonl=r.jsonl"]);
    env.run_env(&args, &[EPOCH]).code(1);
    let file = std::fs::read_to_string(env.path("r.jsonl")).unwrap();
    assert_eq!(file, out.stdout);
    let n = json["findings"].as_array().unwrap().len();
    assert!(n >= 3, "{n}");
    assert_eq!(file.lines().count(), n + 1);

    // Each finding is one line of the JSON report, referring to its entry by id; the legal
    // bases, sources and dates are in the entry, once, however many findings use it.
    let text = env.run_env(&fixture_args("json"), &[EPOCH]).stdout;
    let finding_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("{\"file\":"))
        .collect();
    assert_eq!(finding_lines.len(), n);
    let huawei = &json["entries"]["huawei"];
    assert_eq!(huawei["name"], "Huawei Technologies Co., Ltd.");
    assert_eq!(huawei["country"], "CN");
    let de = huawei["listings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["list"] == "de-5g-agreement")
        .unwrap();
    assert_eq!(de["listed_on"], "2024-07-11");
    assert!(de["source"].as_str().unwrap().contains("telekom.com"));
    let list = &json["lists"]["de-5g-agreement"];
    assert_eq!(list["jurisdiction"], "DE");
    // The listing has no basis of its own: the list's applies, written once.
    assert!(de.get("basis").is_none(), "{de}");
    let basis = list["basis"].as_str().unwrap();
    assert_eq!(text.matches(basis).count(), 1, "the basis is written once");
    for f in json["findings"].as_array().unwrap() {
        assert!(f.get("entry_name").is_none());
        for l in f["listings"].as_array().into_iter().flatten() {
            assert!(
                l.get("basis").is_none() && l.get("listed_on").is_none(),
                "{l}"
            );
        }
    }
}

#[test]
fn junit_failures_are_exactly_what_fails_the_run() {
    let env = Env::new();
    // One violation (Huawei, 5G core under lt-5g) and one review (an unidentified vendor).
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\nP1,Huawei,core,2019-06-14\nP2,Acme Widgets,core,2019-06-14\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "inv.csv",
            "--policy",
            "lt-5g",
            "--as-of",
            "2026-06-01",
            "--format",
            "junit",
        ];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    let failures = |xml: &str| xml.matches("<failure ").count();
    let by_default = run(&[]);
    by_default.code(1);
    assert_eq!(failures(&by_default.stdout), 1, "{}", by_default.stdout);
    assert!(by_default.stdout.contains("type=\"violation\""));
    assert!(by_default.stdout.contains("failures=\"1\""));
    let review = run(&["--fail-on", "review"]);
    review.code(1);
    assert_eq!(failures(&review.stdout), 2, "{}", review.stdout);
    assert!(review.stdout.contains("type=\"review\""));
    let never = run(&["--fail-on", "never"]);
    never.code(0);
    assert_eq!(failures(&never.stdout), 0, "{}", never.stdout);
    assert!(never
        .stdout
        .contains("violation (not failing: --fail-on never)"));
    // Findings already in the baseline pass, as they do not fail the run.
    env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-06-01",
        "-o",
        "json=base.json",
    ]);
    let known = run(&["--baseline", "base.json"]);
    known.code(0);
    assert_eq!(failures(&known.stdout), 0, "{}", known.stdout);
    assert!(known.stdout.contains("(already in the baseline)"));
}
