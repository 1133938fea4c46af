//! Terminal safety and pipes: control characters from inventories and file names are shown
//! escaped (`\u{1b}`, `\n`, ...; see `src/escape.rs`) in every text rendering and message,
//! and a reader that closes the pipe (`tvcheck ... | head -1`) ends the output quietly: the
//! exit status is then the run's verdict (0 compliant, 1 findings), never 2.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use crate::support::{repo, Env, Out};

/// Characters that must never reach standard output or standard error raw (the line-ending
/// line feed aside): C0 and C1 controls, DEL and the bidirectional controls.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

#[track_caller]
fn assert_no_raw_controls(what: &str, s: &str) {
    let raw = raw_controls(s);
    assert!(raw.is_empty(), "{what} holds raw {raw:?}:\n{s}");
}

/// An inventory whose vendor, model and site fields hold ESC `[31m`, BEL, CR, a line feed in
/// a quoted field, the C1 CSI (U+009B) and RIGHT-TO-LEFT OVERRIDE (U+202E).
const HOSTILE: &str = "asset_id,vendor,model,serial,site\n\
A1,\"Huawei\u{1b}[31m\",\"BBU\u{7}\rX\",S1,\"Vil\rnius\"\n\
A2,\"Huawei\u{202e}\",\"OSN\nFAKE\u{9b}2J LINE\",S2,\"Site\u{9b}2J\u{202e}X\"\n";

/// What the hostile fields look like escaped, in a rendering that shows vendor and model.
const VISIBLE: [&str; 5] = [
    "Huawei\\u{1b}",
    "BBU\\u{7}\\rX",
    "OSN\\nFAKE\\u{9b}2J LINE",
    "Huawei\\u{202e}",
    "\\u{1b}",
];

fn check(env: &Env, path: &str, format: &str) -> Out {
    env.run_env(
        &[
            "check",
            path,
            "--as-of",
            "2026-11-21",
            "--all",
            "--format",
            format,
        ],
        &[("COLUMNS", "400")],
    )
}

#[test]
fn hostile_fields_are_escaped_in_table_markdown_and_csv() {
    let env = Env::new();
    env.file("hostile.csv", HOSTILE);
    for format in ["table", "markdown", "csv", "html"] {
        let out = check(&env, "hostile.csv", format);
        assert!(out.code == 0 || out.code == 1, "{format}: {out:?}");
        assert_no_raw_controls(format, &out.stdout);
        assert_no_raw_controls(format, &out.stderr);
        for v in VISIBLE {
            assert!(
                out.stdout.contains(v),
                "{format} lacks {v:?}:\n{}",
                out.stdout
            );
        }
    }
    // CSV: every record is one line (header + 2), and the site keeps its escaped CR, CSI and
    // override.
    let out = check(&env, "hostile.csv", "csv");
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(
        out.stdout.contains("Vil\\rnius") && out.stdout.contains("Site\\u{9b}2J\\u{202e}X"),
        "{}",
        out.stdout
    );
    // JSON and SARIF keep the exact text, with C0 controls escaped by their grammar and C1
    // and bidirectional characters as \u escapes too.
    let junit = check(&env, "hostile.csv", "junit");
    assert_no_raw_controls("junit", &junit.stdout);
    assert!(
        junit.stdout.contains("Huawei\\u{1b}[31m"),
        "{}",
        junit.stdout
    );
    let sarif = check(&env, "hostile.csv", "sarif");
    assert_no_raw_controls("sarif", &sarif.stdout);
    assert!(sarif.stdout.contains("\\u202e"), "{}", sarif.stdout);
    let out = check(&env, "hostile.csv", "json");
    assert_no_raw_controls("json", &out.stdout);
    assert!(
        out.stdout.contains("OSN\\nFAKE\\u009b2J LINE"),
        "{}",
        out.stdout
    );
    let v = out.json();
    let vendors: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["vendor"].as_str().unwrap())
        .collect();
    assert!(vendors.contains(&"Huawei\u{1b}[31m"), "{vendors:?}");
    assert!(vendors.contains(&"Huawei\u{202e}"), "{vendors:?}");
}

/// A file name holding ESC `[31m`, BEL and a line feed.
const NAME: &str = "ev\u{1b}[31m\u{7}\nil.csv";
const NAME_VISIBLE: &str = "ev\\u{1b}[31m\\u{7}\\nil.csv";

