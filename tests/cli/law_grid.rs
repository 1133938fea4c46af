//! The law as written: for every shipped policy, a grid of items × dates that asserts each
//! verdict on the day before, the day of and the day after every date the policy uses (its
//! rules' effective dates, new-installation dates and deadlines, read from `policy show`) and
//! every date at which an expected verdict changes.
//!
//! Each expectation is a timeline per (asset, rule): the verdict from each date on ("-" for no
//! finding). A deadline is the last day on which the item may still be present, so its
//! violation starts the day after.

use std::collections::BTreeSet;

use tvcheck::Date;

use crate::support::Env;

/// One expected finding over time: from each date on, the rule gives the asset this verdict
/// ("-": no finding). Before the first date there is none.
struct Line {
    asset: &'static str,
    rule: &'static str,
    steps: &'static [(&'static str, &'static str)],
}

const fn line(
    asset: &'static str,
    rule: &'static str,
    steps: &'static [(&'static str, &'static str)],
) -> Line {
    Line { asset, rule, steps }
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn shift(d: Date, days: i64) -> Date {
    Date::from_days(d.to_days() + days)
}

/// The dates a policy uses: every rule's effective date, new-installation date and deadline
/// (and the day after the deadline, when its violation starts).
fn policy_dates(env: &Env, policy: &str) -> BTreeSet<Date> {
    let out = env.run(&["policy", "show", policy, "--format", "json"]);
    out.code(0);
    let p = out.json();
    let mut dates = BTreeSet::new();
    for r in p["rules"].as_array().unwrap() {
        for key in ["effective", "deadline", "new_from"] {
            if let Some(d) = r[key].as_str() {
                dates.insert(date(d));
            }
        }
        if let Some(d) = r["deadline"].as_str() {
            dates.insert(shift(date(d), 1));
        }
    }
    assert!(!dates.is_empty(), "{policy} uses no date");
    dates
}

/// Checks `csv` under `policy` on the day before, of and after every date the policy uses and
/// every date in `lines`, asserting the exact set of (asset, rule, verdict) findings each day.
fn grid(policy: &str, csv: &str, lines: &[Line], extra: &[&str]) {
    grid_in(&Env::new(), policy, csv, lines, extra);
}

/// [`grid`] in a prepared environment (e.g. one holding a registry database for `--db`).
fn grid_in(env: &Env, policy: &str, csv: &str, lines: &[Line], extra: &[&str]) {
    env.file("inv.csv", csv);
    let mut anchors = policy_dates(env, policy);
    for l in lines {
        for (d, _) in l.steps {
            anchors.insert(date(d));
        }
    }
    let days: BTreeSet<Date> = anchors
        .iter()
        .flat_map(|d| [shift(*d, -1), *d, shift(*d, 1)])
        .collect();
    for day in &days {
        let as_of = day.to_string();
        let mut args = vec![
            "check", "inv.csv", "--policy", policy, "--as-of", &as_of, "--format", "json",
        ];
        args.extend_from_slice(extra);
        let out = env.run(&args);
        assert!(
            out.code == 0 || out.code == 1,
            "{policy} as of {as_of}: exit {}: {}",
            out.code,
            out.stderr
        );
        let r = out.json();
        let got: BTreeSet<(String, String, String)> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["policy"] == policy)
            .map(|f| {
                (
                    f["asset_id"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                    f["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String, String)> = lines
            .iter()
            .filter_map(|l| {
                let v = l.steps.iter().rfind(|(d, _)| date(d) <= *day)?.1;
                (v != "-").then(|| (l.asset.to_string(), l.rule.to_string(), v.to_string()))
            })
            .collect();
        assert_eq!(
            got,
            want,
            "{policy} as of {as_of}: findings differ\n  unexpected: {:?}\n  missing: {:?}",
            got.difference(&want).collect::<Vec<_>>(),
            want.difference(&got).collect::<Vec<_>>()
        );
        // The exit status follows the verdicts.
        let violation = want.iter().any(|w| w.2 == "violation");
        assert_eq!(out.code, i32::from(violation), "{policy} as of {as_of}");
    }
}

#[test]
fn lt_5g() {
    let csv = "asset_id,vendor,domain,installed\n\
        H1,Huawei,core,2020-01-01\n\
        H2,Huawei,ran,2022-06-01\n\
        H3,Huawei,national-security-site,2019-01-01\n\
        H4,Huawei,,2019-01-01\n\
        H5,ZTE,transport,2021-05-25\n\
        H6,Huawei,access,\n\
        N1,Nokia,core,2020-01-01\n\
        E1,Ericsson,ran,2022-06-01\n";
    grid(
        "lt-5g",
        csv,
        &[
            // In use before the amendments: the transition runs to 2025-12-31 inclusive.
            line(
                "H1",
                "non-member-manufacturer",
                &[("2021-05-25", "review"), ("2026-01-01", "violation")],
            ),
            // A national-security site is in scope.
            line(
                "H3",
                "non-member-manufacturer",
                &[("2021-05-25", "review"), ("2026-01-01", "violation")],
            ),
            // Installed after the amendments: no transition (not in service before 2022-06-01).
            line(
                "H2",
                "non-member-manufacturer",
                &[("2022-06-01", "violation")],
            ),
            // Installed on the day the rules start.
            line(
                "H5",
                "non-member-manufacturer",
                &[("2021-05-25", "violation")],
            ),
            // No domain stated: not presumed in scope, so review even after the deadline.
            line("H4", "non-member-manufacturer", &[("2021-05-25", "review")]),
            // No install date: judged as equipment already in use.
            line(
                "H6",
                "non-member-manufacturer",
                &[("2021-05-25", "review"), ("2026-01-01", "violation")],
            ),
        ],
        &[],
    );
}

#[test]
fn se_pts_2020() {
    let csv = "asset_id,vendor,domain,installed\n\
        S1,Huawei,ran,2019-01-01\n\
        S2,ZTE,transport,2020-01-01\n\
        S3,Huawei,management,2018-01-01\n\
        S4,Huawei,core,2021-06-01\n\
        S5,Huawei,access,2019-01-01\n\
        S6,Huawei,,2019-01-01\n\
        E1,Ericsson,ran,2019-01-01\n";
    grid(
        "se-pts-2020",
        csv,
        &[
            // Central functions: radio access, transmission, core and service/maintenance.
            line(
                "S1",
                "phase-out",
                &[("2021-01-20", "review"), ("2025-01-02", "violation")],
            ),
            line(
                "S2",
                "phase-out",
                &[("2021-01-20", "review"), ("2025-01-02", "violation")],
            ),
            line(
                "S3",
                "phase-out",
                &[("2021-01-20", "review"), ("2025-01-02", "violation")],
            ),
            // A new installation gets no phase-out.
            line(
                "S4",
                "phase-out",
                &[("2021-06-01", "review"), ("2025-01-02", "violation")],
            ),
            line("S4", "no-new-installations", &[("2021-06-01", "violation")]),
            // No domain stated: review.
            line("S6", "phase-out", &[("2021-01-20", "review")]),
        ],
        &[],
    );
}

#[test]
fn lt_cii_procurement() {
    let csv = "asset_id,vendor,country,installed\n\
        R1,Acme Networks,RU,2022-03-23\n\
        R2,Acme Networks,RU,2022-03-22\n\
        B1,Minsk Radio,BY,\n\
        C1,Huawei,,2023-01-01\n\
        C2,Huawei,,2021-01-01\n\
        N1,Nokia,,2023-01-01\n";
    grid(
        "lt-cii-procurement",
        csv,
        &[
            // Russia is on the Government list: acquisitions from 2022-03-23 are excluded.
            line("R1", "listed-state", &[("2022-03-23", "violation")]),
            line("R1", "other-non-member-state", &[("2022-03-23", "review")]),
            // Acquired the day before the amendments came into force: not affected.
            // Belarus, no install date: review.
            line("B1", "listed-state", &[("2022-03-23", "review")]),
            line("B1", "other-non-member-state", &[("2022-03-23", "review")]),
            // China is not on the list: at most a review, on the ministry's weaker basis.
            line("C1", "other-non-member-state", &[("2023-01-01", "review")]),
        ],
        &[],
    );
}

#[test]
fn uk_huawei_dvd() {
    let csv = "asset_id,vendor,domain,network,installed\n\
        C4,Huawei,core,4G,2020-01-01\n\
        R5,Huawei,ran,5G,2020-01-01\n\
        T5,Huawei,transport,5G,2020-01-01\n\
        N5,Huawei,national-security-site,5G,2020-01-01\n\
        F1,Huawei,access,FTTH,2020-01-01\n\
        F2,Huawei,access,FTTH,2023-01-01\n\
        X5,Huawei,ran,5G,2022-10-13\n\
        U1,Huawei,ran,,2020-01-01\n\
        Z1,ZTE,core,5G,2020-01-01\n";
    grid(
        "uk-huawei-dvd",
        csv,
        &[
            // The core of every public network, 4G included.
            line(
                "C4",
                "network-core",
                &[("2022-10-13", "review"), ("2024-01-01", "violation")],
            ),
            // 5G radio access: out by the end of 2027; the 35 % cap is for review.
            line(
                "R5",
                "all-5g",
                &[("2022-10-13", "review"), ("2028-01-01", "violation")],
            ),
            line("R5", "5g-access-share", &[("2023-07-31", "review")]),
            // Transmission: out of all networks by 2025-12-31 (weakly confirmed).
            line(
                "T5",
                "transmission-by-2025",
                &[("2022-10-13", "review"), ("2026-01-01", "violation")],
            ),
            line(
                "T5",
                "all-5g",
                &[("2022-10-13", "review"), ("2028-01-01", "violation")],
            ),
            // Sites significant to national security: by 2023-01-28.
            line(
                "N5",
                "national-security-sites",
                &[("2022-10-13", "review"), ("2023-01-29", "violation")],
            ),
            line(
                "N5",
                "all-5g",
                &[("2022-10-13", "review"), ("2028-01-01", "violation")],
            ),
            // Full fibre: the share cap is for review, never ok.
            line("F1", "full-fibre-share", &[("2023-10-31", "review")]),
            // A new full-fibre item may be sanctions-affected: review.
            line(
                "F2",
                "no-sanctions-affected-full-fibre",
                &[("2023-01-01", "review")],
            ),
            line("F2", "full-fibre-share", &[("2023-10-31", "review")]),
            // A new 5G item is banned at once.
            line("X5", "no-new-5g", &[("2022-10-13", "violation")]),
            line(
                "X5",
                "all-5g",
                &[("2022-10-13", "review"), ("2028-01-01", "violation")],
            ),
            line("X5", "5g-access-share", &[("2023-07-31", "review")]),
            // Not stated to be 5G: the 5G-only requirements are for review.
            line("U1", "all-5g", &[("2022-10-13", "review")]),
            line("U1", "5g-access-share", &[("2023-07-31", "review")]),
        ],
        &[],
    );
}

#[test]
fn de_5g() {
    let csv = "asset_id,vendor,domain,network\n\
        C1,Huawei,5GC,\n\
        C2,ZTE,core,5G\n\
        C3,Huawei,core,4G\n\
        C4,Huawei,core,\n\
        M1,ZTE,management,5G\n\
        R1,Huawei,ran,5G\n";
    grid(
        "de-5g",
        csv,
        &[
            // "5GC" says both the domain and the network.
            line(
                "C1",
                "core-by-2026",
                &[("2024-07-11", "review"), ("2027-01-01", "violation")],
            ),
            line(
                "C2",
                "core-by-2026",
                &[("2024-07-11", "review"), ("2027-01-01", "violation")],
            ),
            // A core not stated to be 5G: review.
            line("C4", "core-by-2026", &[("2024-07-11", "review")]),
            line(
                "M1",
                "management-by-2029",
                &[("2024-07-11", "review"), ("2030-01-01", "violation")],
            ),
        ],
        &[],
    );
}

#[test]
fn us_ndaa_889() {
    let csv = "asset_id,vendor,installed\n\
        A1,Huawei,2019-08-12\n\
        A2,Huawei,2019-08-13\n\
        A3,ZTE,\n\
        N1,Nokia,2020-01-01\n";
    grid(
        "us-ndaa-889",
        csv,
        &[
            // (a)(1)(A): procurement from 2019-08-13; equipment bought earlier is not affected.
            line("A2", "procurement", &[("2019-08-13", "violation")]),
            line("A3", "procurement", &[("2019-08-13", "review")]),
            // (a)(1)(B): contractors that use it, from 2020-08-13, whenever it was bought.
            line("A1", "use-by-contractors", &[("2020-08-13", "violation")]),
            line("A2", "use-by-contractors", &[("2020-08-13", "violation")]),
            line("A3", "use-by-contractors", &[("2020-08-13", "violation")]),
        ],
        &[],
    );
}

#[test]
fn us_fcc_covered() {
    let csv = "asset_id,vendor,purpose,installed\n\
        H1,Huawei,,2021-03-11\n\
        H2,Huawei,,2021-03-12\n\
        H3,Huawei,,\n\
        K1,Kaspersky Lab,,2022-03-25\n\
        V1,Hikvision,public-safety,2021-06-01\n\
        V2,Hikvision,retail,2021-06-01\n";
    grid(
        "us-fcc-covered",
        csv,
        &[
            // Acquired before the listing: may still be used (review).
            line("H1", "covered-list", &[("2021-03-12", "review")]),
            // Acquired on or after the listing: a violation.
            line("H2", "covered-list", &[("2021-03-12", "violation")]),
            line("H3", "covered-list", &[("2021-03-12", "review")]),
            // Each entity from its own date of inclusion.
            line("K1", "covered-list", &[("2022-03-25", "violation")]),
            // Purpose-limited listings: only for the listed purposes.
            line("V1", "covered-list", &[("2021-06-01", "violation")]),
        ],
        &[],
    );
}

#[test]
fn eu_5g_toolbox() {
    let csv = "asset_id,vendor\nH1,Huawei\nZ1,ZTE\nE1,Ericsson\n";
    grid(
        "eu-5g-toolbox",
        csv,
        &[
            line("H1", "high-risk-supplier", &[("2023-06-15", "review")]),
            line("Z1", "high-risk-supplier", &[("2023-06-15", "review")]),
        ],
        &[],
    );
}

#[test]
fn procurement_mode_bans_at_once() {
    // Judged as new purchases, the phase-out periods do not apply.
    let csv = "asset_id,vendor,domain,network\nH1,Huawei,core,5G\n";
    grid(
        "uk-huawei-dvd",
        csv,
        &[
            line("H1", "no-new-5g", &[("2022-10-13", "violation")]),
            line("H1", "network-core", &[("2022-10-13", "violation")]),
            line("H1", "all-5g", &[("2022-10-13", "violation")]),
        ],
        &["--procurement"],
    );
}

#[test]
fn deadline_day_and_weak_rules_are_said_so() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,network\nT1,Huawei,transport,5G\nR1,Huawei,ran,5G\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "uk-huawei-dvd",
        "--as-of",
        "2025-12-31",
        "--format",
        "json",
    ]);
    out.code(0);
    let r = out.json();
    let t = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "transmission-by-2025")
        .unwrap();
    assert_eq!(t["verdict"], "review");
    assert_eq!(t["days_left"], 0);
    assert_eq!(t["confidence"], "weak");
    let reason = t["reason"].as_str().unwrap();
    assert!(
        reason.contains("by 2025-12-31 (today is the last day)"),
        "{reason}"
    );
    assert!(reason.contains("weakly confirmed"), "{reason}");
    let all5g = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "R1" && f["rule"] == "all-5g")
        .unwrap();
    assert_eq!(all5g["confidence"], "confirmed");
    // The table says the same in words.
    let table = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "uk-huawei-dvd",
        "--as-of",
        "2025-12-31",
    ]);
    assert!(table.stdout.contains("last day today"), "{}", table.stdout);
}

