//! Table-driven tests of the engine's rules, at library level and independent of the CLI:
//! the time model (effective date, `new_from`, `new_only`, `new_from_listing` with and without
//! `phase_out_years`, a deadline as the last compliant day), domain and network scope (stated,
//! unstated: the policy's `unknown_domain`), and country tests (`member_of` as of the date,
//! named countries and territories).
//!
//! The registry and the policies are built from TOML text by the library's own readers: a
//! registry file through `registry::import` into an in-memory store (as `registry import`
//! does), policies through `policy::parse_policy`. Each row of a table names its case, and a
//! failure names the row.

use std::path::Path;

use super::{Assessment, Evaluator, Timing};
use crate::date::Date;
use crate::model::{Item, Verdict};
use crate::policy::{parse_policy, Policy};
use crate::registry::{import, ChangeMeta, Registry, RegistryData, Store};
use Verdict::{Ok as Fine, Review, Violation};

/// The test registry: a binding list, a non-binding one, and entities in and outside the
/// country groups, with and without a country, one controlled by a listed entity.
const REGISTRY: &str = r#"
[[list]]
id = "ban"
title = "A binding list"
jurisdiction = "EU"
basis = "Act 1"
source = "https://example.org/ban"

[[list]]
id = "watch"
title = "A warning that binds nobody"
jurisdiction = "EU"
basis = "Notice 2"
source = "https://example.org/watch"
binding = false

[[vendor]]
id = "qarvex"
name = "Qarvex Telecom Co., Ltd."
country = "CN"
  [[vendor.listing]]
  list = "ban"
  listed_on = 2021-03-12

[[vendor]]
id = "zulmor"
name = "Zulmor Systems Co., Ltd."
country = "CN"
  [[vendor.listing]]
  list = "ban"
  listed_on = 2020-02-29

[[vendor]]
id = "brenwick"
name = "Brenwick Devices Co., Ltd."
country = "CN"
  [[vendor.listing]]
  list = "watch"
  listed_on = 2021-01-01

[[vendor]]
id = "qarvex-sub"
name = "Qarvex Nordics Oy"
country = "FI"
parent = "qarvex"

[[vendor]]
id = "qarvex-unit"
name = "Qarvex Hardware Unit"
parent = "qarvex"

[[vendor]]
id = "vaskola"
name = "Vaskola Radio Oy"
country = "FI"

[[vendor]]
id = "trelleborn"
name = "Trelleborn Networks AB"
country = "SE"

[[vendor]]
id = "ashcombe"
name = "Ashcombe Communications Ltd"
country = "GB"

[[vendor]]
id = "nowhere"
name = "Nowhereco Instruments Inc."
"#;

const QARVEX: &str = "Qarvex Telecom Co., Ltd.";
const ZULMOR: &str = "Zulmor Systems Co., Ltd.";
const BRENWICK: &str = "Brenwick Devices Co., Ltd.";
const QARVEX_SUB: &str = "Qarvex Nordics Oy";
const QARVEX_UNIT: &str = "Qarvex Hardware Unit";
const VASKOLA: &str = "Vaskola Radio Oy";
const TRELLEBORN: &str = "Trelleborn Networks AB";
const ASHCOMBE: &str = "Ashcombe Communications Ltd";
const NOWHERE: &str = "Nowhereco Instruments Inc.";
/// A vendor the registry does not know.
const STRANGER: &str = "Plimbeth Gadgets";

/// The test registry, imported into an in-memory store and read back.
fn registry() -> Registry {
    let file = import::parse_toml(Path::new("engine-test.toml"), REGISTRY).unwrap();
    let data = import::merge_and_validate(&RegistryData::default(), &[file]).unwrap();
    let mut store = Store::in_memory().unwrap();
    store
        .commit(
            &data,
            &ChangeMeta {
                at: "2026-01-01T00:00:00Z".into(),
                actor: "engine tests".into(),
                action: "import".into(),
                summary: "engine-test.toml".into(),
                sources: Vec::new(),
            },
        )
        .unwrap();
    Registry::from_store(&store, "engine-test".into()).unwrap()
}

