//! Spreadsheet workbooks (`.xlsx`, `.xls`, `.ods`), read through calamine.
//!
//! Every visible worksheet whose first 20 rows hold a header row is read: a header row is a
//! row whose cells map a vendor column through [`map_headers`] (synonyms and `--column`
//! overrides); rows above it (titles, notes) are ignored, and so are sheets without one (a
//! summary or notes sheet). `--sheet NAME` reads that one sheet only (hidden or not). Hidden
//! sheets are otherwise skipped: they typically hold the lists behind drop-down menus.
//!
//! An item's `line` is the 1-based spreadsheet row and its `sheet` the sheet's name, so that
//! its place reads `inventory.xlsx:Sheet1!12`; errors name the cell the same way
//! (`inventory.xlsx:Sheet1!C12`). Cells are turned into text as a person reads them: text
//! stays as it is (serial numbers with leading zeros stored as text keep them), whole numbers
//! print without `.0`, dates print as `YYYY-MM-DD` (with the time of day only when there is
//! one), formulas give their last computed value and error cells their code (`#N/A`).
//! Number formats are not applied: a number shown as `000123` by its format is read as `123`.
//! Columns without a header are ignored.
//!
//! The file is read into memory (a workbook is a zip archive or a compound file, not a
//! stream), its SHA-256 taken from those bytes, and each inventory sheet's non-empty cells
//! kept until its rows have been handed out. `.xlsx` sheets are read cell by cell, so a
//! stray value in a far corner (`XFD1048576`) costs nothing; `.xls` files are checked for
//! sector chains that loop or point outside the file ([`super::cfb`]) and `.ods` files for
//! repeated rows and columns that would expand to more than [`MAX_CELLS`] cells, before the
//! parser sees them. Binary `.xlsb` workbooks are not read.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Range, Reader as _, SheetType, SheetVisible, Sheets};
use quick_xml::events::Event;