#[test]
fn items_installed_after_the_as_of_date_are_not_in_service() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\nF1,Huawei,core,2027-03-01\nH1,Huawei,core,2020-01-01\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
        "--all",
    ]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["summary"]["not_in_service"], 1);
    assert_eq!(r["summary"]["ok"], 1);
    let f1: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["asset_id"] == "F1")
        .collect();
    assert_eq!(f1.len(), 1);
    assert_eq!(f1[0]["verdict"], "ok");
    assert!(f1[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("installed after the check date: not in service"));
    let table = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-11-21",
    ]);
    assert!(
        table
            .stdout
            .contains("not in service: 1 item installed after 2026-11-21"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_finding_resting_on_a_weak_reading_says_so() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\nOLD,Huawei,core,2020-01-01\nNEW,Huawei,core,2022-01-01\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    let conf = |asset: &str| {
        let f = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["asset_id"] == asset)
            .unwrap();
        (
            f["confidence"].as_str().unwrap().to_string(),
            f["reason"].as_str().unwrap().contains("weakly confirmed"),
        )
    };
    // The deadline for equipment in use is confirmed; no transition for new installations is
    // a weakly confirmed reading.
    assert_eq!(conf("OLD"), ("confirmed".to_string(), false));
    assert_eq!(conf("NEW"), ("weak".to_string(), true));
}

