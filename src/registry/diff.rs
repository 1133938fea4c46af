//! Differences between two registry contents: entries and listings added, removed, retired,
//! delisted, re-dated and changed, and list definitions added, removed and changed.

use std::collections::HashMap;

use serde::Serialize;

use super::model::{ListDef, Listing, RegistryData, Vendor};

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The vendor id, or `list:ID` for a list definition.
    pub entity: String,
    /// What happened.
    pub kind: ChangeKind,
    /// Plain words: which fields, which listing, why.
    pub detail: String,
}

/// Kinds of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new entry.
    Added,
    /// An entry's identity facts changed.
    Changed,
    /// An entry was retired.
    Retired,
    /// A listing was added.
    Listed,
    /// A listing's details changed.
    ListingChanged,
    /// A listing was delisted.
    Delisted,
    /// A list definition was added.
    ListAdded,
    /// A list definition changed.
    ListChanged,
    /// An entry is not in the newer content at all (only two unrelated databases, or a
    /// database edited outside tvcheck, can differ so: tvcheck never deletes).
    Removed,
    /// A listing is not in the newer content.
    ListingRemoved,
    /// A listing's date changed (the only listing on that list removed and another added).
    ListingRedated,
    /// A list definition is not in the newer content.
    ListRemoved,
    /// An entry retired in the older content is not retired in the newer.
    Reinstated,
    /// A listing delisted in the older content is not delisted in the newer.
    Relisted,
}

impl ChangeKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Retired => "retired",
            ChangeKind::Listed => "listed",
            ChangeKind::ListingChanged => "listing-changed",
            ChangeKind::Delisted => "delisted",
            ChangeKind::ListAdded => "list-added",
            ChangeKind::ListChanged => "list-changed",
            ChangeKind::Removed => "removed",
            ChangeKind::ListingRemoved => "listing-removed",
            ChangeKind::ListingRedated => "listing-redated",
            ChangeKind::ListRemoved => "list-removed",
            ChangeKind::Reinstated => "reinstated",
            ChangeKind::Relisted => "relisted",
        }
    }
}

fn changed_fields(a: &Vendor, b: &Vendor) -> Vec<String> {
    let mut f = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            f.push(name.to_string());
        }
    };
    check("name", a.name != b.name);
    check("country", a.country != b.country);
    check("aliases", a.aliases != b.aliases);
    check("model_patterns", a.model_patterns != b.model_patterns);
    if let Some(codes) = code_changes(&a.fcc_grantee_codes, &b.fcc_grantee_codes) {
        check(&codes, true);
    }
    check("affiliates", a.affiliates != b.affiliates);
    check(
        "parent",
        (&a.parent, a.parent_since, a.parent_until) != (&b.parent, b.parent_since, b.parent_until),
    );
    check("confidence", a.confidence != b.confidence);
    check("sources", a.sources != b.sources);
    check("notes", a.notes != b.notes);
    f
}

/// `fcc_grantee_codes (+2ANDR, -SS3)`: the codes added and removed (each is short and names
/// one applicant, so the change log says which), or `None` when the sets are equal.
fn code_changes(old: &[String], new: &[String]) -> Option<String> {
    let added = new
        .iter()
        .filter(|c| !old.contains(c))
        .map(|c| format!("+{c}"));
    let removed = old
        .iter()
        .filter(|c| !new.contains(c))
        .map(|c| format!("-{c}"));
    let all: Vec<String> = added.chain(removed).collect();
    (!all.is_empty()).then(|| format!("fcc_grantee_codes ({})", all.join(", ")))
}

fn listing_fields(a: &Listing, b: &Listing) -> Vec<&'static str> {
    let mut f = Vec::new();
    if a.basis != b.basis {
        f.push("basis");
    }
    if a.source != b.source {
        f.push("source");
    }
    if (a.scope, &a.purposes) != (b.scope, &b.purposes) {
        f.push("scope");
    }
    if a.confidence != b.confidence {
        f.push("confidence");
    }
    if a.notes != b.notes {
        f.push("notes");
    }
    f
}

fn list_changed(a: &ListDef, b: &ListDef) -> bool {
    a != b
}

