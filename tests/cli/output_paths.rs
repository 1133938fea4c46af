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
    assert_eq!(v["summary"]["items"], 12);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}
