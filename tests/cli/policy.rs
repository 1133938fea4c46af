//! Policies: every shipped regime, every rule kind, both sides of every deadline and accession
//! date, procurement mode, domains, purposes, multi-policy runs and policy validation.

use crate::support::{repo, Env};

/// Runs `check inv.csv --policy P... --as-of DATE --format json` over `csv` and returns the
/// report and exit code.
fn run(csv: &str, policies: &[&str], as_of: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    let env = Env::new();
    env.file("inv.csv", csv);
    let mut args = vec!["check", "inv.csv", "--as-of", as_of, "--format", "json"];
    for p in policies {
        args.extend(["--policy", p]);
    }
    args.extend_from_slice(extra);
    let out = env.run(&args);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}: {}",
        out.code,
        out.stderr
    );
    (out.json(), out.code)
}

/// (asset_id, policy/rule, verdict, days_left) of every finding.
fn findings(r: &serde_json::Value) -> Vec<(String, String, String, Option<i64>)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}/{}",
                    f["policy"].as_str().unwrap_or("-"),
                    f["rule"].as_str().unwrap_or("-")
                ),
                f["verdict"].as_str().unwrap().to_string(),
                f["days_left"].as_i64(),
            )
        })
        .collect()
}

fn verdict_of(csv: &str, policy: &str, as_of: &str) -> Vec<String> {
    let (r, _) = run(csv, &[policy], as_of, &[]);
    findings(&r).into_iter().map(|f| f.2).collect()
}

#[test]
fn every_shipped_policy_loads_and_validates() {
    let env = Env::new();
    let out = env.run(&["policy", "list"]);
    out.code(0);
    let ids: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "cz-nukib-2018",
            "de-5g",
            "ee-ecs-2021",
            "eu-5g-toolbox",
            "lt-5g",
            "lt-cii-procurement",
            "pl-ksc-2026",
            "pt-cssc-2023",
            "ro-5g-2021",
            "se-pts-2020",
            "uk-huawei-dvd",
            "uk-surveillance-2022",
            "us-asda-2023",
            "us-fcc-covered",
            "us-ndaa-889"
        ]
    );
    for id in &ids {
        let out = env.run(&["policy", "show", id]);
        out.code(0);
        assert!(out.stdout.contains("legal basis:"), "{id}: {}", out.stdout);
        assert!(out.stdout.contains("source:"), "{id}");
        let file = repo().join("policies").join(format!("{id}.toml"));
        let out = env.run(&["policy", "check", &file.to_string_lossy()]);
        out.code(0);
        assert!(
            out.stdout.contains(&format!("valid policy '{id}'")),
            "{}",
            out.stdout
        );
    }
    let json = env
        .run(&["policy", "show", "lt-5g", "--format", "json"])
        .json();
    assert_eq!(json["rules"][0]["kind"], "country-test");
    assert_eq!(json["rules"][0]["deadline"], "2025-12-31");
}

// ---- lt-5g: country test, deadline, accession dates, controllers -------------------------

const LT: &str = "asset_id,vendor,domain,country\nP1,Huawei,core,\nP2,Ericsson,ran,\nP3,Quillon,ran,\nP4,Local Maker,ran,CN\nP5,Other Maker,ran,Finland\n";

