//! Writing output files atomically: a temporary file in the target folder, renamed into place
//! only once it is complete, so a report is never left half-written.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{display_path, Error, ErrorKind, Location, Result};

/// Writes the file at `path` with `write`, atomically.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |what: String, hint: &str| {
        Error::at(ErrorKind::Output, Location::file(path), what).hint(hint.to_string())
    };
    if !dir.is_dir() {
        return Err(fail(
            format!(
                "cannot write the report: the folder '{}' does not exist",
                display_path(dir)
            ),
            "create the folder first or choose another output path",
        ));
    }
    if path.is_dir() {
        return Err(fail(
            "cannot write the report: the output path is a folder".to_string(),
            "name a file, e.g. report.json",
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".tvcheck-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            fail(
                format!("cannot write the report: {e}"),
                "check that the folder is writable",
            )
        })?;
    let mut w = BufWriter::new(tmp);
    write(&mut w).and_then(|()| w.flush()).map_err(|e| {
        fail(
            format!("cannot write the report: {e}"),
            "check free disk space",
        )
    })?;
    let tmp = w.into_inner().map_err(|e| {
        fail(
            format!("cannot write the report: {}", e.error()),
            "check free disk space",
        )
    })?;
    tmp.as_file().sync_all().map_err(|e| {
        fail(
            format!("cannot write the report: {e}"),
            "check free disk space",
        )
    })?;
    tmp.persist(path).map_err(|e| {
        fail(
            format!("cannot write the report: {}", e.error),
            "check that the folder is writable",
        )
    })?;
    Ok(())
}
