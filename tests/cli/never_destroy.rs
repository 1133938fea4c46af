//! Never destroy what is read, never hang on what is read: `-o` naming a file the run reads is
//! refused (by file identity, not by spelling), an interrupted run leaves no temporary file,
//! folder walks list what they skip, catch-all waivers are refused unless they say so,
//! FIFOs and devices are refused as policy, waivers, baseline, report and import files, and a
//! baseline knows a finding only by its whole identity.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Env, Out};

const INV: &str = "asset_id,vendor,model,site\nP1,Huawei,BBU,Vilnius\nP2,Ericsson,AIR,Kaunas\n";

const WAIVER: &str = "[[waiver]]\nid = \"W1\"\nasset_id = \"P9\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n";

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

fn check(env: &Env, extra: &[&str]) -> Out {
    let mut args = vec!["check", "--as-of", "2026-11-21", "-q"];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// Runs `args` and asserts a refusal (exit 2) naming every fragment, with `file` unchanged.
#[track_caller]
fn refused(env: &Env, args: &[&str], file: &str, fragments: &[&str]) {
    let before = std::fs::read(env.path(file)).unwrap();
    check(env, args).error(fragments);
    assert_eq!(
        std::fs::read(env.path(file)).unwrap(),
        before,
        "{file} was changed"
    );
}

#[test]
fn an_output_naming_an_input_is_refused_whatever_its_spelling() {
    let env = Env::new();
    env.file("inv.csv", INV);
    env.file("sub/keep.txt", "");
    refused(
        &env,
        &["inv.csv", "-o", "json=inv.csv"],
        "inv.csv",
        &["inv.csv: refusing to write the report over an inventory"],
    );
    refused(
        &env,
        &["inv.csv", "-o", "./inv.csv"],
        "inv.csv",
        &["./inv.csv: refusing", "an inventory ('inv.csv')"],
    );
    refused(
        &env,
        &["inv.csv", "-o", "sub/../inv.csv"],
        "inv.csv",
        &["sub/../inv.csv: refusing"],
    );
    std::os::unix::fs::symlink("inv.csv", env.path("link.json")).unwrap();
    refused(
        &env,
        &["inv.csv", "-o", "json=link.json"],
        "inv.csv",
        &["link.json: refusing", "an inventory ('inv.csv')"],
    );
    std::fs::hard_link(env.path("inv.csv"), env.path("hard.json")).unwrap();
    refused(
        &env,
        &["inv.csv", "-o", "json=hard.json"],
        "inv.csv",
        &["hard.json: refusing"],
    );
    // An inventory found by walking a folder.
    env.file("ops/a.csv", INV);
    refused(
        &env,
        &["ops", "-o", "csv=ops/a.csv"],
        "ops/a.csv",
        &["ops/a.csv: refusing", "an inventory"],
    );
    // Nothing was written anywhere: no report, no temporary file.
    let mut names: Vec<String> = std::fs::read_dir(env.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["hard.json", "inv.csv", "link.json", "ops", "sub"]);
}

#[test]
fn an_output_naming_waivers_baseline_policy_or_registry_is_refused() {
    let env = Env::new();
    env.file("inv.csv", INV);
    env.file("w.toml", WAIVER);
    refused(
        &env,
        &["inv.csv", "--waivers", "w.toml", "-o", "json=./w.toml"],
        "w.toml",
        &["./w.toml: refusing", "the waivers file ('w.toml')"],
    );
    check(&env, &["inv.csv", "--format", "json", "-o", "base.json"]).code(1);
    refused(
        &env,
        &["inv.csv", "--baseline", "base.json", "-o", "json=base.json"],
        "base.json",
        &["base.json: refusing", "the baseline report"],
    );
    refused(
        &env,
        &[
            "inv.csv",
            "--since-registry",
            "base.json",
            "-o",
            "base.json",
        ],
        "base.json",
        &["base.json: refusing", "the earlier report"],
    );
    let policy = crate::support::repo().join("policies/lt-5g.toml");
    std::fs::copy(&policy, env.path("p.toml")).unwrap();
    refused(
        &env,
        &["inv.csv", "--policy", "./p.toml", "-o", "json=p.toml"],
        "p.toml",
        &["p.toml: refusing", "a policy file"],
    );
    env.file("acme.toml", ACME);
    env.run(&["registry", "import", "acme.toml", "--db", "reg.db"])
        .code(0);
    refused(
        &env,
        &["inv.csv", "--db", "reg.db", "-o", "json=reg.db"],
        "reg.db",
        &["reg.db: refusing", "the registry database"],
    );
    // The database's -wal file, while it exists.
    env.file("reg.db-wal", "");
    refused(
        &env,
        &["inv.csv", "--db", "reg.db", "-o", "json=reg.db-wal"],
        "reg.db-wal",
        &["reg.db-wal: refusing", "the registry database's -wal file"],
    );
    std::fs::remove_file(env.path("reg.db-wal")).unwrap();
    // registry export -o over the database in use.
    let before = std::fs::read(env.path("reg.db")).unwrap();
    env.run(&["registry", "export", "--db", "reg.db", "-o", "./reg.db"])
        .error(&["./reg.db: refusing", "the registry database ('reg.db')"]);
    assert_eq!(std::fs::read(env.path("reg.db")).unwrap(), before);
    env.run(&["registry", "export", "--db", "reg.db", "-o", "out.toml"])
        .code(0);
    assert!(env.path("out.toml").is_file());
}

#[test]
fn two_outputs_naming_one_file_are_refused() {
    let env = Env::new();
    env.file("inv.csv", INV);
    check(&env, &["inv.csv", "-o", "json=r.out", "-o", "csv=./r.out"])
        .error(&["./r.out: two reports would be written to this one file as 'r.out'"]);
    assert!(!env.path("r.out").exists());
    env.file("r.out", "old");
    std::os::unix::fs::symlink("r.out", env.path("l.out")).unwrap();
    check(&env, &["inv.csv", "-o", "json=r.out", "-o", "csv=l.out"]).error(&["l.out: two reports"]);
    assert_eq!(std::fs::read(env.path("r.out")).unwrap(), b"old");
    // Two renderings to one device are fine.
    check(
        &env,
        &["inv.csv", "-o", "json=/dev/null", "-o", "csv=/dev/null"],
    )
    .code(1);
}

/// The names in `dir` that look like temporary report files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    let env = Env::new();
    let mut inv = String::with_capacity(300_000 * 40);
    inv.push_str("asset_id,vendor,model,site\n");
    for i in 0..300_000 {
        let vendor = if i % 3 == 0 { "Huawei" } else { "Ericsson" };
        inv.push_str(&format!("P{i},{vendor},M{i},Site {i}\n"));
    }
    env.file("big.csv", inv);
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
            .current_dir(env.path("."))
            .args([
                "check",
                "big.csv",
                "--as-of",
                "2026-11-21",
                "-q",
                "--all",
                "-o",
                "json=report.json",
            ])
            .env_remove("TVCHECK_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary report file exists (or the run ends), then interrupt it.
        let start = Instant::now();
        while temporaries(&env.path(".")).is_empty() && start.elapsed() < Duration::from_secs(20) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(200));
        let still_running = child.try_wait().unwrap().is_none();
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert!(
            temporaries(&env.path(".")).is_empty(),
            "temporary files left"
        );
        assert!(!status.success(), "SIG{signal}: {status:?}");
        if still_running {
            assert_eq!(status.code(), Some(code), "SIG{signal}: {status:?}");
            assert!(
                !env.path("report.json").exists(),
                "a report was put in place"
            );
        }
    }
}

