//! CI gating beyond --fail-on: baselines, the unidentified-share gate, folder groups, and
//! verifying a report against its sources.

use crate::support::Env;

#[test]
fn baseline_only_new_findings_fail() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,site\nP1,Huawei,BBU,Vilnius\n,ZTE,F660,Kaunas\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
        "--output",
        "base.json",
    ]);
    out.code(1);
    // The item with an asset id on another line, the one without on its line, one new item:
    // only the new one counts (an item without an asset id is known by its line).
    env.file(
        "inv.csv",
        "asset_id,vendor,model,site\nP9,Nokia,X,Riga\n,ZTE,F660,Kaunas\nP1,Huawei,BBU,Vilnius\n",
    );
    let same = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-01-01",
        "--baseline",
        "base.json",
        "--format",
        "json",
    ]);
    same.code(0);
    let r = same.json();
    assert_eq!(r["baseline"]["known"], 2);
    assert_eq!(r["baseline"]["new"], 0);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["in_baseline"] == true));
    env.file("inv.csv", "asset_id,vendor,model,site\nP1,Huawei,BBU,Vilnius\n,ZTE,F660,Kaunas\nP2,Hikvision,DS-2CD2143G0-I,Riga\n,ZTE,F660,Riga\n");
    let grown = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-01-01",
        "--baseline",
        "base.json",
        "--format",
        "json",
    ]);
    grown.code(1);
    let r = grown.json();
    assert_eq!(
        r["baseline"]["new"], 2,
        "P2 and the ZTE item at another site are new"
    );
    let new: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["in_baseline"] == false)
        .map(|f| f["site"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["Riga", "Riga"]);
    env.file("bad.json", "{\"findings\": 3}");
    env.run(&["check", "inv.csv", "--baseline", "bad.json"])
        .error(&["bad.json:1:", "not a tvcheck JSON report"]);
}

#[test]
fn max_unidentified_gate() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor\nEricsson\nNokia\nAcme Widgets\nOther Corp\n",
    );
    env.run(&["check", "inv.csv", "--as-of", "2026-01-01"])
        .code(0);
    env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-01-01",
        "--max-unidentified",
        "50",
    ])
    .code(0);
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-01-01",
        "--max-unidentified",
        "49.9",
    ]);
    out.code(1);
    assert!(
        out.stderr
            .contains("2 of 4 items (50.0 %) have a vendor the registry cannot identify"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("coverage: 50.0 % of items identified (2 of 4)"),
        "{}",
        out.stdout
    );
    env.run(&["check", "inv.csv", "--max-unidentified", "150"])
        .code(2);
}

#[test]
fn group_by_dir_summarises_each_operator() {
    let env = Env::new();
    env.file("operators/alpha/ran.csv", "vendor\nHuawei\nEricsson\n");
    env.file("operators/alpha/core.toml", "[[asset]]\nvendor = \"ZTE\"\n");
    env.file("operators/beta/all.csv", "vendor\nNokia\n");
    let out = env.run(&[
        "check",
        "operators",
        "--group-by",
        "dir",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    let groups: Vec<(String, u64, u64, u64)> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["files"].as_u64().unwrap(),
                g["items"].as_u64().unwrap(),
                g["violations"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("operators/alpha".into(), 2, 3, 2),
            ("operators/beta".into(), 1, 1, 0)
        ]
    );
    assert_eq!(r["summary"]["items"], 4);
    let out = env.run(&[
        "check",
        "operators",
        "--group-by",
        "dir",
        "--as-of",
        "2026-01-01",
    ]);
    assert!(
        out.stdout
            .contains("group operators/alpha: 2 files, 3 items, 2 violations"),
        "{}",
        out.stdout
    );
}

#[test]
fn report_verify_detects_changed_sources() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nZTE\n");
    env.file("w.toml", "[[waiver]]\nid = \"W1\"\nvendor = \"zte\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2030-01-01\n");
    env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--waivers",
        "w.toml",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
        "--output",
        "r.json",
    ])
    .code(0);
    let out = env.run(&["report", "verify", "r.json"]);
    out.code(0);
    assert!(
        out.stdout.contains("unchanged  input inv.csv"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unchanged  registry embedded"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("unchanged  policy lt-5g (embedded:policies/lt-5g.toml)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unchanged  waivers w.toml"),
        "{}",
        out.stdout
    );
    env.file("inv.csv", "vendor\nZTE\nNokia\n");
    std::fs::remove_file(env.path("w.toml")).unwrap();
    let out = env.run(&["report", "verify", "r.json"]);
    out.code(1);
    assert!(
        out.stdout
            .contains("CHANGED    input inv.csv: sha256 is now"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("MISSING    waivers w.toml"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("r.json: 2 of 4 sources changed or missing"),
        "{}",
        out.stdout
    );
    env.run(&["report", "verify", "nope.json"])
        .error(&["nope.json: cannot read the report"]);
}