#[test]
fn lt_5g_before_and_after_the_replacement_deadline() {
    let replace = |r: &serde_json::Value| -> Vec<(String, String, String, Option<i64>)> {
        findings(r)
            .into_iter()
            .filter(|f| f.1 == "lt-5g/non-member-manufacturer")
            .collect()
    };
    let (r, code) = run(LT, &["lt-5g"], "2025-12-30", &[]);
    assert_eq!(code, 0, "only reviews before the deadline");
    assert_eq!(
        replace(&r),
        [
            (
                "P1".into(),
                "lt-5g/non-member-manufacturer".into(),
                "review".into(),
                Some(1)
            ),
            (
                "P3".into(),
                "lt-5g/non-member-manufacturer".into(),
                "review".into(),
                None
            ),
            (
                "P4".into(),
                "lt-5g/non-member-manufacturer".into(),
                "review".into(),
                Some(1)
            ),
        ]
    );
    let reason = r["findings"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains(
            "registered in CN (China), not a member of EU, NATO, EFTA or OECD on 2025-12-30"
        ),
        "{reason}"
    );
    assert!(reason.ends_with("by 2025-12-31, 1 day left"), "{reason}");
    assert_eq!(r["findings"][0]["deadline"], "2025-12-31");
    let replaced: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "non-member-manufacturer")
        .collect();
    let p3 = replaced[1]["reason"].as_str().unwrap();
    assert!(
        p3.starts_with("unidentified manufacturer: vendor 'Quillon' is not in the registry"),
        "{p3}"
    );
    assert!(replaced[2]["reason"]
        .as_str()
        .unwrap()
        .contains("the inventory gives the manufacturer's country of 'Local Maker' as CN (China)"));

    // 2025-12-31 is the last day of the transition; the breach begins the day after.
    let (r, code) = run(LT, &["lt-5g"], "2025-12-31", &[]);
    assert_eq!(code, 0);
    assert!(replace(&r).iter().all(|f| f.2 == "review"));
    let (r, code) = run(LT, &["lt-5g"], "2026-01-01", &[]);
    assert_eq!(code, 1);
    let v: Vec<(String, String)> = replace(&r).into_iter().map(|f| (f.0, f.2)).collect();
    assert_eq!(
        v,
        [
            ("P1".into(), "violation".into()),
            ("P3".into(), "review".into()),
            ("P4".into(), "violation".into())
        ]
    );
    assert_eq!(r["policies"][0]["id"], "lt-5g");
    assert_eq!(r["policies"][0]["violations"], 2);
    assert_eq!(r["policies"][0]["reviews"], 1);
    assert_eq!(r["policies"][0]["ok"], 2);
}

#[test]
fn lt_5g_is_not_in_force_before_its_date() {
    assert!(verdict_of(LT, "lt-5g", "2021-05-24").is_empty());
    assert_eq!(verdict_of(LT, "lt-5g", "2021-05-25").len(), 3);
}

#[test]
fn country_groups_follow_accession_dates() {
    let env = Env::new();
    env.file(
        "nato.toml",
        r#"id = "nato-only"
title = "Test: NATO members only"
jurisdiction = "LT"
[[basis]]
citation = "Test"
date = 2000-01-01
source = "test"
[[rule]]
id = "nato"
kind = "country-test"
title = "Registered outside NATO"
member_of = ["nato"]
effective = 2000-01-01
"#,
    );
    env.file(
        "inv.csv",
        "asset_id,vendor,country\nF1,Finnish Radio,FI\nS1,Swedish Radio,SE\n",
    );
    let check = |date: &str| -> Vec<String> {
        let r = env
            .run(&[
                "check",
                "inv.csv",
                "--policy",
                "./nato.toml",
                "--as-of",
                date,
                "--format",
                "json",
            ])
            .json();
        findings(&r).into_iter().map(|f| f.0).collect()
    };
    assert_eq!(check("2023-04-03"), ["F1", "S1"]);
    assert_eq!(check("2023-04-04"), ["S1"]);
    assert_eq!(check("2024-03-06"), ["S1"]);
    assert!(check("2024-03-07").is_empty());
}

#[test]
fn a_controller_outside_the_groups_makes_the_subsidiary_unreliable() {
    // Huawei Technologies Sweden AB is registered in SE but controlled by Huawei (CN).
    let (r, _) = run(
        "asset_id,vendor,domain\nS1,Huawei Technologies Sweden AB,core\n",
        &["lt-5g"],
        "2026-01-01",
        &[],
    );
    let f = &r["findings"][0];
    assert_eq!(f["verdict"], "violation");
    assert_eq!(f["match"], "parent");
    assert_eq!(
        f["evidence"]["chain"],
        serde_json::json!(["huawei-technologies-sweden", "huawei"])
    );
    assert!(f["reason"]
        .as_str()
        .unwrap()
        .contains("controlled by Huawei Technologies Co., Ltd. (registered in CN (China)"));
}

