//! NetBox inventories: the device list's CSV export, recognised by its headers, and the JSON
//! of the REST API's device list (`/api/dcim/devices/`), recognised by its shape.
//!
//! The CSV export (and a workbook saved from it) is read by the CSV and workbook readers;
//! [`csv_columns`] gives [`super::columns::map_headers`] the NetBox meaning of its headers:
//! `Manufacturer` is the vendor, `Type` (`Device type`, `device_type`) the model, `Serial
//! number` the serial, `Site` the site, and `Asset tag` the asset id, or `Name` when the
//! export has no `Asset tag` column; every other column (`Name`, `Role`, `Status`, `Rack`,
//! `Location`, ...) is an extra column. `--column` overrides still win.
//!
//! The API's page `{"count": N, "next": ..., "previous": ..., "results": [...]}` gives one
//! item per device: `device_type.manufacturer.name` is the vendor, `device_type.model` the
//! model, `serial`, `site.name`, and `asset_tag` as the asset id, or the device's `name` when
//! it has no asset tag; name, role, status, rack, location, tenant, platform and primary IP
//! address are extra columns. One page of several (a `next` link, or fewer results than
//! `count`) is refused: the inventory would be incomplete.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::json::value_text;
use super::jsonpos::kind_of;
use super::jsonpos::{self, Seg};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};
use crate::source::lines::LineIndex;

/// Normalised headers that only NetBox's device export has together with a manufacturer
/// and a device type.
const DEVICE_HEADERS: &[&str] = &[
    "name",
    "status",
    "rack",
    "role",
    "device_role",
    "tenant",
    "asset_tag",
    "platform",
    "site",
    "location",
    "airflow",
    "face",
    "position",
];

/// Whether normalised headers are those of NetBox's device export: `Manufacturer`, `Type`
/// (or `Device type`) and at least three more of its columns, and no model or `asset_id`
/// column of the usual names (NetBox has none: an inventory that has one is read as usual).
pub(crate) fn is_device_export(norm: &[String]) -> bool {
    let has = |n: &str| norm.iter().any(|h| h == n);
    has("manufacturer")
        && (has("type") || has("device_type"))
        && DEVICE_HEADERS.iter().filter(|n| has(n)).count() >= 3
        && !Field::Model.synonyms().iter().any(|n| has(n))
        && !["asset_id", "asset", "inventory_id"].iter().any(|n| has(n))
}

/// The NetBox columns of each field, in order of preference (normalised headers).
pub(crate) fn csv_columns() -> &'static [(Field, &'static [&'static str])] {
    &[
        (Field::Vendor, &["manufacturer"]),
        (Field::Model, &["type", "device_type"]),
        (Field::Serial, &["serial_number", "serial"]),
        (Field::AssetId, &["asset_tag", "name"]),
        (Field::Site, &["site"]),
    ]
}

/// Whether a JSON document is a page of NetBox's device list: an object with a `count` and a
/// `results` array whose objects carry a `device_type` object.
pub(crate) fn is_device_list(v: &Value) -> bool {
    let Value::Object(m) = v else { return false };
    let results = match m.get("results") {
        Some(Value::Array(r)) => r,
        _ => return false,
    };
    m.get("count").is_some_and(Value::is_u64)
        && (results.is_empty()
            || results
                .iter()
                .any(|d| d.get("device_type").is_some_and(Value::is_object)))
}

/// A nested member by its keys.
fn at<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(v, |v, k| v.get(*k))
}

