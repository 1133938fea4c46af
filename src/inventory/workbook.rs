//! Spreadsheet workbooks (`.xlsx`, `.xls`, `.ods`), read through calamine, fail closed.
//!
//! **Which sheets.** Every worksheet is read, hidden and very hidden ones too (a provenance
//! note names each hidden sheet read; its items show the sheet's own name). A sheet is an
//! inventory when its first 20 rows hold a header row: a row whose cells map a vendor column
//! through [`map_headers`] (synonyms and `--column` overrides); rows above it (titles, notes)
//! are ignored. A sheet without one is not read: when it holds two or more rows with a value
//! it is an unread part ([`ErrorKind::Row`], naming the sheet and why, with a hint), which
//! makes the run incomplete; an empty sheet or one holding a single row (a title) is only a
//! note. Chart and dialog sheets hold no cells and are noted. `--sheet NAME` reads that one
//! sheet only (hidden or not). Two `.xlsx` sheets of the same name (spreadsheet programs
//! refuse them; other tools write them) are both read: the second is shown as `NAME (2)`
//! (the sheet list handed to calamine, which finds sheets by name, is rewritten so);
//! calamine keeps only one of them for `.xls` and `.ods`, so there the second is an unread
//! part.
//!
//! **Places.** An item's `line` is the 1-based spreadsheet row and its `sheet` the sheet's
//! name, so that its place reads `inventory.xlsx:Sheet1!12`; errors name the cell the same
//! way (`inventory.xlsx:Sheet1!C12`).
//!
//! **Cells.** Cells are turned into text as a person reads them: text stays as it is (serial
//! numbers with leading zeros stored as text keep them), whole numbers print without `.0`,
//! dates print as `YYYY-MM-DD` (with the time of day only when there is one), error cells
//! give their code (`#N/A`). Number formats are not applied: a number shown as `000123` by
//! its format is read as `123`. Columns without a header are ignored. A quantity that is not
//! a whole number keeps its row (the text in `extra` under the column's header, a warning).
//!
//! **Formulas** give their cached (last computed) value. A formula without one (written by a
//! tool that does not compute, or an `.ods` cell with `table:formula` and no value type) in a
//! field a verdict depends on (vendor, model, domain, purpose, country, installed, category,
//! origin) makes its row an unread part naming the cell; in another column it is a warning on
//! the item, read as empty. `.xls` formula records always carry their result.
//!
//! **Merged ranges** (`.xlsx` `mergeCell`, `.ods` `number-rows-spanned`, `.xls` MERGEDCELLS
//! through calamine): the value of a range's first cell applies to every row the range spans,
//! in the range's first column, so a vendor cell merged over three rows makes three Huawei
//! items. A value stored under a merge (hidden by spreadsheet programs) is kept, not
//! overwritten.
//!
//! **Repeated header rows** (concatenated exports): a row below the header that names the
//! vendor column and maps at least as many fields as the header did (two, when it mapped
//! more) is the header again: it is not an item, and the rows below it are read by its
//! columns, in whatever order they come. A row that looks like a header but cannot be mapped
//! (two vendor columns) is an unread part, and so is the rest of its sheet.
//!
//! **Bounded resources.** The file is read into memory (a workbook is a zip archive or a
//! compound file, not a stream) and its SHA-256 taken from those bytes. Before calamine sees
//! an `.xlsx`, every part it reads is held to a limit on its inflated size, first as the zip
//! directory declares it (so a bomb is refused before anything is inflated) and then as it
//! actually inflates: a worksheet to [`MAX_SHEET_XML`], `xl/sharedStrings.xml` to
//! [`MAX_SHARED_STRINGS`] (calamine keeps every string), `xl/workbook.xml`, `xl/styles.xml`
//! and relationships to [`MAX_PART`]; each worksheet is scanned (cells counted, merges and
//! formulas without values found) before calamine parses it, and the cells kept over the
//! whole workbook are held to [`MAX_BOOK_CELLS`]. `.ods` `content.xml` is held to
//! [`MAX_ODS_CONTENT`] and checked for repeated rows and columns that would expand to more
//! than [`MAX_CELLS`] cells; `.xls` files are checked for sector chains that loop or point
//! outside the file and for oversized sheet dimensions ([`super::cfb`]). `.xlsx` sheets are
//! read cell by cell, so a stray value in a far corner (`XFD1048576`) costs nothing. Binary
//! `.xlsb` workbooks are not read.

use std::io::{Cursor, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Range, Reader as _, SheetType, SheetVisible, Sheets};
use quick_xml::events::Event;

use super::cfb::MAX_CELLS;
use super::columns::{map_headers, ColumnMap, ColumnOverride, MapError};
use super::discover::Format;
use super::record::{build_item, non_empty, number_text};
use super::sniff::{self, Content, ZipKind};
use crate::error::{display_path, Error, ErrorKind, Location, Result};
use crate::model::normalize_header;
use crate::model::{Field, Item};

/// How many rows from the top of a sheet are searched for the header row.
pub(crate) const HEADER_SEARCH_ROWS: usize = 20;

type Book = Sheets<Cursor<Vec<u8>>>;

/// A sheet's non-empty cells, row by row, each row's cells by column (0-based absolute
/// positions), in order; and the cells holding a formula without a computed value.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    rows: Vec<(u32, Vec<(u32, Data)>)>,
    /// Cells whose formula has no cached value (row, column), sorted; their rows are in
    /// `rows` (with no cells when nothing else is on the row).
    uncached: Vec<(u32, u32)>,
}

impl Grid {
    #[cfg(test)]
    /// From cells in any order (empty ones are dropped).
    pub(crate) fn from_cells(cells: Vec<((u32, u32), Data)>) -> Grid {
        Grid::build(cells, &SheetExtras::default()).unwrap_or_default()
    }

    /// From cells in any order (empty ones are dropped), with the sheet's merged ranges and
    /// formulas without a value. The value of a merged range (its first cell's) applies to
    /// every row the range spans, in the range's first column, where that cell is empty (a
    /// value stored under a merge, which a spreadsheet program hides, is still read). `None`
    /// when the merged ranges would take the sheet past [`MAX_BOOK_CELLS`] cells.
    pub(crate) fn build(mut cells: Vec<((u32, u32), Data)>, extras: &SheetExtras) -> Option<Grid> {
        cells.retain(|(_, d)| !matches!(d, Data::Empty));
        cells.sort_by_key(|&(pos, _)| pos);
        let mut uncached = extras.uncached.clone();
        uncached.sort_unstable();
        uncached.dedup();
        if !extras.merges.is_empty() {
            let mut fills: Vec<((u32, u32), Data)> = Vec::new();
            let mut fill_uncached = Vec::new();
            let mut budget = MAX_BOOK_CELLS.saturating_sub(cells.len() as u64);
            for &(r0, c0, r1, _) in &extras.merges {
                if r1 <= r0 {
                    continue;
                }
                let span = u64::from(r1 - r0);
                if span > budget {
                    return None;
                }
                budget -= span;
                if let Ok(i) = cells.binary_search_by_key(&(r0, c0), |&(p, _)| p) {
                    let value = &cells[i].1;
                    fills.extend((r0 + 1..=r1).map(|r| ((r, c0), value.clone())));
                } else if uncached.binary_search(&(r0, c0)).is_ok() {
                    fill_uncached.extend((r0 + 1..=r1).map(|r| (r, c0)));
                }
            }
            // Stable: a cell's own value sorts before a merge's fill of the same place.
            cells.extend(fills);
            cells.sort_by_key(|&(pos, _)| pos);
            cells.dedup_by_key(|(pos, _)| *pos);
            uncached.extend(fill_uncached);
            uncached.sort_unstable();
            uncached.dedup();
        }
        let mut rows: Vec<(u32, Vec<(u32, Data)>)> = Vec::new();
        for ((r, c), d) in cells {
            match rows.last_mut() {
                Some((last, v)) if *last == r => v.push((c, d)),
                _ => rows.push((r, vec![(c, d)])),
            }
        }
        let mut missing: Vec<u32> = uncached
            .iter()
            .map(|&(r, _)| r)
            .filter(|r| rows.binary_search_by_key(r, |(row, _)| *row).is_err())
            .collect();
        if !missing.is_empty() {
            missing.dedup();
            rows.extend(missing.into_iter().map(|r| (r, Vec::new())));
            rows.sort_by_key(|(r, _)| *r);
        }
        Some(Grid { rows, uncached })
    }

    /// From a calamine range.
    pub(crate) fn from_range(range: &Range<Data>, extras: &SheetExtras) -> Option<Grid> {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        Grid::build(
            range
                .used_cells()
                .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
                .collect(),
            extras,
        )
    }

