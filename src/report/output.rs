//! Writing output files atomically: a temporary file in the target folder, renamed into place
//! only once it is complete, so a report is never left half-written. A symbolic link is kept
//! (the file it points to is replaced); a FIFO or a device (`/dev/stdout`) is written directly.
//!
//! Every temporary file is listed in a process-wide registry while it lives, so that an
//! interrupted run (the binary's SIGINT/SIGTERM handler) can remove them all before it exits
//! ([`remove_temporaries`]); temporary files are created and renamed into place under the
//! registry's lock, so none is missed and none is removed after its rename.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{display_path, Error, ErrorKind, Location, Result};

/// The temporary files of the process that are not yet renamed into place or deleted.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Listed in [`LIVE`] while it exists; unlisted when dropped.
struct LiveTemp(PathBuf);

impl LiveTemp {
    /// Lists `path` (the caller holds the lock, taken before the file was created).
    fn new(list: &mut Vec<PathBuf>, path: &Path) -> LiveTemp {
        list.push(path.to_path_buf());
        LiveTemp(path.to_path_buf())
    }

    fn unlist(&self, list: &mut Vec<PathBuf>) {
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

impl Drop for LiveTemp {
    fn drop(&mut self) {
        self.unlist(&mut live());
    }
}

/// Held while the process exits after a signal: no temporary file is created or renamed into
/// place any more.
#[derive(Debug)]
pub struct Stopped {
    _lock: MutexGuard<'static, Vec<PathBuf>>,
}

/// Removes every temporary file the process is writing and returns a guard that keeps any
/// other from being created or renamed into place: the caller (a signal handler of the
/// binary) exits while it holds it. Removing a file still being written is safe: the writing
/// thread writes on into the unlinked file until the process ends.
pub fn remove_temporaries() -> Stopped {
    let mut list = live();
    for p in list.drain(..) {
        let _ = std::fs::remove_file(&p);
    }
    Stopped { _lock: list }
}

/// An output file being written: a temporary file in the target's folder until
/// [`AtomicFile::commit`] renames it into place. Dropped without a commit (an error, a crash),
/// it is deleted and any earlier file at the target path is left as it was.
pub struct AtomicFile {
    path: PathBuf,
    out: Out,
}

/// Where the bytes go.
enum Out {
    /// A temporary file next to the target, renamed over it on commit.
    Temp {
        out: Background,
        /// The file to replace: the target, or where the target's symbolic link points.
        target: PathBuf,
        /// The temporary file's place in the list of live temporary files.
        listed: LiveTemp,
    },
    /// A FIFO, a device (`/dev/stdout`, `/dev/null`) or a socket, which cannot be replaced
    /// (that would replace the pipe or device node itself): the bytes are held back and written
    /// to it on commit, so that a failed run writes nothing there either.
    Direct(std::fs::File, Spill),
}

impl std::fmt::Debug for AtomicFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Bytes a held-back output keeps in memory before it moves to an anonymous temporary file.
pub const SPILL_MEMORY: usize = 4 << 20;

/// A report held back until the run is over: in memory, then in an anonymous temporary file.
#[derive(Debug)]
pub struct Spill {
    mem: Vec<u8>,
    file: Option<BufWriter<File>>,
    limit: usize,
}

impl Spill {
    /// An empty spill that moves to a temporary file after `limit` bytes.
    pub fn new(limit: usize) -> Spill {
        Spill {
            mem: Vec::new(),
            file: None,
            limit,
        }
    }

    #[cfg(test)]
    /// Whether it moved to a temporary file.
    pub(crate) fn spilled(&self) -> bool {
        self.file.is_some()
    }

    /// Writes everything held, in order, to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match &mut self.file {
            None => out.write_all(&self.mem),
            Some(file) => {
                file.flush()?;
                let mut f = file.get_ref();
                f.seek(SeekFrom::Start(0))?;
                std::io::copy(&mut f, out)?;
                Ok(())
            }
        }
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(buf);
        }
        self.mem.extend_from_slice(buf);
        if self.mem.len() > self.limit {
            let mut file = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
            file.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(file);
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Bytes handed to the writing thread at a time.
const CHUNK: usize = 256 << 10;

/// Chunks in flight to the writing thread (memory bound: about `(CHUNKS + 2) * CHUNK`).
const CHUNKS: usize = 4;

/// A temporary report file written by a thread of its own, so that the run's thread does not
/// wait for the kernel to copy hundreds of megabytes into the page cache. Bytes are collected
/// in chunks and handed over through a bounded channel; the writing thread returns the emptied
/// chunks for reuse. Its first error stops it and is returned by the next write.
struct Background {
    buf: Vec<u8>,
    /// `None` once the thread is joined (after an error or [`Background::finish`]).
    to: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    back: std::sync::mpsc::Receiver<Vec<u8>>,
    thread: Option<std::thread::JoinHandle<(tempfile::NamedTempFile, std::io::Result<()>)>>,
    /// The writing thread's error, kept for every later call once it has been seen.
    failed: Option<std::io::Error>,
}

impl Background {
    fn new(file: tempfile::NamedTempFile) -> std::io::Result<Background> {
        let (to, from) = std::sync::mpsc::sync_channel::<Vec<u8>>(CHUNKS);
        let (back_to, back) = std::sync::mpsc::sync_channel::<Vec<u8>>(CHUNKS + 2);
        let thread = std::thread::Builder::new()
            .name("tvcheck-writer".to_string())
            .spawn(move || {
                let mut file = file;
                let mut result = Ok(());
                for mut chunk in from {
                    if let Err(e) = file.as_file_mut().write_all(&chunk) {
                        result = Err(e);
                        break;
                    }
                    chunk.clear();
                    // The other side may be gone or have enough chunks: then this one is freed.
                    let _ = back_to.try_send(chunk);
                }
                (file, result)
            })?;
        Ok(Background {
            buf: Vec::with_capacity(CHUNK),
            to: Some(to),
            back,
            thread: Some(thread),
            failed: None,
        })
    }

    /// The writing thread's error: joins it if that has not happened yet.
    fn error(&mut self) -> std::io::Error {
        self.to = None;
        if let Some(thread) = self.thread.take() {
            self.failed = Some(match thread.join() {
                Ok((_, Err(e))) => e,
                Ok((_, Ok(()))) | Err(_) => {
                    std::io::Error::other("internal error: the thread writing the report stopped")
                }
            });
        }
        match &self.failed {
            Some(e) => crate::error::copy_io(e),
            None => std::io::Error::other("the report file is already closed"),
        }
    }

    /// Hands the collected bytes to the writing thread.
    fn send(&mut self) -> std::io::Result<()> {
        let next = self
            .back
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        match &self.to {
            Some(to) if to.send(full).is_ok() => Ok(()),
            _ => Err(self.error()),
        }
    }

    /// Writes what is left, waits for the writing thread and returns the file.
    fn finish(mut self) -> std::io::Result<tempfile::NamedTempFile> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.to = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok((file, Ok(())))) => Ok(file),
            Some(Ok((_, Err(e)))) => Err(e),
            _ => Err(self.error()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // Closing the channel ends the thread; joining it closes (and deletes) the file.
        self.to = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Write for Background {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        if self.to.is_none() {
            return Err(self.error());
        }
        while !bytes.is_empty() {
            let room = CHUNK.saturating_sub(self.buf.len());
            let (now, rest) = bytes.split_at(room.min(bytes.len()));
            self.buf.extend_from_slice(now);
            bytes = rest;
            if self.buf.len() >= CHUNK {
                self.send()?;
            }
        }
        Ok(())
    }

    /// Hands over what is collected; the bytes are in the file once [`Background::finish`]
    /// returns.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.send()
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
    .caused_by_io(e)
}

impl AtomicFile {
    /// Starts writing `path`: checks the folder and creates the temporary file.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let fail = |what: String, hint: &str| {
            Error::at(ErrorKind::Output, Location::file(path), what).hint(hint.to_string())
        };
        if path.is_dir() {
            return Err(fail(
                "cannot write the report: the output path is a folder".to_string(),
                "name a file, e.g. report.json",
            ));
        }
        // A device, FIFO or socket (metadata() follows links), and anything under /dev or
        // /proc (`/dev/stderr`, `/dev/fd/3`: links to whatever the descriptor is, maybe a file
        // opened for appending), is written to, never replaced.
        let (target, via_system) = resolve_links(path);
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file()) || via_system;
        if special {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| io_fail(path, &e))?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                out: Out::Direct(file, Spill::new(SPILL_MEMORY)),
            });
        }
        // A symbolic link stays a link: the file it points to is replaced.
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            let what = if dir.exists() {
                format!(
                    "cannot write the report: '{}' is not a folder",
                    display_path(dir)
                )
            } else {
                format!(
                    "cannot write the report: the folder '{}' does not exist",
                    display_path(dir)
                )
            };
            return Err(fail(
                what,
                "create the folder first or choose another output path",
            ));
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".tvcheck-").suffix(".tmp");
        // A report is an ordinary file: created like any other (0666 less the umask), not with
        // the owner-only mode of a temporary file; a file it replaces keeps its permissions,
        // from the start, since the temporary file fills with the report during the run.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(&target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        // Created and listed under the lock: a signal handler sees it or it does not exist.
        let (tmp, listed) = {
            let mut list = live();
            let tmp = builder.tempfile_in(dir).map_err(|e| io_fail(path, &e))?;
            let listed = LiveTemp::new(&mut list, tmp.path());
            (tmp, listed)
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: Out::Temp {
                out: Background::new(tmp).map_err(|e| io_fail(path, &e))?,
                target,
                listed,
            },
        })
    }

    /// The error to report for a failed write to this file.
    pub fn error(&self, e: &std::io::Error) -> Error {
        io_fail(&self.path, e)
    }

    /// Flushes and syncs the temporary file: after this, only the rename is left
    /// ([`Prepared::persist`]).
    pub fn prepare(self) -> Result<Prepared> {
        let path = self.path;
        match self.out {
            Out::Direct(file, held) => Ok(Prepared {
                path,
                kind: PreparedKind::Direct(file, held),
            }),
            Out::Temp {
                out,
                target,
                listed,
            } => {
                let tmp = out.finish().map_err(|e| io_fail(&path, &e))?;
                if let Ok(meta) = std::fs::metadata(&target) {
                    // Best effort: an unchanged mode is not worth failing the report for.
                    let _ = tmp.as_file().set_permissions(meta.permissions());
                }
                tmp.as_file().sync_all().map_err(|e| io_fail(&path, &e))?;
                Ok(Prepared {
                    path,
                    kind: PreparedKind::Temp(tmp, target, listed),
                })
            }
        }
    }

    /// Flushes, syncs and renames the file into place (a FIFO or device: writes it).
    pub fn commit(self) -> Result<()> {
        self.prepare()?.persist()
    }
}

