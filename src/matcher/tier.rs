//! The tiers of knowledge an identification rests on (curated, IEEE registration, user) and
//! the IEEE tier's entities: each organisation of the compiled-in IEEE listing
//! ([`super::ieee`]) seen as a registry entity, made on first use.

use std::sync::OnceLock;

use serde::Serialize;

use super::ieee;
use crate::registry::{Confidence, RegistryData, Vendor};

/// Where the knowledge behind an identification comes from.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// The registry compiled into tvcheck (`data/registry`): designated entities, their
    /// subsidiaries and brands, and the manufacturers operators buy from, each with sources.
    Curated,
    /// A registry database a user imported (`--registry`).
    User,
    /// The IEEE Registration Authority's public listing: the organisation holds MAC address
    /// blocks, and its country is that of the address it registered (indicative).
    Ieee,
}

impl Tier {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Curated => "curated",
            Tier::User => "user",
            Tier::Ieee => "ieee",
        }
    }

    /// What a country from this tier means, in plain words.
    pub(crate) fn country_meaning(self) -> &'static str {
        match self {
            Tier::Curated | Tier::User => "country of registration",
            Tier::Ieee => {
                "country of the address registered with the IEEE (indicative: where the organisation registered, not proof of where it is incorporated or controlled)"
            }
        }
    }
}

/// The entity at `idx`: a vendor of `data`, or past its end an organisation of the IEEE
/// listing (`idx - data.vendors.len()`), as a registry entity without listings.
pub fn entity(data: &RegistryData, idx: usize) -> &Vendor {
    match data.vendors.get(idx) {
        Some(v) => v,
        None => ieee_vendor(idx - data.vendors.len()),
    }
}

/// The tier of the entity at `idx` in a registry whose source is `source` (`embedded` for the
/// curated registry compiled in).
pub(crate) fn tier_of(data: &RegistryData, source: &str, idx: usize) -> Tier {
    if idx >= data.vendors.len() {
        Tier::Ieee
    } else if source == "embedded" {
        Tier::Curated
    } else {
        Tier::User
    }
}

static NONE: OnceLock<Vendor> = OnceLock::new();

/// Organisation `org` of the IEEE listing as a registry entity: id `ieee:` and the prefix of
/// its first block, its registered name, the country of its registered address, weak
/// confidence, the listing as source. Made once, on first use.
pub(crate) fn ieee_vendor(org: usize) -> &'static Vendor {
    static MADE: OnceLock<Box<[OnceLock<Box<Vendor>>]>> = OnceLock::new();
    let made = MADE.get_or_init(|| (0..ieee::orgs().len()).map(|_| OnceLock::new()).collect());
    let Some(slot) = made.get(org) else {
        return NONE.get_or_init(Vendor::default);
    };
    slot.get_or_init(|| {
        let o = u32::try_from(org).ok().and_then(ieee::org);
        let first = o.and_then(|o| o.first_block);
        let snap = ieee::snapshot();
        let listing = snap
            .listing_date
            .map_or_else(String::new, |d| format!(" of {d}"));
        Box::new(Vendor {
            id: first.map_or_else(|| format!("ieee:{org}"), |(_, p)| format!("ieee:{p}")),
            name: o.map_or_else(String::new, |o| o.name.to_string()),
            country: o.and_then(|o| o.country).map(str::to_string),
            confidence: Confidence::Weak,
            sources: vec![match first {
                Some((registry, prefix)) => format!(
                    "IEEE Registration Authority public listing{listing} ({registry} {}; Debian {} {})",
                    dashed(prefix),
                    snap.package,
                    snap.package_version
                ),
                None => format!("IEEE Registration Authority public listing{listing}"),
            }],
            notes: Some(
                "IEEE registration tier: the organisation holds MAC address blocks; its country is that of the address it registered with the IEEE (indicative)."
                    .to_string(),
            ),
            ..Vendor::default()
        })
    })
}

/// A prefix written with dashes between octets, as the IEEE does ("28-6E-D4", "70-B3-D5-9").
pub(crate) fn dashed(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + prefix.len() / 2);
    for (i, c) in prefix.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// The IEEE-tier entity with the id `id` (`ieee:` and the prefix of its first block), if any.
pub fn ieee_vendor_by_id(id: &str) -> Option<&'static Vendor> {
    let prefix = id.strip_prefix("ieee:")?;
    let all = ieee::assignments();
    let at = all.partition_point(|a| a.prefix < prefix);
    let a = all.get(at).filter(|a| a.prefix == prefix)?;
    Some(ieee_vendor(a.org as usize))
}