    /// Non-empty cells.
    pub(crate) fn cells(&self) -> u64 {
        self.rows.iter().map(|(_, c)| c.len() as u64).sum()
    }

    /// The columns of row `row` whose formula has no computed value.
    fn uncached_in(&self, row: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.uncached.partition_point(|&(r, _)| r < row);
        self.uncached[start..]
            .iter()
            .take_while(move |&&(r, _)| r == row)
            .map(|&(_, c)| c)
    }

    /// How many rows hold a value (or a formula without one).
    fn data_rows(&self) -> usize {
        self.rows
            .iter()
            .filter(|(r, cells)| {
                cells.iter().any(|(_, d)| cell_text(d).is_some())
                    || self.uncached_in(*r).next().is_some()
            })
            .count()
    }
}

/// One sheet to read: its cells and how its columns map.
struct SheetPlan {
    /// The sheet's name (sheets of the same name told apart: `Sheet1 (2)`).
    name: Arc<str>,
    grid: Grid,
    /// The absolute column of the first header.
    first_col: u32,
    headers: Vec<Arc<str>>,
    map: ColumnMap,
}

/// What the reader hands out, in workbook order.
enum Part {
    /// A sheet whose rows are items; `usize` is the next row (index into its grid) to read.
    Sheet(Box<SheetPlan>, usize),
    /// A sheet that could not be read ([`ErrorKind::Row`]).
    Unread(Error),
}

/// Fields a verdict depends on: a formula without a value in one of them makes the row
/// unreadable; elsewhere it is a warning on the item.
const JUDGED: [Field; 11] = [
    Field::Vendor,
    Field::Model,
    Field::Domain,
    Field::Purpose,
    Field::Country,
    Field::Installed,
    Field::Category,
    Field::Origin,
    Field::Network,
    Field::Mac,
    Field::FccId,
];

/// How many repeated header rows are named in the notes (the rest are counted).
const REPEATS_NOTED: usize = 10;

/// A reader over the inventory sheets of one workbook.
pub struct WorkbookReader {
    file: Arc<str>,
    path_display: String,
    parts: std::collections::VecDeque<Part>,
    digest: (String, u64),
    format: Format,
    overrides: Vec<ColumnOverride>,
    /// Normalised header names that map the vendor column.
    vendor_names: Vec<String>,
    notes: Vec<String>,
    /// Header rows found again inside sheets.
    repeats: usize,
}

/// How a sheet name is written in a cell reference: quoted unless it is a plain word.
pub(crate) fn sheet_ref(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// The column letters of a 0-based column index (0 → A, 26 → AA).
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A place in a workbook: `file:Sheet!12` (a row) or `file:Sheet!C12` (a cell).
fn place(path_display: &str, sheet: &str, row: u64, col: Option<u32>) -> Location {
    Location {
        path: format!(
            "{path_display}:{}!{}{row}",
            sheet_ref(sheet),
            col.map(column_letters).unwrap_or_default()
        ),
        line: None,
        column: None,
    }
}

thread_local! {
    /// Set while calamine runs on this thread: its panics are caught and reported as a
    /// damaged workbook, so the panic hook must not print them.
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs calamine, turning a panic inside it (it has a few on malformed files) into `None`
/// without letting the panic message reach standard error. The panic hook is wrapped once:
/// panics elsewhere, or on other threads, are shown as before.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PARSER.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    IN_PARSER.with(|p| p.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_PARSER.with(|p| p.set(false));
    result.ok()
}

/// A cell's value as text.
pub(crate) fn cell_text(d: &Data) -> Option<String> {
    match d {
        Data::Empty => None,
        Data::String(s) => non_empty(s),
        Data::Float(f) => Some(number_text(*f)),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return Some(number_text(dt.as_f64()));
            }
            match dt.as_datetime() {
                Some(t) => {
                    let s = t.to_string();
                    Some(match s.strip_suffix(" 00:00:00") {
                        Some(date) => date.to_string(),
                        None => s,
                    })
                }
                None => Some(number_text(dt.as_f64())),
            }
        }
        Data::DateTimeIso(s) => {
            let s = s.trim();
            let s = s
                .strip_suffix("T00:00:00")
                .or_else(|| s.strip_suffix("T00:00:00Z"))
                .unwrap_or(s);
            non_empty(&s.replace('T', " "))
        }
        Data::DurationIso(s) => non_empty(s),
        Data::Error(e) => Some(e.to_string()),
    }
}

/// The date of a number cell read as a spreadsheet serial day number (1900 date system), when
/// it is at least [`crate::installed::EXCEL_SERIAL_MIN`] (a smaller number is more likely a
/// year than a date). Date cells are already dates ([`cell_text`]).
fn serial_date(d: &Data) -> Option<crate::date::Date> {
    let f = match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => return None,
    };
    if f < crate::installed::EXCEL_SERIAL_MIN {
        return None;
    }
    crate::installed::excel_serial(f)
}

/// A row's cells as text, from the absolute column `first` on, up to its last non-empty cell.
fn row_texts(cells: &[(u32, Data)], first: u32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (c, d) in cells {
        let Some(i) = c.checked_sub(first) else {
            continue;
        };
        // A header typed over two lines (Alt+Enter) is one name.
        let Some(t) = cell_text(d).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        else {
            continue;
        };
        let i = i as usize;
        if out.len() <= i {
            out.resize(i + 1, String::new());
        }
        out[i] = t;
    }
    out
}

/// What the search for a header row found.
enum HeaderSearch {
    Found {
        /// Index into the grid's rows.
        row: usize,
        first_col: u32,
        headers: Vec<String>,
        map: ColumnMap,
    },
    /// A row that names a vendor column but cannot be mapped (duplicate or ambiguous headers).
    Bad { row: u32, err: MapError },
    /// No header row; the first non-empty row, for the message.
    None { first: Vec<String> },
}

fn find_header(grid: &Grid, overrides: &[ColumnOverride]) -> HeaderSearch {
    let vendor_names: Vec<String> = overrides
        .iter()
        .filter(|o| o.field == Field::Vendor)
        .map(|o| normalize_header(&o.header))
        .chain(Field::Vendor.synonyms().iter().map(|s| s.to_string()))
        .collect();
    let Some(&(top, _)) = grid.rows.first() else {
        return HeaderSearch::None { first: Vec::new() };
    };
    let mut first: Option<Vec<String>> = None;
    for (index, (row, cells)) in grid.rows.iter().enumerate() {
        if u64::from(*row) >= u64::from(top) + HEADER_SEARCH_ROWS as u64 {
            break;
        }
        let Some(first_col) = cells
            .iter()
            .find(|(_, d)| cell_text(d).is_some())
            .map(|&(c, _)| c)
        else {
            continue;
        };
        let texts = row_texts(cells, first_col);
        first.get_or_insert_with(|| texts.clone());
        match map_headers(&texts, overrides) {
            Ok(mut map) => {
                // Columns without a header are not data.
                map.extra
                    .retain(|&i| texts.get(i).is_some_and(|h| !h.trim().is_empty()));
                return HeaderSearch::Found {
                    row: index,
                    first_col,
                    headers: texts,
                    map,
                };
            }
            Err(MapError::NoVendor { .. }) => {}
            Err(err) => {
                let names_vendor = texts
                    .iter()
                    .any(|c| vendor_names.contains(&normalize_header(c)));
                if names_vendor {
                    return HeaderSearch::Bad { row: *row, err };
                }
            }
        }
    }
    HeaderSearch::None {
        first: first.unwrap_or_default(),
    }
}

fn quote_list(v: &[String], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(|h| format!("'{h}'")).collect();
    if v.len() > max {
        s.push("...".to_string());
    }
    s.join(", ")
}

fn damaged(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        format!(
            "the workbook is damaged or cannot be read: {}",
            crate::error::one_line(&what.to_string())
        ),
    )
    .hint("open it in a spreadsheet program and save it again, or export the inventory as CSV")
}

fn password(path: &Path) -> Error {
    Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        "the workbook is password-protected (encrypted), so its cells cannot be read",
    )
    .hint("save an unprotected copy (remove the password to open) or export the inventory as CSV")
}

fn is_password_error(e: &calamine::Error) -> bool {
    matches!(
        e,
        calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    )
}

