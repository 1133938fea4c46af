//! CycloneDX JSON BOMs (spec 1.4–1.6; older and newer versions are read the same way): the
//! equipment in a hardware BOM.
//!
//! A file is a CycloneDX BOM when its top-level object says `"bomFormat": "CycloneDX"`
//! (whatever its extension). The BOM is read whole (a JSON document cannot be handed out
//! before it is complete); a key twice in one object refuses the file (see
//! [`super::json::check_duplicate_keys`]). Every component of type `device` (or `hardware`,
//! which older tools write) becomes an item: the BOM's subject (`metadata.component`), the
//! top-level `components`, and components nested in other components' `components`, at any
//! depth, whatever the type of the component they are nested in.
//!
//! Components of the other CycloneDX types (1.6: `application`, `framework`, `library`,
//! `container`, `platform`, `operating-system`, `device-driver`, `firmware`, `file`,
//! `machine-learning-model`, `data`, `cryptographic-asset`) are software or data, not
//! equipment, and are left out. `firmware` is among them: the spec defines it as software
//! that controls a device's hardware, so the equipment it runs on is the `device` that holds
//! it, which is judged by its own manufacturer; firmware says nothing of which hardware it
//! came with. A component whose `type` is missing, not a string, or not one of the spec's
//! types cannot be told apart from equipment: it is not judged, and it is reported as an
//! unread part ([`ErrorKind::Row`], naming its line and `bom-ref`), never skipped silently.
//! A BOM without any device (and without such components) is not an inventory.
//!
//! How a component becomes an [`Item`]:
//!
//! | item | component |
//! |---|---|
//! | `vendor` | `manufacturer.name` (1.6), else `supplier.name`, else `publisher`, else `author`; for `metadata.component` also `metadata.manufacturer.name` / `metadata.manufacture.name` / `metadata.supplier.name` |
//! | `model` | `name` (the version is kept apart, in `extra["version"]`, so model-number patterns still match) |
//! | `asset_id` | `bom-ref` |
//! | `country` | `address.country` of the organisation that gave the vendor (1.6) |
//! | `quantity` | property `cdx:device:quantity` (a whole number; anything else is carried in `extra` under the property's name, with a warning) |
//! | `serial`, `site`, `domain`, `installed`, `purpose`, `country`, `network`, `category`, `origin`, `asset_id` | properties `tvcheck:serial`, `tvcheck:site`, ... (any field name or synonym after `tvcheck:`) |
//! | `line` | the line of the component's opening `{` |
//! | `extra` | `type`, `version`, `group`, `description`, `purl`, `cpe`, the `supplier` when the vendor came from the manufacturer, and every other property by its name |
//!
//! A **nested** device (a part inside another component) is its own item with the part's
//! vendor and model, but it points at its **top-level** component, the thing that is in the
//! network: its `line` is the top-level component's line and its `asset_id` the top-level
//! component's `bom-ref`, while `extra` says `part_of` = "NAME (bom-ref REF)" of the
//! top-level component, `part_bom_ref` = the part's own `bom-ref` and `part_line` = the line
//! of the part's own `{`. A designated manufacturer anywhere inside a device thus yields a
//! finding at the device that contains it.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::jsonpos::{self, Seg};
use super::record::{non_empty, quantity_warning};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{Field, Item};
use crate::source::lines::LineIndex;

/// Whether a parsed JSON document is a CycloneDX BOM.
pub(crate) fn is_cyclonedx(v: &Value) -> bool {
    v.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX")
}

/// CycloneDX component types (1.6) that are not equipment.
pub(crate) const NOT_EQUIPMENT: [&str; 12] = [
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
];

/// What a component's type says it is.
enum Kind {
    /// `device` (or `hardware`): an item.
    Equipment,
    /// A known type of software or data.
    NotEquipment,
    /// No type, or one that is not CycloneDX's: why, in words.
    Unknown(String),
}

fn kind(c: &Value) -> Kind {
    match c.get("type") {
        None | Some(Value::Null) => Kind::Unknown("has no \"type\"".to_string()),
        Some(Value::String(t)) => match t.as_str() {
            "device" | "hardware" => Kind::Equipment,
            t if NOT_EQUIPMENT.contains(&t) => Kind::NotEquipment,
            t => Kind::Unknown(format!(
                "has the type '{}', which is not a CycloneDX component type",
                crate::error::one_line(t)
            )),
        },
        Some(v) => Kind::Unknown(format!(
            "has a \"type\" that is {}, not a string",
            super::jsonpos::kind_of(v)
        )),
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).and_then(non_empty)
}

