//! Identification coverage on a realistic operator inventory (`tests/data/operator-inventory.csv`
//! with its labels, see tests/data/README.md): how many items the embedded registry (curated
//! entries and the IEEE registration tier) identifies with the right country, and that none is
//! identified as a different company. The figures are printed and recorded in README.

use std::collections::HashMap;

use tvcheck::engine::{Evaluator, Timing};
use tvcheck::matcher::{normalize, weights};
use tvcheck::{Item, Registry};

use crate::support::repo;

/// The distinctive words of a name (not generic, not places): what tells one company from
/// another.
fn core_words(name: &str) -> Vec<String> {
    let all = normalize::tokens(name);
    let core: Vec<String> = all
        .iter()
        .filter(|t| !weights::is_generic(t) && !weights::is_place(t))
        .cloned()
        .collect();
    // A name made only of common words ("Delta Electronics") is its words.
    if core.is_empty() {
        all
    } else {
        core
    }
}

#[derive(Debug, Default)]
struct Figures {
    items: usize,
    identified: usize,
    right_country: usize,
    by_curated: usize,
    by_ieee: usize,
    wrong_company: Vec<String>,
    wrong_country: Vec<String>,
    unidentified: Vec<String>,
}

fn evaluate() -> Figures {
    let reg = Registry::embedded().unwrap();
    let ev = Evaluator::new(
        &reg,
        Vec::new(),
        Timing {
            as_of: "2026-11-30".parse().unwrap(),
            procurement: false,
        },
        None,
    )
    .unwrap();
    let mut labels: HashMap<String, (String, String)> = HashMap::new();
    let mut rdr =
        csv::Reader::from_path(repo().join("tests/data/operator-inventory.labels.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        labels.insert(r[0].to_string(), (r[1].to_string(), r[2].to_string()));
    }
    let mut rdr = csv::Reader::from_path(repo().join("tests/data/operator-inventory.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (id, vendor, model, mac) = (col("asset_id"), col("vendor"), col("model"), col("mac"));
    let mut f = Figures::default();
    for r in rdr.records() {
        let r = r.unwrap();
        let some = |i: usize| Some(r[i].to_string()).filter(|s| !s.is_empty());
        let item = Item {
            asset_id: some(id),
            vendor: r[vendor].to_string(),
            model: some(model),
            mac: some(mac),
            ..Item::default()
        };
        let (maker, country) = &labels[&r[id]];
        let a = ev.assess(&item);
        f.items += 1;
        let place = format!("{} '{}' / '{}'", &r[id], &r[vendor], &r[model]);
        let Some((entry, name, ..)) = &a.identity else {
            f.unidentified.push(place);
            continue;
        };
        f.identified += 1;
        match a.identity_tier {
            Some(tvcheck::matcher::Tier::Curated) => f.by_curated += 1,
            Some(tvcheck::matcher::Tier::Ieee) => f.by_ieee += 1,
            _ => {}
        }
        // The same company: the entry's name or one of its aliases shares a distinctive word
        // with the labelled maker.
        let expected = core_words(maker);
        let entity = reg
            .vendor(entry)
            .or_else(|| tvcheck::matcher::tier::ieee_vendor_by_id(entry))
            .cloned()
            .unwrap();
        let same = std::iter::once(&entity.name)
            .chain(entity.aliases.iter())
            .any(|n| core_words(n).iter().any(|w| expected.contains(w)));
        if !same {
            f.wrong_company
                .push(format!("{place}: identified as {name}, labelled {maker}"));
            continue;
        }
        let got = ev_country(&reg, entry, &entity);
        if got.as_deref() == Some(country.as_str()) {
            f.right_country += 1;
        } else {
            f.wrong_country.push(format!(
                "{place}: {name} in {}, labelled {country}",
                got.as_deref().unwrap_or("?")
            ));
        }
    }
    f
}

/// The entity's country, or the nearest controlling parent's.
fn ev_country(reg: &Registry, id: &str, entity: &tvcheck::registry::Vendor) -> Option<String> {
    if entity.country.is_some() {
        return entity.country.clone();
    }
    let mut cur = reg.vendor(id);
    for _ in 0..10 {
        let v = cur?;
        if let Some(c) = &v.country {
            return Some(c.clone());
        }
        cur = v.parent.as_deref().and_then(|p| reg.vendor(p));
    }
    None
}

#[test]
fn nearly_every_item_of_an_operator_inventory_is_identified_with_its_country() {
    let f = evaluate();
    let pct = |n: usize| 100.0 * n as f64 / f.items as f64;
    println!(
        "identification (tests/data/operator-inventory.csv, embedded registry): {} items; identified {} ({:.1} %), with the right country {} ({:.1} %); by curated entries {} ({:.1} %), by the IEEE tier only {} ({:.1} %); identified as a different company {}",
        f.items,
        f.identified,
        pct(f.identified),
        f.right_country,
        pct(f.right_country),
        f.by_curated,
        pct(f.by_curated),
        f.by_ieee,
        pct(f.by_ieee),
        f.wrong_company.len()
    );
    println!("  wrong company: {:#?}", f.wrong_company);
    println!("  wrong country: {:#?}", f.wrong_country);
    println!("  unidentified: {:#?}", f.unidentified);
    assert!(f.items >= 1000, "at least 1,000 rows");
    assert!(
        f.wrong_company.is_empty(),
        "no item is identified as a different company"
    );
    assert!(
        pct(f.right_country) >= 95.0,
        "at least 95 % identified with the right country"
    );
}

fn check_json(env: &crate::support::Env, args: &[&str]) -> serde_json::Value {
    let mut all = vec![
        "check",
        "inv.csv",
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    env.run(&all).json()
}

fn finding<'a>(r: &'a serde_json::Value, asset: &str) -> Option<&'a serde_json::Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == asset)
}

#[test]
fn mac_addresses_identify_the_maker_and_catch_white_label_equipment() {
    let env = crate::support::Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,mac\n\
         M1,,,28:6E:D4:12:34:56\n\
         M2,Generic,IPC,286E.D412.3456\n\
         M3,Cisco,C9300,28-6e-d4-12-34-56\n\
         M4,Dell,R750,00:1B:21:00:00:01\n\
         M5,,,DA:A1:19:00:11:22\n\
         M6,Acme,,not-a-mac\n\
         M7,,,40:2C:76:1A:BC:DE\n",
    );
    let r = check_json(&env, &["--all"]);
    // A blank or placeholder vendor with a Huawei block: Huawei, by its MAC, in any notation.
    for asset in ["M1", "M2"] {
        let f = finding(&r, asset).unwrap();
        assert_eq!(f["verdict"], "violation", "{asset}");
        assert_eq!(f["entry"], "huawei", "{asset}");
        assert_eq!(f["match"], "mac", "{asset}");
        assert_eq!(f["tier"], "curated", "{asset}");
        let reason = f["reason"].as_str().unwrap();
        assert!(reason.contains("MA-L block 28-6E-D4"), "{reason}");
    }
    // The white-label case: a Cisco label on a Huawei block is a review with both facts.
    let f = finding(&r, "M3").unwrap();
    assert_eq!(f["verdict"], "review");
    assert_eq!(f["entry"], "huawei");
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.contains("the vendor field names"), "{reason}");
    assert!(reason.contains("28-6E-D4"), "{reason}");
    // An Intel network card in a Dell server says nothing about the server's maker.
    let f = finding(&r, "M4").unwrap();
    assert!(
        f["entry"].as_str().is_some_and(|e| e.starts_with("dell")),
        "{f}"
    );
    assert_eq!(f["match"], "alias", "{f}");
    // With no vendor, the MAC block identifies its holder, from the IEEE tier: here a 28-bit
    // MA-M block, the longest prefix that matches.
    let f = finding(&r, "M7").unwrap();
    assert_eq!(f["tier"], "ieee");
    assert_eq!(f["match"], "mac");
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.contains("MA-M block 40-2C-76-1"), "{reason}");
    assert!(reason.contains("indicative"), "{reason}");
    // A locally administered address gives no evidence, and a country-test policy says so.
    let r5 = check_json(&env, &["--policy", "lt-5g"]);
    let f = finding(&r5, "M5").unwrap();
    assert_eq!(f["verdict"], "review");
    assert!(
        f["reason"]
            .as_str()
            .unwrap()
            .contains("locally administered"),
        "{f}"
    );
    // A value that is not a MAC address is a warning naming the column.
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("column 'mac'"), "{warnings}");
    assert!(warnings.contains("not-a-mac"), "{warnings}");
}

