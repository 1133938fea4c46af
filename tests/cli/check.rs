//! `tvcheck check` end to end: verdicts, the JSON shape, exit codes, dates, outputs.

use sha2::{Digest, Sha256};

use crate::support::{repo, verdicts, Env};

const AS_OF: &str = "2026-11-21";

fn example() -> String {
    repo()
        .join("data/examples/operator-inventory.csv")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn shipped_example_gives_violations_with_reasons() {
    let env = Env::new();
    let out = env.run(&["check", &example(), "--as-of", AS_OF, "--format", "json"]);
    out.code(1);
    let r = out.json();
    let v = verdicts(&r);
    let ids: Vec<&str> = v.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(ids, ["P1", "P2", "P5", "P7", "P8", "P9"]);
    // Huawei and ZTE are listed for all equipment; Hikvision (and EZVIZ through it) only for
    // some purposes, which the example does not state: review.
    let verdict_of = |id: &str| v.iter().find(|t| t.0 == id).unwrap().1.clone();
    for id in ["P1", "P2", "P5"] {
        assert_eq!(verdict_of(id), "violation", "{id}");
    }
    for id in ["P7", "P8", "P9"] {
        assert_eq!(verdict_of(id), "review", "{id}");
    }
    assert_eq!(
        v[0],
        (
            "P1".into(),
            "violation".into(),
            "huawei".into(),
            "alias".into()
        )
    );
    assert_eq!(v[1].3, "name");
    assert_eq!(
        v[4],
        (
            "P8".into(),
            "review".into(),
            "hikvision".into(),
            "model".into()
        )
    );
    assert_eq!(
        v[5],
        (
            "P9".into(),
            "review".into(),
            "ezviz".into(),
            "parent".into()
        )
    );
    let p1 = &r["findings"][0];
    assert_eq!(p1["file"], example().replace('\\', "/"));
    assert_eq!(p1["line"], 2);
    assert_eq!(p1["score"], 1.0);
    let reason = p1["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("vendor 'Huawei' is an alias of Huawei Technologies Co., Ltd. ("),
        "{reason}"
    );
    assert!(
        reason.contains("us-fcc-covered since 2021-03-12"),
        "{reason}"
    );
    // Summary: 12 items; all are known to the curated registry (Teltonika is in
    // data/registry/manufacturers-telecom.toml).
    assert_eq!(r["summary"]["items"], 12);
    assert_eq!(r["summary"]["violations"], 3);
    assert_eq!(r["summary"]["reviews"], 3);
    assert_eq!(r["summary"]["ok"], 6);
    assert_eq!(r["summary"]["unidentified"], 0);
    assert_eq!(r["summary"]["identified_ieee"], 0);
    assert_eq!(r["summary"]["identified_curated"], 12);
}

#[test]
fn json_report_has_the_documented_shape_and_provenance() {
    let env = Env::new();
    let out = env.run(&["check", &example(), "--as-of", AS_OF, "--format", "json"]);
    let r = out.json();
    assert_eq!(r["tool"]["name"], "tvcheck");
    assert_eq!(r["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["as_of"], AS_OF);
    assert_eq!(r["registry"]["source"], "embedded");
    assert_eq!(r["registry"]["sha256"].as_str().unwrap().len(), 64);
    assert!(r["registry"]["vendors"].as_u64().unwrap() >= 20);
    let bytes = std::fs::read(example()).unwrap();
    let want = format!("{:x}", Sha256::digest(&bytes));
    assert_eq!(r["inputs"][0]["sha256"], want.as_str());
    assert_eq!(r["inputs"][0]["items"], 12);
    assert_eq!(r["inputs"][0]["bytes"], bytes.len());
    for key in [
        "file", "line", "asset_id", "vendor", "model", "verdict", "entry", "match", "score",
        "reason",
    ] {
        assert!(r["findings"][0].get(key).is_some(), "finding lacks {key}");
    }
    // The registry digest is the same on every run.
    let again = env
        .run(&["check", &example(), "--as-of", AS_OF, "--format", "json"])
        .json();
    assert_eq!(again["registry"]["sha256"], r["registry"]["sha256"]);
}

#[test]
fn relabelled_equipment_names_both_sides() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor,model\nAxis Communications AB,DS-2CD2143G0-I\n",
    );
    let r = env
        .run(&["check", "inv.csv", "--as-of", AS_OF, "--format", "json"])
        .json();
    let reason = r["findings"][0]["reason"].as_str().unwrap();
    assert_eq!(r["findings"][0]["match"], "model");
    assert!(reason.contains("pattern 'DS-2CD*'"), "{reason}");
    assert!(
        reason.contains("the vendor field names Axis Communications AB"),
        "{reason}"
    );
}

#[test]
fn compliant_inventory_exits_zero() {
    let env = Env::new();
    env.file(
        "ok.csv",
        "asset_id,vendor,model\nA1,Ericsson,AIR 6449\nA2,Nokia Oyj,AirScale\nA3,Unknown Widgets Ltd,W1\n",
    );
    let out = env.run(&["check", "ok.csv", "--as-of", AS_OF]);
    out.code(0);
    assert!(
        out.stdout.contains("ok.csv: 3 items, 0 violations"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "total: 3 items in 1 file: 0 violations, 0 reviews, 0 waived, 3 ok (1 unidentified)"
        ),
        "{}",
        out.stdout
    );
    let r = env
        .run(&["check", "ok.csv", "--as-of", AS_OF, "--format", "json"])
        .json();
    assert_eq!(r["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn all_lists_ok_items_too() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor\nA1,Ericsson\nA2,ZTE\nA3,Nobody\n",
    );
    let r = env
        .run(&[
            "check", "inv.csv", "--as-of", AS_OF, "--format", "json", "--all",
        ])
        .json();
    let v = verdicts(&r);
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].1, "ok");
    assert_eq!(v[0].2, "ericsson");
    assert_eq!(v[1].1, "violation");
    assert_eq!(v[2].1, "ok");
    assert_eq!(r["findings"][2]["entry"], serde_json::Value::Null);
    assert_eq!(r["findings"][2]["reason"], "vendor not in the registry");
}

#[test]
fn listings_count_only_from_their_date() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nA1,Hikvision\nA2,Huawei\n");
    // Hikvision: us-ndaa-889 from 2019-08-13, us-fcc-covered from 2021-03-12.
    let before = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2018-06-01",
        "--format",
        "json",
    ]);
    before.code(0);
    let mid = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2020-01-01",
        "--format",
        "json",
    ]);
    mid.code(1);
    let r = mid.json();
    let hik = &r["findings"][0];
    assert_eq!(hik["asset_id"], "A1");
    let lists: Vec<&str> = hik["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["list"].as_str().unwrap())
        .collect();
    assert_eq!(lists, ["us-ndaa-889"]);
    // The day before and the day of the FCC listing.
    let r = env
        .run(&[
            "check",
            "inv.csv",
            "--as-of",
            "2021-03-11",
            "--format",
            "json",
        ])
        .json();
    assert!(!r["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("us-fcc-covered"));
    let r = env
        .run(&[
            "check",
            "inv.csv",
            "--as-of",
            "2021-03-12",
            "--format",
            "json",
        ])
        .json();
    assert!(r["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("us-fcc-covered since 2021-03-12"));
}

#[test]
fn an_ended_parent_link_stops_carrying_the_listing() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nH1,Honor\n");
    // Honor was Huawei's until 2020-11-17; Huawei is on us-ndaa-889 from 2019-08-13.
    let r = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2020-11-16",
        "--format",
        "json",
    ]);
    r.code(1);
    let f = &r.json()["findings"][0];
    assert_eq!(f["match"], "parent");
    assert_eq!(
        f["evidence"]["chain"],
        serde_json::json!(["honor", "huawei"])
    );
    assert!(f["reason"]
        .as_str()
        .unwrap()
        .contains("controlled by Huawei Technologies Co., Ltd."));
    env.run(&["check", "inv.csv", "--as-of", "2020-11-17"])
        .code(0);
}

#[test]
fn extra_columns_are_carried_into_findings() {
    let env = Env::new();
    env.file("inv.csv", "vendor,Owner,Rack\nZTE,Transport team,R12\n");
    let r = env
        .run(&["check", "inv.csv", "--as-of", AS_OF, "--format", "json"])
        .json();
    assert_eq!(
        r["findings"][0]["extra"],
        serde_json::json!({"Owner": "Transport team", "Rack": "R12"})
    );
}

#[test]
fn output_file_is_written_whole_and_nothing_else_is_left() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    std::fs::create_dir(env.path("out")).unwrap();
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--output",
        "out/report.json",
    ]);
    out.code(1);
    assert_eq!(out.stdout, "");
    let text = std::fs::read_to_string(env.path("out/report.json")).unwrap();
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    crate::support::check_report(&r, "report");
    assert_eq!(r["summary"]["violations"], 1);
    let names: Vec<String> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.json"]);
}

