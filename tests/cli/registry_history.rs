//! A registry regulators can maintain and trust: revisions, history, retirement and delisting
//! with time travel, diffs, impact of a change, export round trips, staleness, integrity,
//! migrations and crash safety.

use crate::support::{repo, Env};

const BASE: &str = r#"
[[list]]
id = "test-list"
title = "Test designation list"
jurisdiction = "LT"
basis = "Test Act 2020, art. 1"
source = "https://example.org/test-list"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "GB"
aliases = ["Acme"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "acme-labs"
name = "Acme Labs GmbH"
country = "DE"
parent = "acme"
"#;

const UPDATE: &str = r#"
[[vendor]]
id = "beta"
name = "Beta Networks Co., Ltd."
country = "CN"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2021-06-01
"#;

fn setup() -> Env {
    let env = Env::new();
    env.file("base.toml", BASE);
    env.file("update.toml", UPDATE);
    env.run_env(
        &[
            "registry",
            "import",
            "base.toml",
            "--db",
            "reg.db",
            "--actor",
            "alice",
        ],
        &[("SOURCE_DATE_EPOCH", "1790000000")],
    )
    .code(0);
    env
}

fn json(env: &Env, args: &[&str]) -> serde_json::Value {
    let out = env.run(args);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    out.json()
}

#[test]
fn status_shows_revision_counts_schema_and_digest() {
    let env = setup();
    let s = json(
        &env,
        &[
            "registry",
            "status",
            "--db",
            "reg.db",
            "--format",
            "json",
            "--max-age",
            "100000d",
        ],
    );
    assert_eq!(s["revision"], 1);
    assert_eq!(s["last_change"], "2026-09-21T14:13:20Z");
    assert_eq!(s["schema_version"], 4);
    assert_eq!(s["entries"], 2);
    assert_eq!(s["listings"], 1);
    assert_eq!(s["lists"], 1);
    assert_eq!(s["stale"], false);
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    let s2 = json(
        &env,
        &["registry", "status", "--db", "reg.db", "--format", "json"],
    );
    assert_eq!(s2["revision"], 2);
    assert_ne!(s2["sha256"], s["sha256"]);
    // Importing the same content again changes nothing and makes no revision.
    let out = env.run(&["registry", "import", "update.toml", "--db", "reg.db"]);
    assert!(out.stdout.contains("nothing changed"), "{}", out.stdout);
    assert_eq!(
        json(
            &env,
            &["registry", "status", "--db", "reg.db", "--format", "json"]
        )["revision"],
        2
    );
    // Reports carry the revision and the last change.
    env.file("inv.csv", "vendor\nAcme\n");
    let r = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2026-01-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["registry"]["revision"], 2);
    assert_eq!(r["registry"]["sha256"], s2["sha256"]);
    assert!(r["registry"]["last_change"].is_string());
}

