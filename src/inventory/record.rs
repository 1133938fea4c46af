//! Building an [`Item`] from a record's values once its columns are mapped: shared by the
//! workbook, JSON and JSON Lines readers.

use std::sync::Arc;

use super::columns::ColumnMap;
use super::csv::parse_quantity;
use crate::model::{Field, Item};

/// A quantity that is not a whole number: its column and text.
#[derive(Debug, PartialEq, Eq)]
pub struct BadQuantity {
    /// The column (index into the headers).
    pub column: usize,
    /// The value as read.
    pub value: String,
}

/// Builds an item from `values` (one per header, `None` when empty), moving them out.
pub fn build_item(
    file: &Arc<str>,
    line: u64,
    headers: &[Arc<str>],
    map: &ColumnMap,
    values: &mut [Option<String>],
) -> Result<Item, BadQuantity> {
    let mut take = |f: Field| -> Option<String> {
        map.get(f)
            .and_then(|i| values.get_mut(i))
            .and_then(Option::take)
    };
    let quantity = match map.get(Field::Quantity) {
        None => None,
        Some(i) => match take(Field::Quantity) {
            None => None,
            Some(q) => Some(parse_quantity(&q).ok_or(BadQuantity {
                column: i,
                value: q,
            })?),
        },
    };
    let Ok(mut item) = Item::from_fields(file, line, quantity, Vec::new(), |f| {
        Ok::<_, std::convert::Infallible>(take(f))
    });
    item.extra.reserve(map.extra.len());
    for &i in &map.extra {
        if let (Some(h), Some(v)) = (headers.get(i), values.get_mut(i).and_then(Option::take)) {
            item.extra.push((Arc::clone(h), v));
        }
    }
    Ok(item)
}

/// A number as an identifier would be written: whole numbers without a fraction or
/// exponent (`12.0` → `12`, `1e3` → `1000`), others in their shortest exact form.
pub fn number_text(f: f64) -> String {
    if f == 0.0 {
        // Also -0.0.
        return "0".to_string();
    }
    // Display prints whole floats without ".0" and never with an exponent.
    format!("{f}")
}

/// Trims a value; `None` when nothing is left.
pub fn non_empty(s: &str) -> Option<String> {
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
    fn builds_items_and_rejects_bad_quantities() {
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
        let item = build_item(&file, 7, &headers, &map, &mut v).unwrap();
        assert_eq!(item.vendor, "ZTE");
        assert_eq!(item.quantity, Some(4));
        assert_eq!(item.line, 7);
        assert_eq!(item.extra, vec![(Arc::from("Owner"), "RAN".to_string())]);
        let mut v = vec![Some("ZTE".into()), Some("2.5".into()), None, None];
        assert_eq!(
            build_item(&file, 7, &headers, &map, &mut v).unwrap_err(),
            BadQuantity {
                column: 1,
                value: "2.5".into()
            }
        );
    }
}
