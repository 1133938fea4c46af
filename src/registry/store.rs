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

use std::path::{Path, PathBuf};

use std::sync::OnceLock;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};

use super::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
use crate::date::Date;
use crate::error::{Error, ErrorKind, Location, Result};

/// `PRAGMA application_id` of tvcheck registries ("tvch").
pub const APPLICATION_ID: i32 = 0x7476_6368;

/// Ordered schema migrations; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_history.sql"),
    include_str!("migrations/0003_binding_affiliates.sql"),
    include_str!("migrations/0004_fcc_grantee_codes.sql"),
];

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

/// Fault injection for crash-safety tests: with `TVCHECK_FAULT_AFTER_WRITES=N` the process
/// aborts (like `kill -9`) right after the N-th write of a commit. Never set in normal use.
fn fault_point(counter: &mut u64) {
    *counter += 1;
    if let Ok(v) = std::env::var("TVCHECK_FAULT_AFTER_WRITES") {
        if v.trim().parse::<u64>().ok() == Some(*counter) {
            std::process::abort();
        }
    }
}

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long a write waits for another process's write to the same registry to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

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

/// One object of a database schema as SQLite keeps it in `sqlite_master`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SchemaObject {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// The schema objects of `c`, in (type, name) order. Reads `sqlite_master` only: no table,
/// view or trigger of the file is touched.
fn read_schema(c: &Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    let mut st =
        c.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")?;
    let rows = st.query_map([], |r| {
        Ok(SchemaObject {
            kind: r.get(0)?,
            name: r.get(1)?,
            table: r.get(2)?,
            sql: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// The schema each version has, as this build's migrations create it (index = version):
/// made once per process by applying the migrations to an in-memory database, so that the
/// SQL text compared is SQLite's own (ALTER TABLE rewrites the stored definitions).
fn expected_schemas() -> Result<&'static [Vec<SchemaObject>]> {
    static SCHEMAS: OnceLock<std::result::Result<Vec<Vec<SchemaObject>>, String>> = OnceLock::new();
    let built = SCHEMAS.get_or_init(|| {
        (|| -> rusqlite::Result<Vec<Vec<SchemaObject>>> {
            let conn = Connection::open_in_memory()?;
            let mut out = vec![read_schema(&conn)?];
            for sql in MIGRATIONS {
                conn.execute_batch(sql)?;
                out.push(read_schema(&conn)?);
            }
            Ok(out)
        })()
        .map_err(|e| e.to_string())
    });
    built.as_deref().map_err(|e| {
        Error::new(
            ErrorKind::Registry,
            format!("internal error: the registry schema cannot be built: {e}"),
        )
    })
}

/// Refuses a schema that differs in any way from what migrations `1..=version` create: an
/// object they did not create (a trigger, view, index or table of the file's own), a
/// definition whose SQL text differs, or an object that is missing (such as a trigger that
/// keeps the change log append-only).
fn check_schema(c: &Connection, path: Option<&Path>, version: u32) -> Result<()> {
    let loc = path.map_or_else(|| Location::file("(memory)"), Location::file);
    let expected = expected_schemas()?.get(version as usize).ok_or_else(|| {
        Error::at(
            ErrorKind::Registry,
            loc.clone(),
            format!("the registry has schema version {version}, which this build does not know"),
        )
    })?;
    let actual = read_schema(c).map_err(|e| db_err(path, &e))?;
    let hint = "do not use this file: a registry holds data only; rebuild it from trusted source or export files (`tvcheck registry import FILE.toml --db NEW.db`)";
    let refuse =
        |message: String| Err(Error::at(ErrorKind::Registry, loc.clone(), message).hint(hint));
    let find = |list: &'static [SchemaObject], o: &SchemaObject| {
        list.iter().find(|x| x.kind == o.kind && x.name == o.name)
    };
    // Objects of the file's own first: they are what could run.
    for o in &actual {
        if find(expected, o).is_none() {
            return refuse(format!(
                "the registry holds a {} '{}'{} that tvcheck did not create: a registry file must not carry SQL of its own",
                o.kind,
                o.name,
                if o.kind == "table" || o.name == o.table {
                    String::new()
                } else {
                    format!(" on '{}'", o.table)
                }
            ));
        }
    }
    for o in &actual {
        if let Some(x) = find(expected, o) {
            if x != o {
                return refuse(format!(
                    "the definition of the {} '{}' differs from the one tvcheck created",
                    o.kind, o.name
                ));
            }
        }
    }
    for x in expected {
        if !actual.iter().any(|o| o.kind == x.kind && o.name == x.name) {
            return refuse(format!(
                "the registry lacks the {} '{}' that tvcheck creates{}",
                x.kind,
                x.name,
                if x.kind == "trigger" {
                    " (it protects the registry's history)"
                } else {
                    ""
                }
            ));
        }
    }
    Ok(())
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
pub fn remove_files(path: &Path) {
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
    pub fn in_memory() -> Result<Store> {
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
    pub fn create_or_open(path: &Path) -> Result<Store> {
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

    /// Where the pre-migration backup of schema `old` went, if any.
    pub fn backup_path(path: &Path, old: u32) -> PathBuf {
        path.with_extension(format!("schema{old}.bak"))
    }

    /// Whether this is an in-memory store (the embedded registry), not a file.
    pub fn is_in_memory(&self) -> bool {
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

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_err(path.as_deref(), &e);
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err)?;
            // Read again under the write lock: another process may have migrated meanwhile.
            let current = tx
                .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                .map_err(err)? as u32;
            let Some(sql) = MIGRATIONS.get(current as usize) else {
                return Ok(());
            };
            if path.is_some() {
                check_schema(&tx, path.as_deref(), current)?;
            }
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i64::from(current) + 1)
                .map_err(err)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(err)?;
            let mut writes = 0;
            fault_point(&mut writes);
            // The first revision of a migrated registry records its content, in the same
            // transaction as the migration: a crash leaves the old schema or the new one with
            // its change log, never a mix.
            if current == 1 {
                let data = load_from(&tx).map_err(err)?;
                if !data.vendors.is_empty() || !data.lists.is_empty() {
                    let meta = ChangeMeta {
                        at: crate::date::rfc3339_utc(now_secs()),
                        actor: "tvcheck".into(),
                        action: "migrate".into(),
                        summary: format!(
                            "migrated from schema {current} to {SCHEMA_VERSION}; content as before"
                        ),
                        sources: Vec::new(),
                    };
                    let changes = super::diff::diff(&RegistryData::default(), &data);
                    record_tx(&tx, &data, &meta, &changes, &mut writes).map_err(err)?;
                }
            }
            tx.commit().map_err(err)?;
        }
    }

    /// Reads the whole content.
    pub fn load(&self) -> Result<RegistryData> {
        self.load_inner().map_err(|e| db_err(self.path(), &e))
    }

    fn load_inner(&self) -> rusqlite::Result<RegistryData> {
        load_from(&self.conn)
    }
}

/// Reads the whole content through `c` (a connection or an open transaction). A file of an
/// older schema (read-only commands do not migrate) reads with the later columns' defaults.
fn load_from(c: &Connection) -> rusqlite::Result<RegistryData> {
    {
        let version = c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
        let mut data = RegistryData::default();
        let mut st = c.prepare(if version >= 3 {
            "SELECT id, title, jurisdiction, authority, basis, source, confidence, notes, binding, reaches_affiliates FROM list ORDER BY id"
        } else {
            "SELECT id, title, jurisdiction, authority, basis, source, confidence, notes, 1, 0 FROM list ORDER BY id"
        })?;
        let rows = st.query_map([], |r| {
            Ok(ListDef {
                id: r.get(0)?,
                title: r.get(1)?,
                jurisdiction: r.get(2)?,
                authority: r.get(3)?,
                basis: r.get(4)?,
                source: r.get(5)?,
                confidence: conf(&r.get::<_, String>(6)?),
                notes: r.get(7)?,
                binding: r.get::<_, i64>(8)? != 0,
                reaches_affiliates: r.get::<_, i64>(9)? != 0,
            })
        })?;
        for row in rows {
            data.lists.push(row?);
        }
        let mut st = c.prepare(
            "SELECT id, name, country, parent, parent_since, parent_until, confidence, sources, notes, retired_on, retired_reason FROM vendor ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Vendor {
                id: r.get(0)?,
                name: r.get(1)?,
                country: r.get(2)?,
                aliases: Vec::new(),
                model_patterns: Vec::new(),
                fcc_grantee_codes: Vec::new(),
                affiliates: Vec::new(),
                parent: r.get(3)?,
                parent_since: date_opt(r.get(4)?),
                parent_until: date_opt(r.get(5)?),
                confidence: conf(&r.get::<_, String>(6)?),
                sources: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                notes: r.get(8)?,
                listings: Vec::new(),
                retired_on: date_opt(r.get(9)?),
                retired_reason: r.get(10)?,
            })
        })?;
        for row in rows {
            data.vendors.push(row?);
        }
        let index: std::collections::HashMap<String, usize> = data
            .vendors
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
        let mut st = c.prepare("SELECT vendor_id, alias FROM alias ORDER BY vendor_id, alias")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, String>(0)?) {
                data.vendors[i].aliases.push(r.get(1)?);
            }
        }
        if version >= 3 {
            let mut st = c.prepare(
                "SELECT vendor_id, affiliate_id FROM affiliate ORDER BY vendor_id, affiliate_id",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&i) = index.get(&r.get::<_, String>(0)?) {
                    data.vendors[i].affiliates.push(r.get(1)?);
                }
            }
        }
        if version >= 4 {
            let mut st =
                c.prepare("SELECT vendor_id, code FROM fcc_grantee_code ORDER BY vendor_id, code")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&i) = index.get(&r.get::<_, String>(0)?) {
                    data.vendors[i].fcc_grantee_codes.push(r.get(1)?);
                }
            }
        }
        let mut st =
            c.prepare("SELECT vendor_id, pattern FROM model_pattern ORDER BY vendor_id, pattern")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, String>(0)?) {
                data.vendors[i].model_patterns.push(r.get(1)?);
            }
        }
        let mut st = c.prepare(
            "SELECT vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes, delisted_on, delisted_reason FROM listing ORDER BY vendor_id, list_id, listed_on",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(&r.get::<_, String>(0)?) else {
                continue;
            };
            let listed_on: String = r.get(4)?;
            let Ok(listed_on) = listed_on.parse::<Date>() else {
                return Err(rusqlite::Error::InvalidColumnType(
                    4,
                    format!("listed_on '{listed_on}'"),
                    rusqlite::types::Type::Text,
                ));
            };
            data.vendors[i].listings.push(Listing {
                list: r.get(1)?,
                basis: r.get(2)?,
                source: r.get(3)?,
                listed_on,
                scope: Scope::parse(&r.get::<_, String>(5)?).unwrap_or_default(),
                purposes: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                confidence: conf(&r.get::<_, String>(7)?),
                notes: r.get(8)?,
                delisted_on: date_opt(r.get(9)?),
                delisted_reason: r.get(10)?,
            });
        }
        data.canonicalize();
        Ok(data)
    }
}