/// `{"name": ...}` (an organisation) or a plain string.
fn entity_name(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => non_empty(s),
        Value::Object(o) => text(o.get("name")),
        _ => None,
    }
}

fn entity_country(v: Option<&Value>) -> Option<String> {
    text(v?.get("address")?.get("country"))
}

/// The top-level component a nested part belongs to.
struct Top {
    line: u64,
    name: Option<String>,
    bom_ref: Option<String>,
}

struct Walk<'a> {
    path: &'a Path,
    file: &'a Arc<str>,
    li: LineIndex<'a>,
    offsets: jsonpos::Offsets,
    metadata: Option<&'a Value>,
    items: Vec<Result<Item>>,
    components: usize,
}

/// The items of a CycloneDX BOM (`bom` is `text` parsed), in file order, with the components
/// that could not be judged as [`ErrorKind::Row`] errors in their place.
pub fn items(path: &Path, file: &Arc<str>, text: &str, bom: &Value) -> Result<Vec<Result<Item>>> {
    let offsets = jsonpos::offsets(text, |p| {
        matches!(p, [.., Seg::Key(k), Seg::Index(_)] if k == "components")
            || matches!(p, [Seg::Key(m), Seg::Key(c)] if m == "metadata" && c == "component")
    });
    let mut w = Walk {
        path,
        file,
        li: LineIndex::new(text),
        offsets,
        metadata: bom.get("metadata"),
        items: Vec::new(),
        components: 0,
    };
    let mut p = vec![Seg::Key("metadata".into()), Seg::Key("component".into())];
    if let Some(c) = bom.get("metadata").and_then(|m| m.get("component")) {
        w.component(c, &mut p, None)?;
    }
    let mut p = vec![Seg::Key("components".into())];
    w.list(bom.get("components"), &mut p, None)?;
    if w.items.is_empty() {
        let version = text_of(bom.get("specVersion")).unwrap_or_else(|| "?".into());
        return Err(Error::at(
            ErrorKind::NotAnInventory,
            Location::file(path),
            format!(
                "the CycloneDX {version} BOM lists {} component{} but none of type device, so it describes no equipment",
                w.components,
                if w.components == 1 { "" } else { "s" }
            ),
        )
        .hint("tvcheck checks hardware: pass a BOM whose equipment has \"type\": \"device\""));
    }
    // File order (the BOM's subject is often written after its components); a nested part
    // keeps its place right after the component it belongs to.
    w.items.sort_by_key(|i| match i {
        Ok(item) => item.line,
        Err(e) => e.location.as_ref().and_then(|l| l.line).unwrap_or(0),
    });
    Ok(w.items)
}

