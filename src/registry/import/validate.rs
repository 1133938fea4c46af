//! Validation of registry import files: ids, country codes and FCC grantee codes as written,
//! and the checks of a whole import against the merged content (ids defined once, parents,
//! affiliates and lists that resolve, every listing with a legal basis, each grantee code on
//! one entry, no parent cycles).

use std::collections::{HashMap, HashSet};

use super::{reg_err, ImportFile};
use crate::error::{code, Diagnostics, Error, Location};
use crate::registry::model::{ListDef, RegistryData};

/// A registry error with its code.
pub(super) fn coded(code: &'static str, loc: Location, msg: impl Into<String>) -> Error {
    reg_err(loc, msg).with_code(code)
}

/// Whether `s` is a valid id: lowercase ASCII letters, digits and single hyphens.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// The country placeholder of a registry skeleton (`check --unidentified-out`): the import
/// refuses it until it is filled in.
pub const COUNTRY_PLACEHOLDER: &str = "TODO";

/// Whether a country value is the placeholder of a registry skeleton
/// (`check --unidentified-out`) that was not filled in.
pub(super) fn is_placeholder(code: &str) -> bool {
    code.eq_ignore_ascii_case(COUNTRY_PLACEHOLDER)
}

/// The error for a country left as the skeleton's placeholder: what to fill in.
pub(super) fn placeholder_err(loc: Location, value: &str) -> Error {
    coded(
        code::REGISTRY_PLACEHOLDER,
        loc,
        format!("the country is still the placeholder '{value}' of a registry skeleton written by `tvcheck check --unidentified-out`"),
    )
    .hint("fill in the ISO 3166-1 alpha-2 code of the country where the manufacturer is registered (e.g. CN, SE, US), or delete the line if it is not known, then import again; nothing was imported")
}

/// Why a value is not an FCC grantee code, before its location is known.
pub(super) struct BadCode {
    message: String,
    hint: String,
}

impl BadCode {
    pub(super) fn at(self, loc: Location) -> Error {
        coded(code::REGISTRY_GRANTEE_CODE, loc, self.message).hint(self.hint)
    }
}

/// Checks an FCC grantee code as written in an import file (trimmed like every value): upper
/// case, 3 characters beginning with a letter or 5 beginning with `2` ([`super::fcc`]).
pub(super) fn check_grantee_code(value: &str) -> std::result::Result<String, BadCode> {
    let code = value.trim();
    if crate::registry::fcc::is_grantee_code(code) {
        return Ok(code.to_string());
    }
    let upper = code.to_ascii_uppercase();
    let hint = if crate::registry::fcc::is_grantee_code(&upper) {
        format!("write it in upper case: {upper}")
    } else if let Some(c) =
        crate::registry::fcc::grantee_code(code).filter(|c| c.len() < code.len())
    {
        format!("give the grantee code only, the start of the FCC ID: {c}")
    } else {
        "a grantee code is 3 characters beginning with a letter (codes before 2013, e.g. SS3) or 5 beginning with 2 (e.g. 2ANDR), letters A-Z and digits only: the start of the FCC ID".to_string()
    };
    Err(BadCode {
        message: format!("'{code}' is not an FCC grantee code"),
        hint,
    })
}

/// Checks that no vendor id and no list id is defined twice in the files of one import.
pub(super) fn check_ids_unique(d: &mut Diagnostics, files: &[ImportFile]) {
    let mut seen_vendor: HashMap<&str, &Location> = HashMap::new();
    let mut seen_list: HashMap<&str, &Location> = HashMap::new();
    for f in files {
        for (v, loc) in f.data.vendors.iter().zip(&f.spots.vendors) {
            if let Some(first) = seen_vendor.insert(&v.id, loc) {
                d.push(
                    coded(
                        code::REGISTRY_DUPLICATE,
                        loc.clone(),
                        format!("vendor id '{}' is defined twice (first at {first})", v.id),
                    )
                    .hint("give each vendor a unique id, or merge the two entries"),
                );
            }
        }
        for (l, loc) in f.data.lists.iter().zip(&f.spots.lists) {
            if let Some(first) = seen_list.insert(&l.id, loc) {
                d.push(coded(
                    code::REGISTRY_DUPLICATE,
                    loc.clone(),
                    format!("list id '{}' is defined twice (first at {first})", l.id),
                ));
            }
        }
    }
}

