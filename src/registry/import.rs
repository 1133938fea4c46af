//! Registry import files (TOML and CSV): parsing with exact locations, and validation of
//! the whole import against what the database already holds.
//!
//! Parsing is strict: unknown keys, wrong types, impossible dates, unknown country codes and
//! malformed ids are errors that name file, line and column. Validation then checks the
//! references between entries (parents, lists, the vendors of CSV listing rows) and rejects
//! parent cycles.
//!
//! A registry CSV without a `kind` column has one vendor per row
//! (`id,name,country,aliases,model_patterns,parent,lists` and the optional [`VENDOR_COLUMNS`]).
//! With a `kind` column each row is a `list` ([`LIST_COLUMNS`]), a `vendor` or a `listing`
//! ([`LISTING_COLUMNS`]), and cells of columns that do not apply to the row's kind must be
//! empty. Listing rows may come before or after their vendor's row, or in another file of the
//! same import ([`PendingListing`], attached by [`merge_and_validate`]). Cells are trimmed
//! like TOML values; multi-valued cells are split by [`split_multi`] (`|` between values, `\|`
//! and `\\` inside one); a leading `'` protecting a formula character is removed by
//! [`unprotect_cell`]. Locations are physical lines (LF, CRLF or a lone CR) and the column of
//! the cell at fault.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
use crate::date::Date;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::source::lines::LineIndex;

/// Where each entry of an import file was written, for error messages.
#[derive(Clone, Debug, Default)]
pub struct Spots {
    /// Per vendor (same order as the data): the vendor table.
    pub vendors: Vec<Location>,
    /// Per vendor: its `parent` value.
    pub parents: Vec<Location>,
    /// Per vendor, per listing: its `list` value.
    pub listings: Vec<Vec<Location>>,
    /// Per vendor, per FCC grantee code: where the code is written.
    pub grantee_codes: Vec<Vec<Location>>,
    /// Per list definition.
    pub lists: Vec<Location>,
}

/// One parsed import file.
#[derive(Clone, Debug)]
pub struct ImportFile {
    /// The file as shown to users.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The entries it holds.
    pub data: RegistryData,
    /// Where they are.
    pub spots: Spots,
    /// The date the file's content was compiled (`compiled_on`), when it says.
    pub compiled_on: Option<Date>,
    /// Listing rows of a CSV file whose vendor row is not in the file: [`merge_and_validate`]
    /// attaches them to the vendor row of another file of the same import.
    pub pending: Vec<PendingListing>,
}

fn reg_err(loc: Location, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Registry, loc, msg)
}

