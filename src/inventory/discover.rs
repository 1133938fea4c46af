//! Finding inventory files: explicit files and folders walked in a stable, sorted order.
//!
//! Folders are walked without following symbolic links (so link loops cannot occur) and
//! hidden entries (names starting with `.`) and office lock files (`~$...`) are skipped. Only
//! files with an inventory extension are picked up from folders; nothing else in a scanned
//! folder is ever read. A `.json` file's first bytes tell a CycloneDX BOM from a plain JSON
//! inventory.
//!
//! What a walk skips is not silent: symbolic links, hidden files and hidden folders (listed
//! once, not their contents) are returned as [`Skipped`] entries with the reason, for
//! the report. A skipped entry that may hold inventory data (a link or a hidden file with an
//! inventory extension, a link to a folder) is marked [`Skipped::incomplete`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{display_path, Error, ErrorKind, Location, Result};

/// The file formats tvcheck reads inventories from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-, semicolon- or tab-separated values with a header row (delimiter sniffed).
    Csv,
    /// Tab-separated values (only when forced with `--input-format tsv`; a `.tsv` file is
    /// read as [`Format::Csv`], whose sniffing finds the tabs).
    Tsv,
    /// `[[asset]]` tables.
    Toml,
    /// A JSON array of item objects.
    Json,
    /// JSON Lines: one item object per line (`.jsonl`, `.ndjson`).
    JsonLines,
    /// A CycloneDX JSON BOM (1.4–1.6): its device and hardware components.
    CycloneDx,
    /// An Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// An Excel 97-2003 workbook (`.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// An nmap XML scan (`nmap -oX`, `.xml`): one item per host (see [`super::nmap`]).
    Nmap,
}

/// File extensions picked up from folders, for messages.
pub(crate) const EXTENSIONS: &str =
    ".csv, .tsv, .toml, .json, .jsonl, .ndjson, .xlsx, .xlsm, .xls, .ods or .xml (nmap)";

impl Format {
    /// Every format, in documentation order.
    pub const ALL: &'static [Format] = &[
        Format::Csv,
        Format::Tsv,
        Format::Toml,
        Format::Json,
        Format::JsonLines,
        Format::CycloneDx,
        Format::Xlsx,
        Format::Xls,
        Format::Ods,
        Format::Nmap,
    ];

    /// The format a file extension stands for.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "xml" => Some(Format::Nmap),
            _ => None,
        }
    }

    /// Parses a format name as given to `--input-format` (case-insensitive; `ndjson` and
    /// `cdx` are accepted as other names of `jsonl` and `cyclonedx`).
    pub fn parse(name: &str) -> Option<Format> {
        let n = name.trim().to_ascii_lowercase();
        match n.as_str() {
            "ndjson" | "json-lines" | "jsonlines" => Some(Format::JsonLines),
            "cdx" => Some(Format::CycloneDx),
            "xlsm" => Some(Format::Xlsx),
            _ => Format::ALL.iter().copied().find(|f| f.name() == n),
        }
    }

    /// The lowercase name (as in reports and `--input-format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Toml => "toml",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::CycloneDx => "cyclonedx",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Nmap => "nmap",
        }
    }

    /// The names of all formats, for messages.
    pub fn names() -> String {
        Format::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A spreadsheet workbook (read through calamine).
    pub(crate) fn is_workbook(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods)
    }

    /// What the format is called in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Csv => "CSV text",
            Format::Tsv => "tab-separated text",
            Format::Toml => "a TOML inventory",
            Format::Json => "a JSON inventory",
            Format::JsonLines => "a JSON Lines inventory",
            Format::CycloneDx => "a CycloneDX JSON BOM",
            Format::Xlsx => "an Excel workbook (.xlsx)",
            Format::Xls => "an Excel 97-2003 workbook (.xls)",
            Format::Ods => "an OpenDocument spreadsheet (.ods)",
            Format::Nmap => "an nmap XML scan",
        }
    }

    /// The extension-given format, refined by the file's first bytes where the extension
    /// cannot tell: a `.json` file that declares `"bomFormat": "CycloneDX"` is a CycloneDX
    /// BOM. Never fails: a file that cannot be read keeps its extension's format, and the
    /// reader reports the problem.
    pub(crate) fn refine(self, path: &Path) -> Format {
        if self != Format::Json {
            return self;
        }
        match super::sniff::read_head(path) {
            Ok(head) if super::sniff::looks_cyclonedx(&head) => Format::CycloneDx,
            _ => self,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One inventory file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Where it is.
    pub path: PathBuf,
    /// How it is shown in reports.
    pub display: Arc<str>,
    /// How it is parsed.
    pub format: Format,
    /// Found by walking a folder (rather than named on the command line).
    pub from_folder: bool,
}

/// An entry a folder walk did not read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Where it is.
    pub path: PathBuf,
    /// How it is shown in reports.
    pub display: String,
    /// Why it was skipped, in words ("symbolic link, not followed", "hidden file").
    pub reason: &'static str,
    /// It may hold inventory data that was not read (a symbolic link or a hidden file with an
    /// inventory extension, a symbolic link to a folder): the run did not see everything.
    /// A hidden folder such as `.git`, or a lock file, does not count.
    pub incomplete: bool,
}

/// What the paths given on the command line expand to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Inventory files to read, in order.
    pub inputs: Vec<Input>,
    /// Entries of walked folders that were skipped, in walk order.
    pub skipped: Vec<Skipped>,
}

