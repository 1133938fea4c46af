//! Shared nouns of the pipeline: an inventory [`Item`], the canonical inventory [`Field`]s and a [`Verdict`].

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// One inventory record: a piece of equipment as the operator described it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// The inventory file it came from, as shown to users.
    pub file: Arc<str>,
    /// The line where its record starts (CSV: physical line, header is line 1; TOML: its `[[asset]]` header;
    /// JSON: the line of the record's opening brace; workbooks: the 1-based row of the sheet).
    pub line: u64,
    /// The worksheet the record is on (workbooks only), so that its place reads `file:Sheet!row`.
    pub sheet: Option<String>,
    /// Operator's asset identifier.
    pub asset_id: Option<String>,
    /// Manufacturer as written in the inventory (empty when the record has none).
    pub vendor: String,
    /// Model or part number.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Site or location.
    pub site: Option<String>,
    /// Network domain (core, ran, transport, ...).
    pub domain: Option<String>,
    /// Number of units the record stands for.
    pub quantity: Option<u64>,
    /// Manufacturer's country as stated in the inventory.
    pub country: Option<String>,
    /// Installation or commissioning date: `YYYY-MM-DD` (with a time when one was written)
    /// once read by `installed::normalize`, else as written (a date that cannot be
    /// read, kept with a warning).
    pub installed: Option<String>,
    /// The header of the column (or the key) the install date was read from, to name it in
    /// warnings; `None` when the reader does not say (warnings then say `installed`).
    pub installed_column: Option<Arc<str>>,
    /// What the equipment is used for (public-safety, critical-infrastructure, ...).
    pub purpose: Option<String>,
    /// The network technology or generation it serves (5G, 4G, FTTH, ...), as written.
    pub network: Option<String>,
    /// The kind of equipment (drone, router, inverter, camera, ...), as written.
    pub category: Option<String>,
    /// The country or countries where it was produced (designed, developed, manufactured or
    /// assembled), as written: separate from the manufacturer's country of registration.
    pub origin: Option<String>,
    /// A MAC address of the equipment, as written (any common notation): its IEEE prefix
    /// identifies the organisation the address block is registered to.
    pub mac: Option<String>,
    /// The FCC ID on the equipment's label, as written: its grantee code identifies the
    /// applicant.
    pub fcc_id: Option<String>,
    /// Every other column, in file order: (header, value).
    pub extra: Vec<(Arc<str>, String)>,
    /// What the reader could not understand in a field that no verdict depends on (an
    /// unparseable quantity, say): the record is kept, the value is carried as written in
    /// `extra`, and the report lists each warning at the item's place. Each names the column.
    pub warnings: Vec<String>,
}

impl Item {
    /// An item of `file` at `line` whose canonical fields come from `get`, asked in a fixed
    /// order (the first error wins; the vendor is empty when the record has none). The readers
    /// differ only in how they get a field's text, the quantity and the other columns.
    pub fn from_fields<E>(
        file: &Arc<str>,
        line: u64,
        quantity: Option<u64>,
        extra: Vec<(Arc<str>, String)>,
        mut get: impl FnMut(Field) -> Result<Option<String>, E>,
    ) -> Result<Item, E> {
        let mut item = Item {
            file: Arc::clone(file),
            line,
            sheet: None,
            asset_id: get(Field::AssetId)?,
            vendor: get(Field::Vendor)?.unwrap_or_default(),
            model: get(Field::Model)?,
            serial: get(Field::Serial)?,
            site: get(Field::Site)?,
            domain: get(Field::Domain)?,
            quantity,
            country: get(Field::Country)?,
            installed: get(Field::Installed)?,
            installed_column: None,
            purpose: get(Field::Purpose)?,
            network: get(Field::Network)?,
            category: get(Field::Category)?,
            origin: get(Field::Origin)?,
            mac: get(Field::Mac)?,
            fcc_id: get(Field::FccId)?,
            extra,
            warnings: Vec::new(),
        };
        item.check_identifiers();
        Ok(item)
    }

    /// Warns about a device identifier that cannot be read (a MAC address in no known
    /// notation): it gives no evidence, and the report says so at the item's place.
    pub fn check_identifiers(&mut self) {
        if let Some(mac) = self.mac.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            if let Err(e) = crate::mac::parse_mac(mac) {
                self.warnings.push(format!(
                    "column 'mac': '{}' is not a MAC address ({e}), so it gives no evidence of the maker; write it as 28:6E:D4:12:34:56, 28-6E-D4-12-34-56 or 286E.D412.3456",
                    crate::escape::Visible(mac)
                ));
            }
        }
    }
}

