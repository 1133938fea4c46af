//! Evaluation: turns an item and its matches into a verdict with a reason, as of a date.
//!
//! Without a policy, an item is a violation when an entity it points to (by name, alias or
//! model pattern, or through a controlling parent whose control still holds) is designated on
//! at least one list on the as-of date. Listings dated after the as-of date do not count yet.

use serde::Serialize;

use crate::date::Date;
use crate::matcher::{Candidate, MatchKind, MatchResult, Matcher};
use crate::model::{Item, Verdict};
use crate::registry::{Registry, Vendor};

/// One designation that applies to an item, and which entity carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedListing {
    /// The list id.
    pub list: String,
    /// Date of listing.
    pub listed_on: Date,
    /// The listed entity's id (the matched entity or one of its controlling parents).
    pub entity: String,
    /// Legal basis (the listing's own, else the list's).
    pub basis: String,
}

/// Why an item got its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The verdict.
    pub verdict: Verdict,
    /// The registry entry the item was matched to.
    pub entry: String,
    /// That entry's legal name.
    pub entry_name: String,
    /// How the designation reaches the item.
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    /// How the item's strings matched the entry (name, alias or model), before any parent step.
    pub matched_by: MatchKind,
    /// The registry text that matched (name, alias or pattern).
    pub matched: String,
    /// Match confidence in [0, 1].
    pub score: f64,
    /// The ownership chain from the matched entry to the listed entity (ids), when longer than one.
    pub chain: Vec<String>,
    /// Designations that apply.
    pub listings: Vec<AppliedListing>,
    /// One sentence a person can read.
    pub reason: String,
}

/// What evaluation says about one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The verdict.
    pub verdict: Verdict,
    /// Whether any registry entity was identified.
    pub identified: bool,
    /// The finding, for items that are not ok.
    pub finding: Option<Finding>,
    /// For ok items that were identified: the entity (id, legal name), how and how well it matched.
    pub identity: Option<(String, String, MatchKind, f64)>,
}

/// Evaluates items against a registry as of a date.
pub struct Evaluator<'r> {
    registry: &'r Registry,
    matcher: Matcher,
    as_of: Date,
}

impl<'r> Evaluator<'r> {
    /// Indexes the registry for evaluation as of `as_of`.
    pub fn new(registry: &'r Registry, as_of: Date) -> crate::error::Result<Evaluator<'r>> {
        Ok(Evaluator {
            matcher: Matcher::new(&registry.data)?,
            registry,
            as_of,
        })
    }

    /// The as-of date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    fn vendor(&self, i: usize) -> &Vendor {
        &self.registry.data.vendors[i]
    }

    /// The listings in force on the as-of date for an entity and the parents controlling it,
    /// with the chain of ids walked.
    pub fn effective_listings(&self, vendor: &Vendor) -> (Vec<AppliedListing>, Vec<String>) {
        let mut chain = vec![vendor.id.clone()];
        let mut out = Vec::new();
        let mut cur = vendor;
        loop {
            for l in &cur.listings {
                if l.listed_on <= self.as_of {
                    let basis = l
                        .basis
                        .clone()
                        .or_else(|| self.registry.list(&l.list).map(|d| d.basis.clone()))
                        .unwrap_or_default();
                    out.push(AppliedListing {
                        list: l.list.clone(),
                        listed_on: l.listed_on,
                        entity: cur.id.clone(),
                        basis,
                    });
                }
            }
            if !out.is_empty() {
                break;
            }
            let Some(parent) = cur
                .parent_on(self.as_of)
                .and_then(|p| self.registry.vendor(p))
            else {
                break;
            };
            if chain.contains(&parent.id) {
                break;
            }
            chain.push(parent.id.clone());
            cur = parent;
        }
        if out.is_empty() {
            chain.truncate(1);
        }
        (out, chain)
    }

    /// Matches and evaluates one item.
    pub fn assess(&self, item: &Item) -> Assessment {
        let m = self.matcher.match_item(&item.vendor, item.model.as_deref());
        self.assess_matched(item, &m)
    }

    /// Evaluates one item whose matches are known.
    pub fn assess_matched(&self, item: &Item, m: &MatchResult) -> Assessment {
        let identified = m.is_identified();
        let mut best: Option<(&Candidate, Vec<AppliedListing>, Vec<String>)> = None;
        for c in m.by_vendor.iter().chain(&m.by_model) {
            let (listings, chain) = self.effective_listings(self.vendor(c.vendor));
            if !listings.is_empty() {
                best = Some((c, listings, chain));
                break;
            }
        }
        let Some((cand, listings, chain)) = best else {
            let identity = m.by_vendor.iter().chain(&m.by_model).next().map(|c| {
                let v = self.vendor(c.vendor);
                (v.id.clone(), v.name.clone(), c.kind, c.score)
            });
            return Assessment {
                verdict: Verdict::Ok,
                identified,
                finding: None,
                identity,
            };
        };
        let entry = self.vendor(cand.vendor);
        let reason = self.reason(item, m, cand, &listings, &chain);
        Assessment {
            verdict: Verdict::Violation,
            identified,
            finding: Some(Finding {
                verdict: Verdict::Violation,
                entry: entry.id.clone(),
                entry_name: entry.name.clone(),
                match_kind: if chain.len() > 1 {
                    MatchKind::Parent
                } else {
                    cand.kind
                },
                matched_by: cand.kind,
                matched: cand.matched.clone(),
                score: cand.score,
                chain,
                listings,
                reason,
            }),
            identity: None,
        }
    }

    fn reason(
        &self,
        item: &Item,
        m: &MatchResult,
        cand: &Candidate,
        listings: &[AppliedListing],
        chain: &[String],
    ) -> String {
        let entry = self.vendor(cand.vendor);
        let mut s = match cand.kind {
            MatchKind::Name => format!(
                "vendor '{}' is the registered name of {}",
                item.vendor, entry.name
            ),
            MatchKind::Alias => format!("vendor '{}' is an alias of {}", item.vendor, entry.name),
            MatchKind::Model | MatchKind::Parent => format!(
                "model '{}' matches pattern '{}' of {}",
                item.model.as_deref().unwrap_or(""),
                cand.matched,
                entry.name
            ),
        };
        for id in chain.iter().skip(1) {
            if let Some(p) = self.registry.vendor(id) {
                s.push_str(&format!(", controlled by {}", p.name));
            }
        }
        let lists: Vec<String> = listings
            .iter()
            .map(|l| format!("{} since {}", l.list, l.listed_on))
            .collect();
        s.push_str(&format!(" ({})", lists.join("; ")));
        if cand.kind == MatchKind::Model {
            let others: Vec<&str> = m
                .by_vendor
                .iter()
                .filter(|c| c.vendor != cand.vendor)
                .map(|c| self.vendor(c.vendor).name.as_str())
                .collect();
            if !others.is_empty() {
                s.push_str(&format!(
                    "; the vendor field names {}, so the equipment may be relabelled",
                    others.join(", ")
                ));
            }
        }
        s
    }
}
