//! Read-only string tables that `build.rs` compiles into the binary ([`StrMap`], [`StrRows`]):
//! plain integers and one text per table, so that start-up neither parses nor hashes them and
//! the loader has no pointer per entry to relocate.
//!
//! A table holds its keys as (offset, length) into its text. A [`StrMap`] finds a key with a
//! perfect hash computed at build time (`phf_generator`; the lookup is `phf_shared`'s): one
//! SipHash of the key, one probe, one comparison. A [`StrRows`] is a list kept in the order
//! `build.rs` wrote it (sorted by key where its user binary-searches it).

/// A map from strings to values, built by `build.rs` with a perfect hash: every key has a
/// slot of its own, so a lookup probes one slot and compares one key.
pub(crate) struct StrMap<V: 'static> {
    /// The hash key (`phf_generator::HashState::key`).
    pub(crate) key: u64,
    /// The displacements (`phf_generator::HashState::disps`).
    pub(crate) disps: &'static [(u32, u32)],
    /// Per slot: the key's offset and length in `text`, and its value.
    pub(crate) slots: &'static [(u32, u32, V)],
    /// Every key, one after the other.
    pub(crate) text: &'static str,
}

impl<V> StrMap<V> {
    /// The value of `key`, if it is in the map.
    pub(crate) fn get(&self, key: &str) -> Option<&'static V> {
        if self.slots.is_empty() || self.disps.is_empty() {
            return None;
        }
        let hashes = phf_shared::hash(key, &self.key);
        let i = phf_shared::get_index(&hashes, self.disps, self.slots.len());
        let (offset, len, value) = self.slots.get(usize::try_from(i).ok()?)?;
        (slice(self.text, *offset, *len) == Some(key)).then_some(value)
    }

    /// Whether `key` is in the map.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// How many keys the map holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Every (key, value), in slot order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &'static V)> + '_ {
        let text = self.text;
        self.slots
            .iter()
            .filter_map(move |(o, l, v)| Some((slice(text, *o, *l)?, v)))
    }
}

/// A list of (string, value) rows in the order `build.rs` wrote them.
pub(crate) struct StrRows<V: 'static> {
    /// Per row: the string's offset and length in `text`, and the row's value.
    pub(crate) rows: &'static [(u32, u32, V)],
    /// Every string, one after the other.
    pub(crate) text: &'static str,
}

impl<V> StrRows<V> {
    /// How many rows there are.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The string of row `i` (empty past the end).
    pub(crate) fn key(&self, i: usize) -> &'static str {
        self.rows
            .get(i)
            .and_then(|(o, l, _)| slice(self.text, *o, *l))
            .unwrap_or("")
    }

    /// Row `i`: its string and value.
    pub(crate) fn get(&self, i: usize) -> Option<(&'static str, &'static V)> {
        let (o, l, v) = self.rows.get(i)?;
        Some((slice(self.text, *o, *l)?, v))
    }

    /// The string at (`offset`, `len`) of the table's text (rows may carry more strings than
    /// their key in it).
    pub(crate) fn text_at(&self, offset: u32, len: u32) -> Option<&'static str> {
        slice(self.text, offset, len)
    }

    /// The first row whose string is not less than `key`, in a list sorted by string.
    pub(crate) fn lower_bound(&self, key: &str) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// `text[offset..offset + len]`, if that is a whole slice of it.
fn slice(text: &'static str, offset: u32, len: u32) -> Option<&'static str> {
    let start = usize::try_from(offset).ok()?;
    text.get(start..start.checked_add(usize::try_from(len).ok()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_compiled_map_is_found_and_others_are_not() {
        // The word list is the largest map build.rs compiles.
        let words = &crate::matcher::weights::WORDS;
        assert!(words.len() > 20_000);
        let mut n = 0;
        for (key, value) in words.iter() {
            assert_eq!(words.get(key), Some(value), "{key}");
            n += 1;
        }
        assert_eq!(n, words.len());
        for absent in ["", "zzzzqqqq", "technologyx", "ltd ", " ltd"] {
            assert_eq!(words.get(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn rows_are_read_back_and_searched() {
        static ROWS: StrRows<u32> = StrRows {
            rows: &[(0, 1, 10), (1, 2, 20), (3, 1, 30)],
            text: "abbc",
        };
        assert_eq!(ROWS.get(1), Some(("bb", &20)));
        assert_eq!(ROWS.get(3), None);
        assert_eq!(ROWS.key(9), "");
        assert_eq!(ROWS.lower_bound("a"), 0);
        assert_eq!(ROWS.lower_bound("b"), 1);
        assert_eq!(ROWS.lower_bound("bb"), 1);
        assert_eq!(ROWS.lower_bound("bc"), 2);
        assert_eq!(ROWS.lower_bound("d"), 3);
    }
}
