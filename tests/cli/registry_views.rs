//! What the registry commands show of what ended and what went: `registry show` and `list`
//! with retirements and delistings, `registry diff OLD.db NEW.db` with entries, listings and
//! lists removed, re-dated and reinstated, and what `registry export --format csv` says it
//! leaves out.

use crate::support::Env;

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

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "acme-labs"
name = "Acme Labs GmbH"
country = "DE"
parent = "acme"

[[vendor]]
id = "beta"
name = "Beta Networks"
country = "CN"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2021-06-01
"#;

/// The same registry made another way: acme-labs gone, acme's listing gone, beta's listing
/// re-dated, a new entry and a new list.
const OTHER: &str = r#"
[[list]]
id = "test-list"
title = "Test designation list"
jurisdiction = "LT"
basis = "Test Act 2020, art. 1"
source = "https://example.org/test-list"

[[list]]
id = "other-list"
title = "Other list"
jurisdiction = "LV"
basis = "Other Act"
source = "https://example.org/other"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "GB"

[[vendor]]
id = "beta"
name = "Beta Networks"
country = "CN"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2022-01-01

[[vendor]]
id = "gamma"
name = "Gamma Telecom"
country = "FI"
"#;

/// `reg.db`: BASE with acme-labs retired and acme delisted; `plain.db`: BASE alone.
fn setup() -> Env {
    let env = Env::new();
    env.file("base.toml", BASE);
    env.file("other.toml", OTHER);
    for db in ["reg.db", "plain.db"] {
        env.run(&["registry", "import", "base.toml", "--db", db])
            .code(0);
    }
    env.run_env(
        &[
            "registry",
            "retire",
            "acme-labs",
            "--reason",
            "Merged into acme",
            "--on",
            "2026-01-01",
            "--db",
            "reg.db",
            "--actor",
            "alice",
        ],
        &[("SOURCE_DATE_EPOCH", "1790000000")],
    )
    .code(0);
    env.run_env(
        &[
            "registry",
            "delist",
            "acme",
            "--list",
            "test-list",
            "--reason",
            "Court ruling 2026/7",
            "--on",
            "2026-02-01",
            "--db",
            "reg.db",
            "--actor",
            "bob",
        ],
        &[("SOURCE_DATE_EPOCH", "1790000000")],
    )
    .code(0);
    env
}

#[test]
fn show_and_list_display_retirements_and_delistings() {
    let env = setup();
    let out = env.run(&["registry", "show", "acme-labs", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout.contains(
            "\n  retired: from 2026-01-01: Merged into acme (revision 2, 2026-09-21T14:13:20Z, by alice)\n"
        ),
        "{}",
        out.stdout
    );
    let out = env.run(&["registry", "show", "acme", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout.contains(
            "  listed on test-list (Test designation list) since 2020-01-01\n    basis: Test Act 2020, art. 1\n    source: https://example.org/test-list\n    delisted: from 2026-02-01: Court ruling 2026/7 (revision 3, 2026-09-21T14:13:20Z, by bob)\n"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("retired"), "{}", out.stdout);
    // Nothing ended: shown as before.
    let out = env.run(&["registry", "show", "acme", "--db", "plain.db"]);
    out.code(0);
    assert!(!out.stdout.contains("delisted"), "{}", out.stdout);
    let out = env.run(&["registry", "list", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout.contains("Acme Labs GmbH (retired 2026-01-01)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("test-list@2020-01-01 (delisted 2026-02-01)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("test-list@2021-06-01 "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("3 vendors, 2 listings, 1 lists (1 retired, 1 delisted: see `registry show ID`) · registry reg.db"),
        "{}",
        out.stdout
    );
    let out = env.run(&["registry", "list", "--db", "plain.db"]);
    assert!(!out.stdout.contains("retired"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("3 vendors, 2 listings, 1 lists · registry plain.db"),
        "{}",
        out.stdout
    );
}

fn diff(env: &Env, old: &str, new: &str) -> Vec<(String, String, String)> {
    let out = env.run(&["registry", "diff", old, new, "--format", "json"]);
    out.code(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("entity"), s("kind"), s("detail"))
        })
        .collect()
}

fn t(e: &str, k: &str, d: &str) -> (String, String, String) {
    (e.to_string(), k.to_string(), d.to_string())
}

#[test]
fn diff_of_two_databases_reports_what_went_as_well_as_what_came() {
    let env = setup();
    env.run(&["registry", "import", "other.toml", "--db", "other.db"])
        .code(0);
    assert_eq!(
        diff(&env, "plain.db", "other.db"),
        vec![
            t("acme", "listing-removed", "test-list since 2020-01-01"),
            t("acme-labs", "removed", "Acme Labs GmbH"),
            t(
                "beta",
                "listing-redated",
                "test-list: listed since 2022-01-01 (was since 2021-06-01)"
            ),
            t("gamma", "added", "Gamma Telecom"),
            t("list:other-list", "list-added", "Other list (Other Act)"),
        ]
    );
    assert_eq!(
        diff(&env, "other.db", "plain.db"),
        vec![
            t("acme", "listed", "test-list since 2020-01-01"),
            t("acme-labs", "added", "Acme Labs GmbH"),
            t(
                "beta",
                "listing-redated",
                "test-list: listed since 2021-06-01 (was since 2022-01-01)"
            ),
            t("gamma", "removed", "Gamma Telecom"),
            t("list:other-list", "list-removed", "Other list (Other Act)"),
        ]
    );
    // A retirement and a delisting undone (a database restored from before them).
    assert_eq!(
        diff(&env, "reg.db", "plain.db"),
        vec![
            t(
                "acme",
                "relisted",
                "test-list (listed since 2020-01-01): no longer delisted (was from 2026-02-01: Court ruling 2026/7)"
            ),
            t(
                "acme-labs",
                "reinstated",
                "no longer retired (was from 2026-01-01: Merged into acme)"
            ),
        ]
    );
    // The table says it too.
    let out = env.run(&["registry", "diff", "plain.db", "other.db"]);
    out.code(0);
    assert!(
        out.stdout
            .starts_with("changes from plain.db to other.db: 5\n"),
        "{}",
        out.stdout
    );
    for kind in ["listing-removed", "removed", "listing-redated", "added"] {
        assert!(out.stdout.contains(kind), "{kind}: {}", out.stdout);
    }
}

#[test]
fn csv_export_says_on_stderr_what_it_leaves_out() {
    let env = setup();
    let out = env.run(&["registry", "export", "--db", "reg.db", "--format", "csv"]);
    out.code(0);
    let note = out.stderr.trim_end();
    assert_eq!(note.lines().count(), 1, "{note}");
    assert!(note.starts_with("note: the CSV holds the registry's whole content (1 list definitions, 3 entries and 2 listings"), "{note}");
    assert!(note.contains("it leaves out the change log"), "{note}");
    // What it says it holds, it holds: the same digest once imported.
    let digest = env.registry_digest(Some("reg.db"));
    assert!(note.contains(&digest), "{note}");
    env.file("export.csv", &out.stdout);
    env.run(&["registry", "import", "export.csv", "--db", "back.db"])
        .code(0);
    assert_eq!(env.registry_digest(Some("back.db")), digest);
    // The TOML export says nothing.
    let out = env.run(&["registry", "export", "--db", "reg.db"]);
    out.code(0);
    assert_eq!(out.stderr, "");
}