#[test]
fn many_paths_are_read_in_the_order_given() {
    let env = Env::new();
    env.file("b.csv", "vendor\nZTE\n");
    env.file("a.toml", "[[asset]]\nvendor = \"Huawei\"\n");
    let r = env
        .run(&[
            "check", "b.csv", "a.toml", "--as-of", AS_OF, "--format", "json",
        ])
        .json();
    let paths: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["b.csv", "a.toml"]);
    assert_eq!(r["inputs"][1]["format"], "toml");
    assert_eq!(r["summary"]["items"], 2);
}

#[test]
fn help_and_version_exit_zero() {
    let env = Env::new();
    let out = env.run(&["--version"]);
    out.code(0);
    assert!(out.stdout.contains(env!("CARGO_PKG_VERSION")));
    let out = env.run(&["check", "--help"]);
    out.code(0);
    assert!(out.stdout.contains("--as-of"));
}

#[test]
fn usage_errors_exit_two() {
    let env = Env::new();
    env.run(&["check"]).code(2);
    env.run(&["frobnicate"]).code(2);
    env.file("inv.csv", "vendor\nZTE\n");
    let out = env.run(&["check", "inv.csv", "--as-of", "2025-02-30"]);
    out.code(2);
    assert!(
        out.stderr.contains("not a real calendar day"),
        "{}",
        out.stderr
    );
    let out = env.run(&["check", "inv.csv", "--column", "colour=x"]);
    out.code(2);
    assert!(
        out.stderr.contains("'colour' is not a field"),
        "{}",
        out.stderr
    );
    env.run(&["check", "inv.csv", "--delimiter", "ab"]).code(2);
}