#[test]
fn a_file_name_with_escape_and_newline_is_escaped_in_every_rendering() {
    let env = Env::new();
    env.file(&format!("inv/{NAME}"), HOSTILE);
    for format in ["table", "markdown", "csv", "html"] {
        let out = check(&env, "inv", format);
        assert!(out.code == 0 || out.code == 1, "{format}: {out:?}");
        assert_no_raw_controls(format, &out.stdout);
        assert_no_raw_controls(format, &out.stderr);
        // Markdown escapes the `[` as well.
        let name = if format == "markdown" {
            NAME_VISIBLE.replace('[', "\\[")
        } else {
            NAME_VISIBLE.to_string()
        };
        assert!(
            out.stdout.contains(&name),
            "{format} lacks the escaped name {name}:\n{}",
            out.stdout
        );
    }
    // A forged line cannot start the CSV report's second line: each record names the file.
    let out = check(&env, "inv", "csv");
    for line in out.stdout.lines().skip(1) {
        assert!(line.starts_with("inv/ev\\u{1b}[31m"), "{line}");
    }
}

#[test]
fn an_error_about_such_a_file_is_one_escaped_line() {
    let env = Env::new();
    // No vendor column: the file cannot be checked.
    env.file(&format!("bad/{NAME}"), "foo,bar\n1,2\n");
    let out = env.run(&["check", "bad", "--as-of", "2026-11-21"]);
    out.error(&[NAME_VISIBLE, "no vendor column"]);
    assert_no_raw_controls("stderr", &out.stderr);
    // Named on the command line, the same.
    let out = env.run(&["check", &format!("bad/{NAME}"), "--as-of", "2026-11-21"]);
    out.error(&[NAME_VISIBLE]);
    assert_no_raw_controls("stderr", &out.stderr);
    // A malformed row in it (a quoted field that never ends): whatever the run makes of it,
    // every message names the file escaped.
    env.file(
        &format!("rows/{NAME}"),
        "vendor,model\nNokia,AirScale\n\"Huawei\u{1b}[2J,BBU\n",
    );
    let out = env.run(&["check", "rows", "--as-of", "2026-11-21"]);
    assert_no_raw_controls("stdout", &out.stdout);
    assert_no_raw_controls("stderr", &out.stderr);
    assert!(
        out.stderr.contains(NAME_VISIBLE) || out.stdout.contains(NAME_VISIBLE),
        "{out:?}"
    );
}

#[test]
fn registry_policy_and_explain_text_is_escaped() {
    let env = Env::new();
    env.file(
        "reg.toml",
        "[[list]]\nid = \"l1\"\ntitle = \"List\\u001b[31m one\"\njurisdiction = \"EU\"\n\
         authority = \"Someone\"\nbasis = \"Act\\u0007\"\nsource = \"https://example.org\"\n\
         confidence = \"confirmed\"\n\n\
         [[vendor]]\nid = \"acme\"\nname = \"Acme\\u001b]0;pwned\\u0007 Radio\"\ncountry = \"CN\"\n\
         aliases = [\"Ac\\u202eme\"]\nconfidence = \"confirmed\"\n\
         sources = [\"https://example.org\"]\nnotes = \"line one\\nFORGED line\"\n\
         [[vendor.listing]]\nlist = \"l1\"\nlisted_on = 2020-01-01\nscope = \"all\"\n\
         confidence = \"confirmed\"\n",
    );
    env.run(&["registry", "import", "reg.toml", "--db", "reg.db"])
        .code(0);
    for args in [
        vec!["registry", "list", "--db", "reg.db"],
        vec!["registry", "show", "acme", "--db", "reg.db"],
        vec!["registry", "history", "--db", "reg.db"],
        vec!["registry", "status", "--db", "reg.db"],
        vec![
            "explain",
            "Acme\u{1b}]0;pwned\u{7} Radio",
            "--db",
            "reg.db",
            "--as-of",
            "2026-11-21",
        ],
    ] {
        let out = env.run(&args);
        out.code(0);
        assert_no_raw_controls(&args.join(" "), &out.stdout);
        assert_no_raw_controls(&args.join(" "), &out.stderr);
    }
    let show = env.run(&["registry", "show", "acme", "--db", "reg.db"]);
    assert!(
        show.stdout.contains("Acme\\u{1b}]0;pwned\\u{7} Radio")
            && show.stdout.contains("Ac\\u{202e}me")
            && show.stdout.contains("line one\\nFORGED line"),
        "{}",
        show.stdout
    );
    assert!(!show.stdout.lines().any(|l| l.starts_with("FORGED")));
    let json = env.run(&[
        "registry", "show", "acme", "--db", "reg.db", "--format", "json",
    ]);
    json.code(0);
    assert_no_raw_controls("registry show --format json", &json.stdout);
    assert_eq!(json.json()["aliases"][0], "Ac\u{202e}me");
    // A policy file whose texts hold controls.
    env.file(
        "p.toml",
        "id = \"p1\"\ntitle = \"Ti\\u001b[1mtle\"\njurisdiction = \"EU\"\n\
         [[basis]]\ncitation = \"Act\\u0007\"\ndate = 2020-01-01\nsource = \"https://example.org\"\n\
         [[rule]]\nid = \"r1\"\ntitle = \"Rule\\nFORGED\"\nkind = \"listed-entity\"\n\
         lists = [\"l1\"]\neffective = 2020-01-01\nremedy = \"must go\"\n",
    );
    let out = env.run(&["policy", "show", "./p.toml", "--db", "reg.db"]);
    out.code(0);
    assert_no_raw_controls("policy show", &out.stdout);
    assert!(
        out.stdout.contains("Ti\\u{1b}[1mtle") && out.stdout.contains("r1: Rule\\nFORGED"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.lines().any(|l| l.starts_with("FORGED")));
}

/// Runs tvcheck with standard output a pipe whose reader is closed before tvcheck writes (or,
/// with `read_line`, after reading its first line), and returns the exit code and stderr.
fn run_closed(env: &Env, args: &[&str], read_line: bool) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
        .current_dir(env.path(""))
        .args(args)
        .env_remove("TVCHECK_DB")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tvcheck");
    let stdout = child.stdout.take().expect("stdout");
    if read_line {
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).expect("read");
        assert!(!first.is_empty(), "{args:?}: no output before the close");
    } else {
        drop(stdout);
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    (status.code().unwrap_or(-1), stderr)
}