/// A policy with top-level keys `head` (such as `unknown_domain`) and the `[[rule]]` tables
/// `rules`, parsed and validated against `reg`.
fn policy(reg: &Registry, head: &str, rules: &str) -> Policy {
    let text = format!(
        "id = \"test\"\ntitle = \"Test\"\njurisdiction = \"EU\"\n{head}\n\n\
         [[basis]]\ncitation = \"Act 1\"\ndate = 2020-01-01\nsource = \"s\"\n\n{rules}"
    );
    parse_policy(Path::new("test.toml"), &text, reg, "test").unwrap()
}

/// One `listed-entity` rule on the lists `ban` (binding) and `watch` (not binding), with the
/// extra keys `keys`.
fn listed_rule(keys: &str) -> String {
    format!("[[rule]]\nid = \"r\"\nkind = \"listed-entity\"\ntitle = \"R\"\nlists = [\"ban\", \"watch\"]\n{keys}\n")
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// An item of `vendor` with the fields `fields` (name, value).
fn item(vendor: &str, fields: &[(&str, &str)]) -> Item {
    let mut it = Item {
        file: "inventory.csv".into(),
        line: 2,
        vendor: vendor.to_string(),
        ..Item::default()
    };
    for &(k, v) in fields {
        let v = Some(v.to_string());
        match k {
            "installed" => it.installed = v,
            "domain" => it.domain = v,
            "network" => it.network = v,
            "country" => it.country = v,
            "origin" => it.origin = v,
            other => panic!("no field {other} in these tests"),
        }
    }
    it
}

/// Assesses `item` under `policy` as of `as_of` (as a new purchase with `procurement`).
fn assess(
    reg: &Registry,
    policy: &Policy,
    as_of: &str,
    procurement: bool,
    item: &Item,
) -> Assessment {
    let timing = Timing {
        as_of: date(as_of),
        procurement,
    };
    let ev = Evaluator::new(reg, vec![policy.clone()], timing, None).unwrap();
    ev.assess(item)
}

/// A row: (case, as-of date, procurement, vendor, fields, verdict, (deadline, days left)).
type Row<'a> = (
    &'a str,
    &'a str,
    bool,
    &'a str,
    &'a [(&'a str, &'a str)],
    Verdict,
    Option<(&'a str, i64)>,
);

/// Runs the rows of a table against `policy`: each row's verdict, and the deadline and days
/// left of its finding (none expected when the verdict is `ok`).
fn run(reg: &Registry, policy: &Policy, rows: &[Row<'_>]) {
    for &(case, as_of, procurement, vendor, fields, verdict, deadline) in rows {
        let a = assess(reg, policy, as_of, procurement, &item(vendor, fields));
        let reasons: Vec<&str> = a.findings.iter().map(|f| f.reason.as_str()).collect();
        assert_eq!(a.verdict, verdict, "{case}: verdict ({reasons:?})");
        assert_eq!(a.per_policy, vec![verdict], "{case}: per policy");
        assert!(a.in_service, "{case}: in service");
        if verdict == Verdict::Ok {
            assert!(a.findings.is_empty(), "{case}: no finding ({reasons:?})");
            continue;
        }
        assert_eq!(a.findings.len(), 1, "{case}: one finding ({reasons:?})");
        let f = &a.findings[0];
        let got = f
            .deadline
            .map(|d| (d.to_string(), f.days_left.unwrap_or(i64::MIN)));
        let want = deadline.map(|(d, n)| (d.to_string(), n));
        assert_eq!(got, want, "{case}: deadline and days left ({reasons:?})");
    }
}

#[test]
fn effective_date_and_fixed_deadline_as_the_last_compliant_day() {
    let reg = registry();
    let p = policy(
        &reg,
        "",
        &listed_rule(
            "effective = 2022-01-01\ndeadline = 2024-12-31\nremedy = \"must be replaced\"",
        ),
    );
    let dl = "2024-12-31";
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("day before effective", "2021-12-31", false, QARVEX, &[], Fine, None),
        ("effective day", "2022-01-01", false, QARVEX, &[], Review, Some((dl, 1095))),
        ("two days before the deadline", "2024-12-29", false, QARVEX, &[], Review, Some((dl, 2))),
        ("day before the deadline", "2024-12-30", false, QARVEX, &[], Review, Some((dl, 1))),
        ("deadline day: the last compliant day", "2024-12-31", false, QARVEX, &[], Review, Some((dl, 0))),
        ("day after the deadline", "2025-01-01", false, QARVEX, &[], Violation, Some((dl, -1))),
        ("years after the deadline", "2030-06-01", false, QARVEX, &[], Violation, Some((dl, -1978))),
        ("install date plays no part", "2023-01-01", false, QARVEX, &[("installed", "2022-06-01")], Review, Some((dl, 730))),
        ("new purchase: no phase-out", "2023-01-01", true, QARVEX, &[], Violation, None),
        ("new purchase before effective", "2021-12-31", true, QARVEX, &[], Fine, None),
        ("unlisted vendor", "2025-01-01", false, VASKOLA, &[], Fine, None),
        ("unknown vendor", "2025-01-01", false, STRANGER, &[], Fine, None),
        ("non-binding list: review at most", "2025-01-01", false, BRENWICK, &[], Review, Some((dl, -1))),
        ("listed through its parent", "2025-01-01", false, QARVEX_SUB, &[], Violation, Some((dl, -1))),
    ];
    run(&reg, &p, rows);
}

#[test]
fn a_listing_counts_from_its_date() {
    let reg = registry();
    let p = policy(&reg, "", &listed_rule("effective = 2000-01-01"));
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("day before the listing", "2021-03-11", false, QARVEX, &[], Fine, None),
        ("listing day", "2021-03-12", false, QARVEX, &[], Violation, None),
        ("parent's listing day, through the parent", "2021-03-12", false, QARVEX_UNIT, &[], Violation, None),
        ("day before the parent's listing", "2021-03-11", false, QARVEX_UNIT, &[], Fine, None),
        ("leap-day listing, day before", "2020-02-28", false, ZULMOR, &[], Fine, None),
        ("leap-day listing", "2020-02-29", false, ZULMOR, &[], Violation, None),
    ];
    run(&reg, &p, rows);
}