/// Refuses an `.ods` file whose repeated rows and columns would expand to more than
/// [`MAX_CELLS`] cells in some sheet (the parser expands repeats of non-empty cells, and of
/// empty rows between non-empty ones). Estimates from above: every row up to a sheet's last
/// non-empty row counts as wide as the sheet's widest row.
///
/// Also held to [`MAX_ODS_CONTENT`] inflated, and returns each sheet's merged ranges
/// (`table:number-rows-spanned`, `table:number-columns-spanned`) and formulas without a
/// computed value (`table:formula` without `office:value-type`), by sheet name in order.
fn check_ods(path: &Path, zip: &mut Zip<'_>) -> Result<Vec<(String, SheetExtras)>> {
    let Some(index) = entry_index(zip, "content.xml") else {
        return Err(damaged(path, "content.xml is missing"));
    };
    let (content, over) = open_capped(path, zip, index, "content.xml", MAX_ODS_CONTENT)?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut out: Vec<(String, SheetExtras)> = Vec::new();
    // The position of the next cell: rows so far in the sheet, width so far in the row.
    let covered_or_cell = |n: &[u8]| n == b"table:table-cell" || n == b"table:covered-table-cell";
    let mut buf = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> Option<String> {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
    };
    let repeats = |v: Option<String>| v.and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(1);
    let mut sheet = String::new();
    // Per sheet: rows so far (with repeats) up to the last non-empty one, the widest row, the
    // cells pushed while reading rows.
    let (mut rows, mut rows_to_last, mut widest, mut pushed) = (0u64, 0u64, 0u64, 0u64);
    // Per row: its repeat count, width so far, width up to its last non-empty cell.
    let (mut row_rep, mut width, mut used) = (1u64, 0u64, 0u64);
    let too_big = |sheet: &str, n: u64| {
        Error::at(
            ErrorKind::Inventory,
            Location::file(path),
            format!("sheet '{sheet}' is too large to read: its repeated rows and columns come to more than {n} cells"),
        )
        .hint("delete the unused rows and columns (or export the inventory as CSV)")
    };
    loop {
        let ev = match xml.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) if over.get() => {
                return Err(too_large(path, "content.xml", None, MAX_ODS_CONTENT))
            }
            Err(e) => return Err(damaged(path, format!("content.xml: {e}"))),
        };
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if covered_or_cell(e.name().as_ref()) => {
                let (r, c) = (
                    u32::try_from(rows).unwrap_or(u32::MAX),
                    u32::try_from(width).unwrap_or(u32::MAX),
                );
                if let Some((_, extras)) = out.last_mut() {
                    let spanned = |k: &[u8]| repeats(attr(e, k)).clamp(1, 1 << 20) as u32;
                    let (down, across) = (
                        spanned(b"table:number-rows-spanned"),
                        spanned(b"table:number-columns-spanned"),
                    );
                    if down > 1 || across > 1 {
                        extras.merges.push((
                            r,
                            c,
                            r.saturating_add(down - 1),
                            c.saturating_add(across - 1),
                        ));
                    }
                    if attr(e, b"table:formula").is_some()
                        && attr(e, b"office:value-type").is_none()
                    {
                        extras.uncached.push((r, c));
                    }
                }
                width = width.saturating_add(repeats(attr(e, b"table:number-columns-repeated")));
                let filled =
                    matches!(ev, Event::Start(_)) || attr(e, b"office:value-type").is_some();
                if filled {
                    used = width;
                }
            }
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table" => {
                    sheet = attr(e, b"table:name").unwrap_or_default();
                    out.push((sheet.clone(), SheetExtras::default()));
                    (rows, rows_to_last, widest, pushed) = (0, 0, 0, 0);
                }
                b"table:table-row" => {
                    row_rep = repeats(attr(e, b"table:number-rows-repeated"));
                    (width, used) = (0, 0);
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"table:table-row" => {
                    rows = rows.saturating_add(row_rep);
                    pushed = pushed.saturating_add(used);
                    if used > 0 {
                        rows_to_last = rows;
                        widest = widest.max(used);
                    }
                    if pushed > MAX_CELLS || rows_to_last.saturating_mul(widest) > MAX_CELLS {
                        return Err(too_big(&sheet, MAX_CELLS));
                    }
                }
                b"table:table" => (rows, rows_to_last, widest, pushed) = (0, 0, 0, 0),
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// What was learnt about a workbook before the parser saw it, by sheet (in the order of the
/// parser's sheet list).
#[derive(Default)]
struct Prepared {
    /// The names the parser knows the sheets by (`.xlsx`: sheets of the same name renamed
    /// apart), when known.
    names: Vec<String>,
    /// Merged ranges and formulas without a value, by sheet name.
    extras: Vec<(String, SheetExtras)>,
}

/// Opens the workbook in `bytes`, choosing the parser by content. `named` is the format the
/// file's name (or `--input-format`) gave, for messages.
fn open_book(path: &Path, bytes: Vec<u8>, named: Format) -> Result<(Book, Format, Prepared)> {
    let content = sniff::sniff(&bytes);
    let mut prepared = Prepared::default();
    let mut bytes = bytes;
    let (kind, format) = match content {
        Content::Zip(_) => {
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice()))
                .map_err(|e| damaged(path, format!("not a readable zip archive ({e})")))?;
            let mime = read_part(path, &mut zip, "mimetype", 4096)?
                .map(|m| String::from_utf8_lossy(&m).into_owned());
            if let Some(m) = mime.filter(|m| m.starts_with("application/vnd.oasis.opendocument")) {
                if !m.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
                    return Err(not_a_workbook(path, named, "an OpenDocument file that is not a spreadsheet (a text document or presentation)"));
                }
                prepared.extras = check_ods(path, &mut zip)?;
                ("ods", Format::Ods)
            } else if zip.index_for_name("xl/workbook.xml").is_some() {
                drop(zip);
                let (parsed, sheets, names) = prepare_xlsx(path, bytes)?;
                bytes = parsed;
                let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice()))
                    .map_err(|e| damaged(path, format!("not a readable zip archive ({e})")))?;
                for (sheet, name) in sheets.iter().zip(&names) {
                    if let Some(part) = &sheet.part {
                        let (extras, _) =
                            scan_xlsx_sheet(path, &mut zip, name, part, MAX_BOOK_CELLS)?;
                        prepared.extras.push((name.clone(), extras));
                    }
                }
                drop(zip);
                prepared.names = names;
                ("xlsx", Format::Xlsx)
            } else if zip.index_for_name("xl/workbook.bin").is_some() {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    "binary Excel workbooks (.xlsb) are not read",
                )
                .hint("save it as .xlsx (Excel Workbook) or export the inventory as CSV"));
            } else {
                return Err(not_a_workbook(
                    path,
                    named,
                    sniff::describe(Content::Zip(ZipKind::Other), &bytes),
                ));
            }
        }
        Content::Cfb { encrypted: true } => return Err(password(path)),
        Content::Cfb { encrypted: false } => {
            super::cfb::check(&bytes).map_err(|e| damaged(path, e))?;
            ("xls", Format::Xls)
        }
        Content::Empty => return Err(Error::at(
            ErrorKind::Inventory,
            Location::file(path),
            "the file is empty",
        )
        .hint(
            "save the workbook again from the spreadsheet program, or export the inventory as CSV",
        )),
        other => {
            let head = &bytes[..bytes.len().min(4096)];
            return Err(not_a_workbook(path, named, sniff::describe(other, head)));
        }
    };
    let cursor = Cursor::new(bytes);
    let opened = guarded(|| -> std::result::Result<Book, calamine::Error> {
        Ok(match kind {
            "ods" => Sheets::Ods(calamine::open_workbook_from_rs(cursor)?),
            "xlsx" => Sheets::Xlsx(calamine::open_workbook_from_rs(cursor)?),
            _ => Sheets::Xls(calamine::open_workbook_from_rs(cursor)?),
        })
    });
    match opened {
        Some(Ok(book)) => Ok((book, format, prepared)),
        Some(Err(e)) if is_password_error(&e) => Err(password(path)),
        Some(Err(e)) => Err(damaged(path, e)),
        None => Err(damaged(path, "the spreadsheet parser failed on it")),
    }
}

fn not_a_workbook(path: &Path, named: Format, is: &str) -> Error {
    let (hint, mislabelled) = if is.starts_with("plain text") {
        (
            "if it is CSV, rename it to .csv (or pass --input-format csv); otherwise open it in a spreadsheet program and save it as .xlsx",
            true,
        )
    } else if is.starts_with("an HTML page") {
        (
            "this is a web page saved with a spreadsheet's name: open it in a spreadsheet program and save it as .xlsx, or export the inventory as CSV",
            true,
        )
    } else if is.contains("JSON") {
        ("rename it to .json", true)
    } else {
        ("pass the inventory itself, as a workbook or CSV", false)
    };
    Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        format!(
            "{}not {}: the file is {is}",
            if mislabelled {
                "mislabelled file, "
            } else {
                ""
            },
            named.describe()
        ),
    )
    .hint(hint)
}