use super::columns::{map_headers, normalize_header, ColumnMap, ColumnOverride, MapError};
use super::discover::Format;
use super::record::{build_item, non_empty, number_text};
use super::sniff::{self, Content, ZipKind};
use crate::error::{display_path, Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The most cells an `.ods` sheet may expand to (repeated rows and columns included).
pub const MAX_CELLS: u64 = 20_000_000;

type Book = Sheets<Cursor<Vec<u8>>>;

/// A sheet's non-empty cells, row by row, each row's cells by column (0-based absolute
/// positions), in order.
#[derive(Debug, Default)]
pub struct Grid {
    rows: Vec<(u32, Vec<(u32, Data)>)>,
}

impl Grid {
    /// From cells in any order (empty ones are dropped).
    pub fn from_cells(mut cells: Vec<((u32, u32), Data)>) -> Grid {
        cells.retain(|(_, d)| !matches!(d, Data::Empty));
        cells.sort_by_key(|&(pos, _)| pos);
        let mut rows: Vec<(u32, Vec<(u32, Data)>)> = Vec::new();
        for ((r, c), d) in cells {
            match rows.last_mut() {
                Some((last, v)) if *last == r => v.push((c, d)),
                _ => rows.push((r, vec![(c, d)])),
            }
        }
        Grid { rows }
    }

    /// From a calamine range.
    pub fn from_range(range: &Range<Data>) -> Grid {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        Grid::from_cells(
            range
                .used_cells()
                .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
                .collect(),
        )
    }
}

/// One sheet to read: its cells and how its columns map.
struct SheetPlan {
    name: Arc<str>,
    grid: Grid,
    /// Index (into the grid's rows) of the header row.
    header_row: usize,
    /// The absolute column of the first header.
    first_col: u32,
    headers: Vec<Arc<str>>,
    map: ColumnMap,
}

/// A reader over the inventory sheets of one workbook.
pub struct WorkbookReader {
    file: Arc<str>,
    path_display: String,
    sheets: std::collections::VecDeque<SheetPlan>,
    /// The next row (within the current sheet's range) to read.
    row: usize,
    digest: (String, u64),
    format: Format,
}

/// How a sheet name is written in a cell reference: quoted unless it is a plain word.
pub fn sheet_ref(name: &str) -> String {
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
pub fn column_letters(mut col: u32) -> String {
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
pub fn cell_text(d: &Data) -> Option<String> {
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
fn check_ods(path: &Path, zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<()> {
    let Ok(content) = zip.by_name("content.xml") else {
        return Err(damaged(path, "content.xml is missing"));
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
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
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| damaged(path, format!("content.xml: {e}")))?;
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table" => {
                    sheet = attr(e, b"table:name").unwrap_or_default();
                    (rows, rows_to_last, widest, pushed) = (0, 0, 0, 0);
                }
                b"table:table-row" => {
                    row_rep = repeats(attr(e, b"table:number-rows-repeated"));
                    (width, used) = (0, 0);
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    width =
                        width.saturating_add(repeats(attr(e, b"table:number-columns-repeated")));
                    let filled =
                        matches!(ev, Event::Start(_)) || attr(e, b"office:value-type").is_some();
                    if filled {
                        used = width;
                    }
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
    Ok(())
}

/// Opens the workbook in `bytes`, choosing the parser by content. `named` is the format the
/// file's name (or `--input-format`) gave, for messages.
fn open_book(path: &Path, bytes: Vec<u8>, named: Format) -> Result<(Book, Format)> {
    let content = sniff::sniff(&bytes);
    let (kind, format) = match content {
        Content::Zip(_) => {
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice()))
                .map_err(|e| damaged(path, format!("not a readable zip archive ({e})")))?;
            let mime = zip.by_name("mimetype").ok().map(|mut f| {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut f, &mut s);
                s
            });
            if let Some(m) = mime.filter(|m| m.starts_with("application/vnd.oasis.opendocument")) {
                if !m.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
                    return Err(not_a_workbook(path, named, "an OpenDocument file that is not a spreadsheet (a text document or presentation)"));
                }
                check_ods(path, &mut zip)?;
                ("ods", Format::Ods)
            } else if zip.index_for_name("xl/workbook.xml").is_some() {
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
        Some(Ok(book)) => Ok((book, format)),
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
        let digest = (super::digest::sha256_hex(&bytes), bytes.len() as u64);
        let (mut book, format) = open_book(path, bytes, named)?;
        let path_display = display_path(path);
        let metas: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
        let all_names: Vec<String> = metas.iter().map(|s| s.name.clone()).collect();
        let mut load = |name: &str| -> Result<Grid> {
            let loaded = guarded(|| -> std::result::Result<Grid, calamine::Error> {
                match &mut book {
                    Sheets::Xlsx(x) => {
                        let mut cells = Vec::new();
                        let mut rdr = x.worksheet_cells_reader(name)?;
                        while let Some(c) = rdr.next_cell()? {
                            let pos = c.get_position();
                            let d: Data = c.get_value().clone().into();
                            if !matches!(d, Data::Empty) {
                                cells.push((pos, d));
                            }
                        }
                        Ok(Grid::from_cells(cells))
                    }
                    other => Ok(Grid::from_range(&other.worksheet_range(name)?)),
                }
            });
            match loaded {
                Some(Ok(g)) => Ok(g),
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
        let mut plans = std::collections::VecDeque::new();
        let mut skipped: Vec<String> = Vec::new();
        let chosen: Vec<&calamine::Sheet> = match sheet {
            Some(want) => {
                let found = metas.iter().find(|s| s.name == want).or_else(|| {
                    metas
                        .iter()
                        .find(|s| s.name.trim().to_lowercase() == want.trim().to_lowercase())
                });
                match found {
                    Some(s) => vec![s],
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
            None => metas.iter().collect(),
        };
        for meta in chosen {
            let name = meta.name.as_str();
            if sheet.is_none() {
                if meta.typ != SheetType::WorkSheet {
                    skipped.push(format!("'{name}' (not a worksheet)"));
                    continue;
                }
                if meta.visible != SheetVisible::Visible {
                    skipped.push(format!("'{name}' (hidden, not read)"));
                    continue;
                }
            }
            let grid = load(name)?;
            match find_header(&grid, overrides) {
                HeaderSearch::Found {
                    row,
                    first_col,
                    headers,
                    map,
                } => {
                    plans.push_back(SheetPlan {
                        name: Arc::from(name),
                        grid,
                        header_row: row,
                        first_col,
                        headers: headers.iter().map(|h| Arc::from(h.trim())).collect(),
                        map,
                    });
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
                    if sheet.is_some() {
                        return Err(Error::at(
                            ErrorKind::Inventory,
                            Location::file(path),
                            format!(
                                "sheet '{name}' has no header row with a vendor column in its first {HEADER_SEARCH_ROWS} rows ({})",
                                if first.is_empty() {
                                    "the sheet is empty".to_string()
                                } else {
                                    format!("its first row is {}", quote_list(&first, 12))
                                }
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
                }
            }
        }
        if plans.is_empty() {
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
        let row = plans.front().map_or(0, |p| p.header_row + 1);
        Ok(WorkbookReader {
            file,
            path_display,
            sheets: plans,
            row,
            digest,
            format,
        })
    }

    /// The names of the sheets that will be read, in order (before reading starts).
    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|s| s.name.to_string()).collect()
    }

    /// What the file turned out to be.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The next item; `Ok(None)` after the last row of the last sheet.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            let Some(plan) = self.sheets.front() else {
                return Ok(None);
            };
            let Some((row, cells)) = plan.grid.rows.get(self.row) else {
                self.sheets.pop_front();
                self.row = self.sheets.front().map_or(0, |p| p.header_row + 1);
                continue;
            };
            self.row += 1;
            let mut values: Vec<Option<String>> = vec![None; plan.headers.len()];
            for (c, d) in cells {
                let Some(i) = c.checked_sub(plan.first_col) else {
                    continue;
                };
                if let Some(v) = values.get_mut(i as usize) {
                    *v = cell_text(d);
                }
            }
            if values.iter().all(Option::is_none) {
                continue;
            }
            let row_no = u64::from(*row) + 1;
            let mut item = build_item(
                &self.file,
                row_no,
                &plan.headers,
                &plan.map,
                &mut values,
                "column",
            );
            item.sheet = Some(plan.name.to_string());
            return Ok(Some(item));
        }
    }

    /// SHA-256 (hex) and size of the file.
    pub fn digest(&self) -> (String, u64) {
        self.digest.clone()
    }
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
}
