//! CSV inventories: encoding and delimiter sniffing, header mapping, streaming record reading.
//!
//! Records are read one at a time into a reused [`csv::ByteRecord`]; the file is never held
//! in memory, and a record longer than [`RECORD_LIMIT`] is refused before it is buffered
//! whole. Line numbers are physical lines (the header is line 1). The input's SHA-256 is
//! computed from the file's bytes while they are parsed. A file that is not UTF-8 is decoded
//! to UTF-8 on the way ([`super::decode`]); line ends survive decoding, so lines are counted on
//! the decoded text. A header row repeated further down (concatenated exports) is recognised:
//! skipped when it has the same columns, read from when its columns are others.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::columns::{map_headers, ColumnMap, ColumnOverride};
use super::decode::{Choice, DecodingReader, Encoding};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::normalize_header;
use crate::model::{Field, Item};
use crate::source::digest::HashingReader;

/// Longest header line looked at when sniffing the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
/// How much of the file's start decides its encoding.
const DETECT_BYTES: usize = 1024 * 1024;
/// The longest field read: a longer one makes its record an unread part.
pub(crate) const FIELD_LIMIT: usize = 1024 * 1024;
/// The longest record read (all its fields and delimiters): a longer one is an unread part,
/// refused before it is buffered whole, so memory stays bounded whatever the file holds.
pub(crate) const RECORD_LIMIT: u64 = 4 * 1024 * 1024;
/// How many repeated header rows are named one by one in the input's provenance.
const HEADER_NOTES: u64 = 20;

/// How CSV files are read.
#[derive(Clone, Debug, Default)]
pub struct CsvOptions {
    /// Forced delimiter; sniffed from the header when `None`.
    pub delimiter: Option<u8>,
    /// Explicit column mappings.
    pub columns: Vec<ColumnOverride>,
}

type FileBytes = HashingReader<BufReader<File>>;

/// What the parser reads: the file's bytes as they are (UTF-8), or decoded to UTF-8.
enum Source {
    Plain(FileBytes),
    Decoded(Box<DecodingReader<FileBytes>>),
    /// Nothing (in place of the others while they move to a new parser).
    Gone,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Decoded(r) => r.read(buf),
            Source::Gone => Ok(0),
        }
    }
}

impl Source {
    fn digest(&self) -> (String, u64) {
        match self {
            Source::Plain(r) => r.finish(),
            Source::Decoded(r) => r.get_ref().finish(),
            Source::Gone => HashingReader::new(io::empty()).finish(),
        }
    }
}

/// The error [`Tracked`] gives the parser when a record grows past [`RECORD_LIMIT`].
#[derive(Debug)]
struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for TooLong {}

