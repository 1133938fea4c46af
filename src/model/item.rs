//! An inventory [`Item`]: one record, a piece of equipment as the operator described it,
//! with its canonical fields, other columns and reading warnings.

use std::sync::Arc;

use super::Field;

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
    pub(crate) fn from_fields<E>(
        file: &Arc<str>,
        line: u64,
        quantity: Option<u64>,
        extra: Vec<(Arc<str>, String)>,
        mut get: impl FnMut(Field) -> Result<Option<String>, E>,
    ) -> Result<Item, E> {
        let mut item = Item {
            file: Arc::clone(file),
            line,
            quantity,
            extra,
            ..Item::default()
        };
        item.set_fields(|f, slot| {
            *slot = get(f)?;
            Ok(())
        })?;
        Ok(item)
    }

    /// Sets the canonical text fields (all but the quantity) through `set`, which is given each
    /// field's slot in a fixed order (the first error wins; the vendor is empty when `set`
    /// leaves `None`), then checks the device identifiers. A reader that refills one item
    /// record after record lets `set` reuse the strings in the slots.
    pub(crate) fn set_fields<E>(
        &mut self,
        mut set: impl FnMut(Field, &mut Option<String>) -> Result<(), E>,
    ) -> Result<(), E> {
        set(Field::AssetId, &mut self.asset_id)?;
        let mut vendor = Some(std::mem::take(&mut self.vendor));
        set(Field::Vendor, &mut vendor)?;
        self.vendor = vendor.unwrap_or_default();
        for (field, slot) in [
            (Field::Model, &mut self.model),
            (Field::Serial, &mut self.serial),
            (Field::Site, &mut self.site),
            (Field::Domain, &mut self.domain),
            (Field::Country, &mut self.country),
            (Field::Installed, &mut self.installed),
            (Field::Purpose, &mut self.purpose),
            (Field::Network, &mut self.network),
            (Field::Category, &mut self.category),
            (Field::Origin, &mut self.origin),
            (Field::Mac, &mut self.mac),
            (Field::FccId, &mut self.fcc_id),
        ] {
            set(field, slot)?;
        }
        self.check_identifiers();
        Ok(())
    }

    /// Warns about a device identifier that cannot be read (a MAC address in no known
    /// notation): it gives no evidence, and the report says so at the item's place.
    pub(crate) fn check_identifiers(&mut self) {
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