// ---- lt-cii-procurement: named countries, new acquisitions only, procurement mode -----------

const CII: &str = "asset_id,vendor,installed\nK1,AO Kaspersky Lab,2022-03-22\nK2,AO Kaspersky Lab,2022-03-23\nK3,Kaspersky Lab Inc.,\nE1,Ericsson,2023-01-01\n";

/// (asset, verdict) of the findings of the list-based rule of lt-cii-procurement.
fn listed_state(r: &serde_json::Value) -> Vec<(String, String)> {
    findings(r)
        .into_iter()
        .filter(|f| f.1 == "lt-cii-procurement/listed-state")
        .map(|f| (f.0, f.2))
        .collect()
}

#[test]
fn lt_cii_procurement_restricts_new_acquisitions() {
    let (r, code) = run(CII, &["lt-cii-procurement"], "2026-11-21", &[]);
    assert_eq!(code, 1);
    let v = listed_state(&r);
    assert_eq!(
        v,
        [
            ("K2".into(), "violation".into()),
            ("K3".into(), "review".into())
        ]
    );
    let listed: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "listed-state")
        .collect();
    assert!(listed[0]["reason"].as_str().unwrap().contains(
        "registered in RU (Russian Federation), one of the states named by lt-cii-procurement"
    ));
    assert!(listed[1]["reason"]
        .as_str()
        .unwrap()
        .contains("install date is unknown"));
    assert!(listed[1]["reason"]
        .as_str()
        .unwrap()
        .contains("controlled by AO Kaspersky Lab"));
}