impl WorkbookReader {
    /// Reads the workbook at `path` and finds its inventory sheets.
    pub fn open(
        path: &Path,
        file: Arc<str>,
        named: Format,
        sheet: Option<&str>,
        overrides: &[ColumnOverride],
    ) -> Result<WorkbookReader> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        let digest = (
            crate::source::digest::sha256_hex(&bytes),
            bytes.len() as u64,
        );
        let (mut book, format, prepared) = open_book(path, bytes, named)?;
        let path_display = display_path(path);
        let metas: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
        // The name each sheet is read by and shown as: its own, or (.xlsx) the name that tells
        // it apart from an earlier sheet of the same name.
        let shown: Vec<String> = if prepared.names.len() == metas.len() {
            prepared.names.clone()
        } else {
            metas.iter().map(|s| s.name.clone()).collect()
        };
        let all_names: Vec<String> = shown.clone();
        let extras_of = |name: &str| -> Option<&SheetExtras> {
            prepared
                .extras
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, e)| e)
        };
        let no_extras = SheetExtras::default();
        let mut load = |name: &str| -> Result<Grid> {
            let extras = extras_of(name).unwrap_or(&no_extras);
            let loaded = guarded(|| -> std::result::Result<Option<Grid>, calamine::Error> {
                match &mut book {
                    Sheets::Xlsx(x) => {
                        let mut cells = Vec::new();
                        let mut rdr = x.worksheet_cells_reader(name)?;
                        while let Some(c) = rdr.next_cell()? {
                            let pos = c.get_position();
                            let d: Data = c.get_value().clone().into();
                            if !matches!(d, Data::Empty) {
                                if cells.len() as u64 >= MAX_BOOK_CELLS {
                                    return Ok(None);
                                }
                                cells.push((pos, d));
                            }
                        }
                        Ok(Grid::build(cells, extras))
                    }
                    Sheets::Xls(x) => {
                        let range = x.worksheet_range(name)?;
                        let mut extras = SheetExtras::default();
                        for m in x.worksheet_merge_cells(name).unwrap_or_default() {
                            extras.merges.push((m.start.0, m.start.1, m.end.0, m.end.1));
                        }
                        Ok(Grid::from_range(&range, &extras))
                    }
                    other => Ok(Grid::from_range(&other.worksheet_range(name)?, extras)),
                }
            });
            match loaded {
                Some(Ok(Some(g))) => Ok(g),
                Some(Ok(None)) => Err(too_many_cells(path, name)),
                Some(Err(e)) if is_password_error(&e) => Err(password(path)),
                Some(Err(e)) => Err(damaged(path, format!("sheet '{name}': {e}"))),
                None => Err(damaged(
                    path,
                    format!("sheet '{name}': the spreadsheet parser failed on it"),
                )),
            }
        };
        let vendor_words = || {
            let mut v: Vec<String> = overrides
                .iter()
                .filter(|o| o.field == Field::Vendor)
                .map(|o| o.header.clone())
                .collect();
            v.extend(Field::Vendor.synonyms().iter().map(|s| s.to_string()));
            v.join(", ")
        };
        let mut parts = std::collections::VecDeque::new();
        let mut notes: Vec<String> = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        let chosen: Vec<usize> = match sheet {
            Some(want) => {
                let found = shown.iter().position(|s| s == want).or_else(|| {
                    shown
                        .iter()
                        .position(|s| s.trim().to_lowercase() == want.trim().to_lowercase())
                });
                match found {
                    Some(i) => {
                        if metas.len() > 1 {
                            notes.push(format!(
                                "only sheet '{}' was read (--sheet); the workbook's other sheets were not",
                                shown[i]
                            ));
                        }
                        vec![i]
                    }
                    None => {
                        return Err(Error::at(
                            ErrorKind::Inventory,
                            Location::file(path),
                            format!(
                                "the workbook has no sheet named '{want}'; its sheets are {}",
                                quote_list(&all_names, 50)
                            ),
                        )
                        .hint("pass one of these names to --sheet"))
                    }
                }
            }
            None => (0..metas.len()).collect(),
        };
        let mut kept = 0u64;
        for index in chosen {
            let (Some(meta), Some(name)) = (metas.get(index), shown.get(index)) else {
                continue;
            };
            let name = name.as_str();
            if name != meta.name {
                notes.push(format!(
                    "the workbook has more than one sheet named '{}': this one is shown as '{name}'",
                    meta.name
                ));
            }
            if meta.typ != SheetType::WorkSheet && sheet.is_none() {
                let what = match meta.typ {
                    SheetType::ChartSheet => "a chart sheet",
                    SheetType::DialogSheet => "a dialog sheet",
                    SheetType::MacroSheet => "a macro sheet",
                    _ => "not a worksheet",
                };
                notes.push(format!(
                    "sheet '{name}' was not read: it is {what}, which holds no table of cells"
                ));
                skipped.push(format!("'{name}' (not a worksheet)"));
                continue;
            }
            // Formats that find sheets by name read only one of several of the same name.
            let twin = shown[..index].iter().any(|n| n == name);
            if twin {
                let e = Error::at(
                    ErrorKind::Row,
                    Location::file(path),
                    format!(
                        "sheet '{name}' was not read: an earlier sheet has the same name, and only one of them can be read from {} workbooks",
                        format.describe()
                    ),
                )
                .hint("rename one of the two sheets (spreadsheet programs refuse two sheets of one name: another tool made this file), or save the workbook as .xlsx");
                notes.push(e.message.clone());
                parts.push_back(Part::Unread(e));
                continue;
            }
            let hidden = match meta.visible {
                SheetVisible::Visible => None,
                SheetVisible::Hidden => Some("hidden"),
                SheetVisible::VeryHidden => Some("very hidden"),
            };
            let grid = load(name)?;
            kept = kept.saturating_add(grid.cells());
            if kept > MAX_BOOK_CELLS {
                return Err(too_many_cells(path, name));
            }
            match find_header(&grid, overrides) {
                HeaderSearch::Found {
                    row,
                    first_col,
                    headers,
                    map,
                } => {
                    if let Some(h) = hidden {
                        notes.push(format!("{h} sheet '{name}' was read"));
                    }
                    parts.push_back(Part::Sheet(
                        Box::new(SheetPlan {
                            name: Arc::from(name),
                            grid,
                            first_col,
                            headers: headers.iter().map(|h| Arc::from(h.trim())).collect(),
                            map,
                        }),
                        row + 1,
                    ));
                }
                HeaderSearch::Bad { row, err } => {
                    let (msg, hint) = err.describe();
                    return Err(Error::at(
                        ErrorKind::Inventory,
                        place(&path_display, name, u64::from(row) + 1, None),
                        msg,
                    )
                    .hint(hint));
                }
                HeaderSearch::None { first } => {
                    let first_row = if first.is_empty() {
                        "the sheet is empty".to_string()
                    } else {
                        format!("its first row is {}", quote_list(&first, 12))
                    };
                    if sheet.is_some() {
                        return Err(Error::at(
                            ErrorKind::Inventory,
                            Location::file(path),
                            format!(
                                "sheet '{name}' has no header row with a vendor column in its first {HEADER_SEARCH_ROWS} rows ({first_row})"
                            ),
                        )
                        .hint(format!(
                            "name the vendor column one of {} (any case), or map one with --column vendor=HEADER",
                            vendor_words()
                        )));
                    }
                    skipped.push(if first.is_empty() {
                        format!("'{name}' (empty)")
                    } else {
                        format!("'{name}' (first row {})", quote_list(&first, 6))
                    });
                    let hidden_text = hidden.map(|h| format!("{h} ")).unwrap_or_default();
                    let rows = grid.data_rows();
                    if rows < 2 {
                        // Empty, or a title alone: nothing that could be an item.
                        notes.push(format!(
                            "{hidden_text}sheet '{name}' was not read: it holds no data rows ({})",
                            if rows == 0 {
                                "it is empty".to_string()
                            } else {
                                format!("one row only: {}", quote_list(&first, 6))
                            }
                        ));
                        continue;
                    }
                    let e = Error::at(
                        ErrorKind::Row,
                        Location::file(path),
                        format!(
                            "{hidden_text}sheet '{name}' was not read: it has no header row with a vendor column in its first {HEADER_SEARCH_ROWS} rows ({first_row}), and it holds {rows} rows of data"
                        ),
                    )
                    .hint(format!(
                        "if it lists equipment, name its vendor column one of {} or map it with --column vendor=HEADER; to read only the inventory sheet, pass --sheet NAME",
                        vendor_words()
                    ));
                    notes.push(e.message.clone());
                    parts.push_back(Part::Unread(e));
                }
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Sheet(..))) {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                format!(
                    "no sheet of the workbook has a header row with a vendor column in its first {HEADER_SEARCH_ROWS} rows; looked for a column named {}; the sheets are {}",
                    vendor_words(),
                    if skipped.is_empty() { "none".to_string() } else { skipped.join(", ") }
                ),
            )
            .hint("name the vendor column one of these (any case), map it with --column vendor=HEADER, or pick the sheet with --sheet NAME"));
        }
        let mut vendor_names: Vec<String> = overrides
            .iter()
            .filter(|o| o.field == Field::Vendor)
            .map(|o| normalize_header(&o.header))
            .collect();
        vendor_names.extend(Field::Vendor.synonyms().iter().map(|s| s.to_string()));
        Ok(WorkbookReader {
            file,
            path_display,
            parts,
            digest,
            format,
            overrides: overrides.to_vec(),
            vendor_names,
            notes,
            repeats: 0,
        })
    }

    /// What the file turned out to be.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Notes on what was and was not read: hidden sheets read, sheets passed over and why,
    /// sheets of the same name told apart, header rows found again inside a sheet.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        if self.repeats > REPEATS_NOTED {
            notes.push(format!(
                "{} more header rows were found again inside sheets and their columns re-mapped",
                self.repeats - REPEATS_NOTED
            ));
        }
        notes
    }

    /// The next item; `Ok(None)` after the last row of the last sheet. A sheet that could not
    /// be read, or a row that cannot be judged, is an [`ErrorKind::Row`] error in its place;
    /// reading goes on after it.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            let Some(part) = self.parts.front_mut() else {
                return Ok(None);
            };
            let (plan, next) = match part {
                Part::Unread(_) => {
                    if let Some(Part::Unread(e)) = self.parts.pop_front() {
                        return Err(e);
                    }
                    continue;
                }
                Part::Sheet(plan, next) => (plan, next),
            };
            let Some((row, cells)) = plan.grid.rows.get(*next) else {
                self.parts.pop_front();
                continue;
            };
            *next += 1;
            let row_no = u64::from(*row) + 1;
            match header_again(cells, &self.overrides, &self.vendor_names, &plan.map) {
                Some(Ok((first_col, headers, map))) => {
                    let headers: Vec<Arc<str>> =
                        headers.iter().map(|h| Arc::from(h.trim())).collect();
                    let same = first_col == plan.first_col && headers == plan.headers;
                    self.repeats += 1;
                    if self.repeats <= REPEATS_NOTED {
                        self.notes.push(format!(
                            "{} repeats the header row{}; it is not an item",
                            place(&self.path_display, &plan.name, row_no, None),
                            if same { "" } else { " with its columns in another order: the rows below it are read by the new order" }
                        ));
                    }
                    plan.first_col = first_col;
                    plan.headers = headers;
                    plan.map = map;
                    continue;
                }
                Some(Err(err)) => {
                    let (msg, hint) = err.describe();
                    let e = Error::at(
                        ErrorKind::Row,
                        place(&self.path_display, &plan.name, row_no, None),
                        format!(
                            "this row looks like a header row again but its columns cannot be mapped ({msg}); it and the rest of sheet '{}' were not read",
                            plan.name
                        ),
                    )
                    .hint(hint);
                    self.parts.pop_front();
                    return Err(e);
                }
                None => {}
            }
            let mut values: Vec<Option<String>> = vec![None; plan.headers.len()];
            let installed_at = plan.map.get(Field::Installed);
            // A number (not a date cell) in the install-date column: a serial day number
            // whose date format was lost, read as its date; the number is kept as written.
            let mut serial_written = None;
            for (c, d) in cells {
                let Some(i) = c.checked_sub(plan.first_col) else {
                    continue;
                };
                if let Some(v) = values.get_mut(i as usize) {
                    *v = cell_text(d);
                    if installed_at == Some(i as usize) {
                        if let Some(date) = serial_date(d) {
                            serial_written = v.replace(date.to_string());
                        }
                    }
                }
            }
            let mut warnings = Vec::new();
            for col in plan.grid.uncached_in(*row) {
                let Some(i) = col.checked_sub(plan.first_col).map(|i| i as usize) else {
                    continue;
                };
                let Some(header) = plan.headers.get(i) else {
                    continue;
                };
                if header.is_empty() {
                    continue;
                }
                let field = plan
                    .map
                    .fields
                    .iter()
                    .find(|(_, &j)| j == i)
                    .map(|(f, _)| *f);
                let cell = place(&self.path_display, &plan.name, row_no, Some(col));
                if let Some(f) = field.filter(|f| JUDGED.contains(f)) {
                    return Err(Error::at(
                        ErrorKind::Row,
                        cell,
                        format!(
                            "the cell holds a formula without a computed value, in column '{header}' (the {f} field), so the row cannot be judged"
                        ),
                    )
                    .hint("open the workbook in a spreadsheet program so that it computes the formulas, and save it (or replace the formulas by their values)"));
                }
                warnings.push(format!(
                    "column '{header}': cell {}{}{} holds a formula without a computed value; it was read as empty",
                    sheet_ref(&plan.name),
                    '!',
                    format_args!("{}{row_no}", column_letters(col))
                ));
            }
            if values.iter().all(Option::is_none) && warnings.is_empty() {
                continue;
            }
            let mut item = build_item(
                &self.file,
                row_no,
                &plan.headers,
                &plan.map,
                &mut values,
                "column",
            );
            item.warnings.extend(warnings);
            if let Some(written) = serial_written {
                let key = crate::installed::as_written_key(crate::installed::column_of(&item));
                item.extra.push((key, written));
            }
            item.sheet = Some(plan.name.to_string());
            return Ok(Some(item));
        }
    }

    /// SHA-256 (hex) and size of the file.
    pub fn digest(&self) -> (String, u64) {
        self.digest.clone()
    }
}

