//! Reading whole files that a run depends on (policies, waivers, baselines, earlier reports,
//! registry import files) safely: regular files only, and never more than a stated size.
//!
//! A FIFO would block the run forever and `/dev/zero` would fill memory, so the file type is
//! checked before the file is opened, the file is opened without blocking (`O_NONBLOCK` on
//! Unix) and checked again through the open handle (the path may have been swapped in
//! between), and at most `limit` bytes are read: a larger file is an error naming the file
//! and the limit. Inventory readers may use the same helper.
//!
//! File identity ([`FileId`]) compares files by device and inode (on Unix; by canonical path
//! elsewhere), so that `./a.csv`, `../dir/a.csv`, a symbolic link to it and a hard link are
//! all the same file.

pub mod digest;
pub mod lines;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{display_path, line_col, Error, ErrorKind, Location, Result};

/// Size limit of a policy file.
pub(crate) const POLICY_LIMIT: u64 = 16 << 20;
/// Size limit of a waivers file.
pub(crate) const WAIVERS_LIMIT: u64 = 16 << 20;
/// Size limit of a JSON report read back (`--baseline`, `--since-registry`, `report verify`).
pub const REPORT_LIMIT: u64 = 1 << 30;
/// Size limit of a registry import file.
pub(crate) const IMPORT_LIMIT: u64 = 256 << 20;

/// A size in words: `16 MiB`, `1 GiB`, `512 bytes`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes % unit == 0 {
            return format!("{} {name}", bytes / unit);
        }
    }
    for (unit, name) in UNITS {
        if bytes >= unit {
            return format!("{:.1} {name}", bytes as f64 / unit as f64);
        }
    }
    format!("{bytes} bytes")
}

/// What a file that is not a regular file is, in words.
fn kind_text(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

fn not_regular(kind: ErrorKind, path: &Path, what: &str, ft: std::fs::FileType) -> Error {
    Error::at(
        kind,
        Location::file(path),
        format!(
            "cannot read the {what}: it is {}, not a regular file",
            kind_text(ft)
        ),
    )
    .hint("pass a regular file: a pipe, device or folder cannot be read as one")
}

fn too_big(kind: ErrorKind, path: &Path, what: &str, limit: u64) -> Error {
    Error::at(
        kind,
        Location::file(path),
        format!(
            "the {what} is larger than the limit of {} for a {what}",
            size_text(limit)
        ),
    )
    .hint(format!("check that this is the {what} you meant"))
}

/// Checks that `path` (following symbolic links) is a regular file, without opening it.
pub fn check_regular(path: &Path, what: &str, kind: ErrorKind) -> Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::io(kind, path, &format!("read the {what}"), &e))?;
    if !meta.is_file() {
        return Err(not_regular(kind, path, what, meta.file_type()));
    }
    Ok(meta)
}

/// Opens a regular file for reading without ever blocking on a FIFO.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Reads the whole of `path`, a regular file of at most `limit` bytes. `what` names the file's
/// role in messages ("policy", "waivers file", ...); errors are of `kind`.
pub fn read_regular_file(path: &Path, limit: u64, what: &str, kind: ErrorKind) -> Result<Vec<u8>> {
    let (file, len) = open_checked(path, limit, what, kind)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // One byte more than the limit tells a file that grew past it.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(kind, path, &format!("read the {what}"), &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(kind, path, what, limit));
    }
    Ok(bytes)
}

/// Opens a regular file of at most `limit` bytes for streamed reading (never blocking on a
/// FIFO), after the same checks as [`read_regular_file`].
pub(crate) fn open_regular_file(
    path: &Path,
    limit: u64,
    what: &str,
    kind: ErrorKind,
) -> Result<impl Read> {
    let (file, _) = open_checked(path, limit, what, kind)?;
    Ok(std::io::BufReader::with_capacity(1 << 16, file.take(limit)))
}

/// Opens `path` for reading after checking that it is a regular file of at most `limit`
/// bytes, before and after opening (the path may name something else by then); its length.
fn open_checked(
    path: &Path,
    limit: u64,
    what: &str,
    kind: ErrorKind,
) -> Result<(std::fs::File, u64)> {
    let meta = check_regular(path, what, kind)?;
    if meta.len() > limit {
        return Err(too_big(kind, path, what, limit));
    }
    let read_err = |e: &std::io::Error| Error::io(kind, path, &format!("read the {what}"), e);
    let file = open_nonblocking(path).map_err(|e| read_err(&e))?;
    let meta = file.metadata().map_err(|e| read_err(&e))?;
    if !meta.is_file() {
        return Err(not_regular(kind, path, what, meta.file_type()));
    }
    Ok((file, meta.len()))
}

/// The identity of a file: its device and inode on Unix, its canonical path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileId {
    /// Device and inode.
    Inode(u64, u64),
    /// The canonical path.
    Path(PathBuf),
}

impl FileId {
    /// The identity of the file `path` names (following symbolic links); `None` when nothing
    /// is there.
    pub fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId::Inode(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            std::fs::canonicalize(path).ok().map(FileId::Path)
        }
    }

    /// The identity of the file an output path would write: the existing file (following
    /// links), or, for a path where nothing is yet, its folder's canonical path joined with its
    /// name (following a dangling link to where it points). `None` when the folder does not
    /// exist (writing will fail anyway).
    pub(crate) fn of_output(path: &Path) -> Option<FileId> {
        if let Some(id) = FileId::of(path) {
            return Some(id);
        }
        let mut cur = path.to_path_buf();
        for _ in 0..40 {
            match std::fs::read_link(&cur) {
                Ok(t) if t.is_absolute() => cur = t,
                Ok(t) => cur = cur.parent().unwrap_or(Path::new(".")).join(t),
                Err(_) => break,
            }
        }
        let name = cur.file_name()?;
        let dir = match cur.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Some(FileId::Path(std::fs::canonicalize(dir).ok()?.join(name)))
    }
}

