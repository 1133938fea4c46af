//! The registry is evidence too: `check` verifies a registry file against its change log,
//! opening a registry never runs SQL the file carries, and concurrent imports are serialised.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Env, Out};

const ACME: &str = r#"
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
"#;

const AS_OF: &str = "2026-01-01";

/// A folder with `reg.db` made by `registry import` and a one-row inventory naming Acme.
fn setup() -> Env {
    let env = Env::new();
    env.file("acme.toml", ACME);
    env.file("inv.csv", "vendor,model\nAcme,AR-1\n");
    env.run(&["registry", "import", "acme.toml", "--db", "reg.db"])
        .code(0);
    env
}

/// Runs SQL on a registry file behind tvcheck's back, as someone with a SQLite tool would.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

fn check_json(env: &Env, db: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "check", "inv.csv", "--db", db, "--as-of", AS_OF, "--format", "json",
    ];
    args.extend(extra);
    env.run(&args)
}

/// The database file and its companions, byte for byte (to show a refused command left them).
fn files_of(env: &Env, db: &str) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal"]
        .iter()
        .map(|s| {
            let name = format!("{db}{s}");
            // An empty -wal file is no change (a reader may leave one behind).
            let bytes = std::fs::read(env.path(&name))
                .ok()
                .filter(|b| !b.is_empty());
            (name, bytes)
        })
        .collect()
}

