//! Header recognition: maps an inventory's column names (or TOML keys) to canonical [`Field`]s.
//!
//! Headers are compared case-insensitively after trimming and turning spaces, hyphens and dots
//! into underscores, so `Serial Number`, `serial-number` and `SERIAL_NUMBER` are one name.
//! `--column FIELD=HEADER` overrides take precedence over synonyms.

use std::collections::BTreeMap;

use crate::model::{normalize_header, Field};

/// A user's explicit mapping of a field to a header, from `--column FIELD=HEADER`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnOverride {
    /// The canonical field.
    pub field: Field,
    /// The header it is read from, as the user wrote it.
    pub header: String,
}

impl ColumnOverride {
    /// Parses `FIELD=HEADER`.
    pub fn parse(spec: &str) -> Result<ColumnOverride, String> {
        let Some((field, header)) = spec.split_once('=') else {
            return Err(format!(
                "'{spec}' is not of the form FIELD=HEADER (for example vendor=Hersteller)"
            ));
        };
        let Some(field) = Field::parse(field) else {
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            return Err(format!(
                "'{field}' is not a field tvcheck knows; use one of: {}",
                names.join(", ")
            ));
        };
        if header.trim().is_empty() {
            return Err(format!("'{spec}' names no header after '='"));
        }
        Ok(ColumnOverride {
            field,
            header: header.trim().to_string(),
        })
    }
}

/// Which column index holds which field; the rest are extra columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ColumnMap {
    /// For each canonical field, the index of its column.
    pub fields: BTreeMap<Field, usize>,
    /// Indices of the columns that map to no field.
    pub extra: Vec<usize>,
    /// A column (one of `extra`) whose value is the asset id of a record that has none: the
    /// device `Name` of a NetBox export whose `Asset tag` is empty.
    pub asset_id_fallback: Option<usize>,
}

impl ColumnMap {
    /// The column index of `field`.
    pub(crate) fn get(&self, field: Field) -> Option<usize> {
        self.fields.get(&field).copied()
    }
}

/// Why headers could not be mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MapError {
    /// No column maps to vendor.
    NoVendor {
        /// The headers found.
        found: Vec<String>,
    },
    /// Two columns map to one field.
    Ambiguous {
        /// The field.
        field: Field,
        /// The two headers.
        first: String,
        /// The second header.
        second: String,
    },
    /// An override names a header that is not there.
    MissingOverride {
        /// The override.
        spec: ColumnOverride,
        /// The headers found.
        found: Vec<String>,
    },
    /// The same header appears twice.
    Duplicate {
        /// The header.
        header: String,
        /// 0-based indices of the two occurrences.
        first: usize,
        /// Second index.
        second: usize,
    },
}

impl MapError {
    /// A plain-words message and hint for this error.
    pub(crate) fn describe(&self) -> (String, String) {
        match self {
            MapError::NoVendor { found } => (
                format!("no vendor column: the headers are {}", quote_list(found)),
                format!(
                    "name a column one of {} (any case), or map one with --column vendor=HEADER",
                    Field::Vendor.synonyms().join(", ")
                ),
            ),
            MapError::Ambiguous {
                field,
                first,
                second,
            } => (
                format!("both columns '{first}' and '{second}' can be the {field} column"),
                format!("choose one with --column {field}=HEADER"),
            ),
            MapError::MissingOverride { spec, found } => (
                format!(
                    "--column {}={} names a header that is not in the file; the headers are {}",
                    spec.field,
                    spec.header,
                    quote_list(found)
                ),
                "check the header's spelling (case does not matter)".to_string(),
            ),
            MapError::Duplicate {
                header,
                first,
                second,
            } => (
                format!(
                    "the header '{header}' appears twice (columns {} and {})",
                    first + 1,
                    second + 1
                ),
                "rename one of the columns so that every header is unique".to_string(),
            ),
        }
    }
}

fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_string();
    }
    items
        .iter()
        .map(|h| format!("'{h}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Maps headers to fields, applying overrides first and synonyms after.
pub(crate) fn map_headers(
    headers: &[String],
    overrides: &[ColumnOverride],
) -> Result<ColumnMap, MapError> {
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    // Linear in the number of columns, even for a 100,000-column header.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, h) in norm.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(&j) = seen.get(h.as_str()) {
            return Err(MapError::Duplicate {
                header: headers[i].trim().to_string(),
                first: j,
                second: i,
            });
        }
        seen.insert(h, i);
    }
    let mut fields: BTreeMap<Field, usize> = BTreeMap::new();
    let mut taken = vec![false; headers.len()];
    for o in overrides {
        let want = normalize_header(&o.header);
        match norm.iter().position(|h| *h == want) {
            Some(i) => {
                fields.insert(o.field, i);
                taken[i] = true;
            }
            None => {
                return Err(MapError::MissingOverride {
                    spec: o.clone(),
                    found: headers.iter().map(|h| h.trim().to_string()).collect(),
                })
            }
        }
    }
    // NetBox's device export: its headers' own meaning first (see `super::netbox`).
    let mut asset_id_fallback = None;
    if super::netbox::is_device_export(&norm) {
        for (field, names) in super::netbox::csv_columns() {
            if fields.contains_key(field) {
                continue;
            }
            let found = names.iter().find_map(|n| {
                norm.iter()
                    .enumerate()
                    .position(|(i, h)| h == n && !taken[i])
            });
            if let Some(i) = found {
                fields.insert(*field, i);
                taken[i] = true;
            }
        }
        asset_id_fallback = norm
            .iter()
            .enumerate()
            .position(|(i, h)| h == "name" && !taken[i]);
    }
    for field in Field::ALL {
        if fields.contains_key(&field) {
            continue;
        }
        let mut found: Option<usize> = None;
        for (i, h) in norm.iter().enumerate() {
            if taken[i] || !field.synonyms().contains(&h.as_str()) {
                continue;
            }
            if let Some(first) = found {
                return Err(MapError::Ambiguous {
                    field,
                    first: headers[first].trim().to_string(),
                    second: headers[i].trim().to_string(),
                });
            }
            found = Some(i);
        }
        if let Some(i) = found {
            fields.insert(field, i);
            taken[i] = true;
        }
    }
    if !fields.contains_key(&Field::Vendor) {
        return Err(MapError::NoVendor {
            found: headers.iter().map(|h| h.trim().to_string()).collect(),
        });
    }
    let extra = (0..headers.len()).filter(|&i| !taken[i]).collect();
    Ok(ColumnMap {
        fields,
        extra,
        asset_id_fallback,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalises_case_and_separators() {
        assert_eq!(normalize_header("  Serial Number "), "serial_number");
        assert_eq!(normalize_header("serial-number"), "serial_number");
        assert_eq!(normalize_header("\u{feff}Vendor"), "vendor");
        assert_eq!(normalize_header("Part No."), "part_no");
        assert_eq!(normalize_header("MODEL"), "model");
    }

    #[test]
    fn synonyms_map_to_fields_and_the_rest_is_extra() {
        let m = map_headers(
            &h(&[
                "Manufacturer",
                "Part Number",
                "SN",
                "Location",
                "Network Domain",
                "Qty",
                "Owner",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(m.get(Field::Vendor), Some(0));
        assert_eq!(m.get(Field::Model), Some(1));
        assert_eq!(m.get(Field::Serial), Some(2));
        assert_eq!(m.get(Field::Site), Some(3));
        assert_eq!(m.get(Field::Domain), Some(4));
        assert_eq!(m.get(Field::Quantity), Some(5));
        assert_eq!(m.extra, vec![6]);
    }

    #[test]
    fn every_synonym_is_recognised() {
        for field in Field::ALL {
            for syn in field.synonyms() {
                let m = map_headers(&h(&["vendor", syn]), &[]);
                if field == Field::Vendor {
                    assert!(matches!(
                        m,
                        Err(MapError::Ambiguous { .. }) | Err(MapError::Duplicate { .. })
                    ));
                } else {
                    assert_eq!(m.unwrap().get(field), Some(1), "{syn}");
                }
            }
        }
    }

    #[test]
    fn production_country_is_origin_not_country() {
        let m = map_headers(
            &h(&[
                "Vendor",
                "Made in",
                "Vendor country",
                "Device type",
                "Notes",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(m.get(Field::Origin), Some(1));
        assert_eq!(m.get(Field::Country), Some(2));
        assert_eq!(m.get(Field::Category), Some(3));
        assert_eq!(m.extra, vec![4]);
        // `country_of_origin` is where the item was produced, not where its maker is
        // registered.
        let m = map_headers(
            &h(&["vendor", "Country of Origin", "Equipment Category"]),
            &[],
        )
        .unwrap();
        assert_eq!(m.get(Field::Origin), Some(1));
        assert_eq!(m.get(Field::Country), None);
        assert_eq!(m.get(Field::Category), Some(2));
        // Both columns side by side are two fields, not an ambiguity.
        let m = map_headers(&h(&["vendor", "country", "country_of_origin"]), &[]).unwrap();
        assert_eq!(m.get(Field::Country), Some(1));
        assert_eq!(m.get(Field::Origin), Some(2));
        assert_eq!(Field::parse("Manufactured in"), Some(Field::Origin));
        assert_eq!(Field::parse("type of equipment"), Some(Field::Category));
    }

    #[test]
    fn override_wins_and_missing_vendor_is_reported() {
        let o = ColumnOverride::parse("vendor=Hersteller").unwrap();
        let m = map_headers(&h(&["Hersteller", "Modell"]), std::slice::from_ref(&o)).unwrap();
        assert_eq!(m.get(Field::Vendor), Some(0));
        assert_eq!(m.extra, vec![1]);
        let e = map_headers(&h(&["Hersteller", "Modell"]), &[]).unwrap_err();
        assert_eq!(
            e,
            MapError::NoVendor {
                found: h(&["Hersteller", "Modell"])
            }
        );
        let (msg, hint) = e.describe();
        assert!(msg.contains("'Hersteller', 'Modell'"), "{msg}");
        assert!(hint.contains("manufacturer"), "{hint}");
        let e = map_headers(&h(&["vendor"]), &[o]).unwrap_err();
        assert!(matches!(e, MapError::MissingOverride { .. }));
    }

    #[test]
    fn ambiguity_and_duplicates_are_errors() {
        assert!(matches!(
            map_headers(&h(&["vendor", "manufacturer"]), &[]),
            Err(MapError::Ambiguous {
                field: Field::Vendor,
                ..
            })
        ));
        assert!(matches!(
            map_headers(&h(&["vendor", "Vendor"]), &[]),
            Err(MapError::Duplicate {
                first: 0,
                second: 1,
                ..
            })
        ));
        // An override resolves the ambiguity; the other column becomes extra.
        let o = ColumnOverride::parse("vendor=manufacturer").unwrap();
        let m = map_headers(&h(&["vendor", "manufacturer"]), &[o]).unwrap();
        assert_eq!(m.get(Field::Vendor), Some(1));
        assert_eq!(m.extra, vec![0]);
    }

    #[test]
    fn override_parsing() {
        assert!(ColumnOverride::parse("vendor").is_err());
        assert!(ColumnOverride::parse("colour=x").is_err());
        assert!(ColumnOverride::parse("vendor=").is_err());
        assert_eq!(
            ColumnOverride::parse("Serial Number=SNo").unwrap().field,
            Field::Serial
        );
    }
}
