//! Building an [`Item`] from a record's values once its columns are mapped: shared by the
//! workbook, JSON and JSON Lines readers.

use std::sync::Arc;

use super::columns::ColumnMap;
use super::csv::parse_quantity;
use crate::model::{Field, Item};

/// The warning for a quantity that is not a whole number: `what` names where it was read
/// (`column 'Qty'`, `key 'qty'`, `property 'cdx:device:quantity'`).
pub(crate) fn quantity_warning(what: &str, value: &str) -> String {
    format!(
        "{what}: quantity '{}' is not a whole number; the record is kept and the value carried as written",
        crate::error::one_line(value)
    )
}

/// Builds an item from `values` (one per header, `None` when empty), moving them out. A
/// quantity that is not a whole number keeps the record: `quantity` stays `None`, the value
/// is carried in `extra` under its header and a warning names the column; `noun` says what a
/// column is called in the format ("column", "key").
pub(crate) fn build_item(
    file: &Arc<str>,
    line: u64,
    headers: &[Arc<str>],
    map: &ColumnMap,
    values: &mut [Option<String>],
    noun: &str,
) -> Item {
    let fallback = map
        .asset_id_fallback
        .and_then(|i| values.get(i).cloned().flatten());
    let mut take = |f: Field| -> Option<String> {
        map.get(f)
            .and_then(|i| values.get_mut(i))
            .and_then(Option::take)
    };
    let mut bad: Option<(usize, String)> = None;
    let quantity = match map.get(Field::Quantity) {
        None => None,
        Some(i) => match take(Field::Quantity) {
            None => None,
            Some(q) => match parse_quantity(&q) {
                Some(n) => Some(n),
                None => {
                    bad = Some((i, q));
                    None
                }
            },
        },
    };
    let Ok(mut item) = Item::from_fields(file, line, quantity, Vec::new(), |f| {
        Ok::<_, std::convert::Infallible>(take(f))
    });
    item.installed_column = map
        .get(Field::Installed)
        .and_then(|i| headers.get(i))
        .cloned();
    if item.asset_id.is_none() {
        item.asset_id = fallback;
    }
    item.extra
        .reserve(map.extra.len() + usize::from(bad.is_some()));
    for &i in &map.extra {
        if let (Some(h), Some(v)) = (headers.get(i), values.get_mut(i).and_then(Option::take)) {
            item.extra.push((Arc::clone(h), v));
        }
    }
    if let Some((i, q)) = bad {
        let header: Arc<str> = headers
            .get(i)
            .cloned()
            .unwrap_or_else(|| Arc::from("quantity"));
        item.warnings
            .push(quantity_warning(&format!("{noun} '{header}'"), &q));
        item.extra.push((header, q));
    }
    item
}

/// A number as an identifier would be written: whole numbers without a fraction or
/// exponent (`12.0` → `12`, `1e3` → `1000`), others in their shortest exact form.
pub(crate) fn number_text(f: f64) -> String {
    if f == 0.0 {
        // Also -0.0.
        return "0".to_string();
    }
    // Display prints whole floats without ".0" and never with an exponent.
    format!("{f}")
}

/// Trims a value; `None` when nothing is left.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::columns::map_headers;

    #[test]
    fn numbers_read_like_identifiers() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(2102311.0), "2102311");
        assert_eq!(number_text(1e3), "1000");
        assert_eq!(number_text(12345678901234.0), "12345678901234");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(0.1), "0.1");
    }

    #[test]
    fn builds_items_and_keeps_bad_quantities() {
        let headers: Vec<Arc<str>> = ["Vendor", "Qty", "Owner", "Note"]
            .into_iter()
            .map(Arc::from)
            .collect();
        let names: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let map = map_headers(&names, &[]).unwrap();
        let file: Arc<str> = Arc::from("f.json");
        let mut v = vec![
            Some("ZTE".into()),
            Some("4".into()),
            Some("RAN".into()),
            None,
        ];
        let item = build_item(&file, 7, &headers, &map, &mut v, "column");
        assert_eq!(item.vendor, "ZTE");
        assert_eq!(item.quantity, Some(4));
        assert_eq!(item.line, 7);
        assert_eq!(item.extra, vec![(Arc::from("Owner"), "RAN".to_string())]);
        assert!(item.warnings.is_empty());
        for bad in ["2.5", "2 pcs", "N/A", "1,000", "-1"] {
            let mut v = vec![Some("ZTE".into()), Some(bad.into()), None, None];
            let item = build_item(&file, 7, &headers, &map, &mut v, "column");
            assert_eq!(item.vendor, "ZTE");
            assert_eq!(item.quantity, None);
            assert_eq!(item.extra, vec![(Arc::from("Qty"), bad.to_string())]);
            assert_eq!(
                item.warnings,
                vec![format!("column 'Qty': quantity '{bad}' is not a whole number; the record is kept and the value carried as written")]
            );
        }
    }
}
