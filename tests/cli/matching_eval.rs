//! Matching quality on the labelled evaluation set `tests/data/matching-eval.csv` (real-world
//! manufacturer strings from public sources, see tests/data/README.md), with the shipped
//! registry and the default policy (designated on any list), as of 2026-11-21.

use tvcheck::engine::{Evaluator, Timing};
use tvcheck::matcher::MatchKind;
use tvcheck::{Item, Registry, Verdict};

use crate::support::repo;

struct Row {
    name: String,
    expected: String,
    kind: String,
}

fn rows() -> Vec<Row> {
    let mut rdr = csv::Reader::from_path(repo().join("tests/data/matching-eval.csv")).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                name: r[0].to_string(),
                expected: r[1].to_string(),
                kind: r[2].to_string(),
            }
        })
        .collect()
}

/// The figures the README reports.
#[derive(Debug, Default)]
pub struct Figures {
    pub positives_listed: usize,
    pub positives_listed_flagged: usize,
    pub exact_positives: usize,
    pub exact_positives_violation: usize,
    pub positives_identified_correctly: usize,
    pub positives: usize,
    pub negatives: usize,
    pub false_violations: Vec<String>,
    pub false_reviews: Vec<String>,
    pub missed: Vec<String>,
    pub out_of_registry: usize,
    pub out_of_registry_flagged: usize,
}

pub fn evaluate() -> Figures {
    let reg = Registry::embedded().unwrap();
    let as_of = "2026-11-21".parse().unwrap();
    let ev = Evaluator::new(
        &reg,
        Vec::new(),
        Timing {
            as_of,
            procurement: false,
        },
        None,
    )
    .unwrap();
    let listed = |id: &str| -> bool {
        // Listed on the date, directly or through a controlling parent.
        let mut cur = reg.vendor(id);
        let mut steps = 0;
        while let Some(v) = cur {
            if v.listings.iter().any(|l| l.in_force_on(as_of)) {
                return true;
            }
            cur = v.parent_on(as_of).and_then(|p| reg.vendor(p));
            steps += 1;
            if steps > 10 {
                break;
            }
        }
        false
    };
    let mut f = Figures::default();
    for row in rows() {
        let item = Item {
            vendor: row.name.clone(),
            ..Item::default()
        };
        let a = ev.assess(&item);
        let m = tvcheck::matcher::Matcher::new(&reg.data)
            .unwrap()
            .match_item(&row.name, None);
        if row.kind == "out-of-registry" {
            f.out_of_registry += 1;
            if matches!(a.verdict, Verdict::Violation | Verdict::Review) {
                f.out_of_registry_flagged += 1;
            }
            continue;
        }
        if row.kind == "positive" {
            f.positives += 1;
            let top = m.by_vendor.first().or(m.by_model.first());
            if top.is_some_and(|c| reg.data.vendors[c.vendor].id == row.expected) {
                f.positives_identified_correctly += 1;
            }
            if listed(&row.expected) {
                f.positives_listed += 1;
                if matches!(a.verdict, Verdict::Violation | Verdict::Review) {
                    f.positives_listed_flagged += 1;
                } else {
                    f.missed.push(format!("{} ({})", row.name, row.expected));
                }
                let exact = m.by_vendor.first().is_some_and(|c| {
                    matches!(c.kind, MatchKind::Name | MatchKind::Alias) && c.score >= 1.0
                });
                if exact {
                    f.exact_positives += 1;
                    if a.verdict == Verdict::Violation {
                        f.exact_positives_violation += 1;
                    }
                }
            }
        } else {
            f.negatives += 1;
            match a.verdict {
                Verdict::Violation => f.false_violations.push(row.name.clone()),
                Verdict::Review => f.false_reviews.push(row.name.clone()),
                _ => {}
            }
        }
    }
    f
}

#[test]
fn matching_quality_meets_the_targets() {
    let f = evaluate();
    println!("{f:#?}");
    assert!(
        f.positives + f.negatives >= 500,
        "the set has at least 500 strings"
    );
    assert_eq!(
        f.positives_listed_flagged, f.positives_listed,
        "every positive of a listed entity is flagged: missed {:?}",
        f.missed
    );
    assert_eq!(
        f.exact_positives_violation, f.exact_positives,
        "every exact or alias positive is a violation"
    );
    assert!(
        f.false_violations.is_empty(),
        "false violations: {:?}",
        f.false_violations
    );
    let allowed = f.negatives as f64 * 0.001;
    assert!(
        f.false_reviews.len() as f64 <= allowed,
        "false reviews {:?} (allowed {allowed:.2})",
        f.false_reviews
    );
}
