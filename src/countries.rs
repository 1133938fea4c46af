//! Country reference data compiled into the binary: ISO 3166-1 alpha-2 codes and names
//! (`data/countries/iso3166.csv`) and membership of country groups such as the EU, NATO,
//! EFTA and the OECD with accession and leaving dates (`data/countries/groups.toml`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::date::Date;

const ISO3166: &str = include_str!("../data/countries/iso3166.csv");
const GROUPS: &str = include_str!("../data/countries/groups.toml");
const TERRITORIES: &str = include_str!("../data/countries/territories.toml");

/// A territory that a list names beside states but that has no ISO code of its own (Crimea,
/// Transnistria, ...): `data/countries/territories.toml`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    /// Stable id, used by policies (`crimea`).
    pub id: String,
    /// English name.
    pub name: String,
    /// The state it is internationally recognised as part of (ISO alpha-2).
    pub within: String,
    /// The names inventories give it.
    pub names: Vec<String>,
}

fn territories_table() -> &'static [Territory] {
    #[derive(serde::Deserialize)]
    struct File {
        territory: Vec<Territory>,
    }
    static T: std::sync::OnceLock<Vec<Territory>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        toml::from_str::<File>(TERRITORIES)
            .map(|f| f.territory)
            .unwrap_or_default()
    })
}

/// The territory with id `id`.
pub fn territory(id: &str) -> Option<&'static Territory> {
    territories_table().iter().find(|t| t.id == id)
}

/// The territory an inventory value names (the whole value, or one of its parts separated by
/// `;` or `,`), compared case-insensitively with its names.
pub(crate) fn territory_in(value: &str) -> Option<&'static Territory> {
    value.split([';', ',']).map(str::trim).find_map(|part| {
        let part = part.to_lowercase();
        territories_table()
            .iter()
            .find(|t| t.names.iter().any(|n| n.to_lowercase() == part))
    })
}

/// A group of states with dated membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Slug, e.g. `nato`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Where membership is published.
    pub source: String,
    /// Members with the dates their membership took effect and ended.
    pub members: Vec<Membership>,
}

/// One state's membership of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    /// ISO alpha-2 code.
    pub country: String,
    /// First day of membership.
    pub joined: Date,
    /// First day on which it was no longer a member.
    pub left: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroups {
    group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    name: String,
    source: String,
    #[serde(default)]
    #[allow(dead_code)]
    notes: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    confidence: Option<String>,
    member: Vec<RawMember>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    country: String,
    joined: toml::value::Datetime,
    left: Option<toml::value::Datetime>,
}

fn toml_date(d: &toml::value::Datetime) -> Option<Date> {
    d.date.as_ref().and_then(Date::from_toml)
}

/// The country groups shipped with tvcheck.
pub fn groups() -> &'static [Group] {
    static GROUPS_CELL: OnceLock<Vec<Group>> = OnceLock::new();
    GROUPS_CELL.get_or_init(|| {
        // The file is part of the source tree and checked by a unit test; a malformed
        // file yields no groups rather than a crash.
        let raw: RawGroups = match toml::from_str(GROUPS) {
            Ok(r) => r,
            Err(_) => return Vec::new(),
        };
        raw.group
            .into_iter()
            .map(|g| Group {
                id: g.id,
                name: g.name,
                source: g.source,
                members: g
                    .member
                    .into_iter()
                    .filter_map(|m| {
                        Some(Membership {
                            joined: toml_date(&m.joined)?,
                            left: match &m.left {
                                Some(l) => Some(toml_date(l)?),
                                None => None,
                            },
                            country: m.country,
                        })
                    })
                    .collect(),
            })
            .collect()
    })
}

/// The group with this id.
pub fn group(id: &str) -> Option<&'static Group> {
    groups().iter().find(|g| g.id == id)
}

impl Group {
    /// Whether `country` was a member on `date`.
    pub(crate) fn is_member(&self, country: &str, date: Date) -> bool {
        self.members
            .iter()
            .any(|m| m.country == country && m.joined <= date && m.left.is_none_or(|l| date < l))
    }
}

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
pub(crate) fn is_alpha2(code: &str) -> bool {
    table().contains_key(code)
}

/// The alpha-2 code of an English short name (case-insensitive), e.g. `China` → `CN`.
pub(crate) fn code_for_name(name: &str) -> Option<&'static str> {
    let n = name.trim();
    table()
        .iter()
        .find(|(_, v)| v.eq_ignore_ascii_case(n))
        .map(|(k, _)| *k)
}

