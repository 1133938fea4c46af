//! Token weights: how much a word says about a company's identity, from the frequency list of
//! company-name words in `data/company-words.csv` (document frequency over the IEEE registry's
//! organisation names). Frequent words (technology, digital, communications, electronics,
//! group, international, and place names such as Shenzhen, Hangzhou, Zhejiang) are *generic*:
//! they never carry a match on their own. Words with digits (model numbers) and words of one
//! or two letters are generic too.

type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
use std::sync::OnceLock;

const COMPANY_WORDS: &str = include_str!("../../data/company-words.csv");

/// A word found in at least this many of the organisation names is generic.
pub const GENERIC_DF: u32 = 10;

struct Table {
    df: HashMap<&'static str, u32>,
    docs: u32,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut df = HashMap::default();
        let mut docs = 0;
        for line in COMPANY_WORDS.lines().skip(1) {
            if let Some((w, c)) = line.split_once(',') {
                if let Ok(c) = c.trim().parse::<u32>() {
                    df.insert(w, c);
                    docs = docs.max(c);
                }
            }
        }
        // The most frequent word appears in about a quarter of the names; the file's README
        // gives the exact number of organisation names (18,742).
        Table {
            df,
            docs: docs.max(1) * 4,
        }
    })
}

/// In how many organisation names of the reference list the word appears.
pub fn document_frequency(token: &str) -> u32 {
    table().df.get(token).copied().unwrap_or(0)
}

/// Whether a token says little about identity.
pub fn is_generic(token: &str) -> bool {
    token.chars().count() <= 2
        || token.chars().any(|c| c.is_ascii_digit())
        || document_frequency(token) >= GENERIC_DF
}

/// Inverse-document-frequency weight of a token (0 for tokens with digits).
pub fn weight(token: &str) -> f64 {
    if token.chars().any(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    let t = table();
    (f64::from(t.docs + 1) / f64::from(document_frequency(token) + 1)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_words_come_from_the_frequency_list() {
        for w in [
            "technology",
            "digital",
            "communications",
            "electronics",
            "group",
            "international",
            "shenzhen",
            "hangzhou",
            "zhejiang",
            "beijing",
            "shanghai",
        ] {
            assert!(is_generic(w), "{w}");
        }
        for w in ["huawei", "hikvision", "dahua", "zte", "hytera", "scale"] {
            assert!(!is_generic(w), "{w}");
        }
        assert!(is_generic("2mp"));
        assert!(is_generic("te"));
        assert!(weight("huawei") > weight("technology"));
        assert!(weight("technology") > 0.0);
    }
}
