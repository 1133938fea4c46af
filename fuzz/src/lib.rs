//! Helpers shared by the tvcheck fuzz targets: a scratch folder for inputs that must be
//! files, an inventory reader that checks its invariants, and the one-line error check.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tvcheck::inventory::{Format, Input, ReadOptions, Reader};
use tvcheck::{ErrorKind, Item};

/// Line ends in `data` as tvcheck counts them: LF, CRLF (once) and a lone CR.
pub fn line_ends(data: &[u8]) -> u64 {
    let lone_cr = |i: usize| data[i] == b'\r' && data.get(i + 1) != Some(&b'\n');
    (0..data.len())
        .filter(|&i| data[i] == b'\n' || lone_cr(i))
        .count() as u64
}

/// Panics when an error would not print on one line (the CLI prints every error as one
/// `error: ...` line).
pub fn assert_one_line(err: &impl std::fmt::Display) {
    let s = err.to_string();
    assert!(
        !s.contains('\r'),
        "error displays with a carriage return: {s:?}"
    );
    // An error that reports every problem of a file shows one line per problem, each a
    // diagnostic of its own, then their count.
    let lines: Vec<&str> = s.split('\n').collect();
    if let [problems @ .., count] = lines.as_slice() {
        if !problems.is_empty() {
            assert!(
                problems
                    .iter()
                    .all(|l| l.starts_with("error[TV") || l.starts_with("error: ")),
                "error displays on several lines: {s:?}"
            );
            assert!(
                count.starts_with("error: ")
                    && count.contains(&format!("{} problems in ", problems.len())),
                "error displays on several lines: {s:?}"
            );
        }
    }
}

/// A scratch folder for this process, in memory (`/dev/shm`) where there is one.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::Builder::new()
                .prefix("tvcheck-fuzz")
                .tempdir_in(shm)
        } else {
            tempfile::Builder::new().prefix("tvcheck-fuzz").tempdir()
        };
        dir.expect("scratch folder")
    })
    .path()
}

/// Writes `data` to a scratch file called `name` and returns its path.
pub fn write_scratch(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, data).expect("write scratch file");
    path
}

/// Checks what every reader promises about an item.
fn check_item(item: &Item) {
    let trimmed = |v: &str| v.trim() == v;
    assert!(
        trimmed(&item.vendor),
        "vendor not trimmed: {:?}",
        item.vendor
    );
    for v in [
        &item.asset_id,
        &item.model,
        &item.serial,
        &item.site,
        &item.domain,
        &item.country,
        &item.installed,
        &item.purpose,
    ]
    .into_iter()
    .flatten()
    {
        assert!(!v.is_empty(), "a present field is empty");
        assert!(trimmed(v), "field not trimmed: {v:?}");
    }
}

/// How strictly item lines must grow.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Each item starts on a later line than the one before (CSV, JSON Lines).
    Increasing,
    /// Items never go back (TOML: inline tables may share a line).
    NonDecreasing,
}

/// Reads `data` as an inventory file called `name` in `format` as `tvcheck check` does: to
/// the end, going on after a malformed row (`ErrorKind::Row`), stopping at any other error.
/// Checks: no panic, one-line errors, item lines within the file and in order, never more
/// items and skipped rows than bytes (no endless loop), and (when read to the end) the
/// digest of exactly these bytes. Returns the items read.
pub fn read_inventory(
    data: &[u8],
    name: &str,
    format: Format,
    opts: &ReadOptions,
    lines: Lines,
) -> Vec<Item> {
    let path = write_scratch(name, data);
    let input = Input {
        path,
        display: Arc::from(name),
        format,
        from_folder: false,
    };
    let mut items = Vec::new();
    let mut reader = match Reader::open(&input, opts) {
        Ok(r) => r,
        Err(e) => {
            assert_one_line(&e);
            return items;
        }
    };
    let physical_lines = line_ends(data) + 1;
    let mut last = 0u64;
    let mut rows_skipped = 0usize;
    loop {
        match reader.next_item() {
            Ok(Some(item)) => {
                check_item(&item);
                assert!(item.line >= 1, "line 0");
                assert!(
                    item.line <= physical_lines,
                    "item on line {} of a file of {physical_lines} lines",
                    item.line
                );
                match lines {
                    Lines::Increasing => assert!(
                        item.line > last,
                        "item on line {} after one on line {last}",
                        item.line
                    ),
                    Lines::NonDecreasing => assert!(
                        item.line >= last,
                        "item on line {} after one on line {last}",
                        item.line
                    ),
                }
                last = item.line;
                items.push(item);
                assert!(
                    items.len() + rows_skipped <= data.len(),
                    "more items and skipped rows than bytes"
                );
            }
            Ok(None) => {
                let (sha, size) = reader.digest();
                assert_eq!(size, data.len() as u64, "digest size");
                assert_eq!(
                    sha,
                    tvcheck::source::digest::sha256_hex(data),
                    "digest differs from the file's SHA-256"
                );
                return items;
            }
            Err(e) if e.kind == ErrorKind::Row => {
                assert_one_line(&e);
                rows_skipped += 1;
                assert!(
                    items.len() + rows_skipped <= data.len(),
                    "more items and skipped rows than bytes"
                );
            }
            Err(e) => {
                assert_one_line(&e);
                return items;
            }
        }
    }
}