#[test]
fn control_ends_at_closing() {
    // Dahua Technology USA: the sale closed by the end of January 2024 (agreement 2024-01-03).
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,purpose,installed\nD1,Dahua Technology USA,critical-infrastructure,2019-01-01\n",
    );
    let verdict = |as_of: &str| {
        let out = env.run(&[
            "check",
            "inv.csv",
            "--policy",
            "us-ndaa-889",
            "--as-of",
            as_of,
            "--format",
            "json",
        ]);
        out.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["verdict"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(verdict("2024-01-03"), ["violation"]);
    assert_eq!(verdict("2024-01-31"), ["violation"]);
    assert!(verdict("2024-02-01").is_empty());
}

#[test]
fn zte_is_known_by_both_english_expansions() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor\nZ1,Zhongxing Telecommunications Equipment Corporation\nZ2,Zhongxing Telecommunication Equipment Corporation\nZ3,中兴通讯\n",
    );
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
    assert_eq!(r["summary"]["violations"], 3);
}

#[test]
fn cz_nukib_2018() {
    let csv = "asset_id,vendor\nH1,Huawei\nZ1,ZTE Corporation\nN1,Nokia\n";
    grid(
        "cz-nukib-2018",
        csv,
        &[
            // A warning, not a ban: review, never a violation.
            line("H1", "warning", &[("2018-12-17", "review")]),
            line("Z1", "warning", &[("2018-12-17", "review")]),
        ],
        &[],
    );
}