#[test]
fn folder_walks_list_what_they_skip() {
    let env = Env::new();
    env.file("ops/a.csv", INV);
    env.file("ops/.hidden.csv", "vendor\nHuawei\n");
    env.file("ops/.notes", "x");
    env.file("ops/.git/config", "x");
    env.file("ops/.git/inv.csv", INV);
    env.file("elsewhere/b.csv", INV);
    std::os::unix::fs::symlink("../elsewhere/b.csv", env.path("ops/link.csv")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", env.path("ops/linked")).unwrap();
    // The link and the hidden file may hold inventory data that was not read: incomplete.
    let out = check(&env, &["ops", "--format", "json"]);
    out.code(2);
    let r = out.json();
    assert_eq!(r["status"], "incomplete");
    assert!(
        out.stderr
            .contains("3 files that may hold inventory data were skipped"),
        "{}",
        out.stderr
    );
    let skipped: Vec<(String, String, bool)> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
                s["incomplete"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = [
        ("ops/.git", "hidden folder, not searched", false),
        ("ops/.hidden.csv", "hidden file", true),
        ("ops/.notes", "hidden file", false),
        ("ops/link.csv", "symbolic link, not followed", true),
        ("ops/linked", "symbolic link, not followed", true),
    ];
    let want: Vec<(String, String, bool)> = want
        .iter()
        .map(|(p, r, i)| (p.to_string(), r.to_string(), *i))
        .collect();
    assert_eq!(skipped, want);
    assert_eq!(r["inputs"].as_array().unwrap().len(), 1);
    // The table says so too.
    let out = check(&env, &["ops"]);
    assert!(out.stdout.contains("ops/.hidden.csv"), "{}", out.stdout);
}

fn waivers_check(env: &Env) -> Out {
    check(env, &["inv.csv", "--waivers", "w.toml", "--format", "json"])
}

#[test]
fn catch_all_waivers_are_refused_unless_they_say_so() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let head = "[[waiver]]\nid = \"W1\"\nasset_id = \"P2\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n\n";
    for (selector, fragment) in [
        ("model = \"*\"\n", "selects any value of model"),
        ("vendor = \"*\"\n", "selects any value of vendor"),
        (
            "vendor = \"**\"\nmodel = \"*\"\n",
            "any value of vendor and model",
        ),
        ("policy = \"any-list\"\n", "has no scope"),
        ("", "has no scope"),
    ] {
        env.file(
            "w.toml",
            format!("{head}[[waiver]]\nid = \"W-ALL\"\n{selector}reason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
        );
        waivers_check(&env).error(&["w.toml:8:1: waiver 'W-ALL'", fragment, "scope = \"all\""]);
    }
    env.file(
        "w.toml",
        format!("{head}[[waiver]]\nid = \"W-E\"\nasset_id = \"\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
    );
    waivers_check(&env).error(&["w.toml:8:1: waiver 'W-E' has an empty 'asset_id'"]);
    env.file(
        "w.toml",
        format!("{head}[[waiver]]\nid = \"W-N\"\nasset_id = \"P1\"\nscope = \"all\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
    );
    waivers_check(&env)
        .error(&["w.toml:8:1: waiver 'W-N' says scope = \"all\" but selects by asset_id"]);
    env.file(
        "w.toml",
        format!("{head}[[waiver]]\nid = \"W-S\"\nmodel = \"*\"\nscope = \"everything\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
    );
    waivers_check(&env).error(&["w.toml:11:", "waiver 'W-S'", "the only scope is"]);
    // Said explicitly: accepted, and it waives the Huawei finding.
    env.file(
        "w.toml",
        format!("{head}[[waiver]]\nid = \"W-ALL\"\nmodel = \"*\"\nscope = \"all\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
    );
    let r = waivers_check(&env).code(0).json();
    assert_eq!(r["findings"][0]["waiver"], "W-ALL");
    env.file(
        "w.toml",
        format!("{head}[[waiver]]\nid = \"W-ALL\"\nscope = \"all\"\npolicy = \"any-list\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2027-01-01\n"),
    );
    let r = waivers_check(&env).code(0).json();
    assert_eq!(r["findings"][0]["waiver"], "W-ALL");
}

/// Runs tvcheck with `args`, killing it after 20 s: a run that hangs fails the test.
fn run_bounded(env: &Env, args: &[&str]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
        .current_dir(env.path("."))
        .args(args)
        .env_remove("TVCHECK_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tvcheck {args:?} still running after 20 s");
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
fn fifos_and_devices_are_refused_quickly() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let ok = Command::new("mkfifo")
        .arg(env.path("pipe.toml"))
        .status()
        .unwrap();
    assert!(ok.success(), "mkfifo failed");
    std::os::unix::fs::symlink("pipe.toml", env.path("pipe.json")).unwrap();
    let check_args = |flag: &'static str, file: &'static str| -> Vec<&'static str> {
        vec!["check", "inv.csv", "--as-of", "2026-11-21", flag, file]
    };
    for file in ["pipe.toml", "/dev/zero"] {
        let kind = if file == "/dev/zero" {
            "a device"
        } else {
            "a FIFO (named pipe)"
        };
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (check_args("--policy", file), "the policy file"),
            (check_args("--waivers", file), "the waivers file"),
            (check_args("--baseline", file), "the baseline report"),
            (check_args("--db", file), "not a file"),
            (vec!["report", "verify", file], "the report"),
            (
                vec!["registry", "import", file, "--db", "reg.db"],
                "the registry import file",
            ),
        ];
        for (args, what) in cases {
            let out = run_bounded(&env, &args);
            out.error(&[file]);
            if what != "not a file" {
                out.error(&[&format!(
                    "cannot read {what}: it is {kind}, not a regular file"
                )]);
            } else {
                out.error(&["the registry path is not a file"]);
            }
        }
        let mut since = check_args("--since-registry", file);
        since.extend(["--format", "json"]);
        run_bounded(&env, &since).error(&[file, "cannot read the earlier report: it is"]);
    }
    // A link to a FIFO is a FIFO.
    run_bounded(&env, &check_args("--baseline", "pipe.json"))
        .error(&["pipe.json: cannot read the baseline report: it is a FIFO"]);
    assert!(!env.path("reg.db").exists());
}

#[test]
fn a_policy_file_past_its_limit_is_refused_naming_the_limit() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let f = std::fs::File::create(env.path("huge.toml")).unwrap();
    // Sparse: no disk space used.
    f.set_len((16 << 20) + 1).unwrap();
    check(&env, &["inv.csv", "--policy", "huge.toml"]).error(&[
        "huge.toml: the policy file is larger than the limit of 16 MiB for a policy file",
    ]);
}

#[test]
fn a_baseline_knows_a_finding_only_by_its_whole_identity() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,site\nP1,Huawei,BBU,Vilnius\nP2,Ericsson,AIR,Kaunas\n",
    );
    check(&env, &["inv.csv", "--format", "json", "-o", "base.json"]).code(1);
    // The same row unchanged: known.
    let r = check(
        &env,
        &["inv.csv", "--baseline", "base.json", "--format", "json"],
    )
    .code(0)
    .json();
    assert_eq!(r["baseline"]["known"], 1);
    assert_eq!(r["baseline"]["new"], 0);
    let sha = r["findings"][0]["item_sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    // A new Huawei row reusing the old asset id (another model, serial or site): new.
    for row in [
        "P1,Huawei,BBU-2,Vilnius",
        "P1,Huawei,BBU,Kaunas",
        "P1,Huawei Technologies,BBU,Vilnius",
    ] {
        env.file(
            "inv.csv",
            format!("asset_id,vendor,model,site\n{row}\nP2,Ericsson,AIR,Kaunas\n"),
        );
        let r = check(
            &env,
            &["inv.csv", "--baseline", "base.json", "--format", "json"],
        )
        .code(1)
        .json();
        assert_eq!(r["baseline"]["new"], 1, "{row}");
        assert_eq!(r["findings"][0]["in_baseline"], false, "{row}");
    }
    // A report whose item_sha256 was edited is refused.
    let text = std::fs::read_to_string(env.path("base.json")).unwrap();
    env.file("edited.json", text.replace(sha, &"0".repeat(64)));
    check(&env, &["inv.csv", "--baseline", "edited.json"]).error(&[
        "edited.json: finding 1 of the baseline report (inv.csv:2) does not match its item_sha256",
    ]);
    // A report made before item_sha256 existed: the digest comes from its fields.
    let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in old["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("item_sha256");
    }
    env.file("old.json", serde_json::to_string(&old).unwrap());
    env.file(
        "inv.csv",
        "asset_id,vendor,model,site\nP1,Huawei,BBU,Vilnius\nP2,Ericsson,AIR,Kaunas\n",
    );
    let r = check(
        &env,
        &["inv.csv", "--baseline", "old.json", "--format", "json"],
    )
    .code(0)
    .json();
    assert_eq!(r["baseline"]["known"], 1);
}