/// Whether `s` is a valid id: lowercase ASCII letters, digits and single hyphens.
pub fn is_slug(s: &str) -> bool {
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
fn is_placeholder(code: &str) -> bool {
    code.eq_ignore_ascii_case(COUNTRY_PLACEHOLDER)
}

/// The error for a country left as the skeleton's placeholder: what to fill in.
fn placeholder_err(loc: Location, code: &str) -> Error {
    reg_err(
        loc,
        format!("the country is still the placeholder '{code}' of a registry skeleton written by `tvcheck check --unidentified-out`"),
    )
    .hint("fill in the ISO 3166-1 alpha-2 code of the country where the manufacturer is registered (e.g. CN, SE, US), or delete the line if it is not known, then import again; nothing was imported")
}

/// Reads an import file, choosing the format from its extension.
pub fn read_import_file(path: &Path) -> Result<ImportFile> {
    let bytes = crate::source::read_regular_file(
        path,
        crate::source::IMPORT_LIMIT,
        "registry import file",
        ErrorKind::Registry,
    )?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "toml" => {
            let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Registry)?;
            parse_toml(path, text)
        }
        "csv" => parse_csv(path, &bytes),
        _ => Err(reg_err(
            Location::file(path),
            "unsupported registry import format: use a .toml or .csv file",
        )
        .hint("see \"Registry import format\" in the README")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    compiled_on: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    list: Vec<Spanned<RawList>>,
    #[serde(default)]
    vendor: Vec<Spanned<RawVendor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    id: Spanned<String>,
    title: String,
    jurisdiction: Spanned<String>,
    authority: Option<String>,
    basis: String,
    source: String,
    confidence: Option<Spanned<String>>,
    notes: Option<String>,
    binding: Option<bool>,
    reaches_affiliates: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    id: Spanned<String>,
    name: Spanned<String>,
    country: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    model_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    fcc_grantee_codes: Vec<Spanned<String>>,
    #[serde(default)]
    affiliates: Vec<Spanned<String>>,
    parent: Option<Spanned<String>>,
    parent_since: Option<Spanned<toml::value::Datetime>>,
    parent_until: Option<Spanned<toml::value::Datetime>>,
    confidence: Option<Spanned<String>>,
    #[serde(default)]
    sources: Vec<String>,
    notes: Option<String>,
    #[serde(default)]
    listing: Vec<Spanned<RawListing>>,
    retired_on: Option<Spanned<toml::value::Datetime>>,
    retired_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListing {
    list: Spanned<String>,
    basis: Option<String>,
    source: Option<String>,
    listed_on: Spanned<toml::value::Datetime>,
    scope: Option<Spanned<String>>,
    #[serde(default)]
    purposes: Vec<String>,
    confidence: Option<Spanned<String>>,
    notes: Option<String>,
    delisted_on: Option<Spanned<toml::value::Datetime>>,
    delisted_reason: Option<String>,
}

struct Ctx<'a> {
    path: &'a Path,
    /// Line starts of the text: every entry records where it is, so a location must not cost
    /// a scan from the start of the file.
    lines: LineIndex<'a>,
}

impl Ctx<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (line, col) = self.lines.line_col(offset);
        Location::at(self.path, line, col)
    }

    fn err<T>(&self, offset: usize, msg: impl Into<String>) -> Result<T> {
        Err(reg_err(self.loc(offset), msg))
    }

    fn slug(&self, s: &Spanned<String>, what: &str) -> Result<String> {
        if !is_slug(s.get_ref()) {
            return Err(reg_err(
                self.loc(s.span().start),
                format!("'{}' is not a valid {what} id", s.get_ref()),
            )
            .hint("use lowercase letters, digits and single hyphens, e.g. hikvision or us-fcc-covered"));
        }
        Ok(s.get_ref().clone())
    }

    fn date(&self, d: &Spanned<toml::value::Datetime>, key: &str) -> Result<Date> {
        let v = d.get_ref();
        let date = match (v.date, v.time, v.offset) {
            (Some(date), None, None) => Date::from_toml(&date),
            _ => None,
        };
        date.ok_or_else(|| {
            reg_err(
                self.loc(d.span().start),
                format!("'{key}' must be a calendar date like 2021-03-12, not '{v}'"),
            )
        })
    }

    fn confidence(&self, c: Option<&Spanned<String>>) -> Result<Confidence> {
        match c {
            None => Ok(Confidence::Confirmed),
            Some(c) => Confidence::parse(c.get_ref()).map_or_else(
                || {
                    self.err(
                        c.span().start,
                        format!("confidence '{}' is not 'confirmed' or 'weak'", c.get_ref()),
                    )
                },
                Ok,
            ),
        }
    }

    fn country(&self, c: &Spanned<String>) -> Result<String> {
        let code = c.get_ref().trim();
        if crate::countries::is_alpha2(code) {
            Ok(code.to_string())
        } else if is_placeholder(code) {
            Err(placeholder_err(self.loc(c.span().start), code))
        } else {
            Err(reg_err(
                self.loc(c.span().start),
                format!("'{code}' is not an ISO 3166-1 alpha-2 country code"),
            )
            .hint(
                "use the two-letter uppercase code of the country of registration, e.g. CN, SE, US",
            ))
        }
    }

    fn grantee_code(&self, c: &Spanned<String>) -> Result<String> {
        check_grantee_code(c.get_ref()).map_err(|e| e.at(self.loc(c.span().start)))
    }

    fn pattern(&self, p: &Spanned<String>) -> Result<String> {
        let s = p.get_ref().trim();
        if s.is_empty() {
            return self.err(p.span().start, "a model pattern is empty");
        }
        globset::GlobBuilder::new(s)
            .case_insensitive(true)
            .build()
            .map_err(|e| {
                reg_err(
                    self.loc(p.span().start),
                    format!("model pattern '{s}' is not a valid glob: {}", e.kind()),
                )
                .hint("use * for any run of characters and ? for one character")
            })?;
        Ok(s.to_string())
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Why a value is not an FCC grantee code, before its location is known.
struct BadCode {
    message: String,
    hint: String,
}

impl BadCode {
    fn at(self, loc: Location) -> Error {
        reg_err(loc, self.message).hint(self.hint)
    }
}

/// Checks an FCC grantee code as written in an import file (trimmed like every value): upper
/// case, 3 characters beginning with a letter or 5 beginning with `2` ([`super::fcc`]).
fn check_grantee_code(value: &str) -> std::result::Result<String, BadCode> {
    let code = value.trim();
    if super::fcc::is_grantee_code(code) {
        return Ok(code.to_string());
    }
    let upper = code.to_ascii_uppercase();
    let hint = if super::fcc::is_grantee_code(&upper) {
        format!("write it in upper case: {upper}")
    } else if let Some(c) = super::fcc::grantee_code(code).filter(|c| c.len() < code.len()) {
        format!("give the grantee code only, the start of the FCC ID: {c}")
    } else {
        "a grantee code is 3 characters beginning with a letter (codes before 2013, e.g. SS3) or 5 beginning with 2 (e.g. 2ANDR), letters A-Z and digits only: the start of the FCC ID".to_string()
    };
    Err(BadCode {
        message: format!("'{code}' is not an FCC grantee code"),
        hint,
    })
}

/// Parses a TOML registry import file.
pub fn parse_toml(path: &Path, text: &str) -> Result<ImportFile> {
    let cx = Ctx {
        path,
        lines: LineIndex::new(text),
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        reg_err(
            cx.loc(offset),
            format!(
                "invalid registry file: {}",
                crate::error::one_line(e.message())
            ),
        )
        .hint("see \"Registry import format\" in the README")
    })?;
    let mut data = RegistryData::default();
    let mut spots = Spots::default();
    for l in &raw.list {
        let start = l.span().start;
        let l = l.get_ref();
        let id = cx.slug(&l.id, "list")?;
        let j = l.jurisdiction.get_ref().trim();
        if j != "EU" && !crate::countries::is_alpha2(j) {
            return cx.err(
                l.jurisdiction.span().start,
                format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
            );
        }
        for (key, val) in [
            ("title", &l.title),
            ("basis", &l.basis),
            ("source", &l.source),
        ] {
            if val.trim().is_empty() {
                return cx.err(start, format!("list '{id}' has an empty '{key}'"));
            }
        }
        data.lists.push(ListDef {
            id,
            title: l.title.trim().to_string(),
            jurisdiction: j.to_string(),
            authority: non_empty(l.authority.clone()),
            basis: l.basis.trim().to_string(),
            source: l.source.trim().to_string(),
            confidence: cx.confidence(l.confidence.as_ref())?,
            notes: non_empty(l.notes.clone()),
            binding: l.binding.unwrap_or(true),
            reaches_affiliates: l.reaches_affiliates.unwrap_or(false),
        });
        spots.lists.push(cx.loc(start));
    }
    for v in &raw.vendor {
        let start = v.span().start;
        let v = v.get_ref();
        let id = cx.slug(&v.id, "vendor")?;
        let name = v.name.get_ref().trim().to_string();
        if name.is_empty() {
            return cx.err(
                v.name.span().start,
                format!("vendor '{id}' has an empty name"),
            );
        }
        let country = v.country.as_ref().map(|c| cx.country(c)).transpose()?;
        let mut model_patterns = Vec::new();
        for p in &v.model_patterns {
            model_patterns.push(cx.pattern(p)?);
        }
        let mut fcc_grantee_codes = Vec::with_capacity(v.fcc_grantee_codes.len());
        let mut code_spots = Vec::with_capacity(v.fcc_grantee_codes.len());
        for c in &v.fcc_grantee_codes {
            fcc_grantee_codes.push(cx.grantee_code(c)?);
            code_spots.push(cx.loc(c.span().start));
        }
        let parent = v
            .parent
            .as_ref()
            .map(|p| cx.slug(p, "parent"))
            .transpose()?;
        let parent_since = v
            .parent_since
            .as_ref()
            .map(|d| cx.date(d, "parent_since"))
            .transpose()?;
        let parent_until = v
            .parent_until
            .as_ref()
            .map(|d| cx.date(d, "parent_until"))
            .transpose()?;
        if parent.is_none() && (parent_since.is_some() || parent_until.is_some()) {
            return cx.err(
                start,
                format!("vendor '{id}' has parent dates but no parent"),
            );
        }
        if let (Some(s), Some(u)) = (parent_since, parent_until) {
            if s >= u {
                return cx.err(
                    start,
                    format!("vendor '{id}': parent_since {s} is not before parent_until {u}"),
                );
            }
        }
        let mut listings = Vec::new();
        let mut listing_spots = Vec::new();
        for l in &v.listing {
            let lstart = l.span().start;
            let l = l.get_ref();
            let list = cx.slug(&l.list, "list")?;
            let scope = match &l.scope {
                None => Scope::All,
                Some(s) => Scope::parse(s.get_ref()).map_or_else(
                    || {
                        cx.err(
                            s.span().start,
                            format!("scope '{}' is not 'all' or 'purpose-limited'", s.get_ref()),
                        )
                    },
                    Ok,
                )?,
            };
            // Blank purposes are dropped, as blank aliases and sources are (a CSV cell cannot
            // carry an empty value, and an empty purpose never matches a domain).
            let purposes: Vec<String> = l
                .purposes
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if scope == Scope::All && !purposes.is_empty() {
                return cx.err(
                    lstart,
                    "'purposes' only applies to scope = \"purpose-limited\"",
                );
            }
            if scope == Scope::PurposeLimited && purposes.is_empty() {
                return cx.err(lstart, "a purpose-limited listing must name its 'purposes'");
            }
            let listed_on = cx.date(&l.listed_on, "listed_on")?;
            if listings
                .iter()
                .any(|x: &Listing| x.list == list && x.listed_on == listed_on)
            {
                return cx.err(
                    l.list.span().start,
                    format!("vendor '{id}' is listed on '{list}' on {listed_on} twice"),
                );
            }
            let delisted_on = l
                .delisted_on
                .as_ref()
                .map(|d| cx.date(d, "delisted_on"))
                .transpose()?;
            if let Some(d) = delisted_on {
                if d <= listed_on {
                    return cx.err(
                        lstart,
                        format!("delisted_on {d} is not after listed_on {listed_on}"),
                    );
                }
                if l.delisted_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty())
                {
                    return cx.err(lstart, "a delisted listing needs a 'delisted_reason'");
                }
            }
            listings.push(Listing {
                list,
                basis: non_empty(l.basis.clone()),
                source: non_empty(l.source.clone()),
                listed_on,
                delisted_on,
                delisted_reason: non_empty(l.delisted_reason.clone()),
                scope,
                purposes,
                confidence: cx.confidence(l.confidence.as_ref())?,
                notes: non_empty(l.notes.clone()),
            });
            listing_spots.push(cx.loc(l.list.span().start));
        }
        data.vendors.push(Vendor {
            id,
            name,
            country,
            aliases: v
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            model_patterns,
            fcc_grantee_codes,
            affiliates: {
                let mut out = Vec::with_capacity(v.affiliates.len());
                for a in &v.affiliates {
                    out.push(cx.slug(a, "affiliate")?);
                }
                out
            },
            parent,
            parent_since,
            parent_until,
            confidence: cx.confidence(v.confidence.as_ref())?,
            sources: v
                .sources
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            notes: non_empty(v.notes.clone()),
            listings,
            retired_on: v
                .retired_on
                .as_ref()
                .map(|d| cx.date(d, "retired_on"))
                .transpose()?,
            retired_reason: non_empty(v.retired_reason.clone()),
        });
        if let Some(last) = data.vendors.last() {
            if last.retired_on.is_some() && last.retired_reason.is_none() {
                return cx.err(
                    start,
                    format!("vendor '{}' is retired without a 'retired_reason'", last.id),
                );
            }
        }
        spots.vendors.push(cx.loc(start));
        spots.parents.push(
            v.parent
                .as_ref()
                .map_or_else(|| cx.loc(start), |p| cx.loc(p.span().start)),
        );
        spots.listings.push(listing_spots);
        spots.grantee_codes.push(code_spots);
    }
    if data.vendors.is_empty() && data.lists.is_empty() {
        return Err(reg_err(
            Location::file(path),
            "the file holds no [[vendor]] or [[list]] tables",
        )
        .hint("see \"Registry import format\" in the README"));
    }
    Ok(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::source::digest::sha256_hex(text.as_bytes()),
        data,
        spots,
        compiled_on: raw
            .compiled_on
            .as_ref()
            .map(|d| cx.date(d, "compiled_on"))
            .transpose()?,
        pending: Vec::new(),
    })
}