/// A CSV inventory of `n` rows of `vendor` (large enough that its report overflows a pipe).
fn many_rows(vendor: &str, n: usize) -> String {
    let mut s = String::from("asset_id,vendor,model,serial,site\n");
    for i in 0..n {
        s.push_str(&format!("A{i},{vendor},M{i},S{i},Site-{}\n", i % 97));
    }
    s
}

const FORMATS: [&str; 7] = ["json", "csv", "table", "markdown", "html", "sarif", "junit"];

/// A broken pipe is not an error: `check` then exits with its verdict, 1 for an inventory
/// with violations and 0 for a compliant one, as if the whole report had been read.
#[test]
fn check_into_a_closed_pipe_exits_with_its_verdict_and_says_nothing() {
    let env = Env::new();
    env.file("bad.csv", many_rows("Huawei", 3000));
    env.file("good.csv", many_rows("Nokia", 3000));
    for format in FORMATS {
        for (file, verdict) in [("bad.csv", 1), ("good.csv", 0)] {
            for read_line in [false, true] {
                let (code, stderr) = run_closed(
                    &env,
                    &[
                        "check",
                        file,
                        "--all",
                        "--as-of",
                        "2026-11-21",
                        "--format",
                        format,
                    ],
                    read_line,
                );
                assert_eq!(
                    (code, stderr.as_str()),
                    (verdict, ""),
                    "check {file} --format {format} (read a line first: {read_line})"
                );
            }
        }
    }
}

#[test]
fn a_closed_pipe_does_not_stop_the_report_files() {
    let env = Env::new();
    env.file("bad.csv", many_rows("Huawei", 3000));
    let (code, stderr) = run_closed(
        &env,
        &[
            "check",
            "bad.csv",
            "--as-of",
            "2026-11-21",
            "-o",
            "table",
            "-o",
            "markdown=r.md",
        ],
        false,
    );
    assert_eq!((code, stderr.as_str()), (1, ""));
    let md = std::fs::read_to_string(env.path("r.md")).unwrap();
    assert!(md.contains("### Findings"), "{md}");
}

#[test]
fn other_commands_into_a_closed_pipe_exit_0_and_say_nothing() {
    let env = Env::new();
    let mut import = vec!["registry".to_string(), "import".to_string()];
    let mut files: Vec<String> = std::fs::read_dir(repo().join("data/registry"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    import.extend(files);
    import.extend(["--db".to_string(), "reg.db".to_string()]);
    let import: Vec<&str> = import.iter().map(String::as_str).collect();
    env.run(&import).code(0);
    let db = ["--db", "reg.db"];
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["json", "table"] {
        let f = ["--format", format];
        runs.push([&["registry", "list"][..], &db, &f].concat());
        runs.push([&["registry", "show", "huawei"][..], &db, &f].concat());
        runs.push([&["registry", "status"][..], &db, &f].concat());
        runs.push([&["registry", "history"][..], &db, &f].concat());
        runs.push([&["policy", "show", "lt-5g"][..], &f].concat());
        runs.push([&["explain", "Huawei", "--as-of", "2026-11-21"][..], &f].concat());
    }
    runs.push(vec!["registry", "export", "--db", "reg.db"]);
    runs.push(vec!["policy", "list"]);
    for args in runs {
        for read_line in [false, true] {
            let (code, stderr) = run_closed(&env, &args, read_line);
            assert_eq!(
                (code, stderr.as_str()),
                (0, ""),
                "{args:?} (read a line first: {read_line})"
            );
        }
    }
}