#[test]
fn retirement_is_seen_only_from_its_date() {
    let env = setup();
    let out = env.run(&[
        "registry",
        "retire",
        "acme",
        "--reason",
        "Dissolved",
        "--on",
        "2024-05-01",
        "--db",
        "reg.db",
        "--actor",
        "bob",
    ]);
    out.code(0);
    assert!(
        out.stdout
            .contains("retired acme from 2024-05-01 (revision 2)"),
        "{}",
        out.stdout
    );
    env.file("inv.csv", "asset_id,vendor\nA1,Acme\nL1,Acme Labs GmbH\n");
    let before = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2024-04-30",
            "--format",
            "json",
        ],
    );
    assert_eq!(before["summary"]["violations"], 2);
    let after = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2024-05-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(after["summary"]["violations"], 0);
    let all = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2024-05-01",
            "--format",
            "json",
            "--all",
        ],
    );
    // A retired entry still identifies its items, but no longer applies: they are ok, and say
    // what they were identified as and since when it no longer applies.
    let a1 = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "A1")
        .unwrap();
    assert_eq!(a1["verdict"], "ok");
    assert_eq!(a1["entry"], "acme");
    assert!(
        a1["reason"]
            .as_str()
            .unwrap()
            .contains("retired from the registry on 2024-05-01 (Dissolved): it no longer applies"),
        "{a1}"
    );
    assert_eq!(all["summary"]["unidentified"], 0);
    // The entry is still in the registry, retired.
    let v = json(
        &env,
        &[
            "registry", "show", "acme", "--db", "reg.db", "--format", "json",
        ],
    );
    assert_eq!(v["retired_on"], "2024-05-01");
    assert_eq!(v["retired_reason"], "Dissolved");
    env.run(&[
        "registry", "retire", "acme", "--reason", "again", "--db", "reg.db",
    ])
    .error(&["already retired on 2024-05-01"]);
    env.run(&[
        "registry", "retire", "nobody", "--reason", "x", "--db", "reg.db",
    ])
    .error(&["no registry entry with id 'nobody'"]);
    env.run(&["registry", "retire", "acme", "--reason", "x"])
        .error(&["registry retire needs a database to write"]);
}

#[test]
fn delisting_is_seen_only_from_its_date() {
    let env = setup();
    env.run(&[
        "registry",
        "delist",
        "acme",
        "--list",
        "test-list",
        "--reason",
        "Court ruling",
        "--on",
        "2025-03-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    env.file("inv.csv", "asset_id,vendor\nA1,Acme\n");
    assert_eq!(
        json(
            &env,
            &[
                "check",
                "inv.csv",
                "--db",
                "reg.db",
                "--as-of",
                "2025-02-28",
                "--format",
                "json"
            ]
        )["summary"]["violations"],
        1
    );
    let after = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2025-03-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(after["summary"]["violations"], 0);
    assert_eq!(
        after["summary"]["unidentified"], 0,
        "still identified, no longer listed"
    );
    let v = json(
        &env,
        &[
            "registry", "show", "acme", "--db", "reg.db", "--format", "json",
        ],
    );
    assert_eq!(v["listings"][0]["delisted_on"], "2025-03-01");
    env.run(&[
        "registry",
        "delist",
        "acme",
        "--list",
        "test-list",
        "--reason",
        "x",
        "--on",
        "2025-04-01",
        "--db",
        "reg.db",
    ])
    .error(&["has no listing on 'test-list' in force"]);
    env.run(&[
        "registry", "delist", "acme", "--list", "other", "--reason", "x", "--db", "reg.db",
    ])
    .error(&["its listings are on test-list"]);
}

#[test]
fn history_records_time_actor_sources_and_changes() {
    let env = setup();
    env.run(&[
        "registry",
        "import",
        "update.toml",
        "--db",
        "reg.db",
        "--actor",
        "carol",
    ])
    .code(0);
    env.run(&[
        "registry",
        "retire",
        "acme-labs",
        "--reason",
        "Merged",
        "--on",
        "2026-01-01",
        "--db",
        "reg.db",
        "--actor",
        "dave",
    ])
    .code(0);
    let h = json(
        &env,
        &["registry", "history", "--db", "reg.db", "--format", "json"],
    );
    let revs = h.as_array().unwrap();
    assert_eq!(revs.len(), 3);
    assert_eq!(revs[0]["actor"], "alice");
    assert_eq!(revs[0]["at"], "2026-09-21T14:13:20Z");
    assert_eq!(revs[0]["source_file"], "base.toml");
    let sha = tvcheck_sha(&env.path("base.toml"));
    assert_eq!(revs[0]["source_sha256"], sha.as_str());
    assert_eq!(revs[1]["actor"], "carol");
    assert_eq!(
        revs[1]["changes"],
        serde_json::json!([
            {"entity": "beta", "kind": "added", "detail": "Beta Networks Co., Ltd."},
            {"entity": "beta", "kind": "listed", "detail": "test-list since 2021-06-01"}
        ])
    );
    assert_eq!(revs[2]["action"], "retire");
    let only = json(
        &env,
        &[
            "registry",
            "history",
            "acme-labs",
            "--db",
            "reg.db",
            "--format",
            "json",
        ],
    );
    let kinds: Vec<&str> = only
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["changes"].as_array().unwrap())
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["added", "retired"]);
    let text = env.run(&["registry", "history", "--db", "reg.db"]);
    assert!(text.stdout.contains("revision 3 · "), "{}", text.stdout);
    assert!(
        text.stdout.contains("retired         acme-labs"),
        "{}",
        text.stdout
    );
}

