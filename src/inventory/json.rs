//! JSON inventories: an array of item objects (`.json`), or one item object per line (JSON
//! Lines: `.jsonl`, `.ndjson`). Keys are the CSV column names, mapped through the same
//! synonyms and `--column` overrides.
//!
//! A JSON array cannot be handed out before it is complete, so `.json` files are read and
//! parsed whole (like TOML); JSON Lines files are streamed line by line, the SHA-256 computed
//! from the same bytes. An item's line is the line of its object's opening brace; errors name
//! the line and column. A `.json` file holding a CycloneDX BOM is handed to
//! [`super::cyclonedx`].
//!
//! A key twice in one object, anywhere in the file (or on a JSON Lines line), refuses the
//! file: readers disagree on which value counts, so its content cannot be trusted; the error
//! names the key and the line and column of both. A quantity that is not a whole number
//! (`"2 pcs"`, `1.5`, `true`) keeps its record: the value is carried in `extra` under its key,
//! with a warning on the item.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::columns::{map_headers, ColumnMap, ColumnOverride, MapError};
use super::discover::Format;
use super::jsonpos::{self, kind_of, Seg};
use super::record::{build_item, non_empty, number_text};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};
use crate::source::digest::HashingReader;
use crate::source::lines::LineIndex;

/// One element of an inventory: an object with its members in file order, or something else.
#[derive(Debug)]
pub(crate) enum Element {
    /// An object: (key, value) in file order, duplicates kept.
    Object(Vec<(String, Value)>),
    /// Not an object: what it is ("a string", "an array", ...).
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Element, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Element, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    members.push((k, v));
                }
                Ok(Element::Object(members))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Element, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Element::Other("an array"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Element, E> {
                Ok(Element::Other("a string"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Element, E> {
                Ok(Element::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Element, E> {
                Ok(Element::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Element, E> {
                Ok(Element::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Element, E> {
                Ok(Element::Other("a number"))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Element, E> {
                Ok(Element::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A member's value as text. Mapped fields take strings and numbers (`null` is empty); other
/// members also take booleans, and arrays or objects as compact JSON.
pub(crate) fn value_text(
    v: &Value,
    mapped: bool,
) -> std::result::Result<Option<String>, &'static str> {
    Ok(match v {
        Value::Null => None,
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            (_, _, Some(f)) => number_text(f),
            _ => n.to_string(),
        }),
        Value::Bool(b) if !mapped => Some(b.to_string()),
        Value::Array(_) | Value::Object(_) if !mapped => Some(v.to_string()),
        other => return Err(kind_of(other)),
    })
}

/// Rewords a header-mapping error for JSON keys.
pub(crate) fn describe_keys(e: &MapError) -> (String, String) {
    let (msg, hint) = e.describe();
    let msg = msg
        .replace("headers", "keys")
        .replace("header", "key")
        .replace("columns", "keys")
        .replace(" column", " key")
        .replace("in the file", "in this object");
    (msg, hint)
}

/// A serde_json syntax error at its line and column, with a hint.
fn syntax_error(path: &Path, text: &str, e: &serde_json::Error, base_line: u64) -> Error {
    let li = LineIndex::new(text);
    let offset = li.offset(e.line(), e.column());
    let (line, col) = li.line_col(offset);
    let msg = jsonpos::message(e);
    let hint = if msg.starts_with("trailing characters") {
        "the file holds more than one JSON value: wrap the objects in [ ] separated by commas, or name the file .jsonl for one object per line"
    } else if e.is_eof() {
        "the JSON ends in the middle of a value: check for a missing ] or }"
    } else {
        "check the JSON syntax here (a missing comma, quote or bracket?)"
    };
    Error::at(
        ErrorKind::Inventory,
        Location::at(path, base_line + line - 1, col),
        format!("invalid JSON: {msg}"),
    )
    .hint(hint)
}

/// Keys → columns, reusing the previous mapping when an object has the same keys.
#[derive(Default)]
struct MapCache {
    keys: Vec<String>,
    headers: Vec<Arc<str>>,
    map: Option<ColumnMap>,
    /// For each key, whether it maps to a field.
    mapped: Vec<bool>,
}

impl MapCache {
    fn get(
        &mut self,
        members: &[(String, Value)],
        columns: &[ColumnOverride],
    ) -> std::result::Result<(), MapError> {
        let same = self.map.is_some()
            && self.keys.len() == members.len()
            && self.keys.iter().zip(members).all(|(a, (b, _))| a == b);
        if !same {
            self.keys = members.iter().map(|(k, _)| k.clone()).collect();
            self.map = None;
            let map = map_headers(&self.keys, columns)?;
            self.headers = self.keys.iter().map(|k| Arc::from(k.as_str())).collect();
            self.mapped = vec![false; self.keys.len()];
            // A quantity of any JSON type is carried as written when it is not a whole number.
            for (&f, &i) in &map.fields {
                if let Some(m) = self.mapped.get_mut(i).filter(|_| f != Field::Quantity) {
                    *m = true;
                }
            }
            self.map = Some(map);
        }
        Ok(())
    }
}

/// Turns one object into an item. `locate(key)` gives the line and column of a member's value.
fn object_item(
    path: &Path,
    file: &Arc<str>,
    line: u64,
    members: &[(String, Value)],
    cache: &mut MapCache,
    columns: &[ColumnOverride],
    locate: &dyn Fn(&str) -> (u64, u64),
) -> Result<Item> {
    cache.get(members, columns).map_err(|e| {
        let (msg, hint) = describe_keys(&e);
        Error::at(ErrorKind::Inventory, Location::line(path, line), msg).hint(hint)
    })?;
    let Some(map) = cache.map.as_ref() else {
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::line(path, line),
            "internal error: no key mapping",
        ));
    };
    let mut values = Vec::with_capacity(members.len());
    for (i, (k, v)) in members.iter().enumerate() {
        let mapped = cache.mapped.get(i).copied().unwrap_or(false);
        match value_text(v, mapped) {
            Ok(t) => values.push(t),
            Err(kind) => {
                let (l, c) = locate(k);
                let field = map
                    .fields
                    .iter()
                    .find(|(_, &j)| j == i)
                    .map_or("text", |(f, _)| f.name());
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::at(path, l, c),
                    format!("'{k}' (the {field} field) must be a string or a number, not {kind}"),
                )
                .hint(format!("write it as \"{k}\": \"...\"")));
            }
        }
    }
    Ok(build_item(
        file,
        line,
        &cache.headers,
        map,
        &mut values,
        "key",
    ))
}

/// Refuses a text in which some object holds a key twice: JSON readers disagree on which of
/// the two values counts (serde_json takes the last, others the first), so the file cannot
/// be trusted. `base_line` is the line `text` starts on (JSON Lines).
pub(crate) fn check_duplicate_keys(path: &Path, text: &str, base_line: u64) -> Result<()> {
    let Some(d) = jsonpos::duplicate_key(text) else {
        return Ok(());
    };
    let li = LineIndex::new(text);
    let (l1, c1) = li.line_col(d.first);
    let (l2, c2) = li.line_col(d.second);
    Err(Error::at(
        ErrorKind::Inventory,
        Location::at(path, base_line + l2 - 1, c2),
        format!(
            "duplicate key '{}' in one object (first at line {}, column {c1}): readers disagree on which of the two values counts, so the file cannot be trusted",
            crate::error::one_line(&d.key),
            base_line + l1 - 1
        ),
    )
    .hint("remove one of the two members, or rename it"))
}

/// What a whole-file JSON read produced.
pub(crate) struct Parsed {
    /// The items in file order, and the parts that could not be read or judged
    /// ([`ErrorKind::Row`] errors, in their place: a CycloneDX component without a known type).
    pub items: Vec<Result<Item>>,
    /// What the file turned out to be: [`Format::Json`] or [`Format::CycloneDx`].
    pub format: Format,
}

/// Reads a `.json` file: an array of item objects, or a CycloneDX BOM. `expect` is the format
/// asked for (a forced `cyclonedx` refuses plain arrays).
pub(crate) fn parse_file(
    path: &Path,
    file: &Arc<str>,
    text: &str,
    columns: &[ColumnOverride],
    expect: Format,
) -> Result<Parsed> {
    let first = text.trim_start().chars().next();
    match first {
        None => Err(Error::at(
            ErrorKind::Inventory,
            Location::file(path),
            "the file is empty",
        )
        .hint("write a JSON array with one object per item, e.g. [{\"vendor\": \"Nokia\", \"model\": \"AirScale\"}]")),
        Some('[') if expect != Format::CycloneDx => Ok(Parsed {
            items: parse_array(path, file, text, columns)?
                .into_iter()
                .map(Ok)
                .collect(),
            format: Format::Json,
        }),
        Some('{') | Some('[') => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| syntax_error(path, text, &e, 1))?;
            check_duplicate_keys(path, text, 1)?;
            if super::cyclonedx::is_cyclonedx(&value) {
                return Ok(Parsed {
                    items: super::cyclonedx::items(path, file, text, &value)?,
                    format: Format::CycloneDx,
                });
            }
            if expect != Format::CycloneDx && super::netbox::is_device_list(&value) {
                return Ok(Parsed {
                    items: super::netbox::items(path, file, text, &value)?
                        .into_iter()
                        .map(Ok)
                        .collect(),
                    format: Format::Json,
                });
            }
            if expect == Format::CycloneDx {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::file(path),
                    format!(
                        "not a CycloneDX BOM: the file is {} without \"bomFormat\": \"CycloneDX\"",
                        if first == Some('[') { "a JSON array" } else { "a JSON object" }
                    ),
                )
                .hint("pass a CycloneDX JSON BOM, or leave out --input-format to read a plain JSON inventory"));
            }
            let keys = match &value {
                Value::Object(m) => m.keys().map(|k| format!("'{k}'")).collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            Err(Error::at(
                ErrorKind::NotAnInventory,
                Location::file(path),
                format!(
                    "a JSON object that is not an inventory (its keys are {}): a JSON inventory is an array of item objects, and a CycloneDX BOM declares \"bomFormat\": \"CycloneDX\"",
                    if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
                ),
            )
            .hint("pass an array such as [{\"vendor\": \"Nokia\", \"model\": \"AirScale\"}], or one object per line in a .jsonl file"))
        }
        Some(_) => {
            let offset = text.len() - text.trim_start().len();
            let (line, col) = LineIndex::new(text).line_col(offset);
            Err(Error::at(
                ErrorKind::Inventory,
                Location::at(path, line, col),
                "not a JSON inventory: the file does not start with [ or {",
            )
            .hint("write a JSON array of item objects; if the file is CSV, name it .csv"))
        }
    }
}

fn parse_array(
    path: &Path,
    file: &Arc<str>,
    text: &str,
    columns: &[ColumnOverride],
) -> Result<Vec<Item>> {
    let elements: Vec<Element> =
        serde_json::from_str(text).map_err(|e| syntax_error(path, text, &e, 1))?;
    check_duplicate_keys(path, text, 1)?;
    let offsets = jsonpos::offsets(text, |p| p.len() == 1);
    let li = LineIndex::new(text);
    let start_of = |i: usize| offsets.get(&vec![Seg::Index(i)]).copied().unwrap_or(0);
    if let Some(Element::Other(kind)) = elements.first() {
        if !elements.iter().any(|e| matches!(e, Element::Object(_))) {
            return Err(Error::at(
                ErrorKind::NotAnInventory,
                Location::file(path),
                format!(
                    "a JSON array of {}, not of item objects, so it is not an inventory",
                    plural(kind)
                ),
            )
            .hint("write one object per item, e.g. [{\"vendor\": \"Nokia\", \"model\": \"AirScale\"}]"));
        }
    }
    let mut cache = MapCache::default();
    let mut items = Vec::with_capacity(elements.len());
    for (i, el) in elements.iter().enumerate() {
        let (line, col) = li.line_col(start_of(i));
        let members = match el {
            Element::Object(m) => m,
            Element::Other(kind) => {
                return Err(Error::at(
                    ErrorKind::Inventory,
                    Location::at(path, line, col),
                    format!(
                        "element {} of the array is {kind}, not an item object",
                        i + 1
                    ),
                )
                .hint("write every item as an object: {\"vendor\": \"...\", \"model\": \"...\"}"))
            }
        };
        let locate = |key: &str| {
            let want = vec![Seg::Index(i), Seg::Key(key.to_string())];
            let o = jsonpos::offsets(text, |p| p == want.as_slice());
            li.line_col(o.get(&want).copied().unwrap_or(start_of(i)))
        };
        items.push(object_item(
            path, file, line, members, &mut cache, columns, &locate,
        )?);
    }
    Ok(items)
}

fn plural(kind: &str) -> String {
    match kind {
        "null" => "nulls".to_string(),
        k => format!("{}s", k.trim_start_matches("an ").trim_start_matches("a ")),
    }
}

/// The longest JSON Lines record read; a longer line is an unread part.
const MAX_LINE_BYTES: u64 = 4 << 20;

/// A streaming reader of one JSON Lines inventory: one object per line, blank lines skipped.
pub struct JsonLinesReader {
    path: PathBuf,
    file: Arc<str>,
    rdr: BufReader<HashingReader<File>>,
    buf: Vec<u8>,
    line: u64,
    columns: Vec<ColumnOverride>,
    cache: MapCache,
}

impl JsonLinesReader {
    /// Opens `path`.
    pub fn open(path: &Path, file: Arc<str>, columns: &[ColumnOverride]) -> Result<Self> {
        let f = File::open(path)
            .map_err(|e| Error::io(ErrorKind::Inventory, path, "open the inventory", &e))?;
        Ok(JsonLinesReader {
            path: path.to_path_buf(),
            file,
            rdr: BufReader::with_capacity(256 * 1024, HashingReader::new(f)),
            buf: Vec::with_capacity(4096),
            line: 0,
            columns: columns.to_vec(),
            cache: MapCache::default(),
        })
    }

    /// The next item; `Ok(None)` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            self.buf.clear();
            let io_err = |e: std::io::Error| {
                Error::io(ErrorKind::Inventory, &self.path, "read the inventory", &e)
            };
            // At most one line longer than the limit is buffered: memory stays bounded.
            let n = (&mut self.rdr)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(io_err)?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.len() as u64 > MAX_LINE_BYTES && self.buf.last() != Some(&b'\n') {
                // Skip the rest of the line without keeping it.
                loop {
                    let chunk = self.rdr.fill_buf().map_err(io_err)?;
                    if chunk.is_empty() {
                        break;
                    }
                    match memchr::memchr(b'\n', chunk) {
                        Some(i) => {
                            self.rdr.consume(i + 1);
                            break;
                        }
                        None => {
                            let len = chunk.len();
                            self.rdr.consume(len);
                        }
                    }
                }
                return Err(Error::at(
                    ErrorKind::Row,
                    Location::line(&self.path, self.line),
                    format!(
                        "the line is longer than {} MiB, the limit for one JSON Lines record",
                        MAX_LINE_BYTES >> 20
                    ),
                )
                .hint("split the record, or check that the file is the inventory you meant"));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes
                    .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                    .unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = std::str::from_utf8(bytes).map_err(|e| {
                let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                Error::at(
                    ErrorKind::Inventory,
                    Location::at(&self.path, self.line, good.chars().count() as u64 + 1),
                    format!(
                        "the line is not valid UTF-8 (byte 0x{:02X})",
                        bytes.get(e.valid_up_to()).copied().unwrap_or(0)
                    ),
                )
                .hint("re-save the file as UTF-8")
            })?;
            let members = match serde_json::from_str::<Element>(text) {
                Ok(Element::Object(m)) => m,
                Ok(Element::Other(kind)) => {
                    let col = text.chars().take_while(|c| c.is_whitespace()).count() as u64 + 1;
                    return Err(Error::at(
                        ErrorKind::Inventory,
                        Location::at(&self.path, self.line, col),
                        format!("the line holds {kind}, not an item object"),
                    )
                    .hint("write one object per line: {\"vendor\": \"...\", \"model\": \"...\"}"));
                }
                Err(e) if e.is_eof() => {
                    let (_, col) = LineIndex::new(text).line_col(text.trim_end().len());
                    return Err(Error::at(
                        ErrorKind::Inventory,
                        Location::at(&self.path, self.line, col),
                        format!("invalid JSON: {}", jsonpos::message(&e)),
                    )
                    .hint("in JSON Lines every object must be complete on its own line; for objects spread over several lines use a .json file holding an array"));
                }
                Err(e) => return Err(syntax_error(&self.path, text, &e, self.line)),
            };
            check_duplicate_keys(&self.path, text, self.line)?;
            let line = self.line;
            let locate = |key: &str| {
                let want = vec![Seg::Key(key.to_string())];
                let o = jsonpos::offsets(text, |p| p == want.as_slice());
                let (_, c) = LineIndex::new(text).line_col(o.get(&want).copied().unwrap_or(0));
                (line, c)
            };
            return object_item(
                &self.path,
                &self.file,
                line,
                &members,
                &mut self.cache,
                &self.columns,
                &locate,
            )
            .map(Some);
        }
    }

    /// SHA-256 (hex) and size of the bytes read; complete once `next_item` returned `Ok(None)`.
    pub fn digest(&self) -> (String, u64) {
        self.rdr.get_ref().finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(text: &str) -> Result<Vec<Item>> {
        let file: Arc<str> = Arc::from("inv.json");
        parse_file(Path::new("inv.json"), &file, text, &[], Format::Json)
            .and_then(|p| p.items.into_iter().collect())
    }

    #[test]
    fn array_items_carry_the_line_of_their_brace() {
        let items = arr("[\n  {\"vendor\": \"Huawei\", \"model\": \"BBU5900\", \"qty\": 2, \"owner\": \"RAN\"},\n\n  {\n    \"Manufacturer\": \"Nokia\",\n    \"serial\": 1234,\n    \"tags\": [\"a\"], \"ok\": true, \"none\": null\n  }\n]\n").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].line, 2);
        assert_eq!(items[0].vendor, "Huawei");
        assert_eq!(items[0].quantity, Some(2));
        assert_eq!(
            items[0].extra,
            vec![(Arc::from("owner"), "RAN".to_string())]
        );
        assert_eq!(items[1].line, 4);
        assert_eq!(items[1].vendor, "Nokia");
        assert_eq!(items[1].serial.as_deref(), Some("1234"));
        assert_eq!(
            items[1].extra,
            vec![
                (Arc::from("tags"), "[\"a\"]".to_string()),
                (Arc::from("ok"), "true".to_string())
            ]
        );
    }

    #[test]
    fn array_errors_name_line_and_column() {
        let e =
            arr("[\n {\"vendor\": \"ZTE\"},\n {\"vendor\": \"ZTE\" \"model\": 1}\n]").unwrap_err();
        assert_eq!(e.location, Some(Location::at("inv.json", 3, 19)));
        assert!(
            e.message.starts_with("invalid JSON: expected `,` or `}`"),
            "{e}"
        );
        let e = arr("[\n {\"vendor\": \"ZTE\"},\n \"x\"\n]").unwrap_err();
        assert_eq!(e.to_string(), "inv.json:3:2: element 2 of the array is a string, not an item object (hint: write every item as an object: {\"vendor\": \"...\", \"model\": \"...\"})");
        // A quantity that is not a whole number keeps the item.
        let items = arr("[{\"vendor\": \"ZTE\",\n  \"qty\": -1}, {\"vendor\": \"ZTE\", \"qty\": \"2 pcs\"}, {\"vendor\": \"ZTE\", \"qty\": true}]").unwrap();
        for (item, raw) in items.iter().zip(["-1", "2 pcs", "true"]) {
            assert_eq!(item.quantity, None);
            assert_eq!(item.extra, vec![(Arc::from("qty"), raw.to_string())]);
            assert_eq!(item.warnings, vec![format!("key 'qty': quantity '{raw}' is not a whole number; the record is kept and the value carried as written")]);
        }
        // A key twice in one object makes the file untrustworthy.
        let e = arr("[{\"vendor\": \"Huawei\",\n  \"vendor\": \"Nokia\"}]").unwrap_err();
        assert_eq!(e.to_string(), "inv.json:2:3: duplicate key 'vendor' in one object (first at line 1, column 3): readers disagree on which of the two values counts, so the file cannot be trusted (hint: remove one of the two members, or rename it)");
        let e = arr("[{\"vendor\": {\"name\": \"ZTE\"}}]").unwrap_err();
        assert_eq!(e.location, Some(Location::at("inv.json", 1, 13)));
        assert!(
            e.message
                .contains("the vendor field) must be a string or a number, not an object"),
            "{e}"
        );
        let e = arr("[{\"make\": \"ZTE\", \"brand\": \"x\"}]").unwrap_err();
        assert_eq!(
            e.message,
            "both keys 'make' and 'brand' can be the vendor key"
        );
        let e = arr("[{\"model\": \"x\"}]").unwrap_err();
        assert_eq!(e.message, "no vendor key: the keys are 'model'");
        let e = arr("[1, 2]").unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotAnInventory);
        let e = arr("{\"a\": 1}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotAnInventory);
        assert!(e.message.contains("its keys are 'a'"), "{e}");
        let e = arr("{\"vendor\": \"a\"}\n{\"vendor\": \"b\"}\n").unwrap_err();
        assert_eq!(e.location, Some(Location::at("inv.json", 2, 1)));
        assert!(e.hint.as_deref().unwrap_or("").contains(".jsonl"), "{e}");
        let e = arr("[{\"vendor\": \"a\"}").unwrap_err();
        assert!(e.message.contains("EOF while parsing"), "{e}");
        let e = arr("vendor,model\n").unwrap_err();
        assert_eq!(e.location, Some(Location::at("inv.json", 1, 1)));
        assert!(arr("  ").is_err());
        assert_eq!(arr("[]").unwrap().len(), 0);
    }

    #[test]
    fn values_as_text() {
        use serde_json::json;
        assert_eq!(value_text(&json!(12.0), true), Ok(Some("12".into())));
        assert_eq!(value_text(&json!(-3), true), Ok(Some("-3".into())));
        assert_eq!(value_text(&json!(" 007 "), true), Ok(Some("007".into())));
        assert_eq!(value_text(&json!(""), true), Ok(None));
        assert_eq!(value_text(&json!(null), true), Ok(None));
        assert_eq!(value_text(&json!(true), true), Err("a boolean"));
        assert_eq!(value_text(&json!(true), false), Ok(Some("true".into())));
        assert_eq!(
            value_text(&json!({"a": 1}), false),
            Ok(Some("{\"a\":1}".into()))
        );
    }

    fn lines(text: impl AsRef<[u8]>) -> (Vec<Item>, Option<Error>) {
        let text = text.as_ref();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("inv.jsonl");
        std::fs::write(&p, text).unwrap();
        let mut r = JsonLinesReader::open(&p, Arc::from("inv.jsonl"), &[]).unwrap();
        let mut items = Vec::new();
        loop {
            match r.next_item() {
                Ok(Some(i)) => items.push(i),
                Ok(None) => {
                    assert_eq!(r.digest().1, text.len() as u64);
                    assert_eq!(r.digest().0, crate::source::digest::sha256_hex(text));
                    return (items, None);
                }
                Err(e) => return (items, Some(e)),
            }
        }
    }

    #[test]
    fn json_lines_stream_with_physical_lines() {
        let (items, e) = lines("\u{feff}{\"vendor\": \"Huawei\", \"model\": \"BBU5900\"}\r\n\n  \n{\"vendor\": \"Ericsson\", \"qty\": \"3\"}");
        assert!(e.is_none(), "{e:?}");
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].line, items[0].vendor.as_str()), (1, "Huawei"));
        assert_eq!((items[1].line, items[1].quantity), (4, Some(3)));
    }

    #[test]
    fn json_lines_errors() {
        let (items, e) = lines("{\"vendor\": \"ZTE\"}\n{\"vendor\": \"ZTE\", \"model\" 1}\n");
        assert_eq!(items.len(), 1);
        let e = e.unwrap();
        let loc = e.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (Some(2), Some(27)));
        assert!(e.message.contains("expected `:`"), "{e}");
        let (_, e) = lines("{\"vendor\": \"ZTE\",\n \"model\": 1}\n");
        let e = e.unwrap();
        assert_eq!(e.location.as_ref().unwrap().line, Some(1));
        assert!(e.hint.unwrap().contains("on its own line"));
        let (_, e) = lines("[1]\n");
        assert!(e
            .unwrap()
            .message
            .contains("holds an array, not an item object"));
        let (items, e) = lines("{\"vendor\": \"Z\u{e9}\", \"qty\": 1.5}\n");
        assert!(e.is_none(), "{e:?}");
        assert_eq!(items[0].extra, vec![(Arc::from("qty"), "1.5".to_string())]);
        assert_eq!(items[0].warnings.len(), 1);
        let (items, e) = lines("{\"vendor\": \"ZTE\"}\n\n{\"vendor\": \"Huawei\", \"model\": \"x\", \"vendor\": \"Nokia\"}\n");
        assert_eq!(items.len(), 1);
        let e = e.unwrap();
        let loc = e.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (Some(3), Some(36)));
        assert!(
            e.message
                .starts_with("duplicate key 'vendor' in one object (first at line 3, column 2)"),
            "{e}"
        );
        let (_, e) = lines(b"\n{\"vendor\": \"Z\xff\"}\n");
        let e = e.unwrap();
        let loc = e.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (Some(2), Some(14)));
        assert!(e.message.contains("not valid UTF-8 (byte 0xFF)"), "{e}");
    }
}
