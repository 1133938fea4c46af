//! Waivers: valid, expired, unused and malformed waivers, and never from a scanned folder.

use crate::support::Env;

const INV: &str = "asset_id,vendor,domain,site\nP1,Huawei,core,Vilnius\nP2,ZTE,ran,Kaunas\nP3,Ericsson,ran,Kaunas\n";

const WAIVERS: &str = r#"[[waiver]]
id = "W-2026-017"
asset_id = "P1"
policy = "lt-5g"
reason = "Replacement contracted, removal scheduled"
approved_by = "RRT"
reference = "Decision 2026/17"
expires = 2026-12-31

[[waiver]]
id = "W-2025-003"
vendor = "zte"
site = "kaunas"
reason = "Temporary exception during migration"
approved_by = "RRT"
expires = 2026-03-31

[[waiver]]
id = "W-2026-099"
serial = "NO-SUCH-SERIAL"
reason = "Old exception"
approved_by = "RRT"
expires = 2027-01-01
"#;

fn run(env: &Env, as_of: &str) -> (serde_json::Value, i32) {
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--waivers",
        "waivers.toml",
        "--as-of",
        as_of,
        "--format",
        "json",
    ]);
    (out.json(), out.code)
}

#[test]
fn valid_expired_and_unused_waivers() {
    let env = Env::new();
    env.file("inv.csv", INV);
    env.file("waivers.toml", WAIVERS);
    // 2026-01-15: both waivers active; nothing counts towards the exit code.
    let (r, code) = run(&env, "2026-01-15");
    assert_eq!(code, 0, "{r}");
    let f = r["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["verdict"], "waived");
    assert_eq!(f[0]["waiver"], "W-2026-017");
    assert!(f[0]["reason"]
        .as_str()
        .unwrap()
        .ends_with("; waived by W-2026-017"));
    assert_eq!(f[1]["waiver"], "W-2025-003");
    assert_eq!(r["summary"]["waived"], 2);
    assert_eq!(r["summary"]["violations"], 0);
    assert_eq!(r["waivers"]["applied"], 2);
    assert_eq!(r["waivers"]["unused"], serde_json::json!(["W-2026-099"]));
    assert_eq!(r["waivers"]["sha256"].as_str().unwrap().len(), 64);
    // 2026-04-01: the ZTE waiver has expired; the finding is a violation again.
    let (r, code) = run(&env, "2026-04-01");
    assert_eq!(code, 1);
    let f = r["findings"].as_array().unwrap();
    assert_eq!(f[1]["verdict"], "violation");
    assert_eq!(f[1]["waiver"], serde_json::Value::Null);
    assert!(f[1]["reason"]
        .as_str()
        .unwrap()
        .contains("waiver W-2025-003 expired on 2026-03-31 and no longer applies"));
    assert_eq!(
        r["waivers"]["expired"],
        serde_json::json!([{"id": "W-2025-003", "expires": "2026-03-31", "findings": 1}])
    );
    // The table shows the same.
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--waivers",
        "waivers.toml",
        "--as-of",
        "2026-04-01",
    ]);
    out.code(1);
    assert!(
        out.stdout
            .contains("waiver W-2025-003 expired on 2026-03-31 (1 finding no longer waived)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("waiver W-2026-099 matched nothing"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_waiver_limited_to_another_policy_does_not_apply() {
    let env = Env::new();
    // Bought after the listing: a violation under the Covered List.
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,site,installed\nP1,Huawei,core,Vilnius,2022-01-01\n",
    );
    env.file("waivers.toml", WAIVERS);
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "us-fcc-covered",
        "--waivers",
        "waivers.toml",
        "--as-of",
        "2026-01-15",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][0]["asset_id"], "P1");
    assert_eq!(r["findings"][0]["verdict"], "violation");
}

#[test]
fn malformed_waivers_are_errors() {
    let env = Env::new();
    env.file("inv.csv", INV);
    let cases: &[(&str, &[&str])] = &[
        ("[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\nreason = \"r\"\napproved_by = \"RRT\"\n", &["w.toml:1:1: invalid waivers file: missing field `expires`"]),
        ("[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2025-02-30\n", &["w.toml:6:"]),
        ("[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2026-01-01\nuntil = 2027-01-01\n", &["w.toml:7:1:", "unknown field `until`"]),
        ("[[waiver]]\nid = \"W1\"\nasset_id = \"P1\"\napproved_by = \"RRT\"\nexpires = 2026-01-01\n", &["w.toml:1:1:", "missing field `reason`"]),
        ("[[waiver]]\nid = \"W1\"\nreason = \"r\"\napproved_by = \"RRT\"\nexpires = 2026-01-01\n", &["w.toml:1:1: waiver 'W1' has no scope"]),
    ];
    for (text, want) in cases {
        env.file("w.toml", text);
        env.run(&["check", "inv.csv", "--waivers", "w.toml"])
            .error(want);
    }
    env.run(&["check", "inv.csv", "--waivers", "missing.toml"])
        .error(&["missing.toml: cannot read the waivers file"]);
}

#[test]
fn waivers_in_a_scanned_folder_are_never_applied() {
    let env = Env::new();
    env.file("operator/inv.csv", INV);
    env.file("operator/waivers.toml", WAIVERS);
    let out = env.run(&[
        "check",
        "operator",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-01-15",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["summary"]["waived"], 0);
    assert_eq!(r["summary"]["violations"], 2);
    assert_eq!(r["waivers"], serde_json::Value::Null);
    assert_eq!(r["skipped"][0]["path"], "operator/waivers.toml");
    assert!(r["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not a TOML inventory (its top-level keys are waiver)"));
    // Named explicitly as an inventory, it is an error.
    env.run(&["check", "operator/waivers.toml"])
        .error(&["operator/waivers.toml: the file has no [[asset]] tables"]);
}

#[test]
fn every_problem_of_a_waivers_file_is_reported_with_its_code() {
    let env = Env::new();
    env.file("inv.csv", INV);
    env.file(
        "w.toml",
        r#"[[waiver]]
id = "W1"
asset_id = "P1"
reason = " "
approved_by = "RRT"
expires = 2026-01-01T10:00:00
[[waiver]]
id = "W1"
model = "[abc"
reason = "r"
approved_by = "RRT"
expires = 2026-12-31
[[waiver]]
id = "W3"
scope = "everything"
reason = "r"
approved_by = "RRT"
expires = 2026-12-31
"#,
    );
    env.run(&["check", "inv.csv", "--waivers", "w.toml"])
        .problems(
            "w.toml",
            &[
                ("TV0204", "w.toml:1:1: waiver 'W1' has an empty 'reason'"),
                ("TV0208", "w.toml:6:11: 'expires' must be a calendar date"),
                ("TV0203", "w.toml:7:1: waiver id 'W1' is used twice"),
                ("TV0209", "w.toml:9:9: model '[abc' is not a valid glob"),
                (
                    "TV0205",
                    "w.toml:15:9: waiver 'W3' has scope = \"everything\"",
                ),
            ],
        );
}