/// The columns a vendor row uses, and so all the columns of a registry CSV without a `kind`
/// column: the original seven, then the optional vendor facts.
pub const VENDOR_COLUMNS: [&str; 16] = [
    "id",
    "name",
    "country",
    "aliases",
    "model_patterns",
    "parent",
    "lists",
    "parent_since",
    "parent_until",
    "confidence",
    "sources",
    "notes",
    "retired_on",
    "retired_reason",
    "affiliates",
    "fcc_grantee_codes",
];

/// The columns a `list` row of a registry CSV uses.
pub const LIST_COLUMNS: [&str; 10] = [
    "id",
    "title",
    "jurisdiction",
    "authority",
    "basis",
    "source",
    "confidence",
    "notes",
    "binding",
    "reaches_affiliates",
];

/// The columns a `listing` row of a registry CSV uses.
pub const LISTING_COLUMNS: [&str; 11] = [
    "vendor",
    "list",
    "listed_on",
    "basis",
    "source",
    "scope",
    "purposes",
    "confidence",
    "notes",
    "delisted_on",
    "delisted_reason",
];

/// What one row of a registry CSV with a `kind` column is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowKind {
    List,
    Vendor,
    Listing,
}

impl RowKind {
    fn parse(s: &str) -> Option<RowKind> {
        match s.to_ascii_lowercase().as_str() {
            "list" => Some(RowKind::List),
            "vendor" => Some(RowKind::Vendor),
            "listing" => Some(RowKind::Listing),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            RowKind::List => "list",
            RowKind::Vendor => "vendor",
            RowKind::Listing => "listing",
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            RowKind::List => &LIST_COLUMNS,
            RowKind::Vendor => &VENDOR_COLUMNS,
            RowKind::Listing => &LISTING_COLUMNS,
        }
    }
}

/// A listing row of a registry CSV, before it is attached to its vendor.
#[derive(Clone, Debug)]
pub struct PendingListing {
    /// The vendor's id (the row's `vendor` cell).
    pub vendor: String,
    /// The listing.
    pub listing: Listing,
    /// Where the row's `list` cell is.
    pub location: Location,
    /// Where the row's `vendor` cell is.
    pub vendor_location: Location,
}

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// Whether `s` begins with a formula character or with `'`.
fn starts_quotable(s: &str) -> bool {
    s.starts_with(|c: char| c == '\'' || FORMULA_START.contains(&c))
}

/// Protects a registry CSV cell from being read as a formula: a cell beginning with `=`, `+`,
/// `-` or `@` gets a leading `'`, and so does one beginning with `'` followed by one of those
/// or by another `'`, so that [`unprotect_cell`] undoes it exactly.
pub fn protect_cell(cell: &str) -> String {
    let quoted = cell.strip_prefix('\'').is_some_and(starts_quotable);
    if quoted || cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`protect_cell`]: drops a leading `'` followed by `=`, `+`, `-`, `@` or `'`. Any
/// other cell is returned as it is.
pub fn unprotect_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_quotable(rest) => rest,
        _ => cell,
    }
}

/// Joins the values of a multi-valued cell with `|`, writing a backslash in a value as `\\`
/// and a bar as `\|`.
pub fn join_multi(values: &[String]) -> String {
    values
        .iter()
        .map(|v| v.replace('\\', "\\\\").replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join("|")
}

/// Splits a multi-valued cell at the bars that are not escaped, reads `\\` as a backslash and
/// `\|` as a bar, trims each value and drops blank ones. Any other backslash is an error,
/// returned as written (`\n`, or a lone `\` at the end).
pub fn split_multi(cell: &str) -> std::result::Result<Vec<String>, String> {
    let mut values = Vec::new();
    let mut cur = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '|')) => cur.push(e),
                Some(other) => return Err(format!("\\{other}")),
                None => return Err("\\".to_string()),
            },
            '|' => values.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    values.push(cur);
    Ok(values
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

/// Whether the byte at `i` ends a line: LF, or a CR not followed by LF (CRLF counts at its LF).
fn is_line_end(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => b.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// Physical line numbers of CSV records, counted from the bytes (the csv crate's own line
/// numbers skip blank lines).
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    ends: u64,
}

impl Lines<'_> {
    /// For a record the parser says starts at `byte` (which may point at blank lines before
    /// it): the offset of its first real byte and its physical line.
    fn locate(&mut self, byte: u64) -> (usize, u64) {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.pos {
            (self.pos, self.ends) = (0, 0);
        }
        self.ends += (self.pos..start)
            .filter(|&i| is_line_end(self.bytes, i))
            .count() as u64;
        self.pos = start;
        (start, self.ends + 1)
    }
}

/// The byte offset where field `k` of the record beginning at `start` begins.
fn field_start(b: &[u8], start: usize, k: usize) -> usize {
    let (mut i, mut field, mut at_start, mut quoted) = (start, 0, true, false);
    while i < b.len() && field < k {
        let c = b[i];
        if quoted {
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if c == b'"' && at_start {
            quoted = true;
        } else if c == b',' {
            field += 1;
            at_start = true;
            i += 1;
            continue;
        } else if c == b'\n' || c == b'\r' {
            break;
        }
        at_start = false;
        i += 1;
    }
    i
}

/// The physical line and the column (in characters) of byte `at` of `text`.
fn line_col_at(text: &str, at: usize) -> (u64, u64) {
    let b = text.as_bytes();
    let at = at.min(b.len());
    let line = (0..at).filter(|&i| is_line_end(b, i)).count() as u64 + 1;
    let line_start = b[..at]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |p| p + 1);
    let column = text.get(line_start..at).map_or(0, |s| s.chars().count()) as u64 + 1;
    (line, column)
}

