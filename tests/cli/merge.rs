//! `tvcheck report merge`: shards of one audit merged into one evidence report, equal to the
//! report of one run over every inventory; reports made differently are refused.

use crate::support::{read_report, Env};

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1795000000");

fn shards() -> Env {
    let env = Env::new();
    env.file(
        "a.csv",
        "asset_id,vendor,model,domain,installed\n\
         A1,Huawei,BBU5900,core,2019-06-14\n\
         A2,Ericsson,AIR 6449,ran,2020-01-01\n\
         A3,Acme Widgets,X1,ran,2020-01-01\n",
    );
    env.file(
        "b.csv",
        "asset_id,vendor,model,domain,installed\n\
         B1,ZTE,ZXR10,transport,2018-03-02\n\
         B2,Hikvision,DS-2CD2143G0-I,management,2020-02-11\n\
         B3,Acme Widgets,X2,core,2021-01-01\n",
    );
    env.file(
        "c.csv",
        "asset_id,vendor,model,domain,installed\nC1,Nokia,AirScale,ran,2022-05-05\n",
    );
    env
}

fn check(env: &Env, inputs: &[&str], out: &str, extra: &[&str]) {
    let mut args = vec!["check"];
    args.extend_from_slice(inputs);
    args.extend([
        "--policy",
        "lt-5g",
        "--policy",
        "us-fcc-covered",
        "--as-of",
        "2026-06-01",
        "-o",
    ]);
    let target = format!("json={out}");
    args.push(&target);
    args.extend_from_slice(extra);
    let o = env.run_env(&args, &[EPOCH]);
    assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
}

#[test]
fn shards_merge_into_the_report_of_one_run() {
    let env = shards();
    check(&env, &["a.csv"], "a.json", &[]);
    check(&env, &["b.csv"], "b.json", &[]);
    check(&env, &["c.csv"], "c.json", &[]);
    check(&env, &["a.csv", "b.csv", "c.csv"], "all.json", &[]);
    let out = env.run(&[
        "report",
        "merge",
        "a.json",
        "b.json",
        "c.json",
        "-o",
        "merged.json",
    ]);
    out.code(0);
    assert!(
        out.stderr.contains("merged 3 reports: 3 inputs, 7 items"),
        "{}",
        out.stderr
    );
    let merged = std::fs::read_to_string(env.path("merged.json")).unwrap();
    let all = std::fs::read_to_string(env.path("all.json")).unwrap();
    assert_eq!(
        merged, all,
        "the merge is byte for byte the single run's report"
    );
    let m = read_report(&env.path("merged.json"));
    assert_eq!(m["summary"]["items"], 7);
    assert_eq!(m["unidentified"]["vendors"][0]["vendor"], "Acme Widgets");
    assert_eq!(m["unidentified"]["vendors"][0]["items"], 2);
    // The merged report is evidence like any other: its digests verify.
    env.run(&["report", "verify", "merged.json"]).code(0);
    // To standard output as well.
    let stdout = env.run(&["report", "merge", "a.json", "b.json", "c.json"]);
    stdout.code(0);
    assert_eq!(stdout.stdout, all);
}

#[test]
fn reports_made_differently_are_refused_by_name() {
    let env = shards();
    check(&env, &["a.csv"], "a.json", &[]);
    check(&env, &["b.csv"], "b.json", &[]);
    // Another as-of date.
    env.run_env(
        &[
            "check",
            "c.csv",
            "--policy",
            "lt-5g",
            "--policy",
            "us-fcc-covered",
            "--as-of",
            "2026-06-02",
            "-o",
            "json=later.json",
        ],
        &[EPOCH],
    );
    env.run(&["report", "merge", "a.json", "later.json", "-o", "m.json"])
        .error(&[
            "later.json: cannot be merged with a.json",
            "as-of date (2026-06-01 vs 2026-06-02)",
        ]);
    // Other policies.
    env.run_env(
        &[
            "check",
            "c.csv",
            "--policy",
            "lt-5g",
            "--as-of",
            "2026-06-01",
            "-o",
            "json=one-policy.json",
        ],
        &[EPOCH],
    );
    env.run(&["report", "merge", "a.json", "one-policy.json"])
        .error(&["policies (lt-5g, us-fcc-covered vs lt-5g)"]);
    // Another registry.
    env.file(
        "reg.toml",
        "[[vendor]]\nid = \"acme\"\nname = \"Acme Widgets\"\ncountry = \"CN\"\n",
    );
    let shipped: Vec<String> = std::fs::read_dir(crate::support::repo().join("data/registry"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["registry", "import"];
    args.extend(shipped.iter().map(String::as_str));
    args.extend(["reg.toml", "--db", "r.db"]);
    env.run(&args).code(0);
    check(&env, &["c.csv"], "other-registry.json", &["--db", "r.db"]);
    env.run(&["report", "merge", "a.json", "other-registry.json"])
        .error(&["differs in its registry"]);
    // One inventory in two shards would be counted twice.
    check(&env, &["a.csv", "c.csv"], "ac.json", &[]);
    env.run(&["report", "merge", "a.json", "ac.json"])
        .error(&["ac.json: input a.csv was also read by a.json"]);
    // Nothing was written by any refused merge, and a report is never overwritten.
    assert!(!env.path("m.json").exists());
    let before = std::fs::read(env.path("a.json")).unwrap();
    env.run(&["report", "merge", "a.json", "b.json", "-o", "a.json"])
        .error(&["refusing to write the report over a report being merged"]);
    assert_eq!(std::fs::read(env.path("a.json")).unwrap(), before);
    // Not a report at all: the place is named.
    env.file(
        "bad.json",
        "{\"tool\": {\"name\": \"tvcheck\"}, \"findings\": [1]}",
    );
    env.run(&["report", "merge", "a.json", "bad.json"])
        .error(&["bad.json:1:", "not a tvcheck JSON report"]);
}

#[test]
fn earlier_reports_are_read_by_one_typed_reader_and_unknown_verdicts_are_errors() {
    let env = shards();
    check(&env, &["a.csv"], "a.json", &[]);
    let text = std::fs::read_to_string(env.path("a.json")).unwrap();
    assert!(text.contains("\"verdict\":\"violation\""));
    env.file(
        "edited.json",
        text.replacen("\"verdict\":\"violation\"", "\"verdict\":\"bogus\"", 1),
    );
    // As a baseline, and as the earlier report of --since-registry: an error with its place,
    // never a verdict read as ok.
    for flag in ["--baseline", "--since-registry"] {
        env.run(&[
            "check",
            "a.csv",
            "--as-of",
            "2026-06-01",
            flag,
            "edited.json",
        ])
        .error(&[
            "edited.json:",
            "unknown variant `bogus`",
            "not a tvcheck JSON report",
        ]);
    }
    // Both still read the report as written.
    env.run(&[
        "check",
        "a.csv",
        "--policy",
        "lt-5g",
        "--policy",
        "us-fcc-covered",
        "--as-of",
        "2026-06-01",
        "--baseline",
        "a.json",
        "--format",
        "json",
    ])
    .code(0);
}