/// Keeps the bytes passed to the parser that are not yet located, so that a record's byte
/// offset can be turned into its physical line. (The csv crate's own line numbers skip blank
/// lines and CRLF line ends inconsistently, so tvcheck counts newlines itself.) Refuses to pass
/// on more than [`RECORD_LIMIT`] bytes of one record. Offsets are those of the text the parser
/// reads (the decoded text when the file is decoded).
struct Tracked {
    inner: Source,
    /// Bytes read but not yet located start at `window[head]`, which is offset
    /// `window_start`; the located prefix is dropped only once it is half the buffer, so
    /// locating a record does not move the bytes after it.
    window: Vec<u8>,
    head: usize,
    window_start: u64,
    lines_before_window: u64,
    /// Bytes to hand out again before reading on (after a record too long was passed over).
    replay: Vec<u8>,
    replay_pos: usize,
    /// Where the record being read starts (the end of the last one read).
    record_start: u64,
    /// Set when a record grew past the limit.
    too_long: bool,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let passed = self.window_start + (self.window.len() - self.head) as u64;
        if passed.saturating_sub(self.record_start) > RECORD_LIMIT {
            self.too_long = true;
            return Err(io::Error::other(TooLong));
        }
        let n = if self.replay_pos < self.replay.len() {
            let rest = &self.replay[self.replay_pos..];
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.replay_pos += n;
            if self.replay_pos == self.replay.len() {
                self.replay = Vec::new();
                self.replay_pos = 0;
            }
            n
        } else {
            self.inner.read(buf)?
        };
        if self.head > 0 && self.head >= self.window.len() / 2 {
            self.window.drain(..self.head);
            self.head = 0;
        }
        self.window.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// Where a record passed over for its length ended.
enum Skipped {
    /// At `end` (the offset after its line end, or the end of the file).
    End,
    /// A quoted field opened on this line never closes.
    Unclosed(u64),
}

impl Tracked {
    fn new(inner: Source) -> Tracked {
        Tracked {
            inner,
            window: Vec::with_capacity(64 * 1024),
            head: 0,
            window_start: 0,
            lines_before_window: 0,
            replay: Vec::new(),
            replay_pos: 0,
            record_start: 0,
            too_long: false,
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

    /// Passes over the record found too long, which starts where the window starts (located
    /// there): reads on, following the quoting rules, to its line end, and leaves the bytes
    /// after it to be handed out again to a new parser. Returns the field it was in when it
    /// went past the limit (0-based), and how it ended.
    fn skip_record(&mut self, delimiter: u8) -> io::Result<(usize, Skipped)> {
        let mut st = QuoteState::FieldStart;
        let (mut field, mut limit_field) = (0usize, None);
        let mut offset = self.window_start;
        let mut lines = self.lines_before_window;
        let mut open_line = lines + 1;
        let (mut started, mut prev_cr, mut pending_cr) = (false, false, false);
        // The bytes already passed on, then those still to replay, then the file.
        let mut chunk: Vec<u8> = self.window[self.head..].to_vec();
        chunk.extend_from_slice(&self.replay[self.replay_pos..]);
        self.window = Vec::new();
        self.head = 0;
        self.replay = Vec::new();
        self.replay_pos = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            for (i, &b) in chunk.iter().enumerate() {
                if pending_cr {
                    // The record ended at an unquoted CR; an LF right after it is part of
                    // that line end.
                    let rest = if b == b'\n' {
                        offset += 1;
                        &chunk[i + 1..]
                    } else {
                        &chunk[i..]
                    };
                    return Ok(self.resume(rest, offset, lines, limit_field.unwrap_or(field)));
                }
                if offset - self.window_start > RECORD_LIMIT && limit_field.is_none() {
                    limit_field = Some(field);
                }
                offset += 1;
                let is_end = b == b'\n' || b == b'\r';
                if b == b'\r' || (b == b'\n' && !prev_cr) {
                    lines += 1;
                }
                prev_cr = b == b'\r';
                if !started {
                    // Blank lines before the record.
                    if is_end {
                        continue;
                    }
                    started = true;
                }
                let was = st;
                st = st.next(b, delimiter);
                if was == QuoteState::FieldStart && st == QuoteState::Quoted {
                    open_line = lines + 1;
                }
                if was != QuoteState::Quoted && b == delimiter {
                    field += 1;
                }
                if was != QuoteState::Quoted && is_end {
                    if b == b'\r' {
                        pending_cr = true;
                        continue;
                    }
                    return Ok(self.resume(
                        &chunk[i + 1..],
                        offset,
                        lines,
                        limit_field.unwrap_or(field),
                    ));
                }
            }
            let n = loop {
                match self.inner.read(&mut buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                let (field, _) = self.resume(&[], offset, lines, limit_field.unwrap_or(field));
                let how = if st == QuoteState::Quoted {
                    Skipped::Unclosed(open_line)
                } else {
                    Skipped::End
                };
                return Ok((field, how));
            }
            chunk.clear();
            chunk.extend_from_slice(&buf[..n]);
        }
    }

    /// Starts afresh at `offset`, after `lines` line ends, with `rest` to hand out first.
    fn resume(&mut self, rest: &[u8], offset: u64, lines: u64, field: usize) -> (usize, Skipped) {
        self.replay = rest.to_vec();
        self.replay_pos = 0;
        self.window_start = offset;
        self.lines_before_window = lines;
        self.record_start = offset;
        self.too_long = false;
        (field, Skipped::End)
    }
}

/// Where a CSV scanner is, by the quoting rules the reader uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl QuoteState {
    fn next(self, b: u8, delimiter: u8) -> QuoteState {
        use QuoteState as St;
        match (self, b) {
            (St::FieldStart, b'"') => St::Quoted,
            (St::FieldStart | St::Unquoted | St::QuoteInQuoted, b'\n' | b'\r') => St::FieldStart,
            (St::FieldStart | St::Unquoted | St::QuoteInQuoted, d) if d == delimiter => {
                St::FieldStart
            }
            (St::FieldStart | St::Unquoted, _) => St::Unquoted,
            (St::Quoted, b'"') => St::QuoteInQuoted,
            (St::Quoted, _) => St::Quoted,
            (St::QuoteInQuoted, b'"') => St::Quoted,
            (St::QuoteInQuoted, _) => St::Unquoted,
        }
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
    rdr: csv::Reader<Tracked>,
    headers: Vec<Arc<str>>,
    /// The headers, normalised: what a repeated header row is compared with.
    norm_headers: Vec<String>,
    map: ColumnMap,
    overrides: Vec<ColumnOverride>,
    names: HeaderNames,
    record: csv::ByteRecord,
    delimiter: u8,
    /// The size of the text the parser reads, when known (the file's, for UTF-8).
    text_len: u64,
    quotes_checked: bool,
    /// Offset of the current parser's first byte (it starts afresh after a record too long).
    base: u64,
    choice: Choice,
    notes: Vec<String>,
    header_repeats: u64,
}

/// What a cell of a repeated header row may say.
struct HeaderNames {
    /// The vendor column's names, normalised (its synonyms, or the `--column vendor=` header).
    vendor: Vec<String>,
    /// Bytes a vendor name may start and end with (before normalisation), for a quick first
    /// test that most cells of data rows fail.
    vendor_first: [bool; 256],
    vendor_last: [bool; 256],
    /// Every name a header cell may have, normalised: the synonyms of every field, the
    /// `--column` headers and the file's own headers.
    known: std::collections::HashSet<String>,
}

impl HeaderNames {
    fn new(overrides: &[ColumnOverride], headers: &[String]) -> HeaderNames {
        let vendor: Vec<String> = match overrides.iter().find(|o| o.field == Field::Vendor) {
            Some(o) => vec![normalize_header(&o.header)],
            None => Field::Vendor
                .synonyms()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
        };
        let mut vendor_first = [false; 256];
        let mut vendor_last = [false; 256];
        for table in [&mut vendor_first, &mut vendor_last] {
            for b in [b' ', b'\t', b'\r', b'\n', b'-', b'.', b'/', b'_'] {
                table[usize::from(b)] = true;
            }
            // Beyond ASCII, normalisation lowercases: any byte may begin or end a match.
            table[0x80..].fill(true);
        }
        for v in &vendor {
            for (table, b) in [
                (&mut vendor_first, v.as_bytes().first()),
                (&mut vendor_last, v.as_bytes().last()),
            ] {
                if let Some(&b) = b {
                    table[usize::from(b.to_ascii_lowercase())] = true;
                    table[usize::from(b.to_ascii_uppercase())] = true;
                }
            }
        }
        let mut known: std::collections::HashSet<String> = Field::ALL
            .iter()
            .flat_map(|f| f.synonyms().iter().map(|s| (*s).to_string()))
            .collect();
        known.extend(overrides.iter().map(|o| normalize_header(&o.header)));
        known.extend(headers.iter().map(|h| normalize_header(h)));
        known.remove("");
        HeaderNames {
            vendor,
            vendor_first,
            vendor_last,
            known,
        }
    }

    /// Whether a cell names the vendor column. Quick for the cells of data rows: most fail
    /// the first-byte test, and ASCII cells are normalised on the stack.
    fn is_vendor(&self, cell: &[u8]) -> bool {
        let (Some(&first), Some(&last)) = (cell.first(), cell.last()) else {
            return false;
        };
        if !self.vendor_first[usize::from(first)]
            || !self.vendor_last[usize::from(last)]
            || cell.len() > 96
        {
            return false;
        }
        let mut buf = [0u8; 96];
        let mut n = 0;
        for &b in cell.trim_ascii() {
            if !b.is_ascii() {
                return std::str::from_utf8(cell)
                    .is_ok_and(|s| self.vendor.contains(&normalize_header(s)));
            }
            if matches!(b, b' ' | b'-' | b'.' | b'\t' | b'/') {
                if n > 0 && buf[n - 1] != b'_' {
                    buf[n] = b'_';
                    n += 1;
                }
            } else {
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
        }
        let mut norm = &buf[..n];
        while let [b'_', rest @ ..] = norm {
            norm = rest;
        }
        while let [rest @ .., b'_'] = norm {
            norm = rest;
        }
        self.vendor.iter().any(|v| v.as_bytes() == norm)
    }
}

fn err(path: &Path, line: u64, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Inventory, Location::line(path, line), msg)
}

/// Chooses the delimiter from the header line: the most frequent of `,` `;` tab outside quotes.
pub(crate) fn sniff_delimiter(header: &[u8]) -> u8 {
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
                "column '{header}' (field {}) is not valid UTF-8 (byte 0x{bad:02X} after {} valid bytes), although the file's first megabyte is: this row was not read",
                index + 1,
                e.valid_up_to()
            ),
        )
        .hint(format!(
            "if the file is in a legacy encoding, name it with --encoding (e.g. --encoding windows-1257; labels: {}); or re-save the file as UTF-8",
            super::decode::LABEL_EXAMPLES
        ))
    })
}