/// The canonical inventory fields that tvcheck understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Manufacturer.
    Vendor,
    /// Model or part number.
    Model,
    /// Asset identifier.
    AssetId,
    /// Serial number.
    Serial,
    /// Site or location.
    Site,
    /// Network domain.
    Domain,
    /// Number of units.
    Quantity,
    /// Manufacturer's country.
    Country,
    /// Installation date.
    Installed,
    /// Use of the equipment.
    Purpose,
    /// Network technology or generation (5G, 4G, FTTH, ...).
    Network,
    /// Equipment category (drone, router, inverter, camera, ...).
    Category,
    /// Country or countries of production.
    Origin,
    /// MAC address.
    Mac,
    /// FCC ID.
    FccId,
}

impl Field {
    /// Every field, in report order.
    pub const ALL: [Field; 15] = [
        Field::AssetId,
        Field::Vendor,
        Field::Model,
        Field::Serial,
        Field::Site,
        Field::Domain,
        Field::Quantity,
        Field::Country,
        Field::Installed,
        Field::Purpose,
        Field::Network,
        Field::Category,
        Field::Origin,
        Field::Mac,
        Field::FccId,
    ];

    /// The canonical name, as used in `--column NAME=HEADER` and TOML keys.
    pub fn name(self) -> &'static str {
        match self {
            Field::Vendor => "vendor",
            Field::Model => "model",
            Field::AssetId => "asset_id",
            Field::Serial => "serial",
            Field::Site => "site",
            Field::Domain => "domain",
            Field::Quantity => "quantity",
            Field::Country => "country",
            Field::Installed => "installed",
            Field::Purpose => "purpose",
            Field::Network => "network",
            Field::Category => "category",
            Field::Origin => "origin",
            Field::Mac => "mac",
            Field::FccId => "fcc_id",
        }
    }

    /// Header names recognised for this field (after header normalisation), canonical name first.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Vendor => &["vendor", "manufacturer", "make", "brand", "supplier"],
            Field::Model => &["model", "model_number", "part_number", "product"],
            Field::AssetId => &["asset_id", "id", "asset", "inventory_id"],
            Field::Serial => &["serial", "serial_number", "sn"],
            Field::Site => &["site", "location"],
            Field::Domain => &["domain", "network_domain", "segment", "layer"],
            Field::Quantity => &["quantity", "qty"],
            Field::Country => &["country", "vendor_country"],
            Field::Installed => &["installed", "install_date", "commissioned"],
            Field::Purpose => &["purpose", "use", "usage", "intended_use"],
            Field::Network => &[
                "network",
                "technology",
                "generation",
                "network_generation",
                "network_technology",
                "rat",
            ],
            Field::Category => &[
                "category",
                "equipment_category",
                "equipment_type",
                "device_type",
                "device_category",
                "type_of_equipment",
            ],
            Field::Origin => &[
                "origin",
                "made_in",
                "country_of_production",
                "production_country",
                "country_of_origin",
                "manufactured_in",
            ],
            Field::Mac => &[
                "mac",
                "mac_address",
                "macaddress",
                "mac_addr",
                "hwaddr",
                "hw_addr",
                "hw_address",
                "hardware_address",
                "bssid",
                "ethernet_address",
                "physical_address",
                "base_mac",
                "chassis_mac",
            ],
            Field::FccId => &["fcc_id", "fccid", "fcc_identifier", "fcc_grant"],
        }
    }

    /// Parses a canonical field name (or one of its synonyms).
    pub fn parse(name: &str) -> Option<Field> {
        let n = normalize_header(name);
        Field::ALL
            .into_iter()
            .find(|f| f.synonyms().contains(&n.as_str()))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The outcome for one item, ordered from best to worst.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing against it.
    Ok,
    /// In breach, but covered by an approved waiver.
    Waived,
    /// A person must look at it.
    Review,
    /// In breach.
    Violation,
}

impl Verdict {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Waived => "waived",
            Verdict::Review => "review",
            Verdict::Violation => "violation",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
/// Normalises a header for comparison: trimmed, lowercase, separators as `_`.
pub fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.trim().trim_start_matches('\u{feff}').chars() {
        match c {
            ' ' | '-' | '.' | '\t' | '/' => {
                if !out.ends_with('_') {
                    out.push('_');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim_matches('_').to_string()
}