/// Runs tvcheck with a deadline: a registry that makes it hang fails the test instead of
/// hanging it.
fn run_within(env: &Env, args: &[&str], limit: Duration) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
        .current_dir(env.path(""))
        .args(args)
        .env_remove("TVCHECK_DB")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tvcheck {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn an_untampered_registry_is_verified_and_says_so() {
    let env = setup();
    let out = check_json(&env, "reg.db", &[]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["registry"]["verified"], true);
    assert_eq!(r["findings"][0]["entry"], "acme");
    // The embedded registry is compiled in: recorded as verified.
    let out = env.run(&["check", "inv.csv", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(out.json()["registry"]["verified"], true);
    assert_eq!(out.json()["registry"]["source"], "embedded");
}

#[test]
fn a_registry_edited_behind_tvchecks_back_is_refused() {
    for (what, sql) in [
        (
            "listing date",
            "UPDATE listing SET listed_on = '2030-01-01' WHERE vendor_id = 'acme'",
        ),
        (
            "entry name",
            "UPDATE vendor SET name = 'Acme Trusted Ltd' WHERE id = 'acme'",
        ),
    ] {
        let env = setup();
        tamper(&env.path("reg.db"), sql);
        check_json(&env, "reg.db", &[]).error(&[
            "reg.db: ",
            "current content (sha256 ",
            "does not match its latest revision 1",
            "changed outside tvcheck",
            "tvcheck registry verify --db reg.db",
            "re-import the registry from a trusted export",
            "--no-verify-registry",
        ]);
        // The table report is refused the same way: no report at all.
        let out = env.run(&["check", "inv.csv", "--db", "reg.db", "--as-of", AS_OF]);
        out.code(2);
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
        // registry verify agrees.
        env.run(&["registry", "verify", "--db", "reg.db"]).code(2);

        // Opting out runs the check and records it.
        let out = check_json(&env, "reg.db", &["--no-verify-registry"]);
        assert_ne!(out.code, 2, "{what}: {}", out.stderr);
        assert_eq!(out.json()["registry"]["verified"], false, "{what}");
        for format in ["table", "markdown", "html"] {
            let out = env.run(&[
                "check",
                "inv.csv",
                "--db",
                "reg.db",
                "--as-of",
                AS_OF,
                "--no-verify-registry",
                "--format",
                format,
            ]);
            assert!(
                out.stdout
                    .contains("the registry was not verified against its change log"),
                "{what} {format}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn an_edited_snapshot_or_a_gap_in_the_change_log_is_refused() {
    // The snapshot is edited with the append-only triggers dropped and put back as they were,
    // so the schema is tvcheck's own again.
    let env = setup();
    let triggers: Vec<String> = {
        let conn = rusqlite::Connection::open(env.path("reg.db")).unwrap();
        let mut st = conn
            .prepare(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'revision'",
            )
            .unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(triggers.len(), 2);
    tamper(
        &env.path("reg.db"),
        &format!(
            "DROP TRIGGER revision_append_only_u; DROP TRIGGER revision_append_only_d;
             UPDATE revision SET content = replace(content, '2020-01-01', '2030-01-01');
             {};",
            triggers.join(";\n")
        ),
    );
    check_json(&env, "reg.db", &[]).error(&[
        "reg.db: ",
        "the snapshot of revision 1",
        "does not match the digest recorded with it",
    ]);
    // A dropped trigger is itself refused: it protects the history.
    let env = setup();
    tamper(&env.path("reg.db"), "DROP TRIGGER revision_append_only_d");
    check_json(&env, "reg.db", &[])
        .error(&["reg.db: ", "lacks the trigger 'revision_append_only_d'"]);
}

/// A planted trigger that rewrites listings on import, a view that never ends, an extra table,
/// an index and a changed definition: every command that opens the registry refuses it,
/// none hangs, and a refused import leaves the file as it was.
#[test]
fn a_registry_carrying_sql_of_its_own_is_refused_by_every_command() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "trigger",
            "CREATE TRIGGER rewrite AFTER INSERT ON listing BEGIN
                 UPDATE listing SET listed_on = '2099-01-01' WHERE vendor_id = NEW.vendor_id;
             END",
            &["trigger 'rewrite' on 'listing'", "tvcheck did not create"],
        ),
        (
            "endless view",
            "CREATE VIEW forever AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
             SELECT x FROM n",
            &["view 'forever'", "tvcheck did not create"],
        ),
        (
            "view in place of a table",
            "ALTER TABLE alias RENAME TO alias_old;
             CREATE VIEW alias AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
             SELECT 'acme' AS vendor_id, 'x' || x AS alias FROM n",
            &["tvcheck did not create"],
        ),
        (
            "extra table",
            "CREATE TABLE notes (text TEXT)",
            &["table 'notes'", "tvcheck did not create"],
        ),
        (
            "extra index",
            "CREATE INDEX vendor_name ON vendor(name)",
            &["index 'vendor_name' on 'vendor'", "tvcheck did not create"],
        ),
        (
            "changed trigger",
            "DROP TRIGGER vendor_never_deleted;
             CREATE TRIGGER vendor_never_deleted BEFORE DELETE ON vendor BEGIN SELECT 1; END",
            &["definition of the trigger 'vendor_never_deleted' differs"],
        ),
    ];
    for (what, sql, fragments) in cases {
        let env = setup();
        env.file(
            "more.toml",
            "[[vendor]]\nid = \"beta\"\nname = \"Beta Ltd\"\n\n  [[vendor.listing]]\n  list = \"test-list\"\n  listed_on = 2021-01-01\n",
        );
        tamper(&env.path("reg.db"), sql);
        let before = files_of(&env, "reg.db");
        let commands: [&[&str]; 5] = [
            &["check", "inv.csv", "--db", "reg.db", "--as-of", AS_OF],
            &[
                "check",
                "inv.csv",
                "--db",
                "reg.db",
                "--as-of",
                AS_OF,
                "--no-verify-registry",
            ],
            &["registry", "import", "more.toml", "--db", "reg.db"],
            &["registry", "list", "--db", "reg.db"],
            &["registry", "verify", "--db", "reg.db"],
        ];
        for args in commands {
            let out = run_within(&env, args, Duration::from_secs(20));
            let mut want = vec!["reg.db: ", "rebuild it from trusted source or export files"];
            want.extend(fragments.iter());
            if out.code != 2 {
                panic!("{what}: {args:?} exited {}: {}", out.code, out.stderr);
            }
            out.error(&want);
        }
        assert_eq!(
            files_of(&env, "reg.db"),
            before,
            "{what}: the refused commands changed the file"
        );
    }
}

/// Four imports of different content started together: each waits for the write lock and
/// builds on the content before it, so every entry arrives, the history has one revision per
/// import and `registry verify` passes.
#[test]
fn concurrent_imports_are_serialised() {
    for fresh in [true, false] {
        let env = Env::new();
        env.file("inv.csv", "vendor\nNobody Corp\n");
        let base = if fresh {
            0
        } else {
            env.file("acme.toml", ACME);
            env.run(&["registry", "import", "acme.toml", "--db", "reg.db"])
                .code(0);
            1
        };
        let mut files = Vec::new();
        for k in 0..4 {
            let mut text = String::from(
                "[[list]]\nid = \"test-list\"\ntitle = \"Test designation list\"\njurisdiction = \"LT\"\nbasis = \"Test Act 2020, art. 1\"\nsource = \"https://example.org/test-list\"\n",
            );
            for i in 0..200 {
                text.push_str(&format!(
                    "\n[[vendor]]\nid = \"v{k}-{i}\"\nname = \"Vendor {k} {i} Ltd\"\naliases = [\"V{k} {i}\"]\n\n  [[vendor.listing]]\n  list = \"test-list\"\n  listed_on = 2021-0{}-01\n",
                    k + 1
                ));
            }
            let name = format!("part{k}.toml");
            env.file(&name, text);
            files.push(name);
        }
        let children: Vec<_> = files
            .iter()
            .map(|f| {
                Command::new(env!("CARGO_BIN_EXE_tvcheck"))
                    .current_dir(env.path(""))
                    .args(["registry", "import", f, "--db", "reg.db"])
                    .env_remove("TVCHECK_DB")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "fresh {fresh}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let verify = env.run(&["registry", "verify", "--db", "reg.db"]);
        verify.code(0);
        let h = env
            .run(&["registry", "history", "--db", "reg.db", "--format", "json"])
            .json();
        let revs = h.as_array().unwrap();
        assert_eq!(revs.len(), base + 4, "fresh {fresh}: {h}");
        let mut sources: Vec<&str> = revs[base..]
            .iter()
            .map(|r| r["source_file"].as_str().unwrap())
            .collect();
        sources.sort_unstable();
        assert_eq!(sources, files, "fresh {fresh}");
        for (i, r) in revs.iter().enumerate() {
            assert_eq!(r["rev"], i as u64 + 1);
        }
        let list = env
            .run(&["registry", "list", "--db", "reg.db", "--format", "json"])
            .json();
        assert_eq!(
            list["vendors"].as_array().unwrap().len(),
            base + 4 * 200,
            "fresh {fresh}"
        );
        let out = check_json(&env, "reg.db", &[]);
        out.code(0);
        assert_eq!(out.json()["registry"]["verified"], true);
    }
}