/// Opens `path` and reads it from its start as `choice` says.
fn open_source(path: &Path, choice: &Choice) -> io::Result<Source> {
    let f = File::open(path)?;
    let bytes = HashingReader::new(BufReader::with_capacity(256 * 1024, f));
    Ok(if choice.is_utf8() {
        Source::Plain(bytes)
    } else {
        Source::Decoded(Box::new(DecodingReader::new(bytes, choice)))
    })
}

fn parser(delimiter: u8, has_headers: bool, tracked: Tracked) -> csv::Reader<Tracked> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(has_headers)
        .from_reader(tracked)
}

impl CsvReader {
    /// Opens `path`, chooses its encoding (`encoding`: the one given with `--encoding`),
    /// sniffs the delimiter and maps the header.
    pub fn open(
        path: &Path,
        file: Arc<str>,
        opts: &CsvOptions,
        encoding: Option<&'static Encoding>,
    ) -> Result<CsvReader> {
        let read_err =
            |e: &io::Error| Error::io(ErrorKind::Inventory, path, "read the inventory", e);
        let mut f = File::open(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "open the inventory", &e))?;
        let file_len = f.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        let mut head = Vec::with_capacity(64 * 1024);
        (&mut f)
            .take(DETECT_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| read_err(&e))?;
        drop(f);
        let whole = (head.len() as u64) < DETECT_BYTES as u64;
        let choice = super::decode::choose(&head, whole, encoding).map_err(|_| {
            Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file contains binary data (NUL bytes), not CSV text",
            )
            .hint("pass a CSV export of the inventory, not a workbook or another binary file")
        })?;
        let sniff_text;
        let body: &[u8] = if choice.is_utf8() {
            let h = &head[..head.len().min(SNIFF_BYTES)];
            h.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(h)
        } else {
            let h = &head[..head.len().min(SNIFF_BYTES * 2)];
            sniff_text = super::decode::decode_whole(h, &choice).0;
            sniff_text.as_bytes()
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file is empty",
            )
            .hint("export the inventory again with a header row and one row per item"));
        }
        let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(body));
        drop(head);
        let source = open_source(path, &choice).map_err(|e| read_err(&e))?;
        let mut rdr = parser(delimiter, true, Tracked::new(source));
        let raw_headers = rdr.byte_headers().cloned();
        let raw_headers = match raw_headers {
            Ok(h) => h,
            Err(_) if rdr.get_ref().too_long => {
                return Err(err(
                    path,
                    1,
                    format!(
                        "the header row is longer than {} MiB, so this is no inventory tvcheck can read",
                        RECORD_LIMIT >> 20
                    ),
                )
                .hint("check that the file is a CSV export with a header row"))
            }
            Err(e) => return Err(csv_error(path, &e)),
        };
        let header_end = rdr.position().byte();
        if let Source::Decoded(d) = &mut rdr.get_mut().inner {
            if d.malformed_before(header_end) {
                return Err(err(
                    path,
                    1,
                    format!(
                        "the header row holds bytes that are not valid {}",
                        choice.name()
                    ),
                )
                .hint(format!(
                    "name the file's encoding with --encoding (labels: {})",
                    super::decode::LABEL_EXAMPLES
                )));
            }
        }
        rdr.get_mut().record_start = header_end;
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
        let names = HeaderNames::new(&opts.columns, &headers);
        Ok(CsvReader {
            path: path.to_path_buf(),
            file,
            rdr,
            norm_headers: headers.iter().map(|h| normalize_header(h)).collect(),
            headers: headers.into_iter().map(Arc::from).collect(),
            map,
            overrides: opts.columns.clone(),
            names,
            record: csv::ByteRecord::new(),
            delimiter,
            text_len: if choice.is_utf8() { file_len } else { u64::MAX },
            quotes_checked: false,
            base: 0,
            choice,
            notes: Vec::new(),
            header_repeats: 0,
        })
    }

    /// The delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The header names, in file order (those of the last header row read).
    pub fn headers(&self) -> &[Arc<str>] {
        &self.headers
    }

    /// The encoding the file is read in, and notes on how it was read (the encoding detected
    /// or given, header rows repeated).
    pub fn provenance(&self) -> super::Provenance {
        let mut notes: Vec<String> = self.choice.note().into_iter().collect();
        notes.extend(self.notes.iter().cloned());
        if self.header_repeats > HEADER_NOTES {
            notes.push(format!(
                "{} more repeated header rows, not named one by one",
                self.header_repeats - HEADER_NOTES
            ));
        }
        super::Provenance {
            encoding: Some(self.choice.name().to_string()),
            notes,
        }
    }

    /// Passes over a record too long to read (its start is the end of the last record read),
    /// then reads on with a new parser after it.
    fn skip_too_long(&mut self) -> Result<Error> {
        let start = self.rdr.get_ref().record_start;
        let tracked = self.rdr.get_mut();
        let (line, _) = tracked.locate(start);
        let (field, how) = tracked
            .skip_record(self.delimiter)
            .map_err(|e| Error::io(ErrorKind::Inventory, &self.path, "read the inventory", &e))?;
        if let Skipped::Unclosed(open_line) = how {
            return Err(unbalanced(&self.path, open_line));
        }
        let base = tracked.window_start;
        let placeholder = Tracked::new(Source::Gone);
        let old = std::mem::replace(&mut self.rdr, parser(self.delimiter, false, placeholder));
        self.rdr = parser(self.delimiter, false, old.into_inner());
        self.base = base;
        if let Source::Decoded(d) = &mut self.rdr.get_mut().inner {
            d.malformed_before(base);
        }
        Ok(Error::at(
            ErrorKind::Row,
            Location::line(&self.path, line),
            format!(
                "this record is longer than {} MiB ({}): it was not read",
                RECORD_LIMIT >> 20,
                self.column_name(field)
            ),
        )
        .hint("a value this long is no inventory data: check the row (a stray quote?) and shorten or remove the value"))
    }

    fn column_name(&self, i: usize) -> String {
        match self.headers.get(i) {
            Some(h) if !h.is_empty() => format!("column '{h}', field {}", i + 1),
            _ => format!("field {}", i + 1),
        }
    }

    /// If the record just read is a header row (a cell names the vendor column, and the row
    /// has the header's columns or another cell names a known column), takes it as the
    /// header from here on and says so; `Ok(false)` for a data row.
    fn header_row(&mut self, line: u64) -> Result<bool> {
        let vendor_at = self.record.iter().position(|c| self.names.is_vendor(c));
        let Some(vendor_at) = vendor_at else {
            return Ok(false);
        };
        let mut cells = Vec::with_capacity(self.record.len());
        for c in &self.record {
            match std::str::from_utf8(c) {
                Ok(s) => cells.push(s.trim().to_string()),
                Err(_) => return Ok(false),
            }
        }
        let norm: Vec<String> = cells.iter().map(|c| normalize_header(c)).collect();
        let same = norm == self.norm_headers;
        let other_known = norm
            .iter()
            .enumerate()
            .any(|(i, n)| i != vendor_at && self.names.known.contains(n));
        if !same && !other_known {
            return Ok(false);
        }
        self.header_repeats += 1;
        let named = self.header_repeats <= HEADER_NOTES;
        if same {
            if named {
                self.notes
                    .push(format!("header row repeated at line {line}: passed over"));
            }
            return Ok(true);
        }
        let map = map_headers(&cells, &self.overrides).map_err(|e| {
            let (msg, hint) = e.describe();
            err(
                &self.path,
                line,
                format!("this row repeats the header with other columns, and they cannot be read: {msg}"),
            )
            .hint(hint)
        })?;
        if named {
            let list: Vec<String> = cells.iter().map(|c| format!("'{c}'")).collect();
            self.notes.push(format!(
                "header row repeated at line {line} with other columns ({}): the rows after it are read by it",
                list.join(", ")
            ));
        }
        self.names.known.extend(norm.iter().cloned());
        self.names.known.remove("");
        self.norm_headers = norm;
        self.headers = cells.into_iter().map(Arc::from).collect();
        self.map = map;
        Ok(true)
    }

    /// Reads the next item; `Ok(None)` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        let mut item = Item::default();
        Ok(self.next_item_into(&mut item)?.then_some(item))
    }

    /// Reads the next item into `item`, reusing its strings; `Ok(false)` at the end of the
    /// file (`item` is then as it was). After an error `item` may hold part of a record.
    pub fn next_item_into(&mut self, item: &mut Item) -> Result<bool> {
        loop {
            match self.rdr.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {}
                Err(_) if self.rdr.get_ref().too_long => return Err(self.skip_too_long()?),
                Err(e) => return Err(csv_error(&self.path, &e)),
            }
            let raw_start = self.base + self.record.position().map_or(0, csv::Position::byte);
            let end = self.base + self.rdr.position().byte();
            let tracked = self.rdr.get_mut();
            tracked.record_start = end;
            let (line, start_byte) = tracked.locate(raw_start);
            let malformed = match &mut tracked.inner {
                Source::Plain(_) | Source::Gone => false,
                Source::Decoded(d) => d.malformed_before(end),
            };
            let has_newline = memchr::memchr2(b'\n', b'\r', self.record.as_slice()).is_some();
            let at_eof = end >= self.text_len;
            let ragged = self.record.len() != self.headers.len();
            // One scan to the end of the file settles every later record too (they start in
            // the same parser state), so the scan runs at most once: never quadratic. (For a
            // decoded file the end is not known beforehand: any record over several lines
            // triggers the scan.)
            if has_newline
                && (ragged || at_eof || self.text_len == u64::MAX)
                && !self.quotes_checked
            {
                self.quotes_checked = true;
                if let Some(open_line) = self.find_unclosed_quote(start_byte, line) {
                    return Err(unbalanced(&self.path, open_line));
                }
            }
            if malformed {
                return Err(self.undecodable(line));
            }
            if self.header_row(line)? {
                continue;
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
                        "this row has {} fields but the header has {} (ragged row): it was not read",
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
            if self.record.as_slice().len() > FIELD_LIMIT {
                if let Some(i) = self.record.iter().position(|f| f.len() > FIELD_LIMIT) {
                    return Err(Error::at(
                        ErrorKind::Row,
                        Location::line(&self.path, line),
                        format!(
                            "{} is longer than {} MiB: this row was not read",
                            self.column_name(i),
                            FIELD_LIMIT >> 20
                        ),
                    )
                    .hint("a value this long is no inventory data: shorten or remove it"));
                }
            }
            // A malformed field makes the row a skipped row; the reader goes on.
            return self.fill_item(line, item).map(|()| true).map_err(|mut e| {
                e.kind = ErrorKind::Row;
                e
            });
        }
    }

    /// The error of a record holding bytes not valid in the file's encoding.
    fn undecodable(&self, line: u64) -> Error {
        let replacement = "\u{fffd}".as_bytes();
        let at = self
            .record
            .iter()
            .position(|f| f.windows(3).any(|w| w == replacement))
            .map(|i| format!(" ({})", self.column_name(i)))
            .unwrap_or_default();
        Error::at(
            ErrorKind::Row,
            Location::line(&self.path, line),
            format!(
                "this row holds bytes that are not valid {}{at}: it was not read",
                self.choice.name()
            ),
        )
        .hint(format!(
            "name the file's encoding with --encoding (labels: {}), or re-save the file as UTF-8",
            super::decode::LABEL_EXAMPLES
        ))
    }

    /// Scans the text from `start` (a record start on line `line`) to its end for a quoted
    /// field that is never closed; its line, if any.
    fn find_unclosed_quote(&self, start: u64, line: u64) -> Option<u64> {
        let mut f = File::open(&self.path).ok()?;
        if self.choice.is_utf8() {
            f.seek(SeekFrom::Start(start)).ok()?;
            find_unclosed_quote(BufReader::new(f), line, self.delimiter)
        } else {
            let mut r = DecodingReader::new(BufReader::new(f), &self.choice);
            io::copy(&mut (&mut r).take(start), &mut io::sink()).ok()?;
            find_unclosed_quote(r, line, self.delimiter)
        }
    }

    /// The record's bytes as one text, when they are all valid UTF-8: one check per record
    /// rather than one per field (most records pass it).
    fn record_text(&self) -> Option<&str> {
        std::str::from_utf8(self.record.as_slice()).ok()
    }

    /// The trimmed text of field `i` of the record (checked to be UTF-8): cut from `whole`
    /// (the record's text, when it is valid) where that falls on character boundaries, else
    /// checked on its own (a field may be invalid even when the record's bytes together are
    /// valid, if a character is split between fields).
    fn text<'a>(&'a self, whole: Option<&'a str>, line: u64, i: usize) -> Result<&'a str> {
        let cut = whole.zip(self.record.range(i)).and_then(|(w, r)| w.get(r));
        if let Some(s) = cut {
            return Ok(s.trim());
        }
        let raw = self.record.get(i).unwrap_or_default();
        Ok(utf8_field(&self.path, line, &self.headers[i], i, raw)?.trim())
    }

    /// Sets `slot` to the text of field `i` (`None` when there is no such column or the field
    /// is empty), reusing the string `slot` holds.
    fn set(
        &self,
        whole: Option<&str>,
        line: u64,
        i: Option<usize>,
        slot: &mut Option<String>,
    ) -> Result<()> {
        let text = match i {
            Some(i) => self.text(whole, line, i)?,
            None => "",
        };
        if text.is_empty() {
            *slot = None;
        } else {
            let s = slot.get_or_insert_with(String::new);
            s.clear();
            s.push_str(text);
        }
        Ok(())
    }

    /// Makes `item` the record just read (at `line`), reusing its strings: the quantity and the
    /// other columns first, then the canonical fields in [`Item::set_fields`]' order, so the
    /// first malformed field named is the same as with the other readers.
    fn fill_item(&self, line: u64, item: &mut Item) -> Result<()> {
        let whole = self.record_text();
        // A quantity that is not a whole number keeps the record: the value is carried as
        // written, with a warning (no verdict depends on it).
        let qi = self.map.get(Field::Quantity);
        let mut bad_quantity = None;
        item.quantity = match qi {
            None => None,
            Some(i) => match self.text(whole, line, i)? {
                "" => None,
                q => match parse_quantity(q) {
                    Some(n) => Some(n),
                    None => {
                        bad_quantity = Some((i, q));
                        None
                    }
                },
            },
        };
        item.warnings.clear();
        if let Some((i, q)) = bad_quantity {
            item.warnings.push(quantity_warning(&self.headers[i], q));
        }
        // The other columns, in file order, each string reused where there is one.
        let mut n = 0;
        let mut put = |extra: &mut Vec<(Arc<str>, String)>, header: &Arc<str>, value: &str| {
            match extra.get_mut(n) {
                Some((h, v)) => {
                    if !Arc::ptr_eq(h, header) {
                        *h = Arc::clone(header);
                    }
                    v.clear();
                    v.push_str(value);
                }
                None => extra.push((Arc::clone(header), value.to_string())),
            }
            n += 1;
        };
        for &i in &self.map.extra {
            if let Some((qi, q)) = bad_quantity.take_if(|(qi, _)| *qi < i) {
                put(&mut item.extra, &self.headers[qi], q);
            }
            let v = self.text(whole, line, i)?;
            if !v.is_empty() {
                put(&mut item.extra, &self.headers[i], v);
            }
        }
        if let Some((qi, q)) = bad_quantity {
            put(&mut item.extra, &self.headers[qi], q);
        }
        item.extra.truncate(n);
        if !Arc::ptr_eq(&item.file, &self.file) {
            item.file = Arc::clone(&self.file);
        }
        item.line = line;
        item.sheet = None;
        item.set_fields(|f, slot| self.set(whole, line, self.map.get(f), slot))?;
        if item.asset_id.is_none() {
            if let Some(i) = self.map.asset_id_fallback {
                self.set(whole, line, Some(i), &mut item.asset_id)?;
            }
        }
        let installed = self
            .map
            .get(Field::Installed)
            .and_then(|i| self.headers.get(i));
        match (&mut item.installed_column, installed) {
            (Some(have), Some(h)) if Arc::ptr_eq(have, h) => {}
            (slot, h) => *slot = h.cloned(),
        }
        Ok(())
    }

    /// The SHA-256 (hex) and size of the file's bytes; complete once `next_item` returned
    /// `Ok(None)`.
    pub fn digest(&self) -> (String, u64) {
        self.rdr.get_ref().inner.digest()
    }
}