/// Checks the references of the imported entries against the merged content: parents and
/// affiliates that exist (and are not the entry itself), listings with a legal basis.
pub(super) fn check_references(d: &mut Diagnostics, merged: &RegistryData, files: &[ImportFile]) {
    let vendor_ids: HashSet<&str> = merged.vendors.iter().map(|v| v.id.as_str()).collect();
    let lists: HashMap<&str, &ListDef> = merged.lists.iter().map(|l| (l.id.as_str(), l)).collect();
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            if let Some(p) = &v.parent {
                if p == &v.id {
                    d.push(coded(
                        code::REGISTRY_REFERENCE,
                        f.spots.parents[i].clone(),
                        format!("vendor '{}' names itself as parent", v.id),
                    ));
                }
                if !vendor_ids.contains(p.as_str()) {
                    d.push(
                        coded(
                            code::REGISTRY_REFERENCE,
                            f.spots.parents[i].clone(),
                            format!(
                                "vendor '{}' names parent '{p}', which is not in the registry",
                                v.id
                            ),
                        )
                        .hint("import the parent's entry too (in the same run or before)"),
                    );
                }
            }
            for a in &v.affiliates {
                if a == &v.id || !vendor_ids.contains(a.as_str()) {
                    d.push(
                        coded(
                            code::REGISTRY_REFERENCE,
                            f.spots.vendors[i].clone(),
                            format!(
                                "vendor '{}' names affiliate '{a}', which is {}",
                                v.id,
                                if a == &v.id {
                                    "itself"
                                } else {
                                    "not in the registry"
                                }
                            ),
                        )
                        .hint("import the affiliate's entry too (in the same run or before)"),
                    );
                }
            }
            for (j, l) in v.listings.iter().enumerate() {
                if l.basis.is_none() && !lists.contains_key(l.list.as_str()) {
                    d.push(coded(
                        code::REGISTRY_REFERENCE,
                        f.spots.listings[i][j].clone(),
                        format!(
                            "the listing of '{}' on '{}' has no legal basis: the list is not defined and the listing gives no basis",
                            v.id, l.list
                        ),
                    )
                    .hint(format!("add basis = \"...\" to the listing, or define [[list]] id = \"{}\" with its basis", l.list)));
                }
            }
        }
    }
}

/// Checks that no FCC grantee code belongs to two entries of the merged content; the error
/// names where the import writes the code (an entry of the import against one of the import
/// or one the registry already holds).
pub(super) fn check_grantee_codes_unique(
    d: &mut Diagnostics,
    merged: &RegistryData,
    files: &[ImportFile],
) {
    // code -> (entry, where the import writes it)
    let mut owner: HashMap<&str, (&str, Option<&Location>)> = HashMap::new();
    let clash = |code: &str, id: &str, other: &str, loc: Location, first: Option<&Location>| {
        let first = first.map_or_else(
            || " (already in the registry)".to_string(),
            |l| format!(" (at {l})"),
        );
        coded(
            code::REGISTRY_DUPLICATE,
            loc,
            format!("FCC grantee code '{code}' of vendor '{id}' already belongs to vendor '{other}'{first}"),
        )
        .hint("a grantee code names one applicant: keep it on one entry (the applicant, or the entity that controls it) and remove it from the other; to move it, import both entries again in the same command")
    };
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            for (j, code) in v.fcc_grantee_codes.iter().enumerate() {
                let loc = f
                    .spots
                    .grantee_codes
                    .get(i)
                    .and_then(|s| s.get(j))
                    .or_else(|| f.spots.vendors.get(i));
                match owner.get(code.as_str()) {
                    Some(&(other, first)) if other != v.id => {
                        let here = loc.cloned().unwrap_or_else(|| Location::file(&f.path));
                        d.push(clash(code, &v.id, other, here, first));
                    }
                    _ => {
                        owner.insert(code, (&v.id, loc));
                    }
                }
            }
        }
    }
    // Entries the import does not touch keep their codes: an imported code must not be one of
    // theirs. (Entries of the import are in `owner` with their new codes.)
    let imported: HashSet<&str> = files
        .iter()
        .flat_map(|f| f.data.vendors.iter().map(|v| v.id.as_str()))
        .collect();
    for v in merged
        .vendors
        .iter()
        .filter(|v| !imported.contains(v.id.as_str()))
    {
        for code in &v.fcc_grantee_codes {
            match owner.get(code.as_str()) {
                Some(&(other, Some(loc))) if other != v.id => {
                    d.push(clash(code, other, &v.id, loc.clone(), None));
                }
                Some(&(other, None)) if other != v.id => {
                    let path = files.first().map_or("registry", |f| f.path.as_str());
                    d.push(clash(code, &v.id, other, Location::file(path), None));
                }
                Some(_) => {}
                None => {
                    owner.insert(code, (&v.id, None));
                }
            }
        }
    }
}

/// Checks that no imported entry is its own ancestor through its parent links.
pub(super) fn check_parent_cycles(
    d: &mut Diagnostics,
    merged: &RegistryData,
    files: &[ImportFile],
) {
    let parents: HashMap<&str, &str> = merged
        .vendors
        .iter()
        .filter_map(|v| v.parent.as_deref().map(|p| (v.id.as_str(), p)))
        .collect();
    // Entries whose parent chain is known to end without a cycle: each chain is walked once.
    let mut acyclic: HashSet<&str> = HashSet::new();
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            let mut chain = vec![v.id.as_str()];
            let mut on_chain: HashSet<&str> = HashSet::from([v.id.as_str()]);
            let mut cur = v.id.as_str();
            while let Some(&p) = parents.get(cur) {
                if acyclic.contains(p) {
                    break;
                }
                if !on_chain.insert(p) {
                    chain.push(p);
                    d.push(coded(
                        code::REGISTRY_CYCLE,
                        f.spots.parents[i].clone(),
                        format!("parent cycle: {}", chain.join(" → ")),
                    )
                    .hint("an entity cannot control itself through its subsidiaries; fix one of the parent links"));
                    // Its entries are not walked again: the cycle is reported once.
                    break;
                }
                chain.push(p);
                cur = p;
            }
            acyclic.extend(chain);
        }
    }
}
