//! Report paths that are not plain files: a symbolic link stays a link (the file it points to
//! is replaced atomically), and a FIFO or a device (`/dev/stdout`, `/dev/null`) is written
//! directly instead of being replaced by a regular file.

#![cfg(unix)]

use std::os::unix::fs::FileTypeExt;
use std::process::Command;

use crate::support::{repo, Env};

fn example() -> String {
    repo()
        .join("data/examples/operator-inventory.csv")
        .to_string_lossy()
        .into_owned()
}

fn check_to(env: &Env, out: &str) -> crate::support::Out {
    env.run(&[
        "check",
        &example(),
        "--as-of",
        "2026-06-01",
        "-o",
        &format!("json={out}"),
    ])
}

#[test]
fn a_symbolic_link_stays_a_link_and_its_file_gets_the_report() {
    let env = Env::new();
    env.file("reports/real.json", "old report");
    std::os::unix::fs::symlink("reports/real.json", env.path("latest.json")).unwrap();
    check_to(&env, "latest.json").code(1);
    let meta = std::fs::symlink_metadata(env.path("latest.json")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_link(env.path("latest.json")).unwrap(),
        std::path::Path::new("reports/real.json")
    );
    let text = std::fs::read_to_string(env.path("reports/real.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    crate::support::check_report(&v, "report");
    assert_eq!(v["summary"]["items"], 12);
    // A dangling link names the file to create.
    std::os::unix::fs::symlink("reports/new.json", env.path("next.json")).unwrap();
    check_to(&env, "next.json").code(1);
    assert!(std::fs::symlink_metadata(env.path("next.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(env.path("reports/new.json").is_file());
    // No temporary files are left in either folder.
    let names = |dir: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(env.path(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("reports"), ["new.json", "real.json"]);
}

#[test]
fn a_link_to_a_device_writes_to_the_device() {
    let env = Env::new();
    std::os::unix::fs::symlink("/dev/null", env.path("discard.json")).unwrap();
    check_to(&env, "discard.json").code(1);
    assert!(std::fs::symlink_metadata(env.path("discard.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn dev_stdout_is_written_not_replaced() {
    let env = Env::new();
    let out = check_to(&env, "/dev/stdout");
    out.code(1);
    assert_eq!(out.json()["summary"]["items"], 12);
}

#[test]
fn a_fifo_is_written_not_replaced() {
    let env = Env::new();
    let fifo = env.path("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // The reader must be there for the writer's open to return.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    check_to(&env, "pipe.json").code(1);
    let text = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    crate::support::check_report(&v, "report");
    assert_eq!(v["summary"]["items"], 12);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn dev_stdout_appended_to_a_log_file_keeps_the_log() {
    let env = Env::new();
    env.file("log.txt", "earlier log line\n");
    let cmd = format!(
        "'{}' check '{}' --as-of 2026-06-01 -o json=/dev/stdout >> log.txt",
        env!("CARGO_BIN_EXE_tvcheck"),
        example()
    );
    let status = Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .current_dir(env.path("."))
        .env_remove("TVCHECK_DB")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let log = std::fs::read_to_string(env.path("log.txt")).unwrap();
    let json = log
        .strip_prefix("earlier log line\n")
        .unwrap_or_else(|| panic!("the log was overwritten: {log:.200}"));
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["summary"]["items"], 12);
}

#[test]
fn a_chain_of_links_is_followed_to_its_end() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("a")).unwrap();
    std::fs::create_dir_all(env.path("real")).unwrap();
    std::os::unix::fs::symlink("m2", env.path("a/m1")).unwrap();
    std::os::unix::fs::symlink("../real/x.json", env.path("a/m2")).unwrap();
    check_to(&env, "a/m1").code(1);
    for link in ["a/m1", "a/m2"] {
        assert!(
            std::fs::symlink_metadata(env.path(link))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{link} was replaced"
        );
    }
    assert!(env.path("real/x.json").is_file());
}

#[test]
fn a_registry_path_that_is_a_dangling_link_is_refused_and_kept() {
    let env = Env::new();
    let export = env.run(&["registry", "export", "--format", "toml"]);
    export.code(0);
    env.file("reg.toml", export.stdout);
    std::os::unix::fs::symlink("missing/reg.db", env.path("link.db")).unwrap();
    env.run(&["registry", "import", "reg.toml", "--db", "link.db"])
        .error(&[
            "link.db: the registry path is a symbolic link to a file that does not exist",
            "point --db at the registry file itself",
        ]);
    assert!(std::fs::symlink_metadata(env.path("link.db"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_report_file_takes_its_format_from_its_extension() {
    let env = Env::new();
    env.file("inv.csv", "asset_id,vendor\nP1,Huawei\n");
    let run = |args: &[&str]| {
        let mut all = vec!["check", "inv.csv", "--as-of", "2026-06-01"];
        all.extend_from_slice(args);
        env.run(&all)
    };
    run(&[
        "-o", "r.json", "-o", "r.sarif", "-o", "r.xml", "-o", "r.md", "-o", "r.csv", "-o",
        "r.jsonl", "-o", "r.html", "-o", "r.txt",
    ])
    .code(1);
    let read = |n: &str| std::fs::read_to_string(env.path(n)).unwrap();
    assert_eq!(
        crate::support::read_report(&env.path("r.json"))["summary"]["violations"],
        1
    );
    assert!(read("r.sarif").contains("\"version\": \"2.1.0\""));
    assert!(read("r.xml").starts_with("<?xml"));
    assert!(read("r.md").starts_with("## tvcheck report"));
    assert!(read("r.csv").starts_with("file,line,"));
    assert_eq!(
        crate::support::json_lines(&read("r.jsonl"), "r.jsonl")["summary"]["items"],
        1
    );
    assert!(read("r.html").starts_with("<!DOCTYPE html>"));
    assert!(read("r.txt").contains("total: 1 item in 1 file"));
    // An extension that names no format is an error, never a silent table; --format or
    // FORMAT=FILE decides.
    run(&["-o", "r.dat"]).error(&["cannot tell the report format of 'r.dat' from its extension"]);
    assert!(!env.path("r.dat").exists());
    run(&["--format", "csv", "-o", "r.dat"]).code(1);
    assert!(read("r.dat").starts_with("file,line,"));
    run(&["-o", "json=r.out"]).code(1);
    assert_eq!(
        crate::support::read_report(&env.path("r.out"))["summary"]["items"],
        1
    );
}