#[test]
fn procurement_mode_applies_bans_at_once() {
    let (r, _) = run(
        CII,
        &["lt-cii-procurement"],
        "2026-11-21",
        &["--procurement"],
    );
    let v = listed_state(&r);
    assert_eq!(
        v,
        [
            ("K1".into(), "violation".into()),
            ("K2".into(), "violation".into()),
            ("K3".into(), "violation".into())
        ]
    );
    assert_eq!(r["procurement"], true);
    // lt-5g before its deadline: review normally, violation as a new purchase.
    let csv = "asset_id,vendor,domain\nP1,ZTE,ran\n";
    assert_eq!(verdict_of(csv, "lt-5g", "2024-01-01"), ["review"]);
    let (r, code) = run(csv, &["lt-5g"], "2024-01-01", &["--procurement"]);
    assert_eq!(code, 1);
    assert_eq!(r["findings"][0]["verdict"], "violation");
    assert!(r["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("new purchase"));
}

// ---- us-fcc-covered and us-ndaa-889: listed entities, purposes, subsidiaries ------------------

#[test]
fn us_fcc_covered_list_dates_and_purpose_limited_listings() {
    // Acquired on the day of the listing: covered equipment bought after it is barred.
    let csv = "asset_id,vendor,purpose,installed\nH1,Huawei,,2021-03-12\nC1,Hikvision,,2021-03-12\nC2,Hikvision,critical-infrastructure,2021-03-12\nC3,Hikvision,retail,2021-03-12\nC4,EZVIZ,National Security,2021-03-12\nK1,Kaspersky Lab Inc.,,2021-03-12\n";
    assert!(verdict_of(csv, "us-fcc-covered", "2021-03-11").is_empty());
    let (r, _) = run(csv, &["us-fcc-covered"], "2021-03-12", &[]);
    let v: Vec<(String, String)> = findings(&r).into_iter().map(|f| (f.0, f.2)).collect();
    assert_eq!(
        v,
        [
            ("H1".into(), "violation".into()),
            ("C1".into(), "review".into()),
            ("C2".into(), "violation".into()),
            ("C4".into(), "violation".into()),
        ]
    );
    assert!(r["findings"][1]["reason"]
        .as_str()
        .unwrap()
        .contains("only for critical-infrastructure, government-facilities"));
    assert_eq!(r["findings"][3]["match"], "parent");
    // Kaspersky Lab, Inc. is covered as a subsidiary of AO Kaspersky Lab from 2022-03-25, and
    // on its own from 2024-07-23.
    let k = |d: &str| -> Option<String> {
        let (r, _) = run(
            "asset_id,vendor\nK1,Kaspersky Lab Inc.\n",
            &["us-fcc-covered"],
            d,
            &[],
        );
        r["findings"][0]["match"].as_str().map(String::from)
    };
    assert_eq!(k("2022-03-24"), None);
    assert_eq!(k("2022-03-25").as_deref(), Some("parent"));
    assert_eq!(k("2024-07-23").as_deref(), Some("name"));
}

#[test]
fn us_ndaa_889_dates_and_an_ended_parent_link() {
    let csv = "asset_id,vendor,installed\nH1,Huawei,2019-08-01\nR1,Honor,2019-08-01\n";
    let by_contractors = |as_of: &str| -> Vec<String> {
        let (r, _) = run(csv, &["us-ndaa-889"], as_of, &[]);
        findings(&r)
            .into_iter()
            .filter(|f| f.1 == "us-ndaa-889/use-by-contractors")
            .map(|f| f.0)
            .collect()
    };
    // Bought before s.889(a)(1)(A): no procurement finding; (a)(1)(B) from 2020-08-13.
    assert!(verdict_of(csv, "us-ndaa-889", "2020-08-12").is_empty());
    assert_eq!(by_contractors("2020-08-13"), ["H1", "R1"]);
    assert_eq!(by_contractors("2020-11-16"), ["H1", "R1"]);
    // Honor left Huawei on 2020-11-17: the parent link no longer carries.
    assert_eq!(by_contractors("2020-11-17"), ["H1"]);
}

// ---- uk-huawei-dvd: domains, three deadlines, new installations -----------------------------

#[test]
fn uk_dvd_ban_on_new_installations_starts_on_its_day() {
    let csv =
        "asset_id,vendor,domain,network,installed\nA,Huawei,ran,5G,2022-10-12\nB,Huawei,ran,5G,2022-10-13\n";
    let (r, _) = run(csv, &["uk-huawei-dvd"], "2023-01-01", &[]);
    let f = findings(&r);
    assert!(
        !f.iter().any(|x| x.0 == "A" && x.1.ends_with("no-new-5g")),
        "{f:?}"
    );
    assert!(f.contains(&(
        "B".into(),
        "uk-huawei-dvd/no-new-5g".into(),
        "violation".into(),
        None
    )));
    let reason = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "no-new-5g")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.ends_with(
            "installed on 2022-10-13, after the ban on new installations from 2022-10-13"
        ),
        "{reason}"
    );
}

#[test]
fn se_pts_central_functions() {
    let csv = "asset_id,vendor,domain\nC1,Huawei Technologies Sweden AB,core\nC2,ZTE,core\nR1,Huawei,ran\n";
    let (r, _) = run(csv, &["se-pts-2020"], "2024-12-31", &[]);
    let f: Vec<_> = findings(&r)
        .into_iter()
        .filter(|f| f.1 == "se-pts-2020/phase-out")
        .collect();
    // The radio access network is a central function too.
    assert_eq!(f.len(), 3);
    assert_eq!(
        f[0],
        (
            "C1".into(),
            "se-pts-2020/phase-out".into(),
            "review".into(),
            Some(1)
        )
    );
    assert_eq!(r["findings"][0]["match"], "parent");
    let phase_out = |as_of: &str| -> Vec<String> {
        let (r, _) = run(csv, &["se-pts-2020"], as_of, &[]);
        findings(&r)
            .into_iter()
            .filter(|f| f.1 == "se-pts-2020/phase-out")
            .map(|f| f.2)
            .collect()
    };
    assert_eq!(phase_out("2025-01-01"), ["review", "review", "review"]);
    assert_eq!(
        phase_out("2025-01-02"),
        ["violation", "violation", "violation"]
    );
}