#[test]
fn new_installations_banned_from_a_date_with_and_without_a_deadline() {
    let reg = registry();
    let with_deadline = policy(
        &reg,
        "",
        &listed_rule("effective = 2020-01-01\nnew_from = 2023-06-01\ndeadline = 2026-12-31"),
    );
    let dl = "2026-12-31";
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("installed the day new_from starts", "2025-01-01", false, QARVEX, &[("installed", "2023-06-01")], Violation, None),
        ("installed later", "2025-01-01", false, QARVEX, &[("installed", "2024-02-10")], Violation, None),
        ("installed the day before: phase-out", "2025-01-01", false, QARVEX, &[("installed", "2023-05-31")], Review, Some((dl, 729))),
        ("install time after the date is read", "2025-01-01", false, QARVEX, &[("installed", "2023-06-01T08:30:00")], Violation, None),
        ("unknown install date: phase-out", "2026-12-31", false, QARVEX, &[], Review, Some((dl, 0))),
        ("unreadable install date: phase-out", "2026-12-31", false, QARVEX, &[("installed", "last spring")], Review, Some((dl, 0))),
        ("installed before, deadline passed", "2027-01-01", false, QARVEX, &[("installed", "2023-05-31")], Violation, Some((dl, -1))),
        ("new purchase", "2025-01-01", true, QARVEX, &[("installed", "2019-01-01")], Violation, None),
    ];
    run(&reg, &with_deadline, rows);

    let without = policy(
        &reg,
        "",
        &listed_rule("effective = 2020-01-01\nnew_from = 2023-06-01"),
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("installed on new_from", "2025-01-01", false, QARVEX, &[("installed", "2023-06-01")], Violation, None),
        ("installed before: grandfathered", "2025-01-01", false, QARVEX, &[("installed", "2023-05-31")], Fine, None),
        ("unknown install date", "2025-01-01", false, QARVEX, &[], Review, None),
        ("new purchase", "2025-01-01", true, QARVEX, &[("installed", "2019-01-01")], Violation, None),
    ];
    run(&reg, &without, rows);
}

