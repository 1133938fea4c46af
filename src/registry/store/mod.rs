//! The SQLite store: schema migrations, opening with safety checks, loading, and committing
//! changes as numbered revisions with an append-only change log.
//!
//! This is the only module that speaks SQL, and it uses bound parameters only. The schema
//! version lives in `PRAGMA user_version`; migrations are applied in order, each in the same
//! transaction as the version bump, after a backup copy of the file. `PRAGMA application_id`
//! marks the file as a tvcheck registry. Files use WAL journaling, so readers see the old or
//! the new state, never a mix. Triggers make the change log append-only and forbid deleting
//! entries, listings and list definitions: they are retired or delisted instead.
//!
//! A registry file is data, never code: every connection is hardened (defensive mode,
//! `trusted_schema` off, triggers off when reading; SQLite's extension loading stays disabled,
//! as this build never enables it), and before anything but `sqlite_master` is read, the
//! file's schema must be exactly what the migrations create ([`Store::open`]): a trigger, view,
//! index or table of its own, or a changed definition, is refused. Writes take the database's
//! write lock first (`BEGIN IMMEDIATE`, waiting up to [`BUSY_TIMEOUT`]) and read the current
//! content inside it, so concurrent imports are serialised.
//!
//! This file opens and locks registries and verifies them; `store/migrate.rs` holds the
//! migrations and the schema check, `store/revisions.rs` commits content as revisions and
//! reads the history and snapshots back, `store/queries.rs` loads the content.

mod migrate;
mod queries;
mod revisions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, OpenFlags};

use self::migrate::{check_schema, MIGRATIONS};
use self::revisions::{now_secs, short};
use crate::error::{Error, ErrorKind, Location, Result};

/// `PRAGMA application_id` of tvcheck registries ("tvch").
pub(crate) const APPLICATION_ID: i32 = 0x7476_6368;

/// Who made a change, when, and from what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeMeta {
    /// RFC 3339 UTC time of the change.
    pub at: String,
    /// Who made it.
    pub actor: String,
    /// `import`, `retire`, `delist`, `migrate`, ...
    pub action: String,
    /// One line saying what was done.
    pub summary: String,
    /// Source files and their SHA-256, when the change came from files.
    pub sources: Vec<(String, String)>,
}

/// One committed revision of the registry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// Revision number, from 1.
    pub rev: u64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What kind of change.
    pub action: String,
    /// One line.
    pub summary: String,
    /// Source files, `; `-separated.
    pub source_file: Option<String>,
    /// Their SHA-256 digests, `; `-separated.
    pub source_sha256: Option<String>,
    /// Content digest after the change.
    pub digest: String,
    /// The changes.
    pub changes: Vec<super::diff::Change>,
}

/// The schema version this build writes and understands.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long a write waits for another process's write to the same registry to finish.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Opens a connection and hardens it before anything is read: defensive mode (no writes to
/// the schema behind SQLite's back, no corrupting pragmas), `trusted_schema` off (SQL functions
/// with side effects cannot run from a view or trigger of the file), and, for reading, no
/// triggers at all. Extension loading is never enabled by this build (rusqlite's
/// `load_extension` feature is off, and SQLite keeps the SQL function disabled by default).
fn connect(path: &Path, target: &str, flags: OpenFlags, writable: bool) -> Result<Connection> {
    let conn = Connection::open_with_flags(target, flags).map_err(|e| db_err(Some(path), &e))?;
    harden(&conn, writable).map_err(|e| db_err(Some(path), &e))?;
    Ok(conn)
}

fn harden(conn: &Connection, writable: bool) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    if !writable {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)
}

/// An open registry database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

