//! Loading: the whole content of a registry, read through a connection or a transaction.

use rusqlite::Connection;

use super::{db_err, Store};
use crate::date::Date;
use crate::error::Result;
use crate::registry::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};

impl Store {
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
pub(super) fn load_from(c: &Connection) -> rusqlite::Result<RegistryData> {
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

fn conf(s: &str) -> Confidence {
    Confidence::parse(s).unwrap_or_default()
}

fn date_opt(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}
