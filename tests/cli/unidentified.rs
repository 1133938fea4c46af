//! Unidentified items made actionable: grouped by vendor string in every report, the
//! identification coverage in the summary, and `--unidentified-out` writing a registry
//! skeleton that `registry import` refuses until completed and accepts once it is.

use crate::formats::{assert_valid, report_schema};
use crate::support::{repo, Env};

const AS_OF: &str = "2026-01-01";

/// Quillon ×6, Acme Radio ×2 and Zeta Corp ×2 (a tie: by the string), Beta ×1; Huawei and
/// Ericsson are identified.
const INV: &str = "asset_id,vendor,model\n\
    T1,Quillon,RUT950\n\
    H1,Huawei,BBU5900\n\
    Z1,Zeta Corp,\n\
    T2,Quillon,RUT240\n\
    A1,Acme Radio,\n\
    T3,Quillon,\n\
    E1,Ericsson,AIR 6449\n\
    T4,Quillon,\n\
    Z2,Zeta Corp,\n\
    B1,Beta,\n\
    T5,Quillon,\n\
    A2,Acme Radio,\n\
    T6,Quillon,\n";

fn check(env: &Env, extra: &[&str]) -> crate::support::Out {
    let mut args = vec!["check", "inv.csv", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// (vendor, items, places) of a JSON report's unidentified groups.
fn groups(r: &serde_json::Value) -> Vec<(String, u64, Vec<String>)> {
    r["unidentified"]["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["vendor"].as_str().unwrap().to_string(),
                v["items"].as_u64().unwrap(),
                v["places"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn places(lines: &[u32]) -> Vec<String> {
    lines.iter().map(|l| format!("inv.csv:{l}")).collect()
}

#[test]
fn unidentified_items_are_grouped_by_vendor_string_most_items_first() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let out = check(&env, &["--format", "json"]);
    out.code(1);
    let r = out.json();
    assert_valid(report_schema(), &r, "unidentified groups");
    assert_eq!(
        groups(&r),
        [
            // At most five places per string.
            ("Quillon".to_string(), 6, places(&[2, 5, 7, 9, 12])),
            ("Acme Radio".to_string(), 2, places(&[6, 13])),
            ("Zeta Corp".to_string(), 2, places(&[4, 10])),
            ("Beta".to_string(), 1, places(&[11])),
        ]
    );
    assert_eq!(r["unidentified"]["untracked_items"], 0);
    assert_eq!(r["summary"]["unidentified"], 11);

    // The table: one line per string, in the same order, with the first places.
    let out = check(&env, &[]);
    out.code(1);
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("unidentified vendors "))
        .take(5)
        .collect();
    assert_eq!(
        lines,
        [
            "unidentified vendors (11 items under 4 vendor strings, most items first; --unidentified-out FILE.toml writes them as a registry skeleton to complete and import):",
            "  6  Quillon  (inv.csv:2, inv.csv:5, inv.csv:7, inv.csv:9, inv.csv:12, 1 more)",
            "  2  Acme Radio  (inv.csv:6, inv.csv:13)",
            "  2  Zeta Corp  (inv.csv:4, inv.csv:10)",
            "  1  Beta  (inv.csv:11)",
        ],
        "{}",
        out.stdout
    );

    // Markdown and HTML list them in the same order.
    let md = check(&env, &["--format", "markdown"]).stdout;
    assert!(md.contains("### Unidentified vendors"), "{md}");
    assert!(
        md.contains(
            "| Quillon | 6 | inv.csv:2, inv.csv:5, inv.csv:7, inv.csv:9, inv.csv:12, 1 more |"
        ),
        "{md}"
    );
    let at = |text: &str, s: &str| text.find(s).unwrap_or_else(|| panic!("no {s} in {text}"));
    assert!(at(&md, "| Acme Radio | 2 |") < at(&md, "| Zeta Corp | 2 |"));
    assert!(at(&md, "| Zeta Corp | 2 |") < at(&md, "| Beta | 1 |"));
    let html = check(&env, &["--format", "html"]).stdout;
    assert!(html.contains("<h3 id=\"unidentified\">Unidentified vendors</h3>"));
    assert!(html.contains("<tr><td>Quillon</td><td class=\"num\">6</td><td>inv.csv:2, inv.csv:5, inv.csv:7, inv.csv:9, inv.csv:12, 1 more</td></tr>"), "{html}");
    assert!(at(&html, "<td>Acme Radio</td>") < at(&html, "<td>Zeta Corp</td>"));
}

#[test]
fn hostile_vendor_strings_are_escaped_in_every_listing() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor\nX1,\"Evil\x1b[31m\u{202e}|*<b>\"\nX2,=cmd|' /C calc'!A0\n",
    );
    let table = check(&env, &[]).stdout;
    assert!(
        !table.contains('\x1b') && !table.contains('\u{202e}'),
        "{table}"
    );
    assert!(table.contains("Evil\\u{1b}[31m\\u{202e}|*<b>"), "{table}");
    let md = check(&env, &["--format", "markdown"]).stdout;
    assert!(
        md.contains("| Evil\\u{1b}\\[31m\\u{202e}\\|\\*\\<b\\> | 1 |"),
        "{md}"
    );
    let html = check(&env, &["--format", "html"]).stdout;
    assert!(
        html.contains("<td>Evil\\u{1b}[31m\\u{202e}|*&lt;b&gt;</td>"),
        "{html}"
    );
    // JSON keeps the exact text, with the control characters escaped.
    let out = check(&env, &["--format", "json"]);
    assert!(!out.stdout.contains('\x1b') && !out.stdout.contains('\u{202e}'));
    let r = out.json();
    assert_eq!(
        r["unidentified"]["vendors"][0]["vendor"],
        "=cmd|' /C calc'!A0"
    );
    assert_eq!(
        r["unidentified"]["vendors"][1]["vendor"],
        "Evil\x1b[31m\u{202e}|*<b>"
    );
}

#[test]
fn the_coverage_is_in_the_summary_of_every_format() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let r = check(&env, &["--format", "json"]).json();
    // 2 of 13 items identified: 15.38... %, rounded down to a tenth.
    assert_eq!(r["summary"]["identified_percent"], 15.3);
    let table = check(&env, &[]).stdout;
    assert!(
        table.contains(
            "\ncoverage: 15.3 % of items identified (2 of 13), 15.3 % by curated entries"
        ),
        "{table}"
    );
    let md = check(&env, &["--format", "markdown"]).stdout;
    assert!(
        md.contains("Coverage: 15.3 % of items identified (2 of 13), 15.3 % by curated entries"),
        "{md}"
    );
    let html = check(&env, &["--format", "html"]).stdout;
    assert!(
        html.contains("<strong>Coverage:</strong> 15.3 % of items identified (2 of 13), 15.3 % by curated entries"),
        "{html}"
    );

    // One unidentified item in 2001 is 99.95 %: shown as 99.9, never as 100.
    let mut big = String::from("vendor\n");
    for _ in 0..2000 {
        big.push_str("Ericsson\n");
    }
    big.push_str("Nobody Known\n");
    env.file("inv.csv", &big);
    let r = check(&env, &["--format", "json"]).json();
    assert_eq!(r["summary"]["identified_percent"], 99.9);
    assert!(check(&env, &[])
        .stdout
        .contains("coverage: 99.9 % of items identified (2000 of 2001)"));
    // Everything identified: 100 %, and no unidentified section.
    env.file("inv.csv", "vendor\nEricsson\nNokia\n");
    let out = check(&env, &["--format", "json"]);
    out.code(0);
    let r = out.json();
    assert_eq!(r["summary"]["identified_percent"], 100.0);
    assert_eq!(r["unidentified"]["vendors"], serde_json::json!([]));
    let table = check(&env, &[]).stdout;
    assert!(!table.contains("unidentified vendors"), "{table}");
    assert!(table.contains("coverage: 100.0 % of items identified (2 of 2)"));
}

