//! Writing output files atomically: a temporary file in the target folder, renamed into place
//! only once it is complete, so a report is never left half-written.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{display_path, Error, ErrorKind, Location, Result};

/// An output file being written: a temporary file in the target's folder until
/// [`AtomicFile::commit`] renames it into place. Dropped without a commit (an error, a crash),
/// it is deleted and any earlier file at the target path is left as it was.
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<tempfile::NamedTempFile>,
}

impl std::fmt::Debug for AtomicFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The error for a failed write of `path`, in plain words, with what to do.
fn io_fail(path: &Path, e: &std::io::Error) -> Error {
    let hint = match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            "free some disk space or write elsewhere; any existing file at that path is unchanged"
        }
        _ => "check that the folder is writable; any existing file at that path is unchanged",
    };
    Error::at(
        ErrorKind::Output,
        Location::file(path),
        format!("cannot write the report: {}", Error::io_reason(e)),
    )
    .hint(hint)
}

impl AtomicFile {
    /// Starts writing `path`: checks the folder and creates the temporary file.
    pub fn create(path: &Path) -> Result<AtomicFile> {
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
        let mut builder = tempfile::Builder::new();
        builder.prefix(".tvcheck-").suffix(".tmp");
        // A report is an ordinary file: created like any other (0666 less the umask), not with
        // the owner-only mode of a temporary file; a file it replaces keeps its permissions.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(|e| io_fail(path, &e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    /// The target path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The error to report for a failed write to this file.
    pub fn error(&self, e: &std::io::Error) -> Error {
        io_fail(&self.path, e)
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| io_fail(&path, e.error()))?;
        if let Ok(meta) = std::fs::metadata(&path) {
            // Best effort: an unchanged mode is not worth failing the report for.
            let _ = tmp.as_file().set_permissions(meta.permissions());
        }
        tmp.as_file().sync_all().map_err(|e| io_fail(&path, &e))?;
        tmp.persist(&path).map_err(|e| io_fail(&path, &e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes the file at `path` with `write`, atomically.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file)
        .and_then(|()| file.flush())
        .map_err(|e| file.error(&e))?;
    file.commit()
}