#[test]
fn pt_cssc_2023() {
    let csv = "asset_id,vendor,domain,network\n\
        H1,Huawei,ran,5G\n\
        H2,Huawei,core,\n\
        H4,Huawei,ran,4G\n\
        E1,Ericsson,ran,5G\n";
    grid(
        "pt-cssc-2023",
        csv,
        &[
            // Meets the country criterion: for review, exclusion is the Committee's decision.
            line("H1", "non-member-supplier", &[("2023-05-23", "review")]),
            // Not stated to be 5G: review.
            line("H2", "non-member-supplier", &[("2023-05-23", "review")]),
        ],
        &[],
    );
}

#[test]
fn kaspersky_affiliates_are_reached_by_the_fcc_entry() {
    let csv = "asset_id,vendor,installed\n\
        K1,Kaspersky Labs Limited,2023-01-01\n\
        K2,OOO Kaspersky Group,2021-01-01\n";
    grid(
        "us-fcc-covered",
        csv,
        &[
            // Acquired after AO Kaspersky Lab's listing (2022-03-25): barred.
            line("K1", "covered-list", &[("2023-01-01", "violation")]),
            // Acquired before it: may still be used.
            line("K2", "covered-list", &[("2022-03-25", "review")]),
        ],
        &[],
    );
    let env = Env::new();
    env.file("inv.csv", csv);
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "us-fcc-covered",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    let r = out.json();
    let k1 = &r["findings"][0];
    assert_eq!(k1["match"], "affiliate");
    assert_eq!(k1["confidence"], "weak");
    assert_eq!(k1["listings"][0]["entity"], "ao-kaspersky-lab");
    assert_eq!(k1["listings"][0]["through_affiliate"], true);
    assert_eq!(
        k1["evidence"]["chain"],
        serde_json::json!(["kaspersky-labs-limited", "ao-kaspersky-lab"])
    );
    assert!(k1["reason"]
        .as_str()
        .unwrap()
        .contains("an affiliate of AO Kaspersky Lab"));
    // A list that does not reach affiliates (the UK's) does not: and the German agreement
    // names no Kaspersky entity anyway; the default run reaches them through the FCC list.
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["summary"]["violations"], 2);
}