/// A header row: its first column, its headers and how they map.
type Header = (u32, Vec<String>, ColumnMap);

/// Whether a row inside a sheet is its header row again (a concatenated export): a row whose
/// cells name a vendor column and map at least as many fields as the header did (two, when
/// it mapped more). `Some(Ok(..))` gives its first column, headers and mapping; `Some(Err)`
/// is a row that names a vendor column and other fields but cannot be mapped.
fn header_again(
    cells: &[(u32, Data)],
    overrides: &[ColumnOverride],
    vendor_names: &[String],
    current: &ColumnMap,
) -> Option<std::result::Result<Header, MapError>> {
    // Cheap tests first: this runs on every row.
    let longest = vendor_names.iter().map(String::len).max().unwrap_or(0) + 8;
    let could_be = |t: &str| {
        t.len() <= longest
            && t.chars().next().is_some_and(|c| {
                let c = c.to_lowercase().next().unwrap_or(c);
                vendor_names.iter().any(|v| v.starts_with(c))
            })
    };
    let names_vendor = cells.iter().any(|(_, d)| match d {
        Data::String(s) if could_be(s.trim()) => vendor_names.contains(&normalize_header(
            &s.split_whitespace().collect::<Vec<_>>().join(" "),
        )),
        _ => false,
    });
    if !names_vendor {
        return None;
    }
    let first_col = cells
        .iter()
        .find(|(_, d)| cell_text(d).is_some())
        .map(|&(c, _)| c)?;
    let texts = row_texts(cells, first_col);
    let wanted = current.fields.len().min(2);
    match map_headers(&texts, overrides) {
        Ok(mut map) if map.fields.len() >= wanted => {
            map.extra
                .retain(|&i| texts.get(i).is_some_and(|h| !h.trim().is_empty()));
            Some(Ok((first_col, texts, map)))
        }
        Ok(_) | Err(MapError::NoVendor { .. }) => None,
        Err(e) => {
            let named = texts.iter().filter(|t| Field::parse(t).is_some()).count();
            (named >= 2).then_some(Err(e))
        }
    }
}

// ---------------------------------------------------------------- bounded inflation

/// The most an `.xlsx` worksheet part (`xl/worksheets/*.xml`) may inflate to.
pub(crate) const MAX_SHEET_XML: u64 = 256 << 20;

/// The most an `.xlsx` shared-strings part (`xl/sharedStrings.xml`) may inflate to: the
/// parser keeps every string in memory.
pub(crate) const MAX_SHARED_STRINGS: u64 = 64 << 20;