fn tvcheck_sha(path: &std::path::Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn diff_between_revisions_and_between_databases() {
    let env = setup();
    std::fs::copy(env.path("reg.db"), env.path("old.db")).unwrap();
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    env.run(&[
        "registry",
        "delist",
        "acme",
        "--list",
        "test-list",
        "--reason",
        "Ruling",
        "--on",
        "2026-02-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    let d = json(
        &env,
        &[
            "registry", "diff", "--from", "1", "--db", "reg.db", "--format", "json",
        ],
    );
    let kinds: Vec<(String, String)> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["entity"].as_str().unwrap().into(),
                c["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("acme".into(), "delisted".into()),
            ("beta".into(), "added".into()),
            ("beta".into(), "listed".into())
        ]
    );
    let d = json(
        &env,
        &[
            "registry", "diff", "--from", "2", "--to", "3", "--db", "reg.db", "--format", "json",
        ],
    );
    assert_eq!(d["changes"].as_array().unwrap().len(), 1);
    let d = json(
        &env,
        &["registry", "diff", "old.db", "reg.db", "--format", "json"],
    );
    assert_eq!(d["changes"].as_array().unwrap().len(), 3);
    let out = env.run(&["registry", "diff", "--from", "1", "--db", "reg.db"]);
    assert!(
        out.stdout
            .starts_with("changes from revision 1 to revision 3: 3"),
        "{}",
        out.stdout
    );
    env.run(&["registry", "diff", "--from", "9", "--db", "reg.db"])
        .error(&["the registry has no revision 9"]);
    env.run(&["registry", "diff"]).code(2);
}

#[test]
fn since_registry_lists_the_items_whose_verdict_changed() {
    let env = setup();
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    env.file(
        "inv.csv",
        "asset_id,vendor\nA1,Acme\nB1,Beta Networks\nE1,Ericsson\n",
    );
    // The same check, against revision 1 of the database.
    let base = [
        "check",
        "inv.csv",
        "--db",
        "reg.db",
        "--as-of",
        "2026-01-01",
        "--since-registry",
        "1",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        env.run(&a)
    };
    let out = with(&["--format", "json"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["since"]["against"], "revision 1 of reg.db");
    let changes = r["since"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["asset_id"], "B1");
    assert_eq!(changes[0]["before"], "ok");
    assert_eq!(changes[0]["after"], "violation");
    // ok rows were needed for the comparison but are not listed without --all.
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["verdict"] != "ok"));
    // Against an earlier report.
    env.run(&[
        "check",
        "inv.csv",
        "--db",
        "reg.db",
        "--as-of",
        "2019-01-01",
        "--format",
        "json",
        "--output",
        "old.json",
    ])
    .code(0);
    let r = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2026-01-01",
            "--since-registry",
            "old.json",
            "--format",
            "json",
        ],
    );
    let ids: Vec<&str> = r["since"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A1", "B1"]);
    let table = with(&[]);
    assert!(
        table
            .stdout
            .contains("since revision 1 of reg.db: 1 item verdict changed"),
        "{}",
        table.stdout
    );
    // The comparison is made item by item as the run goes: a streamed report (JSON to a
    // file) and one rendered from memory (beside a table) say the same, with and without
    // --all; --all adds the ok items and changes nothing else.
    let run_to = |extra: &[&str]| {
        with(extra).code(1);
    };
    run_to(&["-o", "json=streamed.json"]);
    run_to(&["-o", "json=held.json", "-o", "table=t.txt"]);
    run_to(&["--all", "-o", "json=all.json"]);
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(env.path(f)).unwrap()).unwrap()
    };
    let (streamed, held, all) = (read("streamed.json"), read("held.json"), read("all.json"));
    assert_eq!(streamed["since"], held["since"]);
    assert_eq!(streamed["findings"], held["findings"]);
    assert_eq!(streamed["since"], all["since"]);
    assert_eq!(streamed["since"]["changes"].as_array().unwrap().len(), 1);
    let verdicts = |r: &serde_json::Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}={}",
                    f["asset_id"].as_str().unwrap(),
                    f["verdict"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(verdicts(&streamed), ["A1=violation", "B1=violation"]);
    assert_eq!(verdicts(&all), ["A1=violation", "B1=violation", "E1=ok"]);
    env.run(&["check", "inv.csv", "--since-registry", "1"])
        .error(&["--since-registry REV compares with a revision of a registry database"]);
}

