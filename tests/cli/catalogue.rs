//! The rest of the bad-input catalogue (the other cases live beside the features they
//! concern: bad_input.rs, policy.rs, registry.rs, registry_history.rs, waivers.rs,
//! formats_in.rs): oversized inputs, damaged registries, unwritable outputs, bad command lines.

use crate::support::Env;

fn check(env: &Env, args: &[&str]) -> crate::support::Out {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", "2026-11-21"]);
    env.run(&all)
}

#[test]
fn a_10_mb_field_is_an_unread_part() {
    // Was read whole; fields are now capped (1 MiB a field, 4 MiB a record), so that memory
    // stays bounded: the row is an unread part, named by line and column, and the rows after
    // it are read.
    let env = Env::new();
    let mut text = String::from("vendor,model,notes\nZTE,F660,");
    text.push_str(&"x".repeat(10 * 1024 * 1024));
    text.push_str("\nNokia,AirScale,short\n");
    env.file("inv.csv", text);
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
        "--all",
    ]);
    let r = out.json();
    assert_eq!(r["summary"]["items"], 1);
    assert_eq!(r["findings"][0]["line"], 3);
    assert_eq!(r["skipped_rows"]["count"], 1);
    let shown = r["skipped_rows"]["shown"].to_string();
    assert!(
        shown.contains("inv.csv:2: this record is longer than 4 MiB (column 'notes', field 3)"),
        "{shown}"
    );
}

#[test]
fn a_100_kb_vendor_name_is_matched_in_linear_time() {
    let env = Env::new();
    // One 100 KB word, and 100 KB of words: neither may make matching quadratic.
    let word = "huaweii".repeat(100 * 1024 / 7);
    let words = "shenzhen hauwei ".repeat(100 * 1024 / 16);
    env.file("inv.csv", format!("vendor\n{word}\n{words}\nZTE\n"));
    let started = std::time::Instant::now();
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["summary"]["items"], 3);
    // Not a timing assertion of performance, a guard against a hang: generous on any machine.
    assert!(
        started.elapsed().as_secs() < 120,
        "matching took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_100000_column_header_is_read() {
    let env = Env::new();
    let mut header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    header.push("vendor".into());
    let mut row = vec![String::new(); 100_000];
    row.push("ZTE".into());
    env.file(
        "wide.csv",
        format!("{}\n{}\n", header.join(","), row.join(",")),
    );
    let out = check(&env, &["wide.csv", "--format", "json"]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["vendor"], "ZTE");
}

#[test]
fn deeply_nested_toml_is_an_error_not_a_crash() {
    let env = Env::new();
    env.file(
        "deep.toml",
        format!(
            "[[asset]]\nvendor = \"ZTE\"\nx = {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    check(&env, &["deep.toml"]).error(&["deep.toml:3:", "recursion limit exceeded"]);
}

#[test]
fn a_truncated_registry_is_an_error() {
    let env = Env::new();
    env.file(
        "reg.toml",
        "[[vendor]]\nid = \"zte\"\nname = \"ZTE Corporation\"\n",
    );
    env.run(&["registry", "import", "reg.toml", "--db", "reg.db"])
        .code(0);
    // Check the WAL into the file, then cut the file in half.
    let conn = rusqlite::Connection::open(env.path("reg.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let bytes = std::fs::read(env.path("reg.db")).unwrap();
    std::fs::write(env.path("reg.db"), &bytes[..bytes.len() / 2]).unwrap();
    env.file("inv.csv", "vendor\nZTE\n");
    let out = check(&env, &["inv.csv", "--db", "reg.db"]);
    out.code(2);
    assert!(out.stderr.starts_with("error: reg.db: "), "{}", out.stderr);
    let v = env.run(&["registry", "verify", "--db", "reg.db"]);
    v.code(2);
}

#[test]
fn an_empty_registry_file_is_not_a_registry() {
    let env = Env::new();
    env.file("reg.db", "");
    env.file("inv.csv", "vendor\nZTE\n");
    check(&env, &["inv.csv", "--db", "reg.db"])
        .error(&["reg.db: the registry is empty", "registry import"]);
}

#[test]
fn unwritable_outputs_are_clear_errors_and_leave_files_intact() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    std::fs::create_dir(env.path("out")).unwrap();
    check(&env, &["inv.csv", "--format", "json", "--output", "out"])
        .error(&["out: cannot write the report: the output path is a folder"]);
    check(&env, &["inv.csv", "--output", "json=/proc/version"])
        .error(&["/proc/version: cannot write the report"]);
    // An existing report is replaced only by a complete new one.
    env.file("report.json", "{\"old\": true}");
    check(
        &env,
        &[
            "inv.csv",
            "--format",
            "json",
            "--output",
            "report.json",
            "--db",
            "missing.db",
        ],
    )
    .code(2);
    assert_eq!(
        std::fs::read_to_string(env.path("report.json")).unwrap(),
        "{\"old\": true}"
    );
}

#[test]
fn bad_command_lines() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    let cases: &[&[&str]] = &[
        &["check"],
        &["check", "inv.csv", "--as-of", "yesterday"],
        &["check", "inv.csv", "--format", "pdf"],
        &["check", "inv.csv", "--fail-on", "sometimes"],
        &["check", "inv.csv", "--delimiter", ";;"],
        &["check", "inv.csv", "--column", "vendor"],
        &["check", "inv.csv", "--max-unidentified", "-5"],
        &["check", "inv.csv", "--min-score", "1.5"],
        &["check", "inv.csv", "--group-by", "country"],
        &["check", "inv.csv", "--input-format", "docx"],
        &["registry", "diff", "--from", "x"],
        &["policy", "show", "no-such-policy"],
        &["explain"],
    ];
    for args in cases {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}");
        assert!(out.stderr.starts_with("error"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn lone_cr_line_ends_keep_line_numbers() {
    let env = Env::new();
    env.file("mac.csv", "vendor,model\rNokia,A\rZTE,F660\r");
    let out = check(&env, &["mac.csv", "--format", "json"]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["line"], 3);
}

#[test]
fn many_ragged_rows_with_line_breaks_are_not_quadratic() {
    let env = Env::new();
    let mut text = String::from("vendor,model\n");
    for _ in 0..20_000 {
        text.push_str("ZTE,\"x\ny\",z\n");
    }
    text.push_str("Nokia,A\n");
    env.file("ragged.csv", text);
    let started = std::time::Instant::now();
    let out = check(&env, &["ragged.csv", "--format", "json", "--quiet"]);
    out.code(2);
    let r = out.json();
    assert_eq!(r["skipped_rows"]["count"], 20_000);
    assert_eq!(r["summary"]["items"], 1);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn values_with_line_breaks_are_quoted_on_one_line() {
    let env = Env::new();
    // A header echoed with its line break (the file's header maps nothing to vendor).
    env.file("inv.csv", "\"Herst\nller\",qty\nZTE,1\n");
    check(&env, &["inv.csv"]).error(&["'Herst\\nller'"]);
    // A bad quantity with a line break keeps its row (issue 14 part 2); the value is carried
    // as written, line break and all, and the row is judged.
    env.file("qty.csv", "vendor,qty\nZTE,\"1\n2\"\nNokia,1\n");
    let out = check(&env, &["qty.csv", "--format", "json"]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["extra"]["qty"], "1\n2");
    // Its warning stays on one line.
    let warning = out.stderr.lines().find(|l| l.contains("quantity")).unwrap();
    assert!(warning.contains("quantity '1\\n2'"), "{warning}");
}
