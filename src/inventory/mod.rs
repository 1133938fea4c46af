//! Inventory reading: turns files and folders into a stream of [`Item`]s with their locations.
//!
//! Each supported format has its own module; [`Reader`] dispatches on the detected format.
//! Formats come from the file's extension and are checked against its first bytes
//! ([`sniff`]): a workbook saved under a `.csv` name, or CSV text under an `.xlsx` name, is
//! refused as mislabelled with a message saying what the file really is.

pub mod cfb;
pub mod columns;
pub mod csv;
pub mod cyclonedx;
pub mod decode;

pub mod discover;
pub mod json;
pub mod jsonpos;
pub mod netbox;
pub mod nmap;
pub mod record;
pub mod sniff;
pub mod stdin;
pub mod toml;
pub mod workbook;

use crate::error::Result;
use crate::model::Item;

pub use self::columns::ColumnOverride;
pub use self::csv::CsvOptions;
pub(crate) use self::discover::Skipped;
pub use self::discover::{discover, discover_all, Format, Input};

use self::sniff::Content;
use crate::error::{Error, ErrorKind, Location};

/// How inventories are read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// CSV settings (delimiter, column overrides; the overrides apply to every format).
    pub csv: CsvOptions,
    /// Workbooks: read only the sheet of this name (`--sheet`); otherwise every worksheet with
    /// a header row is read, hidden ones too (one with data but no header row is an unread
    /// part).
    pub sheet: Option<String>,
    /// Read the files named on the command line in this format whatever their extension
    /// (`--input-format`); files found in folders are recognised by extension and content.
    pub input_format: Option<Format>,
    /// The text encoding of CSV, TSV and TOML inputs (`--encoding`); detected when `None`.
    /// A byte-order mark still wins.
    pub encoding: Option<&'static self::decode::Encoding>,
}

/// The largest JSON or CycloneDX inventory read (they are parsed whole); JSON Lines are
/// streamed and not limited as a whole.
pub(crate) const JSON_MAX_BYTES: u64 = 256 << 20;

/// How an input was read, besides its items: what a report's input provenance shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The text encoding the input was decoded from (`UTF-8`, `UTF-16LE`, `windows-1257`,
    /// ...); `None` for workbooks, whose format fixes it.
    pub encoding: Option<String>,
    /// Facts about what was and was not read, in plain words: a hidden sheet that was read, a
    /// sheet passed over and why, an encoding that was guessed, ...
    pub notes: Vec<String>,
}

/// A streaming reader over one inventory file of any supported format.
pub enum Reader {
    /// A CSV file.
    Csv(Box<self::csv::CsvReader>),
    /// A TOML file (read whole).
    Toml(self::toml::TomlReader),
    /// A JSON array, NetBox device list, CycloneDX BOM or nmap XML scan (read whole).
    Json {
        /// The items still to hand out, and the parts that could not be read in their place.
        items: std::vec::IntoIter<Result<Item>>,
        /// SHA-256 and size of the file.
        digest: (String, u64),
        /// [`Format::Json`], [`Format::CycloneDx`] or [`Format::Nmap`].
        format: Format,
        /// Facts about what was and was not read, for the provenance.
        notes: Vec<String>,
    },
    /// Standard input (`-`), read by a reader of its spooled copy.
    Stdin {
        /// The reader of the spooled copy.
        inner: Box<Reader>,
        /// The spooled copy, removed when the reader is dropped.
        spool: tempfile::TempPath,
        /// How the spooled copy's path is shown in errors (which then name `-`).
        shown: String,
    },
    /// A JSON Lines file (streamed).
    JsonLines(Box<self::json::JsonLinesReader>),
    /// A workbook.
    Workbook(Box<self::workbook::WorkbookReader>),
}

