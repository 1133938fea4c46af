//! Schema migrations and the schema check: the migrations in order, what each version's
//! `sqlite_master` must hold, and bringing a registry file up to this build's version.

use std::path::Path;
use std::sync::OnceLock;

use rusqlite::{Connection, TransactionBehavior};

use super::queries::load_from;
use super::revisions::{fault_point, now_secs, record_tx};
use super::{db_err, ChangeMeta, Store, APPLICATION_ID, SCHEMA_VERSION};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::registry::model::RegistryData;

/// Ordered schema migrations; migration `i` brings the schema to version `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_history.sql"),
    include_str!("../migrations/0003_binding_affiliates.sql"),
    include_str!("../migrations/0004_fcc_grantee_codes.sql"),
];

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
pub(super) fn check_schema(c: &Connection, path: Option<&Path>, version: u32) -> Result<()> {
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

impl Store {
    pub(super) fn migrate(&mut self) -> Result<()> {
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
                    let changes = crate::registry::diff::diff(&RegistryData::default(), &data);
                    record_tx(&tx, &data, &meta, &changes, &mut writes).map_err(err)?;
                }
            }
            tx.commit().map_err(err)?;
        }
    }
}