#[test]
fn table_shows_location_entry_policy_deadline_and_reason() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,domain\nP1,ZTE,F660,core\n",
    );
    let out = env.run_env(
        &[
            "check",
            "inv.csv",
            "--policy",
            "de-5g",
            "--as-of",
            "2026-12-01",
        ],
        &[("COLUMNS", "250")],
    );
    out.code(0);
    let header = out.stdout.lines().find(|l| l.contains("location")).unwrap();
    let cols: Vec<&str> = header
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cols,
        [
            "location",
            "asset",
            "vendor",
            "model",
            "entry",
            "policy/rule",
            "verdict",
            "deadline",
            "why"
        ]
    );
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("inv.csv:2"))
        .unwrap();
    for cell in [
        "P1",
        "ZTE",
        "F660",
        "zte",
        "de-5g/core-by-2026",
        "review",
        "2026-12-31 (30 days left)",
    ] {
        assert!(row.contains(cell), "{cell} missing from {row}");
    }
    assert!(
        out.stdout
            .contains("inv.csv: 1 item, 0 violations, 1 review, 0 waived, 0 ok, 0 unidentified"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("policy de-5g: 0 violations, 1 review, 0 waived, 0 ok"),
        "{}",
        out.stdout
    );
}

#[test]
fn source_date_epoch_makes_reports_byte_identical() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nA1,ZTE\nA2,Nokia\n");
    let args = [
        "check", "inv.csv", "--policy", "lt-5g", "--as-of", AS_OF, "--format", "json",
    ];
    let a = env.run_env(&args, &[("SOURCE_DATE_EPOCH", "1795000000")]);
    let b = env.run_env(&args, &[("SOURCE_DATE_EPOCH", "1795000000")]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.json()["generated_at"], "2026-11-18T11:06:40Z");
    env.run_env(&args, &[("SOURCE_DATE_EPOCH", "yesterday")])
        .error(&["SOURCE_DATE_EPOCH='yesterday' is not a whole number"]);
}