/// Common English forms that are not ISO short names, with their alpha-2 codes.
const COMMON_NAMES: [(&str, &str); 16] = [
    ("usa", "US"),
    ("u.s.a.", "US"),
    ("u.s.", "US"),
    ("united states of america", "US"),
    ("uk", "GB"),
    ("u.k.", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("taiwan", "TW"),
    ("vietnam", "VN"),
    ("south korea", "KR"),
    ("russia", "RU"),
    ("prc", "CN"),
    ("people's republic of china", "CN"),
    ("mainland china", "CN"),
    ("iran", "IR"),
];

/// The alpha-2 code of one country as an inventory writes it: an alpha-2 code (any case), an
/// English short name (`China`), or a common form that is not one (`USA`, `UK`, `Taiwan`,
/// `Vietnam`, `South Korea`, `Russia`, `PRC`, `Iran`).
pub(crate) fn code_for_inventory(s: &str) -> Option<&'static str> {
    let t = s.trim();
    if t.len() == 2 {
        if let Some((code, _)) = table().get_key_value(t.to_ascii_uppercase().as_str()) {
            return Some(code);
        }
    }
    code_for_name(t).or_else(|| {
        let lower = t.to_lowercase();
        COMMON_NAMES
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|(_, c)| *c)
    })
}

/// The countries an inventory value names: one country, or several separated by `;`, `,` or
/// `/` ("CN; VN", "Mexico / USA": design, manufacturing and assembly may happen in different
/// countries). A name that itself holds a comma ("Korea, Republic of") is read whole first.
/// `Err` gives the first part that is not a country tvcheck knows; an empty value names none.
pub(crate) fn parse_list(s: &str) -> Result<Vec<&'static str>, String> {
    if let Some(c) = code_for_inventory(s) {
        return Ok(vec![c]);
    }
    let mut out: Vec<&'static str> = Vec::new();
    for part in s
        .split([';', ',', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match code_for_inventory(part) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => return Err(part.to_string()),
        }
    }
    Ok(out)
}

/// The English short name of an alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    table().get(code).copied()
}

#[cfg(test)]
mod territory_tests {
    use super::*;

    #[test]
    fn territories_load_and_are_found_by_their_names() {
        assert_eq!(territories_table().len(), 4);
        for t in territories_table() {
            assert!(is_alpha2(&t.within), "{}", t.id);
        }
        assert_eq!(
            territory_in("Crimea").map(|t| t.id.as_str()),
            Some("crimea")
        );
        assert_eq!(
            territory_in("CN; Крым").map(|t| t.id.as_str()),
            Some("crimea")
        );
        assert_eq!(
            territory_in(" pridnestrovie ").map(|t| t.id.as_str()),
            Some("transnistria")
        );
        assert_eq!(territory_in("Ukraine"), None);
        assert_eq!(
            territory("south-ossetia").map(|t| t.within.as_str()),
            Some("GE")
        );
    }
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

    #[test]
    fn inventory_country_lists() {
        assert_eq!(code_for_inventory("cn"), Some("CN"));
        assert_eq!(code_for_inventory(" China "), Some("CN"));
        assert_eq!(code_for_inventory("USA"), Some("US"));
        assert_eq!(code_for_inventory("Atlantis"), None);
        assert_eq!(parse_list("CN; VN"), Ok(vec!["CN", "VN"]));
        assert_eq!(parse_list("Mexico / USA"), Ok(vec!["MX", "US"]));
        assert_eq!(parse_list("US, US"), Ok(vec!["US"]));
        assert_eq!(parse_list("Korea, Republic of"), Ok(vec!["KR"]));
        assert_eq!(parse_list("US; Atlantis"), Err("Atlantis".to_string()));
        assert_eq!(parse_list(" ; "), Ok(vec![]));
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn groups_load_with_their_members() {
        let ids: Vec<&str> = groups().iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["eu", "nato", "efta", "oecd"]);
        let today = d("2026-11-21");
        let count = |id: &str| {
            let g = group(id).unwrap();
            g.members
                .iter()
                .filter(|m| g.is_member(&m.country, today))
                .count()
        };
        assert_eq!(count("eu"), 27);
        assert_eq!(count("nato"), 32);
        assert_eq!(count("efta"), 4);
        assert_eq!(count("oecd"), 38);
        for g in groups() {
            for m in &g.members {
                assert!(is_alpha2(&m.country), "{} in {}", m.country, g.id);
            }
        }
    }

    #[test]
    fn membership_follows_accession_and_leaving_dates() {
        let nato = group("nato").unwrap();
        assert!(!nato.is_member("FI", d("2023-04-03")));
        assert!(nato.is_member("FI", d("2023-04-04")));
        assert!(!nato.is_member("SE", d("2024-03-06")));
        assert!(nato.is_member("SE", d("2024-03-07")));
        let eu = group("eu").unwrap();
        assert!(eu.is_member("GB", d("2020-01-31")));
        assert!(!eu.is_member("GB", d("2020-02-01")));
        assert!(!nato.is_member("CN", d("2026-01-01")));
    }
}