#[test]
fn without_a_policy_a_non_binding_list_gives_a_review() {
    let env = Env::new();
    env.file(
        "reg.toml",
        r#"
[[list]]
id = "warning-list"
title = "A warning"
jurisdiction = "LT"
basis = "Warning of 2020"
source = "https://example.org/warning"
binding = false

[[list]]
id = "ban-list"
title = "A ban"
jurisdiction = "LT"
basis = "Act of 2020"
source = "https://example.org/ban"

[[vendor]]
id = "warned"
name = "Warned Radio Ltd"
  [[vendor.listing]]
  list = "warning-list"
  listed_on = 2020-01-01

[[vendor]]
id = "banned"
name = "Banned Radio Ltd"
  [[vendor.listing]]
  list = "ban-list"
  listed_on = 2020-01-01
"#,
    );
    env.run(&["registry", "import", "reg.toml", "--db", "r.db"])
        .code(0);
    env.file(
        "inv.csv",
        "asset_id,vendor\nW1,Warned Radio Ltd\nB1,Banned Radio Ltd\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--db",
        "r.db",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    let verdicts: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap().to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("W1".to_string(), "review".to_string()),
            ("B1".to_string(), "violation".to_string())
        ]
    );
    assert!(r["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("the designating list is not binding"));
    // The flag survives an export and a re-import (TOML and CSV).
    for format in ["toml", "csv"] {
        let file = format!("export.{format}");
        env.run(&[
            "registry", "export", "--db", "r.db", "--format", format, "-o", &file,
        ])
        .code(0);
        let text = std::fs::read_to_string(env.path(&file)).unwrap();
        assert!(
            text.contains("binding = false") || text.contains(",false,"),
            "{text}"
        );
        let db = format!("{format}.db");
        env.run(&["registry", "import", &file, "--db", &db]).code(0);
        let again = env.run(&[
            "check",
            "inv.csv",
            "--db",
            &db,
            "--as-of",
            "2026-11-21",
            "--format",
            "json",
        ]);
        assert_eq!(again.json()["findings"][0]["verdict"], "review", "{format}");
    }
}

#[test]
fn a_delisted_entity_is_identified_and_says_since_when() {
    let env = Env::new();
    env.file(
        "reg.toml",
        r#"
[[list]]
id = "ban-list"
title = "A ban"
jurisdiction = "LT"
basis = "Act of 2020"
source = "https://example.org/ban"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
  [[vendor.listing]]
  list = "ban-list"
  listed_on = 2020-01-01
  delisted_on = 2024-06-01
  delisted_reason = "Court ruling"
"#,
    );
    env.run(&["registry", "import", "reg.toml", "--db", "r.db"])
        .code(0);
    env.file("inv.csv", "asset_id,vendor\nA1,Acme Radio Ltd\n");
    let verdict = |as_of: &str| {
        let out = env.run(&[
            "check", "inv.csv", "--db", "r.db", "--as-of", as_of, "--format", "json", "--all",
        ]);
        let r = out.json();
        (
            r["findings"][0]["verdict"].as_str().unwrap().to_string(),
            r["findings"][0]["reason"].as_str().unwrap().to_string(),
            r["summary"]["unidentified"].as_u64().unwrap(),
        )
    };
    assert_eq!(verdict("2024-05-31").0, "violation");
    let (v, reason, unidentified) = verdict("2024-06-01");
    assert_eq!(v, "ok");
    assert_eq!(
        reason,
        "identified as Acme Radio Ltd, no longer listed since 2024-06-01"
    );
    assert_eq!(unidentified, 0);
}

#[test]
fn the_uk_designated_person_is_huawei_uk() {
    let csv = "asset_id,vendor,domain,network,installed\n\
        U1,Huawei Technologies (UK) Co. Limited,core,5G,2020-01-01\n";
    grid(
        "uk-huawei-dvd",
        csv,
        &[
            line(
                "U1",
                "network-core",
                &[("2022-10-13", "review"), ("2024-01-01", "violation")],
            ),
            line(
                "U1",
                "all-5g",
                &[("2022-10-13", "review"), ("2028-01-01", "violation")],
            ),
        ],
        &[],
    );
}

#[test]
fn ee_ecs_2021() {
    let csv = "asset_id,vendor,domain,network\n\
        C1,Huawei,core,4G\n\
        R1,ZTE,ran,5G\n\
        N1,Nokia,core,5G\n";
    grid(
        "ee-ecs-2021",
        csv,
        &[
            // Weakly confirmed (a draft regulation): review only, on both sides of the date.
            line("C1", "core", &[("2021-11-24", "review")]),
            line("R1", "5g-by-2025", &[("2021-11-24", "review")]),
        ],
        &[],
    );
}

#[test]
fn native_script_names_of_the_designated_entities_are_known() {
    // The legal names and stock short names the facts confirm (section 8.1).
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor\nA,海能达\nB,海康威视\nC,大华股份\nD,华为技术有限公司\nE,中兴通讯\nF,Лаборатория Касперского\nG,大疆\nH,\"SZ DJI Technology Co., Ltd.\"\n",
    );
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
    let got: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap().to_string(),
                f["entry"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("A", "hytera"),
        ("B", "hikvision"),
        ("C", "dahua"),
        ("D", "huawei"),
        ("E", "zte"),
        ("F", "ao-kaspersky-lab"),
        ("G", "dji"),
        ("H", "dji"),
    ];
    for (a, e) in want {
        assert!(
            got.contains(&(a.to_string(), e.to_string())),
            "{a} not identified as {e}: {got:?}"
        );
    }
}