#[test]
fn eu_toolbox_is_advisory() {
    let csv = "asset_id,vendor\nH1,Huawei\nZ1,ZTE\nE1,Ericsson\n";
    assert!(verdict_of(csv, "eu-5g-toolbox", "2023-06-14").is_empty());
    let (r, code) = run(csv, &["eu-5g-toolbox"], "2023-06-15", &[]);
    assert_eq!(code, 0, "reviews do not fail the run");
    let v: Vec<String> = findings(&r).into_iter().map(|f| f.2).collect();
    assert_eq!(v, ["review", "review"]);
    assert!(r["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("advisory"));
}

// ---- several policies in one run --------------------------------------------------------------

#[test]
fn several_policies_are_evaluated_separately() {
    let csv = "asset_id,vendor,domain\nH1,Huawei,core\nE1,Ericsson,core\n";
    let (r, code) = run(
        csv,
        &["lt-5g", "us-fcc-covered", "de-5g"],
        "2026-06-01",
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r),
        [
            (
                "H1".into(),
                "lt-5g/non-member-manufacturer".into(),
                "violation".into(),
                Some(-152)
            ),
            (
                "H1".into(),
                "us-fcc-covered/covered-list".into(),
                "review".into(),
                None
            ),
            (
                "H1".into(),
                "de-5g/core-by-2026".into(),
                "review".into(),
                Some(213)
            ),
        ]
    );
    let ids: Vec<&str> = r["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lt-5g", "us-fcc-covered", "de-5g"]);
    assert_eq!(r["policies"][2]["reviews"], 1);
    assert_eq!(r["policies"][2]["violations"], 0);
    assert_eq!(r["policies"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["summary"]["violations"], 1);
    assert_eq!(r["summary"]["ok"], 1);
}

// ---- policy files: strict parsing -------------------------------------------------------------

const GOOD: &str = r#"id = "mine"
title = "My rules"
jurisdiction = "LT"
[[basis]]
citation = "Act"
date = 2020-01-01
source = "gazette"
[[rule]]
id = "r1"
kind = "listed-entity"
title = "Listed"
lists = ["us-fcc-covered"]
domains = ["core"]
effective = 2020-01-01
"#;

#[test]
fn a_policy_file_by_path() {
    let env = Env::new();
    env.file("rules/mine.toml", GOOD);
    env.file(
        "inv.csv",
        "asset_id,vendor,domain\nH1,Huawei,core\nH2,Huawei,ran\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "rules/mine.toml",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(
        findings(&r),
        [("H1".into(), "mine/r1".into(), "violation".into(), None)]
    );
    assert_eq!(r["policies"][0]["origin"], "rules/mine.toml");
    env.run(&["policy", "check", "rules/mine.toml"]).code(0);
}

#[test]
fn policy_errors_name_file_line_and_column() {
    let env = Env::new();
    let cases: &[(&str, &str, &str)] = &[
        (
            "title = \"My rules\"",
            "title = \"My rules\"\ncolour = \"red\"",
            "p.toml:3:1: invalid policy: unknown field `colour`",
        ),
        ("date = 2020-01-01", "date = 2025-02-30", "p.toml:6:"),
        (
            "lists = [\"us-fcc-covered\"]",
            "lists = [\"us-fcc-covred\"]",
            "p.toml:12:10: unknown list 'us-fcc-covred'",
        ),
        (
            "domains = [\"core\"]",
            "domains = [\"radio\"]",
            "p.toml:13:12: unknown domain 'radio'",
        ),
        (
            "kind = \"listed-entity\"",
            "kind = \"listed\"",
            "p.toml:10:8: unknown rule kind 'listed'",
        ),
        (
            "effective = 2020-01-01",
            "effective = \"2020-01-01\"",
            "p.toml:14:13:",
        ),
        (
            "jurisdiction = \"LT\"",
            "jurisdiction = \"Lithuania\"",
            "p.toml:3:16: jurisdiction 'Lithuania'",
        ),
    ];
    for (from, to, want) in cases {
        assert!(GOOD.contains(from), "{from}");
        env.file("p.toml", GOOD.replacen(from, to, 1));
        env.run(&["policy", "check", "p.toml"]).error(&[want]);
    }
    env.file(
        "g.toml",
        GOOD.replace("kind = \"listed-entity\"", "kind = \"country-test\"")
            .replace(
                "lists = [\"us-fcc-covered\"]",
                "member_of = [\"eu\", \"asean\"]",
            ),
    );
    env.run(&["policy", "check", "g.toml"]).error(&[
        "g.toml:12:20: unknown country group 'asean'",
        "eu, nato, efta, oecd",
    ]);
    env.file(
        "e.toml",
        GOOD.replace("kind = \"listed-entity\"", "kind = \"named-entities\"")
            .replace("lists = [\"us-fcc-covered\"]", "entities = [\"huwei\"]"),
    );
    env.run(&["policy", "check", "e.toml"])
        .error(&["e.toml:12:13: unknown entity 'huwei'"]);
    env.file(
        "m.toml",
        GOOD.replace("lists = [\"us-fcc-covered\"]", "countries = [\"CN\"]"),
    );
    // Both problems of the rule are reported: the key it lacks and the one it may not have.
    env.run(&["policy", "check", "m.toml"]).problems(
        "m.toml",
        &[
            (
                "TV0110",
                "m.toml:8:1: rule 'r1': 'countries' does not apply to a 'listed-entity' rule",
            ),
            (
                "TV0109",
                "m.toml:10:8: a 'listed-entity' rule needs a non-empty 'lists'",
            ),
        ],
    );
    env.file("inv.csv", "vendor\nZTE\n");
    env.run(&["check", "inv.csv", "--policy", "lt-6g"])
        .error(&["no policy with id 'lt-6g'", "lt-5g"]);
}

#[test]
fn category_and_production_keys_are_strict() {
    let env = Env::new();
    env.file(
        "c.toml",
        GOOD.replace("domains = [\"core\"]", "categories = [\"drone\"]"),
    );
    env.run(&["policy", "check", "c.toml"]).error(&[
        "c.toml:13:15: unknown category 'drone'",
        "uas, router, inverter, robot, camera",
    ]);
    let produced = |extra: &str| {
        GOOD.replace("kind = \"listed-entity\"", "kind = \"foreign-produced\"")
            .replace("lists = [\"us-fcc-covered\"]", extra)
    };
    env.file("f.toml", produced("produced_outside = [\"US\"]"));
    env.run(&["policy", "check", "f.toml"])
        .error(&["f.toml:10:8: a 'foreign-produced' rule needs a non-empty 'categories'"]);
    env.file(
        "u.toml",
        produced("produced_outside = [\"USA\"]\ncategories = [\"uas\"]"),
    );
    env.run(&["policy", "check", "u.toml"])
        .error(&["u.toml:12:21: 'USA' is not an ISO 3166-1 alpha-2 country code"]);
    env.file(
        "l.toml",
        GOOD.replace(
            "lists = [\"us-fcc-covered\"]",
            "lists = [\"us-fcc-covered\"]\nproduced_outside = [\"US\"]",
        ),
    );
    env.run(&["policy", "check", "l.toml"])
        .error(&["'produced_outside' does not apply to a 'listed-entity' rule"]);
    env.file(
        "ok.toml",
        produced("produced_outside = [\"US\"]\ncategories = [\"uas\", \"router\"]\nexceptions = \"it holds an approval\""),
    );
    env.run(&["policy", "check", "ok.toml"]).code(0);
    let json = env
        .run(&["policy", "show", "ok.toml", "--format", "json"])
        .json();
    let r = &json["rules"][0];
    assert_eq!(r["kind"], "foreign-produced");
    assert_eq!(r["produced_outside"], serde_json::json!(["US"]));
    assert_eq!(r["categories"], serde_json::json!(["uas", "router"]));
    assert_eq!(r["exceptions"], "it holds an approval");
    let text = env.run(&["policy", "show", "ok.toml"]);
    text.code(0);
    assert!(
        text.stdout
            .contains("equipment categories uas, router only"),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("a violation unless it holds an approval"));
}

#[test]
fn lt_cii_territories_on_the_list_are_judged_from_the_inventorys_country_and_origin() {
    const INV: &str = "asset_id,vendor,country,origin,installed\n\
        T1,Krymtel,Crimea,,2022-03-23\n\
        T2,Acme Widgets,,Pridnestrovie,2022-03-23\n\
        T3,Acme Widgets,,Transnistria,2022-03-22\n\
        T4,Acme Widgets,Ukraine,,2022-03-23\n\
        T5,Acme Widgets,,\"CN; Абхазия\",2022-03-23\n";
    let listed = |r: &serde_json::Value| -> Vec<String> {
        findings(r)
            .into_iter()
            .filter(|f| f.1 == "lt-cii-procurement/listed-state")
            .map(|f| format!("{} {}", f.0, f.2))
            .collect()
    };
    // The day before the law: nothing.
    let (r, _) = run(INV, &["lt-cii-procurement"], "2022-03-22", &[]);
    assert!(listed(&r).is_empty(), "{r}");
    // From its first day: the territories are listed like the states; an item acquired before
    // is not affected; Ukraine is not on the list.
    let (r, _) = run(INV, &["lt-cii-procurement"], "2022-03-23", &[]);
    assert_eq!(
        listed(&r),
        ["T1 violation", "T2 violation", "T5 violation"],
        "{r}"
    );
    let reason = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "T2" && f["rule"] == "listed-state")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("Transnistria, a territory named by lt-cii-procurement"),
        "{reason}"
    );
}

