//! FCC grantee codes in the registry (schema 4): import, lossless export, diff, refusal of
//! malformed or shared codes with file:line:column, and registries of schema 3.

use crate::support::Env;

const BASE: &str = r#"
[[list]]
id = "test-list"
title = "Test designation list"
jurisdiction = "US"
basis = "Test Act 2020, art. 1"
source = "https://example.org/test-list"

[[vendor]]
id = "acme"
name = "Acme Drones Co., Ltd."
country = "CN"
aliases = ["Acme"]
fcc_grantee_codes = ["SS3"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "beta"
name = "Beta Radio Ltd"
country = "GB"
"#;

/// BASE with a second code on acme.
fn with_2andr() -> String {
    BASE.replace(
        "fcc_grantee_codes = [\"SS3\"]",
        "fcc_grantee_codes = [\"SS3\", \"2ANDR\"]",
    )
}

fn imported() -> Env {
    let env = Env::new();
    env.file("base.toml", BASE);
    env.run(&["registry", "import", "base.toml", "--db", "reg.db"])
        .code(0);
    env
}

#[test]
fn grantee_codes_are_shown_and_exported_losslessly() {
    let env = imported();
    env.file("two.toml", with_2andr());
    env.run(&["registry", "import", "two.toml", "--db", "reg.db"])
        .code(0);
    let out = env.run(&["registry", "show", "acme", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("\n  aliases: Acme\n  FCC grantee codes: 2ANDR, SS3\n"),
        "{}",
        out.stdout
    );
    let out = env.run(&["registry", "show", "beta", "--db", "reg.db"]);
    assert!(!out.stdout.contains("FCC grantee codes"), "{}", out.stdout);
    let json = env
        .run(&[
            "registry", "show", "acme", "--db", "reg.db", "--format", "json",
        ])
        .json();
    assert_eq!(
        json["fcc_grantee_codes"],
        serde_json::json!(["2ANDR", "SS3"])
    );
    let list = env
        .run(&["registry", "list", "--db", "reg.db", "--format", "json"])
        .json();
    assert_eq!(
        list["vendors"][0]["fcc_grantee_codes"],
        serde_json::json!(["2ANDR", "SS3"])
    );
    assert!(list["vendors"][1].get("fcc_grantee_codes").is_none());

    let digest = env.registry_digest(Some("reg.db"));
    env.run(&["registry", "export", "--db", "reg.db", "-o", "export.toml"])
        .code(0);
    let toml = std::fs::read_to_string(env.path("export.toml")).unwrap();
    assert!(
        toml.contains("aliases = [\"Acme\"]\nfcc_grantee_codes = [\"2ANDR\", \"SS3\"]\n"),
        "{toml}"
    );
    assert_eq!(toml.matches("fcc_grantee_codes").count(), 1, "{toml}");
    env.run(&["registry", "import", "export.toml", "--db", "copy.db"])
        .code(0);
    assert_eq!(env.registry_digest(Some("copy.db")), digest);

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
        csv.lines().next().unwrap().ends_with(",fcc_grantee_codes"),
        "{csv}"
    );
    assert!(csv.contains(",2ANDR|SS3\n"), "{csv}");
    env.run(&["registry", "import", "export.csv", "--db", "csv.db"])
        .code(0);
    assert_eq!(env.registry_digest(Some("csv.db")), digest);
    // Exporting the copy again gives the same bytes.
    env.run(&["registry", "export", "--db", "copy.db", "-o", "again.toml"])
        .code(0);
    assert_eq!(
        std::fs::read_to_string(env.path("again.toml")).unwrap(),
        toml
    );
}

#[test]
fn registry_diff_shows_grantee_codes_added_and_removed() {
    let env = imported();
    std::fs::copy(env.path("reg.db"), env.path("old.db")).unwrap();
    env.file("two.toml", with_2andr());
    env.run(&["registry", "import", "two.toml", "--db", "reg.db"])
        .code(0);
    let d = env
        .run(&[
            "registry", "diff", "--from", "1", "--db", "reg.db", "--format", "json",
        ])
        .json();
    assert_eq!(
        d["changes"],
        serde_json::json!([{
            "entity": "acme",
            "kind": "changed",
            "detail": "fcc_grantee_codes (+2ANDR)"
        }])
    );
    let out = env.run(&["registry", "diff", "--from", "1", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("│ acme   ┆ changed ┆ fcc_grantee_codes (+2ANDR) │"),
        "{}",
        out.stdout
    );
    // Between two files, and a code moved from one entry to another with other changes.
    env.file(
        "moved.toml",
        BASE.replace(
            "fcc_grantee_codes = [\"SS3\"]\n",
            "aliases = [\"Acme\", \"ACME\"]\n",
        )
        .replace("aliases = [\"Acme\"]\n", "")
        .replace(
            "country = \"GB\"",
            "country = \"GB\"\nfcc_grantee_codes = [\"SS3\"]",
        ),
    );
    env.run(&["registry", "import", "moved.toml", "--db", "reg.db"])
        .code(0);
    let d = env
        .run(&["registry", "diff", "old.db", "reg.db", "--format", "json"])
        .json();
    assert_eq!(
        d["changes"],
        serde_json::json!([
            {"entity": "acme", "kind": "changed", "detail": "aliases, fcc_grantee_codes (-SS3)"},
            {"entity": "beta", "kind": "changed", "detail": "fcc_grantee_codes (+SS3)"},
        ])
    );
    // The change log records the same words.
    let h = env
        .run(&[
            "registry", "history", "acme", "--db", "reg.db", "--format", "json",
        ])
        .json();
    assert_eq!(
        h[1]["changes"][0]["detail"], "fcc_grantee_codes (+2ANDR)",
        "{h}"
    );
    assert_eq!(
        h[2]["changes"][0]["detail"], "aliases, fcc_grantee_codes (-2ANDR, -SS3)",
        "{h}"
    );
}

#[test]
fn malformed_or_shared_grantee_codes_are_refused_with_file_line_column() {
    let env = Env::new();
    let bad = |code: &str| BASE.replace("\"SS3\"", &format!("\"{code}\""));
    env.file("lower.toml", bad("ss3"));
    env.run(&["registry", "import", "lower.toml", "--db", "reg.db"])
        .error_exactly(
            "lower.toml:14:22: 'ss3' is not an FCC grantee code (hint: write it in upper case: SS3)",
        );
    assert!(
        !env.path("reg.db").exists(),
        "a failed first import leaves no file"
    );
    env.file("fccid.toml", bad("SS3-MT2PD2007"));
    env.run(&["registry", "import", "fccid.toml", "--db", "reg.db"])
        .error_exactly(
            "fccid.toml:14:22: 'SS3-MT2PD2007' is not an FCC grantee code (hint: give the grantee code only, the start of the FCC ID: SS3)",
        );
    env.file("short.toml", bad("2AND"));
    env.run(&["registry", "import", "short.toml", "--db", "reg.db"])
        .error(&[
            "short.toml:14:22: '2AND' is not an FCC grantee code",
            "3 characters beginning with a letter",
            "5 beginning with 2",
        ]);
    env.file(
        "shared.toml",
        BASE.replace(
            "country = \"GB\"",
            "country = \"GB\"\nfcc_grantee_codes = [\"2ANDR\", \"SS3\"]",
        ),
    );
    env.run(&["registry", "import", "shared.toml", "--db", "reg.db"])
        .error(&[
            "shared.toml:24:31: FCC grantee code 'SS3' of vendor 'beta' already belongs to vendor 'acme' (at shared.toml:14:22)",
            "keep it on one entry",
        ]);
    // Against an entry already in the registry.
    env.file("base.toml", BASE);
    env.run(&["registry", "import", "base.toml", "--db", "reg.db"])
        .code(0);
    let digest = env.registry_digest(Some("reg.db"));
    env.file(
        "gamma.csv",
        "id,name,fcc_grantee_codes\ngamma,Gamma Ltd,2ANDR|SS3\n",
    );
    env.run(&["registry", "import", "gamma.csv", "--db", "reg.db"])
        .error(&[
            "gamma.csv:2:17: FCC grantee code 'SS3' of vendor 'gamma' already belongs to vendor 'acme' (already in the registry)",
        ]);
    env.file(
        "bad.csv",
        "id,name,fcc_grantee_codes\ngamma,Gamma Ltd,2ANDR|2andr1\n",
    );
    env.run(&["registry", "import", "bad.csv", "--db", "reg.db"])
        .error_exactly(
            "bad.csv:2:17: '2andr1' is not an FCC grantee code (hint: give the grantee code only, the start of the FCC ID: 2ANDR)",
        );
    assert_eq!(
        env.registry_digest(Some("reg.db")),
        digest,
        "nothing imported"
    );
}

/// A registry written by a build of schema 3: the content tables without the grantee-code
/// table. Made by importing with this build and taking schema 4's one table away, which gives
/// exactly the schema migrations 1 to 3 create (the schema check compares every object).
fn schema_3_registry(env: &Env, name: &str) {
    env.file(
        "base3.toml",
        BASE.replace("fcc_grantee_codes = [\"SS3\"]\n", ""),
    );
    env.run(&["registry", "import", "base3.toml", "--db", name])
        .code(0);
    let conn = rusqlite::Connection::open(env.path(name)).unwrap();
    conn.execute_batch("DROP TABLE fcc_grantee_code; PRAGMA user_version = 3;")
        .unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 3);
    drop(conn);
}

#[test]
fn a_schema_3_registry_reads_as_before_and_migrates_on_write() {
    let env = Env::new();
    schema_3_registry(&env, "v3.db");
    std::fs::copy(env.path("v3.db"), env.path("copy3.db")).unwrap();
    env.file("inv.csv", "vendor\nAcme\n");
    // Read-only commands do not migrate behind the user's back, as with earlier schemas.
    env.run(&["check", "inv.csv", "--db", "v3.db"])
        .error(&["schema version 3 and needs migrating to 4"]);
    env.run(&["registry", "show", "acme", "--db", "v3.db"])
        .error(&["schema version 3 and needs migrating to 4"]);
    // A write migrates after a backup; importing the same content again makes no revision and
    // leaves the digest as it was (no entry has codes, so no snapshot changes).
    let conn = rusqlite::Connection::open(env.path("v3.db")).unwrap();
    let before: String = conn
        .query_row("SELECT digest FROM revision WHERE rev = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    let out = env.run(&["registry", "import", "base3.toml", "--db", "v3.db"]);
    out.code(0);
    let bak = rusqlite::Connection::open(env.path("v3.schema3.bak")).unwrap();
    let v: i64 = bak
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 3, "backup copy of the schema-3 file");
    drop(bak);
    let s = env
        .run(&["registry", "status", "--db", "v3.db", "--format", "json"])
        .json();
    assert_eq!(s["schema_version"], 4);
    assert_eq!(s["revision"], 1);
    assert_eq!(s["sha256"], before.as_str());
    env.run(&["registry", "verify", "--db", "v3.db"]).code(0);
    // Migrated, it takes grantee codes; the earlier revision reads as it was.
    env.file("codes.toml", BASE);
    env.run(&["registry", "import", "codes.toml", "--db", "v3.db"])
        .code(0);
    env.run(&["registry", "verify", "--db", "v3.db"]).code(0);
    let d = env
        .run(&[
            "registry", "diff", "--from", "1", "--db", "v3.db", "--format", "json",
        ])
        .json();
    assert_eq!(d["changes"][0]["detail"], "fcc_grantee_codes (+SS3)");
    let r = env
        .run(&[
            "check",
            "inv.csv",
            "--db",
            "v3.db",
            "--as-of",
            "2026-01-01",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(r["registry"]["schema_version"], 4);
    assert_eq!(r["findings"][0]["entry"], "acme");
    // A retirement (a write that is not an import) migrates a schema-3 file too.
    env.run(&[
        "registry",
        "retire",
        "beta",
        "--db",
        "copy3.db",
        "--on",
        "2026-01-01",
        "--reason",
        "test",
    ])
    .code(0);
    let s = env
        .run(&["registry", "status", "--db", "copy3.db", "--format", "json"])
        .json();
    assert_eq!(s["schema_version"], 4);
    env.run(&["registry", "verify", "--db", "copy3.db"]).code(0);
}
