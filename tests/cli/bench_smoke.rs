//! Keeps `scripts/bench.sh` from rotting: runs it on 10,000 rows, one round, in quick mode,
//! with this build's tvcheck and debug builds of the benchmark examples, in a temporary
//! folder, and checks that every contender ran on both inventories, that the results table
//! and the targets are there. Timings and verdicts are never asserted (the machine may be
//! busy); the counts are.

use std::path::Path;
use std::process::Command;

/// The cells after the name in the results-table row of `name`, if there is one.
fn table_row(stdout: &str, name: &str) -> Option<Vec<String>> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("contender "))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| {
            let mut cells = l.split_whitespace();
            (cells.next() == Some(name)).then(|| cells.map(str::to_string).collect())
        })
}

/// The value of `key=` in the line of `name` in the first "what each contender found"
/// section (the default inventory's).
fn found(stdout: &str, name: &str, key: &str) -> Option<u64> {
    found_in(stdout, "what each contender found", name, key)
}

/// The value of `key=` in the line of `name` in the section whose heading starts with
/// `heading`.
fn found_in(stdout: &str, heading: &str, name: &str, key: &str) -> Option<u64> {
    let mut cells = stdout
        .lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(str::split_whitespace)
        .find(|cells| cells.clone().next() == Some(name))?;
    cells
        .find_map(|w| w.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

#[test]
fn bench_script_runs_and_prints_the_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // The examples are built with the profile of this test build, so nothing is rebuilt
    // from scratch (the library is already built for the tvcheck binary).
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let bin = Path::new(env!("CARGO_BIN_EXE_tvcheck"));
    // TARGET/PROFILE/tvcheck: the examples go to the same target folder.
    let target_dir = bin.parent().and_then(Path::parent).unwrap();
    let mut cmd = Command::new("bash");
    // Only the settings below, whatever the caller's environment holds.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("BENCH_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .arg(root.join("scripts/bench.sh"))
        .arg("10000")
        .current_dir(root)
        .env("CARGO", cargo)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("TVCHECK_BIN", bin)
        .env("BENCH_PROFILE", profile)
        .env("BENCH_ROUNDS", "1")
        .env("BENCH_QUICK", "1")
        .env("BENCH_DIR", dir.path())
        .env_remove("TVCHECK_DB")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bench.sh failed ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    let ctx = format!("\nstdout:\n{stdout}\nstderr:\n{stderr}");

    assert!(
        stdout.contains("tvcheck benchmark: 10000 rows"),
        "no header{ctx}"
    );
    for name in [
        "floor",
        "tvcheck",
        "tvcheck-lt-5g",
        "tvcheck-shipped-db",
        "tvcheck-big-registry",
        "write-json",
        "write-json-lt-5g",
    ] {
        let row = table_row(&stdout, name).unwrap_or_else(|| panic!("no row for {name}{ctx}"));
        // median_s, min_s, ratio, paired: numbers; cpu_s, peak_MiB: numbers, or "-" when
        // GNU time is not installed.
        assert_eq!(row.len(), 6, "row of {name}: {row:?}{ctx}");
        for cell in &row[..4] {
            assert!(
                is_number(cell),
                "row of {name}: {cell:?} is not a number{ctx}"
            );
        }
        for cell in &row[4..] {
            assert!(
                is_number(cell) || cell == "-",
                "row of {name}: {cell:?} is neither a number nor -{ctx}"
            );
        }
    }
    // The floor is its own reference.
    let floor = table_row(&stdout, "floor").unwrap();
    assert_eq!(floor[2], "1.00", "{ctx}");
    assert_eq!(floor[3], "1.00", "{ctx}");

    // Every contender read every row; tvcheck found the designated vendors.
    assert_eq!(found(&stdout, "floor", "rows"), Some(10_000), "{ctx}");
    let floor_hits = found(&stdout, "floor", "hits").unwrap();
    assert!(
        floor_hits > 100,
        "floor found {floor_hits} listed names{ctx}"
    );
    for name in [
        "tvcheck",
        "tvcheck-lt-5g",
        "tvcheck-shipped-db",
        "tvcheck-big-registry",
    ] {
        assert_eq!(found(&stdout, name, "items"), Some(10_000), "{name}{ctx}");
        let violations = found(&stdout, name, "violations").unwrap();
        // tvcheck normalises spellings the floor's exact lookup misses.
        assert!(
            violations >= floor_hits,
            "{name}: {violations} violations, the floor found {floor_hits}{ctx}"
        );
    }
    // The embedded and the imported shipped registry agree, and the generated entries match
    // nothing in the inventory (examples/gen_registry.rs makes their names far from it), so
    // the big-registry run does the same work with a larger index.
    for key in ["violations", "reviews", "unidentified"] {
        let embedded = found(&stdout, "tvcheck", key);
        assert_eq!(
            embedded,
            found(&stdout, "tvcheck-shipped-db", key),
            "{key}{ctx}"
        );
        assert_eq!(
            embedded,
            found(&stdout, "tvcheck-big-registry", key),
            "{key}: the generated registry should match nothing in the inventory{ctx}"
        );
    }
    if Command::new("sqlite3").arg("--version").output().is_ok() {
        assert!(
            table_row(&stdout, "sqlite3").is_some(),
            "no sqlite3 row{ctx}"
        );
        assert_eq!(found(&stdout, "sqlite3", "rows"), Some(10_000), "{ctx}");
        // The same naive lookup in SQL finds exactly what the floor finds.
        assert_eq!(found(&stdout, "sqlite3", "hits"), Some(floor_hits), "{ctx}");
    }
    // The output-writing bound writes as many bytes as the reports had.
    for (name, report) in [
        ("write-json", "tvcheck"),
        ("write-json-lt-5g", "tvcheck-lt-5g"),
    ] {
        let bytes = found(&stdout, name, "bytes").unwrap_or_else(|| panic!("{name}{ctx}"));
        assert!(bytes > 1_000_000, "{name}: {bytes} bytes{ctx}");
        assert!(
            stdout.contains(&format!("(the size of the {report} report)")),
            "{name}{ctx}"
        );
    }
    assert!(
        stdout.contains("(writing the report's bytes alone / floor)"),
        "{ctx}"
    );
    assert!(
        stdout.contains("startup (10-row file, 5 runs): median "),
        "{ctx}"
    );

    // The variant where most model strings are distinct: the same rows, the same findings.
    let distinct = "what each contender found (last round), inventory distinct:";
    assert_eq!(
        found_in(&stdout, distinct, "floor", "rows"),
        Some(10_000),
        "{ctx}"
    );
    assert_eq!(
        found_in(&stdout, distinct, "floor", "hits"),
        Some(floor_hits),
        "{ctx}"
    );
    assert_eq!(
        found_in(&stdout, distinct, "tvcheck", "violations"),
        found(&stdout, "tvcheck", "violations"),
        "{ctx}"
    );
    // DuckDB runs only where its Python package is installed; it then finds what the floor
    // finds. Either way the targets say what became of it.
    if table_row(&stdout, "duckdb").is_some() {
        assert_eq!(found(&stdout, "duckdb", "rows"), Some(10_000), "{ctx}");
        assert_eq!(found(&stdout, "duckdb", "hits"), Some(floor_hits), "{ctx}");
    }
    assert!(
        stdout.contains("targets of issue 18"),
        "no targets section{ctx}"
    );
    let targets: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("targets of issue 18"))
        .collect();
    for label in [
        "tvcheck json -o FILE / floor <= 1.5",
        "tvcheck --policy lt-5g json / floor <= 2.5",
        "sqlite3 import+join / tvcheck >= 6",
        "duckdb read_csv+join / tvcheck > 1",
        "peak RSS of tvcheck (json, timed runs) <= 64 MiB",
        "startup: check of a 10-row file <= 20 ms",
    ] {
        let line = targets
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no target {label:?}{ctx}"));
        assert!(
            ["PASS", "FAIL", "skipped"].iter().any(|v| line.contains(v)),
            "{line}{ctx}"
        );
    }
    // Every report format that tvcheck writes had its memory measured (with GNU time).
    if stdout.contains("memory pass (one run each") {
        for format in ["json", "csv", "table"] {
            assert!(
                targets.iter().any(|l| l
                    .trim_start()
                    .starts_with(&format!("peak RSS, --format {format} "))),
                "no memory target for {format}{ctx}"
            );
        }
    }
    assert!(
        targets.last().is_some_and(|l| l.starts_with("targets: ")),
        "no targets tally at the end{ctx}"
    );
}