/// One record of a registry CSV, with where it is.
struct Row<'a> {
    path: &'a Path,
    text: &'a str,
    headers: &'a [String],
    rec: &'a csv::StringRecord,
    /// Its physical line.
    line: u64,
    /// The byte offset of its first field.
    start: usize,
}

impl Row<'_> {
    /// The row's line.
    fn loc(&self) -> Location {
        Location::line(self.path, self.line)
    }

    fn index(&self, col: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == col)
    }

    /// The line and column where the cell of `col` begins (the row's line without that column).
    fn cell_loc(&self, col: &str) -> Location {
        match self.index(col) {
            Some(i) => {
                let at = field_start(self.text.as_bytes(), self.start, i);
                let (line, column) = line_col_at(self.text, at);
                Location::at(self.path, line, column)
            }
            None => self.loc(),
        }
    }

    /// An error about the cell of `col`.
    fn err(&self, col: &str, msg: impl Into<String>) -> Error {
        reg_err(self.cell_loc(col), msg)
    }

    /// The trimmed cell of `col` as written (empty without that column).
    fn raw(&self, col: &str) -> &str {
        self.index(col)
            .and_then(|i| self.rec.get(i))
            .unwrap_or("")
            .trim()
    }

    /// The cell's value: trimmed, without a formula-protecting `'`.
    fn value(&self, col: &str) -> &str {
        unprotect_cell(self.raw(col))
    }

    /// A yes/no cell (`true`/`false`, `yes`/`no`), `default` when empty.
    fn flag(&self, col: &str, default: bool) -> Result<bool> {
        match self.value(col).to_ascii_lowercase().as_str() {
            "" => Ok(default),
            "true" | "yes" => Ok(true),
            "false" | "no" => Ok(false),
            other => Err(self
                .err(col, format!("'{other}' in '{col}' is not true or false"))
                .hint("write true or false")),
        }
    }

    /// The value, `None` when the cell is empty.
    fn opt(&self, col: &str) -> Option<String> {
        Some(self.value(col))
            .filter(|v| !v.is_empty())
            .map(String::from)
    }

    /// A value that must be there.
    fn required(&self, kind: RowKind, id: &str, col: &str) -> Result<String> {
        self.opt(col).ok_or_else(|| {
            self.err(
                col,
                format!("{} '{id}' has an empty '{col}'", kind.as_str()),
            )
            .hint(format!(
                "a {} row needs {}",
                kind.as_str(),
                match kind {
                    RowKind::List => "id, title, jurisdiction, basis and source",
                    RowKind::Vendor => "id and name",
                    RowKind::Listing => "vendor, list and listed_on",
                }
            ))
        })
    }

    /// The values of a multi-valued cell.
    fn multi(&self, col: &str) -> Result<Vec<String>> {
        split_multi(self.value(col)).map_err(|bad| {
            self.err(
                col,
                format!("bad escape '{bad}' in '{col}': a backslash must be followed by \\ or |"),
            )
            .hint("values are separated by |; inside a value write \\| for a bar and \\\\ for a backslash")
        })
    }

    /// A date cell, `None` when empty.
    fn date(&self, col: &str) -> Result<Option<Date>> {
        match self.value(col) {
            "" => Ok(None),
            v => v.parse().map(Some).map_err(|e: crate::date::DateError| {
                self.err(col, format!("'{col}': {e}"))
                    .hint("write a calendar date as YYYY-MM-DD, e.g. 2021-03-12")
            }),
        }
    }

    fn confidence(&self) -> Result<Confidence> {
        match self.value("confidence") {
            "" => Ok(Confidence::Confirmed),
            c => Confidence::parse(c).ok_or_else(|| {
                self.err(
                    "confidence",
                    format!("confidence '{c}' is not 'confirmed' or 'weak'"),
                )
            }),
        }
    }

    /// An id cell.
    fn slug(&self, col: &str, what: &str) -> Result<String> {
        let s = self.value(col);
        if is_slug(s) {
            Ok(s.to_string())
        } else {
            Err(self
                .err(col, format!("'{s}' is not a valid {what} id"))
                .hint("use lowercase letters, digits and single hyphens"))
        }
    }

    /// The row's kind (files with a `kind` column).
    fn kind(&self) -> Result<RowKind> {
        let k = self.value("kind");
        let hint = "each row is a list definition, a vendor or one listing of a vendor";
        if k.is_empty() {
            return Err(self
                .err(
                    "kind",
                    "the row has an empty 'kind': say list, vendor or listing",
                )
                .hint(hint));
        }
        RowKind::parse(k).ok_or_else(|| {
            self.err(
                "kind",
                format!("kind '{k}' is not 'list', 'vendor' or 'listing'"),
            )
            .hint(hint)
        })
    }

    /// Checks that the cells that do not apply to the row's kind are empty.
    fn only(&self, kind: RowKind) -> Result<()> {
        for (i, h) in self.headers.iter().enumerate() {
            if h == "kind" || kind.columns().contains(&h.as_str()) {
                continue;
            }
            if !self.rec.get(i).unwrap_or("").trim().is_empty() {
                return Err(self
                    .err(
                        h,
                        format!("the '{h}' cell of a {} row must be empty", kind.as_str()),
                    )
                    .hint(format!(
                        "a {} row uses the columns {}",
                        kind.as_str(),
                        kind.columns().join(",")
                    )));
            }
        }
        Ok(())
    }
}

/// What a registry CSV holds, as it is read.
#[derive(Default)]
struct CsvContent {
    data: RegistryData,
    spots: Spots,
    pending: Vec<PendingListing>,
}

impl CsvContent {
    fn list_row(&mut self, row: &Row) -> Result<()> {
        let kind = RowKind::List;
        let id = row.slug("id", "list")?;
        let title = row.required(kind, &id, "title")?;
        let jurisdiction = row.required(kind, &id, "jurisdiction")?;
        if jurisdiction != "EU" && !crate::countries::is_alpha2(&jurisdiction) {
            return Err(row.err(
                "jurisdiction",
                format!("jurisdiction '{jurisdiction}' is not an ISO 3166-1 alpha-2 code or EU"),
            ));
        }
        let basis = row.required(kind, &id, "basis")?;
        let source = row.required(kind, &id, "source")?;
        self.data.lists.push(ListDef {
            id,
            title,
            jurisdiction,
            authority: row.opt("authority"),
            basis,
            source,
            confidence: row.confidence()?,
            notes: row.opt("notes"),
            binding: row.flag("binding", true)?,
            reaches_affiliates: row.flag("reaches_affiliates", false)?,
        });
        self.spots.lists.push(row.loc());
        Ok(())
    }

