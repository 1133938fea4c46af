//! Differences between two registry contents: entries and listings added, retired, delisted
//! and changed, and list definitions added and changed.

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
        if o.retired_on.is_none() {
            if let Some(r) = v.retired_on {
                out.push(retired(v, r));
            }
        }
        for l in &v.listings {
            match o
                .listings
                .iter()
                .find(|x| x.list == l.list && x.listed_on == l.listed_on)
            {
                None => out.push(listed(v, l)),
                Some(x) => {
                    let f = listing_fields(x, l);
                    if !f.is_empty() {
                        out.push(Change {
                            entity: v.id.clone(),
                            kind: ChangeKind::ListingChanged,
                            detail: format!("{} since {}: {}", l.list, l.listed_on, f.join(", ")),
                        });
                    }
                    if x.delisted_on.is_none() {
                        if let Some(d) = l.delisted_on {
                            out.push(Change {
                                entity: v.id.clone(),
                                kind: ChangeKind::Delisted,
                                detail: format!(
                                    "{} (listed since {}) from {d}: {}",
                                    l.list,
                                    l.listed_on,
                                    l.delisted_reason.as_deref().unwrap_or("")
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.entity, a.kind).cmp(&(&b.entity, b.kind)));
    out
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