#[test]
fn every_problem_of_a_policy_file_is_reported_with_its_code() {
    let env = Env::new();
    // A bad id, then in one rule an unknown list, an unknown domain, a date with a time and an
    // unknown severity: each is reported, in the order of the file, and counted.
    env.file(
        "p.toml",
        GOOD.replace("id = \"mine\"", "id = \"Mine\"")
            .replace("us-fcc-covered", "us-fcc-covred")
            .replace("domains = [\"core\"]", "domains = [\"radio\"]")
            .replace(
                "effective = 2020-01-01",
                "effective = 2020-01-01T10:00:00\nseverity = \"fatal\"",
            ),
    );
    let want = [
        ("TV0102", "p.toml:1:6: 'Mine' is not a valid policy id"),
        ("TV0111", "p.toml:12:10: unknown list 'us-fcc-covred'"),
        ("TV0117", "p.toml:13:12: unknown domain 'radio'"),
        (
            "TV0106",
            "p.toml:14:13: 'effective' must be a calendar date",
        ),
        (
            "TV0122",
            "p.toml:15:12: severity 'fatal' is not 'violation' or 'review'",
        ),
    ];
    env.run(&["policy", "check", "p.toml"])
        .problems("p.toml", &want);
    // The same through `check`, exit 2.
    env.file("inv.csv", "vendor\nZTE\n");
    env.run(&["check", "inv.csv", "--policy", "p.toml"])
        .problems("p.toml", &want);
    // A file that is not TOML at all is one error.
    env.file("p.toml", format!("{GOOD}\n[[rule]\n"));
    env.run(&["policy", "check", "p.toml"])
        .error(&["error[TV0101]: p.toml:16:", "invalid policy"]);
}