/// The most any other part the parser reads (`xl/workbook.xml`, `xl/styles.xml`, their
/// relationships) may inflate to.
pub(crate) const MAX_PART: u64 = 64 << 20;

/// The most an `.ods` `content.xml` (every sheet of the workbook) may inflate to.
pub(crate) const MAX_ODS_CONTENT: u64 = 512 << 20;

/// The most non-empty cells kept from the sheets read, over the whole workbook (the cells of
/// merged ranges counted once per row they are applied to).
pub(crate) const MAX_BOOK_CELLS: u64 = 10_000_000;

/// A size in words: `1.5 GiB`, `256 MiB`, `12 KiB`, `900 bytes`.
pub fn size_text(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if n >= unit {
            let whole = n / unit;
            let tenth = (n % unit) * 10 / unit;
            return if tenth == 0 {
                format!("{whole} {name}")
            } else {
                format!("{whole}.{tenth} {name}")
            };
        }
    }
    format!("{n} bytes")
}

/// A part of the archive that inflates past its limit. `size` is what the archive's
/// directory declares, when that is what gave it away.
fn too_large(path: &Path, part: &str, size: Option<u64>, limit: u64) -> Error {
    let what = match size {
        Some(n) => format!("inflates to {}", size_text(n)),
        None => "inflates to more than its zip entry declares".to_string(),
    };
    Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        format!(
            "{part} {what}, more than the {} limit, so the workbook was not read",
            size_text(limit)
        ),
    )
    .hint("a part this large is damaged or a decompression bomb; if the inventory really is this large, export it as CSV")
}

/// Set when a [`Capped`] reader went past its limit.
type OverFlag = std::rc::Rc<std::cell::Cell<bool>>;

/// A reader that fails once more than `left` bytes came through it: the decompressed stream
/// is held to the limit even when the archive's directory understates a part's size.
struct Capped<R> {
    inner: R,
    left: u64,
    over: OverFlag,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.over.set(true);
            self.left = 0;
            return Err(std::io::Error::other("part larger than its limit"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// An archive entry read through a [`Capped`] reader.
type CappedEntry<'z, 'a> = Capped<zip::read::ZipFile<'z, Cursor<&'a [u8]>>>;

/// The index of the entry `name` as the parser finds it: without regard to case, with `\`
/// read as `/`.
fn entry_index(zip: &Zip<'_>, name: &str) -> Option<usize> {
    (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(name))
    })
}

/// Opens entry `index` for reading, held to `limit` bytes inflated: refused before inflating
/// when the archive's directory declares more.
fn open_capped<'z, 'a>(
    path: &Path,
    zip: &'z mut Zip<'a>,
    index: usize,
    part: &str,
    limit: u64,
) -> Result<(CappedEntry<'z, 'a>, OverFlag)> {
    let f = zip
        .by_index(index)
        .map_err(|e| damaged(path, format!("{part}: {e}")))?;
    if f.size() > limit {
        return Err(too_large(path, part, Some(f.size()), limit));
    }
    let over = std::rc::Rc::new(std::cell::Cell::new(false));
    Ok((
        Capped {
            inner: f,
            left: limit,
            over: std::rc::Rc::clone(&over),
        },
        over,
    ))
}

/// Reads a whole part (at most `limit` bytes inflated); `None` when there is no such part.
fn read_part(path: &Path, zip: &mut Zip<'_>, part: &str, limit: u64) -> Result<Option<Vec<u8>>> {
    let Some(index) = entry_index(zip, part) else {
        return Ok(None);
    };
    let (mut r, over) = open_capped(path, zip, index, part, limit)?;
    let mut out = Vec::new();
    match r.read_to_end(&mut out) {
        Ok(_) => Ok(Some(out)),
        Err(_) if over.get() => Err(too_large(path, part, None, limit)),
        Err(e) => Err(damaged(path, format!("{part}: {e}"))),
    }
}

/// Checks that a part inflates within `limit` without keeping it.
fn check_part(path: &Path, zip: &mut Zip<'_>, part: &str, limit: u64) -> Result<()> {
    let Some(index) = entry_index(zip, part) else {
        return Ok(());
    };
    let (mut r, over) = open_capped(path, zip, index, part, limit)?;
    match std::io::copy(&mut r, &mut std::io::sink()) {
        Ok(_) => Ok(()),
        Err(_) if over.get() => Err(too_large(path, part, None, limit)),
        Err(e) => Err(damaged(path, format!("{part}: {e}"))),
    }
}

// ---------------------------------------------------------------- .xlsx structure

/// A sheet as `xl/workbook.xml` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct XlsxSheet {
    name: String,
    /// Its part (`xl/worksheets/sheet1.xml`), when its relationship names one.
    part: Option<String>,
}

fn attr_value(e: &quick_xml::events::BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            let raw = String::from_utf8_lossy(&a.value);
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| raw.into_owned())
        })
    })
}

/// The sheets of `xl/workbook.xml`, in order, duplicates kept, each with its part resolved
/// through `xl/_rels/workbook.xml.rels` as the parser resolves it.
fn xlsx_sheets(workbook: &[u8], rels: &[u8]) -> Vec<XlsxSheet> {
    let mut targets: std::collections::HashMap<String, String> = Default::default();
    let mut xml = quick_xml::Reader::from_reader(rels);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(t)) = (attr_value(&e, b"Id"), attr_value(&e, b"Target")) {
                    targets.insert(id, t);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    let mut out = Vec::new();
    let mut xml = quick_xml::Reader::from_reader(workbook);
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"sheet" => {
                let rid = e.attributes().flatten().find_map(|a| {
                    let k = a.key.as_ref();
                    (k == b"r:id" || k == b"relationships:id")
                        .then(|| String::from_utf8_lossy(&a.value).into_owned())
                });
                let part = rid.and_then(|r| targets.get(&r)).map(|t| {
                    if let Some(rest) = t.strip_prefix('/') {
                        rest.to_string()
                    } else if t.starts_with("xl/") {
                        t.clone()
                    } else {
                        format!("xl/{t}")
                    }
                });
                out.push(XlsxSheet {
                    name: attr_value(&e, b"name").unwrap_or_default(),
                    part,
                });
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Names that tell apart sheets of the same name: the second `Sheet1` becomes `Sheet1 (2)`
/// (or `Sheet1 (3)` when a `Sheet1 (2)` exists already).
fn unique_names(names: &[String]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = names.iter().cloned().collect();
    let mut seen: std::collections::HashSet<&str> = Default::default();
    names
        .iter()
        .map(|n| {
            if seen.insert(n.as_str()) {
                return n.clone();
            }
            let mut k = 2u32;
            loop {
                let candidate = format!("{n} ({k})");
                if taken.insert(candidate.clone()) {
                    return candidate;
                }
                k += 1;
            }
        })
        .collect()
}

/// `xl/workbook.xml` with its sheets renamed to `names`, in order.
fn rename_sheets(workbook: &[u8], names: &[String]) -> std::result::Result<Vec<u8>, String> {
    let mut xml = quick_xml::Reader::from_reader(workbook);
    let mut out = quick_xml::Writer::new(Vec::new());
    let mut buf = Vec::new();
    let mut next = names.iter();
    let rebuild = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        let mut n = quick_xml::events::BytesStart::new(
            String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        );
        for a in e.attributes().flatten() {
            if a.key.as_ref() == b"name" {
                n.push_attribute(("name", name));
            } else {
                n.push_attribute(a);
            }
        }
        n
    };
    loop {
        let ev = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        let ev = match ev {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == b"sheet" => match next.next() {
                Some(name) => Event::Start(rebuild(&e, name)),
                None => Event::Start(e),
            },
            Event::Empty(e) if e.local_name().as_ref() == b"sheet" => match next.next() {
                Some(name) => Event::Empty(rebuild(&e, name)),
                None => Event::Empty(e),
            },
            other => other,
        };
        out.write_event(ev).map_err(|e| e.to_string())?;
        buf.clear();
    }
    Ok(out.into_inner())
}

/// The archive with entry `index` replaced by `body` (the others copied as they are).
fn replace_entry(zip: &mut Zip<'_>, index: usize, body: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        if i == index {
            let name = zip
                .name_for_index(i)
                .unwrap_or("xl/workbook.xml")
                .to_string();
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file(name, opts)?;
            w.write_all(body)?;
        } else {
            w.raw_copy_file(zip.by_index_raw(i)?)?;
        }
    }
    Ok(w.finish()?.into_inner())
}