/// A temporary report file of tvcheck itself (`.tvcheck-*.tmp`, see `output.rs`), which may be
/// in a scanned folder while the report is being written there: not worth listing.
fn is_own_temporary(name: &str) -> bool {
    name.starts_with(".tvcheck-") && name.ends_with(".tmp")
}

/// Whether a skipped entry found by a walk may hold inventory data.
fn may_hold_inventory(entry: &walkdir::DirEntry) -> bool {
    let linked_folder =
        entry.file_type().is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
    linked_folder || (!entry.file_type().is_dir() && Format::from_path(entry.path()).is_some())
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'))
}

/// An office program's lock file (`~$inventory.xlsx`), present while a workbook is open.
fn is_lock_file(entry: &walkdir::DirEntry) -> bool {
    entry
        .file_name()
        .to_str()
        .is_some_and(|n| n.starts_with("~$"))
}

/// Expands the paths given on the command line into inventory files, in order; formats are
/// taken from extensions (and, for `.json`, from content).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Input>> {
    discover_with(paths, None)
}

/// Like [`discover`], with a format forced (`--input-format`) for the files named on the
/// command line: those are read in that format whatever their extension. Files found by
/// walking a folder are always recognised by extension and content.
pub(crate) fn discover_with(paths: &[PathBuf], forced: Option<Format>) -> Result<Vec<Input>> {
    discover_all(paths, forced).map(|d| d.inputs)
}

/// Like [`discover_with`], also returning what the folder walks skipped.
pub fn discover_all(paths: &[PathBuf], forced: Option<Format>) -> Result<Discovered> {
    let mut out: Vec<Input> = Vec::new();
    let mut skipped: Vec<Skipped> = Vec::new();
    for path in paths {
        if super::stdin::is_stdin(path) {
            if out
                .iter()
                .any(|i| super::stdin::is_stdin(&i.path) && !i.from_folder)
            {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    "'-' (standard input) is given twice",
                )
                .hint("standard input can be read once: pass '-' once"));
            }
            let bytes = super::stdin::bytes()?;
            let format = match forced {
                Some(f) => f,
                None => {
                    super::stdin::sniff_format(&bytes).ok_or_else(super::stdin::unknown_format)?
                }
            };
            out.push(Input {
                display: Arc::from(super::stdin::NAME),
                path: path.clone(),
                format,
                from_folder: false,
            });
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        if meta.is_dir() {
            let before = out.len();
            let mut walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter();
            while let Some(entry) = walker.next() {
                let entry = entry.map_err(|e| {
                    let p = e.path().unwrap_or(path).to_path_buf();
                    Error::at(
                        ErrorKind::Inventory,
                        Location::file(&p),
                        format!("cannot read this folder entry: {e}"),
                    )
                    .hint("check the folder's permissions")
                })?;
                let ft = entry.file_type();
                let hidden = is_hidden(&entry);
                let reason = if ft.is_symlink() {
                    Some("symbolic link, not followed")
                } else if hidden && ft.is_dir() {
                    walker.skip_current_dir();
                    Some("hidden folder, not searched")
                } else if hidden && ft.is_file() {
                    Some("hidden file")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    let own = entry.file_name().to_str().is_some_and(is_own_temporary);
                    if !own {
                        skipped.push(Skipped {
                            display: display_path(entry.path()),
                            incomplete: reason != "hidden folder, not searched"
                                && may_hold_inventory(&entry),
                            path: entry.into_path(),
                            reason,
                        });
                    }
                    continue;
                }
                // An office lock file (`~$book.xlsx`) is a few bytes of the office program's own.
                if !ft.is_file() || is_lock_file(&entry) {
                    continue;
                }
                if let Some(format) = Format::from_path(entry.path()) {
                    // Of the XML files in a folder, only nmap scans are inventories.
                    if format == Format::Nmap
                        && !super::sniff::read_head(entry.path())
                            .is_ok_and(|h| super::nmap::looks_nmap(&h))
                    {
                        skipped.push(Skipped {
                            display: display_path(entry.path()),
                            path: entry.into_path(),
                            reason: "XML file that is not an nmap scan",
                            incomplete: false,
                        });
                        continue;
                    }
                    let format = format.refine(entry.path());
                    out.push(Input {
                        display: Arc::from(display_path(entry.path())),
                        path: entry.into_path(),
                        format,
                        from_folder: true,
                    });
                }
            }
            if out.len() == before {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    format!("the folder holds no inventory files ({EXTENSIONS})"),
                )
                .hint("pass a folder that contains inventories, or the files themselves"));
            }
        } else if meta.is_file() {
            let format = match (forced, Format::from_path(path)) {
                (Some(f), _) => f,
                (None, Some(f)) => f.refine(path),
                (None, None) => return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    format!(
                        "unsupported inventory format: tvcheck reads {} files",
                        EXTENSIONS.replace(" or ", " and ")
                    ),
                )
                .hint(
                    "export the inventory as CSV (UTF-8), or name its format with --input-format",
                )),
            };
            out.push(Input {
                display: Arc::from(display_path(path)),
                path: path.clone(),
                format,
                from_folder: false,
            });
        } else {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "not a regular file or folder (a pipe, socket or device cannot be read as an inventory)",
            )
            .hint("save the inventory to a file and pass that"));
        }
    }
    Ok(Discovered {
        inputs: out,
        skipped,
    })
}
