//! The configuration file (`tvcheck.toml`): `config init`, where it is read from (never a
//! scanned folder), settings under the command line's, errors at file:line:column, its digest
//! in the report's provenance (merge, baseline and verify), and `report verify -`.

use crate::support::{read_report, repo, Env};

/// A folder with the shipped example inventory as `inv.csv`.
fn env() -> Env {
    let env = Env::new();
    let inv = std::fs::read(repo().join("data/examples/operator-inventory.csv")).unwrap();
    env.file("inv.csv", inv);
    env
}

fn sha256(path: &std::path::Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn init_writes_a_valid_example_that_check_reads_and_records() {
    let env = env();
    let out = env.run(&["config", "init"]);
    out.code(0);
    assert!(out.stderr.contains("wrote tvcheck.toml"), "{}", out.stderr);
    let text = std::fs::read_to_string(env.path("tvcheck.toml")).unwrap();
    assert!(text.contains("fail-on = \"violation\""), "{text}");
    // Never over an existing file without --force.
    env.file("tvcheck.toml", "# mine\n");
    env.run(&["config", "init"])
        .error(&["tvcheck.toml", "already there", "--force"]);
    assert_eq!(
        std::fs::read_to_string(env.path("tvcheck.toml")).unwrap(),
        "# mine\n"
    );
    env.run(&["config", "init", "--force"]).code(0);
    assert_eq!(
        std::fs::read_to_string(env.path("tvcheck.toml")).unwrap(),
        text
    );
    env.file("ci/.keep", "");
    env.run(&["config", "init", "-o", "ci/other.toml"]).code(0);
    // Read from the working directory: the same verdict as without it, and the report names it.
    let with = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ]);
    with.code(1);
    assert!(
        with.stderr.contains("settings from tvcheck.toml"),
        "{}",
        with.stderr
    );
    let report = with.json();
    assert_eq!(report["tool"]["config"]["path"], "tvcheck.toml");
    assert_eq!(
        report["tool"]["config"]["sha256"],
        sha256(&env.path("tvcheck.toml")).as_str()
    );
    let without = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
        "--no-config",
    ]);
    without.code(1);
    let without = without.json();
    assert!(without["tool"].get("config").is_none(), "{without}");
    assert_eq!(report["findings"], without["findings"]);
    assert_eq!(report["summary"], without["summary"]);
    // --config names another file.
    let other = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
        "--config",
        "ci/other.toml",
    ]);
    other.code(1);
    assert_eq!(other.json()["tool"]["config"]["path"], "ci/other.toml");
}

#[test]
fn settings_apply_and_flags_given_win() {
    let env = env();
    env.file(
        "ci/tvcheck.toml",
        r#"
policies = ["lt-5g"]
fail-on = "never"
outputs = ["json=report.json", "csv"]
quiet = true
"#,
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--config",
        "ci/tvcheck.toml",
    ]);
    out.code(0);
    // The csv rendering on standard output, the JSON one next to the configuration file.
    assert!(out.stdout.starts_with("file,line,"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
    let report = read_report(&env.path("ci/report.json"));
    assert_eq!(report["policies"][0]["id"], "lt-5g");
    assert_eq!(report["tool"]["config"]["path"], "ci/tvcheck.toml");
    // A flag given wins: --fail-on, -o.
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--config",
        "ci/tvcheck.toml",
        "--fail-on",
        "violation",
        "-o",
        "table",
    ]);
    out.code(1);
    assert!(out.stdout.contains("lt-5g"), "{}", out.stdout);
    // Column mappings: the file's, merged field by field with --column.
    env.file(
        "de.csv",
        "Hersteller,Typ,Ort\nHuawei,BBU5900,Berlin\nNokia,AirScale,Bonn\n",
    );
    env.file("tvcheck.toml", "[columns]\nvendor = \"Hersteller\"\n");
    let out = env.run(&[
        "check",
        "de.csv",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["summary"]["violations"], 1, "{r}");
    assert!(r["findings"][0].get("model").is_none(), "{r}");
    let out = env.run(&[
        "check",
        "de.csv",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
        "--column",
        "model=Typ",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][0]["vendor"], "Huawei", "{r}");
    assert_eq!(r["findings"][0]["model"], "BBU5900", "{r}");
}

#[test]
fn a_configuration_file_in_a_scanned_folder_is_never_read() {
    let env = env();
    let inv = std::fs::read(env.path("inv.csv")).unwrap();
    env.file("site/inv.csv", inv);
    env.file("site/tvcheck.toml", "fail-on = \"never\"\n");
    let out = env.run(&["check", "site", "--as-of", "2026-06-01", "--format", "json"]);
    out.code(1);
    let r = out.json();
    assert!(r["tool"].get("config").is_none(), "{r}");
    let skipped = r["skipped"].to_string();
    assert!(skipped.contains("site/tvcheck.toml"), "{skipped}");
}