#[test]
fn new_only_restricts_acquisitions_from_the_effective_date() {
    let reg = registry();
    let p = policy(
        &reg,
        "",
        &listed_rule("effective = 2023-01-01\nnew_only = true"),
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("installed on the effective day", "2024-01-01", false, QARVEX, &[("installed", "2023-01-01")], Violation, None),
        ("installed the day before", "2024-01-01", false, QARVEX, &[("installed", "2022-12-31")], Fine, None),
        ("unknown install date", "2024-01-01", false, QARVEX, &[], Review, None),
        ("new purchase", "2024-01-01", true, QARVEX, &[], Violation, None),
        ("not yet in force", "2022-12-31", false, QARVEX, &[("installed", "2022-12-31")], Fine, None),
        ("new purchase, not yet in force", "2022-12-31", true, QARVEX, &[], Fine, None),
    ];
    run(&reg, &p, rows);
}

#[test]
fn an_item_installed_after_the_as_of_date_is_not_judged() {
    let reg = registry();
    let p = policy(&reg, "", &listed_rule("effective = 2000-01-01"));
    for (installed, in_service, verdict) in [
        ("2024-06-02", false, Fine),
        ("2024-06-01", true, Violation),
        ("2024-05-31", true, Violation),
    ] {
        let a = assess(
            &reg,
            &p,
            "2024-06-01",
            false,
            &item(QARVEX, &[("installed", installed)]),
        );
        assert_eq!(
            (a.in_service, a.verdict),
            (in_service, verdict),
            "installed {installed}"
        );
        assert!(a.identified, "installed {installed}: identified either way");
    }
}

#[test]
fn new_from_listing_bars_what_was_acquired_from_each_listing() {
    let reg = registry();
    let p = policy(
        &reg,
        "",
        &listed_rule("effective = 2000-01-01\nnew_from_listing = true"),
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("installed on the listing day", "2024-01-01", false, QARVEX, &[("installed", "2021-03-12")], Violation, None),
        ("installed the day before the listing", "2024-01-01", false, QARVEX, &[("installed", "2021-03-11")], Review, None),
        ("unknown install date", "2024-01-01", false, QARVEX, &[], Review, None),
        ("new purchase", "2024-01-01", true, QARVEX, &[("installed", "2019-01-01")], Violation, None),
        ("each listing its own date", "2024-01-01", false, ZULMOR, &[("installed", "2021-03-11")], Violation, None),
        ("before the listing itself", "2021-03-11", false, QARVEX, &[("installed", "2020-01-01")], Fine, None),
    ];
    run(&reg, &p, rows);
}

