//! Revisions: committing content as a numbered revision (the tables brought up to date, the
//! change log and a snapshot, in one transaction), and reading the history, digests and
//! snapshots back.

use rusqlite::{params, TransactionBehavior};

use super::migrate::check_schema;
use super::queries::load_from;
use super::{db_err, ChangeMeta, Revision, Store};
use crate::error::{Error, ErrorKind, Result};
use crate::registry::model::{RegistryData, Vendor};

/// Fault injection for crash-safety tests: with `TVCHECK_FAULT_AFTER_WRITES=N` the process
/// aborts (like `kill -9`) right after the N-th write of a commit. Never set in normal use.
pub(super) fn fault_point(counter: &mut u64) {
    *counter += 1;
    if let Ok(v) = std::env::var("TVCHECK_FAULT_AFTER_WRITES") {
        if v.trim().parse::<u64>().ok() == Some(*counter) {
            std::process::abort();
        }
    }
}

impl Store {
    /// Commits `new` as the registry's content: see [`Store::commit_with`].
    pub fn commit(&mut self, new: &RegistryData, meta: &ChangeMeta) -> Result<Option<u64>> {
        self.commit_with(meta, |_| Ok(new.clone()))
    }

    /// Commits the content `change` makes of the current content. The database's write lock
    /// is taken first (`BEGIN IMMEDIATE`, waiting up to [`BUSY_TIMEOUT`](super::BUSY_TIMEOUT) for another writer),
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
        let changes = crate::registry::diff::diff(&current, &new);
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

    /// The digest recorded with revision `rev`, if it exists.
    pub(crate) fn revision_digest(&self, rev: u64) -> Result<Option<String>> {
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
    pub(crate) fn revision_time(&self, rev: u64) -> Result<Option<String>> {
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
                x.changes.push(crate::registry::diff::Change {
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
}

/// The first 12 hex digits of a digest, as reports show it.
pub(super) fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

pub(super) fn parse_kind(s: &str) -> Option<crate::registry::diff::ChangeKind> {
    use crate::registry::diff::ChangeKind as K;
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
pub(super) fn snapshot_from_json(json: &str) -> Option<RegistryData> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    RegistryData::from_json(&v)
}

pub(super) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(super) fn record_tx(
    tx: &rusqlite::Transaction<'_>,
    data: &RegistryData,
    meta: &ChangeMeta,
    changes: &[crate::registry::diff::Change],
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
        for (delete, insert, values) in [
            (
                "DELETE FROM alias WHERE vendor_id = ?1",
                "INSERT OR IGNORE INTO alias (vendor_id, alias) VALUES (?1, ?2)",
                &v.aliases,
            ),
            (
                "DELETE FROM affiliate WHERE vendor_id = ?1",
                "INSERT OR IGNORE INTO affiliate (vendor_id, affiliate_id) VALUES (?1, ?2)",
                &v.affiliates,
            ),
            (
                "DELETE FROM fcc_grantee_code WHERE vendor_id = ?1",
                "INSERT OR IGNORE INTO fcc_grantee_code (vendor_id, code) VALUES (?1, ?2)",
                &v.fcc_grantee_codes,
            ),
            (
                "DELETE FROM model_pattern WHERE vendor_id = ?1",
                "INSERT OR IGNORE INTO model_pattern (vendor_id, pattern) VALUES (?1, ?2)",
                &v.model_patterns,
            ),
        ] {
            tx.execute(delete, params![v.id])?;
            for value in values {
                tx.execute(insert, params![v.id, value])?;
                fault_point(writes);
            }
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