/// Refuses a file whose first bytes say it is not the text format its name promises.
fn check_text(path: &std::path::Path, format: Format) -> Result<()> {
    let head = self::sniff::read_head(path)
        .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
    let content = self::sniff::sniff(&head);
    let (is, hint) = match content {
        Content::Zip(self::sniff::ZipKind::Xlsx) => (
            self::sniff::describe(content, &head),
            "rename it to .xlsx (tvcheck reads workbooks), or pass --input-format xlsx",
        ),
        Content::Zip(self::sniff::ZipKind::Ods) => (
            self::sniff::describe(content, &head),
            "rename it to .ods (tvcheck reads workbooks), or pass --input-format ods",
        ),
        Content::Cfb { encrypted: false } => (
            self::sniff::describe(content, &head),
            "rename it to .xls (tvcheck reads workbooks), or pass --input-format xls",
        ),
        Content::Cfb { encrypted: true } => (
            self::sniff::describe(content, &head),
            "save an unprotected copy as .xlsx, or export the inventory as CSV",
        ),
        Content::Zip(self::sniff::ZipKind::Other) => (
            self::sniff::describe(content, &head),
            "unpack it and pass the inventory inside",
        ),
        // The CSV reader says more about these (and where).
        Content::Utf16 | Content::Binary if matches!(format, Format::Csv | Format::Tsv) => {
            return Ok(())
        }
        // The TOML reader decodes UTF-16.
        Content::Utf16 if format == Format::Toml => return Ok(()),
        Content::Utf16 => {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file is encoded as UTF-16, not UTF-8",
            )
            .hint("re-save it as UTF-8"))
        }
        Content::Binary => (
            self::sniff::describe(content, &head),
            "pass the inventory itself, as CSV, JSON, TOML or a workbook",
        ),
        Content::Text { first: b'<' }
            if format != Format::Nmap && self::nmap::looks_nmap(&head) =>
        {
            (
                "an nmap XML scan",
                "name it .xml, or pass --input-format nmap",
            )
        }
        _ => return Ok(()),
    };
    Err(Error::at(
        ErrorKind::Inventory,
        Location::file(path),
        format!(
            "mislabelled file, not {}: the file is {is}",
            format.describe()
        ),
    )
    .hint(hint))
}

