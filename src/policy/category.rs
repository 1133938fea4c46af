//! Equipment categories: the vocabulary policies scope rules by (the FCC Covered List's
//! category entries, the drone act, the UK instruction on surveillance cameras), and the
//! mapping of the words inventories use ("Drone", "Wi-Fi router", "PV inverter", "CCTV") onto
//! it.
//!
//! A word maps to a category either plainly or with a doubt: "router" may be a carrier or
//! enterprise router rather than a consumer one, "CPE" may be carrier-managed, a toy drone is
//! excepted by some rules. A rule never gives a violation on a doubtful category, only a review
//! that states the doubt.

use std::fmt;

use serde::Serialize;

use super::domain::normalize_words;

/// A kind of equipment a rule can be scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Unmanned aircraft systems (drones) and UAS critical components.
    Uas,
    /// Consumer-grade routers for residential use (home, SOHO, Wi-Fi, mesh routers).
    Router,
    /// Power inverters (PV, solar).
    Inverter,
    /// Advanced robotic devices.
    Robot,
    /// Visual surveillance equipment: cameras, CCTV, video recorders.
    Camera,
}

/// An inventory word read as a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CategoryMatch {
    /// The category.
    pub category: Category,
    /// Why the word may not mean equipment a rule of this category covers; `None` when it
    /// plainly does.
    pub doubt: Option<&'static str>,
}

const ROUTER_DOUBT: &str = "the router category covers consumer-grade routers for residential use only: check that it is one (a carrier or enterprise router is not)";
const CPE_DOUBT: &str = "whether carrier-managed CPE, mobile hotspots and 5G CPE count as consumer routers is not settled: check the equipment";
const ROBOT_DOUBT: &str = "whether it is an 'advanced robotic device' as the FCC entry defines it is not known to tvcheck: check the equipment";
const TOY_DOUBT: &str =
    "a toy drone: foreign toy drones, as the FCC determination defines them, are excepted from the FCC UAS entry: check whether it is one";

/// Inventory phrases (normalised: lowercase, single spaces), their category and doubt.
const WORDS: &[(&str, Category, Option<&str>)] = &[
    ("uas", Category::Uas, None),
    ("suas", Category::Uas, None),
    ("uav", Category::Uas, None),
    ("drone", Category::Uas, None),
    ("quadcopter", Category::Uas, None),
    ("unmanned aircraft", Category::Uas, None),
    ("unmanned aircraft system", Category::Uas, None),
    ("unmanned aerial vehicle", Category::Uas, None),
    ("unmanned aerial system", Category::Uas, None),
    ("toy drone", Category::Uas, Some(TOY_DOUBT)),
    ("router", Category::Router, Some(ROUTER_DOUBT)),
    ("home router", Category::Router, None),
    ("soho router", Category::Router, None),
    ("consumer router", Category::Router, None),
    ("residential router", Category::Router, None),
    ("wireless router", Category::Router, None),
    ("wifi router", Category::Router, None),
    ("wi fi router", Category::Router, None),
    ("wlan router", Category::Router, None),
    ("mesh router", Category::Router, None),
    ("home gateway", Category::Router, None),
    ("residential gateway", Category::Router, None),
    ("cpe", Category::Router, Some(CPE_DOUBT)),
    (
        "customer premises equipment",
        Category::Router,
        Some(CPE_DOUBT),
    ),
    ("5g cpe", Category::Router, Some(CPE_DOUBT)),
    ("mobile hotspot", Category::Router, Some(CPE_DOUBT)),
    ("inverter", Category::Inverter, None),
    ("power inverter", Category::Inverter, None),
    ("pv inverter", Category::Inverter, None),
    ("solar inverter", Category::Inverter, None),
    ("string inverter", Category::Inverter, None),
    ("hybrid inverter", Category::Inverter, None),
    ("microinverter", Category::Inverter, None),
    ("advanced robotic device", Category::Robot, None),
    ("robot", Category::Robot, Some(ROBOT_DOUBT)),
    ("robotic device", Category::Robot, Some(ROBOT_DOUBT)),
    ("camera", Category::Camera, None),
    ("ip camera", Category::Camera, None),
    ("network camera", Category::Camera, None),
    ("surveillance camera", Category::Camera, None),
    ("security camera", Category::Camera, None),
    ("cctv", Category::Camera, None),
    ("cctv camera", Category::Camera, None),
    ("nvr", Category::Camera, None),
    ("network video recorder", Category::Camera, None),
    ("dvr", Category::Camera, None),
    ("digital video recorder", Category::Camera, None),
    ("video surveillance", Category::Camera, None),
    ("visual surveillance", Category::Camera, None),
];

/// Words that, after "drone", "uas" or "uav", name a UAS critical component (the FCC
/// definition's non-exhaustive list: sensors, cameras, communications devices, motors,
/// batteries and associated software).
const UAS_PARTS: &[&str] = &[
    "component",
    "critical component",
    "camera",
    "sensor",
    "communications device",
    "motor",
    "battery",
    "software",
];

