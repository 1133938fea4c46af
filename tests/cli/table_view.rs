//! The terminal table: fitted to the width (`COLUMNS`, else the terminal's, else 160 columns),
//! words wrapped whole and `file:line` never split, the reason shortened to its first clause,
//! counts in the singular and plural, colour only on a terminal and never with `NO_COLOR`, and
//! the one-screen summary on standard error when every report goes to a file.
//!
//! The terminal cases run tvcheck on a pseudo-terminal made by util-linux `script` (skipped,
//! saying so, where it is missing).

use std::process::Command;

use crate::support::{external_tool, Env};

/// Findings with long reasons, hyphenated rule ids and a vendor of many words.
const INVENTORY: &str = "asset_id,vendor,model,site,domain\n\
P1,Huawei,BBU5900,Vilnius,core\n\
P2,ZTE,F660,Kaunas,core\n\
P3,Ericsson,AIR 6449,Kaunas,ran\n\
P4,Quillon Radio Systems International,X-200,Riga,ran\n";

fn fixture() -> Env {
    let env = Env::new();
    env.file("inventory-with-a-long-name.csv", INVENTORY);
    env
}

const ARGS: [&str; 8] = [
    "check",
    "inventory-with-a-long-name.csv",
    "--policy",
    "de-5g",
    "--policy",
    "lt-5g",
    "--as-of",
    "2026-06-01",
];

fn display_width(s: &str) -> usize {
    // Box drawing and the ellipsis are one column each; the fixture has no wide characters.
    s.chars().count()
}

/// The cells of the findings table (the table whose header starts with `location`), one
/// `Vec` per row, each cell's lines joined back: with a space, or with nothing after a line
/// that ends in a break point (`-` or `/`).
fn findings_rows(out: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = out.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("│ location"))
        .unwrap_or_else(|| panic!("no findings table:\n{out}"));
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Rows start after the header's rule (a header may wrap over two lines).
    let body = lines[start..]
        .iter()
        .position(|l| l.starts_with('╞'))
        .unwrap();
    for line in &lines[start + body + 1..] {
        if line.starts_with('└') {
            break;
        }
        let inner = line.trim_start_matches('│').trim_end_matches('│');
        let cells: Vec<&str> = inner.split('┆').map(str::trim).collect();
        if !cells[0].is_empty() || rows.is_empty() {
            rows.push(vec![String::new(); cells.len()]);
        }
        let row = rows.last_mut().unwrap();
        for (i, c) in cells.iter().enumerate() {
            if c.is_empty() {
                continue;
            }
            let cell = &mut row[i];
            if !cell.is_empty() && !cell.ends_with(['-', '/']) {
                cell.push(' ');
            }
            cell.push_str(c);
        }
    }
    rows
}

#[test]
fn the_table_fits_the_width_without_breaking_words_or_locations() {
    let env = fixture();
    let json = {
        let mut args = ARGS.to_vec();
        args.extend(["--format", "json"]);
        env.run(&args).json()
    };
    let findings = json["findings"].as_array().unwrap();
    for width in [80usize, 100, 120, 160, 220] {
        let out = env.run_env(&ARGS, &[("COLUMNS", &width.to_string())]);
        out.code(1);
        for line in out.stdout.lines() {
            assert!(
                display_width(line) <= width,
                "COLUMNS={width}: a line of {} columns:\n{line}\n{}",
                display_width(line),
                out.stdout
            );
        }
        let rows = findings_rows(&out.stdout);
        assert_eq!(rows.len(), findings.len(), "{}", out.stdout);
        let header = out
            .stdout
            .lines()
            .find(|l| l.starts_with("│ location"))
            .unwrap();
        let columns: Vec<String> = header
            .trim_matches('│')
            .split('┆')
            .map(|c| c.trim().to_string())
            .collect();
        let col = |name: &str| columns.iter().position(|c| c == name);
        for row in &rows {
            // file:line is whole, on one line, and names a finding.
            let location = &row[0];
            assert!(
                location.starts_with("inventory-with-a-long-name.csv:"),
                "COLUMNS={width}: {location}"
            );
            let line: u64 = location.rsplit(':').next().unwrap().parse().unwrap();
            // The vendor, the reason's first clause and the rule, each put back together
            // from its lines, are those of a finding at that line: nothing was cut.
            let vendor = &row[col("vendor").unwrap()];
            let why = &row[col("why").unwrap()];
            assert!(why.ends_with('…'), "COLUMNS={width}: {why}");
            let clause = why.trim_end_matches('…');
            let rule = col("policy/rule").map(|c| row[c].clone());
            let found = findings.iter().any(|f| {
                f["line"] == line
                    && f["vendor"] == vendor.as_str()
                    && f["reason"].as_str().unwrap().starts_with(clause)
                    && rule.as_ref().is_none_or(|r| {
                        *r == format!(
                            "{}/{}",
                            f["policy"].as_str().unwrap(),
                            f["rule"].as_str().unwrap()
                        )
                    })
            });
            assert!(
                found,
                "COLUMNS={width}: no finding like {row:?}\n{}",
                out.stdout
            );
        }
        // The verdict column is always there; columns left out are named.
        assert!(col("verdict").is_some());
        if col("entry").is_none() {
            assert!(
                out.stdout.contains("(left out to fit"),
                "COLUMNS={width}:\n{}",
                out.stdout
            );
        }
        assert!(out
            .stdout
            .contains("why: the first clause of each reason; `tvcheck explain VENDOR`"));
    }
    // Wide enough, every column is there.
    let wide = env.run_env(&ARGS, &[("COLUMNS", "220")]);
    assert!(!wide.stdout.contains("left out"), "{}", wide.stdout);
}