#[test]
fn us_fcc_covered_categories() {
    // The category entries turn on the country of production ('Made in' is `origin`), not
    // on the maker: an unknown maker is judged the same as a known one.
    let csv = "asset_id,vendor,category,Made in,installed,exception\n\
        U1,Acme,Drone,FR,2025-12-21,\n\
        U2,Acme,UAV,China,2025-12-22,\n\
        U3,Acme,drone,,2026-01-01,\n\
        U4,Acme,drone,US,2026-01-01,\n\
        U5,Acme,drone,US; CN,2026-01-01,\n\
        U6,Acme,Toy drone,CN,2026-01-01,\n\
        U7,Acme,drone,CN,2026-01-01,Blue UAS Cleared List\n\
        U8,Acme,drone battery,CN,,\n\
        U9,Acme,drone,CN,2026-01-01,no\n\
        X1,Acme,,CN,2026-01-01,\n\
        X2,Acme,switch,CN,2026-01-01,\n\
        R1,Acme,Wi-Fi router,TW,2026-03-22,\n\
        R2,Acme,Home router,Vietnam,2026-03-23,\n\
        R3,Acme,Router,CN,2026-03-23,\n\
        R4,Acme,SOHO router,Atlantis,2026-03-23,\n\
        I1,Acme,PV inverter,CN,2026-07-28,\n\
        B1,Acme,Advanced robotic device,JP,2026-07-27,\n\
        B2,Acme,robot,JP,2026-07-28,\n\
        D1,DJI,drone,US,2026-01-01,\n";
    grid(
        "us-fcc-covered",
        csv,
        &[
            // Acquired before the entry: previously authorised, may still be used.
            line("U1", "foreign-uas", &[("2025-12-22", "review")]),
            // On or after the entry: a violation (unless an exception the inventory does not
            // state).
            line("U2", "foreign-uas", &[("2025-12-22", "violation")]),
            // No country of production: review.
            line("U3", "foreign-uas", &[("2026-01-01", "review")]),
            // Any foreign stage counts.
            line("U5", "foreign-uas", &[("2026-01-01", "violation")]),
            // Toy drones are excepted: review, never silently ok.
            line("U6", "foreign-uas", &[("2026-01-01", "review")]),
            // An exception the inventory states is for a person to confirm.
            line("U7", "foreign-uas", &[("2026-01-01", "review")]),
            // A UAS critical component, install date unknown.
            line("U8", "foreign-uas", &[("2025-12-22", "review")]),
            line("U9", "foreign-uas", &[("2026-01-01", "violation")]),
            // Routers from 2026-03-23.
            line("R1", "foreign-routers", &[("2026-03-23", "review")]),
            line("R2", "foreign-routers", &[("2026-03-23", "violation")]),
            // A bare "router" may be a carrier or enterprise router: review.
            line("R3", "foreign-routers", &[("2026-03-23", "review")]),
            // A country of production tvcheck cannot read: review.
            line("R4", "foreign-routers", &[("2026-03-23", "review")]),
            // Inverters and advanced robotic devices from 2026-07-28 (weakly confirmed).
            line("I1", "foreign-inverters", &[("2026-07-28", "violation")]),
            line("B1", "foreign-robots", &[("2026-07-28", "review")]),
            line("B2", "foreign-robots", &[("2026-07-28", "review")]),
            // DJI is named by the UAS entry: covered wherever it was produced.
            line("D1", "covered-list", &[("2026-01-01", "violation")]),
        ],
        &[],
    );
}

#[test]
fn us_fcc_category_findings_say_why() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,equipment_type,country_of_origin,installed\n\
         U2,Acme,UAV,China,2026-01-01\n\
         I1,Acme,PV inverter,CN,2026-07-28\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "us-fcc-covered",
        "--as-of",
        "2026-08-01",
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    let f = &r["findings"][0];
    assert_eq!(f["rule"], "foreign-uas");
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.contains("CN (China)"), "{reason}");
    assert!(
        reason.contains("unless it is on the DCMA Blue UAS"),
        "{reason}"
    );
    assert_eq!(f["confidence"], "confirmed");
    let f = &r["findings"][1];
    assert_eq!(f["rule"], "foreign-inverters");
    assert_eq!(f["confidence"], "weak");
    assert!(f["reason"].as_str().unwrap().contains("weakly confirmed"));
}

#[test]
fn us_asda_2023() {
    let csv = "asset_id,vendor,category,country,installed,exception\n\
        D1,DJI,Drone,,2023-12-21,\n\
        D2,DJI,UAV,,2023-12-22,\n\
        D3,DJI,drone,,,\n\
        D4,DJI,drone,,2024-01-01,research and testing\n\
        A1,Autel Robotics,drone,,2024-01-01,\n\
        A2,Autel Robotics,drone,CN,2024-01-01,\n\
        F1,Acme,drone,FR,2024-01-01,\n\
        H1,Huawei,router,,2024-01-01,\n\
        H2,DJI,,,2024-01-01,\n";
    grid(
        "us-asda-2023",
        csv,
        &[
            // Procurement from enactment (weakly confirmed date); acquisitions only.
            line("D2", "procurement", &[("2023-12-22", "violation")]),
            line("D3", "procurement", &[("2023-12-22", "review")]),
            line("D4", "procurement", &[("2024-01-01", "violation")]),
            // Autel's country of registration is not in the registry: review, unless the
            // inventory states it.
            line("A1", "procurement", &[("2024-01-01", "review")]),
            line("A2", "procurement", &[("2024-01-01", "violation")]),
            // Operation from 2025-12-22, whenever acquired.
            line("D1", "operation", &[("2025-12-22", "violation")]),
            line("D2", "operation", &[("2025-12-22", "violation")]),
            line("D3", "operation", &[("2025-12-22", "violation")]),
            // An exempt use the inventory states: review.
            line("D4", "operation", &[("2025-12-22", "review")]),
            line("A1", "operation", &[("2025-12-22", "review")]),
            line("A2", "operation", &[("2025-12-22", "violation")]),
        ],
        &[],
    );
}

