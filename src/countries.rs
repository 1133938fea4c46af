//! Country reference data compiled into the binary: ISO 3166-1 alpha-2 codes and names
//! (from `data/countries/iso3166.csv`).

use std::collections::HashMap;
use std::sync::OnceLock;

const ISO3166: &str = include_str!("../data/countries/iso3166.csv");

fn table() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for line in ISO3166.lines().skip(1) {
            let Some((code, name)) = line.split_once(',') else {
                continue;
            };
            map.insert(code, name.trim_matches('"'));
        }
        map
    })
}

/// Whether `code` is an officially assigned ISO 3166-1 alpha-2 code (uppercase).
pub fn is_alpha2(code: &str) -> bool {
    table().contains_key(code)
}

/// The English short name of an alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    table().get(code).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_assigned_codes() {
        assert_eq!(table().len(), 249);
        assert!(is_alpha2("LT"));
        assert!(is_alpha2("CN"));
        assert!(!is_alpha2("lt"));
        assert!(!is_alpha2("XX"));
        assert!(!is_alpha2("EU"));
        assert_eq!(name("SE"), Some("Sweden"));
    }
}