impl Reader {
    /// Opens an input for reading. The format is the input's, or `opts.input_format` for a
    /// file named on the command line; it is checked against the file's content first.
    pub fn open(input: &Input, opts: &ReadOptions) -> Result<Reader> {
        let format = match opts.input_format {
            Some(f) if !input.from_folder => f,
            _ => input.format,
        };
        if !input.from_folder && self::stdin::is_stdin(&input.path) {
            let bytes = self::stdin::bytes()?;
            let spool = self::stdin::spool(&bytes, format)?;
            let shown = crate::error::display_path(&spool);
            let spooled = Input {
                path: spool.to_path_buf(),
                display: std::sync::Arc::clone(&input.display),
                format,
                from_folder: false,
            };
            let inner =
                Reader::open(&spooled, opts).map_err(|e| self::stdin::rename_error(e, &shown))?;
            return Ok(Reader::Stdin {
                inner: Box::new(inner),
                spool,
                shown,
            });
        }
        let file = std::sync::Arc::clone(&input.display);
        let path = input.path.as_path();
        if !format.is_workbook() {
            check_text(path, format)?;
        }
        let columns = &opts.csv.columns;
        Ok(match format {
            Format::Csv | Format::Tsv => {
                let mut csv_opts = opts.csv.clone();
                if format == Format::Tsv && csv_opts.delimiter.is_none() {
                    csv_opts.delimiter = Some(b'\t');
                }
                Reader::Csv(Box::new(self::csv::CsvReader::open(
                    path,
                    file,
                    &csv_opts,
                    opts.encoding,
                )?))
            }
            Format::Toml => Reader::Toml(self::toml::TomlReader::open(
                path,
                file,
                columns,
                opts.encoding,
            )?),
            Format::Json | Format::CycloneDx => {
                // JSON is parsed whole: a regular file, of bounded size.
                let (bytes, digest) = read_whole(path)?;
                let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Inventory)?;
                let parsed = self::json::parse_file(path, &file, text, columns, format)?;
                Reader::Json {
                    items: parsed.items.into_iter(),
                    digest,
                    format: parsed.format,
                    notes: Vec::new(),
                }
            }
            Format::Nmap => {
                let (bytes, digest) = read_whole(path)?;
                let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Inventory)?;
                let scan = self::nmap::parse(path, &file, text)?;
                Reader::Json {
                    items: scan
                        .items
                        .into_iter()
                        .map(Ok)
                        .collect::<Vec<_>>()
                        .into_iter(),
                    digest,
                    format: Format::Nmap,
                    notes: scan.notes,
                }
            }
            Format::JsonLines => Reader::JsonLines(Box::new(self::json::JsonLinesReader::open(
                path, file, columns,
            )?)),
            Format::Xlsx | Format::Xls | Format::Ods => {
                Reader::Workbook(Box::new(self::workbook::WorkbookReader::open(
                    path,
                    file,
                    format,
                    opts.sheet.as_deref(),
                    columns,
                )?))
            }
        })
    }

    /// The format being read, as found from the content: a `.json` file may turn out to be a
    /// CycloneDX BOM, an `.xls` file an `.xlsx` workbook. This, not the input's extension-given
    /// format, is what a report should show.
    pub fn format(&self) -> Format {
        match self {
            Reader::Csv(_) => Format::Csv,
            Reader::Toml(_) => Format::Toml,
            Reader::Json { format, .. } => *format,
            Reader::JsonLines(_) => Format::JsonLines,
            Reader::Workbook(r) => r.format(),
            Reader::Stdin { inner, .. } => inner.format(),
        }
    }

    /// The next item, `Ok(None)` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        match self {
            Reader::Csv(r) => r.next_item(),
            Reader::Toml(r) => r.next_item().transpose(),
            Reader::Json { items, .. } => items.next().transpose(),
            Reader::JsonLines(r) => r.next_item(),
            Reader::Workbook(r) => r.next_item(),
            Reader::Stdin { inner, shown, .. } => inner
                .next_item()
                .map_err(|e| self::stdin::rename_error(e, shown)),
        }
    }

    /// Reads the next item into `item`; `Ok(false)` at the end (`item` is then as it was).
    /// A CSV reader reuses the strings `item` holds, so that a caller that refills the same
    /// items allocates little per record; the other readers replace `item`. After an error
    /// `item` may hold part of a record.
    pub fn next_into(&mut self, item: &mut Item) -> Result<bool> {
        match self {
            Reader::Csv(r) => r.next_item_into(item),
            _ => match self.next_item()? {
                Some(next) => {
                    *item = next;
                    Ok(true)
                }
                None => Ok(false),
            },
        }
    }

    /// How the input was read (its encoding, and notes on what was and was not read);
    /// complete once the last item was read.
    pub fn provenance(&self) -> Provenance {
        match self {
            Reader::Workbook(r) => Provenance {
                encoding: None,
                notes: r.notes(),
            },
            Reader::Csv(r) => r.provenance(),
            Reader::Toml(r) => r.provenance(),
            Reader::Json { notes, .. } => Provenance {
                encoding: Some("UTF-8".to_string()),
                notes: notes.clone(),
            },
            Reader::JsonLines(_) => Provenance {
                encoding: Some("UTF-8".to_string()),
                notes: Vec::new(),
            },
            Reader::Stdin { inner, .. } => inner.provenance(),
        }
    }

    /// SHA-256 (hex) and byte size of the file; complete once the last item was read.
    pub fn digest(&self) -> (String, u64) {
        match self {
            Reader::Csv(r) => r.digest(),
            Reader::Toml(r) => r.digest(),
            Reader::Json { digest, .. } => digest.clone(),
            Reader::JsonLines(r) => r.digest(),
            Reader::Workbook(r) => r.digest(),
            Reader::Stdin { inner, .. } => inner.digest(),
        }
    }
}

