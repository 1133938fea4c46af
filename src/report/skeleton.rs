//! The registry skeleton of the unidentified items (`check --unidentified-out FILE.toml`):
//! one `[[vendor]]` per distinct vendor string the registry could not identify, in the
//! registry import format, for a person to complete and import.
//!
//! Each entry has an id derived from the string, the string as its `name` and
//! `country = "TODO"`, a placeholder that `tvcheck registry import` refuses until it is
//! replaced by the country of registration (or the line is deleted). Strings that give the
//! same id (`Acme`, `ACME`, `Acme.`) are one entry, the others its aliases: the matcher reads
//! them as the same name anyway. An id the registry in use already has gets a numeric suffix,
//! so that importing never replaces an existing entry. Values are written by the `toml`
//! crate's serialiser; the comments (counts and places) show control and bidirectional
//! characters in their visible form ([`crate::escape`]), so no file name or vendor string can
//! end a comment line or add a key.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::{Report, UnidentifiedVendor, UNIDENTIFIED_TRACKED};
use crate::escape::Visible as V;

pub use crate::registry::import::COUNTRY_PLACEHOLDER;

/// Longest id the registry accepts.
const MAX_ID: usize = 64;

/// One `[[vendor]]` table as the serialiser writes it.
#[derive(Serialize)]
struct VendorOut<'a> {
    id: &'a str,
    name: &'a str,
    country: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<&'a str>,
}

#[derive(Serialize)]
struct File<'a> {
    vendor: [VendorOut<'a>; 1],
}

/// The registry id derived from a vendor string: Unicode compatibility forms and Latin
/// diacritics folded, lowercase ASCII letters and digits kept, every other run of characters
/// one hyphen, at most 64 characters. `None` when nothing is left (a name in another script).
pub fn slug(vendor: &str) -> Option<String> {
    let mut out = String::new();
    let mut gap = false;
    for c in vendor.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    if out.len() > MAX_ID {
        out.truncate(MAX_ID);
        while out.ends_with('-') {
            out.pop();
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A slug for a string with no Latin letters or digits: `vendor-` and the first 12 hex
/// digits of its SHA-256, so the same string always gets the same id.
fn hashed_slug(vendor: &str) -> String {
    let digest = crate::source::digest::sha256_hex(vendor.as_bytes());
    format!("vendor-{}", &digest[..12])
}

/// An entry of the skeleton: its id and the vendor strings it stands for (most items first).
struct Entry<'a> {
    id: String,
    strings: Vec<&'a UnidentifiedVendor>,
}

/// Groups the report's unidentified vendor strings into entries with ids that `taken` (the
/// ids of the registry in use) does not hold.
fn entries<'a>(report: &'a Report, taken: &dyn Fn(&str) -> bool) -> Vec<Entry<'a>> {
    let mut by_base: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<Entry<'a>> = Vec::new();
    for v in &report.unidentified.vendors {
        let base = slug(&v.vendor).unwrap_or_else(|| hashed_slug(&v.vendor));
        if let Some(&i) = by_base.get(&base) {
            out[i].strings.push(v);
            continue;
        }
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id) || out.iter().any(|e| e.id == id) {
            let suffix = format!("-{n}");
            let mut stem = base.clone();
            stem.truncate(MAX_ID - suffix.len());
            while stem.ends_with('-') {
                stem.pop();
            }
            id = format!("{stem}{suffix}");
            n += 1;
        }
        by_base.insert(base, out.len());
        out.push(Entry {
            id,
            strings: vec![v],
        });
    }
    out
}

/// Writes the skeleton of `report`'s unidentified items; `taken` says which ids the registry
/// in use already has. Returns the number of `[[vendor]]` entries written.
pub fn render(
    report: &Report,
    taken: &dyn Fn(&str) -> bool,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let u = &report.unidentified;
    let items: u64 = u.vendors.iter().map(|v| v.items).sum();
    writeln!(
        out,
        "# Registry skeleton written by tvcheck {} (check as of {}): the vendors of the {} item{}",
        report.tool.version,
        report.as_of,
        items + u.untracked_items,
        if items + u.untracked_items == 1 {
            ""
        } else {
            "s"
        }
    )?;
    writeln!(
        out,
        "# whose vendor and model matched no entry of the registry ({}).",
        V(&report.registry.source)
    )?;
    writeln!(out, "#")?;
    writeln!(
        out,
        "# To complete it: check that each entry is a manufacturer (delete those that are not, or"
    )?;
    writeln!(
        out,
        "# merge spellings of one company into aliases), replace every country = \"{COUNTRY_PLACEHOLDER}\" with the"
    )?;
    writeln!(
        out,
        "# ISO 3166-1 alpha-2 code of the country where it is registered (e.g. CN, SE, US), or"
    )?;
    writeln!(
        out,
        "# delete that line if it is not known, add `sources` and any `listing`, then run"
    )?;
    writeln!(out, "#   tvcheck registry import THIS-FILE --db YOUR.db")?;
    writeln!(
        out,
        "# The import refuses the file while a country is still \"{COUNTRY_PLACEHOLDER}\". Ids were chosen not to"
    )?;
    writeln!(
        out,
        "# clash with the registry checked against; importing into another one may replace its entries."
    )?;
    if u.untracked_items > 0 {
        writeln!(
            out,
            "# {} more item{} had vendor strings beyond the first {UNIDENTIFIED_TRACKED} distinct ones and are not listed.",
            u.untracked_items,
            if u.untracked_items == 1 { "" } else { "s" }
        )?;
    }
    let list = entries(report, taken);
    if list.is_empty() {
        writeln!(out, "#")?;
        writeln!(out, "# Every item was identified: nothing to add.")?;
    }
    for e in &list {
        writeln!(out)?;
        for v in &e.strings {
            let more = v.items.saturating_sub(v.places.len() as u64);
            writeln!(
                out,
                "# '{}': {} item{}: {}{}",
                V(&v.vendor),
                v.items,
                if v.items == 1 { "" } else { "s" },
                V(&v.places.join(", ")),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )?;
        }
        let table = File {
            vendor: [VendorOut {
                id: &e.id,
                name: &e.strings[0].vendor,
                country: COUNTRY_PLACEHOLDER,
                aliases: e.strings[1..].iter().map(|v| v.vendor.as_str()).collect(),
            }],
        };
        let text = toml::to_string(&table).map_err(std::io::Error::other)?;
        out.write_all(text.as_bytes())?;
    }
    Ok(list.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Teltonika").as_deref(), Some("teltonika"));
        assert_eq!(
            slug("  Acme Radio, Inc. ").as_deref(),
            Some("acme-radio-inc")
        );
        assert_eq!(slug("Über Netz GmbH").as_deref(), Some("uber-netz-gmbh"));
        assert_eq!(slug("ＡＣＭＥ").as_deref(), Some("acme"));
        assert_eq!(slug("华为"), None);
        assert_eq!(slug("--"), None);
        let long = "a".repeat(70) + " b";
        assert_eq!(slug(&long).map(|s| s.len()), Some(64));
        for s in ["x y", "a--b", "-a-", &"ab ".repeat(40)] {
            let id = slug(s).unwrap();
            assert!(crate::registry::import::is_slug(&id), "{s:?} → {id:?}");
        }
        assert!(crate::registry::import::is_slug(&hashed_slug("华为")));
    }
}
