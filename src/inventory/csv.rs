//! CSV inventories: delimiter and encoding sniffing, header mapping, streaming record reading.
//!
//! Records are read one at a time into a reused [`csv::ByteRecord`]; the file is never held
//! in memory. Line numbers are physical lines (the header is line 1). The input's SHA-256 is
//! computed from the same bytes while they are parsed.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::columns::{map_headers, ColumnMap, ColumnOverride};
use super::digest::HashingReader;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};

/// Longest header line looked at when sniffing the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

/// How CSV files are read.
#[derive(Clone, Debug, Default)]
pub struct CsvOptions {
    /// Forced delimiter; sniffed from the header when `None`.
    pub delimiter: Option<u8>,
    /// Explicit column mappings.
    pub columns: Vec<ColumnOverride>,
}

/// Hashes the bytes it passes on and keeps those not yet located, so that a record's byte
/// offset can be turned into its physical line. (The csv crate's own line numbers skip blank
/// lines and CRLF line ends inconsistently, so tvcheck counts newlines itself.)
struct Tracked<R> {
    inner: HashingReader<R>,
    /// Bytes read but not yet located start at `window[head]`, which is file offset
    /// `window_start`; the located prefix is dropped only once it is half the buffer, so
    /// locating a record does not move the bytes after it.
    window: Vec<u8>,
    head: usize,
    window_start: u64,
    lines_before_window: u64,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.head > 0 && self.head >= self.window.len() / 2 {
            self.window.drain(..self.head);
            self.head = 0;
        }
        self.window.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R: Read> Tracked<R> {
    fn new(inner: R) -> Tracked<R> {
        Tracked {
            inner: HashingReader::new(inner),
            window: Vec::with_capacity(64 * 1024),
            head: 0,
            window_start: 0,
            lines_before_window: 0,
        }
    }

    /// For a record the parser says starts at `byte` (which may point at blank lines before
    /// it), returns its physical line (1-based) and the offset of its first real byte.
    fn locate(&mut self, byte: u64) -> (u64, u64) {
        let pending = &self.window[self.head..];
        let rel = usize::try_from(byte.saturating_sub(self.window_start))
            .unwrap_or(usize::MAX)
            .min(pending.len());
        let next = pending.get(rel).copied();
        self.lines_before_window += count_line_ends(&pending[..rel], next);
        self.head += rel;
        self.window_start += rel as u64;
        let pending = &self.window[self.head..];
        let skip = pending
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        let next = pending.get(skip).copied();
        let line = self.lines_before_window + count_line_ends(&pending[..skip], next) + 1;
        (line, self.window_start + skip as u64)
    }
}

/// Line ends in `bytes`: LF, CRLF, and a lone CR (old Mac and Excel-for-Mac exports). `next`
/// is the byte after the slice, so that a CR at its end followed by an LF is counted once.
fn count_line_ends(bytes: &[u8], next: Option<u8>) -> u64 {
    // Fast path (one vectorisable pass): without a CR, line ends are the LFs.
    let (mut lf, mut cr) = (0u64, 0u64);
    for &b in bytes {
        lf += u64::from(b == b'\n');
        cr += u64::from(b == b'\r');
    }
    if cr == 0 {
        return lf;
    }
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let following = bytes.get(i + 1).copied().or(next);
        if b == b'\n' || (b == b'\r' && following != Some(b'\n')) {
            n += 1;
        }
    }
    n
}

/// A streaming reader of one CSV inventory.
pub struct CsvReader {
    path: PathBuf,
    file: Arc<str>,
    rdr: csv::Reader<Tracked<BufReader<File>>>,
    headers: Vec<Arc<str>>,
    map: ColumnMap,
    record: csv::ByteRecord,
    delimiter: u8,
    file_len: u64,
    quotes_checked: bool,
}

fn err(path: &Path, line: u64, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Inventory, Location::line(path, line), msg)
}

/// Chooses the delimiter from the header line: the most frequent of `,` `;` tab outside quotes.
pub fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in header {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Rejects encodings that are not UTF-8 before parsing starts.
fn check_encoding(path: &Path, head: &[u8]) -> Result<()> {
    let bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    // Without a byte-order mark, ASCII text in UTF-16 has a NUL in every other byte.
    let sample = &head[..head.len().min(256)];
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    let looks_utf16 = bom
        || (half >= 4
            && nul_even.max(nul_odd) * 10 >= half * 8
            && nul_even.min(nul_odd) * 10 <= half * 2);
    if looks_utf16 {
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::file(path),
            "the file is encoded as UTF-16 (what spreadsheet programs call \"Unicode text\"), not UTF-8",
        )
        .hint("re-save it as \"CSV UTF-8\" (comma-delimited) and run again"));
    }
    if head.iter().take(4096).any(|&b| b == 0) {
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::file(path),
            "the file contains binary data (NUL bytes), not CSV text",
        )
        .hint("pass a CSV export of the inventory, not a workbook or another binary file"));
    }
    Ok(())
}

