//! Streamed reports: JSON and CSV findings are written as they are found. The bytes must be
//! those of the report rendered from memory, a failed run must leave no report (no file, no
//! temporary file, nothing on standard output), and a large standard-output report must come
//! out whole after moving from memory to a temporary file.

use crate::support::Env;

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1790000000");

/// An inventory of `n` rows, every other one from a listed vendor.
fn inventory(n: usize) -> String {
    let mut s = String::from("asset_id,vendor,model,site,domain\n");
    for i in 0..n {
        let vendor = if i % 2 == 0 { "Huawei" } else { "Nokia" };
        s.push_str(&format!("A{i},{vendor},M-{i},Site-{},core\n", i % 17));
    }
    s
}

#[test]
fn streamed_reports_equal_the_reports_rendered_from_memory() {
    let env = Env::new();
    env.file("inv.csv", inventory(300));
    // JSON and CSV alone are streamed; adding an HTML rendering keeps findings in memory.
    let streamed = env.run_env(
        &[
            "check",
            "inv.csv",
            "--policy",
            "lt-5g",
            "--as-of",
            "2026-06-01",
            "-o",
            "json=s.json",
            "-o",
            "csv=s.csv",
        ],
        &[EPOCH],
    );
    streamed.code(1);
    let kept = env.run_env(
        &[
            "check",
            "inv.csv",
            "--policy",
            "lt-5g",
            "--as-of",
            "2026-06-01",
            "-o",
            "json=m.json",
            "-o",
            "csv=m.csv",
            "-o",
            "html=m.html",
        ],
        &[EPOCH],
    );
    kept.code(1);
    let read = |n: &str| std::fs::read_to_string(env.path(n)).unwrap();
    assert_eq!(read("s.json"), read("m.json"));
    assert_eq!(read("s.csv"), read("m.csv"));
    let v = crate::support::read_report(&env.path("s.json"));
    assert_eq!(v["findings"].as_array().unwrap().len(), 150);
    assert_eq!(v["summary"]["violations"], 150);
}

#[test]
fn an_input_that_cannot_be_read_is_reported_and_fails_the_run() {
    let env = Env::new();
    env.file("a.csv", inventory(50));
    // The second input fails only after the first one's findings were written.
    env.file("b.csv", "Hersteller,Modell\nHuawei,X\n");
    let out = env.run(&[
        "check",
        "a.csv",
        "b.csv",
        "--as-of",
        "2026-06-01",
        "-o",
        "json=r.json",
        "-o",
        "csv=r.csv",
    ]);
    // Every readable input is checked and reported; the unreadable one is an error in the
    // same report, and the run is incomplete: exit 2, never "compliant".
    out.error(&["b.csv:1: no vendor column"]);
    assert!(
        out.stderr
            .contains("error: the run is incomplete: 1 input could not be read"),
        "{}",
        out.stderr
    );
    let r: serde_json::Value = crate::support::read_report(&env.path("r.json"));
    assert_eq!(r["status"], "incomplete");
    assert_eq!(r["failed_inputs"][0]["path"], "b.csv");
    assert!(r["failed_inputs"][0]["error"]
        .as_str()
        .unwrap()
        .starts_with("b.csv:1: no vendor column"));
    assert_eq!(r["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(r["summary"]["items"], 50);
    assert_eq!(
        std::fs::read_to_string(env.path("r.csv"))
            .unwrap()
            .lines()
            .count(),
        26
    );
}

#[test]
fn a_failed_run_leaves_no_report_behind() {
    let env = Env::new();
    env.file("b.csv", "Hersteller,Modell\nHuawei,X\n");
    env.file("c.csv", "vendor\n");
    // Nothing could be read: an error, and no report at all.
    let out = env.run(&[
        "check",
        "b.csv",
        "c.csv",
        "--as-of",
        "2026-06-01",
        "-o",
        "json=r.json",
        "-o",
        "csv=r.csv",
    ]);
    out.code(2);
    assert!(
        out.stderr.starts_with("error: b.csv:1: no vendor column"),
        "{}",
        out.stderr
    );
    let mut left: Vec<String> = std::fs::read_dir(env.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["b.csv", "c.csv"]);
    // On standard output: nothing at all, not half a report.
    let out = env.run(&[
        "check",
        "b.csv",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    ]);
    out.error(&["b.csv:1: no vendor column"]);
    assert_eq!(out.stdout, "");
}

#[test]
fn a_large_report_on_standard_output_comes_out_whole() {
    let env = Env::new();
    // About 12 MB of JSON: more than the 4 MiB held in memory before a temporary file.
    env.file("inv.csv", inventory(10_000));
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    ]);
    out.code(1);
    assert!(out.stdout.len() > 4 << 20, "{} bytes", out.stdout.len());
    let v = out.json();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5_000);
    assert_eq!(findings[0]["asset_id"], "A0");
    assert_eq!(findings[4_999]["asset_id"], "A9998");
    assert_eq!(v["summary"]["items"], 10_000);
    let csv = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--format",
        "csv",
    ]);
    csv.code(1);
    assert_eq!(csv.stdout.lines().count(), 5_001);
}