/// What an `.xlsx` workbook needs before the parser sees it: the parts the parser reads when
/// it opens the file are held to their limits (each sheet's part is held to its limit when it
/// is scanned, before it is parsed), and sheets of the same name are renamed apart in
/// `xl/workbook.xml` (the parser finds sheets by name). Returns the bytes to parse (a
/// rewritten copy only when names were changed) and the sheets with their parts.
fn prepare_xlsx(path: &Path, bytes: Vec<u8>) -> Result<(Vec<u8>, Vec<XlsxSheet>, Vec<String>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice()))
        .map_err(|e| damaged(path, format!("not a readable zip archive ({e})")))?;
    let workbook = read_part(path, &mut zip, "xl/workbook.xml", MAX_PART)?.unwrap_or_default();
    let rels =
        read_part(path, &mut zip, "xl/_rels/workbook.xml.rels", MAX_PART)?.unwrap_or_default();
    let sheets = xlsx_sheets(&workbook, &rels);
    // Declared sizes first, so a bomb is refused before anything is inflated.
    let declared = |zip: &mut Zip<'_>, part: &str, limit: u64| -> Result<()> {
        if let Some(i) = entry_index(zip, part) {
            let size = zip.by_index_raw(i).map(|f| f.size()).unwrap_or(0);
            if size > limit {
                return Err(too_large(path, part, Some(size), limit));
            }
        }
        Ok(())
    };
    declared(&mut zip, "xl/sharedStrings.xml", MAX_SHARED_STRINGS)?;
    declared(&mut zip, "xl/styles.xml", MAX_PART)?;
    for s in &sheets {
        if let Some(part) = &s.part {
            declared(&mut zip, part, MAX_SHEET_XML)?;
        }
    }
    check_part(path, &mut zip, "xl/sharedStrings.xml", MAX_SHARED_STRINGS)?;
    check_part(path, &mut zip, "xl/styles.xml", MAX_PART)?;
    check_part(path, &mut zip, "[Content_Types].xml", MAX_PART)?;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let unique = unique_names(&names);
    if unique == names {
        drop(zip);
        return Ok((bytes, sheets, unique));
    }
    let renamed = rename_sheets(&workbook, &unique)
        .map_err(|e| damaged(path, format!("xl/workbook.xml: {e}")))?;
    let index = entry_index(&zip, "xl/workbook.xml")
        .ok_or_else(|| damaged(path, "xl/workbook.xml is missing"))?;
    let rewritten = replace_entry(&mut zip, index, &renamed)
        .map_err(|e| damaged(path, format!("cannot rewrite the sheet list: {e}")))?;
    Ok((rewritten, sheets, unique))
}

/// What a sheet's own part says beyond its values: merged ranges and formulas without a
/// computed value.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SheetExtras {
    /// Merged ranges: (first row, first column, last row, last column), 0-based.
    pub merges: Vec<(u32, u32, u32, u32)>,
    /// Cells holding a formula without a cached value (row, column), 0-based.
    pub uncached: Vec<(u32, u32)>,
}