/// When even the required columns cannot fit (a 60-column terminal, a long file name, a
/// vendor that is one long word), words longer than a column can be are the only thing split,
/// and `file:line` stays whole.
#[test]
fn a_narrow_terminal_splits_only_words_too_long_to_fit() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain\nP1,Huawei,core\nP5,<script>alert(1)</script>-and-more-of-it,core\n",
    );
    for width in [60usize, 80] {
        let out = env.run_env(
            &[
                "check",
                "inv.csv",
                "--policy",
                "lt-5g",
                "--as-of",
                "2026-06-01",
            ],
            &[("COLUMNS", &width.to_string())],
        );
        out.code(1);
        for line in out.stdout.lines() {
            assert!(
                display_width(line) <= width,
                "COLUMNS={width}:\n{}",
                out.stdout
            );
        }
        let rows = findings_rows(&out.stdout);
        assert_eq!(rows.len(), 2, "{}", out.stdout);
        assert_eq!(rows[0][0], "inv.csv:2");
        assert_eq!(rows[1][0], "inv.csv:3");
    }
}

#[test]
fn counts_are_singular_and_plural() {
    let env = Env::new();
    env.file("one.csv", "asset_id,vendor,domain\nA1,Huawei,core\n");
    env.file(
        "w.toml",
        "[[waiver]]\nid = \"W-1\"\nasset_id = \"A1\"\npolicy = \"de-5g\"\nreason = \"r\"\n\
         approved_by = \"x\"\nreference = \"y\"\nexpires = 2026-12-31\n",
    );
    let out = env.run_env(
        &[
            "check",
            "one.csv",
            "--policy",
            "lt-5g",
            "--policy",
            "de-5g",
            "--waivers",
            "w.toml",
            "--as-of",
            "2026-06-01",
        ],
        &[("COLUMNS", "200")],
    );
    out.code(1);
    for wrong in [
        "1 violations",
        "1 reviews",
        "1 findings",
        "1 items",
        "1 files",
        "1 values",
    ] {
        assert!(!out.stdout.contains(wrong), "{wrong}:\n{}", out.stdout);
    }
    for right in [
        "one.csv: 1 item, 1 violation, 0 reviews",
        "policy lt-5g: 1 violation,",
        "waivers w.toml: 1 finding waived",
        "total: 1 item in 1 file: 1 violation, 0 reviews",
    ] {
        assert!(out.stdout.contains(right), "{right}:\n{}", out.stdout);
    }
    let two = env.file("two.csv", "vendor\nHuawei\nZTE\n");
    let out = env.run(&["check", two.to_str().unwrap(), "--as-of", "2026-06-01"]);
    assert!(
        out.stdout
            .contains("total: 2 items in 1 file: 2 violations, 0 reviews"),
        "{}",
        out.stdout
    );
}