#[test]
fn several_renderings_from_one_run() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nA1,ZTE\n");
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        AS_OF,
        "-o",
        "json=r.json",
        "-o",
        "table",
        "--output",
        "t.txt",
    ]);
    out.code(1);
    assert!(out.stdout.contains("total: 1 item in"), "{}", out.stdout);
    let r: serde_json::Value = crate::support::read_report(&env.path("r.json"));
    assert_eq!(r["summary"]["violations"], 1);
    // A bare file takes --format (table by default).
    assert!(std::fs::read_to_string(env.path("t.txt"))
        .unwrap()
        .contains("total: 1 item in"));
    env.run(&["check", "inv.csv", "-o", "json", "-o", "table"])
        .error(&["more than one report is sent to standard output"]);
    env.run(&["check", "inv.csv", "-o", "yaml=r.yaml"]).code(2);
    env.run(&["check", "inv.csv", "--format", "yaml"]).code(2);
}

#[test]
fn fail_on_sets_the_threshold() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor,domain\nA1,ZTE,5G core\n");
    // de-5g before its deadline: a review only.
    let base = [
        "check",
        "inv.csv",
        "--policy",
        "de-5g",
        "--as-of",
        "2026-01-01",
    ];
    env.run(&base).code(0);
    env.run(&[&base[..], &["--fail-on", "review"]].concat())
        .code(1);
    env.run(&[&base[..], &["--fail-on", "violation"]].concat())
        .code(0);
    let after = [
        "check",
        "inv.csv",
        "--policy",
        "de-5g",
        "--as-of",
        "2027-01-01",
    ];
    env.run(&after).code(1);
    env.run(&[&after[..], &["--fail-on", "never"]].concat())
        .code(0);
    // Errors are never hidden by --fail-on never.
    env.run(&["check", "missing.csv", "--fail-on", "never"])
        .code(2);
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    // Through a pipe: plain text.
    let out = env.run_env(&["check", "inv.csv", "--as-of", AS_OF], &[("NO_COLOR", "")]);
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    // Through a pseudo-terminal (util-linux `script`), when the machine has it.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok()
    {
        let bin = env!("CARGO_BIN_EXE_tvcheck");
        let cmd = format!("{bin} check inv.csv --as-of {AS_OF} --quiet");
        let tty = |no_color: Option<&str>| -> String {
            let mut c = std::process::Command::new("script");
            c.current_dir(env.path("."))
                .args(["-qec", &cmd, "/dev/null"])
                .env_remove("NO_COLOR");
            if let Some(v) = no_color {
                c.env("NO_COLOR", v);
            }
            String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
        };
        let coloured = tty(None);
        assert!(coloured.contains("\u{1b}[38;5;9m violation"), "{coloured}");
        let plain = tty(Some("1"));
        assert!(plain.contains("violation"), "{plain}");
        assert!(!plain.contains('\u{1b}'), "{plain}");
    }
}