/// A cell reference (`B7`) as 0-based (row, column).
fn parse_ref(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col = 0u32;
    for b in &r[..letters] {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: u32 = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Walks a worksheet part before the parser does, held to [`MAX_SHEET_XML`] inflated and
/// `budget` cells with a value or formula: counts its cells, finds its merged ranges and its
/// formulas without a cached value. Cell positions follow the parser's rules (a cell without
/// a reference is the one after the previous cell of its row).
fn scan_xlsx_sheet(
    path: &Path,
    zip: &mut Zip<'_>,
    sheet: &str,
    part: &str,
    budget: u64,
) -> Result<(SheetExtras, u64)> {
    let Some(index) = entry_index(zip, part) else {
        return Ok((SheetExtras::default(), 0));
    };
    let (capped, over) = open_capped(path, zip, index, part, MAX_SHEET_XML)?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(capped));
    let mut buf = Vec::new();
    let mut extras = SheetExtras::default();
    let (mut row, mut col) = (0u32, 0u32);
    // The open cell: its position, whether it has a formula, whether a value.
    let mut cell: Option<((u32, u32), bool, bool)> = None;
    let mut cells = 0u64;
    loop {
        let ev = match xml.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) if over.get() => return Err(too_large(path, part, None, MAX_SHEET_XML)),
            Err(e) => return Err(damaged(path, format!("sheet '{sheet}' ({part}): {e}"))),
        };
        let empty = matches!(ev, Event::Empty(_));
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"row" => {
                    if let Some(r) = attr_value(e, b"r").and_then(|r| r.trim().parse::<u32>().ok())
                    {
                        row = r.saturating_sub(1);
                    }
                    col = 0;
                    if empty {
                        row = row.saturating_add(1);
                    }
                }
                b"c" => {
                    let pos = match attr_value(e, b"r").and_then(|r| parse_ref(r.as_bytes())) {
                        Some(p) => p,
                        None => (row, col),
                    };
                    col = pos.1.saturating_add(1);
                    if !empty {
                        cell = Some((pos, false, false));
                    }
                }
                b"f" => {
                    if let Some(c) = cell.as_mut() {
                        c.1 = true;
                    }
                }
                b"v" | b"is" => {
                    if let Some(c) = cell.as_mut() {
                        c.2 = true;
                    }
                }
                b"mergeCell" => {
                    let range = attr_value(e, b"ref").unwrap_or_default();
                    let (a, b) = range.split_once(':').unwrap_or((&range, &range));
                    if let (Some(a), Some(b)) = (parse_ref(a.as_bytes()), parse_ref(b.as_bytes())) {
                        extras.merges.push((
                            a.0.min(b.0),
                            a.1.min(b.1),
                            a.0.max(b.0),
                            a.1.max(b.1),
                        ));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"row" => {
                    row = row.saturating_add(1);
                    col = 0;
                }
                b"c" => {
                    if let Some((pos, f, v)) = cell.take() {
                        if f && !v {
                            extras.uncached.push(pos);
                        }
                        if f || v {
                            cells += 1;
                            if cells > budget {
                                return Err(too_many_cells(path, sheet));
                            }
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok((extras, cells))
}

fn too_many_cells(path: &Path, sheet: &str) -> Error {
    Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        format!(
            "sheet '{sheet}' takes the workbook past {MAX_BOOK_CELLS} non-empty cells, the most that is read from one workbook"
        ),
    )
    .hint("delete unused rows and columns, split the workbook, or export the inventory as CSV")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(sheet_ref("Sheet1"), "Sheet1");
        assert_eq!(sheet_ref("My sheet"), "'My sheet'");
        assert_eq!(sheet_ref("Bob's"), "'Bob''s'");
        assert_eq!(
            place("a.xlsx", "Inventory", 12, Some(2)).to_string(),
            "a.xlsx:Inventory!C12"
        );
        assert_eq!(
            place("a.xlsx", "S 1", 3, None).to_string(),
            "a.xlsx:'S 1'!3"
        );
    }

    #[test]
    fn cells_as_text() {
        use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
        assert_eq!(cell_text(&Data::Float(2102311.0)), Some("2102311".into()));
        assert_eq!(cell_text(&Data::Float(2.5)), Some("2.5".into()));
        assert_eq!(
            cell_text(&Data::String(" 000123 ".into())),
            Some("000123".into())
        );
        assert_eq!(cell_text(&Data::String("  ".into())), None);
        assert_eq!(cell_text(&Data::Int(7)), Some("7".into()));
        let d = ExcelDateTime::new(43845.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(d)), Some("2020-01-15".into()));
        let d = ExcelDateTime::new(43845.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(d)),
            Some("2020-01-15 12:00:00".into())
        );
        let d = ExcelDateTime::new(42383.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(cell_text(&Data::DateTime(d)), Some("2020-01-15".into()));
        assert_eq!(
            cell_text(&Data::DateTimeIso("2020-01-15T00:00:00".into())),
            Some("2020-01-15".into())
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2020-01-15".into())),
            Some("2020-01-15".into())
        );
        assert_eq!(
            cell_text(&Data::Error(CellErrorType::NA)),
            Some("#N/A".into())
        );
        assert_eq!(cell_text(&Data::Bool(true)), Some("TRUE".into()));
    }

    fn range(rows: &[&[&str]]) -> Grid {
        let mut cells = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    cells.push(((i as u32, j as u32 + 1), Data::String(v.to_string())));
                }
            }
        }
        Grid::from_cells(cells)
    }

    #[test]
    fn header_row_is_found_below_titles() {
        let r = range(&[
            &["Network inventory 2026", ""],
            &["", ""],
            &["Manufacturer", "Model", "", "Notes"],
            &["ZTE", "F660"],
        ]);
        match find_header(&r, &[]) {
            HeaderSearch::Found {
                row,
                map,
                first_col,
                ..
            } => {
                assert_eq!(row, 1);
                assert_eq!(first_col, 1);
                assert_eq!(map.get(Field::Vendor), Some(0));
                assert_eq!(map.extra, vec![3]);
            }
            _ => panic!("no header"),
        }
        let r = range(&[&["Vendor", "Serial\nNumber"], &["ZTE", "1"]]);
        match find_header(&r, &[]) {
            HeaderSearch::Found { map, headers, .. } => {
                assert_eq!(map.get(Field::Serial), Some(1));
                assert_eq!(headers[1], "Serial Number");
            }
            _ => panic!("no header"),
        }
        let r = range(&[&["Site", "Count"], &["Vilnius", "3"]]);
        assert!(
            matches!(find_header(&r, &[]), HeaderSearch::None { first } if first == ["Site", "Count"])
        );
        let r = range(&[&["Vendor", "Make"], &["ZTE", "x"]]);
        assert!(matches!(
            find_header(&r, &[]),
            HeaderSearch::Bad { row: 0, .. }
        ));
        let o = ColumnOverride::parse("vendor=Hersteller").unwrap();
        let r = range(&[&["Title"], &["Hersteller", "Modell"]]);
        assert!(matches!(
            find_header(&r, &[o]),
            HeaderSearch::Found { row: 1, .. }
        ));
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_text(900), "900 bytes");
        assert_eq!(size_text(12 << 10), "12 KiB");
        assert_eq!(size_text(MAX_SHEET_XML), "256 MiB");
        assert_eq!(size_text(0x6000_0000), "1.5 GiB");
    }

    /// A deflated zip of one entry `name` holding `body`, whose directory and local header
    /// then declare `declared` inflated bytes.
    fn zip_declaring(name: &str, body: &[u8], declared: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            z.start_file(name, opts).unwrap();
            z.write_all(body).unwrap();
            z.finish().unwrap();
        }
        let mut b = out.into_inner();
        for at in 0..b.len().saturating_sub(46) {
            let (size_at, name_at) = match &b[at..at + 4] {
                b"PK\x03\x04" => (at + 22, at + 30),
                b"PK\x01\x02" => (at + 24, at + 46),
                _ => continue,
            };
            if b.get(name_at..name_at + name.len()) == Some(name.as_bytes()) {
                b[size_at..size_at + 4].copy_from_slice(&declared.to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn parts_are_held_to_their_limits_declared_or_not() {
        let p = Path::new("inv.xlsx");
        let body = vec![b'a'; 64 << 10];
        // Honest directory, within the limit.
        let b = zip_declaring("xl/sharedStrings.xml", &body, body.len() as u32);
        let mut z = zip::ZipArchive::new(Cursor::new(b.as_slice())).unwrap();
        assert!(check_part(p, &mut z, "xl/sharedStrings.xml", 1 << 20).is_ok());
        assert!(check_part(p, &mut z, "xl/missing.xml", 1).is_ok());
        // Declared past the limit: refused before inflating.
        let b = zip_declaring("xl/sharedStrings.xml", &body, 0x6000_0000);
        let mut z = zip::ZipArchive::new(Cursor::new(b.as_slice())).unwrap();
        let e = check_part(p, &mut z, "xl/sharedStrings.xml", MAX_SHARED_STRINGS).unwrap_err();
        assert_eq!(e.to_string(), "inv.xlsx: xl/sharedStrings.xml inflates to 1.5 GiB, more than the 64 MiB limit, so the workbook was not read (hint: a part this large is damaged or a decompression bomb; if the inventory really is this large, export it as CSV)");
        // A directory that understates the size: the inflated stream itself is held.
        let b = zip_declaring("XL/SharedStrings.xml", &body, 100);
        let mut z = zip::ZipArchive::new(Cursor::new(b.as_slice())).unwrap();
        let e = read_part(p, &mut z, "xl/sharedStrings.xml", 16 << 10).unwrap_err();
        assert!(
            e.message.starts_with("xl/sharedStrings.xml inflates to more than its zip entry declares, more than the 16 KiB limit"),
            "{e}"
        );
    }

    #[test]
    fn sheet_scan_finds_merges_uncached_formulas_and_counts_cells() {
        let xml = "<worksheet><sheetData><row r=\"2\"><c r=\"B2\"><f>A1</f></c><c><f>A2</f><v>3</v></c><c t=\"inlineStr\"><is><t>x</t></is></c><c r=\"F2\" s=\"1\"/></row><row><c><f t=\"shared\" si=\"0\"/></c></row></sheetData><mergeCells><mergeCell ref=\"B5:C9\"/></mergeCells></worksheet>";
        let b = zip_declaring("xl/worksheets/sheet1.xml", xml.as_bytes(), xml.len() as u32);
        let mut z = zip::ZipArchive::new(Cursor::new(b.as_slice())).unwrap();
        let p = Path::new("inv.xlsx");
        let (extras, cells) =
            scan_xlsx_sheet(p, &mut z, "S", "xl/worksheets/sheet1.xml", 100).unwrap();
        assert_eq!(cells, 4);
        assert_eq!(extras.uncached, vec![(1, 1), (2, 0)]);
        assert_eq!(extras.merges, vec![(4, 1, 8, 2)]);
        let e = scan_xlsx_sheet(p, &mut z, "S", "xl/worksheets/sheet1.xml", 3).unwrap_err();
        assert!(
            e.message.starts_with("sheet 'S' takes the workbook past"),
            "{e}"
        );
        assert_eq!(parse_ref(b"AB12"), Some((11, 27)));
        assert_eq!(parse_ref(b"A0"), None);
        assert_eq!(parse_ref(b"12"), None);
    }

    #[test]
    fn merged_ranges_fill_their_rows_and_uncached_cells_keep_their_rows() {
        let s = |v: &str| Data::String(v.to_string());
        let cells = vec![
            ((0, 0), s("Vendor")),
            ((1, 0), s("Huawei")),
            ((1, 1), s("BBU")),
            ((2, 1), s("RRU")),
            ((3, 0), s("hidden under the merge")),
            ((3, 1), s("AAU")),
        ];
        let extras = SheetExtras {
            merges: vec![(1, 0, 3, 0), (0, 1, 0, 3)],
            uncached: vec![(6, 2)],
        };
        let g = Grid::build(cells, &extras).unwrap();
        let col0: Vec<(u32, String)> = g
            .rows
            .iter()
            .filter_map(|(r, c)| {
                c.iter()
                    .find(|(c, _)| *c == 0)
                    .map(|(_, d)| (*r, cell_text(d).unwrap()))
            })
            .collect();
        assert_eq!(
            col0,
            vec![
                (0, "Vendor".to_string()),
                (1, "Huawei".to_string()),
                (2, "Huawei".to_string()),
                (3, "hidden under the merge".to_string())
            ]
        );
        assert_eq!(g.rows.last().map(|(r, c)| (*r, c.len())), Some((6, 0)));
        assert_eq!(g.uncached_in(6).collect::<Vec<_>>(), vec![2]);
        assert_eq!(g.data_rows(), 5);
        // A merge too large for the cell budget is refused.
        let huge = SheetExtras {
            merges: vec![(0, 0, u32::MAX, 0)],
            uncached: Vec::new(),
        };
        assert!(Grid::build(vec![((0, 0), s("x"))], &huge).is_none());
    }

    #[test]
    fn sheets_of_one_name_are_renamed_apart() {
        let names: Vec<String> = ["A", "A", "A (2)", "B", "A"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            unique_names(&names),
            vec!["A", "A (3)", "A (2)", "B", "A (4)"]
        );
        let wb = br#"<workbook xmlns:r="x"><sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="A" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#;
        let rels = br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;
        let sheets = xlsx_sheets(wb, rels);
        assert_eq!(
            sheets,
            vec![
                XlsxSheet {
                    name: "A".into(),
                    part: Some("xl/worksheets/sheet1.xml".into())
                },
                XlsxSheet {
                    name: "A".into(),
                    part: Some("xl/worksheets/sheet2.xml".into())
                },
            ]
        );
        let renamed = rename_sheets(wb, &["A".to_string(), "A & <2>".to_string()]).unwrap();
        let again = xlsx_sheets(&renamed, rels);
        assert_eq!(again[1].name, "A & <2>");
        assert_eq!(again[1].part.as_deref(), Some("xl/worksheets/sheet2.xml"));
        assert!(String::from_utf8_lossy(&renamed).contains("state=\"hidden\""));
    }
}