/// Runs tvcheck on a pseudo-terminal `cols` wide (util-linux `script`), with `env` set and
/// `COLUMNS` and `NO_COLOR` unset unless `env` sets them; returns what the terminal showed.
fn on_terminal(env: &Env, cols: u16, args: &[&str], vars: &[(&str, &str)]) -> Option<String> {
    let script = external_tool(&["script"], "bsdutils (util-linux)")?;
    let mut cmd = format!("stty cols {cols} rows 50; exec");
    for (k, v) in vars {
        cmd.push_str(&format!(" env {k}='{v}'"));
    }
    cmd.push_str(&format!(" '{}'", env!("CARGO_BIN_EXE_tvcheck")));
    for a in args {
        cmd.push_str(&format!(" '{a}'"));
    }
    let out = Command::new(script)
        .current_dir(env.path(""))
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .env_remove("TVCHECK_DB")
        .env("TERM", "xterm")
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn on_a_terminal_the_table_takes_its_width_and_colour_unless_no_color() {
    let env = fixture();
    let mut args = ARGS.to_vec();
    args.push("--quiet");
    let Some(shown) = on_terminal(&env, 90, &args, &[]) else {
        return;
    };
    // The verdict is coloured (comfy-table writes 256-colour codes: 9 is bright red).
    assert!(
        shown.contains("\u{1b}[38;5;9m violation"),
        "no red violation:\n{shown}"
    );
    let plain = strip_ansi(&shown);
    assert!(plain.contains("│ location"), "{plain}");
    for line in plain.lines() {
        assert!(
            display_width(line) <= 90,
            "wider than the terminal:\n{line}"
        );
    }
    let Some(no_color) = on_terminal(&env, 90, &args, &[("NO_COLOR", "1")]) else {
        return;
    };
    assert!(!no_color.contains('\u{1b}'), "{no_color}");
    assert!(no_color.contains("│ location"), "{no_color}");
    // COLUMNS wins over the terminal's width.
    let Some(wide) = on_terminal(&env, 90, &args, &[("COLUMNS", "200"), ("NO_COLOR", "1")]) else {
        return;
    };
    assert!(wide.lines().any(|l| display_width(l) > 90), "{wide}");
}

/// Drops ANSI SGR sequences (`ESC [ ... m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn not_a_terminal_means_no_colour_even_without_no_color() {
    let env = fixture();
    let out = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
        .current_dir(env.path(""))
        .args(ARGS)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("TVCHECK_DB")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    // A pipe gets tables 160 columns wide, and lines of text whole (for grep).
    assert!(stdout
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
        .all(|l| display_width(l) <= 160));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("unidentified vendors (")
                && l.ends_with("registry skeleton to complete and import):")),
        "{stdout}"
    );
}

#[test]
fn reports_to_files_leave_a_summary_on_standard_error() {
    let env = fixture();
    let mut args = ARGS.to_vec();
    args.extend(["-o", "r.json", "-o", "html=r.html"]);
    let out = env.run_env(&args, &[("COLUMNS", "100")]);
    out.code(1);
    assert_eq!(out.stdout, "", "standard output stays empty");
    for want in [
        "as of 2026-06-01",
        "policy lt-5g: 2 violations, 1 review, 0 waived, 1 ok",
        "total: 4 items in 1 file: 2 violations, 1 review, 0 waived, 1 ok (1 unidentified)",
        "verdict: fail (exit 1): 2 violations at or above --fail-on violation",
        "report: json -> r.json",
        "report: html -> r.html",
    ] {
        assert!(out.stderr.contains(want), "{want}:\n{}", out.stderr);
    }
    // One screen: a few lines whatever the inventory holds, each within the width.
    assert!(out.stderr.lines().count() <= 12, "{}", out.stderr);
    assert!(out.stderr.lines().all(|l| display_width(l) <= 100));
    // A passing run says so.
    let mut pass = args.clone();
    pass.extend(["--fail-on", "never"]);
    let out = env.run(&pass);
    out.code(0);
    assert!(
        out.stderr.contains("verdict: pass (exit 0)"),
        "{}",
        out.stderr
    );
    // --quiet: nothing.
    let mut quiet = args.clone();
    quiet.push("--quiet");
    let out = env.run(&quiet);
    out.code(1);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    // A report on standard output is the summary: nothing more on standard error.
    let mut stdout = ARGS.to_vec();
    stdout.extend(["-o", "json", "-o", "r.html"]);
    let out = env.run(&stdout);
    out.code(1);
    assert_eq!(out.stderr, "");
    out.json();
}