#[test]
fn explain_shows_normalisation_candidates_and_decision() {
    let env = Env::new();
    let out = env.run(&["explain", "HUAWEI TECHNOLOGIES CO.,LTD", "--as-of", AS_OF]);
    out.code(0);
    assert!(
        out.stdout.contains("normalised:  'huawei technologies'"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("technologies (generic"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("1. huawei (Huawei Technologies Co., Ltd.): name 1.000"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("decision:    violation under any-list/listed"),
        "{}",
        out.stdout
    );
    let j = env
        .run(&["explain", "Hauwei", "--as-of", AS_OF, "--format", "json"])
        .json();
    assert_eq!(j["candidates"][0]["entry"], "huawei");
    assert_eq!(j["candidates"][0]["match"], "fuzzy");
    assert_eq!(j["verdict"], "review", "a fuzzy match is never a violation");
    assert!(j["candidates"][0]["score"].as_f64().unwrap() > 0.8);
    let j = env
        .run(&[
            "explain",
            "Shanghai Dahua Scale Factory",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ])
        .json();
    // A real, different company: identified as itself (the IEEE registration), not as Dahua.
    let cands = j["candidates"].as_array().unwrap();
    assert!(
        cands
            .iter()
            .all(|c| c["entry"].as_str().unwrap().starts_with("ieee:")),
        "{cands:?}"
    );
    assert_eq!(j["verdict"], "ok");
    let j = env
        .run(&[
            "explain",
            "Reseller Ltd",
            "--model",
            "DS-2CD2143G0-I",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ])
        .json();
    assert_eq!(j["candidates"][0]["match"], "model");
    // A model match with an unknown vendor stands; Hikvision's listings are limited to some
    // purposes, and none is stated: review.
    assert_eq!(j["verdict"], "review");
}

#[test]
fn strict_mode_and_min_score() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor\nA1,Hauwei\nA2,Huawei\nA3,Hikvision ColorVu Turret\n",
    );
    let r = env
        .run(&["check", "inv.csv", "--as-of", AS_OF, "--format", "json"])
        .json();
    let v: Vec<(&str, &str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap(),
                f["verdict"].as_str().unwrap(),
                f["match"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            ("A1", "review", "fuzzy"),
            ("A2", "violation", "alias"),
            ("A3", "review", "fuzzy")
        ]
    );
    let r = env
        .run(&[
            "check", "inv.csv", "--as-of", AS_OF, "--format", "json", "--strict",
        ])
        .json();
    let ids: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A2"], "strict mode flags only exact evidence");
    let r = env
        .run(&[
            "check",
            "inv.csv",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--min-score",
            "0.8",
        ])
        .json();
    let ids: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A1", "A2"], "the partial name scores below 0.8");
    env.run(&["check", "inv.csv", "--min-score", "2"]).code(2);
}

#[test]
fn ownership_chains_and_ended_links_in_findings() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nE1,Ezviz\nH1,Honor\n");
    let r = env
        .run(&["check", "inv.csv", "--as-of", AS_OF, "--format", "json"])
        .json();
    let f = &r["findings"][0];
    assert_eq!(f["asset_id"], "E1");
    assert_eq!(f["match"], "parent");
    assert_eq!(
        f["evidence"]["chain"],
        serde_json::json!(["ezviz", "hikvision"])
    );
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.contains("controlled by Hangzhou Hikvision Digital Technology Co., Ltd. (us-fcc-covered since 2021-03-12"), "{reason}");
    assert_eq!(
        r["findings"].as_array().unwrap().len(),
        1,
        "Honor left Huawei on 2020-11-17"
    );
}

#[test]
fn version_names_the_commit_the_build_and_the_embedded_registry() {
    let env = Env::new();
    let out = env.run(&["--version"]);
    out.code(0);
    let digest = env.registry_digest(None);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], format!("tvcheck {}", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("commit: "), "{}", out.stdout);
    assert!(lines[2].starts_with("built: 20"), "{}", out.stdout);
    assert!(
        lines[3].starts_with(&format!("embedded registry: sha256 {digest}, ")),
        "{}",
        out.stdout
    );
    // -V stays one line.
    assert_eq!(env.run(&["-V"]).stdout.lines().count(), 1);
}

#[test]
fn completions_and_the_man_page_come_from_the_argument_definitions() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.run(&["completions", shell]);
        out.code(0);
        // Every subcommand and an option of `check` are there, in the shell's own syntax.
        assert!(out.stdout.contains("rows-per-group"), "{shell}");
        assert!(out.stdout.contains("merge"), "{shell}");
    }
    env.run(&["completions", "tcsh"]).code(2);
    let man = env.run(&["man"]);
    man.code(0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH tvcheck 1"));
    assert!(man.stdout.contains(".TH tvcheck 1"), "{}", man.stdout);
    assert!(man.stdout.contains("completions"), "{}", man.stdout);
}