fn db_err(path: Option<&Path>, e: &rusqlite::Error) -> Error {
    let loc = path.map(Location::file);
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    let (message, hint) = match code {
        Some(rusqlite::ErrorCode::NotADatabase) => (
            "not an SQLite database (or the file is damaged)".to_string(),
            "pass a registry created by `tvcheck registry import --db PATH`, or omit --db to use the embedded registry",
        ),
        Some(rusqlite::ErrorCode::DiskFull) => (
            "the disk is full".to_string(),
            "free some disk space and run the command again; the registry was not changed, as every change is one transaction",
        ),
        Some(rusqlite::ErrorCode::ReadOnly) => (
            "the registry is read-only: the file or its folder cannot be written".to_string(),
            "copy the registry to a writable folder and pass that path with --db; the registry was not changed",
        ),
        Some(rusqlite::ErrorCode::SystemIoFailure) => (
            "reading or writing the database file failed (disk I/O error)".to_string(),
            "check that the disk is not full or failing; every change is one transaction, so the registry holds its last committed content",
        ),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => (
            format!(
                "the registry is locked by another program (another tvcheck import?) for more than {} s",
                BUSY_TIMEOUT.as_secs()
            ),
            "wait until the other command has finished and run this one again; the registry was not changed",
        ),
        Some(rusqlite::ErrorCode::CannotOpen) => (
            "cannot open the database file".to_string(),
            "check that the file and its folder are readable (and writable, for registry changes)",
        ),
        _ => (
            format!("registry database error: {e}"),
            "check that the file is a tvcheck registry and is not locked by another program",
        ),
    };
    let mut err = Error::new(ErrorKind::Registry, message).hint(hint);
    err.location = loc;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => err.caused_by(*f),
        _ => err,
    }
}

/// Whether `e` says SQLite could not open the file (or its `-shm`/`-wal` companions).
fn is_cannot_open(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen
    )
}

/// An SQLite URI naming `path` with `immutable=1`: for reading a registry on read-only media,
/// where SQLite cannot create the shared-memory file a WAL database otherwise needs.
fn immutable_uri(path: &Path) -> String {
    // Every byte but unreserved ones and '/' is percent-encoded, so any file name (spaces, '?',
    // '#', '%', bytes that are not UTF-8) survives; an absolute path gets an empty authority
    // ("file://" + "/…"), so a path starting with "//" is not read as a host name.
    let encoded: String = path_bytes(path)
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let authority = if path.is_absolute() { "//" } else { "" };
    format!("file:{authority}{encoded}?immutable=1")
}

/// The bytes of a path as the OS has them.
#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

/// The bytes of a path as the OS has them (UTF-8 of its lossy text elsewhere).
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

/// Whether a file can be created in `dir` (tried, and removed at once).
fn folder_writable(dir: &Path) -> bool {
    tempfile::Builder::new()
        .prefix(".tvcheck-probe-")
        .tempfile_in(dir)
        .is_ok()
}

/// Opens `path` read-only. A WAL database in a folder that cannot be written (read-only media,
/// a read-only share) cannot be read the normal way, because SQLite must create its `-shm`
/// file; then, and only when no `-wal` file holds changes not yet in the main file, it is
/// opened as immutable, which is exact because nothing can write it.
fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_err(Some(path), &e))?;
    harden(&conn, false).map_err(|e| db_err(Some(path), &e))?;
    let probe = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    match probe {
        // Only where the folder really cannot be written: anywhere else another process may be
        // writing the database, and an immutable open could read it half-changed.
        Err(e)
            if is_cannot_open(&e)
                && !folder_writable(
                    path.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new(".")),
                ) =>
        {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(Error::at(
                    ErrorKind::Registry,
                    Location::file(path),
                    "cannot read the registry: its folder is read-only and its -wal file holds changes not yet written to the database file",
                )
                .hint("copy the database and its -wal file to a writable folder and pass that path with --db"));
            }
            drop(conn);
            connect(
                path,
                &immutable_uri(path),
                flags | OpenFlags::SQLITE_OPEN_URI,
                false,
            )
        }
        _ => Ok(conn),
    }
}

