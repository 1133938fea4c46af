//! TOML inventories: `[[asset]]` tables whose keys are the CSV column names.
//!
//! A TOML document cannot be parsed incrementally, so the file is read whole; TOML inventories
//! are hand-written and small. Each item's line is the line of its `[[asset]]` header.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::columns::{map_headers, ColumnOverride};
use crate::error::{line_col, Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};

type RawAsset = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    asset: Option<Vec<Spanned<RawAsset>>>,
}

/// A parsed TOML inventory, handed out one item at a time.
pub struct TomlReader {
    items: std::vec::IntoIter<Result<Item>>,
    digest: (String, u64),
}

fn at(path: &Path, text: &str, offset: usize, msg: impl Into<String>) -> Error {
    let (line, col) = line_col(text, offset);
    Error::at(ErrorKind::Inventory, Location::at(path, line, col), msg)
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

fn value_text(
    path: &Path,
    text: &str,
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
    /// Reads and parses the whole file.
    pub fn open(path: &Path, file: Arc<str>, columns: &[ColumnOverride]) -> Result<TomlReader> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "read the inventory", &e))?;
        let digest = (super::digest::sha256_hex(&bytes), bytes.len() as u64);
        let text = decode_utf8(path, &bytes, ErrorKind::Inventory)?;
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
                text,
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
        let raw: RawInventory = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let mut msg = crate::error::one_line(e.message()).to_string();
            if msg.contains("expected a sequence") {
                msg.push_str(" (write each item as an [[asset]] table)");
            }
            at(path, text, offset, format!("invalid TOML inventory: {msg}"))
                .hint("see the TOML inventory format in the README")
        })?;
        let assets = raw.asset.unwrap_or_default();
        let mut items = Vec::with_capacity(assets.len());
        for asset in &assets {
            let one = || -> Result<Item> {
                let (line, _) = line_col(text, asset.span().start);
                let keys: Vec<String> = asset
                    .get_ref()
                    .keys()
                    .map(|k| k.get_ref().clone())
                    .collect();
                let map = map_headers(&keys, columns).map_err(|e| {
                    let (msg, hint) = e.describe();
                    at(
                        path,
                        text,
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
                            value_text(path, text, entries[i].0.get_ref(), entries[i].1, Some(f))
                        }
                        None => Ok(None),
                    }
                };
                let quantity = match map.get(Field::Quantity) {
                    None => None,
                    Some(i) => {
                        let (k, v) = entries[i];
                        match v.get_ref() {
                            toml::Value::Integer(n) if *n >= 0 => Some(*n as u64),
                            toml::Value::String(s) if super::csv::parse_quantity(s).is_some() => {
                                super::csv::parse_quantity(s)
                            }
                            _ => {
                                return Err(at(
                                    path,
                                    text,
                                    v.span().start,
                                    format!("'{}' must be a whole number of units", k.get_ref()),
                                )
                                .hint(format!("write it as {} = 4", k.get_ref())))
                            }
                        }
                    }
                };
                let mut extra = Vec::new();
                for &i in &map.extra {
                    let (k, v) = entries[i];
                    if let Some(s) = value_text(path, text, k.get_ref(), v, None)? {
                        extra.push((Arc::from(k.get_ref().as_str()), s));
                    }
                }
                Item::from_fields(&file, line, quantity, extra, get)
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
        })
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
