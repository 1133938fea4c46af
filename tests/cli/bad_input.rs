//! Bad input: every case exits 2 with one plain line naming the file, the line (and column
//! where there is one) and what to do.

use crate::support::Env;

fn check(env: &Env, path: &str) -> crate::support::Out {
    env.run(&["check", path, "--as-of", "2026-11-21"])
}

#[test]
fn missing_file() {
    let env = Env::new();
    check(&env, "nope.csv").error(&[
        "nope.csv: cannot read the inventory: no such file or folder",
        "hint:",
    ]);
}

#[test]
fn folder_without_inventories() {
    let env = Env::new();
    env.file("docs/readme.txt", "hello");
    check(&env, "docs").error(&["docs: the folder holds no inventory files", "hint:"]);
}

#[test]
fn unsupported_extension() {
    let env = Env::new();
    env.file("inv.pdf", "%PDF-1.4");
    check(&env, "inv.pdf").error(&["inv.pdf: unsupported inventory format", "CSV"]);
}

#[test]
fn empty_file_and_header_only() {
    let env = Env::new();
    env.file("empty.csv", "");
    check(&env, "empty.csv").error(&["empty.csv: the file is empty"]);
    env.file("header.csv", "vendor,model\n");
    check(&env, "header.csv").error(&["header.csv: the inventory has no items", "hint:"]);
    env.file("empty.toml", "# nothing\n");
    check(&env, "empty.toml").error(&["empty.toml: the file has no [[asset]] tables"]);
}

#[test]
fn invalid_utf8_after_a_utf8_head_names_the_line() {
    // The first megabyte decides the encoding: UTF-8 here, so a later row that is not UTF-8
    // is an unread part, named with a hint to give the encoding. (A file that is not UTF-8
    // from the start is decoded: see text_fail_closed.rs.)
    let env = Env::new();
    let mut bytes = b"vendor,model\n".to_vec();
    while bytes.len() < 1_100_000 {
        bytes.extend_from_slice(b"Nokia,AirScale\n");
    }
    let bad_line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    bytes.extend_from_slice(b"Schr\xf6der AG,X1\nZTE,F660\n");
    env.file("late.csv", bytes);
    let out = check(&env, "late.csv");
    out.code(2).skipped(&[
        &format!("late.csv:{bad_line}:"),
        "not valid UTF-8",
        "--encoding",
    ]);
    assert!(
        out.stderr
            .contains("error: the run is incomplete: 1 record, sheet or component was not read"),
        "{}",
        out.stderr
    );
}

