//! The SQLite store: schema migrations, opening with safety checks, loading and upserting.
//!
//! This is the only module that speaks SQL, and it uses bound parameters only. The schema
//! version lives in `PRAGMA user_version`; migrations are applied in order, each in the same
//! transaction as the version bump. `PRAGMA application_id` marks the file as a tvcheck registry.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags};

use super::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
use crate::date::Date;
use crate::error::{Error, ErrorKind, Location, Result};

/// `PRAGMA application_id` of tvcheck registries ("tvch").
pub const APPLICATION_ID: i32 = 0x7476_6368;

/// Ordered schema migrations; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// An open registry database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

fn db_err(path: Option<&Path>, e: &rusqlite::Error) -> Error {
    let loc = path.map(Location::file);
    let not_db = matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase
    );
    let mut err = Error {
        kind: ErrorKind::Registry,
        location: loc,
        message: if not_db {
            "not an SQLite database (or the file is damaged)".to_string()
        } else {
            format!("registry database error: {e}")
        },
        hint: None,
    };
    err.hint = Some(if not_db {
        "pass a registry created by `tvcheck registry import --db PATH`, or omit --db to use the embedded registry".to_string()
    } else {
        "check that the file is a tvcheck registry and is not locked by another program".to_string()
    });
    err
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
        let flags = if writable {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| db_err(Some(path), &e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.check_identity()?;
        if writable {
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

    /// Opens a registry file, creating it (with the current schema) when it does not exist.
    pub fn create_or_open(path: &Path) -> Result<Store> {
        if path.exists() {
            return Store::open(path, true);
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
        let conn = Connection::open(path).map_err(|e| db_err(Some(path), &e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.migrate()?;
        Ok(store)
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
        let current = self.version()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self
                .conn
                .transaction()
                .map_err(|e| db_err(path.as_deref(), &e))?;
            tx.execute_batch(sql)
                .map_err(|e| db_err(path.as_deref(), &e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| db_err(path.as_deref(), &e))?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(|e| db_err(path.as_deref(), &e))?;
            tx.commit().map_err(|e| db_err(path.as_deref(), &e))?;
        }
        Ok(())
    }

    /// Reads the whole content.
    pub fn load(&self) -> Result<RegistryData> {
        self.load_inner().map_err(|e| db_err(self.path(), &e))
    }

    fn load_inner(&self) -> rusqlite::Result<RegistryData> {
        let c = &self.conn;
        let mut data = RegistryData::default();
        let mut st = c.prepare(
            "SELECT id, title, jurisdiction, authority, basis, source, confidence, notes FROM list ORDER BY id",
        )?;
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
            })
        })?;
        for row in rows {
            data.lists.push(row?);
        }
        let mut st = c.prepare(
            "SELECT id, name, country, parent, parent_since, parent_until, confidence, sources, notes FROM vendor ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Vendor {
                id: r.get(0)?,
                name: r.get(1)?,
                country: r.get(2)?,
                aliases: Vec::new(),
                model_patterns: Vec::new(),
                parent: r.get(3)?,
                parent_since: date_opt(r.get(4)?),
                parent_until: date_opt(r.get(5)?),
                confidence: conf(&r.get::<_, String>(6)?),
                sources: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                notes: r.get(8)?,
                listings: Vec::new(),
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
        let mut st =
            c.prepare("SELECT vendor_id, pattern FROM model_pattern ORDER BY vendor_id, pattern")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, String>(0)?) {
                data.vendors[i].model_patterns.push(r.get(1)?);
            }
        }
        let mut st = c.prepare(
            "SELECT vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes FROM listing ORDER BY vendor_id, list_id",
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
            });
        }
        data.canonicalize();
        Ok(data)
    }

    /// Writes `data` over the current content in one transaction: lists and vendors with the
    /// same ids are replaced, others are added. Either all of it is written or none.
    pub fn upsert(&mut self, data: &RegistryData) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| db_err(path.as_deref(), &e))?;
        upsert_tx(&tx, data).map_err(|e| db_err(path.as_deref(), &e))?;
        tx.commit().map_err(|e| db_err(path.as_deref(), &e))
    }
}

fn conf(s: &str) -> Confidence {
    Confidence::parse(s).unwrap_or_default()
}

fn date_opt(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

fn upsert_tx(tx: &rusqlite::Transaction<'_>, data: &RegistryData) -> rusqlite::Result<()> {
    for l in &data.lists {
        tx.execute(
            "INSERT INTO list (id, title, jurisdiction, authority, basis, source, confidence, notes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET title = excluded.title, jurisdiction = excluded.jurisdiction,
               authority = excluded.authority, basis = excluded.basis, source = excluded.source,
               confidence = excluded.confidence, notes = excluded.notes",
            params![l.id, l.title, l.jurisdiction, l.authority, l.basis, l.source, l.confidence.as_str(), l.notes],
        )?;
    }
    for v in &data.vendors {
        tx.execute(
            "INSERT INTO vendor (id, name, country, parent, parent_since, parent_until, confidence, sources, notes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
               parent = excluded.parent, parent_since = excluded.parent_since,
               parent_until = excluded.parent_until, confidence = excluded.confidence,
               sources = excluded.sources, notes = excluded.notes",
            params![
                v.id,
                v.name,
                v.country,
                v.parent,
                v.parent_since.map(|d| d.to_string()),
                v.parent_until.map(|d| d.to_string()),
                v.confidence.as_str(),
                serde_json::to_string(&v.sources).unwrap_or_else(|_| "[]".into()),
                v.notes
            ],
        )?;
        tx.execute("DELETE FROM alias WHERE vendor_id = ?1", params![v.id])?;
        for a in &v.aliases {
            tx.execute(
                "INSERT OR IGNORE INTO alias (vendor_id, alias) VALUES (?1, ?2)",
                params![v.id, a],
            )?;
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
        }
        tx.execute("DELETE FROM listing WHERE vendor_id = ?1", params![v.id])?;
        for l in &v.listings {
            tx.execute(
                "INSERT INTO listing (vendor_id, list_id, basis, source, listed_on, scope, purposes, confidence, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    v.id,
                    l.list,
                    l.basis,
                    l.source,
                    l.listed_on.to_string(),
                    l.scope.as_str(),
                    serde_json::to_string(&l.purposes).unwrap_or_else(|_| "[]".into()),
                    l.confidence.as_str(),
                    l.notes
                ],
            )?;
        }
    }
    Ok(())
}