fn utf8_field<'a>(
    path: &Path,
    line: u64,
    header: &str,
    index: usize,
    bytes: &'a [u8],
) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
        err(
            path,
            line,
            format!(
                "column '{header}' (field {}) is not valid UTF-8 (byte 0x{bad:02X} after {} valid bytes)",
                index + 1,
                e.valid_up_to()
            ),
        )
        .hint("re-save the file as UTF-8 (in a spreadsheet program: Save As \"CSV UTF-8\")")
    })
}

impl CsvReader {
    /// Opens `path`, sniffs the delimiter and encoding, and maps the header.
    pub fn open(path: &Path, file: Arc<str>, opts: &CsvOptions) -> Result<CsvReader> {
        let mut f = File::open(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "open the inventory", &e))?;
        let file_len = f.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        let mut head = Vec::with_capacity(4096);
        (&mut f)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file is empty",
            )
            .hint("export the inventory again with a header row and one row per item"));
        }
        check_encoding(path, &head)?;
        let body = head
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&head);
        let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(body));
        f.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Tracked::new(BufReader::with_capacity(256 * 1024, f)));
        let raw_headers = match rdr.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(path, &e)),
        };
        let mut headers = Vec::with_capacity(raw_headers.len());
        for (i, h) in raw_headers.iter().enumerate() {
            let h = h.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(h);
            let s = utf8_field(path, 1, &format!("#{}", i + 1), i, h)?;
            headers.push(s.trim().to_string());
        }
        let map = map_headers(&headers, &opts.columns).map_err(|e| {
            let (msg, hint) = e.describe();
            err(path, 1, msg).hint(hint)
        })?;
        Ok(CsvReader {
            path: path.to_path_buf(),
            file,
            rdr,
            headers: headers.into_iter().map(Arc::from).collect(),
            map,
            record: csv::ByteRecord::new(),
            delimiter,
            file_len,
            quotes_checked: false,
        })
    }

    /// The delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The header names, in file order.
    pub fn headers(&self) -> &[Arc<str>] {
        &self.headers
    }

    /// Reads the next item; `Ok(None)` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            match self.rdr.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => return Err(csv_error(&self.path, &e)),
            }
            let raw_start = self.record.position().map_or(0, csv::Position::byte);
            let (line, start_byte) = self.rdr.get_mut().locate(raw_start);
            let has_newline = memchr::memchr2(b'\n', b'\r', self.record.as_slice()).is_some();
            let at_eof = self.rdr.position().byte() >= self.file_len;
            let ragged = self.record.len() != self.headers.len();
            // One scan to the end of the file settles every later record too (they start in
            // the same parser state), so the scan runs at most once: never quadratic.
            if has_newline && (ragged || at_eof) && !self.quotes_checked {
                self.quotes_checked = true;
                if let Some(open_line) =
                    find_unclosed_quote(&self.path, start_byte, line, self.delimiter)
                {
                    return Err(err(
                        &self.path,
                        open_line,
                        "unbalanced quote: a quoted field opened on this line is never closed, so the rest of the file would be read as one value",
                    )
                    .hint("close the quote, or double quote characters inside a quoted field (\"\")"));
                }
            }
            if ragged {
                let is_blank = self
                    .record
                    .iter()
                    .all(|f| f.iter().all(u8::is_ascii_whitespace));
                if is_blank {
                    continue;
                }
                return Err(Error::at(
                    ErrorKind::Row,
                    Location::line(&self.path, line),
                    format!(
                        "this row has {} fields but the header has {} (ragged row)",
                        self.record.len(),
                        self.headers.len()
                    ),
                )
                .hint("quote values that contain the delimiter, or fix the row's field count"));
            }
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            // A malformed field makes the row a skipped row; the reader goes on.
            return self.build_item(line).map(Some).map_err(|mut e| {
                e.kind = ErrorKind::Row;
                e
            });
        }
    }

    fn field(&self, line: u64, i: usize) -> Result<Option<String>> {
        let raw = self.record.get(i).unwrap_or_default();
        let s = utf8_field(&self.path, line, &self.headers[i], i, raw)?.trim();
        Ok((!s.is_empty()).then(|| s.to_string()))
    }

    fn build_item(&self, line: u64) -> Result<Item> {
        let get = |f: Field| -> Result<Option<String>> {
            match self.map.get(f) {
                Some(i) => self.field(line, i),
                None => Ok(None),
            }
        };
        let quantity = match get(Field::Quantity)? {
            None => None,
            Some(q) => Some(parse_quantity(&q).ok_or_else(|| {
                err(
                    &self.path,
                    line,
                    format!(
                        "quantity '{q}' in column '{}' is not a whole number",
                        self.map
                            .get(Field::Quantity)
                            .map_or("", |i| &*self.headers[i])
                    ),
                )
                .hint("write the number of units as digits, e.g. 4")
            })?),
        };
        let mut extra = Vec::with_capacity(self.map.extra.len());
        for &i in &self.map.extra {
            if let Some(v) = self.field(line, i)? {
                extra.push((Arc::clone(&self.headers[i]), v));
            }
        }
        Item::from_fields(&self.file, line, quantity, extra, get)
    }

    /// The SHA-256 (hex) and size of the bytes read; complete once `next_item` returned `Ok(None)`.
    pub fn digest(&self) -> (String, u64) {
        self.rdr.get_ref().inner.finish()
    }
}

