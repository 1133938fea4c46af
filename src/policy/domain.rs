//! Network domains: the vocabulary policies scope rules by, and the mapping of the words
//! inventories use ("5GC", "Radio access", "backhaul") onto it.

use std::fmt;

use serde::Serialize;

/// A part of the network a rule can be scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// Mobile core network (5GC, EPC): central functions.
    Core,
    /// Radio access network (base stations, antennas, baseband).
    Ran,
    /// Transport: backhaul, fronthaul, aggregation, optical and IP transport.
    Transport,
    /// Fixed access: fibre (FTTx) and other wireline access.
    Access,
    /// Network management and operations systems (OSS, NMS, EMS).
    Management,
    /// Equipment at sites significant to national security.
    NationalSecuritySite,
}

impl Domain {
    /// Every domain, in order.
    pub const ALL: [Domain; 6] = [
        Domain::Core,
        Domain::Ran,
        Domain::Transport,
        Domain::Access,
        Domain::Management,
        Domain::NationalSecuritySite,
    ];

    /// The canonical name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Core => "core",
            Domain::Ran => "ran",
            Domain::Transport => "transport",
            Domain::Access => "access",
            Domain::Management => "management",
            Domain::NationalSecuritySite => "national-security-site",
        }
    }

    /// Words inventories use for this domain (lowercase, spaces for separators).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Domain::Core => &[
                "core",
                "core network",
                "mobile core",
                "5gc",
                "5g core",
                "epc",
                "packet core",
            ],
            Domain::Ran => &[
                "ran",
                "radio",
                "radio access",
                "radio access network",
                "gnb",
                "enb",
                "bts",
                "antenna",
            ],
            Domain::Transport => &[
                "transport",
                "backhaul",
                "fronthaul",
                "midhaul",
                "aggregation",
                "ip transport",
                "optical",
                "microwave",
            ],
            Domain::Access => &[
                "access",
                "fixed access",
                "fttx",
                "ftth",
                "full fibre",
                "full fiber",
                "fibre access",
                "fiber access",
                "gpon",
            ],
            Domain::Management => &[
                "management",
                "network management",
                "oss",
                "nms",
                "ems",
                "oam",
            ],
            Domain::NationalSecuritySite => &["national security site", "national security"],
        }
    }

    /// Parses a canonical name (policy files are strict: synonyms are not accepted there).
    pub fn parse_canonical(s: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Maps an inventory's domain value onto the vocabulary (case, separators and synonyms
    /// tolerated); `None` when the word is not known.
    pub fn from_inventory(s: &str) -> Option<Domain> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| {
                if c == '-' || c == '_' || c == '/' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
        Domain::ALL
            .into_iter()
            .find(|d| d.synonyms().contains(&norm.as_str()))
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_words_map_to_domains() {
        assert_eq!(Domain::from_inventory("Core"), Some(Domain::Core));
        assert_eq!(Domain::from_inventory(" 5GC "), Some(Domain::Core));
        assert_eq!(Domain::from_inventory("Radio-Access"), Some(Domain::Ran));
        assert_eq!(Domain::from_inventory("backhaul"), Some(Domain::Transport));
        assert_eq!(Domain::from_inventory("Full fibre"), Some(Domain::Access));
        assert_eq!(
            Domain::from_inventory("national-security-site"),
            Some(Domain::NationalSecuritySite)
        );
        assert_eq!(Domain::from_inventory("billing"), None);
        assert_eq!(Domain::parse_canonical("ran"), Some(Domain::Ran));
        assert_eq!(Domain::parse_canonical("radio"), None);
    }
}