/// A file a run reads, with its role, for refusing outputs that would replace it.
#[derive(Clone, Debug)]
pub struct Protected {
    /// What it is, in words ("the inventory", "the waivers file").
    pub what: String,
    /// The file as shown to users.
    pub path: String,
    /// Its identity.
    pub id: FileId,
}

impl Protected {
    /// A file read by the run; `None` when it does not exist (nothing to protect).
    pub fn new(what: impl Into<String>, path: &Path) -> Option<Protected> {
        Some(Protected {
            id: FileId::of(path)?,
            what: what.into(),
            path: display_path(path),
        })
    }
}

/// Whether writing `path` would write to a device, FIFO or socket (appended to, never
/// replaced; two reports may well go to `/dev/null`).
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Refuses output paths that name a file the run reads, or the same file as another output:
/// compared by identity, not by spelling. Called before anything is written.
pub fn guard_outputs(outputs: &[&Path], protected: &[Protected]) -> Result<()> {
    let named: Vec<(&Path, &str)> = outputs.iter().map(|p| (*p, "the report")).collect();
    guard_named_outputs(&named, protected)
}

/// [`guard_outputs`] for outputs of several kinds, each with what it is in words ("the
/// report", "the registry skeleton"), for the messages.
pub fn guard_named_outputs(outputs: &[(&Path, &str)], protected: &[Protected]) -> Result<()> {
    let mut seen: Vec<(FileId, &Path, &str)> = Vec::with_capacity(outputs.len());
    for &(out, what) in outputs {
        if is_special(out) {
            continue;
        }
        let Some(id) = FileId::of_output(out) else {
            continue;
        };
        if let Some(p) = protected.iter().find(|p| p.id == id) {
            let same = if p.path == display_path(out) {
                String::new()
            } else {
                format!(" ('{}')", p.path)
            };
            return Err(Error::at(
                ErrorKind::Usage,
                Location::file(out),
                format!(
                    "refusing to write {what} over {}{same}, which this run reads",
                    p.what
                ),
            )
            .hint(format!("write {what} to another file; nothing was written")));
        }
        if let Some((_, first, first_what)) = seen.iter().find(|(s, ..)| *s == id) {
            let same = if display_path(first) == display_path(out) {
                String::new()
            } else {
                format!(" as '{}'", display_path(first))
            };
            let (message, hint) = if what == "the report" && *first_what == "the report" {
                (
                    format!("two reports would be written to this one file{same}"),
                    "give each -o rendering a file of its own; nothing was written",
                )
            } else {
                (
                    format!("{what} and {first_what} would be written to this one file{same}"),
                    "give each output a file of its own; nothing was written",
                )
            };
            return Err(Error::at(ErrorKind::Usage, Location::file(out), message).hint(hint));
        }
        seen.push((id, out, what));
    }
    Ok(())
}

/// The files of a SQLite database in use: the file, its `-wal` and its `-shm`.
pub fn database_files(db: &Path) -> Vec<Protected> {
    let mut out = Vec::new();
    out.extend(Protected::new("the registry database", db));
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        out.extend(Protected::new(
            format!("the registry database's {suffix} file"),
            Path::new(&name),
        ));
    }
    out
}

/// Decodes a file's bytes as UTF-8, or says on which line it is not.
pub fn decode_utf8<'a>(path: &Path, bytes: &'a [u8], kind: ErrorKind) -> Result<&'a str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::at(
            kind,
            Location::file(path),
            "the file is encoded as UTF-16, not UTF-8",
        )
        .hint("re-save it as UTF-8"));
    }
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let good = &body[..e.valid_up_to()];
        let (line, col) = line_col(&String::from_utf8_lossy(good), good.len());
        Error::at(
            kind,
            Location::at(path, line, col),
            format!(
                "the file is not valid UTF-8 (byte 0x{:02X})",
                body.get(e.valid_up_to()).copied().unwrap_or(0)
            ),
        )
        .hint("re-save the file as UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size_text(16 << 20), "16 MiB");
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(1536), "1.5 KiB");
        assert_eq!(size_text(12), "12 bytes");
    }

    #[test]
    fn a_file_past_the_limit_is_an_error_naming_it_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.toml");
        std::fs::write(&p, vec![b'x'; 2048]).unwrap();
        let e = read_regular_file(&p, 1024, "waivers file", ErrorKind::Waiver).unwrap_err();
        assert!(e.to_string().contains("w.toml"), "{e}");
        assert!(e.to_string().contains("1 KiB"), "{e}");
        assert_eq!(
            read_regular_file(&p, 2048, "waivers file", ErrorKind::Waiver)
                .unwrap()
                .len(),
            2048
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_without_reading() {
        let e =
            read_regular_file(Path::new("/dev/zero"), 10, "policy", ErrorKind::Policy).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular_file(dir.path(), 10, "policy", ErrorKind::Policy).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[test]
    fn outputs_are_compared_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x").unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let spelled = sub.join("..").join("a.csv");
        let p = vec![Protected::new("the inventory", &a).unwrap()];
        assert!(guard_outputs(&[&spelled], &p).is_err());
        let new = dir.path().join("r.json");
        let new2 = sub.join("..").join("r.json");
        assert!(guard_outputs(&[&new], &p).is_ok());
        let e = guard_outputs(&[&new, &new2], &p).unwrap_err();
        assert!(e.to_string().contains("two reports"), "{e}");
    }
}