/// Parses a unit count: digits, optionally with `_`, `'` or thin-space thousands separators.
pub fn parse_quantity(s: &str) -> Option<u64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '_' | '\'' | '\u{2009}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map(csv::Position::line);
    let loc = match line {
        Some(l) => Location::line(path, l),
        None => Location::file(path),
    };
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::io(ErrorKind::Inventory, path, "read the inventory", io),
        _ => Error::at(ErrorKind::Inventory, loc, format!("malformed CSV: {e}"))
            .hint("check the row's quoting and delimiters"),
    }
}

/// Scans from `start` (a record start on line `line`) to the end of the file and returns the line
/// of a quoted field that is never closed, if any. Follows the CSV quoting rules the reader uses.
fn find_unclosed_quote(path: &Path, start: u64, line: u64, delimiter: u8) -> Option<u64> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut r = BufReader::new(f);
    let mut buf = [0u8; 64 * 1024];
    let mut st = St::FieldStart;
    let mut cur_line = line;
    let mut open_line = line;
    let mut pending_cr = false;
    loop {
        let n = r.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            // A lone CR ends a line too; CRLF is counted at its LF.
            if b == b'\n' || (prev_cr_pending(&mut pending_cr, b)) {
                cur_line += 1;
            }
            st = match (st, b) {
                (St::FieldStart, b'"') => {
                    open_line = cur_line;
                    St::Quoted
                }
                (St::FieldStart | St::Unquoted | St::QuoteInQuoted, b'\n' | b'\r') => {
                    St::FieldStart
                }
                (St::FieldStart | St::Unquoted | St::QuoteInQuoted, d) if d == delimiter => {
                    St::FieldStart
                }
                (St::FieldStart | St::Unquoted, _) => St::Unquoted,
                (St::Quoted, b'"') => St::QuoteInQuoted,
                (St::Quoted, _) => St::Quoted,
                (St::QuoteInQuoted, b'"') => St::Quoted,
                (St::QuoteInQuoted, _) => St::Unquoted,
            };
        }
    }
    (st == St::Quoted).then_some(open_line)
}

/// Tracks CRs across bytes: returns true when the previous byte was a CR that is not followed
/// by `b` = LF (a lone CR, which ends a line), and remembers whether `b` is a CR.
fn prev_cr_pending(pending: &mut bool, b: u8) -> bool {
    let lone = *pending && b != b'\n';
    *pending = b == b'\r';
    lone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_of_every_kind() {
        assert_eq!(count_line_ends(b"a\nb\r\nc\rd", None), 3);
        assert_eq!(count_line_ends(b"a\r", Some(b'\n')), 0);
        assert_eq!(count_line_ends(b"a\r", Some(b'x')), 1);
    }

    #[test]
    fn sniffs_delimiters_outside_quotes() {
        assert_eq!(sniff_delimiter(b"vendor,model,site\n"), b',');
        assert_eq!(sniff_delimiter(b"vendor;model;site\n"), b';');
        assert_eq!(sniff_delimiter(b"vendor\tmodel\tsite\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"vendor\n"), b',');
        assert_eq!(sniff_delimiter(b"a,b\nc;d;e;f\n"), b',');
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("4"), Some(4));
        assert_eq!(parse_quantity(" 1_000 "), Some(1000));
        assert_eq!(parse_quantity("1'000"), Some(1000));
        assert_eq!(parse_quantity("-1"), None);
        assert_eq!(parse_quantity("2.5"), None);
        assert_eq!(parse_quantity("many"), None);
    }
}