#[test]
fn phase_out_years_from_each_listing_end_on_its_anniversary() {
    let reg = registry();
    let p = policy(
        &reg,
        "",
        &listed_rule("effective = 2000-01-01\nnew_from_listing = true\nphase_out_years = 4"),
    );
    let dl = "2025-03-12";
    let before = [("installed", "2021-03-11")];
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("acquired on the listing day: at once", "2022-01-01", false, QARVEX, &[("installed", "2021-03-12")], Violation, None),
        ("day before the anniversary", "2025-03-11", false, QARVEX, &before, Review, Some((dl, 1))),
        ("anniversary: the last compliant day", "2025-03-12", false, QARVEX, &before, Review, Some((dl, 0))),
        ("day after the anniversary", "2025-03-13", false, QARVEX, &before, Violation, Some((dl, -1))),
        ("unknown install date, last day", "2025-03-12", false, QARVEX, &[], Review, Some((dl, 0))),
        ("unknown install date, day after", "2025-03-13", false, QARVEX, &[], Violation, Some((dl, -1))),
        ("new purchase", "2022-01-01", true, QARVEX, &before, Violation, None),
        // Listed on 29 February 2020: four years on is 29 February 2024.
        ("leap-day listing, last day", "2024-02-29", false, ZULMOR, &[("installed", "2019-01-01")], Review, Some(("2024-02-29", 0))),
        ("leap-day listing, day after", "2024-03-01", false, ZULMOR, &[("installed", "2019-01-01")], Violation, Some(("2024-02-29", -1))),
        ("non-binding list, day after", "2025-01-02", false, BRENWICK, &[("installed", "2020-01-01")], Review, Some(("2025-01-01", -1))),
    ];
    run(&reg, &p, rows);

    // A period from 29 February that ends in a common year ends on 28 February.
    let p = policy(
        &reg,
        "",
        &listed_rule("effective = 2000-01-01\nnew_from_listing = true\nphase_out_years = 1"),
    );
    let old = [("installed", "2019-01-01")];
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("leap-day listing, one year: last day", "2021-02-28", false, ZULMOR, &old, Review, Some(("2021-02-28", 0))),
        ("leap-day listing, one year: day after", "2021-03-01", false, ZULMOR, &old, Violation, Some(("2021-02-28", -1))),
        ("one year, day before the anniversary", "2022-03-11", false, QARVEX, &before, Review, Some(("2022-03-12", 1))),
    ];
    run(&reg, &p, rows);
}

#[test]
fn domain_scope_and_the_policys_unknown_domain() {
    let reg = registry();
    let rule = listed_rule("effective = 2000-01-01\ndomains = [\"core\", \"transport\"]");
    let as_of = "2024-01-01";
    for (head, unstated) in [
        ("unknown_domain = \"review\"", Review),
        // Without the key, an item without a known domain is for review.
        ("", Review),
        ("unknown_domain = \"apply\"", Violation),
    ] {
        let p = policy(&reg, head, &rule);
        #[rustfmt::skip]
        let rows: &[Row<'_>] = &[
            ("canonical domain", as_of, false, QARVEX, &[("domain", "core")], Violation, None),
            ("synonym", as_of, false, QARVEX, &[("domain", "5GC")], Violation, None),
            ("second domain", as_of, false, QARVEX, &[("domain", "Backhaul")], Violation, None),
            ("with a generation", as_of, false, QARVEX, &[("domain", "LTE backhaul")], Violation, None),
            ("out of scope", as_of, false, QARVEX, &[("domain", "RAN")], Fine, None),
            ("out of scope (access)", as_of, false, QARVEX, &[("domain", "FTTH")], Fine, None),
            ("not stated", as_of, false, QARVEX, &[], unstated, None),
            ("a word tvcheck does not know", as_of, false, QARVEX, &[("domain", "cafeteria")], unstated, None),
            ("unlisted vendor, not stated", as_of, false, VASKOLA, &[], Fine, None),
        ];
        run(&reg, &p, rows);
    }
    // The review says what is missing.
    let p = policy(&reg, "unknown_domain = \"review\"", &rule);
    let a = assess(
        &reg,
        &p,
        as_of,
        false,
        &item(QARVEX, &[("domain", "cafeteria")]),
    );
    assert!(a.findings[0]
        .reason
        .contains("the domain 'cafeteria' is not one tvcheck knows"));
    let a = assess(&reg, &p, as_of, false, &item(QARVEX, &[]));
    assert!(a.findings[0].reason.contains("no network domain is stated"));
}