/// A complete output file waiting for its rename ([`AtomicFile::prepare`]).
pub struct Prepared {
    path: PathBuf,
    kind: PreparedKind,
}

enum PreparedKind {
    Temp(tempfile::NamedTempFile, PathBuf, LiveTemp),
    Direct(File, Spill),
}

impl Prepared {
    /// Whether persisting writes into a FIFO or device (which cannot be undone or renamed).
    pub(crate) fn is_direct(&self) -> bool {
        matches!(self.kind, PreparedKind::Direct(..))
    }

    /// Renames the file into place (a FIFO or device: writes what was held back).
    pub(crate) fn persist(self) -> Result<()> {
        let path = self.path;
        match self.kind {
            PreparedKind::Temp(tmp, target, listed) => {
                // Renamed and unlisted under the lock: a signal handler never removes a file
                // that is already in place.
                let mut list = live();
                let done = tmp.persist(&target);
                listed.unlist(&mut list);
                drop(list);
                done.map(|_| ()).map_err(|e| io_fail(&path, &e.error))
            }
            PreparedKind::Direct(mut file, mut held) => held
                .copy_to(&mut file)
                .and_then(|()| file.flush())
                .map_err(|e| io_fail(&path, &e)),
        }
    }
}

/// The file `path` finally names when it is a symbolic link (or a chain of them), as a path
/// usable from here (its target may not exist yet: a dangling link names the file to create),
/// and whether the path or a link on the way is under `/dev` or `/proc` (`/dev/stdout` is a
/// link to `/proc/self/fd/1`, itself a link to whatever standard output is).
fn resolve_links(path: &Path) -> (PathBuf, bool) {
    let system = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    let mut cur = path.to_path_buf();
    let mut via_system = system(&cur);
    // As many hops as the kernel follows (ELOOP beyond).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {}
            _ => break,
        }
        match std::fs::read_link(&cur) {
            Ok(t) if t.is_absolute() => cur = t,
            Ok(t) => cur = cur.parent().unwrap_or(Path::new(".")).join(t),
            Err(_) => break,
        }
        via_system |= system(&cur);
    }
    (cur, via_system)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.out {
            Out::Temp { out, .. } => out.write(buf),
            Out::Direct(_, held) => held.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.out {
            Out::Temp { out, .. } => out.write_all(buf),
            Out::Direct(_, held) => held.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.out {
            Out::Temp { out, .. } => out.flush(),
            Out::Direct(_, held) => held.flush(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_has_the_replaced_files_mode_from_the_start() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let file = AtomicFile::create(&path).unwrap();
        assert!(matches!(file.out, Out::Temp { .. }), "not a temporary file");
        let tmp = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(".tmp"))
            .unwrap();
        let mode = std::fs::metadata(tmp).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        file.commit().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_report_of_many_chunks_arrives_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let mut want = Vec::new();
        let mut file = AtomicFile::create(&path).unwrap();
        // Writes of every size, crossing chunk boundaries, well past the chunks in flight.
        let mut n = 0u64;
        while want.len() < (CHUNKS + 3) * CHUNK {
            let piece = format!("{n}:").repeat((n % 97) as usize + 1);
            file.write_all(piece.as_bytes()).unwrap();
            want.extend_from_slice(piece.as_bytes());
            n += 1;
        }
        let one_chunk = vec![b'x'; 2 * CHUNK + 5];
        file.write_all(&one_chunk).unwrap();
        want.extend_from_slice(&one_chunk);
        file.flush().unwrap();
        assert!(!path.exists());
        file.commit().unwrap();
        assert!(std::fs::read(&path).unwrap() == want);
        // Only the report is left: no temporary file.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