impl Category {
    /// Every category, in order.
    pub const ALL: [Category; 5] = [
        Category::Uas,
        Category::Router,
        Category::Inverter,
        Category::Robot,
        Category::Camera,
    ];

    /// The canonical name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Uas => "uas",
            Category::Router => "router",
            Category::Inverter => "inverter",
            Category::Robot => "robot",
            Category::Camera => "camera",
        }
    }

    #[cfg(test)]
    /// Parses a canonical name (policy files are strict: synonyms are not accepted there).
    pub(crate) fn parse_canonical(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Maps an inventory's category value onto the vocabulary (case, separators and a plural
    /// `s` tolerated); `None` when the phrase is not in it.
    pub(crate) fn from_inventory(s: &str) -> Option<CategoryMatch> {
        let norm = normalize_words(s);
        let find = |phrase: &str| -> Option<CategoryMatch> {
            if let Some((_, category, doubt)) = WORDS.iter().find(|(w, _, _)| *w == phrase) {
                return Some(CategoryMatch {
                    category: *category,
                    doubt: *doubt,
                });
            }
            let (head, rest) = phrase.split_once(' ')?;
            (matches!(head, "drone" | "uas" | "uav") && UAS_PARTS.contains(&rest)).then_some(
                CategoryMatch {
                    category: Category::Uas,
                    doubt: None,
                },
            )
        };
        find(&norm).or_else(|| {
            let singular = norm.strip_suffix('s')?;
            find(singular).or_else(|| {
                singular
                    .strip_suffix("ie")
                    .and_then(|s| find(&format!("{s}y")))
            })
        })
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(s: &str) -> Option<(Category, bool)> {
        Category::from_inventory(s).map(|m| (m.category, m.doubt.is_some()))
    }

    #[test]
    fn inventory_words_map_to_categories() {
        assert_eq!(cat("Drone"), Some((Category::Uas, false)));
        assert_eq!(cat(" UAV "), Some((Category::Uas, false)));
        assert_eq!(cat("UAS"), Some((Category::Uas, false)));
        assert_eq!(cat("Quadcopter"), Some((Category::Uas, false)));
        assert_eq!(cat("unmanned-aircraft"), Some((Category::Uas, false)));
        assert_eq!(cat("Drones"), Some((Category::Uas, false)));
        assert_eq!(cat("drone battery"), Some((Category::Uas, false)));
        assert_eq!(cat("UAS critical components"), Some((Category::Uas, false)));
        assert_eq!(cat("drone batteries"), Some((Category::Uas, false)));
        assert_eq!(cat("Toy drone"), Some((Category::Uas, true)));
        assert_eq!(cat("Wi-Fi router"), Some((Category::Router, false)));
        assert_eq!(cat("WiFi router"), Some((Category::Router, false)));
        assert_eq!(cat("SOHO router"), Some((Category::Router, false)));
        assert_eq!(cat("Home gateway"), Some((Category::Router, false)));
        assert_eq!(cat("mesh_router"), Some((Category::Router, false)));
        // A bare "router" or "CPE" may not be a consumer router: a doubt, never plainly.
        assert_eq!(cat("Router"), Some((Category::Router, true)));
        assert_eq!(cat("routers"), Some((Category::Router, true)));
        assert_eq!(cat("CPE"), Some((Category::Router, true)));
        assert_eq!(cat("5G CPE"), Some((Category::Router, true)));
        assert_eq!(cat("PV inverter"), Some((Category::Inverter, false)));
        assert_eq!(cat("Solar Inverter"), Some((Category::Inverter, false)));
        assert_eq!(cat("power inverters"), Some((Category::Inverter, false)));
        assert_eq!(
            cat("Advanced robotic device"),
            Some((Category::Robot, false))
        );
        assert_eq!(cat("robot"), Some((Category::Robot, true)));
        assert_eq!(cat("IP camera"), Some((Category::Camera, false)));
        assert_eq!(cat("CCTV"), Some((Category::Camera, false)));
        assert_eq!(cat("NVR"), Some((Category::Camera, false)));
        assert_eq!(cat("DVR"), Some((Category::Camera, false)));
        assert_eq!(cat("Video surveillance"), Some((Category::Camera, false)));
        assert_eq!(cat("cameras"), Some((Category::Camera, false)));
        assert_eq!(cat("switch"), None);
        assert_eq!(cat("drone dock"), None);
        assert_eq!(cat(""), None);
        assert_eq!(Category::parse_canonical("uas"), Some(Category::Uas));
        assert_eq!(Category::parse_canonical("drone"), None);
    }

    #[test]
    fn every_word_is_normalised() {
        for (w, c, _) in WORDS {
            assert_eq!(normalize_words(w), *w);
            assert_eq!(Category::from_inventory(w).map(|m| m.category), Some(*c));
        }
    }
}