#[test]
fn network_scope_from_the_network_or_the_domain() {
    let reg = registry();
    let p = policy(
        &reg,
        "unknown_domain = \"apply\"",
        &listed_rule("effective = 2000-01-01\nnetworks = [\"5g\"]"),
    );
    let as_of = "2024-01-01";
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("5G stated", as_of, false, QARVEX, &[("network", "5G")], Violation, None),
        ("NR stated", as_of, false, QARVEX, &[("network", "NR")], Violation, None),
        ("several, one of them 5G", as_of, false, QARVEX, &[("network", "LTE/NR")], Violation, None),
        ("another generation", as_of, false, QARVEX, &[("network", "LTE")], Fine, None),
        ("fixed network", as_of, false, QARVEX, &[("network", "FTTH")], Fine, None),
        ("not stated", as_of, false, QARVEX, &[], Review, None),
        ("a word naming no network", as_of, false, QARVEX, &[("network", "mobile")], Review, None),
        ("from the domain", as_of, false, QARVEX, &[("domain", "5G RAN")], Violation, None),
        ("from the domain, another generation", as_of, false, QARVEX, &[("domain", "4G RAN")], Fine, None),
        ("the network column wins over the domain", as_of, false, QARVEX, &[("network", "4G"), ("domain", "5G RAN")], Fine, None),
    ];
    run(&reg, &p, rows);
    // Both scopes unstated: one review saying both.
    let p = policy(
        &reg,
        "unknown_domain = \"review\"",
        &listed_rule("effective = 2000-01-01\ndomains = [\"core\"]\nnetworks = [\"5g\"]"),
    );
    let a = assess(&reg, &p, as_of, false, &item(QARVEX, &[]));
    assert_eq!(a.verdict, Review);
    let reason = &a.findings[0].reason;
    assert!(
        reason.contains("no network domain is stated") && reason.contains("5G networks only"),
        "{reason}"
    );
}