/// The warning of a quantity that is not a whole number, kept as written.
pub(crate) fn quantity_warning(column: &str, value: &str) -> String {
    format!("column '{column}': quantity '{value}' is not a whole number; the record is kept and the value carried as written")
}

fn unbalanced(path: &Path, open_line: u64) -> Error {
    err(
        path,
        open_line,
        "unbalanced quote: a quoted field opened on this line is never closed, so the rest of the file would be read as one value",
    )
    .hint("close the quote, or double quote characters inside a quoted field (\"\")")
}

/// Parses a unit count: digits, optionally with `_`, `'` or thin-space thousands separators.
pub(crate) fn parse_quantity(s: &str) -> Option<u64> {
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

/// Reads `r` (positioned at a record start on line `line`) to its end and returns the line of
/// a quoted field that is never closed, if any. Follows the CSV quoting rules the reader uses.
fn find_unclosed_quote(mut r: impl Read, line: u64, delimiter: u8) -> Option<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut st = QuoteState::FieldStart;
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
            let next = st.next(b, delimiter);
            if st == QuoteState::FieldStart && next == QuoteState::Quoted {
                open_line = cur_line;
            }
            st = next;
        }
    }
    (st == QuoteState::Quoted).then_some(open_line)
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

    fn read_all(bytes: &[u8], encoding: Option<&'static Encoding>) -> Vec<Result<Item>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut out = Vec::new();
        let mut r =
            match CsvReader::open(&path, Arc::from("f.csv"), &CsvOptions::default(), encoding) {
                Ok(r) => r,
                Err(e) => return vec![Err(e)],
            };
        loop {
            match r.next_item() {
                Ok(Some(i)) => out.push(Ok(i)),
                Ok(None) => break,
                Err(e) if e.kind == ErrorKind::Row => out.push(Err(e)),
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
            }
        }
        let (sha, size) = r.digest();
        assert_eq!(size, bytes.len() as u64);
        assert_eq!(sha, crate::source::digest::sha256_hex(bytes));
        out
    }

    /// Fields are cut from the record's text when the whole record is valid UTF-8; a
    /// character split between two fields makes both invalid although the record's bytes
    /// together are valid, and the row is still refused.
    #[test]
    fn a_character_split_between_fields_is_not_valid_utf8() {
        let rows = read_all(
            b"vendor,model\nAcme \xC3,\xA9x\nZTE,\xC3\xA9\n",
            Some(encoding_rs::UTF_8),
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        let e = rows[0].as_ref().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Row);
        assert!(
            e.message
                .contains("column 'vendor' (field 1) is not valid UTF-8"),
            "{e}"
        );
        let item = rows[1].as_ref().unwrap();
        assert_eq!(
            (item.vendor.as_str(), item.model.as_deref()),
            ("ZTE", Some("\u{e9}"))
        );
    }

    #[test]
    fn a_reused_item_holds_only_its_own_record() {
        // Every row differs from the one before in what it fills, warns about or leaves out:
        // reading into one item again and again gives what fresh items give.
        let csv = b"asset_id,vendor,model,quantity,mac,installed,owner,note\n\
A1,Huawei,NE40E,2,28:6E:D4:12:34:56,2020-01-01,Ops,first\n\
,Nokia,,lots,not-a-mac,,,\n\
A3,ZTE,ZXR10,3,,14.06.2019,,third\n\
A4,Cisco,x,1,,,,,,\n\
,,,,,,,\n\
A6,Ericsson,AIR 6449,,,2021-05-05,NOC,\n";
        let fresh = read_all(csv, None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, csv).unwrap();
        let mut r =
            CsvReader::open(&path, Arc::from("f.csv"), &CsvOptions::default(), None).unwrap();
        let mut item = Item::default();
        let mut reused = Vec::new();
        loop {
            match r.next_item_into(&mut item) {
                Ok(true) => reused.push(Ok(item.clone())),
                Ok(false) => break,
                Err(e) => reused.push(Err(e)),
            }
        }
        assert_eq!(reused.len(), fresh.len());
        assert_eq!(fresh.len(), 5, "{fresh:?}");
        for (a, b) in reused.iter().zip(&fresh) {
            match (a, b) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => {
                    // Two temporary folders: the messages after the file name.
                    let after =
                        |e: &Error| e.to_string().split_once("f.csv").map(|x| x.1.to_string());
                    assert_eq!(after(a), after(b));
                }
                _ => panic!("{a:?} against {b:?}"),
            }
        }
        let second = fresh[1].as_ref().unwrap();
        assert_eq!(second.asset_id, None);
        assert_eq!(second.model, None);
        assert_eq!(second.warnings.len(), 2, "{:?}", second.warnings);
        assert!(fresh[3].is_err());
        assert_eq!(fresh[4].as_ref().unwrap().extra.len(), 1);
    }

    #[test]
    fn random_bytes_in_any_encoding_never_panic() {
        // A small deterministic stand-in for the fuzz target, run with every test.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"vendor,model\n\r\";; \xD0\xF8\xFF\xFE\x00\xE9\x82\xA0Huawei";
        let labels = [
            None,
            Some("windows-1257"),
            Some("utf-16le"),
            Some("shift_jis"),
            Some("utf-8"),
        ];
        for round in 0..400 {
            let len = (next() % 200) as usize;
            let mut bytes = b"vendor,model\n".to_vec();
            for _ in 0..len {
                bytes.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let label = labels[round % labels.len()];
            for r in read_all(&bytes, label.and_then(super::super::decode::for_label)) {
                if let Err(e) = r {
                    assert!(!e.to_string().contains('\n'), "{e}");
                }
            }
        }
    }

    #[test]
    fn a_record_too_long_is_passed_over_to_its_line_end() {
        for end in ["\n", "\r\n", "\r"] {
            let mut bytes =
                format!("vendor,model{end}\"Nokia\",A{end}{end}ZTE,\"x{end}").into_bytes();
            bytes.resize(bytes.len() + RECORD_LIMIT as usize + 100_000, b'y');
            bytes.extend_from_slice(format!("\"{end}Huawei,B{end}").as_bytes());
            let got = read_all(&bytes, None);
            assert_eq!(got.len(), 3, "{end:?}");
            assert_eq!(got[0].as_ref().unwrap().line, 2);
            let e = got[1].as_ref().unwrap_err();
            assert_eq!(e.kind, ErrorKind::Row);
            assert!(
                e.location.as_ref().and_then(|l| l.line) == Some(4)
                    && e.message
                        .starts_with("this record is longer than 4 MiB (column 'model', field 2)"),
                "{end:?}: {e}"
            );
            let last = got[2].as_ref().unwrap();
            assert_eq!((last.line, last.vendor.as_str()), (6, "Huawei"), "{end:?}");
        }
        // Decoded the same way.
        let mut text = "vendor,model\nZTE,\"Š".to_string();
        text.push_str(&"y".repeat(RECORD_LIMIT as usize + 100_000));
        text.push_str("\"\nHuawei,Š\n");
        let (bytes, _, _) = encoding_rs::WINDOWS_1257.encode(&text);
        let got = read_all(&bytes, super::super::decode::for_label("windows-1257"));
        assert!(got[0].is_err());
        assert_eq!(got[1].as_ref().unwrap().model.as_deref(), Some("Š"));
        assert_eq!(got[1].as_ref().unwrap().line, 3);
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