#[test]
fn unread_rows_make_the_run_incomplete_unless_allowed() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor,model,qty\nNokia,A,1\nEricsson,B,x\nNokia,C,1,extra\nCisco,D,2\nNokia,E,1,2\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    // Fail closed: two rows were never judged, so the run is not compliant.
    out.code(2);
    let r = out.json();
    assert_eq!(r["status"], "incomplete");
    // The bad quantity keeps its row (carried as written); the ragged rows are not read.
    assert_eq!(r["summary"]["items"], 3);
    assert_eq!(r["skipped_rows"]["count"], 2);
    assert_eq!(r["inputs"][0]["rows_skipped"], 2);
    assert_eq!(r["inputs"][0]["complete"], false);
    let shown: Vec<&str> = r["skipped_rows"]["shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        shown[0].starts_with("inv.csv:4: this row has 4 fields"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("inv.csv:6: this row has 4 fields"),
        "{shown:?}"
    );
    // --allow-incomplete: the exit status reflects the findings alone; the report still says
    // the run is incomplete.
    let allowed = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
        "--allow-incomplete",
    ]);
    allowed.code(0);
    assert_eq!(allowed.json()["status"], "incomplete");
    assert!(
        allowed.stderr.contains("warning: the run is incomplete"),
        "{}",
        allowed.stderr
    );
    // The old opt-in is now the default.
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--strict-input",
    ])
    .code(2);
    // A complete run says so.
    env.file("ok.csv", "vendor,model\nNokia,A\n");
    let ok = env.run(&[
        "check",
        "ok.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    ok.code(0);
    assert_eq!(ok.json()["status"], "complete");
    assert_eq!(ok.json()["inputs"][0]["complete"], true);
    // --quiet keeps only the error that fails the run.
    let quiet = env.run(&["check", "inv.csv", "--as-of", "2026-11-21", "--quiet"]);
    quiet.code(2);
    assert_eq!(quiet.stderr.lines().count(), 1, "{}", quiet.stderr);
    assert!(
        quiet
            .stderr
            .starts_with("error: the run is incomplete: 2 records"),
        "{}",
        quiet.stderr
    );
    // Nothing readable at all is an error, not a clean result.
    env.file("bad.csv", "vendor,qty\nNokia,x,1\nCisco,y,2\n");
    check(&env, "bad.csv")
        .error(&["no item could be read: all 2 records are malformed (first: bad.csv:2:"]);
}

#[test]
fn utf16_is_decoded() {
    // Was refused ("re-save it as UTF-8"); now decoded (issue 14: UTF-16 stays supported).
    let env = Env::new();
    let mut bytes = vec![0xFF, 0xFE];
    for u in "vendor,model\r\nZTE,F660\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    env.file("unicode.csv", bytes);
    let out = env.run(&[
        "check",
        "unicode.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["vendor"], "ZTE");
    assert_eq!(out.json()["findings"][0]["line"], 2);
}

#[test]
fn binary_garbage() {
    let env = Env::new();
    env.file(
        "garbage.csv",
        [
            0x00u8, 0x01, 0x02, 0xFF, 0x00, 0x10, 0x7F, 0x00, 0xAB, 0xCD, 0xEF,
        ],
    );
    let out = check(&env, "garbage.csv");
    out.code(2);
    assert!(
        out.stderr.starts_with("error: garbage.csv:"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_vendor_column_lists_headers_and_synonyms() {
    let env = Env::new();
    env.file("inv.csv", "Hersteller,Modell\nZTE,F660\n");
    check(&env, "inv.csv").error(&[
        "inv.csv:1: no vendor column: the headers are 'Hersteller', 'Modell'",
        "manufacturer, make, brand, supplier",
        "--column vendor=HEADER",
    ]);
}

#[test]
fn duplicate_and_ambiguous_headers() {
    let env = Env::new();
    env.file("dup.csv", "vendor,model,Vendor\nZTE,F660,x\n");
    check(&env, "dup.csv")
        .error(&["dup.csv:1: the header 'Vendor' appears twice (columns 1 and 3)"]);
    env.file("amb.csv", "vendor,manufacturer\nZTE,x\n");
    check(&env, "amb.csv").error(&[
        "amb.csv:1:",
        "'vendor' and 'manufacturer'",
        "--column vendor=HEADER",
    ]);
}

#[test]
fn column_override_naming_a_missing_header() {
    let env = Env::new();
    env.file("inv.csv", "vendor,model\nZTE,F660\n");
    env.run(&["check", "inv.csv", "--column", "serial=Seriennummer"])
        .error(&["inv.csv:1: --column serial=Seriennummer names a header that is not in the file"]);
}

#[test]
fn ragged_row() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor,model,site\nZTE,F660,Vilnius\nHuawei Technologies Co., Ltd.,BBU,Kaunas\n",
    );
    check(&env, "inv.csv").code(2).skipped(&[
        "inv.csv:3: this row has 4 fields but the header has 3 (ragged row)",
        "quote",
    ]);
}

#[test]
fn unbalanced_quote_points_to_where_it_opened() {
    let env = Env::new();
    env.file("inv.csv", "vendor,model,site\nZTE,F660,Vilnius\nNokia,\"AirScale,Kaunas\nEricsson,AIR,Riga\nCisco,ASR,Tallinn\n");
    check(&env, "inv.csv").error(&["inv.csv:3: unbalanced quote", "never closed"]);
    // Also when the runaway field happens to leave the row with the right field count.
    env.file("last.csv", "vendor,model\nZTE,\"F660\nNokia,X\n");
    check(&env, "last.csv").error(&["last.csv:2: unbalanced quote"]);
}

#[test]
fn quantity_that_is_not_a_number_keeps_the_row() {
    // Was a skipped row; now the row is judged and the value carried as written.
    let env = Env::new();
    env.file("inv.csv", "vendor,qty\nNokia,2\nZTE,many\n");
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["status"], "complete");
    assert_eq!(r["skipped_rows"]["count"], 0);
    assert_eq!(r["findings"][0]["line"], 3);
    assert_eq!(r["findings"][0]["extra"]["qty"], "many");
    // The warning names the place and the column.
    assert_eq!(r["warnings"]["count"], 1);
    let w = r["warnings"]["shown"][0].as_str().unwrap();
    assert!(
        w.starts_with("inv.csv:3: column 'qty': quantity 'many' is not a whole number"),
        "{w}"
    );
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let env = Env::new();
    env.file("inv.toml", "[[asset]]\nvendor = \"ZTE\"\nmodel = \"F660\n");
    check(&env, "inv.toml").error(&["inv.toml:3:14: invalid TOML inventory"]);
}

#[test]
fn toml_wrong_types_name_line_and_column() {
    let env = Env::new();
    env.file(
        "inv.toml",
        "[[asset]]\nvendor = 42\n\n[[asset]]\nvendor = \"ZTE\"\n",
    );
    check(&env, "inv.toml")
        .code(2)
        .skipped(&["inv.toml:2:10: 'vendor' must be a string, not integer"]);
    // A quantity that is not a whole number keeps the asset (it used to skip it).
    env.file(
        "q.toml",
        "[[asset]]\nvendor = \"ZTE\"\nquantity = \"lots\"\n",
    );
    let out = env.run(&[
        "check",
        "q.toml",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["extra"]["quantity"], "lots");
    env.file("single.toml", "[asset]\nvendor = \"ZTE\"\n");
    check(&env, "single.toml").error(&["single.toml:1:1:", "[[asset]]"]);
    env.file("top.toml", "title = \"x\"\n[[asset]]\nvendor = \"ZTE\"\n");
    check(&env, "top.toml").error(&["top.toml:1:1:", "unknown field `title`"]);
}

#[test]
fn registry_that_is_not_sqlite() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    env.file("reg.db", "this is a text file, not a database, but long enough to have a header....................................");
    env.run(&["check", "inv.csv", "--db", "reg.db"])
        .error(&["reg.db: not an SQLite database", "hint:"]);
    env.run(&["check", "inv.csv", "--db", "missing.db"])
        .error(&["missing.db: cannot open the registry: no such file"]);
}

#[test]
fn sqlite_database_that_is_not_a_registry() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    let conn = rusqlite::Connection::open(env.path("other.db")).unwrap();
    conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    env.run(&["check", "inv.csv", "--db", "other.db"])
        .error(&["other.db: this SQLite database is not a tvcheck registry"]);
}

#[test]
fn registry_with_a_newer_schema_is_refused() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    env.file(
        "reg.toml",
        "[[vendor]]\nid = \"zte\"\nname = \"ZTE Corporation\"\n",
    );
    env.run(&["registry", "import", "reg.toml", "--db", "reg.db"])
        .code(0);
    let conn = rusqlite::Connection::open(env.path("reg.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    env.run(&["check", "inv.csv", "--db", "reg.db"]).error(&[
        "reg.db: the registry has schema version 99, newer than this build of tvcheck knows",
        "upgrade tvcheck",
    ]);
    env.run(&["registry", "import", "reg.toml", "--db", "reg.db"])
        .error(&["schema version 99"]);
}

#[test]
fn output_into_a_missing_folder_writes_nothing() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    env.run(&[
        "check",
        "inv.csv",
        "--format",
        "json",
        "--output",
        "no/such/dir/r.json",
    ])
    .error(&[
        "no/such/dir/r.json: cannot write the report: the folder 'no/such/dir' does not exist",
    ]);
    assert!(!env.path("no").exists());
}

#[cfg(unix)]
#[test]
fn fifo_is_not_read() {
    let env = Env::new();
    let status = std::process::Command::new("mkfifo")
        .arg(env.path("pipe.csv"))
        .status();
    if status.map(|s| s.success()).unwrap_or(false) {
        check(&env, "pipe.csv").error(&["pipe.csv: not a regular file or folder"]);
    } else {
        // mkfifo is missing: a device node stands in for the same check.
        env.run(&["check", "/dev/null"])
            .error(&["/dev/null: not a regular file or folder"]);
    }
}