#[test]
fn past_ten_thousand_strings_items_are_counted_not_grouped() {
    let env = Env::new();
    let mut inv = String::from("vendor\n");
    for i in 0..10_002 {
        inv.push_str(&format!("Nobody {i:05}\n"));
    }
    env.file("inv.csv", &inv);
    let r = check(&env, &["--format", "json"]).json();
    assert_eq!(
        r["unidentified"]["vendors"].as_array().unwrap().len(),
        10_000
    );
    assert_eq!(r["unidentified"]["untracked_items"], 2);
    assert_valid(report_schema(), &r, "10,002 strings");
    let table = check(&env, &[]).stdout;
    assert!(
        table.contains("  ... and 9975 more vendor strings with 9975 items, and 2 items under vendor strings not tracked (more than 10000 distinct strings) (all in the JSON report)"),
        "{}",
        &table[table.len().saturating_sub(2000)..]
    );
}

/// The shipped registry files, for importing them with a skeleton.
fn shipped_registry() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("data/registry"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn the_skeleton_round_trips_through_registry_import() {
    let env = Env::new();
    // Strings a TOML writer must escape: quotes, backslashes, a line break that looks like a
    // key, a tab, an escape character; one with no Latin letters; two spellings of one name.
    env.file(
        "inv.csv",
        "asset_id,vendor\n\
         T1,Quillon\n\
         T2,Quillon\n\
         H1,Huawei\n\
         Q1,\"Quote \"\"Co\"\" \\ Ltd\"\n\
         N1,\"Line\n[[vendor]]\nid = \"\"x\"\"\"\n\
         C1,\"Tab\there\x1b[0m\"\n\
         S1,Сибирь Телеком\n\
         A1,Acme Radio\n\
         A2,ACME radio.\n",
    );
    let out = check(
        &env,
        &["--unidentified-out", "skel.toml", "--format", "json"],
    );
    out.code(1);
    assert!(
        out.stderr.contains("tvcheck: wrote 6 vendor entries for 8 unidentified items to skel.toml: replace each country = \"TODO\" with the country of registration, then run `tvcheck registry import skel.toml --db YOUR.db`"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(env.path("skel.toml")).unwrap();
    // No control character reaches the file raw: the serialiser escapes them in values, and
    // comments show them in their visible form.
    assert!(!text.contains('\x1b'), "{text}");
    assert!(
        text.contains("# 'Quillon': 2 items: inv.csv:2, inv.csv:3\n"),
        "{text}"
    );
    assert!(
        text.contains("# 'Line\\n[[vendor]]\\nid = \"x\"': 1 item: inv.csv:6\n"),
        "{text}"
    );
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let vendors = doc["vendor"].as_array().unwrap();
    let entry = |id: &str| {
        vendors
            .iter()
            .find(|v| v["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no {id} in {text}"))
    };
    assert_eq!(entry("quillon")["name"].as_str(), Some("Quillon"));
    assert_eq!(
        entry("quote-co-ltd")["name"].as_str(),
        Some("Quote \"Co\" \\ Ltd")
    );
    assert_eq!(
        entry("line-vendor-id-x")["name"].as_str(),
        Some("Line\n[[vendor]]\nid = \"x\"")
    );
    assert_eq!(
        entry("tab-here-0m")["name"].as_str(),
        Some("Tab\there\x1b[0m")
    );
    // Two spellings that give one id are one entry: the more frequent (then the first in
    // order) is the name, the other an alias.
    assert_eq!(entry("acme-radio")["name"].as_str(), Some("ACME radio."));
    assert_eq!(
        entry("acme-radio")["aliases"].as_array().unwrap(),
        &[toml::Value::from("Acme Radio")]
    );
    // A name in another script gets a stable id from its digest.
    let cyrillic = vendors
        .iter()
        .find(|v| v["name"].as_str() == Some("Сибирь Телеком"))
        .unwrap();
    assert!(cyrillic["id"].as_str().unwrap().starts_with("vendor-"));
    assert_eq!(vendors.len(), 6);
    assert!(vendors
        .iter()
        .all(|v| v["country"].as_str() == Some("TODO")));

    // As written, the import refuses it: the country is to be filled in. Nothing is created.
    let mut import = vec!["registry", "import"];
    let shipped = shipped_registry();
    import.extend(shipped.iter().map(String::as_str));
    import.extend(["skel.toml", "--db", "reg.db"]);
    // Every placeholder is reported, each with its line and code, then their count.
    let out = env.run(&import);
    out.code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), vendors.len() + 1, "{}", out.stderr);
    for line in &lines[..vendors.len()] {
        for fragment in [
            "error[TV0304]: skel.toml:",
            "the country is still the placeholder 'TODO' of a registry skeleton written by `tvcheck check --unidentified-out`",
            "hint: fill in the ISO 3166-1 alpha-2 code of the country where the manufacturer is registered (e.g. CN, SE, US), or delete the line if it is not known",
        ] {
            assert!(line.contains(fragment), "{line}");
        }
    }
    assert_eq!(
        lines[vendors.len()],
        format!("error: {} problems in skel.toml", vendors.len())
    );
    assert!(!env.path("reg.db").exists());

    // Completed by a person: Quillon is Lithuanian, the others are not known.
    let completed: String = text
        .split_inclusive('\n')
        .scan(false, |quillon, line| {
            if line.starts_with("id = ") {
                *quillon = line == "id = \"quillon\"\n";
            }
            Some(match (line == "country = \"TODO\"\n", *quillon) {
                (true, true) => "country = \"LT\"\n",
                (true, false) => "",
                (false, _) => line,
            })
        })
        .collect();
    assert_eq!(
        completed
            .lines()
            .filter(|l| l.starts_with("country = "))
            .count(),
        1,
        "{completed}"
    );
    env.file("skel.toml", &completed);
    env.run(&import).code(0);

    // Checked again against the registry with them: every item is identified.
    let out = env.run(&[
        "check", "inv.csv", "--db", "reg.db", "--as-of", AS_OF, "--policy", "lt-5g", "--format",
        "json",
    ]);
    let r = out.json();
    assert_eq!(r["summary"]["unidentified"], 0, "{}", out.stdout);
    assert_eq!(r["summary"]["identified_percent"], 100.0);
    assert_eq!(r["unidentified"]["vendors"], serde_json::json!([]));
    // Quillon is registered in Lithuania: no finding. A maker whose country is not known is
    // for review, no longer as an unidentified manufacturer.
    let findings = r["findings"].as_array().unwrap();
    assert!(!findings.iter().any(|f| f["vendor"] == "Quillon"));
    let acme = findings.iter().find(|f| f["asset_id"] == "A1").unwrap();
    assert_eq!(acme["verdict"], "review");
    assert_eq!(acme["entry"], "acme-radio");
    assert!(
        acme["reason"]
            .as_str()
            .unwrap()
            .contains("the country of registration of ACME radio. is not known to the registry"),
        "{acme}"
    );
}

#[test]
fn skeleton_ids_never_replace_an_entry_of_the_registry() {
    let env = Env::new();
    env.file(
        "mine.toml",
        "[[vendor]]\nid = \"acme\"\nname = \"Zephyr Instruments\"\ncountry = \"SE\"\n",
    );
    env.run(&["registry", "import", "mine.toml", "--db", "reg.db"])
        .code(0);
    env.file("inv.csv", "vendor\nAcme\nZephyr Instruments\n");
    check(&env, &["--db", "reg.db", "--unidentified-out", "skel.toml"]).code(0);
    let text = std::fs::read_to_string(env.path("skel.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let vendors = doc["vendor"].as_array().unwrap();
    assert_eq!(vendors.len(), 1, "{text}");
    assert_eq!(vendors[0]["id"].as_str(), Some("acme-2"));
    assert_eq!(vendors[0]["name"].as_str(), Some("Acme"));
    env.file("skel.toml", text.replace("\"TODO\"", "\"FI\""));
    env.run(&["registry", "import", "skel.toml", "--db", "reg.db"])
        .code(0);
    let shown = env
        .run(&[
            "registry", "show", "acme", "--db", "reg.db", "--format", "json",
        ])
        .json();
    assert_eq!(shown["name"], "Zephyr Instruments", "{shown}");
    let r = check(&env, &["--db", "reg.db", "--format", "json"]).json();
    assert_eq!(r["summary"]["unidentified"], 0);
}

#[test]
fn every_item_identified_gives_a_skeleton_without_vendors() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nEricsson\n");
    let out = check(&env, &["--unidentified-out", "skel.toml"]);
    out.code(0);
    assert!(
        out.stderr
            .contains("tvcheck: every item was identified; skel.toml lists no vendor"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(env.path("skel.toml")).unwrap();
    assert!(text.contains("# Every item was identified: nothing to add.\n"));
    let doc: toml::Table = toml::from_str(&text).unwrap();
    assert!(doc.is_empty(), "{text}");
    // --quiet: nothing on standard error.
    let out = check(&env, &["--unidentified-out", "skel.toml", "--quiet"]);
    assert_eq!(out.stderr, "");
}

#[test]
fn the_skeleton_never_replaces_an_input_or_a_report() {
    let env = Env::new();
    env.file("inv.csv", INV);
    env.file("waivers.toml", "");
    let before = std::fs::read(env.path("inv.csv")).unwrap();
    check(
        &env,
        &["--unidentified-out", "inv.csv", "-o", "json=r.json"],
    )
    .error(&[
        "inv.csv: refusing to write the registry skeleton over an inventory, which this run reads",
        "hint: write the registry skeleton to another file; nothing was written",
    ]);
    check(&env, &["--unidentified-out", "./inv.csv"]).error(&[
        "./inv.csv: refusing to write the registry skeleton over an inventory ('inv.csv')",
    ]);
    std::os::unix::fs::symlink("inv.csv", env.path("link.toml")).unwrap();
    check(&env, &["--unidentified-out", "link.toml"]).error(&[
        "link.toml: refusing to write the registry skeleton over an inventory ('inv.csv')",
    ]);
    assert_eq!(std::fs::read(env.path("inv.csv")).unwrap(), before);
    assert!(!env.path("r.json").exists(), "a report was written");
    // An inventory a folder walk finds is protected too.
    env.file("dir/more.csv", "vendor\nNobody\n");
    env.run(&[
        "check",
        "dir",
        "--as-of",
        AS_OF,
        "--unidentified-out",
        "dir/more.csv",
    ])
    .error(&["refusing to write the registry skeleton over an inventory"]);
    // Nor the file of a report of the same run.
    check(
        &env,
        &["-o", "json=out.toml", "--unidentified-out", "out.toml"],
    )
    .error(&[
        "out.toml: the registry skeleton and the report would be written to this one file",
        "hint: give each output a file of its own; nothing was written",
    ]);
    assert!(!env.path("out.toml").exists());
    // A skeleton that cannot be written fails the run (exit 2), and no report is put in place.
    check(
        &env,
        &[
            "-o",
            "json=r.json",
            "--unidentified-out",
            "missing/skel.toml",
        ],
    )
    .error(&["missing/skel.toml"]);
    assert!(!env.path("r.json").exists(), "a report was written");
}