#[test]
fn mistakes_are_errors_at_file_line_and_column() {
    let env = env();
    let run = |text: &str| {
        env.file("tvcheck.toml", text);
        env.run(&["check", "inv.csv", "--as-of", "2026-06-01"])
    };
    run("fail-on = \"review\"\nfial-on = \"never\"\n")
        .error(&["tvcheck.toml:2:1:", "unknown field `fial-on`"]);
    run("strict = \"yes\"\n").error(&["tvcheck.toml:1:10:", "expected a boolean"]);
    run("\n\nfail-on = \"sometimes\"\n").error(&["tvcheck.toml:3:11:", "fail-on", "sometimes"]);
    run("[columns]\nvendr = \"Hersteller\"\n").error(&["tvcheck.toml:2:1:", "vendr"]);
    run("outputs = [\"report.dat\"]\n").error(&["report.dat", "extension"]);
    run("max-registry-age = \"soon\"\n").error(&["tvcheck.toml:1:20:", "max-registry-age"]);
    run("as-of = 2025-06-01\n").error(&["tvcheck.toml:1:9:", "as-of cannot be set", "--as-of"]);
    run("no-verify-registry = true\n").error(&["tvcheck.toml:1:22:", "no-verify-registry"]);
    run("policies = [\"no-such-policy\"]\n").error(&["no-such-policy"]);
    // --config names a file that must be there; --no-config skips a broken one.
    env.run(&["check", "inv.csv", "--config", "missing.toml"])
        .error(&["missing.toml"]);
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--no-config",
        "-q",
    ])
    .code(1);
    env.run(&["check", "inv.csv", "--config", "a.toml", "--no-config"])
        .code(2);
    // The configuration file is an input: never overwritten by a report.
    env.file("tvcheck.toml", "fail-on = \"never\"\n");
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "-o",
        "json=tvcheck.toml",
    ])
    .error(&["tvcheck.toml", "configuration file"]);
    assert_eq!(
        std::fs::read_to_string(env.path("tvcheck.toml")).unwrap(),
        "fail-on = \"never\"\n"
    );
}

#[test]
fn merge_refuses_differing_configurations_and_baseline_and_verify_read_it() {
    let env = env();
    let inv = std::fs::read(env.path("inv.csv")).unwrap();
    env.file("b.csv", &inv);
    env.file("a.toml", "fail-on = \"never\"\n");
    env.file("b.toml", "fail-on = \"never\"\nall = false\n");
    let shard = |input: &str, config: &str, out: &str| {
        env.run(&[
            "check",
            input,
            "--as-of",
            "2026-06-01",
            "--config",
            config,
            "-o",
            out,
            "-q",
        ])
        .code(0);
    };
    shard("inv.csv", "a.toml", "a.json");
    shard("b.csv", "b.toml", "b.json");
    shard("b.csv", "a.toml", "b-same.json");
    env.run(&["report", "merge", "a.json", "b.json"])
        .error(&["b.json", "configuration file"]);
    let merged = env.run(&["report", "merge", "a.json", "b-same.json"]);
    merged.code(0);
    assert_eq!(
        merged.json()["tool"]["config"]["sha256"],
        sha256(&env.path("a.toml")).as_str()
    );
    // A report made without one is made differently too.
    env.run(&[
        "check",
        "b.csv",
        "--as-of",
        "2026-06-01",
        "--no-config",
        "-o",
        "plain.json",
        "-q",
    ])
    .code(1);
    env.run(&["report", "merge", "a.json", "plain.json"])
        .error(&["plain.json", "configuration file"]);
    // A report with a configuration file is a baseline like any other.
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "--no-config",
        "--baseline",
        "a.json",
        "-q",
    ])
    .code(0);
    // verify checks the configuration file too, from a file or standard input.
    let out = env.run(&["report", "verify", "a.json"]);
    out.code(0);
    assert!(
        out.stdout.contains("unchanged  configuration a.toml"),
        "{}",
        out.stdout
    );
    env.file("a.toml", "fail-on = \"review\"\n");
    let out = env.run(&["report", "verify", "a.json"]);
    out.code(1);
    assert!(
        out.stdout.contains("CHANGED    configuration a.toml"),
        "{}",
        out.stdout
    );
}

#[test]
fn report_verify_reads_a_report_from_standard_input() {
    let env = env();
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-06-01",
        "-o",
        "r.json",
        "-q",
    ])
    .code(1);
    let verify_stdin = |input: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tvcheck"));
        cmd.current_dir(env.path(""))
            .args(["report", "verify", "-"])
            .env_remove("TVCHECK_DB")
            .stdin(std::fs::File::open(env.path(input)).unwrap());
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = verify_stdin("r.json");
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("unchanged  input inv.csv"), "{stdout}");
    assert!(
        stdout.contains("the report on standard input: everything it was made from is unchanged"),
        "{stdout}"
    );
    // A changed input is found the same way.
    env.file("inv.csv", "vendor\nNokia\n");
    let (code, stdout, _) = verify_stdin("r.json");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("CHANGED    input inv.csv"), "{stdout}");
    // Nothing, or not a report, is an error.
    env.file("empty", "");
    let (code, _, stderr) = verify_stdin("empty");
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: standard input is empty"),
        "{stderr}"
    );
    env.file("junk", "{\"tool\": 1}");
    let (code, _, stderr) = verify_stdin("junk");
    assert_eq!(code, 2);
    assert!(stderr.contains("not a tvcheck JSON report"), "{stderr}");
}