#[test]
fn toml_export_round_trips_to_the_same_digest() {
    let env = setup();
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    env.run(&[
        "registry",
        "retire",
        "acme-labs",
        "--reason",
        "Merged",
        "--on",
        "2026-01-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    env.run(&[
        "registry",
        "delist",
        "acme",
        "--list",
        "test-list",
        "--reason",
        "Ruling",
        "--on",
        "2026-02-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    env.run(&[
        "registry",
        "export",
        "--db",
        "reg.db",
        "--format",
        "toml",
        "--output",
        "export.toml",
    ])
    .code(0);
    env.run(&["registry", "import", "export.toml", "--db", "copy.db"])
        .code(0);
    let a = json(
        &env,
        &["registry", "status", "--db", "reg.db", "--format", "json"],
    );
    let b = json(
        &env,
        &["registry", "status", "--db", "copy.db", "--format", "json"],
    );
    assert_eq!(a["sha256"], b["sha256"]);
    // The embedded registry too.
    let out = env.run(&["registry", "export"]);
    out.code(0);
    env.file("embedded.toml", &out.stdout);
    env.run(&["registry", "import", "embedded.toml", "--db", "emb.db"])
        .code(0);
    let emb = json(&env, &["registry", "status", "--format", "json"]);
    let copy = json(
        &env,
        &["registry", "status", "--db", "emb.db", "--format", "json"],
    );
    assert_eq!(emb["sha256"], copy["sha256"]);
    // CSV export: one row per list, vendor and listing (its round trip is tested below).
    let csv = env.run(&["registry", "export", "--db", "reg.db", "--format", "csv"]);
    csv.code(0);
    assert!(
        csv.stdout.starts_with("kind,id,vendor,list,"),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .contains("\nvendor,beta,,,,\"Beta Networks Co., Ltd.\",,CN,"),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .contains("\nlisting,,beta,test-list,,,,,,,,,,,2021-06-01,all,"),
        "{}",
        csv.stdout
    );
}

/// The registry of `setup()` with an update, a retired entry and a delisted listing.
fn retired_and_delisted() -> Env {
    let env = setup();
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    env.run(&[
        "registry",
        "retire",
        "acme-labs",
        "--reason",
        "Merged into acme",
        "--on",
        "2026-01-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    env.run(&[
        "registry",
        "delist",
        "acme",
        "--list",
        "test-list",
        "--reason",
        "Ruling, appeal | pending",
        "--on",
        "2026-02-01",
        "--db",
        "reg.db",
    ])
    .code(0);
    env
}

