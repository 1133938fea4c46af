//! The CSV registry import format: the header, rows of one kind (vendors) or of three (lists,
//! vendors, listings, with a `kind` column), multi-valued cells, formula protection of cells,
//! and the physical line and column of every cell.

use std::collections::HashMap;
use std::path::Path;

use super::validate::{check_grantee_code, coded, is_placeholder, is_slug, placeholder_err};
use super::{ImportFile, Spots};
use crate::date::Date;
use crate::error::{code, Diagnostics, Error, ErrorKind, Location, Result};
use crate::registry::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};

/// The columns a vendor row uses, and so all the columns of a registry CSV without a `kind`
/// column: the original seven, then the optional vendor facts.
pub(crate) const VENDOR_COLUMNS: [&str; 16] = [
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
pub(crate) const LIST_COLUMNS: [&str; 10] = [
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
pub(crate) const LISTING_COLUMNS: [&str; 11] = [
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
pub(crate) fn protect_cell(cell: &str) -> String {
    let quoted = cell.strip_prefix('\'').is_some_and(starts_quotable);
    if quoted || cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`protect_cell`]: drops a leading `'` followed by `=`, `+`, `-`, `@` or `'`. Any
/// other cell is returned as it is.
pub(crate) fn unprotect_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_quotable(rest) => rest,
        _ => cell,
    }
}

/// Joins the values of a multi-valued cell with `|`, writing a backslash in a value as `\\`
/// and a bar as `\|`.
pub(crate) fn join_multi(values: &[String]) -> String {
    values
        .iter()
        .map(|v| v.replace('\\', "\\\\").replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join("|")
}

/// Splits a multi-valued cell at the bars that are not escaped, reads `\\` as a backslash and
/// `\|` as a bar, trims each value and drops blank ones. Any other backslash is an error,
/// returned as written (`\n`, or a lone `\` at the end).
pub(crate) fn split_multi(cell: &str) -> std::result::Result<Vec<String>, String> {
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

    /// An error with its code about the cell of `col`.
    fn err(&self, code: &'static str, col: &str, msg: impl Into<String>) -> Error {
        coded(code, self.cell_loc(col), msg)
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
                .err(
                    code::REGISTRY_VALUE,
                    col,
                    format!("'{other}' in '{col}' is not true or false"),
                )
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
                code::REGISTRY_EMPTY,
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
                code::REGISTRY_CSV_CELL,
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
                self.err(code::REGISTRY_DATE, col, format!("'{col}': {e}"))
                    .hint("write a calendar date as YYYY-MM-DD, e.g. 2021-03-12")
            }),
        }
    }

    /// A date cell, `None` when empty, `Some(None)` when bad (the problem recorded).
    fn opt_date(&self, d: &mut Diagnostics, col: &str) -> Option<Option<Date>> {
        match self.date(col) {
            Ok(v) => v.map(Some),
            Err(e) => {
                d.push(e);
                Some(None)
            }
        }
    }

    fn confidence(&self) -> Result<Confidence> {
        match self.value("confidence") {
            "" => Ok(Confidence::Confirmed),
            c => Confidence::parse(c).ok_or_else(|| {
                self.err(
                    code::REGISTRY_VALUE,
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
                .err(
                    code::REGISTRY_ID,
                    col,
                    format!("'{s}' is not a valid {what} id"),
                )
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
                    code::REGISTRY_CSV_CELL,
                    "kind",
                    "the row has an empty 'kind': say list, vendor or listing",
                )
                .hint(hint));
        }
        RowKind::parse(k).ok_or_else(|| {
            self.err(
                code::REGISTRY_CSV_CELL,
                "kind",
                format!("kind '{k}' is not 'list', 'vendor' or 'listing'"),
            )
            .hint(hint)
        })
    }

    /// Checks that the cells that do not apply to the row's kind are empty, recording each
    /// one that is not.
    fn only(&self, d: &mut Diagnostics, kind: RowKind) {
        for (i, h) in self.headers.iter().enumerate() {
            if h == "kind" || kind.columns().contains(&h.as_str()) {
                continue;
            }
            if !self.rec.get(i).unwrap_or("").trim().is_empty() {
                d.push(
                    self.err(
                        code::REGISTRY_CSV_CELL,
                        h,
                        format!("the '{h}' cell of a {} row must be empty", kind.as_str()),
                    )
                    .hint(format!(
                        "a {} row uses the columns {}",
                        kind.as_str(),
                        kind.columns().join(",")
                    )),
                );
            }
        }
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
    /// A `list` row, its problems recorded; added when it has none.
    fn list_row(&mut self, d: &mut Diagnostics, row: &Row) {
        let before = d.len();
        let kind = RowKind::List;
        let id = d.ok(row.slug("id", "list"));
        let shown = id.clone().unwrap_or_else(|| row.value("id").to_string());
        let title = d.ok(row.required(kind, &shown, "title"));
        let jurisdiction = d.ok(row.required(kind, &shown, "jurisdiction"));
        if let Some(j) = jurisdiction
            .as_deref()
            .filter(|j| *j != "EU" && !crate::countries::is_alpha2(j))
        {
            d.push(row.err(
                code::REGISTRY_COUNTRY,
                "jurisdiction",
                format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
            ));
        }
        let basis = d.ok(row.required(kind, &shown, "basis"));
        let source = d.ok(row.required(kind, &shown, "source"));
        let confidence = d.ok(row.confidence());
        let binding = d.ok(row.flag("binding", true));
        let reaches_affiliates = d.ok(row.flag("reaches_affiliates", false));
        if d.len() > before {
            return;
        }
        let (
            Some(id),
            Some(title),
            Some(jurisdiction),
            Some(basis),
            Some(source),
            Some(confidence),
            Some(binding),
            Some(reaches_affiliates),
        ) = (
            id,
            title,
            jurisdiction,
            basis,
            source,
            confidence,
            binding,
            reaches_affiliates,
        )
        else {
            return;
        };
        self.data.lists.push(ListDef {
            id,
            title,
            jurisdiction,
            authority: row.opt("authority"),
            basis,
            source,
            confidence,
            notes: row.opt("notes"),
            binding,
            reaches_affiliates,
        });
        self.spots.lists.push(row.loc());
    }

    /// A `vendor` row (every row of a file without a `kind` column), its problems recorded;
    /// added when it has none.
    #[allow(clippy::too_many_lines)]
    fn vendor_row(&mut self, d: &mut Diagnostics, row: &Row) {
        let before = d.len();
        let id = d.ok(row.slug("id", "vendor"));
        let shown = id.clone().unwrap_or_else(|| row.value("id").to_string());
        let name = row.value("name").to_string();
        if name.is_empty() {
            d.push(row.err(
                code::REGISTRY_EMPTY,
                "name",
                format!("vendor '{shown}' has an empty name"),
            ));
        }
        let country = match row.value("country") {
            "" => None,
            c if crate::countries::is_alpha2(c) => Some(c.to_string()),
            c if is_placeholder(c) => {
                d.push(placeholder_err(row.cell_loc("country"), c));
                None
            }
            c => {
                d.push(
                    row.err(
                        code::REGISTRY_COUNTRY,
                        "country",
                        format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
                    )
                    .hint("use the two-letter uppercase code, e.g. CN"),
                );
                None
            }
        };
        let parent = match row.value("parent") {
            "" => None,
            p if is_slug(p) => Some(p.to_string()),
            p => {
                d.push(row.err(
                    code::REGISTRY_ID,
                    "parent",
                    format!("parent '{p}' is not a valid vendor id"),
                ));
                None
            }
        };
        let has_parent = !row.value("parent").is_empty();
        let parent_since = row.opt_date(d, "parent_since");
        let parent_until = row.opt_date(d, "parent_until");
        if !has_parent && (parent_since.is_some() || parent_until.is_some()) {
            let col = if parent_since.is_some() {
                "parent_since"
            } else {
                "parent_until"
            };
            d.push(row.err(
                code::REGISTRY_CONFLICT,
                col,
                format!("vendor '{shown}' has parent dates but no parent"),
            ));
        }
        if let (Some(Some(s)), Some(Some(u))) = (parent_since, parent_until) {
            if s >= u {
                d.push(row.err(
                    code::REGISTRY_CONFLICT,
                    "parent_until",
                    format!("vendor '{shown}': parent_since {s} is not before parent_until {u}"),
                ));
            }
        }
        let mut model_patterns = Vec::new();
        for p in d.ok(row.multi("model_patterns")).unwrap_or_default() {
            if globset::GlobBuilder::new(&p).build().is_err() {
                d.push(row.err(
                    code::REGISTRY_PATTERN,
                    "model_patterns",
                    format!("model pattern '{p}' is not a valid glob"),
                ));
                continue;
            }
            model_patterns.push(p);
        }
        let mut listings: Vec<Listing> = Vec::new();
        let mut listing_spots = Vec::new();
        for entry in d.ok(row.multi("lists")).unwrap_or_default() {
            let Some((list, date)) = entry.split_once('@') else {
                d.push(row.err(
                    code::REGISTRY_CSV_CELL,
                    "lists",
                    format!("'{entry}' in 'lists' is not of the form LIST@YYYY-MM-DD"),
                ));
                continue;
            };
            let list = list.trim().to_string();
            if !is_slug(&list) {
                d.push(row.err(
                    code::REGISTRY_ID,
                    "lists",
                    format!("'{list}' is not a valid list id"),
                ));
                continue;
            }
            let listed_on: Date = match date.parse() {
                Ok(on) => on,
                Err(e) => {
                    d.push(row.err(code::REGISTRY_DATE, "lists", format!("in 'lists': {e}")));
                    continue;
                }
            };
            if listings
                .iter()
                .any(|l| l.list == list && l.listed_on == listed_on)
            {
                d.push(row.err(
                    code::REGISTRY_DUPLICATE,
                    "lists",
                    format!("vendor '{shown}' is listed on '{list}' on {listed_on} twice"),
                ));
                continue;
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
        for c in d.ok(row.multi("fcc_grantee_codes")).unwrap_or_default() {
            match check_grantee_code(&c) {
                Ok(c) => fcc_grantee_codes.push(c),
                Err(e) => d.push(e.at(row.cell_loc("fcc_grantee_codes"))),
            }
        }
        let retired_on = row.opt_date(d, "retired_on");
        let retired_reason = row.opt("retired_reason");
        if retired_on.is_some() && retired_reason.is_none() {
            d.push(row.err(
                code::REGISTRY_EMPTY,
                "retired_on",
                format!("vendor '{shown}' is retired without a 'retired_reason'"),
            ));
        }
        let aliases = d.ok(row.multi("aliases"));
        let mut affiliates = Vec::new();
        for a in d.ok(row.multi("affiliates")).unwrap_or_default() {
            if is_slug(&a) {
                affiliates.push(a);
            } else {
                d.push(row.err(
                    code::REGISTRY_ID,
                    "affiliates",
                    format!("affiliate '{a}' is not a valid vendor id"),
                ));
            }
        }
        let confidence = d.ok(row.confidence());
        let sources = d.ok(row.multi("sources"));
        if d.len() > before {
            return;
        }
        let (Some(id), Some(aliases), Some(confidence), Some(sources)) =
            (id, aliases, confidence, sources)
        else {
            return;
        };
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
            aliases,
            model_patterns,
            fcc_grantee_codes,
            affiliates,
            parent,
            parent_since: parent_since.flatten(),
            parent_until: parent_until.flatten(),
            confidence,
            sources,
            notes: row.opt("notes"),
            listings,
            retired_on: retired_on.flatten(),
            retired_reason,
        });
    }

    /// A `listing` row, its problems recorded; kept for its vendor when it has none.
    fn listing_row(&mut self, d: &mut Diagnostics, row: &Row) {
        let before = d.len();
        let vendor = d.ok(row.slug("vendor", "vendor"));
        let list = d.ok(row.slug("list", "list"));
        let listed_on = match row.date("listed_on") {
            Ok(Some(on)) => Some(on),
            Ok(None) => {
                d.push(
                    row.err(
                        code::REGISTRY_EMPTY,
                        "listed_on",
                        format!(
                            "the listing of '{}' on '{}' has an empty 'listed_on'",
                            row.value("vendor"),
                            row.value("list")
                        ),
                    )
                    .hint("write the date the listing starts as YYYY-MM-DD"),
                );
                None
            }
            Err(e) => {
                d.push(e);
                None
            }
        };
        let scope = match row.value("scope") {
            "" => Some(Scope::All),
            s => {
                let scope = Scope::parse(s);
                if scope.is_none() {
                    d.push(
                        row.err(
                            code::REGISTRY_VALUE,
                            "scope",
                            format!("scope '{s}' is not 'all' or 'purpose-limited'"),
                        )
                        .hint("leave it empty for all, or write purpose-limited and name the purposes"),
                    );
                }
                scope
            }
        };
        let purposes = d.ok(row.multi("purposes"));
        let some_purposes = purposes.as_ref().is_some_and(|p| !p.is_empty());
        if scope == Some(Scope::All) && some_purposes {
            d.push(row.err(
                code::REGISTRY_CONFLICT,
                "purposes",
                "'purposes' only applies to scope purpose-limited",
            ));
        }
        if scope == Some(Scope::PurposeLimited) && purposes.as_ref().is_some_and(Vec::is_empty) {
            d.push(row.err(
                code::REGISTRY_EMPTY,
                "purposes",
                "a purpose-limited listing must name its 'purposes'",
            ));
        }
        let delisted_on = row.opt_date(d, "delisted_on");
        let delisted_reason = row.opt("delisted_reason");
        if let Some(Some(dl)) = delisted_on {
            if let Some(on) = listed_on.filter(|&on| dl <= on) {
                d.push(row.err(
                    code::REGISTRY_CONFLICT,
                    "delisted_on",
                    format!("delisted_on {dl} is not after listed_on {on}"),
                ));
            }
            if delisted_reason.is_none() {
                d.push(row.err(
                    code::REGISTRY_EMPTY,
                    "delisted_on",
                    "a delisted listing needs a 'delisted_reason'",
                ));
            }
        }
        let confidence = d.ok(row.confidence());
        if d.len() > before {
            return;
        }
        let (
            Some(vendor),
            Some(list),
            Some(listed_on),
            Some(scope),
            Some(purposes),
            Some(confidence),
        ) = (vendor, list, listed_on, scope, purposes, confidence)
        else {
            return;
        };
        self.pending.push(PendingListing {
            vendor,
            listing: Listing {
                list,
                basis: row.opt("basis"),
                source: row.opt("source"),
                listed_on,
                scope,
                purposes,
                confidence,
                notes: row.opt("notes"),
                delisted_on: delisted_on.flatten(),
                delisted_reason,
            },
            location: row.cell_loc("list"),
            vendor_location: row.cell_loc("vendor"),
        });
    }
}

/// Adds a listing row to its vendor; the same (list, listed_on) twice is an error.
pub(super) fn attach(v: &mut Vendor, spots: &mut Vec<Location>, p: PendingListing) -> Result<()> {
    let l = &p.listing;
    if v.listings
        .iter()
        .any(|x| x.list == l.list && x.listed_on == l.listed_on)
    {
        return Err(coded(
            code::REGISTRY_DUPLICATE,
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
/// with one, each row is a `list`, a `vendor` or a `listing` (see the README). Every problem of
/// the header, or else of the rows, is reported (see [`Diagnostics`]); CSV that cannot be read
/// as CSV stops the reading there.
#[allow(clippy::too_many_lines)]
pub fn parse_csv(path: &Path, bytes: &[u8]) -> Result<ImportFile> {
    let text = crate::source::decode_utf8(path, bytes, ErrorKind::Registry)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            coded(
                code::REGISTRY_CSV_SHAPE,
                Location::line(path, 1),
                format!("malformed CSV header: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let long = headers.iter().any(|h| h == "kind");
    let mut d = Diagnostics::new(ErrorKind::Registry, path);
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
            let e = coded(
                code::REGISTRY_CSV_SHAPE,
                Location::at(path, 1, i as u64 + 1),
                format!("unknown column '{h}' in a registry CSV"),
            );
            let hint = if !long && (LIST_COLUMNS.contains(&h) || LISTING_COLUMNS.contains(&h)) {
                format!("'{h}' belongs to list or listing rows: add a 'kind' column saying what each row is (list, vendor or listing)")
            } else {
                columns_hint(long)
            };
            d.push(e.hint(hint));
        }
        if headers[..i].iter().any(|x| x == h) {
            d.push(coded(
                code::REGISTRY_CSV_SHAPE,
                Location::line(path, 1),
                format!("the column '{h}' appears twice"),
            ));
        }
    }
    if !long {
        for required in ["id", "name"] {
            if !headers.iter().any(|h| h == required) {
                d.push(
                    coded(
                        code::REGISTRY_CSV_SHAPE,
                        Location::line(path, 1),
                        format!("the registry CSV has no '{required}' column"),
                    )
                    .hint(format!(
                    "the header is {}, or add a 'kind' column for list, vendor and listing rows",
                    VENDOR_COLUMNS[..7].join(",")
                )),
                );
            }
        }
    }
    // Rows are read only under a header that is right.
    d.check()?;
    let mut lines = Lines {
        bytes: text.as_bytes(),
        pos: 0,
        ends: 0,
    };
    let mut content = CsvContent::default();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                // The reader cannot be trusted past CSV it cannot read.
                let line = e.position().map_or(0, csv::Position::line);
                d.push(coded(
                    code::REGISTRY_CSV_SHAPE,
                    Location::line(path, line),
                    format!("malformed CSV: {e}"),
                ));
                break;
            }
        };
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
            d.push(coded(
                code::REGISTRY_CSV_SHAPE,
                row.loc(),
                format!(
                    "this row has {} fields but the header has {}",
                    rec.len(),
                    headers.len()
                ),
            ));
            rows += 1;
            continue;
        }
        rows += 1;
        let kind = if long {
            match row.kind() {
                Ok(kind) => kind,
                Err(e) => {
                    d.push(e);
                    continue;
                }
            }
        } else {
            RowKind::Vendor
        };
        if long {
            row.only(&mut d, kind);
        }
        match kind {
            RowKind::List => content.list_row(&mut d, &row),
            RowKind::Vendor => content.vendor_row(&mut d, &row),
            RowKind::Listing => content.listing_row(&mut d, &row),
        }
    }
    if rows == 0 && d.is_empty() {
        d.push(coded(
            code::REGISTRY_EMPTY_FILE,
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
            Some((v, s)) => {
                d.ok(attach(v, s, p));
            }
            None => pending.push(p),
        }
    }
    d.finish(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::source::digest::sha256_hex(bytes),
        data,
        spots,
        compiled_on: None,
        pending,
    })
}