/// Removes a database file that this process has just created, with its `-wal` and `-shm`
/// companions: used when creating a new registry fails part-way (a full disk), so that no empty
/// or partial file is left behind. Never called on a file that existed before.
pub(crate) fn remove_files(path: &Path) {
    for suffix in ["-wal", "-shm", ""] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Fails with a clear message when `path` cannot be opened for writing (a read-only file or
/// file system), before SQLite is asked to write.
fn check_writable(path: &Path) -> Result<()> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                format!(
                    "the registry cannot be changed: {}",
                    if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem {
                        "it is on a read-only file system"
                    } else {
                        "permission denied"
                    }
                ),
            )
            .hint("copy the registry to a writable folder and pass that path with --db; the registry was not changed"))
        }
        Err(e) => Err(Error::io(ErrorKind::Registry, path, "open the registry for writing", &e)),
    }
}

impl Store {
    /// An empty in-memory registry with the current schema.
    pub(crate) fn in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|e| db_err(None, &e))?;
        let mut store = Store { conn, path: None };
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing registry file; read-only unless `writable`.
    pub fn open(path: &Path, writable: bool) -> Result<Store> {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::io(ErrorKind::Registry, path, "open the registry", &e))?;
        if !meta.is_file() {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                "the registry path is not a file",
            )
            .hint("pass the path of a registry database file"));
        }
        let conn = if writable {
            check_writable(path)?;
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn =
                Connection::open_with_flags(path, flags).map_err(|e| db_err(Some(path), &e))?;
            harden(&conn, true).map_err(|e| db_err(Some(path), &e))?;
            conn
        } else {
            open_read_only(path)?
        };
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        // The identity and the schema are checked in one read transaction (one consistent
        // view of the file, whatever another process commits meanwhile) before any table is read.
        {
            let tx = store
                .conn
                .unchecked_transaction()
                .map_err(|e| db_err(Some(path), &e))?;
            store.check_identity()?;
            check_schema(&tx, Some(path), store.version()?)?;
        }
        if !writable && store.version()? == 0 {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                "the registry is empty (an empty file or an empty SQLite database)",
            )
            .hint("create it with `tvcheck registry import FILE --db PATH`"));
        }
        if writable {
            let old = store.version()?;
            if old > 0 && old < SCHEMA_VERSION {
                store.backup(old)?;
            }
            store.set_wal()?;
            store.migrate()?;
        } else if store.version()? < SCHEMA_VERSION {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                format!(
                    "the registry has schema version {} and needs migrating to {SCHEMA_VERSION}",
                    store.version()?
                ),
            )
            .hint("run any `tvcheck registry` write command on it (for example `registry import`) to migrate it"));
        }
        Ok(store)
    }

    /// Opens a registry file and applies `first` to it; when nothing is at `path`, the file is
    /// made aside (a hidden temporary file in the same folder, with the current schema),
    /// `first` is applied there, and only then is it linked into place, so that another
    /// process never sees a half-made registry and a failed first write leaves no file. When
    /// another process made the registry meanwhile, `first` is applied to that one.
    pub fn create_with<T>(
        path: &Path,
        mut first: impl FnMut(&mut Store) -> Result<T>,
    ) -> Result<(Store, T)> {
        if std::fs::symlink_metadata(path).is_ok() {
            let mut store = Store::create_or_open(path)?;
            let t = first(&mut store)?;
            return Ok((store, t));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "registry".into());
        let temp = path.with_file_name(format!(
            ".{name}.tvcheck-new-{}-{}",
            std::process::id(),
            now_secs()
        ));
        // Made in rollback-journal mode, so that every committed page is in the file itself
        // when it is linked into place; write-ahead logging is switched on once it is there.
        let made = (|| {
            let mut store = Store::create_new(&temp, false)?;
            let t = first(&mut store)?;
            drop(store);
            Ok(t)
        })();
        let t = match made {
            Ok(t) => t,
            Err(e) => {
                remove_files(&temp);
                return Err(e);
            }
        };
        let linked = match std::fs::hard_link(&temp, path) {
            // A file system without hard links (FAT, some network shares): renamed instead,
            // when still nothing is there (the check and the rename are not one step there).
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                if std::fs::symlink_metadata(path).is_ok() {
                    Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
                } else {
                    std::fs::rename(&temp, path).or(Err(e))
                }
            }
            other => other,
        };
        remove_files(&temp);
        match linked {
            Ok(()) => {
                let store = Store::open(path, true)?;
                // Best effort: a process that opened the registry in the instant since it was
                // linked keeps it in rollback-journal mode, which is as safe, only less
                // concurrent.
                let _ = store.set_wal();
                Ok((store, t))
            }
            // Made by another process meanwhile: this write goes into that registry.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let mut store = Store::create_or_open(path)?;
                let t = first(&mut store)?;
                Ok((store, t))
            }
            Err(e) => Err(Error::io(
                ErrorKind::Registry,
                path,
                "create the registry",
                &e,
            )),
        }
    }

    /// Opens a registry file, creating it (with the current schema) when it does not exist.
    pub(crate) fn create_or_open(path: &Path) -> Result<Store> {
        if path.exists() {
            return Store::open(path, true);
        }
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::at(
                ErrorKind::Registry,
                Location::file(path),
                "the registry path is a symbolic link to a file that does not exist",
            )
            .hint("point --db at the registry file itself, or create the file the link names"));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Error::at(
                    ErrorKind::Registry,
                    Location::file(path),
                    format!(
                        "cannot create the registry: the folder '{}' does not exist",
                        crate::error::display_path(parent)
                    ),
                )
                .hint("create the folder first or choose another path"));
            }
        }
        let created = Store::create_new(path, true);
        if created.is_err() {
            remove_files(path);
        }
        created
    }

    /// A new registry file at `path` with the current schema, in write-ahead-log mode or not.
    fn create_new(path: &Path, wal: bool) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| db_err(Some(path), &e))?;
        harden(&conn, true).map_err(|e| db_err(Some(path), &e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        if wal {
            store.set_wal()?;
        }
        store.migrate()?;
        Ok(store)
    }

    fn set_wal(&self) -> Result<()> {
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map(|_| ())
            .map_err(|e| db_err(self.path(), &e))
    }

    /// Copies the database file aside before migrating it from schema `old`.
    fn backup(&self, old: u32) -> Result<()> {
        let Some(path) = self.path() else {
            return Ok(());
        };
        let mut n = 1;
        loop {
            let target = if n == 1 {
                path.with_extension(format!("schema{old}.bak"))
            } else {
                path.with_extension(format!("schema{old}.bak{n}"))
            };
            n += 1;
            if target.exists() {
                continue;
            }
            // VACUUM INTO writes a consistent copy even while the file is in use. Another
            // process migrating the same file at the same moment may take the name first:
            // then the next name is tried.
            match self
                .conn
                .execute("VACUUM INTO ?1", params![target.to_string_lossy()])
            {
                Ok(_) => return Ok(()),
                Err(_) if target.exists() && n <= 1000 => continue,
                Err(e) => {
                    return Err(Error::at(
                        ErrorKind::Registry,
                        Location::file(path),
                        format!("cannot back the registry up before migrating it: {e}"),
                    )
                    .hint("check free disk space and that the folder is writable"))
                }
            }
        }
    }

    /// Whether this is an in-memory store (the embedded registry), not a file.
    pub(crate) fn is_in_memory(&self) -> bool {
        self.path.is_none()
    }

    fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version recorded in the file.
    pub fn version(&self) -> Result<u32> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map(|v| v as u32)
            .map_err(|e| db_err(self.path(), &e))
    }

    fn check_identity(&self) -> Result<()> {
        let app_id: i32 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| db_err(self.path(), &e))?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| db_err(self.path(), &e))?;
        let loc = self
            .path()
            .map_or_else(|| Location::file("(memory)"), Location::file);
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(Error::at(
                ErrorKind::Registry,
                loc,
                "this SQLite database is not a tvcheck registry",
            )
            .hint("pass a registry created by `tvcheck registry import --db PATH`"));
        }
        let version = self.version()?;
        if version > SCHEMA_VERSION {
            return Err(Error::at(
                ErrorKind::Registry,
                loc,
                format!(
                    "the registry has schema version {version}, newer than this build of tvcheck knows ({SCHEMA_VERSION})"
                ),
            )
            .hint("upgrade tvcheck; it never downgrades a registry"));
        }
        Ok(())
    }
}

