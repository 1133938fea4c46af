//! Fail closed: a run that could not read everything it was given is incomplete (exit 2, the
//! report still written and marked so), never "compliant"; `--allow-incomplete` gates on the
//! findings alone. Values in fields no verdict depends on are kept, with a warning.

use crate::support::Env;

/// A folder of three inventories: one clean, one with a ragged Huawei row, one unreadable.
fn folder(env: &Env) {
    env.file("ops/a.csv", "vendor,model\nNokia,AirScale\n");
    env.file(
        "ops/b.csv",
        "vendor,model,site\nEricsson,AIR 6449,Vilnius\nHuawei,BBU5900,Kaunas, Centras\n",
    );
    env.file("ops/c.csv", "Hersteller,Modell\nHuawei,X\n");
}

#[test]
fn a_folder_with_unreadable_parts_is_checked_whole_and_fails() {
    let env = Env::new();
    folder(&env);
    let out = env.run(&["check", "ops", "--as-of", "2026-11-21", "--format", "json"]);
    out.code(2);
    let r = out.json();
    assert_eq!(r["status"], "incomplete");
    // Every readable file was still checked and reported.
    let inputs: Vec<(&str, bool)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap(),
                i["complete"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(inputs, [("ops/a.csv", true), ("ops/b.csv", false)]);
    assert_eq!(r["summary"]["items"], 2);
    assert_eq!(r["skipped_rows"]["count"], 1);
    assert!(r["skipped_rows"]["shown"][0]
        .as_str()
        .unwrap()
        .starts_with("ops/b.csv:3: this row has 4 fields but the header has 3"));
    assert_eq!(r["failed_inputs"][0]["path"], "ops/c.csv");
    assert!(r["failed_inputs"][0]["error"]
        .as_str()
        .unwrap()
        .contains("ops/c.csv:1: no vendor column"));
    // Standard error names each part that was not read, then the status.
    for want in [
        "error: ops/c.csv:1: no vendor column",
        "error: not read: ops/b.csv:3: this row has 4 fields",
        "error: the run is incomplete: 1 input could not be read and 1 record, sheet or component was not read",
        "--allow-incomplete",
    ] {
        assert!(out.stderr.contains(want), "{want:?} not in {}", out.stderr);
    }
}

#[test]
fn allow_incomplete_gates_on_findings_alone_and_the_report_still_says_so() {
    let env = Env::new();
    folder(&env);
    let args = [
        "check",
        "ops",
        "--as-of",
        "2026-11-21",
        "--allow-incomplete",
    ];
    let out = env.run(&args);
    // Nokia and Ericsson are ok: no finding, so 0 — but the table says the run is incomplete.
    out.code(0);
    assert!(
        out.stdout.contains("status: the run is incomplete"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("  not read: ops/c.csv:1: no vendor column"));
    assert!(out
        .stdout
        .contains("  not read: ops/b.csv:3: this row has 4 fields"));
    assert!(out.stderr.contains("warning: the run is incomplete"));
    // A finding still fails the gate with exit 1.
    env.file("ops/d.csv", "vendor\nZTE\n");
    env.run(&args).code(1);
}

#[test]
fn every_format_marks_an_incomplete_run() {
    let env = Env::new();
    folder(&env);
    let run = |format: &str| {
        let out = env.run(&["check", "ops", "--as-of", "2026-11-21", "--format", format]);
        out.code(2);
        out.stdout.clone()
    };
    let md = run("markdown");
    assert!(md.contains("**the run is incomplete: "), "{md}");
    assert!(
        md.contains("- not read: ops/c.csv:1: no vendor column"),
        "{md}"
    );
    let html = run("html");
    assert!(
        html.contains("<div class=\"incomplete\" role=\"alert\">"),
        "{html}"
    );
    assert!(html.contains("<li>not read: ops/b.csv:3: this row has 4 fields"));
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes.iter().all(|n| n["level"] == "error"));
    let junit = run("junit");
    assert!(junit.contains("errors=\"2\""), "{junit}");
    assert!(junit
        .contains("<error message=\"not read\" type=\"incomplete\">ops/c.csv:1: no vendor column"));
    let csv = run("csv");
    // CSV holds findings only; the run's status is on standard error and in the exit code.
    assert!(csv.starts_with("file,line,"), "{csv}");
    // A complete run: executionSuccessful, no error suite.
    env.file("ok.csv", "vendor\nNokia\n");
    let out = env.run(&[
        "check",
        "ok.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "sarif",
    ]);
    out.code(0);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn an_install_date_that_cannot_be_read_is_a_warning_and_the_row_is_judged() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor,model,installed\nHuawei,BBU5900,June 2019\nNokia,A,2019-06-14\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    // The row is judged (a violation), the run is complete, and the date is named.
    out.code(1);
    let r = out.json();
    assert_eq!(r["status"], "complete");
    assert_eq!(r["summary"]["violations"], 1);
    assert_eq!(r["warnings"]["count"], 1);
    assert_eq!(
        r["warnings"]["shown"][0],
        "inv.csv:2: column 'installed': install date 'June 2019' is not a date tvcheck reads (YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY); it is judged as unknown"
    );
    assert_eq!(r["inputs"][0]["warnings"], 1);
    assert!(
        out.stderr
            .contains("warning: inv.csv:2: column 'installed': install date 'June 2019'"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_json_lines_record_over_the_limit_is_an_unread_part_and_memory_stays_bounded() {
    let env = Env::new();
    let mut text = String::from("{\"vendor\": \"Nokia\"}\n{\"vendor\": \"Huawei\", \"notes\": \"");
    text.push_str(&"x".repeat(5 << 20));
    text.push_str("\"}\n{\"vendor\": \"ZTE\"}\n");
    env.file("inv.jsonl", text);
    let out = env.run(&[
        "check",
        "inv.jsonl",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    // The long line is not read (the run is incomplete); the line after it is.
    out.code(2);
    let r = out.json();
    assert_eq!(r["summary"]["items"], 2);
    assert_eq!(r["summary"]["violations"], 1);
    assert!(r["skipped_rows"]["shown"][0]
        .as_str()
        .unwrap()
        .starts_with("inv.jsonl:2: the line is longer than 4 MiB"));
}

#[test]
fn a_json_inventory_must_be_a_regular_file() {
    let env = Env::new();
    let out = env.run(&[
        "check",
        "/dev/zero",
        "--input-format",
        "json",
        "--as-of",
        "2026-11-21",
    ]);
    out.code(2);
    assert!(out.stderr.contains("/dev/zero"), "{}", out.stderr);
}