#[test]
fn uk_surveillance_2022() {
    let csv = "asset_id,vendor,category,domain,installed\n\
        C1,Hikvision,IP camera,national-security-site,2022-11-23\n\
        C2,Hikvision,CCTV,national-security-site,2022-11-24\n\
        C3,Dahua,NVR,,2023-01-01\n\
        C4,Hikvision,camera,core,2023-01-01\n\
        C5,Hikvision,,national-security-site,2023-01-01\n\
        C6,Acme Vision,camera,national-security-site,2023-01-01\n\
        C7,Hikvision,camera,national-security-site,\n\
        H1,Huawei,router,national-security-site,2023-01-01\n";
    grid(
        "uk-surveillance-2022",
        csv,
        &[
            // Deployed before the statement: to be considered for removal (review).
            line("C1", "consider-removal", &[("2022-11-24", "review")]),
            // Deployed from 2022-11-24: in breach of the instruction.
            line("C2", "no-new-deployment", &[("2022-11-24", "violation")]),
            line("C2", "consider-removal", &[("2022-11-24", "review")]),
            // Site not stated: review.
            line("C3", "no-new-deployment", &[("2023-01-01", "review")]),
            line("C3", "consider-removal", &[("2023-01-01", "review")]),
            // Unidentified maker, no country: review.
            line("C6", "no-new-deployment", &[("2023-01-01", "review")]),
            line("C6", "consider-removal", &[("2023-01-01", "review")]),
            // Install date unknown.
            line("C7", "no-new-deployment", &[("2022-11-24", "review")]),
            line("C7", "consider-removal", &[("2022-11-24", "review")]),
        ],
        &[],
    );
}

#[test]
fn findings_carry_the_scope_fields_they_were_judged_on() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,network,category,made in,purpose\nU1,Huawei,ran,5G,drone,CN,public-safety\nN1,Huawei,core,,,,\n",
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "uk-huawei-dvd",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    let r = out.json();
    let u1 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "U1")
        .unwrap();
    assert_eq!(u1["network"], "5G");
    assert_eq!(u1["category"], "drone");
    assert_eq!(u1["origin"], "CN");
    assert_eq!(u1["purpose"], "public-safety");
    let n1 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "N1")
        .unwrap();
    // Not stated: absent, not null.
    assert!(
        n1.get("network").is_none() && n1.get("origin").is_none(),
        "{n1}"
    );
}

#[test]
fn ro_5g_2021() {
    let csv = "asset_id,vendor,domain,network,installed,country\n\
        C1,Huawei,core,5G,2019-01-01,\n\
        R1,ZTE,ran,4G,,\n\
        S1,Samsung,transport,5G,,\n\
        HS,Huawei Technologies Sweden,core,,,\n\
        X1,Huawei,,5G,,\n\
        H2,Huawei,core,5G,2027-01-01,\n\
        U1,Acme Radio,ran,5G,,\n\
        U2,Acme Radio,ran,5G,,RO\n\
        E1,Ericsson,core,5G,,\n\
        N1,Nokia,national-security-site,,,\n";
    let lines = [
        // Authorisations are not public: review from entry into force, on both sides of the
        // (weak) deadlines, never a violation.
        line("C1", "core", &[("2021-06-14", "review")]),
        // No network generation is excluded (national-interest ICT infrastructure).
        line("R1", "non-core", &[("2021-06-14", "review")]),
        // A producer outside the EU and NATO is flagged whatever its country.
        line("S1", "non-core", &[("2021-06-14", "review")]),
        // Through its controller.
        line("HS", "core", &[("2021-06-14", "review")]),
        // No domain: both rules ask where the item is used.
        line("X1", "core", &[("2021-06-14", "review")]),
        line("X1", "non-core", &[("2021-06-14", "review")]),
        // Not in service before it was installed.
        line("H2", "core", &[("2027-01-01", "review")]),
        // Unknown producer and country: review; with an EU country stated: not flagged.
        line("U1", "non-core", &[("2021-06-14", "review")]),
    ];
    grid("ro-5g-2021", csv, &lines, &[]);
    // Checked as a new purchase: still review, the law's authorisations cannot be seen.
    grid("ro-5g-2021", csv, &lines, &["--procurement"]);
}