/// A whole inventory file of a format parsed in one piece (JSON, nmap XML): its bytes, bounded,
/// and their SHA-256 and length.
fn read_whole(path: &std::path::Path) -> Result<(Vec<u8>, (String, u64))> {
    let bytes =
        crate::source::read_regular_file(path, JSON_MAX_BYTES, "inventory", ErrorKind::Inventory)?;
    let digest = (
        crate::source::digest::sha256_hex(&bytes),
        bytes.len() as u64,
    );
    Ok((bytes, digest))
}

#[cfg(test)]
mod tests {
    use super::discover::discover_with;
    use super::*;
    use std::path::{Path, PathBuf};

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Format, Vec<Item>)> {
        read_parts(path, opts).map(|(f, items, _, _)| (f, items))
    }

    type Parts = (Format, Vec<Item>, Vec<Error>, Vec<String>);

    /// Items, unread parts ([`ErrorKind::Row`]) and provenance notes.
    fn read_parts(path: &Path, opts: &ReadOptions) -> Result<Parts> {
        let inputs = discover_with(&[path.to_path_buf()], opts.input_format)?;
        let mut r = Reader::open(&inputs[0], opts)?;
        let mut items = Vec::new();
        let mut unread = Vec::new();
        loop {
            match r.next_item() {
                Ok(Some(i)) => items.push(i),
                Ok(None) => break,
                Err(e) if e.kind == ErrorKind::Row => unread.push(e),
                Err(e) => return Err(e),
            }
        }
        Ok((r.format(), items, unread, r.provenance().notes))
    }

    fn sheet(name: &str) -> ReadOptions {
        ReadOptions {
            sheet: Some(name.to_string()),
            ..ReadOptions::default()
        }
    }

    fn forced(f: Format) -> ReadOptions {
        ReadOptions {
            input_format: Some(f),
            ..ReadOptions::default()
        }
    }

    fn provenance_of(name: &str, bytes: &[u8], opts: &ReadOptions) -> (Provenance, Vec<Item>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let inputs = discover_with(&[path], None).unwrap();
        let mut r = Reader::open(&inputs[0], opts).unwrap();
        let mut items = Vec::new();
        while let Some(i) = r.next_item().unwrap() {
            items.push(i);
        }
        (r.provenance(), items)
    }

    #[test]
    fn provenance_names_the_encoding_and_how_it_was_chosen() {
        let (text, _, _) = encoding_rs::WINDOWS_1257
            .encode("vendor,model,site\nNokia,A,Kėdainių g. 3\nHuawei,BBU,Šiaulių g. 5\n");
        let (p, items) = provenance_of("lt.csv", &text, &ReadOptions::default());
        assert_eq!(p.encoding.as_deref(), Some("windows-1257"));
        assert!(p.notes[0].contains("detected"), "{:?}", p.notes);
        assert_eq!(items[1].site.as_deref(), Some("Šiaulių g. 5"));
        let given = ReadOptions {
            encoding: self::decode::for_label("windows-1257"),
            ..ReadOptions::default()
        };
        let (p, _) = provenance_of("lt.csv", &text, &given);
        assert_eq!(
            p.notes,
            ["encoding windows-1257 given with --encoding".to_string()]
        );
        let (p, items) = provenance_of(
            "inv.csv",
            b"\xEF\xBB\xBFvendor,model\nZTE,A\nvendor,model\nmodel,vendor\nB,Huawei\n",
            &ReadOptions::default(),
        );
        assert_eq!(p.encoding.as_deref(), Some("UTF-8"));
        assert_eq!(
            p.notes,
            [
                "header row repeated at line 3: passed over".to_string(),
                "header row repeated at line 4 with other columns ('model', 'vendor'): the rows after it are read by it".to_string()
            ]
        );
        assert_eq!(items[1].vendor, "Huawei");
        assert_eq!(items[1].model.as_deref(), Some("B"));
        let (p, items) = provenance_of(
            "inv.toml",
            b"[[asset]]\nvendor = \"ZTE\"\nqty = \"2 pcs\"\n",
            &ReadOptions::default(),
        );
        assert_eq!((p.encoding.as_deref(), p.notes.len()), (Some("UTF-8"), 0));
        assert_eq!(
            items[0].warnings,
            ["column 'qty': quantity '2 pcs' is not a whole number; the record is kept and the value carried as written".to_string()]
        );
    }

    #[test]
    fn format_names() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(*f));
        }
        assert_eq!(Format::parse("NDJSON"), Some(Format::JsonLines));
        assert_eq!(Format::parse("cdx"), Some(Format::CycloneDx));
        assert_eq!(Format::parse(" XLSX "), Some(Format::Xlsx));
        assert_eq!(Format::parse("pdf"), None);
        assert_eq!(
            Format::names(),
            "csv, tsv, toml, json, jsonl, cyclonedx, xlsx, xls, ods, nmap"
        );
        assert_eq!(
            Format::from_path(Path::new("a/INV.XLSM")),
            Some(Format::Xlsx)
        );
        assert_eq!(
            Format::from_path(Path::new("bom.cdx.json")),
            Some(Format::Json)
        );
        assert_eq!(
            Format::Json.refine(&fixture("cyclonedx/hbom-1.6.json")),
            Format::CycloneDx
        );
    }

    #[test]
    fn sheet_option_picks_one_sheet() {
        let book = fixture("workbooks/two-sheets.xlsx");
        // Every sheet is read: the hidden one too; the cover sheet, with rows but no header
        // row, is an unread part.
        for ext in ["xlsx", "ods", "xls"] {
            let (format, items, unread, notes) = read_parts(
                &fixture(&format!("workbooks/two-sheets.{ext}")),
                &ReadOptions::default(),
            )
            .unwrap();
            assert_eq!(format.name(), ext);
            let got: Vec<(&str, u64, &str)> = items
                .iter()
                .map(|i| (i.sheet.as_deref().unwrap(), i.line, i.vendor.as_str()))
                .collect();
            assert_eq!(
                got,
                vec![
                    ("Equipment", 4, "Huawei"),
                    ("Equipment", 5, "Ericsson"),
                    ("Equipment", 7, "Hikvision"),
                    ("Lists", 2, "Huawei"),
                    ("Lists", 3, "ZTE"),
                ],
                "{ext}"
            );
            assert_eq!(unread.len(), 1, "{ext}");
            assert_eq!(unread[0].to_string(), format!("two-sheets.{ext}: sheet 'Cover' was not read: it has no header row with a vendor column in its first 20 rows (its first row is 'Network equipment register'), and it holds 3 rows of data (hint: if it lists equipment, name its vendor column one of vendor, manufacturer, make, brand, supplier or map it with --column vendor=HEADER; to read only the inventory sheet, pass --sheet NAME)").replace("two-sheets", &fixture("workbooks/two-sheets").display().to_string()));
            assert!(
                notes.contains(&"hidden sheet 'Lists' was read".to_string()),
                "{ext}: {notes:?}"
            );
        }
        // A hidden sheet is read when named, and names match without regard to case.
        let (_, items) = read_all(&book, &sheet("lists")).unwrap();
        let got: Vec<(u64, &str)> = items.iter().map(|i| (i.line, i.vendor.as_str())).collect();
        assert_eq!(got, vec![(2, "Huawei"), (3, "ZTE")]);
        assert_eq!(items[0].sheet.as_deref(), Some("Lists"));
        for ext in ["ods", "xls"] {
            let (_, items) = read_all(
                &fixture(&format!("workbooks/two-sheets.{ext}")),
                &sheet("Equipment"),
            )
            .unwrap();
            assert_eq!(items.len(), 3, "{ext}");
        }
        let e = read_all(&book, &sheet("Nope")).unwrap_err();
        assert!(
            e.to_string().ends_with("the workbook has no sheet named 'Nope'; its sheets are 'Cover', 'Equipment', 'Lists' (hint: pass one of these names to --sheet)"),
            "{e}"
        );
        let e = read_all(&book, &sheet("Cover")).unwrap_err();
        assert!(
            e.message.starts_with("sheet 'Cover' has no header row with a vendor column in its first 20 rows (its first row is 'Network equipment register')"),
            "{e}"
        );
        // CSV inputs ignore the option.
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("a.csv");
        std::fs::write(&csv, "vendor\nZTE\n").unwrap();
        assert_eq!(read_all(&csv, &sheet("x")).unwrap().1.len(), 1);
    }

    #[test]
    fn input_format_forces_named_files() {
        let dir = tempfile::tempdir().unwrap();
        let txt = dir.path().join("export.txt");
        std::fs::write(&txt, "vendor,model\nZTE,F660\n").unwrap();
        assert!(read_all(&txt, &ReadOptions::default()).is_err());
        let (format, items) = read_all(&txt, &forced(Format::Csv)).unwrap();
        assert_eq!((format, items[0].vendor.as_str()), (Format::Csv, "ZTE"));
        // tsv forces the tab even where sniffing would choose the comma.
        std::fs::write(&txt, "vendor\tnotes, remarks, more\nZTE\tF660, B, C\n").unwrap();
        assert!(read_all(&txt, &forced(Format::Csv)).is_err());
        let (_, items) = read_all(&txt, &forced(Format::Tsv)).unwrap();
        assert_eq!(items[0].vendor, "ZTE");
        assert_eq!(&*items[0].extra[0].0, "notes, remarks, more");
        // A workbook under a CSV name is refused unless its format is given.
        let mislabelled = dir.path().join("inv.csv");
        std::fs::copy(fixture("workbooks/inventory.xlsx"), &mislabelled).unwrap();
        let e = read_all(&mislabelled, &ReadOptions::default()).unwrap_err();
        assert!(e.message.starts_with("mislabelled file"), "{e}");
        let (format, items) = read_all(&mislabelled, &forced(Format::Xlsx)).unwrap();
        assert_eq!((format, items.len()), (Format::Xlsx, 3));
        // JSON Lines under a .json name, and a forced cyclonedx on a plain array.
        let lines = dir.path().join("inv.json");
        std::fs::write(&lines, "{\"vendor\": \"ZTE\"}\n{\"vendor\": \"Nokia\"}\n").unwrap();
        assert!(read_all(&lines, &ReadOptions::default()).is_err());
        let (format, items) = read_all(&lines, &forced(Format::JsonLines)).unwrap();
        assert_eq!((format, items.len()), (Format::JsonLines, 2));
        std::fs::write(&lines, "[{\"vendor\": \"ZTE\"}]").unwrap();
        let e = read_all(&lines, &forced(Format::CycloneDx)).unwrap_err();
        assert!(
            e.message
                .starts_with("not a CycloneDX BOM: the file is a JSON array"),
            "{e}"
        );
        let (format, _) = read_all(
            &fixture("cyclonedx/hbom-1.5.json"),
            &forced(Format::CycloneDx),
        )
        .unwrap();
        assert_eq!(format, Format::CycloneDx);
        // Files found in folders are never forced.
        std::fs::remove_file(&mislabelled).unwrap();
        let inputs = discover_with(&[dir.path().to_path_buf()], Some(Format::Csv)).unwrap();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].format, Format::Json);
    }

    #[test]
    fn binary_and_utf16_json_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        std::fs::write(&p, [0u8, 1, 2, 3, 0, 0, 9, 9]).unwrap();
        let e = read_all(&p, &ReadOptions::default()).unwrap_err();
        assert!(e.message.contains("binary data"), "{e}");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "[{\"vendor\": \"ZTE\"}]".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&p, utf16).unwrap();
        let e = read_all(&p, &ReadOptions::default()).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{e}");
    }
}