impl Store {
    /// Commits `new` as the registry's content: see [`Store::commit_with`].
    pub fn commit(&mut self, new: &RegistryData, meta: &ChangeMeta) -> Result<Option<u64>> {
        self.commit_with(meta, |_| Ok(new.clone()))
    }

    /// Commits the content `change` makes of the current content. The database's write lock
    /// is taken first (`BEGIN IMMEDIATE`, waiting up to [`BUSY_TIMEOUT`] for another writer),
    /// and the schema and the current content are read again under it, so concurrent commits
    /// are serialised and each builds on the one before. In the same transaction, the tables
    /// are brought up to date (rows are inserted or updated, never deleted) and a revision is
    /// appended with the changes and a snapshot of the content. Returns the new revision, or
    /// `None` when nothing changed. Entries and listings of the current content must all still
    /// be in the new one.
    pub fn commit_with(
        &mut self,
        meta: &ChangeMeta,
        change: impl FnOnce(&RegistryData) -> Result<RegistryData>,
    ) -> Result<Option<u64>> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_err(path.as_deref(), &e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        if path.is_some() {
            let version = tx
                .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                .map_err(err)? as u32;
            check_schema(&tx, path.as_deref(), version)?;
        }
        let current = load_from(&tx).map_err(err)?;
        let mut new = change(&current)?;
        new.canonicalize();
        let by_id: std::collections::HashMap<&str, &Vendor> =
            new.vendors.iter().map(|v| (v.id.as_str(), v)).collect();
        for v in &current.vendors {
            let Some(n) = by_id.get(v.id.as_str()) else {
                return Err(Error::new(
                    ErrorKind::Registry,
                    format!("internal error: the change would drop entry '{}'", v.id),
                ));
            };
            for l in &v.listings {
                if !n
                    .listings
                    .iter()
                    .any(|x| x.list == l.list && x.listed_on == l.listed_on)
                {
                    return Err(Error::new(
                        ErrorKind::Registry,
                        format!(
                            "internal error: the change would drop listing {} of '{}'",
                            l.list, v.id
                        ),
                    ));
                }
            }
        }
        let changes = super::diff::diff(&current, &new);
        if changes.is_empty() {
            return Ok(None);
        }
        let mut writes = 0;
        let rev = (|| -> rusqlite::Result<u64> {
            upsert_tx(&tx, &new, &mut writes)?;
            record_tx(&tx, &new, meta, &changes, &mut writes)
        })()
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Some(rev))
    }

    /// Checks that the current content, whose digest is `current`, is what the change log says
    /// it is: the revisions are numbered 1, 2, ... without a gap, the latest one's snapshot
    /// hashes to its recorded digest, and that digest is `current`. This is what `check` relies
    /// on before using a registry file (the full `registry verify` also re-reads every earlier
    /// snapshot and runs SQLite's integrity check); it reads the revision numbers and digests
    /// and one snapshot, so it costs about what loading the content costs. Together with the
    /// schema check of [`Store::open`] (the triggers that keep the change log append-only are
    /// in place), an edit of the content tables behind tvcheck's back is refused.
    pub fn verify_current(&self, current: &str) -> Result<()> {
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

    /// The digest recorded with revision `rev`, if it exists.
    pub fn revision_digest(&self, rev: u64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT digest FROM revision WHERE rev = ?1",
                params![rev as i64],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| db_err(self.path(), &e))
    }

    /// How many changes revision `rev` recorded.
    pub fn change_count(&self, rev: u64) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM change WHERE rev = ?1",
                params![rev as i64],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(|e| db_err(self.path(), &e))
    }

    /// The latest revision number (0 for an empty registry).
    pub fn revision(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(rev), 0) FROM revision", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|v| v as u64)
            .map_err(|e| db_err(self.path(), &e))
    }

    /// When revision `rev` was committed (RFC 3339), if it exists.
    pub fn revision_time(&self, rev: u64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT at FROM revision WHERE rev = ?1",
                params![rev as i64],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| db_err(self.path(), &e))
    }

    /// The revisions, oldest first, with their changes (only those touching `entity` when given).
    pub fn revisions(&self, entity: Option<&str>) -> Result<Vec<Revision>> {
        self.revisions_inner(entity)
            .map_err(|e| db_err(self.path(), &e))
    }

    fn revisions_inner(&self, entity: Option<&str>) -> rusqlite::Result<Vec<Revision>> {
        let mut st = self.conn.prepare(
            "SELECT rev, at, actor, action, summary, source_file, source_sha256, digest FROM revision ORDER BY rev",
        )?;
        let mut revs: Vec<Revision> = st
            .query_map([], |r| {
                Ok(Revision {
                    rev: r.get::<_, i64>(0)? as u64,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    summary: r.get(4)?,
                    source_file: r.get(5)?,
                    source_sha256: r.get(6)?,
                    digest: r.get(7)?,
                    changes: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self
            .conn
            .prepare("SELECT rev, entity, kind, detail FROM change ORDER BY rev, seq")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let rev = r.get::<_, i64>(0)? as u64;
            let entity_id: String = r.get(1)?;
            if entity.is_some_and(|e| e != entity_id) {
                continue;
            }
            let kind: String = r.get(2)?;
            let Some(kind) = parse_kind(&kind) else {
                continue;
            };
            // Revisions are in order of their number: found by binary search.
            let at = revs.binary_search_by_key(&rev, |x| x.rev).ok();
            if let Some(x) = at.and_then(|i| revs.get_mut(i)) {
                x.changes.push(super::diff::Change {
                    entity: entity_id,
                    kind,
                    detail: r.get(3)?,
                });
            }
        }
        if entity.is_some() {
            revs.retain(|r| !r.changes.is_empty());
        }
        Ok(revs)
    }

    /// The content as it was right after revision `rev`.
    pub fn content_at(&self, rev: u64) -> Result<Option<RegistryData>> {
        let row: Option<String> = self
            .conn
            .query_row(
                "SELECT content FROM revision WHERE rev = ?1",
                params![rev as i64],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| db_err(self.path(), &e))?;
        match row {
            None => Ok(None),
            Some(json) => snapshot_from_json(&json).map(Some).ok_or_else(|| {
                Error::new(
                    ErrorKind::Registry,
                    format!("the snapshot of revision {rev} cannot be read"),
                )
                .hint("run `tvcheck registry verify`")
            }),
        }
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

/// The first 12 hex digits of a digest, as reports show it.
fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

fn parse_kind(s: &str) -> Option<super::diff::ChangeKind> {
    use super::diff::ChangeKind as K;
    [
        K::Added,
        K::Changed,
        K::Retired,
        K::Listed,
        K::ListingChanged,
        K::Delisted,
        K::ListAdded,
        K::ListChanged,
        K::Removed,
        K::ListingRemoved,
        K::ListingRedated,
        K::ListRemoved,
        K::Reinstated,
        K::Relisted,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

/// Snapshots are the canonical JSON of the content (the digest is taken over the same bytes).
fn snapshot_from_json(json: &str) -> Option<RegistryData> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    super::model::RegistryData::from_json(&v)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn record_tx(
    tx: &rusqlite::Transaction<'_>,
    data: &RegistryData,
    meta: &ChangeMeta,
    changes: &[super::diff::Change],
    writes: &mut u64,
) -> rusqlite::Result<u64> {
    let mut canon = data.clone();
    canon.canonicalize();
    let content = serde_json::to_string(&canon).unwrap_or_default();
    let digest = crate::source::digest::sha256_hex(content.as_bytes());
    let join = |f: fn(&(String, String)) -> &String| {
        (!meta.sources.is_empty()).then(|| {
            meta.sources
                .iter()
                .map(f)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    tx.execute(
        "INSERT INTO revision (at, actor, action, summary, source_file, source_sha256, digest, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            meta.at,
            meta.actor,
            meta.action,
            meta.summary,
            join(|s| &s.0),
            join(|s| &s.1),
            digest,
            content
        ],
    )?;
    fault_point(writes);
    let rev = tx.last_insert_rowid();
    for (seq, c) in changes.iter().enumerate() {
        tx.execute(
            "INSERT INTO change (rev, seq, entity, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![rev, seq as i64, c.entity, c.kind.as_str(), c.detail],
        )?;
        fault_point(writes);
    }
    Ok(rev as u64)
}

fn conf(s: &str) -> Confidence {
    Confidence::parse(s).unwrap_or_default()
}

fn date_opt(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

/// The vendors in an order where every parent of this content comes before its subsidiaries.
///
/// `vendor.parent` is a deferred foreign key with no index: while a subsidiary waits for its
/// parent (a pending deferred violation), SQLite scans the whole vendor table at every further
/// vendor insert, which made large imports quadratic. Parents first, nothing is ever pending.
fn parents_first(vendors: &[Vendor]) -> Vec<&Vendor> {
    let by_id: std::collections::HashMap<&str, &Vendor> =
        vendors.iter().map(|v| (v.id.as_str(), v)).collect();
    let mut placed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(vendors.len());
    for v in vendors {
        // The chain of ancestors not yet placed, nearest first (a cycle, refused by validation
        // before any commit, ends the walk).
        let mut chain = Vec::new();
        let mut on_chain = std::collections::HashSet::new();
        let mut cur = Some(v);
        while let Some(c) = cur {
            if placed.contains(c.id.as_str()) || !on_chain.insert(c.id.as_str()) {
                break;
            }
            chain.push(c);
            cur = c.parent.as_deref().and_then(|p| by_id.get(p).copied());
        }
        for c in chain.into_iter().rev() {
            placed.insert(c.id.as_str());
            out.push(c);
        }
    }
    out
}

fn upsert_tx(
    tx: &rusqlite::Transaction<'_>,
    data: &RegistryData,
    writes: &mut u64,
) -> rusqlite::Result<()> {
    for l in &data.lists {
        tx.execute(
            "INSERT INTO list (id, title, jurisdiction, authority, basis, source, confidence, notes, binding, reaches_affiliates)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(id) DO UPDATE SET title = excluded.title, jurisdiction = excluded.jurisdiction,
               authority = excluded.authority, basis = excluded.basis, source = excluded.source,
               confidence = excluded.confidence, notes = excluded.notes,
               binding = excluded.binding, reaches_affiliates = excluded.reaches_affiliates",
            params![l.id, l.title, l.jurisdiction, l.authority, l.basis, l.source, l.confidence.as_str(), l.notes, l.binding, l.reaches_affiliates],
        )?;
        fault_point(writes);
    }
    for v in parents_first(&data.vendors) {
        tx.execute(
            "INSERT INTO vendor (id, name, country, parent, parent_since, parent_until, confidence, sources, notes, retired_on, retired_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
               parent = excluded.parent, parent_since = excluded.parent_since,
               parent_until = excluded.parent_until, confidence = excluded.confidence,
               sources = excluded.sources, notes = excluded.notes,
               retired_on = excluded.retired_on, retired_reason = excluded.retired_reason",
            params![
                v.id,
                v.name,
                v.country,
                v.parent,
                v.parent_since.map(|d| d.to_string()),
                v.parent_until.map(|d| d.to_string()),
                v.confidence.as_str(),
                serde_json::to_string(&v.sources).unwrap_or_else(|_| "[]".into()),
                v.notes,
                v.retired_on.map(|d| d.to_string()),
                v.retired_reason
            ],
        )?;
        fault_point(writes);
        // Aliases, affiliates, grantee codes and model patterns are identity facts: the entry's
        // current set replaces the old one (the change log keeps the old content).
        tx.execute("DELETE FROM alias WHERE vendor_id = ?1", params![v.id])?;
        for a in &v.aliases {
            tx.execute(
                "INSERT OR IGNORE INTO alias (vendor_id, alias) VALUES (?1, ?2)",
                params![v.id, a],
            )?;
            fault_point(writes);
        }
        tx.execute("DELETE FROM affiliate WHERE vendor_id = ?1", params![v.id])?;
        for a in &v.affiliates {
            tx.execute(
                "INSERT OR IGNORE INTO affiliate (vendor_id, affiliate_id) VALUES (?1, ?2)",
                params![v.id, a],
            )?;
            fault_point(writes);
        }
        tx.execute(
            "DELETE FROM fcc_grantee_code WHERE vendor_id = ?1",
            params![v.id],
        )?;
        for c in &v.fcc_grantee_codes {
            tx.execute(
                "INSERT OR IGNORE INTO fcc_grantee_code (vendor_id, code) VALUES (?1, ?2)",
                params![v.id, c],
            )?;
            fault_point(writes);
        }
        tx.execute(
            "DELETE FROM model_pattern WHERE vendor_id = ?1",
            params![v.id],
        )?;
        for p in &v.model_patterns {
            tx.execute(
                "INSERT OR IGNORE INTO model_pattern (vendor_id, pattern) VALUES (?1, ?2)",
                params![v.id, p],
            )?;
            fault_point(writes);
        }
        for l in &v.listings {
            tx.execute(
                "INSERT INTO listing (vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes, delisted_on, delisted_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(vendor_id, list_id, listed_on) DO UPDATE SET basis = excluded.basis,
                   source = excluded.source, scope = excluded.scope, purposes = excluded.purposes,
                   confidence = excluded.confidence, notes = excluded.notes,
                   delisted_on = excluded.delisted_on, delisted_reason = excluded.delisted_reason",
                params![
                    v.id,
                    l.list,
                    l.basis,
                    l.source,
                    l.listed_on.to_string(),
                    l.scope.as_str(),
                    serde_json::to_string(&l.purposes).unwrap_or_else(|_| "[]".into()),
                    l.confidence.as_str(),
                    l.notes,
                    l.delisted_on.map(|d| d.to_string()),
                    l.delisted_reason
                ],
            )?;
            fault_point(writes);
        }
    }
    Ok(())
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