#[test]
fn country_test_takes_membership_on_the_as_of_date() {
    let reg = registry();
    let nato = policy(
        &reg,
        "",
        "[[rule]]\nid = \"c\"\nkind = \"country-test\"\ntitle = \"C\"\nmember_of = [\"nato\"]\neffective = 2000-01-01\n",
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("CN never a member", "2024-01-01", false, QARVEX, &[], Violation, None),
        ("FI the day before joining NATO", "2023-04-03", false, VASKOLA, &[], Violation, None),
        ("FI the day it joined", "2023-04-04", false, VASKOLA, &[], Fine, None),
        ("SE the day before joining NATO", "2024-03-06", false, TRELLEBORN, &[], Violation, None),
        ("SE the day it joined", "2024-03-07", false, TRELLEBORN, &[], Fine, None),
        ("GB a member throughout", "2024-01-01", false, ASHCOMBE, &[], Fine, None),
        // A member registered in FI but controlled from CN: caught through its parent.
        ("FI subsidiary of a CN parent", "2024-01-01", false, QARVEX_SUB, &[], Violation, None),
        ("no country of its own, CN parent", "2024-01-01", false, QARVEX_UNIT, &[], Violation, None),
        // The registry knows no country: the inventory's is used.
        ("no country anywhere", "2024-01-01", false, NOWHERE, &[], Review, None),
        ("inventory country, a code", "2024-01-01", false, NOWHERE, &[("country", "cn")], Violation, None),
        ("inventory country, a name", "2024-01-01", false, NOWHERE, &[("country", "Finland")], Fine, None),
        ("inventory country, a name, before joining", "2023-01-01", false, NOWHERE, &[("country", "Finland")], Violation, None),
        ("inventory country not understood", "2024-01-01", false, NOWHERE, &[("country", "Narnia")], Review, None),
        ("unknown vendor, no country", "2024-01-01", false, STRANGER, &[], Review, None),
        ("unknown vendor, country", "2024-01-01", false, STRANGER, &[("country", "China")], Violation, None),
        ("unknown vendor, SE the day before joining", "2024-03-06", false, STRANGER, &[("country", "SE")], Violation, None),
        ("unknown vendor, SE the day it joined", "2024-03-07", false, STRANGER, &[("country", "SE")], Fine, None),
        // The registry's country wins over the inventory's.
        ("registry country wins", "2024-01-01", false, VASKOLA, &[("country", "CN")], Fine, None),
    ];
    run(&reg, &nato, rows);

    let eu = policy(
        &reg,
        "",
        "[[rule]]\nid = \"c\"\nkind = \"country-test\"\ntitle = \"C\"\nmember_of = [\"eu\"]\neffective = 2000-01-01\n",
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("GB the last day in the EU", "2020-01-31", false, ASHCOMBE, &[], Fine, None),
        ("GB the first day out", "2020-02-01", false, ASHCOMBE, &[], Violation, None),
        ("FI an EU member", "2020-02-01", false, VASKOLA, &[], Fine, None),
    ];
    run(&reg, &eu, rows);

    // Any of several groups: GB left the EU but stays in NATO.
    let either = policy(
        &reg,
        "",
        "[[rule]]\nid = \"c\"\nkind = \"country-test\"\ntitle = \"C\"\nmember_of = [\"eu\", \"nato\"]\neffective = 2000-01-01\n",
    );
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("GB out of the EU, in NATO", "2021-01-01", false, ASHCOMBE, &[], Fine, None),
        ("CN in neither", "2021-01-01", false, QARVEX, &[], Violation, None),
        ("SE in the EU before NATO", "2021-01-01", false, TRELLEBORN, &[], Fine, None),
    ];
    run(&reg, &either, rows);
}

#[test]
fn named_countries_and_territories() {
    let reg = registry();
    let p = policy(
        &reg,
        "",
        "[[rule]]\nid = \"n\"\nkind = \"named-countries\"\ntitle = \"N\"\ncountries = [\"CN\", \"RU\"]\nterritories = [\"crimea\"]\neffective = 2020-01-01\n",
    );
    let as_of = "2024-01-01";
    #[rustfmt::skip]
    let rows: &[Row<'_>] = &[
        ("registered in a named state", as_of, false, QARVEX, &[], Violation, None),
        ("registered elsewhere", as_of, false, VASKOLA, &[], Fine, None),
        ("controlled from a named state", as_of, false, QARVEX_SUB, &[], Violation, None),
        ("unknown vendor in a named state", as_of, false, STRANGER, &[("country", "Russian Federation")], Violation, None),
        ("unknown vendor in a named state, by code", as_of, false, STRANGER, &[("country", "ru")], Violation, None),
        // The manufacturer's country column takes common names as the origin column does.
        ("a common name as the maker's country", as_of, false, STRANGER, &[("country", "Russia")], Violation, None),
        ("a common name elsewhere", as_of, false, STRANGER, &[("country", "USA")], Fine, None),
        ("not a country", as_of, false, STRANGER, &[("country", "Narnia")], Review, None),
        ("unknown vendor elsewhere", as_of, false, STRANGER, &[("country", "Finland")], Fine, None),
        ("unknown vendor, no country", as_of, false, STRANGER, &[], Review, None),
        ("a named territory as the maker's country", as_of, false, STRANGER, &[("country", "Crimea")], Violation, None),
        ("a named territory as the origin", as_of, false, VASKOLA, &[("origin", "Sevastopol")], Violation, None),
        ("not in force yet", "2019-12-31", false, QARVEX, &[], Fine, None),
    ];
    run(&reg, &p, rows);
}
