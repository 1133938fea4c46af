//! Writing the registry back out in its import formats, both lossless (everything the
//! registry holds, so that export then import into an empty database reproduces the same
//! content digest): TOML, and CSV in the long format: a `kind` column and the [`CSV_HEADER`]
//! columns, one row per list definition, then per vendor followed by one row per listing, in
//! canonical order. Multi-valued cells are joined with `|` and escaped
//! ([`join_multi`]: `\|`, `\\`); cells a spreadsheet would read as formulas (`=`, `+`, `-`,
//! `@`) get a leading `'` that the import removes ([`protect_cell`]).

use serde::Serialize;

use super::import::{join_multi, protect_cell};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    binding: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reaches_affiliates: Option<bool>,
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
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fcc_grantee_codes: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    affiliates: &'a [String],
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
                binding: (!l.binding).then_some(false),
                reaches_affiliates: l.reaches_affiliates.then_some(true),
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
                fcc_grantee_codes: &v.fcc_grantee_codes,
                affiliates: &v.affiliates,
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

/// The columns of the CSV export, in order: a `kind` column, then the union of the columns of
/// list, vendor and listing rows (each row fills only its own).
pub(crate) const CSV_HEADER: [&str; 30] = [
    "kind",
    "id",
    "vendor",
    "list",
    "title",
    "name",
    "jurisdiction",
    "country",
    "authority",
    "aliases",
    "model_patterns",
    "parent",
    "parent_since",
    "parent_until",
    "listed_on",
    "scope",
    "purposes",
    "basis",
    "source",
    "sources",
    "confidence",
    "notes",
    "delisted_on",
    "delisted_reason",
    "retired_on",
    "retired_reason",
    "affiliates",
    "binding",
    "reaches_affiliates",
    "fcc_grantee_codes",
];

/// One row of the CSV export, filled by column name.
struct CsvRow([String; CSV_HEADER.len()]);

impl CsvRow {
    fn new(kind: &str) -> CsvRow {
        let mut row = CsvRow(std::array::from_fn(|_| String::new()));
        row.set("kind", kind);
        row
    }

    /// Sets a cell, protected from being read as a formula.
    fn set(&mut self, col: &str, value: &str) {
        if let Some(i) = CSV_HEADER.iter().position(|c| *c == col) {
            self.0[i] = protect_cell(value);
        }
    }

    fn opt(&mut self, col: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.set(col, v);
        }
    }

    fn date(&mut self, col: &str, value: Option<Date>) {
        if let Some(d) = value {
            self.set(col, &d.to_string());
        }
    }

    /// Sets a multi-valued cell: the values joined with `|`, escaped.
    fn multi(&mut self, col: &str, values: &[String]) {
        self.set(col, &join_multi(values));
    }
}

/// The registry as a CSV import file in the long format: a `kind` column, the list rows, then
/// each vendor's row followed by its listing rows, in canonical order. It holds everything
/// the registry holds: exported, then imported into an empty database, it gives the same
/// digest. Cells that a spreadsheet would read as a formula get a leading `'`, which the
/// import removes ([`protect_cell`]).
pub fn to_csv(data: &RegistryData) -> std::io::Result<Vec<u8>> {
    let mut canon = data.clone();
    canon.canonicalize();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for l in &canon.lists {
        let mut row = CsvRow::new("list");
        row.set("id", &l.id);
        row.set("title", &l.title);
        row.set("jurisdiction", &l.jurisdiction);
        row.opt("authority", l.authority.as_deref());
        row.set("basis", &l.basis);
        row.set("source", &l.source);
        row.set("confidence", l.confidence.as_str());
        row.opt("notes", l.notes.as_deref());
        if !l.binding {
            row.set("binding", "false");
        }
        if l.reaches_affiliates {
            row.set("reaches_affiliates", "true");
        }
        w.write_record(&row.0)?;
    }
    for v in &canon.vendors {
        let mut row = CsvRow::new("vendor");
        row.set("id", &v.id);
        row.set("name", &v.name);
        row.opt("country", v.country.as_deref());
        row.multi("aliases", &v.aliases);
        row.multi("model_patterns", &v.model_patterns);
        row.multi("affiliates", &v.affiliates);
        row.multi("fcc_grantee_codes", &v.fcc_grantee_codes);
        row.opt("parent", v.parent.as_deref());
        row.date("parent_since", v.parent_since);
        row.date("parent_until", v.parent_until);
        row.set("confidence", v.confidence.as_str());
        row.multi("sources", &v.sources);
        row.opt("notes", v.notes.as_deref());
        row.date("retired_on", v.retired_on);
        row.opt("retired_reason", v.retired_reason.as_deref());
        w.write_record(&row.0)?;
        for l in &v.listings {
            let mut row = CsvRow::new("listing");
            row.set("vendor", &v.id);
            row.set("list", &l.list);
            row.date("listed_on", Some(l.listed_on));
            row.opt("basis", l.basis.as_deref());
            row.opt("source", l.source.as_deref());
            row.set("scope", l.scope.as_str());
            row.multi("purposes", &l.purposes);
            row.set("confidence", l.confidence.as_str());
            row.opt("notes", l.notes.as_deref());
            row.date("delisted_on", l.delisted_on);
            row.opt("delisted_reason", l.delisted_reason.as_deref());
            w.write_record(&row.0)?;
        }
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