#[test]
fn csv_export_with_retirement_and_delisting_round_trips_to_the_same_digest() {
    let env = retired_and_delisted();
    env.run(&[
        "registry",
        "export",
        "--db",
        "reg.db",
        "--format",
        "csv",
        "-o",
        "export.csv",
    ])
    .code(0);
    let csv = std::fs::read_to_string(env.path("export.csv")).unwrap();
    assert!(
        csv.contains("\nlist,test-list,,,Test designation list,,LT,,,"),
        "{csv}"
    );
    assert!(csv.contains(",2026-01-01,Merged into acme,,,,\n"), "{csv}");
    assert!(
        csv.contains(",2026-02-01,\"Ruling, appeal | pending\",,,,,,\n"),
        "{csv}"
    );
    env.run(&["registry", "import", "export.csv", "--db", "copy.db"])
        .code(0);
    assert_eq!(
        env.registry_digest(Some("copy.db")),
        env.registry_digest(Some("reg.db"))
    );
    // The copy says the same: retired and delisted on the same dates.
    let v = json(
        &env,
        &[
            "registry", "show", "acme", "--db", "copy.db", "--format", "json",
        ],
    );
    assert_eq!(v["listings"][0]["delisted_on"], "2026-02-01");
    assert_eq!(
        v["listings"][0]["delisted_reason"],
        "Ruling, appeal | pending"
    );
    // Exporting the copy gives the same bytes.
    let again = env.run(&["registry", "export", "--db", "copy.db", "--format", "csv"]);
    again.code(0);
    assert_eq!(again.stdout, csv);
}

#[test]
fn csv_export_of_the_embedded_registry_round_trips_to_the_same_digest() {
    let env = Env::new();
    let out = env.run(&["registry", "export", "--format", "csv"]);
    out.code(0);
    let csv = &out.stdout;
    // What the old CSV format could not carry: list definitions, weak facts, notes, parent
    // dates (Honor's ended link), purpose-limited listings with their basis and source.
    assert!(
        csv.contains("\nlist,us-fcc-covered,,,FCC Covered List,"),
        "{csv}"
    );
    assert!(csv.contains(",weak,"), "{csv}");
    assert!(
        csv.contains("\nvendor,honor,,,,Honor,,,,荣耀|荣耀终端有限公司,,huawei,,2020-11-17,"),
        "{csv}"
    );
    assert!(
        csv.contains("\nlisting,,hikvision,us-fcc-covered,,,,,,,,,,,2021-03-12,purpose-limited,critical-infrastructure|government-facilities|national-security|public-safety,\"Covered List entry:"),
        "{csv}"
    );
    env.file("embedded.csv", csv);
    env.run(&["registry", "import", "embedded.csv", "--db", "emb.db"])
        .code(0);
    assert_eq!(
        env.registry_digest(Some("emb.db")),
        env.registry_digest(None)
    );
    // Checks against the copy find the same.
    let inv = repo().join("data/examples/operator-inventory.csv");
    let inv = inv.to_string_lossy();
    let check = |db: Option<&str>| {
        let mut args = vec!["check", &inv, "--format", "json", "--as-of", "2026-11-21"];
        if let Some(db) = db {
            args.extend(["--db", db]);
        }
        // The tier differs (imported: user; compiled in: curated); nothing else may.
        let mut f = json(&env, &args)["findings"].clone();
        for finding in f.as_array_mut().unwrap() {
            finding.as_object_mut().unwrap().remove("tier");
        }
        f
    };
    assert_eq!(check(Some("emb.db")), check(None));
}

