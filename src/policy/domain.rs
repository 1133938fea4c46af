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

    #[cfg(test)]
    /// Parses a canonical name (policy files are strict: synonyms are not accepted there).
    pub(crate) fn parse_canonical(s: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Maps an inventory's domain value onto the vocabulary (case, separators and synonyms
    /// tolerated, and a network generation written with it: "5G RAN", "LTE backhaul");
    /// `None` when the word is not known.
    pub(crate) fn from_inventory(s: &str) -> Option<Domain> {
        let norm = normalize_words(s);
        let find = |phrase: &str| {
            Domain::ALL
                .into_iter()
                .find(|d| d.synonyms().contains(&phrase))
        };
        find(&norm).or_else(|| {
            let rest: Vec<&str> = norm
                .split(' ')
                .filter(|w| Network::from_word(w).is_none())
                .collect();
            (rest.len() < norm.split(' ').count())
                .then(|| find(&rest.join(" ")))
                .flatten()
        })
    }
}

/// Lowercase words separated by single spaces (`-`, `_` and `/` count as spaces).
pub(super) fn normalize_words(s: &str) -> String {
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
    norm.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A network technology or generation a rule can be limited to (the UK's and Germany's
/// 5G-only requirements).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    /// 5G (NR, 5GC).
    #[serde(rename = "5g")]
    FiveG,
    /// 4G (LTE, EPC).
    #[serde(rename = "4g")]
    FourG,
    /// 3G (UMTS).
    #[serde(rename = "3g")]
    ThreeG,
    /// 2G (GSM).
    #[serde(rename = "2g")]
    TwoG,
    /// Fixed networks (full fibre, FTTx, PON, copper).
    Fixed,
}

impl Network {
    /// Every network, in order.
    pub const ALL: [Network; 5] = [
        Network::FiveG,
        Network::FourG,
        Network::ThreeG,
        Network::TwoG,
        Network::Fixed,
    ];

    /// The canonical name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::FiveG => "5g",
            Network::FourG => "4g",
            Network::ThreeG => "3g",
            Network::TwoG => "2g",
            Network::Fixed => "fixed",
        }
    }

    /// The network one inventory word names ("5G", "NR", "gNB", "LTE", "FTTH", ...).
    fn from_word(w: &str) -> Option<Network> {
        Some(match w {
            "5g" | "5gc" | "nr" | "gnb" | "5gnr" => Network::FiveG,
            "4g" | "lte" | "epc" | "enb" | "enodeb" => Network::FourG,
            "3g" | "umts" | "wcdma" | "nodeb" | "hspa" => Network::ThreeG,
            "2g" | "gsm" | "gprs" | "edge" => Network::TwoG,
            "fixed" | "ftth" | "fttx" | "fttp" | "fttb" | "fttc" | "gpon" | "xgspon" | "pon"
            | "fibre" | "fiber" | "dsl" | "vdsl" | "adsl" | "copper" => Network::Fixed,
            _ => return None,
        })
    }

    /// The networks an inventory value names: every generation word in it ("5G/LTE RAN"
    /// names two); empty when it names none.
    pub(crate) fn from_inventory(s: &str) -> Vec<Network> {
        let mut out: Vec<Network> = normalize_words(s)
            .split(' ')
            .filter_map(Network::from_word)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
        // A generation written with the domain does not hide it.
        assert_eq!(Domain::from_inventory("5G RAN"), Some(Domain::Ran));
        assert_eq!(
            Domain::from_inventory("LTE backhaul"),
            Some(Domain::Transport)
        );
        assert_eq!(Domain::from_inventory("5G"), None);
        assert_eq!(Network::from_inventory("5G RAN"), vec![Network::FiveG]);
        assert_eq!(Network::from_inventory("5GC"), vec![Network::FiveG]);
        assert_eq!(
            Network::from_inventory("LTE/NR"),
            vec![Network::FiveG, Network::FourG]
        );
        assert_eq!(Network::from_inventory("FTTH access"), vec![Network::Fixed]);
        assert_eq!(Network::from_inventory("core"), Vec::<Network>::new());
        assert_eq!(Domain::parse_canonical("ran"), Some(Domain::Ran));
        assert_eq!(Domain::parse_canonical("radio"), None);
    }
}
