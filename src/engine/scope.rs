//! What an item's scope columns say (network domain, network technology, equipment category),
//! read once per distinct value and remembered by each evaluator: an inventory writes the
//! same few values on every row, and each rule with a scope asks again.

use std::collections::HashMap;
use std::rc::Rc;

use crate::policy::category::CategoryMatch;
use crate::policy::{Category, Domain, Network};

/// Distinct values remembered per column; past that, values are read each time (an inventory
/// with more distinct values than this in a scope column is not worth remembering).
const REMEMBERED: usize = 1024;

/// The readings of scope values seen so far.
#[derive(Default)]
pub(super) struct ScopeMemo {
    domains: HashMap<Box<str>, Option<Domain>, ahash::RandomState>,
    networks: HashMap<Box<str>, Rc<[Network]>, ahash::RandomState>,
    categories: HashMap<Box<str>, Option<CategoryMatch>, ahash::RandomState>,
}

/// `map`'s value for `key`, read with `read` and remembered (while there is room).
fn remembered<V: Clone>(
    map: &mut HashMap<Box<str>, V, ahash::RandomState>,
    key: &str,
    read: impl FnOnce(&str) -> V,
) -> V {
    if let Some(v) = map.get(key) {
        return v.clone();
    }
    let v = read(key);
    if map.len() < REMEMBERED {
        map.insert(key.into(), v.clone());
    }
    v
}

impl ScopeMemo {
    /// The network domain a value names ([`Domain::from_inventory`]).
    pub(super) fn domain(&mut self, value: &str) -> Option<Domain> {
        remembered(&mut self.domains, value, Domain::from_inventory)
    }

    /// The network technologies a value names ([`Network::from_inventory`]), sorted, each
    /// once.
    pub(super) fn networks(&mut self, value: &str) -> Rc<[Network]> {
        remembered(&mut self.networks, value, |v| {
            Network::from_inventory(v).into()
        })
    }

    /// The equipment category a value names ([`Category::from_inventory`]).
    pub(super) fn category(&mut self, value: &str) -> Option<CategoryMatch> {
        remembered(&mut self.categories, value, Category::from_inventory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remembered reading is the reading; values past the limit are still read.
    #[test]
    fn remembered_readings_are_the_readings() {
        let mut memo = ScopeMemo::default();
        for value in [
            "RAN",
            "core network",
            "5G core",
            "",
            "no such domain",
            "RAN",
        ] {
            assert_eq!(memo.domain(value), Domain::from_inventory(value), "{value}");
            assert_eq!(
                &*memo.networks(value),
                Network::from_inventory(value).as_slice(),
                "{value}"
            );
        }
        for value in ["router", "Routers", "drone camera", "toaster"] {
            assert_eq!(
                memo.category(value),
                Category::from_inventory(value),
                "{value}"
            );
        }
        for n in 0..REMEMBERED + 10 {
            let value = format!("domain {n}");
            assert_eq!(memo.domain(&value), Domain::from_inventory(&value));
        }
        assert_eq!(memo.domains.len(), REMEMBERED);
        assert_eq!(memo.domain("ran"), Domain::from_inventory("ran"));
    }
}