/// The differences from `old` to `new`, in a stable order (entity, then kind).
pub fn diff(old: &RegistryData, new: &RegistryData) -> Vec<Change> {
    let mut out = Vec::new();
    // Looked up by id, so that a diff is linear in the number of entries.
    let old_lists: HashMap<&str, &ListDef> = old.lists.iter().map(|l| (l.id.as_str(), l)).collect();
    let old_vendors: HashMap<&str, &Vendor> =
        old.vendors.iter().map(|v| (v.id.as_str(), v)).collect();
    for l in &new.lists {
        match old_lists.get(l.id.as_str()).copied() {
            None => out.push(Change {
                entity: format!("list:{}", l.id),
                kind: ChangeKind::ListAdded,
                detail: format!("{} ({})", l.title, l.basis),
            }),
            Some(o) if list_changed(o, l) => out.push(Change {
                entity: format!("list:{}", l.id),
                kind: ChangeKind::ListChanged,
                detail: l.title.clone(),
            }),
            Some(_) => {}
        }
    }
    for v in &new.vendors {
        let Some(&o) = old_vendors.get(v.id.as_str()) else {
            out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Added,
                detail: v.name.clone(),
            });
            for l in &v.listings {
                out.push(listed(v, l));
            }
            if let Some(r) = v.retired_on {
                out.push(retired(v, r));
            }
            continue;
        };
        let fields = changed_fields(o, v);
        if !fields.is_empty() {
            out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Changed,
                detail: fields.join(", "),
            });
        }
        match (o.retired_on, v.retired_on) {
            (None, Some(r)) => out.push(retired(v, r)),
            (Some(a), Some(b)) if a != b => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Retired,
                detail: format!(
                    "re-dated: from {b} (was from {a}): {}",
                    v.retired_reason.as_deref().unwrap_or("")
                ),
            }),
            (Some(a), None) => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Reinstated,
                detail: format!(
                    "no longer retired (was from {a}: {})",
                    o.retired_reason.as_deref().unwrap_or("")
                ),
            }),
            _ => {}
        }
        listing_changes(o, v, &mut out);
    }
    for l in &old.lists {
        if !new.lists.iter().any(|n| n.id == l.id) {
            out.push(Change {
                entity: format!("list:{}", l.id),
                kind: ChangeKind::ListRemoved,
                detail: format!("{} ({})", l.title, l.basis),
            });
        }
    }
    let new_ids: std::collections::HashSet<&str> =
        new.vendors.iter().map(|v| v.id.as_str()).collect();
    for o in old
        .vendors
        .iter()
        .filter(|o| !new_ids.contains(o.id.as_str()))
    {
        out.push(Change {
            entity: o.id.clone(),
            kind: ChangeKind::Removed,
            detail: match o.listings.len() {
                0 => o.name.clone(),
                1 => format!("{} (with its listing on {})", o.name, o.listings[0].list),
                n => format!("{} (with its {n} listings)", o.name),
            },
        });
    }
    out.sort_by(|a, b| (&a.entity, a.kind).cmp(&(&b.entity, b.kind)));
    out
}

/// The listing differences of one entry that is in both contents: listings added, removed,
/// re-dated (on a list where exactly one listing went and one came), changed, delisted and
/// relisted.
fn listing_changes(o: &Vendor, v: &Vendor, out: &mut Vec<Change>) {
    let same = |a: &Listing, b: &Listing| a.list == b.list && a.listed_on == b.listed_on;
    let gone: Vec<&Listing> = o
        .listings
        .iter()
        .filter(|x| !v.listings.iter().any(|l| same(x, l)))
        .collect();
    let came: Vec<&Listing> = v
        .listings
        .iter()
        .filter(|l| !o.listings.iter().any(|x| same(x, l)))
        .collect();
    let one = |ls: &[&Listing], list: &str| ls.iter().filter(|l| l.list == list).count() == 1;
    for l in &came {
        match gone.iter().find(|x| x.list == l.list) {
            Some(x) if one(&gone, &l.list) && one(&came, &l.list) => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::ListingRedated,
                detail: format!(
                    "{}: listed since {} (was since {})",
                    l.list, l.listed_on, x.listed_on
                ),
            }),
            _ => out.push(listed(v, l)),
        }
    }
    for x in &gone {
        if !(one(&gone, &x.list) && one(&came, &x.list)) {
            out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::ListingRemoved,
                detail: format!("{} since {}", x.list, x.listed_on),
            });
        }
    }
    for l in &v.listings {
        let Some(x) = o.listings.iter().find(|x| same(x, l)) else {
            continue;
        };
        let f = listing_fields(x, l);
        if !f.is_empty() {
            out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::ListingChanged,
                detail: format!("{} since {}: {}", l.list, l.listed_on, f.join(", ")),
            });
        }
        match (x.delisted_on, l.delisted_on) {
            (None, Some(d)) => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Delisted,
                detail: format!(
                    "{} (listed since {}) from {d}: {}",
                    l.list,
                    l.listed_on,
                    l.delisted_reason.as_deref().unwrap_or("")
                ),
            }),
            (Some(a), Some(b)) if a != b => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Delisted,
                detail: format!(
                    "{} (listed since {}) re-dated: from {b} (was from {a}): {}",
                    l.list,
                    l.listed_on,
                    l.delisted_reason.as_deref().unwrap_or("")
                ),
            }),
            (Some(a), None) => out.push(Change {
                entity: v.id.clone(),
                kind: ChangeKind::Relisted,
                detail: format!(
                    "{} (listed since {}): no longer delisted (was from {a}: {})",
                    l.list,
                    l.listed_on,
                    x.delisted_reason.as_deref().unwrap_or("")
                ),
            }),
            _ => {}
        }
    }
}

fn listed(v: &Vendor, l: &Listing) -> Change {
    Change {
        entity: v.id.clone(),
        kind: ChangeKind::Listed,
        detail: format!("{} since {}", l.list, l.listed_on),
    }
}

fn retired(v: &Vendor, r: crate::date::Date) -> Change {
    Change {
        entity: v.id.clone(),
        kind: ChangeKind::Retired,
        detail: format!("from {r}: {}", v.retired_reason.as_deref().unwrap_or("")),
    }
}
