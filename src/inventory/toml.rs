//! TOML inventories: `[[asset]]` tables whose keys are the CSV column names.
//!
//! A TOML document cannot be parsed incrementally, so the file is read whole (at most
//! [`TOML_LIMIT`] bytes); TOML inventories are hand-written and small. Each item's line is the
//! line of its `[[asset]]` header, found through an index of line starts built once (linear in
//! the file, however many assets). A file that is not UTF-8 is decoded first (its encoding
//! detected or given, as for CSV).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::columns::{map_headers, ColumnOverride};
use super::decode::{Choice, Encoding};
use crate::error::{line_col, Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};
use crate::source::lines::LineIndex;

type RawAsset = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    asset: Option<Vec<Spanned<RawAsset>>>,
}

/// The largest TOML inventory read (it is read whole).
pub(crate) const TOML_LIMIT: u64 = 256 * 1024 * 1024;

/// A parsed TOML inventory, handed out one item at a time.
pub struct TomlReader {
    items: std::vec::IntoIter<Result<Item>>,
    digest: (String, u64),
    choice: Choice,
}

fn at(path: &Path, lines: &LineIndex<'_>, offset: usize, msg: impl Into<String>) -> Error {
    let (line, col) = lines.line_col(offset);
    Error::at(ErrorKind::Inventory, Location::at(path, line, col), msg)
}

fn value_text(
    path: &Path,
    text: &LineIndex<'_>,
    key: &str,
    v: &Spanned<toml::Value>,
    field: Option<Field>,
) -> Result<Option<String>> {
    use toml::Value;
    let s = match v.get_ref() {
        Value::String(s) => s.trim().to_string(),
        Value::Integer(i)
            if field.is_none() || matches!(field, Some(Field::AssetId | Field::Serial)) =>
        {
            i.to_string()
        }
        Value::Float(f) if field.is_none() => f.to_string(),
        Value::Boolean(b) if field.is_none() => b.to_string(),
        Value::Datetime(d) if field.is_none() || field == Some(Field::Installed) => d.to_string(),
        other => {
            return Err(at(
                path,
                text,
                v.span().start,
                format!(
                    "'{key}' must be {}, not {}",
                    if field.is_some() {
                        "a string"
                    } else {
                        "a string, number, boolean or date"
                    },
                    other.type_str()
                ),
            )
            .hint(format!("write it as {key} = \"...\"")))
        }
    };
    Ok((!s.is_empty()).then_some(s))
}

