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
    // What went wrong while writing, and what to do; an existing file at `path` is untouched
    // until the rename, so every failure leaves it as it was.
    let io_fail = |e: &std::io::Error| {
        let hint = match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                "free some disk space or write elsewhere; any existing file at that path is unchanged"
            }
            _ => "check that the folder is writable; any existing file at that path is unchanged",
        };
        fail(
            format!("cannot write the report: {}", Error::io_reason(e)),
            hint,
        )
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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tvcheck-").suffix(".tmp");
    // A report is an ordinary file: created like any other (0666 less the umask), not with the
    // owner-only mode of a temporary file; a file it replaces keeps its permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| io_fail(&e))?;
    let mut w = BufWriter::new(tmp);
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| io_fail(&e))?;
    let tmp = w.into_inner().map_err(|e| io_fail(e.error()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Best effort: an unchanged mode is not worth failing the report for.
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.as_file().sync_all().map_err(|e| io_fail(&e))?;
    tmp.persist(path).map_err(|e| io_fail(&e.error))?;
    Ok(())
}