    fn vendor_row(&mut self, row: &Row) -> Result<()> {
        let id = row.slug("id", "vendor")?;
        let name = row.value("name").to_string();
        if name.is_empty() {
            return Err(row.err("name", format!("vendor '{id}' has an empty name")));
        }
        let country = match row.value("country") {
            "" => None,
            c if crate::countries::is_alpha2(c) => Some(c.to_string()),
            c if is_placeholder(c) => return Err(placeholder_err(row.cell_loc("country"), c)),
            c => {
                return Err(row
                    .err(
                        "country",
                        format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
                    )
                    .hint("use the two-letter uppercase code, e.g. CN"))
            }
        };
        let parent = match row.value("parent") {
            "" => None,
            p if is_slug(p) => Some(p.to_string()),
            p => return Err(row.err("parent", format!("parent '{p}' is not a valid vendor id"))),
        };
        let parent_since = row.date("parent_since")?;
        let parent_until = row.date("parent_until")?;
        if parent.is_none() && (parent_since.is_some() || parent_until.is_some()) {
            let col = if parent_since.is_some() {
                "parent_since"
            } else {
                "parent_until"
            };
            return Err(row.err(col, format!("vendor '{id}' has parent dates but no parent")));
        }
        if let (Some(s), Some(u)) = (parent_since, parent_until) {
            if s >= u {
                return Err(row.err(
                    "parent_until",
                    format!("vendor '{id}': parent_since {s} is not before parent_until {u}"),
                ));
            }
        }
        let mut model_patterns = Vec::new();
        for p in row.multi("model_patterns")? {
            if globset::GlobBuilder::new(&p).build().is_err() {
                return Err(row.err(
                    "model_patterns",
                    format!("model pattern '{p}' is not a valid glob"),
                ));
            }
            model_patterns.push(p);
        }
        let mut listings = Vec::new();
        let mut listing_spots = Vec::new();
        for entry in row.multi("lists")? {
            let Some((list, date)) = entry.split_once('@') else {
                return Err(row.err(
                    "lists",
                    format!("'{entry}' in 'lists' is not of the form LIST@YYYY-MM-DD"),
                ));
            };
            let list = list.trim().to_string();
            if !is_slug(&list) {
                return Err(row.err("lists", format!("'{list}' is not a valid list id")));
            }
            let listed_on: Date = date
                .parse()
                .map_err(|e| row.err("lists", format!("in 'lists': {e}")))?;
            if listings
                .iter()
                .any(|l: &Listing| l.list == list && l.listed_on == listed_on)
            {
                return Err(row.err(
                    "lists",
                    format!("vendor '{id}' is listed on '{list}' on {listed_on} twice"),
                ));
            }
            listings.push(Listing {
                list,
                basis: None,
                source: None,
                listed_on,
                delisted_on: None,
                delisted_reason: None,
                scope: Scope::All,
                purposes: Vec::new(),
                confidence: Confidence::Confirmed,
                notes: None,
            });
            // The cell holds several listings: the row's line names them all.
            listing_spots.push(row.loc());
        }
        let mut fcc_grantee_codes = Vec::new();
        for c in row.multi("fcc_grantee_codes")? {
            fcc_grantee_codes
                .push(check_grantee_code(&c).map_err(|e| e.at(row.cell_loc("fcc_grantee_codes")))?);
        }
        let retired_on = row.date("retired_on")?;
        let retired_reason = row.opt("retired_reason");
        if retired_on.is_some() && retired_reason.is_none() {
            return Err(row.err(
                "retired_on",
                format!("vendor '{id}' is retired without a 'retired_reason'"),
            ));
        }
        self.spots.vendors.push(row.loc());
        self.spots.parents.push(if parent.is_some() {
            row.cell_loc("parent")
        } else {
            row.loc()
        });
        self.spots.listings.push(listing_spots);
        // The cell holds all the codes: its place names each of them.
        let cell = row.cell_loc("fcc_grantee_codes");
        self.spots
            .grantee_codes
            .push(vec![cell; fcc_grantee_codes.len()]);
        self.data.vendors.push(Vendor {
            id,
            name,
            country,
            aliases: row.multi("aliases")?,
            model_patterns,
            fcc_grantee_codes,
            affiliates: {
                let mut out = Vec::new();
                for a in row.multi("affiliates")? {
                    if !is_slug(&a) {
                        return Err(row.err(
                            "affiliates",
                            format!("affiliate '{a}' is not a valid vendor id"),
                        ));
                    }
                    out.push(a);
                }
                out
            },
            parent,
            parent_since,
            parent_until,
            confidence: row.confidence()?,
            sources: row.multi("sources")?,
            notes: row.opt("notes"),
            listings,
            retired_on,
            retired_reason,
        });
        Ok(())
    }

    fn listing_row(&mut self, row: &Row) -> Result<()> {
        let vendor = row.slug("vendor", "vendor")?;
        let list = row.slug("list", "list")?;
        let listed_on = row.date("listed_on")?.ok_or_else(|| {
            row.err(
                "listed_on",
                format!("the listing of '{vendor}' on '{list}' has an empty 'listed_on'"),
            )
            .hint("write the date the listing starts as YYYY-MM-DD")
        })?;
        let scope = match row.value("scope") {
            "" => Scope::All,
            s => Scope::parse(s).ok_or_else(|| {
                row.err(
                    "scope",
                    format!("scope '{s}' is not 'all' or 'purpose-limited'"),
                )
                .hint("leave it empty for all, or write purpose-limited and name the purposes")
            })?,
        };
        let purposes = row.multi("purposes")?;
        if scope == Scope::All && !purposes.is_empty() {
            return Err(row.err(
                "purposes",
                "'purposes' only applies to scope purpose-limited",
            ));
        }
        if scope == Scope::PurposeLimited && purposes.is_empty() {
            return Err(row.err(
                "purposes",
                "a purpose-limited listing must name its 'purposes'",
            ));
        }
        let delisted_on = row.date("delisted_on")?;
        let delisted_reason = row.opt("delisted_reason");
        if let Some(d) = delisted_on {
            if d <= listed_on {
                return Err(row.err(
                    "delisted_on",
                    format!("delisted_on {d} is not after listed_on {listed_on}"),
                ));
            }
            if delisted_reason.is_none() {
                return Err(row.err(
                    "delisted_on",
                    "a delisted listing needs a 'delisted_reason'",
                ));
            }
        }
        self.pending.push(PendingListing {
            vendor,
            listing: Listing {
                list,
                basis: row.opt("basis"),
                source: row.opt("source"),
                listed_on,
                scope,
                purposes,
                confidence: row.confidence()?,
                notes: row.opt("notes"),
                delisted_on,
                delisted_reason,
            },
            location: row.cell_loc("list"),
            vendor_location: row.cell_loc("vendor"),
        });
        Ok(())
    }
}

/// Adds a listing row to its vendor; the same (list, listed_on) twice is an error.
fn attach(v: &mut Vendor, spots: &mut Vec<Location>, p: PendingListing) -> Result<()> {
    let l = &p.listing;
    if v.listings
        .iter()
        .any(|x| x.list == l.list && x.listed_on == l.listed_on)
    {
        return Err(reg_err(
            p.location,
            format!(
                "vendor '{}' is listed on '{}' on {} twice",
                v.id, l.list, l.listed_on
            ),
        )
        .hint("give each vendor, list and listed_on one listing"));
    }
    v.listings.push(p.listing);
    spots.push(p.location);
    Ok(())
}

fn columns_hint(long: bool) -> String {
    if long {
        format!(
            "the columns are kind, and for list rows {}; for vendor rows {}; for listing rows {}",
            LIST_COLUMNS.join(","),
            VENDOR_COLUMNS.join(","),
            LISTING_COLUMNS.join(",")
        )
    } else {
        format!(
            "the columns are {}; list and listing rows need a 'kind' column",
            VENDOR_COLUMNS.join(",")
        )
    }
}