#[test]
fn csv_export_protects_formula_cells_and_keeps_bars_and_backslashes() {
    let env = Env::new();
    env.file(
        "tricky.toml",
        r#"
[[list]]
id = "l"
title = "=HYPERLINK(\"http://example.org\")"
jurisdiction = "EU"
basis = "+1 | basis \\ with a backslash"
source = "@source"
notes = "'=already protected"

[[vendor]]
id = "a"
name = "-Acme"
aliases = ["=SUM(A1)", "a|b", "c\\d", "\\", "'", "''", "trailing\\"]
model_patterns = ["AR\\*", "-X*"]
sources = ["-first", "second | third"]
notes = "line one\nline two, \"quoted\""

  [[vendor.listing]]
  list = "l"
  listed_on = 2021-01-01
  scope = "purpose-limited"
  purposes = ["=p", "q|r"]
"#,
    );
    env.run(&["registry", "import", "tricky.toml", "--db", "reg.db"])
        .code(0);
    let out = env.run(&["registry", "export", "--db", "reg.db", "--format", "csv"]);
    out.code(0);
    let csv = &out.stdout;
    // No cell begins with a formula character; an apostrophe that could be mistaken for the
    // protection is doubled.
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?} in {csv}");
        }
    }
    for cell in [
        "'=HYPERLINK(\"http://example.org\")",
        "'+1 | basis \\ with a backslash",
        "'@source",
        "''=already protected",
        "'-Acme",
        "'-X*|AR\\\\*",
        "'-first|second \\| third",
        "'=p|q\\|r",
        "'|''|=SUM(A1)|\\\\|a\\|b|c\\\\d|trailing\\\\",
    ] {
        assert!(
            rows.iter().any(|r| r.iter().any(|c| c == cell)),
            "no cell {cell:?} in {csv}"
        );
    }
    env.file("tricky.csv", csv);
    env.run(&["registry", "import", "tricky.csv", "--db", "copy.db"])
        .code(0);
    assert_eq!(
        env.registry_digest(Some("copy.db")),
        env.registry_digest(Some("reg.db"))
    );
    let v = json(
        &env,
        &[
            "registry", "show", "a", "--db", "copy.db", "--format", "json",
        ],
    );
    assert_eq!(v["name"], "-Acme");
    assert_eq!(
        v["aliases"],
        serde_json::json!(["'", "''", "=SUM(A1)", "\\", "a|b", "c\\d", "trailing\\"])
    );
}

#[test]
fn digest_does_not_depend_on_import_order() {
    let env = Env::new();
    let dir = repo().join("data/registry");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    let mut a = vec!["registry", "import"];
    a.extend(files.iter().map(String::as_str));
    a.extend(["--db", "a.db"]);
    env.run(&a).code(0);
    files.reverse();
    let mut b = vec!["registry", "import"];
    b.extend(files.iter().map(String::as_str));
    b.extend(["--db", "b.db"]);
    env.run(&b).code(0);
    let sa = json(
        &env,
        &["registry", "status", "--db", "a.db", "--format", "json"],
    );
    let sb = json(
        &env,
        &["registry", "status", "--db", "b.db", "--format", "json"],
    );
    assert_eq!(sa["sha256"], sb["sha256"]);
    assert_eq!(
        sa["sha256"],
        json(&env, &["registry", "status", "--format", "json"])["sha256"]
    );
}

#[test]
fn a_stale_registry_is_an_error_not_a_finding() {
    let env = Env::new();
    env.file("base.toml", BASE);
    env.run_env(
        &["registry", "import", "base.toml", "--db", "old.db"],
        &[("SOURCE_DATE_EPOCH", "1000000000")],
    )
    .code(0);
    env.file("inv.csv", "vendor\nAcme\n");
    env.run(&[
        "check",
        "inv.csv",
        "--db",
        "old.db",
        "--max-registry-age",
        "90d",
    ])
    .error(&[
        "the registry (old.db) was last changed on 2001-09-09",
        "more than --max-registry-age 90 days ago",
        "Maintaining the registry",
    ]);
    env.run(&[
        "check",
        "inv.csv",
        "--db",
        "old.db",
        "--as-of",
        "2026-01-01",
        "--max-registry-age",
        "100000d",
    ])
    .code(1);
    let s = env.run(&["registry", "status", "--db", "old.db"]);
    s.code(0);
    assert!(
        s.stdout.contains("warning: the last change is"),
        "{}",
        s.stdout
    );
    env.run(&["check", "inv.csv", "--max-registry-age", "ninety"])
        .code(2);
}

