//! The evidence a report's findings share, written once: the registry entries and the lists
//! they refer to by id (as SARIF writes its `rules` once), collected while the findings are
//! rendered and resolved against the registry at the end.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::Row;
use crate::date::Date;
use crate::matcher::Tier;
use crate::registry::{Confidence, ListDef, Listing, Registry, Scope, Vendor};

/// The registry entries and lists a report's findings refer to, by id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Dictionary {
    /// Every entry a finding names (`entry`, the ids of its evidence `chain`, the entities of
    /// its `listings`), by id.
    pub entries: BTreeMap<String, EntryInfo>,
    /// Every list a finding's listings or an entry's listings name, by id.
    pub lists: BTreeMap<String, ListInfo>,
}

/// A registry entry, as the findings that refer to it need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryInfo {
    /// Legal name.
    pub name: String,
    /// Country of registration (for the IEEE tier: of the registered address, indicative).
    pub country: Option<String>,
    /// Where the knowledge comes from: `curated`, `user` or `ieee`.
    pub tier: Tier,
    /// How well the identity facts are confirmed.
    pub confidence: Confidence,
    /// The controlling entity, with the dates of control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentInfo>,
    /// Entities it is affiliated with (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliates: Vec<String>,
    /// Sources of the identity facts.
    pub sources: Vec<String>,
    /// Its designations, each with its legal basis, source and dates.
    pub listings: Vec<ListingInfo>,
    /// The date from which the entry no longer applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_on: Option<Date>,
}

/// A controlling parent link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParentInfo {
    /// The parent's id.
    pub id: String,
    /// Since when it controls the entry.
    pub since: Option<Date>,
    /// When control ended.
    pub until: Option<Date>,
}

/// One designation of an entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingInfo {
    /// The list's id.
    pub list: String,
    /// The date from which the entity is designated.
    pub listed_on: Date,
    /// The date the designation ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delisted_on: Option<Date>,
    /// The listing's own legal basis; absent when it is the list's (in `lists`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The listing's own source; absent when it is the list's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `all` or `purpose-limited`.
    pub scope: Scope,
    /// The purposes a purpose-limited listing covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
    /// How well confirmed the listing is.
    pub confidence: Confidence,
}

/// A designating list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListInfo {
    /// Title.
    pub title: String,
    /// ISO alpha-2 or `EU`.
    pub jurisdiction: String,
    /// Who keeps it.
    pub authority: Option<String>,
    /// Legal basis.
    pub basis: String,
    /// Where it is published.
    pub source: String,
    /// How well confirmed the definition is.
    pub confidence: Confidence,
    /// Whether it binds anyone (a warning or an assessment does not).
    pub binding: bool,
    /// Whether a listing also covers the listed entity's affiliates.
    pub reaches_affiliates: bool,
}

/// The ids the findings of a run refer to, noted as the findings are rendered (bounded by
/// the registry: at most every entry and list once).
#[derive(Default)]
pub(crate) struct Referenced {
    entries: HashSet<Box<str>, ahash::RandomState>,
    lists: HashSet<Box<str>, ahash::RandomState>,
}

impl Referenced {
    /// Notes the entries and lists `row` refers to.
    pub(crate) fn note(&mut self, row: &Row<'_>) {
        let mut entry = |id: &str| {
            if !self.entries.contains(id) {
                self.entries.insert(id.into());
            }
        };
        if let Some(e) = row.entry.as_deref() {
            entry(e);
        }
        if let Some(ev) = &row.evidence {
            ev.chain.iter().for_each(|id| entry(id));
        }
        for l in row.listings.iter() {
            entry(&l.entity);
        }
        for l in row.listings.iter() {
            if !self.lists.contains(l.list.as_str()) {
                self.lists.insert(l.list.as_str().into());
            }
        }
    }

    /// The dictionary of the noted ids, resolved in `registry` (an id it does not hold, such
    /// as an organisation of the IEEE tier, is looked up there).
    pub(crate) fn resolve(&self, registry: &Registry) -> Dictionary {
        let user = registry.source != "embedded";
        let mut d = Dictionary::default();
        for id in &self.entries {
            let (v, tier) = match registry.vendor(id) {
                Some(v) => (v, if user { Tier::User } else { Tier::Curated }),
                None => match crate::matcher::tier::ieee_vendor_by_id(id) {
                    Some(v) => (v, Tier::Ieee),
                    None => continue,
                },
            };
            d.entries
                .insert(id.to_string(), entry_info(v, tier, |l| registry.list(l)));
        }
        let of_entries = d
            .entries
            .values()
            .flat_map(|e| &e.listings)
            .map(|l| &*l.list);
        for id in self.lists.iter().map(|l| &**l).chain(of_entries) {
            if d.lists.contains_key(id) {
                continue;
            }
            if let Some(l) = registry.list(id) {
                d.lists.insert(id.to_string(), list_info(l));
            }
        }
        d
    }
}

fn entry_info<'r>(v: &Vendor, tier: Tier, list: impl Fn(&str) -> Option<&'r ListDef>) -> EntryInfo {
    EntryInfo {
        name: v.name.clone(),
        country: v.country.clone(),
        tier,
        confidence: v.confidence,
        parent: v.parent.as_ref().map(|p| ParentInfo {
            id: p.clone(),
            since: v.parent_since,
            until: v.parent_until,
        }),
        affiliates: v.affiliates.clone(),
        sources: v.sources.clone(),
        listings: v
            .listings
            .iter()
            .map(|l| listing_info(l, list(&l.list)))
            .collect(),
        retired_on: v.retired_on,
    }
}

fn listing_info(l: &Listing, def: Option<&ListDef>) -> ListingInfo {
    // A listing without a basis (or source) of its own has the list's; a list the registry
    // does not define has nothing else to say, so the listing's own is all there is.
    let own = |mine: &Option<String>, list: Option<&str>| match (mine, list) {
        (Some(m), Some(l)) if m == l => None,
        (m, _) => m.clone(),
    };
    ListingInfo {
        list: l.list.clone(),
        listed_on: l.listed_on,
        delisted_on: l.delisted_on,
        basis: own(&l.basis, def.map(|d| d.basis.as_str())),
        source: own(&l.source, def.map(|d| d.source.as_str())),
        scope: l.scope,
        purposes: l.purposes.clone(),
        confidence: l.confidence,
    }
}

fn list_info(l: &ListDef) -> ListInfo {
    ListInfo {
        title: l.title.clone(),
        jurisdiction: l.jurisdiction.clone(),
        authority: l.authority.clone(),
        basis: l.basis.clone(),
        source: l.source.clone(),
        confidence: l.confidence,
        binding: l.binding,
        reaches_affiliates: l.reaches_affiliates,
    }
}