/// Parses a CSV registry import file. Without a `kind` column every row is a vendor
/// (`id,name,country,aliases,model_patterns,parent,lists` and the optional vendor columns);
/// with one, each row is a `list`, a `vendor` or a `listing` (see the README).
pub fn parse_csv(path: &Path, bytes: &[u8]) -> Result<ImportFile> {
    let text = crate::source::decode_utf8(path, bytes, ErrorKind::Registry)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            reg_err(
                Location::line(path, 1),
                format!("malformed CSV header: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let long = headers.iter().any(|h| h == "kind");
    for (i, h) in headers.iter().enumerate() {
        let h = h.as_str();
        let known = if long {
            h == "kind"
                || LIST_COLUMNS.contains(&h)
                || VENDOR_COLUMNS.contains(&h)
                || LISTING_COLUMNS.contains(&h)
        } else {
            VENDOR_COLUMNS.contains(&h)
        };
        if !known {
            let e = reg_err(
                Location::at(path, 1, i as u64 + 1),
                format!("unknown column '{h}' in a registry CSV"),
            );
            let hint = if !long && (LIST_COLUMNS.contains(&h) || LISTING_COLUMNS.contains(&h)) {
                format!("'{h}' belongs to list or listing rows: add a 'kind' column saying what each row is (list, vendor or listing)")
            } else {
                columns_hint(long)
            };
            return Err(e.hint(hint));
        }
        if headers[..i].iter().any(|x| x == h) {
            return Err(reg_err(
                Location::line(path, 1),
                format!("the column '{h}' appears twice"),
            ));
        }
    }
    if !long {
        for required in ["id", "name"] {
            if !headers.iter().any(|h| h == required) {
                return Err(reg_err(
                    Location::line(path, 1),
                    format!("the registry CSV has no '{required}' column"),
                )
                .hint(format!(
                    "the header is {}, or add a 'kind' column for list, vendor and listing rows",
                    VENDOR_COLUMNS[..7].join(",")
                )));
            }
        }
    }
    let mut lines = Lines {
        bytes: text.as_bytes(),
        pos: 0,
        ends: 0,
    };
    let mut content = CsvContent::default();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            reg_err(Location::line(path, line), format!("malformed CSV: {e}"))
        })?;
        let (start, line) = lines.locate(rec.position().map_or(0, csv::Position::byte));
        let row = Row {
            path,
            text,
            headers: &headers,
            rec: &rec,
            line,
            start,
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            return Err(reg_err(
                row.loc(),
                format!(
                    "this row has {} fields but the header has {}",
                    rec.len(),
                    headers.len()
                ),
            ));
        }
        rows += 1;
        let kind = if long { row.kind()? } else { RowKind::Vendor };
        if long {
            row.only(kind)?;
        }
        match kind {
            RowKind::List => content.list_row(&row)?,
            RowKind::Vendor => content.vendor_row(&row)?,
            RowKind::Listing => content.listing_row(&row)?,
        }
    }
    if rows == 0 {
        return Err(reg_err(
            Location::file(path),
            "the registry CSV has a header but no rows",
        ));
    }
    let CsvContent {
        mut data,
        mut spots,
        pending: rows_pending,
    } = content;
    let mut pending = Vec::new();
    let index: HashMap<String, usize> = data
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();
    for p in rows_pending {
        let i = index.get(&p.vendor).copied();
        match i.and_then(|i| Some((data.vendors.get_mut(i)?, spots.listings.get_mut(i)?))) {
            Some((v, s)) => attach(v, s, p)?,
            None => pending.push(p),
        }
    }
    Ok(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::source::digest::sha256_hex(bytes),
        data,
        spots,
        compiled_on: None,
        pending,
    })
}

/// Attaches the listing rows of CSV files whose vendor row is in another file of the import.
fn attach_pending(files: &[ImportFile]) -> Result<Vec<ImportFile>> {
    let mut out = files.to_vec();
    // (file, vendor) of each vendor id, the first file that defines it.
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    for (k, f) in files.iter().enumerate() {
        for (i, v) in f.data.vendors.iter().enumerate() {
            index.entry(v.id.clone()).or_insert((k, i));
        }
    }
    for p in files.iter().flat_map(|f| &f.pending) {
        let target = index.get(&p.vendor).and_then(|&(k, i)| {
            let f = out.get_mut(k)?;
            Some((f.data.vendors.get_mut(i)?, f.spots.listings.get_mut(i)?))
        });
        let Some((v, spots)) = target else {
            return Err(reg_err(
                p.vendor_location.clone(),
                format!(
                    "a listing row for vendor '{}', which no vendor row of this import defines",
                    p.vendor
                ),
            )
            .hint(format!(
                "add a vendor row (kind vendor, id {}) to this file, or import the file that has it in the same command",
                p.vendor
            )));
        };
        attach(v, spots, p.clone())?;
    }
    for f in &mut out {
        f.pending.clear();
    }
    Ok(out)
}

/// Updates an existing entry from an imported one. Identity facts are replaced; listings are
/// merged by (list, date) and never dropped; a retirement or delisting is never undone.
fn merge_vendor(x: &mut Vendor, v: &Vendor) {
    let old_listings = std::mem::take(&mut x.listings);
    let (retired_on, retired_reason) = (x.retired_on, x.retired_reason.take());
    *x = v.clone();
    if x.retired_on.is_none() {
        x.retired_on = retired_on;
        x.retired_reason = retired_reason;
    }
    for old in old_listings {
        match x
            .listings
            .iter_mut()
            .find(|l| l.list == old.list && l.listed_on == old.listed_on)
        {
            Some(new) => {
                if new.delisted_on.is_none() {
                    new.delisted_on = old.delisted_on;
                    new.delisted_reason = old.delisted_reason;
                }
            }
            None => x.listings.push(old),
        }
    }
}