#[test]
fn the_change_log_and_entries_cannot_be_deleted() {
    let env = setup();
    let conn = rusqlite::Connection::open(env.path("reg.db")).unwrap();
    for sql in [
        "DELETE FROM revision",
        "UPDATE revision SET actor = 'mallory'",
        "DELETE FROM change",
        "DELETE FROM vendor WHERE id = 'acme-labs'",
        "DELETE FROM listing",
    ] {
        let e = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            e.contains("append-only") || e.contains("never deleted"),
            "{sql}: {e}"
        );
    }
}

#[test]
fn verify_checks_integrity_and_every_snapshot() {
    let env = setup();
    env.run(&["registry", "import", "update.toml", "--db", "reg.db"])
        .code(0);
    let out = env.run(&["registry", "verify", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout.contains("sqlite integrity check: ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("2 revisions verified"),
        "{}",
        out.stdout
    );
    // Tamper with the content behind the change log's back.
    let conn = rusqlite::Connection::open(env.path("reg.db")).unwrap();
    conn.execute("UPDATE vendor SET name = 'Tampered' WHERE id = 'beta'", [])
        .unwrap();
    drop(conn);
    let out = env.run(&["registry", "verify", "--db", "reg.db"]);
    out.code(2);
    assert!(
        out.stdout.contains("current content sha256"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("reg.db: 1 problem found"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_first_schema_database_is_migrated_after_a_backup() {
    let env = Env::new();
    let conn = rusqlite::Connection::open(env.path("v1.db")).unwrap();
    conn.execute_batch(include_str!("../../src/registry/migrations/0001_init.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.pragma_update(None, "application_id", 0x7476_6368)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO vendor (id, name, country) VALUES ('acme', 'Acme Radio Ltd', 'GB');
         INSERT INTO alias (vendor_id, alias) VALUES ('acme', 'Acme');
         INSERT INTO listing (vendor_id, list_id, basis, listed_on) VALUES ('acme', 'old-list', 'Old Act', '2019-01-01');",
    )
    .unwrap();
    drop(conn);
    env.file("inv.csv", "vendor\nAcme\n");
    // A read-only check does not migrate behind the user's back.
    env.run(&["check", "inv.csv", "--db", "v1.db"])
        .error(&["schema version 1 and needs migrating to 4"]);
    env.file(
        "extra.toml",
        UPDATE
            .replace(
                "listed_on = 2021-06-01",
                "basis = \"Old Act\"\n  listed_on = 2021-06-01",
            )
            .replace("test-list", "old-list"),
    );
    env.run(&["registry", "import", "extra.toml", "--db", "v1.db"])
        .code(0);
    assert!(
        env.path("v1.schema1.bak").exists(),
        "backup copy before migrating"
    );
    let bak = rusqlite::Connection::open(env.path("v1.schema1.bak")).unwrap();
    let v: i64 = bak
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
    let h = json(
        &env,
        &["registry", "history", "--db", "v1.db", "--format", "json"],
    );
    assert_eq!(h[0]["action"], "migrate");
    assert_eq!(h[1]["action"], "import");
    let r = json(
        &env,
        &[
            "check",
            "inv.csv",
            "--db",
            "v1.db",
            "--as-of",
            "2026-01-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["findings"][0]["entry"], "acme");
    assert_eq!(r["registry"]["schema_version"], 4);
}

/// Kills an import at every write of its transaction (fault injection aborts the process like
/// `kill -9`) and checks that the database is always valid, with the old or the new content.
#[test]
fn an_import_killed_at_any_point_leaves_old_or_new_content() {
    let env = setup();
    let old = json(
        &env,
        &["registry", "status", "--db", "reg.db", "--format", "json"],
    )["sha256"]
        .clone();
    // The new content, from a copy.
    std::fs::copy(env.path("reg.db"), env.path("new.db")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(repo().join("data/registry"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    let mut args = vec!["registry", "import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--db", "new.db"]);
    env.run(&args).code(0);
    let new = json(
        &env,
        &["registry", "status", "--db", "new.db", "--format", "json"],
    )["sha256"]
        .clone();
    assert_ne!(old, new);
    let mut killed = 0;
    let mut n = 1;
    loop {
        std::fs::copy(env.path("reg.db"), env.path("crash.db")).unwrap();
        let _ = std::fs::remove_file(env.path("crash.db-wal"));
        let _ = std::fs::remove_file(env.path("crash.db-shm"));
        let mut a = args.clone();
        let last = a.len() - 1;
        a[last] = "crash.db";
        let out = env.run_env(&a, &[("TVCHECK_FAULT_AFTER_WRITES", &n.to_string())]);
        let verify = env.run(&["registry", "verify", "--db", "crash.db"]);
        verify.code(0);
        let now = json(
            &env,
            &["registry", "status", "--db", "crash.db", "--format", "json"],
        )["sha256"]
            .clone();
        if out.code == 0 {
            assert_eq!(now, new, "completed import at n={n}");
            break;
        }
        killed += 1;
        assert_eq!(
            now, old,
            "killed at write {n}: the database must keep the old content"
        );
        // Every write early on, then every fifth.
        n += if n < 20 { 1 } else { 5 };
    }
    assert!(killed >= 20, "only {killed} crash points tried");
}

/// Kills a first-schema database's migration (and the import that triggers it) at every write
/// point: afterwards the file holds the old schema with the old content, or the new schema with
/// its change log, never a mix.
#[test]
fn a_migration_killed_at_any_point_leaves_a_valid_registry() {
    let env = Env::new();
    let conn = rusqlite::Connection::open(env.path("v1.db")).unwrap();
    conn.execute_batch(include_str!("../../src/registry/migrations/0001_init.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.pragma_update(None, "application_id", 0x7476_6368)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO vendor (id, name, country) VALUES ('acme', 'Acme Radio Ltd', 'GB');
         INSERT INTO listing (vendor_id, list_id, basis, listed_on) VALUES ('acme', 'old-list', 'Old Act', '2019-01-01');",
    )
    .unwrap();
    drop(conn);
    env.file(
        "extra.toml",
        "[[vendor]]\nid = \"beta\"\nname = \"Beta Ltd\"\n",
    );
    let mut outcomes = std::collections::BTreeSet::new();
    for n in 1..=12 {
        std::fs::copy(env.path("v1.db"), env.path("m.db")).unwrap();
        for ext in ["m.db-wal", "m.db-shm", "m.schema1.bak"] {
            let _ = std::fs::remove_file(env.path(ext));
        }
        let out = env.run_env(
            &["registry", "import", "extra.toml", "--db", "m.db"],
            &[("TVCHECK_FAULT_AFTER_WRITES", &n.to_string())],
        );
        let conn = rusqlite::Connection::open(env.path("m.db")).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let vendors: i64 = conn
            .query_row("SELECT count(*) FROM vendor", [], |r| r.get(0))
            .unwrap();
        drop(conn);
        let state = match (out.code, version, vendors) {
            (0, 4, 2) => "imported",
            (_, 1, 1) => "old schema, old content",
            (_, 4, 1) => "migrated, import not committed",
            other => panic!("write {n}: unexpected state {other:?}: {}", out.stderr),
        };
        if version == 4 {
            env.run(&["registry", "verify", "--db", "m.db"]).code(0);
            let h = env
                .run(&["registry", "history", "--db", "m.db", "--format", "json"])
                .json();
            assert_eq!(
                h[0]["action"], "migrate",
                "write {n}: the migration is logged with it"
            );
        }
        outcomes.insert(state);
        if state == "imported" {
            break;
        }
    }
    assert!(outcomes.contains("old schema, old content"), "{outcomes:?}");
    assert!(outcomes.contains("imported"), "{outcomes:?}");
}
