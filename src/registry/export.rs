//! Writing the registry back out in its import formats: TOML (lossless: everything the
//! registry holds, so that export then import reproduces the same content digest) and CSV
//! (the simple interchange format: ids, names, countries, aliases, patterns, parents and
//! `LIST@DATE` listings only).

use serde::Serialize;

use super::model::{Confidence, RegistryData, Scope};
use crate::date::Date;

#[derive(Serialize)]
struct FileOut<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    list: Vec<ListOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vendor: Vec<VendorOut<'a>>,
}

#[derive(Serialize)]
struct ListOut<'a> {
    id: &'a str,
    title: &'a str,
    jurisdiction: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<&'a str>,
    basis: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct VendorOut<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    model_patterns: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_since: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_until: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sources: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retired_on: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retired_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    listing: Vec<ListingOut<'a>>,
}

#[derive(Serialize)]
struct ListingOut<'a> {
    list: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    basis: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    listed_on: toml::value::Datetime,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    purposes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delisted_on: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delisted_reason: Option<&'a str>,
}

fn tdate(d: Date) -> toml::value::Datetime {
    toml::value::Datetime {
        date: Some(toml::value::Date {
            year: d.year() as u16,
            month: d.month(),
            day: d.day(),
        }),
        time: None,
        offset: None,
    }
}

fn conf(c: Confidence) -> Option<&'static str> {
    (c != Confidence::Confirmed).then(|| c.as_str())
}

/// The registry as a TOML import file.
pub fn to_toml(data: &RegistryData) -> String {
    let mut canon = data.clone();
    canon.canonicalize();
    let file = FileOut {
        list: canon
            .lists
            .iter()
            .map(|l| ListOut {
                id: &l.id,
                title: &l.title,
                jurisdiction: &l.jurisdiction,
                authority: l.authority.as_deref(),
                basis: &l.basis,
                source: &l.source,
                confidence: conf(l.confidence),
                notes: l.notes.as_deref(),
            })
            .collect(),
        vendor: canon
            .vendors
            .iter()
            .map(|v| VendorOut {
                id: &v.id,
                name: &v.name,
                country: v.country.as_deref(),
                aliases: &v.aliases,
                model_patterns: &v.model_patterns,
                parent: v.parent.as_deref(),
                parent_since: v.parent_since.map(tdate),
                parent_until: v.parent_until.map(tdate),
                confidence: conf(v.confidence),
                sources: &v.sources,
                notes: v.notes.as_deref(),
                retired_on: v.retired_on.map(tdate),
                retired_reason: v.retired_reason.as_deref(),
                listing: v
                    .listings
                    .iter()
                    .map(|l| ListingOut {
                        list: &l.list,
                        basis: l.basis.as_deref(),
                        source: l.source.as_deref(),
                        listed_on: tdate(l.listed_on),
                        scope: (l.scope != Scope::All).then(|| l.scope.as_str()),
                        purposes: &l.purposes,
                        confidence: conf(l.confidence),
                        notes: l.notes.as_deref(),
                        delisted_on: l.delisted_on.map(tdate),
                        delisted_reason: l.delisted_reason.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let body = toml::to_string(&file).unwrap_or_default();
    format!("# tvcheck registry export: import with `tvcheck registry import FILE --db PATH`.\n\n{body}")
}

/// The registry as a CSV import file (vendors only; list definitions, sources, notes,
/// scopes, retirements and delistings are not part of the CSV format).
pub fn to_csv(data: &RegistryData) -> std::io::Result<Vec<u8>> {
    let mut canon = data.clone();
    canon.canonicalize();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "name",
        "country",
        "aliases",
        "model_patterns",
        "parent",
        "lists",
    ])?;
    for v in &canon.vendors {
        let lists: Vec<String> = v
            .listings
            .iter()
            .map(|l| format!("{}@{}", l.list, l.listed_on))
            .collect();
        w.write_record([
            v.id.as_str(),
            v.name.as_str(),
            v.country.as_deref().unwrap_or(""),
            &v.aliases.join("|"),
            &v.model_patterns.join("|"),
            v.parent.as_deref().unwrap_or(""),
            &lists.join("|"),
        ])?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