/// The items of a device list page. `text` is the file's text, for lines and columns.
pub fn items(path: &Path, file: &Arc<str>, text: &str, v: &Value) -> Result<Vec<Item>> {
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(0);
    let li = LineIndex::new(text);
    let offsets = jsonpos::offsets(
        text,
        |p| matches!(p.first(), Some(Seg::Key(k)) if k == "results" || k == "next"),
    );
    let pos = |p: &[Seg]| li.line_col(offsets.get(p).copied().unwrap_or(0));
    let next = v.get("next").filter(|n| !n.is_null());
    if next.is_some() || count != results.len() as u64 {
        let (line, col) = if next.is_some() {
            pos(&[Seg::Key("next".to_string())])
        } else {
            (1, 1)
        };
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::at(path, line, col),
            format!(
                "one page of NetBox's device list: it holds {} of {count} devices{}, so the inventory would be incomplete",
                results.len(),
                next.and_then(Value::as_str)
                    .map(|n| format!(" (the next page is {})", crate::escape::Visible(n)))
                    .unwrap_or_default()
            ),
        )
        .hint("fetch every device in one file (/api/dcim/devices/?limit=0 returns up to NetBox's MAX_PAGE_SIZE), or join the pages' results into one JSON array"));
    }
    let mut items = Vec::with_capacity(results.len());
    for (i, d) in results.iter().enumerate() {
        let here = |keys: &[&str]| {
            let mut p = vec![Seg::Key("results".to_string()), Seg::Index(i)];
            p.extend(keys.iter().map(|k| Seg::Key((*k).to_string())));
            // The deepest member that is there.
            (0..=keys.len())
                .rev()
                .find_map(|n| offsets.get(&p[..2 + n]).copied())
                .map_or((1, 1), |o| li.line_col(o))
        };
        let (line, col) = here(&[]);
        if !d.is_object() {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::at(path, line, col),
                format!(
                    "device {} of the results is {}, not an object",
                    i + 1,
                    kind_of(d)
                ),
            )
            .hint("pass the device list as NetBox's API returns it"));
        }
        let get = |keys: &[&str]| -> Result<Option<String>> {
            match at(d, keys) {
                None => Ok(None),
                Some(v) => value_text(v, true).map_err(|kind| {
                    let (l, c) = here(keys);
                    Error::at(
                        ErrorKind::Inventory,
                        Location::at(path, l, c),
                        format!(
                            "'{}' must be a string or a number, not {kind}",
                            keys.join(".")
                        ),
                    )
                    .hint("pass the device list as NetBox's API returns it")
                }),
            }
        };
        // Older NetBox versions call the role `device_role`; a status is {value, label}.
        let vendor = get(&["device_type", "manufacturer", "name"])?;
        let name = get(&["name"])?;
        let asset_id = match get(&["asset_tag"])? {
            Some(t) => Some(t),
            None => name.clone(),
        };
        let mut extra: Vec<(Arc<str>, String)> = Vec::new();
        let extras: [(&str, &[&str]); 9] = [
            ("name", &["name"]),
            ("role", &["role", "name"]),
            ("role", &["device_role", "name"]),
            ("status", &["status", "value"]),
            ("rack", &["rack", "name"]),
            ("location", &["location", "name"]),
            ("tenant", &["tenant", "name"]),
            ("platform", &["platform", "name"]),
            ("primary_ip", &["primary_ip", "address"]),
        ];
        for (label, keys) in extras {
            if let Some(t) = get(keys)? {
                if !extra.iter().any(|(l, _)| &**l == label) {
                    extra.push((Arc::from(label), t));
                }
            }
        }
        let mut item = Item {
            file: Arc::clone(file),
            line,
            asset_id,
            vendor: vendor.unwrap_or_default(),
            model: get(&["device_type", "model"])?,
            serial: get(&["serial"])?,
            site: get(&["site", "name"])?,
            extra,
            ..Item::default()
        };
        item.check_identifiers();
        items.push(item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<Item>> {
        let v: Value = serde_json::from_str(text).unwrap();
        assert!(is_device_list(&v));
        items(Path::new("nb.json"), &Arc::from("nb.json"), text, &v)
    }

    #[test]
    fn devices_map_nested_fields() {
        let items = read(
            r#"{"count": 2, "next": null, "previous": null, "results": [
  {"id": 1, "name": "bbu-1", "device_type": {"id": 3, "manufacturer": {"name": "Huawei"}, "model": "BBU5900"},
   "role": {"name": "RAN"}, "serial": "2102311", "asset_tag": null, "site": {"name": "Vilnius-1"},
   "status": {"value": "active", "label": "Active"}},
  {"id": 2, "name": "r1", "device_type": {"manufacturer": {"name": "Nokia"}, "model": "7750 SR"},
   "serial": "", "asset_tag": "LT-0042", "site": null}
]}"#,
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        let a = &items[0];
        assert_eq!(a.line, 2);
        assert_eq!(
            (a.vendor.as_str(), a.model.as_deref(), a.serial.as_deref()),
            ("Huawei", Some("BBU5900"), Some("2102311"))
        );
        assert_eq!(a.asset_id.as_deref(), Some("bbu-1"));
        assert_eq!(a.site.as_deref(), Some("Vilnius-1"));
        assert!(a.extra.contains(&(Arc::from("role"), "RAN".to_string())));
        assert!(a
            .extra
            .contains(&(Arc::from("status"), "active".to_string())));
        let b = &items[1];
        assert_eq!(b.asset_id.as_deref(), Some("LT-0042"));
        assert_eq!((b.serial.as_deref(), b.site.as_deref()), (None, None));
    }

    #[test]
    fn one_page_of_several_is_refused() {
        let e = read(
            "{\"count\": 3,\n \"next\": \"https://nb/api/dcim/devices/?limit=1&offset=1\",\n \"results\": [{\"device_type\": {\"model\": \"A\"}}]}",
        )
        .unwrap_err();
        assert!(e.message.contains("1 of 3 devices"), "{e}");
        assert_eq!(e.location.unwrap().line, Some(2));
        let e =
            read("{\"count\": 1, \"results\": [{\"device_type\": {\"model\": [1]}}]}").unwrap_err();
        assert!(e.message.contains("'device_type.model' must be"), "{e}");
    }

    #[test]
    fn export_headers_are_recognised() {
        let norm = |v: &[&str]| {
            v.iter()
                .map(|h| crate::model::normalize_header(h))
                .collect::<Vec<_>>()
        };
        assert!(is_device_export(&norm(&[
            "Name",
            "Status",
            "Site",
            "Rack",
            "Role",
            "Manufacturer",
            "Type",
            "Serial number"
        ])));
        // An inventory with its own model column keeps `Device type` as the category.
        assert!(!is_device_export(&norm(&[
            "Name",
            "Site",
            "Location",
            "Rack",
            "Manufacturer",
            "Model",
            "Device type"
        ])));
        assert!(!is_device_export(&norm(&[
            "Manufacturer",
            "Type",
            "Serial number"
        ])));
    }
}