/// Checks that no FCC grantee code belongs to two entries of the merged content; the error
/// names where the import writes the code (an entry of the import against one of the import
/// or one the registry already holds).
fn check_grantee_codes_unique(merged: &RegistryData, files: &[ImportFile]) -> Result<()> {
    // code -> (entry, where the import writes it)
    let mut owner: HashMap<&str, (&str, Option<&Location>)> = HashMap::new();
    let clash = |code: &str, id: &str, other: &str, loc: Location, first: Option<&Location>| {
        let first = first.map_or_else(
            || " (already in the registry)".to_string(),
            |l| format!(" (at {l})"),
        );
        Err(reg_err(
            loc,
            format!("FCC grantee code '{code}' of vendor '{id}' already belongs to vendor '{other}'{first}"),
        )
        .hint("a grantee code names one applicant: keep it on one entry (the applicant, or the entity that controls it) and remove it from the other; to move it, import both entries again in the same command"))
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
                        return clash(code, &v.id, other, here, first);
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
    for v in &merged.vendors {
        for code in &v.fcc_grantee_codes {
            match owner.get(code.as_str()) {
                Some(&(other, Some(loc))) if other != v.id => {
                    return clash(code, other, &v.id, loc.clone(), None);
                }
                Some(&(other, None)) if other != v.id => {
                    let path = files.first().map_or("registry", |f| f.path.as_str());
                    return clash(code, &v.id, other, Location::file(path), None);
                }
                Some(_) => {}
                None => {
                    owner.insert(code, (&v.id, None));
                }
            }
        }
    }
    Ok(())
}

/// Merges import files over `existing` (later entries replace earlier ones with the same id)
/// and checks the result: ids unique within the import, CSV listing rows attached to a vendor
/// row of the import, parents and lists resolvable, every listing with a legal basis, each FCC
/// grantee code on one entry, no parent cycles.
pub fn merge_and_validate(existing: &RegistryData, files: &[ImportFile]) -> Result<RegistryData> {
    let mut seen_vendor: HashMap<&str, &Location> = HashMap::new();
    let mut seen_list: HashMap<&str, &Location> = HashMap::new();
    for f in files {
        for (v, loc) in f.data.vendors.iter().zip(&f.spots.vendors) {
            if let Some(first) = seen_vendor.insert(&v.id, loc) {
                return Err(reg_err(
                    loc.clone(),
                    format!("vendor id '{}' is defined twice (first at {first})", v.id),
                )
                .hint("give each vendor a unique id, or merge the two entries"));
            }
        }
        for (l, loc) in f.data.lists.iter().zip(&f.spots.lists) {
            if let Some(first) = seen_list.insert(&l.id, loc) {
                return Err(reg_err(
                    loc.clone(),
                    format!("list id '{}' is defined twice (first at {first})", l.id),
                ));
            }
        }
    }
    let attached;
    let files = if files.iter().any(|f| !f.pending.is_empty()) {
        attached = attach_pending(files)?;
        attached.as_slice()
    } else {
        files
    };
    let mut merged = existing.clone();
    // Positions by id, so that merging is linear in the number of entries.
    let mut list_at: HashMap<String, usize> = merged
        .lists
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    let mut vendor_at: HashMap<String, usize> = merged
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();
    for f in files {
        for l in &f.data.lists {
            match list_at.get(&l.id).and_then(|&i| merged.lists.get_mut(i)) {
                Some(x) => *x = l.clone(),
                None => {
                    list_at.insert(l.id.clone(), merged.lists.len());
                    merged.lists.push(l.clone());
                }
            }
        }
        for v in &f.data.vendors {
            match vendor_at
                .get(&v.id)
                .and_then(|&i| merged.vendors.get_mut(i))
            {
                Some(x) => merge_vendor(x, v),
                None => {
                    vendor_at.insert(v.id.clone(), merged.vendors.len());
                    merged.vendors.push(v.clone());
                }
            }
        }
    }
    let vendor_ids: HashSet<&str> = merged.vendors.iter().map(|v| v.id.as_str()).collect();
    let lists: HashMap<&str, &ListDef> = merged.lists.iter().map(|l| (l.id.as_str(), l)).collect();
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            if let Some(p) = &v.parent {
                if p == &v.id {
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!("vendor '{}' names itself as parent", v.id),
                    ));
                }
                if !vendor_ids.contains(p.as_str()) {
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!(
                            "vendor '{}' names parent '{p}', which is not in the registry",
                            v.id
                        ),
                    )
                    .hint("import the parent's entry too (in the same run or before)"));
                }
            }
            for a in &v.affiliates {
                if a == &v.id || !vendor_ids.contains(a.as_str()) {
                    return Err(reg_err(
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
                    .hint("import the affiliate's entry too (in the same run or before)"));
                }
            }
            for (j, l) in v.listings.iter().enumerate() {
                if l.basis.is_none() && !lists.contains_key(l.list.as_str()) {
                    return Err(reg_err(
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
    check_grantee_codes_unique(&merged, files)?;
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
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!("parent cycle: {}", chain.join(" → ")),
                    )
                    .hint("an entity cannot control itself through its subsidiaries; fix one of the parent links"));
                }
                chain.push(p);
                cur = p;
            }
            acyclic.extend(chain);
        }
    }
    merged.canonicalize();
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(text: &str) -> Result<ImportFile> {
        parse_toml(Path::new("r.toml"), text)
    }

    #[test]
    fn accepts_the_documented_shape() {
        let f = toml(
            r#"
[[vendor]]
id = "huawei"
name = "Huawei Technologies Co., Ltd."
country = "CN"
aliases = ["Huawei", "Huawei Device Co., Ltd."]
model_patterns = ["OptiX*"]

  [[vendor.listing]]
  list = "us-fcc-covered"
  basis = "Secure and Trusted Communications Networks Act of 2019, 47 CFR 1.50002"
  source = "https://www.fcc.gov/supplychain/coveredlist"
  listed_on = 2021-03-12
"#,
        )
        .unwrap();
        let v = &f.data.vendors[0];
        assert_eq!(v.id, "huawei");
        assert_eq!(v.country.as_deref(), Some("CN"));
        assert_eq!(v.listings[0].listed_on.to_string(), "2021-03-12");
        assert_eq!(f.spots.vendors[0].line, Some(2));
        merge_and_validate(&RegistryData::default(), &[f]).unwrap();
    }

    #[test]
    fn strict_errors_name_line_and_column() {
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(4));
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncountry = \"ZZ\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:11");
        let e = toml("[[vendor]]\nid = \"A B\"\nname = \"A\"\n").unwrap_err();
        assert!(e.message.contains("not a valid vendor id"));
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2025-02-30\n")
            .unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(6), "{e}");
    }

    #[test]
    fn fcc_grantee_codes_are_validated_with_their_place() {
        let codes = |list: &str| {
            toml(&format!(
                "[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = {list}\n"
            ))
        };
        let f = codes("[\"SS3\", \" 2ANDR \", \"SS3\"]").unwrap();
        assert_eq!(f.data.vendors[0].fcc_grantee_codes, ["SS3", "2ANDR", "SS3"]);
        assert_eq!(f.spots.grantee_codes[0][1].to_string(), "r.toml:4:29");
        let merged = merge_and_validate(&RegistryData::default(), &[f]).unwrap();
        assert_eq!(merged.vendors[0].fcc_grantee_codes, ["2ANDR", "SS3"]);
        for (bad, hint) in [
            ("ss3", "write it in upper case: SS3"),
            (
                "SS3-MT2PD2007",
                "give the grantee code only, the start of the FCC ID: SS3",
            ),
            (
                "FCC ID: 2ANDR",
                "give the grantee code only, the start of the FCC ID: 2ANDR",
            ),
            ("2AND", "a grantee code is 3 characters"),
            ("3SS", "a grantee code is 3 characters"),
            ("S-3", "a grantee code is 3 characters"),
            ("", "a grantee code is 3 characters"),
        ] {
            let e = codes(&format!("[\"2ANDR\", \"{bad}\"]")).unwrap_err();
            assert_eq!(
                e.location.as_ref().unwrap().to_string(),
                "r.toml:4:31",
                "{bad}"
            );
            assert_eq!(
                e.message,
                format!("'{bad}' is not an FCC grantee code"),
                "{bad}"
            );
            assert!(e.hint.as_deref().unwrap().starts_with(hint), "{bad}: {e}");
        }
        let e = codes("\"SS3\"").unwrap_err();
        assert!(e.message.contains("invalid registry file"), "{e}");
    }

    #[test]
    fn a_grantee_code_belongs_to_one_entry() {
        let two = "[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\"]\n[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"2ANDR\", \"SS3\"]\n";
        let e = merge_and_validate(&RegistryData::default(), &[toml(two).unwrap()]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:8:31");
        assert_eq!(
            e.message,
            "FCC grantee code 'SS3' of vendor 'b' already belongs to vendor 'a' (at r.toml:4:22)"
        );
        // Against an entry the registry holds, which the import does not touch.
        let existing = merge_and_validate(
            &RegistryData::default(),
            &[
                toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\"]\n")
                    .unwrap(),
            ],
        )
        .unwrap();
        let b =
            toml("[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"SS3\"]\n").unwrap();
        let e = merge_and_validate(&existing, &[b]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:22");
        assert_eq!(
            e.message,
            "FCC grantee code 'SS3' of vendor 'b' already belongs to vendor 'a' (already in the registry)"
        );
        // Moving a code: both entries in the same import.
        let moved = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nfcc_grantee_codes = [\"SS3\"]\n").unwrap();
        let merged = merge_and_validate(&existing, &[moved]).unwrap();
        assert!(merged.vendors[0].fcc_grantee_codes.is_empty());
        assert_eq!(merged.vendors[1].fcc_grantee_codes, ["SS3"]);
        // The same code twice on one entry is kept once.
        let same =
            toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nfcc_grantee_codes = [\"SS3\", \"SS3\"]\n")
                .unwrap();
        merge_and_validate(&existing, &[same]).unwrap();
    }

    #[test]
    fn csv_grantee_codes_are_a_multi_valued_cell() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\ndji,DJI,SS3|2ANDR\nother,Other,\n",
        )
        .unwrap();
        assert_eq!(f.data.vendors[0].fcc_grantee_codes, ["SS3", "2ANDR"]);
        assert!(f.data.vendors[1].fcc_grantee_codes.is_empty());
        let e = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\ndji,DJI,SS3|2andr\n",
        )
        .unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:2:9");
        assert!(
            e.message.contains("'2andr' is not an FCC grantee code"),
            "{e}"
        );
        let e = parse_csv(
            Path::new("r.csv"),
            b"id,name,fcc_grantee_codes\na,A,SS3\nb,B,SS3\n",
        )
        .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[e]).unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:3:5");
        assert!(
            e.message
                .contains("already belongs to vendor 'a' (at r.csv:2:5)"),
            "{e}"
        );
    }

    #[test]
    fn blank_purposes_are_dropped_like_blank_aliases() {
        let listing = |scope: &str, purposes: &str| {
            toml(&format!("[[vendor]]\nid = \"a\"\nname = \"A\"\naliases = [\" \", \" A \"]\n[[vendor.listing]]\nlist = \"l\"\nbasis = \"b\"\nlisted_on = 2020-01-01\nscope = \"{scope}\"\npurposes = {purposes}\n"))
        };
        let f = listing("purpose-limited", "[\" x \", \"\", \"  \"]").unwrap();
        assert_eq!(f.data.vendors[0].aliases, ["A"]);
        assert_eq!(f.data.vendors[0].listings[0].purposes, ["x"]);
        let e = listing("purpose-limited", "[\" \"]").unwrap_err();
        assert!(e.message.contains("must name its 'purposes'"), "{e}");
        listing("all", "[\"\"]").unwrap();
    }

    #[test]
    fn references_and_cycles_are_checked() {
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"zz\"\n").unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("not in the registry"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"b\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nparent = \"a\"\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.starts_with("parent cycle: a → b → a"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2020-01-01\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("no legal basis"), "{e}");
        let f =
            toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor]]\nid = \"a\"\nname = \"B\"\n")
                .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(
            e.message.contains("defined twice (first at r.toml:1"),
            "{e}"
        );
    }

    #[test]
    fn multi_values_escape_bars_and_backslashes() {
        let values: Vec<String> = ["a|b", "c\\d", "\\", "|", "\\|", "x\\", "plain", "é ü"]
            .into_iter()
            .map(String::from)
            .collect();
        let cell = join_multi(&values);
        assert_eq!(cell, "a\\|b|c\\\\d|\\\\|\\||\\\\\\||x\\\\|plain|é ü");
        assert_eq!(split_multi(&cell).unwrap(), values);
        // Old cells without backslashes read as before: split at bars, trimmed, blanks dropped.
        assert_eq!(
            split_multi(" Hikvision | HIK ||  | DS-2CD* ").unwrap(),
            ["Hikvision", "HIK", "DS-2CD*"]
        );
        assert!(split_multi("").unwrap().is_empty());
        // Values are trimmed as the TOML import trims them; spaces inside stay.
        assert_eq!(
            split_multi("  two  words \\|  | x").unwrap(),
            ["two  words |", "x"]
        );
        assert_eq!(join_multi(&[]), "");
        // Any other backslash is an error naming it.
        assert_eq!(split_multi("C:\\Acme").unwrap_err(), "\\A");
        assert_eq!(split_multi("a|b\\").unwrap_err(), "\\");
        assert_eq!(split_multi("a\\nb").unwrap_err(), "\\n");
    }

    #[test]
    fn formula_cells_are_protected_reversibly() {
        for (value, cell) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-Acme", "'-Acme"),
            ("@x", "'@x"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'", "'"),
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("a=b", "a=b"),
            ("", ""),
            ("Huawei", "Huawei"),
        ] {
            assert_eq!(protect_cell(value), cell, "{value}");
            assert_eq!(unprotect_cell(cell), value, "{cell}");
        }
    }

    #[test]
    fn a_skeleton_placeholder_country_says_to_fill_it_in() {
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncountry = \"TODO\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:11");
        assert!(
            e.message
                .contains("the country is still the placeholder 'TODO'"),
            "{e}"
        );
        assert!(
            e.hint
                .as_deref()
                .unwrap()
                .starts_with("fill in the ISO 3166-1 alpha-2 code"),
            "{e}"
        );
        let e = parse_csv(Path::new("r.csv"), b"id,name,country\na,A,todo\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.csv:2:5");
        assert!(
            e.message
                .contains("the country is still the placeholder 'todo'"),
            "{e}"
        );
    }

    #[test]
    fn csv_cell_locations_are_physical_lines_and_columns() {
        let csv = |text: &str| parse_csv(Path::new("r.csv"), text.as_bytes()).unwrap_err();
        // After a quoted cell holding a line break, blank lines and CRLF line ends.
        let e = csv("kind,id,name,notes,country\r\nvendor,a,A,\"two\r\nlines\",GB\r\n\r\n\r\nvendor,b,\"B, Inc.\",,XX\r\n");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:6:21");
        // A cell after a quoted line break is on the next line.
        let e = csv("kind,id,name,notes,country\nvendor,a,A,\"x\ny\",XX\n");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:3:4");
        // Lone CR line ends count as lines.
        let e = csv("id,name,country\ra,A,GB\rb,B,ZZ\r");
        assert_eq!(e.location.unwrap().to_string(), "r.csv:3:5");
    }

    #[test]
    fn csv_listing_rows_attach_to_their_vendor() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"kind,id,name,vendor,list,listed_on,basis\nlisting,,,b,l,2021-01-01,Act\nvendor,a,A,,,,\nvendor,b,B,,,,\nlisting,,,zz,l,2021-01-01,Act\n",
        )
        .unwrap();
        assert!(f.data.vendors[0].listings.is_empty());
        assert_eq!(f.data.vendors[1].listings[0].basis.as_deref(), Some("Act"));
        assert_eq!(f.spots.listings[1][0].to_string(), "r.csv:2:13");
        assert_eq!(f.pending.len(), 1);
        assert_eq!(f.pending[0].vendor, "zz");
        let e = merge_and_validate(&RegistryData::default(), std::slice::from_ref(&f)).unwrap_err();
        assert!(e.message.contains("no vendor row of this import"), "{e}");
        let other = parse_csv(Path::new("zz.csv"), b"id,name\nzz,ZZ\n").unwrap();
        let merged = merge_and_validate(&RegistryData::default(), &[f, other]).unwrap();
        assert_eq!(merged.listing_count(), 2);
    }

    #[test]
    fn csv_import() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"id,name,country,aliases,model_patterns,parent,lists\nhik,Hangzhou Hikvision,CN,Hikvision|HIK,DS-2CD*,,us-fcc-covered@2021-03-12\nezviz,EZVIZ,CN,,,hik,\n",
        )
        .unwrap();
        assert_eq!(f.data.vendors.len(), 2);
        assert_eq!(f.data.vendors[0].aliases, vec!["Hikvision", "HIK"]);
        assert_eq!(f.data.vendors[0].listings[0].list, "us-fcc-covered");
        assert_eq!(f.data.vendors[1].parent.as_deref(), Some("hik"));
        let e = parse_csv(Path::new("r.csv"), b"id,name,lists\nhik,H,us@2021-02-30\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(2));
        let e = parse_csv(Path::new("r.csv"), b"id,name,colour\n").unwrap_err();
        assert!(e.message.contains("unknown column 'colour'"));
    }
}