impl Store {
    /// Checks that the current content, whose digest is `current`, is what the change log says
    /// it is: the revisions are numbered 1, 2, ... without a gap, the latest one's snapshot
    /// hashes to its recorded digest, and that digest is `current`. This is what `check` relies
    /// on before using a registry file (the full `registry verify` also re-reads every earlier
    /// snapshot and runs SQLite's integrity check); it reads the revision numbers and digests
    /// and one snapshot, so it costs about what loading the content costs. Together with the
    /// schema check of [`Store::open`] (the triggers that keep the change log append-only are
    /// in place), an edit of the content tables behind tvcheck's back is refused.
    pub(crate) fn verify_current(&self, current: &str) -> Result<()> {
        let loc = self
            .path()
            .map_or_else(|| Location::file("(memory)"), Location::file);
        let shown = crate::error::display_path(self.path().unwrap_or(Path::new("(memory)")));
        let hint = format!(
            "run `tvcheck registry verify --db {shown}` to see what differs, and re-import the registry from a trusted export into a new file; --no-verify-registry uses it anyway, and the report says it is unverified"
        );
        let refuse = |message: String| {
            Err(Error::at(ErrorKind::Registry, loc.clone(), message).hint(hint.clone()))
        };
        let revs: Vec<(i64, String)> = (|| {
            let mut st = self
                .conn
                .prepare("SELECT rev, digest FROM revision ORDER BY rev")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })()
        .map_err(|e| db_err(self.path(), &e))?;
        for (i, (rev, _)) in revs.iter().enumerate() {
            if *rev != i as i64 + 1 {
                return refuse(format!(
                    "the registry's change log is not whole: revision {} is missing (found revision {rev} in its place)",
                    i + 1
                ));
            }
        }
        let Some((latest, digest)) = revs.last() else {
            return refuse(
                "the registry has content but no recorded revision, so its content cannot be verified"
                    .to_string(),
            );
        };
        let snapshot: String = self
            .conn
            .query_row(
                "SELECT content FROM revision WHERE rev = ?1",
                params![latest],
                |r| r.get(0),
            )
            .map_err(|e| db_err(self.path(), &e))?;
        let recorded = crate::source::digest::sha256_hex(snapshot.as_bytes());
        if &recorded != digest {
            return refuse(format!(
                "the snapshot of revision {latest} (sha256 {}) does not match the digest recorded with it ({})",
                short(&recorded),
                short(digest)
            ));
        }
        if current != digest {
            return refuse(format!(
                "the registry's current content (sha256 {}) does not match its latest revision {latest} (sha256 {}): it was changed outside tvcheck",
                short(current),
                short(digest)
            ));
        }
        Ok(())
    }

    /// SQLite's own consistency check: `ok`, or the problems it found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| db_err(self.path(), &e))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| db_err(self.path(), &e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| db_err(self.path(), &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_uris_encode_every_path() {
        assert_eq!(
            immutable_uri(Path::new("/tmp/a b/reg?#%.db")),
            "file:///tmp/a%20b/reg%3F%23%25.db?immutable=1"
        );
        // A path starting with two slashes is not read as a host name.
        assert_eq!(
            immutable_uri(Path::new("//tmp/reg.db")),
            "file:////tmp/reg.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new("reg.db")),
            "file:reg.db?immutable=1"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = Path::new(std::ffi::OsStr::from_bytes(b"/ro/n\xe9/reg.db"));
            assert_eq!(immutable_uri(p), "file:///ro/n%E9/reg.db?immutable=1");
        }
    }
}