#[test]
fn ro_5g_2021_findings_ask_for_the_authorisation_and_are_weak() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain\nC1,Huawei,core\nR1,ZTE,ran\nE1,Ericsson,core\n",
    );
    let json = |as_of: &str| {
        let out = env.run(&[
            "check",
            "inv.csv",
            "--policy",
            "ro-5g-2021",
            "--as-of",
            as_of,
            "--format",
            "json",
        ]);
        out.code(0);
        out.json()
    };
    for (as_of, core_time, ran_time) in [
        (
            "2026-06-14",
            "by 2026-06-14 (today is the last day)",
            "by 2028-06-14, 731 days left",
        ),
        (
            "2026-06-15",
            "by 2026-06-14; the deadline has passed",
            "by 2028-06-14, 730 days left",
        ),
    ] {
        let r = json(as_of);
        let findings = r["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2, "{as_of}: {findings:?}");
        for f in findings {
            let reason = f["reason"].as_str().unwrap();
            assert_eq!(f["verdict"], "review", "{reason}");
            assert_eq!(f["confidence"], "weak", "{reason}");
            assert!(
                reason.contains("needs an authorisation under Law 163/2021 (Prime Minister's decision on CSAT's opinion), whatever its country; confirm it holds one"),
                "{reason}"
            );
            assert!(reason.contains("[weakly confirmed"), "{reason}");
            let time = if f["asset_id"] == "C1" {
                core_time
            } else {
                ran_time
            };
            assert!(reason.contains(time), "{as_of}: {reason}");
        }
    }
    // The deadline has passed: the reason says why it is still only a review.
    let r = json("2026-06-15");
    let c1 = &r["findings"][0];
    assert_eq!(c1["asset_id"], "C1");
    assert!(
        c1["reason"]
            .as_str()
            .unwrap()
            .contains("the authorisations are not public, so tvcheck cannot tell whether this producer holds one"),
        "{c1}"
    );
    // policy show says that the country is tvcheck's triage, not the law's criterion.
    let out = env.run(&["policy", "show", "ro-5g-2021"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("The law names no company and no country"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("an item without a finding is not thereby authorised"));
    assert!(out.stdout.contains("[weakly confirmed]"));
}

#[test]
fn pl_ksc_2026() {
    // No high-risk vendor decision exists: with the shipped registry the policy designates
    // nobody, whatever the date.
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\nH1,Huawei,core,2025-05-01\nZ1,ZTE,ran,2027-01-01\n",
    );
    for as_of in ["2026-12-01", "2040-01-01"] {
        let out = env.run(&[
            "check",
            "inv.csv",
            "--policy",
            "pl-ksc-2026",
            "--as-of",
            as_of,
            "--format",
            "json",
        ]);
        out.code(0);
        assert_eq!(
            out.json()["findings"].as_array().unwrap().len(),
            0,
            "{as_of}"
        );
    }

    // A decision recorded by the user: a fictitious supplier designated on 2027-03-10.
    let env = Env::new();
    env.file(
        "decision.toml",
        r#"
[[vendor]]
id = "example-hrv"
name = "Przykładowy Dostawca Sieci Sp. z o.o."
country = "PL"
notes = "Fictitious, for the test of policy pl-ksc-2026."
  [[vendor.listing]]
  list = "pl-ksc-high-risk-vendor"
  listed_on = 2027-03-10
  notes = "Decision naming radio and core network equipment."
"#,
    );
    let pl = crate::support::repo().join("data/registry/pl.toml");
    env.run(&[
        "registry",
        "import",
        pl.to_str().unwrap(),
        "decision.toml",
        "--db",
        "r.db",
    ])
    .code(0);
    let v = "Przykładowy Dostawca Sieci";
    let csv = format!(
        "asset_id,vendor,domain,installed\n\
        P1,{v},core,2025-05-01\n\
        P2,{v},ran,2027-03-10\n\
        P3,{v},national-security-site,2025-05-01\n\
        P4,{v},,\n\
        P5,{v},transport,2027-03-09\n"
    );
    grid_in(
        &env,
        "pl-ksc-2026",
        &csv,
        &[
            // In use before the decision: withdrawn within 7 years (the anniversary is the
            // last day), and within 4 years in critical functions (weak: review only).
            line(
                "P1",
                "high-risk-vendor",
                &[("2027-03-10", "review"), ("2034-03-11", "violation")],
            ),
            line(
                "P1",
                "telecom-critical-functions",
                &[("2027-03-10", "review")],
            ),
            // Introduced on the decision's day: a violation at once.
            line("P2", "high-risk-vendor", &[("2027-03-10", "violation")]),
            line(
                "P2",
                "telecom-critical-functions",
                &[("2027-03-10", "review")],
            ),
            // Not a telecommunications network domain: only the 7-year rule.
            line(
                "P3",
                "high-risk-vendor",
                &[("2027-03-10", "review"), ("2034-03-11", "violation")],
            ),
            // Install date and domain unknown.
            line(
                "P4",
                "high-risk-vendor",
                &[("2027-03-10", "review"), ("2034-03-11", "violation")],
            ),
            line(
                "P4",
                "telecom-critical-functions",
                &[("2027-03-10", "review")],
            ),
            // The day before the decision: in use before it.
            line(
                "P5",
                "high-risk-vendor",
                &[("2027-03-10", "review"), ("2034-03-11", "violation")],
            ),
            line(
                "P5",
                "telecom-critical-functions",
                &[("2027-03-10", "review"), ("2031-03-11", "review")],
            ),
        ],
        &["--db", "r.db"],
    );

    // The reasons give the period and its end.
    let out = env.run(&[
        "check",
        "inv.csv",
        "--db",
        "r.db",
        "--policy",
        "pl-ksc-2026",
        "--as-of",
        "2031-03-11",
        "--format",
        "json",
    ]);
    let f = out.json();
    let reason = |asset: &str, rule: &str| -> String {
        f["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["asset_id"] == asset && x["rule"] == rule)
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let r = reason("P1", "high-risk-vendor");
    assert!(
        r.contains("by 2034-03-10, 7 years after the listing"),
        "{r}"
    );
    let r = reason("P1", "telecom-critical-functions");
    assert!(
        r.contains("by 2031-03-10, 4 years after the listing; the deadline has passed"),
        "{r}"
    );
    assert!(r.contains("weakly confirmed"), "{r}");
}