impl TomlReader {
    /// Reads and parses the whole file, in `encoding` when given (else detected).
    pub fn open(
        path: &Path,
        file: Arc<str>,
        columns: &[ColumnOverride],
        encoding: Option<&'static Encoding>,
    ) -> Result<TomlReader> {
        let read_err =
            |e: &std::io::Error| Error::io(ErrorKind::Inventory, path, "read the inventory", e);
        let too_big = || {
            Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                format!(
                    "the TOML inventory is larger than {} MiB, and TOML is read whole",
                    TOML_LIMIT >> 20
                ),
            )
            .hint(
                "split it into several files, or export it as CSV (read as a stream, of any size)",
            )
        };
        let f = std::fs::File::open(path).map_err(|e| read_err(&e))?;
        if f.metadata().is_ok_and(|m| m.len() > TOML_LIMIT) {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(f, TOML_LIMIT + 1), &mut bytes)
            .map_err(|e| read_err(&e))?;
        if bytes.len() as u64 > TOML_LIMIT {
            return Err(too_big());
        }
        let digest = (
            crate::source::digest::sha256_hex(&bytes),
            bytes.len() as u64,
        );
        let choice = super::decode::choose(&bytes, true, encoding).map_err(|_| {
            Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file contains binary data (NUL bytes), not TOML text",
            )
            .hint("pass the inventory itself, as TOML text")
        })?;
        let decoded;
        let text: &str = if choice.is_utf8() {
            crate::source::decode_utf8(path, &bytes, ErrorKind::Inventory)?
        } else {
            let (text, bad) = super::decode::decode_whole(&bytes, &choice);
            if let Some(&first) = bad.first() {
                let (line, col) = line_col(&text, first);
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::at(path, line, col),
                    format!("the file holds bytes that are not valid {}", choice.name()),
                )
                .hint(format!(
                    "name the file's encoding with --encoding (labels: {}), or re-save it as UTF-8",
                    super::decode::LABEL_EXAMPLES
                )));
            }
            decoded = text;
            &decoded
        };
        let lines = LineIndex::new(text);
        if text.trim().is_empty() {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(path),
                "the file is empty",
            )
            .hint("add one [[asset]] table per item, with at least a vendor key"));
        }
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(
                path,
                &lines,
                offset,
                format!(
                    "invalid TOML inventory: {}",
                    crate::error::one_line(e.message())
                ),
            )
            .hint("see the TOML inventory format in the README")
        })?;
        if !table.contains_key("asset") {
            let keys: Vec<&str> = table.keys().map(String::as_str).collect();
            return Err(Error::at(
                ErrorKind::NotAnInventory,
                Location::file(path),
                format!(
                    "the file has no [[asset]] tables, so it is not a TOML inventory (its top-level keys are {})",
                    if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
                ),
            )
            .hint("add one [[asset]] table per item, or pass only inventory files"));
        }
        drop(table);
        let raw: RawInventory = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let mut msg = crate::error::one_line(e.message()).to_string();
            if msg.contains("expected a sequence") {
                msg.push_str(" (write each item as an [[asset]] table)");
            }
            at(
                path,
                &lines,
                offset,
                format!("invalid TOML inventory: {msg}"),
            )
            .hint("see the TOML inventory format in the README")
        })?;
        let assets = raw.asset.unwrap_or_default();
        let mut items = Vec::with_capacity(assets.len());
        for asset in &assets {
            let one = || -> Result<Item> {
                let (line, _) = lines.line_col(asset.span().start);
                let keys: Vec<String> = asset
                    .get_ref()
                    .keys()
                    .map(|k| k.get_ref().clone())
                    .collect();
                let map = map_headers(&keys, columns).map_err(|e| {
                    let (msg, hint) = e.describe();
                    at(
                        path,
                        &lines,
                        asset.span().start,
                        msg.replace("headers", "keys"),
                    )
                    .hint(hint)
                })?;
                let entries: Vec<(&Spanned<String>, &Spanned<toml::Value>)> =
                    asset.get_ref().iter().collect();
                let get = |f: Field| -> Result<Option<String>> {
                    match map.get(f) {
                        Some(i) => {
                            value_text(path, &lines, entries[i].0.get_ref(), entries[i].1, Some(f))
                        }
                        None => Ok(None),
                    }
                };
                // A quantity that is not a whole number keeps the asset: the value is
                // carried as written, with a warning (no verdict depends on it).
                let mut bad_quantity = None;
                let quantity = match map.get(Field::Quantity) {
                    None => None,
                    Some(i) => {
                        let (k, v) = entries[i];
                        match v.get_ref() {
                            toml::Value::Integer(n) if *n >= 0 => Some(*n as u64),
                            toml::Value::String(s) if s.trim().is_empty() => None,
                            toml::Value::String(s) => match super::csv::parse_quantity(s) {
                                Some(n) => Some(n),
                                None => {
                                    bad_quantity = Some((i, k.get_ref(), s.trim().to_string()));
                                    None
                                }
                            },
                            other => {
                                let text = match other {
                                    toml::Value::Float(f) => f.to_string(),
                                    other => other.to_string(),
                                };
                                bad_quantity = Some((i, k.get_ref(), text));
                                None
                            }
                        }
                    }
                };
                let mut extra = Vec::new();
                let mut warnings = Vec::new();
                if let Some((_, key, value)) = &bad_quantity {
                    warnings.push(super::csv::quantity_warning(key, value));
                }
                for &i in &map.extra {
                    if let Some((_, key, value)) = bad_quantity.take_if(|(qi, _, _)| *qi < i) {
                        extra.push((Arc::from(key.as_str()), value));
                    }
                    let (k, v) = entries[i];
                    if let Some(s) = value_text(path, &lines, k.get_ref(), v, None)? {
                        extra.push((Arc::from(k.get_ref().as_str()), s));
                    }
                }
                if let Some((_, key, value)) = bad_quantity {
                    extra.push((Arc::from(key.as_str()), value));
                }
                let mut item = Item::from_fields(&file, line, quantity, extra, get)?;
                item.warnings.splice(0..0, warnings);
                item.installed_column = map
                    .get(Field::Installed)
                    .and_then(|i| entries.get(i))
                    .map(|(k, _)| Arc::from(k.get_ref().as_str()));
                Ok(item)
            };
            // A malformed [[asset]] table is skipped and reported; the others are read.
            items.push(one().map_err(|mut e| {
                e.kind = ErrorKind::Row;
                e
            }));
        }
        Ok(TomlReader {
            items: items.into_iter(),
            digest,
            choice,
        })
    }

    /// The encoding the file was read in, and how it was chosen.
    pub fn provenance(&self) -> super::Provenance {
        super::Provenance {
            encoding: Some(self.choice.name().to_string()),
            notes: self.choice.note().into_iter().collect(),
        }
    }

    /// The next item (or the error of a malformed `[[asset]]` table), `None` after the last.
    pub fn next_item(&mut self) -> Option<Result<Item>> {
        self.items.next()
    }

    /// SHA-256 (hex) and size of the file.
    pub fn digest(&self) -> (String, u64) {
        self.digest.clone()
    }
}
