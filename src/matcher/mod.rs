//! Matching inventory vendor and model strings to registry entities.
//!
//! The registry is indexed once: a hash map from normalised names and aliases to entities,
//! and one compiled set of all model-number globs. Matching a string is a normalisation and
//! a hash lookup, never a scan of the registry. Fuzzy matching comes later; the result type
//! already carries a score.

pub mod normalize;

use std::collections::HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::registry::RegistryData;

/// How an item was tied to a registry entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The vendor string is the entity's registered name.
    Name,
    /// The vendor string is one of the entity's aliases.
    Alias,
    /// The model matches one of the entity's model patterns.
    Model,
    /// The designation reaches the entity through a controlling parent.
    Parent,
}

impl MatchKind {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Name => "name",
            MatchKind::Alias => "alias",
            MatchKind::Model => "model",
            MatchKind::Parent => "parent",
        }
    }
}

/// One entity an item points to, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Index of the vendor in the registry data.
    pub vendor: usize,
    /// How it matched (name, alias or model).
    pub kind: MatchKind,
    /// The registry text that matched: the name, the alias or the model pattern.
    pub matched: String,
    /// Confidence in [0, 1]; 1 for exact matches.
    pub score: f64,
}

/// Everything the matcher found for one (vendor, model) pair.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatchResult {
    /// The normalised vendor string.
    pub normalized: String,
    /// Entities the vendor string names.
    pub by_vendor: Vec<Candidate>,
    /// Entities whose model patterns match the model.
    pub by_model: Vec<Candidate>,
}

impl MatchResult {
    /// Whether anything matched.
    pub fn is_identified(&self) -> bool {
        !self.by_vendor.is_empty() || !self.by_model.is_empty()
    }
}

/// The registry, indexed for matching.
pub struct Matcher {
    names: HashMap<String, Vec<(usize, MatchKind, String)>>,
    patterns: GlobSet,
    pattern_owner: Vec<(usize, String)>,
}

impl Matcher {
    /// Indexes `data`.
    pub fn new(data: &RegistryData) -> Result<Matcher> {
        Matcher::new_filtered(data, |_| true)
    }

    /// Indexes the entries of `data` for which `keep` holds (e.g. those not retired on the
    /// as-of date); candidates still refer to indices in `data.vendors`.
    pub fn new_filtered(
        data: &RegistryData,
        keep: impl Fn(&crate::registry::Vendor) -> bool,
    ) -> Result<Matcher> {
        let mut names: HashMap<String, Vec<(usize, MatchKind, String)>> = HashMap::new();
        let mut add = |key: String, entry: (usize, MatchKind, String)| {
            if key.is_empty() {
                return;
            }
            let slot = names.entry(key).or_default();
            if !slot.iter().any(|(v, _, _)| *v == entry.0) {
                slot.push(entry);
            }
        };
        for (i, v) in data.vendors.iter().enumerate().filter(|(_, v)| keep(v)) {
            add(
                normalize::normalize(&v.name),
                (i, MatchKind::Name, v.name.clone()),
            );
        }
        for (i, v) in data.vendors.iter().enumerate().filter(|(_, v)| keep(v)) {
            for a in &v.aliases {
                add(normalize::normalize(a), (i, MatchKind::Alias, a.clone()));
            }
        }
        let mut builder = GlobSetBuilder::new();
        let mut pattern_owner = Vec::new();
        for (i, v) in data.vendors.iter().enumerate().filter(|(_, v)| keep(v)) {
            for p in &v.model_patterns {
                let glob = GlobBuilder::new(p)
                    .case_insensitive(true)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::Registry,
                            format!("vendor '{}': model pattern '{p}' is invalid: {e}", v.id),
                        )
                    })?;
                builder.add(glob);
                pattern_owner.push((i, p.clone()));
            }
        }
        let patterns = builder
            .build()
            .map_err(|e| Error::new(ErrorKind::Registry, format!("model patterns: {e}")))?;
        Ok(Matcher {
            names,
            patterns,
            pattern_owner,
        })
    }

    /// Finds the entities a vendor string and a model point to.
    pub fn match_item(&self, vendor: &str, model: Option<&str>) -> MatchResult {
        let normalized = normalize::normalize(vendor);
        let mut by_vendor: Vec<Candidate> = self
            .names
            .get(&normalized)
            .map(|hits| {
                hits.iter()
                    .map(|(v, kind, matched)| Candidate {
                        vendor: *v,
                        kind: *kind,
                        matched: matched.clone(),
                        score: 1.0,
                    })
                    .collect()
            })
            .unwrap_or_default();
        if by_vendor.len() > 1 {
            // Several entities share the normalised form ("AO Kaspersky Lab" and "Kaspersky
            // Lab, Inc."): the one whose text matches with its legal form comes first.
            let loose = normalize::loose(vendor);
            by_vendor.sort_by_key(|c| normalize::loose(&c.matched) != loose);
        }
        let mut by_model: Vec<Candidate> = Vec::new();
        if let Some(model) = model.map(str::trim).filter(|m| !m.is_empty()) {
            let whole = std::iter::once(model);
            let words = model.split_whitespace().filter(|w| *w != model);
            for candidate in whole.chain(words) {
                for idx in self.patterns.matches(candidate) {
                    let (v, pattern) = &self.pattern_owner[idx];
                    if !by_model.iter().any(|c| c.vendor == *v) {
                        by_model.push(Candidate {
                            vendor: *v,
                            kind: MatchKind::Model,
                            matched: pattern.clone(),
                            score: 1.0,
                        });
                    }
                }
            }
        }
        MatchResult {
            normalized,
            by_vendor,
            by_model,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::import::parse_toml;
    use std::path::Path;

    fn data() -> RegistryData {
        parse_toml(
            Path::new("t.toml"),
            r#"
[[vendor]]
id = "hik"
name = "Hangzhou Hikvision Digital Technology Co., Ltd."
aliases = ["Hikvision"]
model_patterns = ["DS-2CD*"]
[[vendor]]
id = "axis"
name = "Axis Communications AB"
aliases = ["Axis"]
"#,
        )
        .unwrap()
        .data
    }

    #[test]
    fn names_aliases_and_models() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        let r = m.match_item("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO.,LTD", None);
        assert_eq!(r.by_vendor.len(), 1);
        assert_eq!(r.by_vendor[0].kind, MatchKind::Name);
        let r = m.match_item("hikvision", None);
        assert_eq!(r.by_vendor[0].kind, MatchKind::Alias);
        assert_eq!(r.by_vendor[0].matched, "Hikvision");
        let r = m.match_item("Axis", Some("ds-2cd2143g0-i"));
        assert_eq!(d.vendors[r.by_vendor[0].vendor].id, "axis");
        assert_eq!(d.vendors[r.by_model[0].vendor].id, "hik");
        assert_eq!(r.by_model[0].matched, "DS-2CD*");
        let r = m.match_item("Reseller", Some("Hikvision DS-2CD2143G0-I"));
        assert_eq!(r.by_model.len(), 1);
    }

    #[test]
    fn no_partial_name_matches() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        assert!(!m
            .match_item("Hikvision Scale Factory", None)
            .is_identified());
        assert!(!m.match_item("Axiss", Some("M3046-V")).is_identified());
        assert!(!m.match_item("", None).is_identified());
    }
}