#[test]
fn fcc_ids_identify_the_applicant_and_are_weak() {
    let env = crate::support::Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,fcc_id\nD1,,Mavic 3,SS3-MT2PD2007\nD2,Parrot,Anafi,2AAAA-123\nD3,,,x\n",
    );
    let r = check_json(&env, &[]);
    let f = finding(&r, "D1").unwrap();
    assert_eq!(f["entry"], "dji");
    assert_eq!(f["match"], "fcc-id");
    assert_eq!(f["confidence"], "weak");
    assert!(f["reason"].as_str().unwrap().contains("grantee code SS3"));
    assert!(
        finding(&r, "D2").is_none(),
        "an unknown grantee code says nothing"
    );
}

#[test]
fn an_ieee_country_is_indicative_never_a_violation_on_its_own() {
    let env = crate::support::Env::new();
    // Organisations known only from their IEEE registration: one with an address in China,
    // one in Germany.
    env.file(
        "inv.csv",
        "asset_id,vendor,domain\nI1,Shanghai Dahua Scale Factory,ran\nI2,Brocade,ran\nI3,Unicom Global Inc.,ran\n",
    );
    for date in ["2025-12-31", "2026-01-01"] {
        let out = env.run(&[
            "check", "inv.csv", "--policy", "lt-5g", "--as-of", date, "--format", "json",
        ]);
        let r = out.json();
        let f = finding(&r, "I1").unwrap();
        assert_eq!(f["verdict"], "review", "{date}");
        assert_eq!(f["tier"], "ieee", "{date}");
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains("registered with the IEEE at an address in CN"),
            "{reason}"
        );
        assert!(reason.contains("indicative"), "{reason}");
        // Not Dahua: a violation needs the curated registry.
        assert_ne!(f["entry"], "dahua");
        // Brocade (US address) passes the country test: ok, so no finding.
        assert!(finding(&r, "I2").is_none(), "{date}: {r}");
        // Unicom Global: identified as itself (TW address), never as China Unicom (Americas).
        let f = finding(&r, "I3");
        assert!(
            f.is_none_or(|f| f["entry"] != "china-unicom-americas"),
            "{f:?}"
        );
    }
    // Curated knowledge comes first: a Huawei branch registered in Germany is Huawei.
    env.file(
        "inv.csv",
        "asset_id,vendor,domain\nH1,Huawei Technologies Düsseldorf GmbH,ran\n",
    );
    let r = check_json(&env, &["--policy", "lt-5g"]);
    let f = finding(&r, "H1").unwrap();
    assert_eq!(f["entry"], "huawei");
    assert_eq!(f["tier"], "curated");
}
