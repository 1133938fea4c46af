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
