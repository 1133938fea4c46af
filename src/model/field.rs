//! The canonical inventory [`Field`]s tvcheck understands, their header synonyms, and header
//! normalisation.

use std::fmt;

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

/// Normalises a header for comparison: trimmed, lowercase, separators as `_`.
pub(crate) fn normalize_header(h: &str) -> String {
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
