//! Finding inventory files: explicit files and folders walked in a stable, sorted order.
//!
//! Folders are walked without following symbolic links (so link loops cannot occur) and
//! hidden entries (names starting with `.`) are skipped. Only files with an inventory
//! extension are picked up from folders; nothing else in a scanned folder is ever read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{display_path, Error, ErrorKind, Location, Result};

/// The file formats tvcheck reads inventories from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
    /// `[[asset]]` tables.
    Toml,
}

impl Format {
    /// The format a file extension stands for.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Toml => "toml",
        }
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

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'))
}

/// Expands the paths given on the command line into inventory files, in order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut out: Vec<Input> = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        if meta.is_dir() {
            let before = out.len();
            let walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| !is_hidden(e));
            for entry in walker {
                let entry = entry.map_err(|e| {
                    let p = e.path().unwrap_or(path).to_path_buf();
                    Error::at(
                        ErrorKind::Inventory,
                        Location::file(&p),
                        format!("cannot read this folder entry: {e}"),
                    )
                    .hint("check the folder's permissions")
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                if let Some(format) = Format::from_path(entry.path()) {
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
                    "the folder holds no inventory files (.csv, .tsv or .toml)",
                )
                .hint("pass a folder that contains inventories, or the files themselves"));
            }
        } else if meta.is_file() {
            let Some(format) = Format::from_path(path) else {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    "unsupported inventory format: tvcheck reads .csv, .tsv and .toml files",
                )
                .hint("export the inventory as CSV (UTF-8)"));
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
    Ok(out)
}