/// `'NAME' (bom-ref 'REF')` for messages.
fn describe(name: Option<&str>, bom_ref: Option<&str>) -> String {
    let q = |s: &str| format!("'{}'", crate::error::one_line(s));
    match (name, bom_ref) {
        (Some(n), Some(r)) => format!("{} (bom-ref {})", q(n), q(r)),
        (Some(n), None) => format!("{} (no bom-ref)", q(n)),
        (None, Some(r)) => format!("with bom-ref {}", q(r)),
        (None, None) => "without name or bom-ref".to_string(),
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Walk<'_> {
    fn list(&mut self, v: Option<&Value>, path: &mut Vec<Seg>, top: Option<&Top>) -> Result<()> {
        let Some(v) = v else { return Ok(()) };
        let Some(list) = v.as_array() else {
            return Err(self.error(
                path,
                format!(
                    "\"components\" must be an array, not {}",
                    super::jsonpos::kind_of(v)
                ),
            ));
        };
        for (i, c) in list.iter().enumerate() {
            path.push(Seg::Index(i));
            let r = self.component(c, path, top);
            path.pop();
            r?;
        }
        Ok(())
    }

    fn error(&self, path: &[Seg], msg: String) -> Error {
        let offset = (1..=path.len())
            .rev()
            .find_map(|n| self.offsets.get(&path[..n]))
            .copied()
            .unwrap_or(0);
        let (line, col) = self.li.line_col(offset);
        Error::at(
            ErrorKind::Inventory,
            Location::at(self.path, line, col),
            msg,
        )
        .hint("see the CycloneDX specification for the shape of a component")
    }

    fn component(&mut self, c: &Value, path: &mut Vec<Seg>, top: Option<&Top>) -> Result<()> {
        let Some(obj) = c.as_object() else {
            return Err(self.error(
                path,
                format!(
                    "a component must be an object, not {}",
                    super::jsonpos::kind_of(c)
                ),
            ));
        };
        self.components += 1;
        let line = self
            .offsets
            .get(path.as_slice())
            .map_or(1, |&o| self.li.line(o));
        let bom_ref = text(obj.get("bom-ref"));
        let name = text(obj.get("name"));
        match kind(c) {
            Kind::Equipment => {
                let is_subject =
                    top.is_none() && path.first() == Some(&Seg::Key("metadata".into()));
                let item = self.item(c, line, is_subject, top);
                self.items.push(Ok(item));
            }
            Kind::NotEquipment => {}
            Kind::Unknown(why) => {
                let mut e = self.error(
                    path,
                    format!(
                        "component {} {why}, so tvcheck cannot tell whether it is equipment; it was not judged",
                        describe(name.as_deref(), bom_ref.as_deref())
                    ),
                )
                .hint("give it \"type\": \"device\" if it is hardware, or its CycloneDX type (library, firmware, ...) if it is not");
                e.kind = ErrorKind::Row;
                self.items.push(Err(e));
            }
        }
        let here = Top {
            line,
            name,
            bom_ref,
        };
        let top = top.unwrap_or(&here);
        path.push(Seg::Key("components".into()));
        let r = self.list(obj.get("components"), path, Some(top));
        path.pop();
        r
    }

    fn item(&self, c: &Value, line: u64, is_subject: bool, top: Option<&Top>) -> Item {
        let meta = |k: &str| self.metadata.and_then(|m| m.get(k));
        let mut sources: Vec<(&str, Option<&Value>)> = vec![
            ("manufacturer", c.get("manufacturer")),
            ("supplier", c.get("supplier")),
            ("publisher", c.get("publisher")),
            ("author", c.get("author")),
        ];
        if is_subject {
            sources.push(("metadata.manufacturer", meta("manufacturer")));
            sources.push(("metadata.manufacture", meta("manufacture")));
            sources.push(("metadata.supplier", meta("supplier")));
        }
        let (vendor_from, vendor, country) = sources
            .iter()
            .find_map(|(k, v)| entity_name(*v).map(|n| (*k, n, entity_country(*v))))
            .unwrap_or(("", String::new(), None));
        let mut item = Item {
            file: Arc::clone(self.file),
            line,
            asset_id: text(c.get("bom-ref")),
            vendor,
            model: text(c.get("name")),
            country,
            ..Item::default()
        };
        let mut extra: Vec<(Arc<str>, String)> = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                extra.push((Arc::from(k), v));
            }
        };
        put("type", text(c.get("type")));
        put("version", text(c.get("version")));
        put("group", text(c.get("group")));
        put("description", text(c.get("description")));
        put("purl", text(c.get("purl")));
        put("cpe", text(c.get("cpe")));
        if vendor_from == "manufacturer" {
            let supplier = entity_name(c.get("supplier"));
            if supplier.as_deref() != Some(item.vendor.as_str()) {
                put("supplier", supplier);
            }
        }
        if let Some(props) = c.get("properties").and_then(Value::as_array) {
            for p in props {
                let (Some(name), Some(value)) = (text(p.get("name")), text(p.get("value"))) else {
                    continue;
                };
                if name == "cdx:device:quantity" && item.quantity.is_none() {
                    item.quantity = super::csv::parse_quantity(&value);
                    if item.quantity.is_none() {
                        item.warnings
                            .push(quantity_warning(&format!("property '{name}'"), &value));
                        put(&name, Some(value));
                    }
                    continue;
                }
                if let Some(field) = name.strip_prefix("tvcheck:").and_then(Field::parse) {
                    let slot = match field {
                        Field::Serial => &mut item.serial,
                        Field::Site => &mut item.site,
                        Field::Domain => &mut item.domain,
                        Field::Installed => &mut item.installed,
                        Field::Purpose => &mut item.purpose,
                        Field::Network => &mut item.network,
                        Field::Category => &mut item.category,
                        Field::Origin => &mut item.origin,
                        Field::Mac => &mut item.mac,
                        Field::FccId => &mut item.fcc_id,
                        Field::Country => &mut item.country,
                        Field::AssetId => &mut item.asset_id,
                        Field::Quantity => {
                            item.quantity = super::csv::parse_quantity(&value);
                            if item.quantity.is_none() {
                                item.warnings
                                    .push(quantity_warning(&format!("property '{name}'"), &value));
                                put(&name, Some(value));
                            }
                            continue;
                        }
                        Field::Vendor | Field::Model => {
                            put(&name, Some(value));
                            continue;
                        }
                    };
                    *slot = Some(value);
                    continue;
                }
                put(&name, Some(value));
            }
        }
        if let Some(top) = top {
            let part_ref = item.asset_id.take();
            item.asset_id.clone_from(&top.bom_ref);
            let own_line = item.line;
            item.line = top.line;
            let parent = match (&top.name, &top.bom_ref) {
                (Some(n), Some(r)) => format!("{n} (bom-ref {r})"),
                (Some(n), None) => n.clone(),
                (None, Some(r)) => format!("bom-ref {r}"),
                (None, None) => format!("the component on line {}", top.line),
            };
            put("part_of", Some(parent));
            put("part_bom_ref", part_ref);
            put("part_line", Some(own_line.to_string()));
        }
        item.extra = extra;
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Item>> {
        parse_all(text)?.into_iter().collect()
    }

    fn parse_all(text: &str) -> Result<Vec<Result<Item>>> {
        let v: Value = serde_json::from_str(text).unwrap();
        assert!(is_cyclonedx(&v));
        items(Path::new("bom.json"), &Arc::from("bom.json"), text, &v)
    }

    fn extra<'a>(i: &'a Item, k: &str) -> Option<&'a str> {
        i.extra
            .iter()
            .find(|(h, _)| &**h == k)
            .map(|(_, v)| v.as_str())
    }

    const BOM: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "metadata": {
    "manufacturer": {"name": "Acme Networks", "address": {"country": "LT"}},
    "component": {"type": "device", "name": "Edge box", "bom-ref": "edge"}
  },
  "components": [
    {
      "type": "device",
      "bom-ref": "rtr-1",
      "manufacturer": {"name": "Huawei Technologies Co., Ltd.", "address": {"country": "CN"}},
      "supplier": {"name": "Distri UAB"},
      "name": "NetEngine 8000",
      "version": "V800R022",
      "properties": [
        {"name": "cdx:device:quantity", "value": "2"},
        {"name": "tvcheck:site", "value": "Vilnius"},
        {"name": "tvcheck:domain", "value": "core"},
        {"name": "colour", "value": "grey"}
      ],
      "components": [
        {"type": "firmware", "name": "VRP", "bom-ref": "fw"},
        {
          "type": "device",
          "bom-ref": "modem",
          "supplier": {"name": "Quectel"},
          "name": "RM500Q",
          "components": [
            {"type": "hardware", "bom-ref": "chip", "publisher": "HiSilicon", "name": "Balong 5000"}
          ]
        }
      ]
    },
    {"type": "library", "name": "openssl", "version": "3.0"},
    {"type": "device", "bom-ref": "ap", "supplier": {"name": "Ericsson"}, "name": "AIR 3268"}
  ]
}"#;

    #[test]
    fn devices_become_items_with_their_lines() {
        let items = parse(BOM).unwrap();
        let summary: Vec<(u64, &str, Option<&str>, Option<&str>)> = items
            .iter()
            .map(|i| {
                (
                    i.line,
                    i.vendor.as_str(),
                    i.model.as_deref(),
                    i.asset_id.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (6, "Acme Networks", Some("Edge box"), Some("edge")),
                (
                    9,
                    "Huawei Technologies Co., Ltd.",
                    Some("NetEngine 8000"),
                    Some("rtr-1")
                ),
                (9, "Quectel", Some("RM500Q"), Some("rtr-1")),
                (9, "HiSilicon", Some("Balong 5000"), Some("rtr-1")),
                (36, "Ericsson", Some("AIR 3268"), Some("ap")),
            ]
        );
        let r = &items[1];
        assert_eq!(r.country.as_deref(), Some("CN"));
        assert_eq!(r.quantity, Some(2));
        assert_eq!(r.site.as_deref(), Some("Vilnius"));
        assert_eq!(r.domain.as_deref(), Some("core"));
        assert_eq!(extra(r, "version"), Some("V800R022"));
        assert_eq!(extra(r, "supplier"), Some("Distri UAB"));
        assert_eq!(extra(r, "colour"), Some("grey"));
        assert_eq!(extra(r, "part_of"), None);
        assert_eq!(items[0].country.as_deref(), Some("LT"));
        let chip = &items[3];
        assert_eq!(
            extra(chip, "part_of"),
            Some("NetEngine 8000 (bom-ref rtr-1)")
        );
        assert_eq!(extra(chip, "part_bom_ref"), Some("chip"));
        assert_eq!(extra(chip, "part_line"), Some("30"));
        assert_eq!(extra(chip, "type"), Some("hardware"));
        assert_eq!(extra(&items[2], "part_line"), Some("24"));
    }

    #[test]
    fn software_only_bom_is_not_an_inventory() {
        let e = parse(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "x"}]}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotAnInventory);
        assert!(
            e.message
                .contains("CycloneDX 1.5 BOM lists 1 component but none of type device"),
            "{e}"
        );
    }

    #[test]
    fn category_and_origin_properties() {
        let items = parse("{\"bomFormat\": \"CycloneDX\",\n \"components\": [\n  {\"type\": \"device\", \"name\": \"n\", \"manufacturer\": {\"name\": \"Acme\"}, \"properties\": [{\"name\": \"tvcheck:category\", \"value\": \"Drone\"}, {\"name\": \"tvcheck:made_in\", \"value\": \"CN; US\"}]}]}").unwrap();
        assert_eq!(items[0].category.as_deref(), Some("Drone"));
        assert_eq!(items[0].origin.as_deref(), Some("CN; US"));
        assert_eq!(items[0].country, None);
    }

    #[test]
    fn malformed_components_are_located() {
        let e = parse("{\"bomFormat\": \"CycloneDX\",\n \"components\": [\n  \"x\"]}").unwrap_err();
        assert_eq!(e.location, Some(Location::at("bom.json", 3, 3)));
        let e = parse("{\"bomFormat\": \"CycloneDX\",\n \"components\": {}}").unwrap_err();
        assert!(e.message.contains("must be an array, not an object"), "{e}");
        let items = parse("{\"bomFormat\": \"CycloneDX\",\n \"components\": [\n  {\"type\": \"device\", \"name\": \"n\", \"properties\": [{\"name\": \"cdx:device:quantity\", \"value\": \"2 pcs\"}, {\"name\": \"tvcheck:qty\", \"value\": \"N/A\"}]}]}").unwrap();
        assert_eq!(items[0].quantity, None);
        assert_eq!(extra(&items[0], "cdx:device:quantity"), Some("2 pcs"));
        assert_eq!(extra(&items[0], "tvcheck:qty"), Some("N/A"));
        assert_eq!(items[0].warnings, vec![
            "property 'cdx:device:quantity': quantity '2 pcs' is not a whole number; the record is kept and the value carried as written".to_string(),
            "property 'tvcheck:qty': quantity 'N/A' is not a whole number; the record is kept and the value carried as written".to_string(),
        ]);
    }

    #[test]
    fn components_without_a_known_type_are_reported() {
        let text = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n \"components\": [\n  {\"name\": \"BBU5900\", \"bom-ref\": \"b1\", \"manufacturer\": {\"name\": \"Huawei\"}},\n  {\"type\": \"Device\", \"name\": \"x\"},\n  {\"type\": 7, \"bom-ref\": \"r7\",\n   \"components\": [{\"type\": \"device\", \"name\": \"NE40\", \"supplier\": {\"name\": \"Huawei\"}}]},\n  {\"type\": \"firmware\", \"name\": \"VRP\"},\n  {\"type\": \"library\", \"name\": \"openssl\"}\n ]}";
        let got = parse_all(text).unwrap();
        assert_eq!(got.len(), 4, "{got:?}");
        let e = got[0].as_ref().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Row);
        assert_eq!(e.to_string(), "bom.json:3:3: component 'BBU5900' (bom-ref 'b1') has no \"type\", so tvcheck cannot tell whether it is equipment; it was not judged (hint: give it \"type\": \"device\" if it is hardware, or its CycloneDX type (library, firmware, ...) if it is not)");
        let e = got[1].as_ref().unwrap_err();
        assert!(e.message.starts_with("component 'x' (no bom-ref) has the type 'Device', which is not a CycloneDX component type"), "{e}");
        let e = got[2].as_ref().unwrap_err();
        assert_eq!(e.location, Some(Location::at("bom.json", 5, 3)));
        assert!(
            e.message.starts_with(
                "component with bom-ref 'r7' has a \"type\" that is a number, not a string"
            ),
            "{e}"
        );
        // A device nested in it is still found.
        let ne40 = got[3].as_ref().unwrap();
        assert_eq!((ne40.vendor.as_str(), ne40.line), ("Huawei", 5));
    }
}
