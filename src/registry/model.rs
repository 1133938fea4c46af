//! The registry's content as plain data: designating lists, vendors, their aliases, model
//! patterns, controlling parents and listings.

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// How well a fact is confirmed by the sources (see `data/registry/README.md`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Stated by at least one named, authoritative source.
    #[default]
    Confirmed,
    /// Stated only by a low-authority or single non-official source.
    Weak,
}

impl Confidence {
    /// Parses `confirmed` or `weak`.
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "confirmed" => Some(Confidence::Confirmed),
            "weak" => Some(Confidence::Weak),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Weak => "weak",
        }
    }
}

/// What part of an entity's equipment a listing covers.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// All of its equipment.
    #[default]
    All,
    /// Only equipment used for the listed purposes.
    PurposeLimited,
}

impl Scope {
    /// Parses `all` or `purpose-limited`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "all" => Some(Scope::All),
            "purpose-limited" => Some(Scope::PurposeLimited),
            _ => None,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::PurposeLimited => "purpose-limited",
        }
    }
}

/// A designating list or legal measure (the FCC Covered List, a designated-vendor direction...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDef {
    /// Stable slug, e.g. `us-fcc-covered`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// ISO 3166-1 alpha-2 code of the jurisdiction, or `EU`.
    pub jurisdiction: String,
    /// Who keeps the list.
    pub authority: Option<String>,
    /// Legal basis (statute, regulation, decision).
    pub basis: String,
    /// Where the list is published.
    pub source: String,
    /// How well confirmed the definition is.
    pub confidence: Confidence,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Whether the list binds anyone (a ban, a direction, a licence condition); a warning or
    /// an assessment (the NÚKIB warning, the EU Toolbox) does not: without a policy, its
    /// listings make an item `review`, never `violation`.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub binding: bool,
    /// Whether a listing also covers the listed entity's affiliates (the FCC Covered List and
    /// NDAA section 889 say "subsidiaries and affiliates"); subsidiaries are covered through
    /// parent links on every list.
    #[serde(default, skip_serializing_if = "is_no")]
    pub reaches_affiliates: bool,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

fn is_no(b: &bool) -> bool {
    !*b
}

/// One designation of a vendor by a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The designating list's id.
    pub list: String,
    /// Specific legal basis; falls back to the list's basis when `None`.
    pub basis: Option<String>,
    /// Source of this listing.
    pub source: Option<String>,
    /// The date from which the entity is designated.
    pub listed_on: Date,
    /// What the listing covers.
    pub scope: Scope,
    /// The purposes a purpose-limited listing covers.
    pub purposes: Vec<String>,
    /// How well confirmed the listing is.
    pub confidence: Confidence,
    /// Free-text notes.
    pub notes: Option<String>,
    /// The date from which the entity is no longer designated by this list.
    pub delisted_on: Option<Date>,
    /// Why it was delisted.
    pub delisted_reason: Option<String>,
}

impl Listing {
    /// Whether the listing is in force on `date`: listed on or before it, not yet delisted.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.listed_on <= date && self.delisted_on.is_none_or(|d| date < d)
    }
}

/// A manufacturer or other entity in the registry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    /// Stable slug, e.g. `huawei`.
    pub id: String,
    /// Legal name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the country of registration, when known.
    pub country: Option<String>,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// Case-insensitive globs on model numbers that identify its equipment.
    pub model_patterns: Vec<String>,
    /// FCC grantee codes of the entity (the first 3 or 5 characters of the FCC IDs it applied
    /// for; see [`super::fcc`]); each code belongs to one entry. Not serialised when empty, so
    /// the digest of content without codes is what it was before schema 4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fcc_grantee_codes: Vec<String>,
    /// The controlling entity's id.
    pub parent: Option<String>,
    /// Entities it is affiliated with without being controlled by them (ids): a listing of
    /// one of them reaches it on lists that reach affiliates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliates: Vec<String>,
    /// Since when the parent controls it.
    pub parent_since: Option<Date>,
    /// The date control ended (the link no longer holds from this date).
    pub parent_until: Option<Date>,
    /// How well confirmed the identity facts are.
    pub confidence: Confidence,
    /// Sources of the identity facts.
    pub sources: Vec<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Designations.
    pub listings: Vec<Listing>,
    /// The date from which the entry no longer applies (it is kept, never deleted).
    pub retired_on: Option<Date>,
    /// Why it was retired.
    pub retired_reason: Option<String>,
}

impl Vendor {
    /// Whether the entry applies on `date` (it is not retired by then).
    pub fn active_on(&self, date: Date) -> bool {
        self.retired_on.is_none_or(|r| date < r)
    }

    /// Whether the parent link holds on `date`.
    pub fn parent_on(&self, date: Date) -> Option<&str> {
        let parent = self.parent.as_deref()?;
        let started = self.parent_since.is_none_or(|s| s <= date);
        let ended = self.parent_until.is_some_and(|u| u <= date);
        (started && !ended).then_some(parent)
    }
}

/// The whole content of a registry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryData {
    /// Designating lists.
    pub lists: Vec<ListDef>,
    /// Vendors.
    pub vendors: Vec<Vendor>,
}

impl RegistryData {
    /// Sorts everything into canonical order (ids, then values), removing duplicate aliases,
    /// patterns, grantee codes and sources, so that equal content has equal serialisation.
    pub(crate) fn canonicalize(&mut self) {
        self.lists.sort_by(|a, b| a.id.cmp(&b.id));
        self.vendors.sort_by(|a, b| a.id.cmp(&b.id));
        for v in &mut self.vendors {
            v.aliases.sort();
            v.aliases.dedup();
            v.model_patterns.sort();
            v.model_patterns.dedup();
            v.fcc_grantee_codes.sort();
            v.fcc_grantee_codes.dedup();
            v.affiliates.sort();
            v.affiliates.dedup();
            v.sources.sort();
            v.sources.dedup();
            v.listings
                .sort_by(|a, b| (&a.list, a.listed_on).cmp(&(&b.list, b.listed_on)));
            for l in &mut v.listings {
                l.purposes.sort();
                l.purposes.dedup();
            }
        }
    }

    /// Whether the content is in canonical order ([`RegistryData::canonicalize`] would leave it
    /// as it is).
    fn is_canonical(&self) -> bool {
        fn strictly_sorted(xs: &[String]) -> bool {
            xs.windows(2).all(|w| w[0] < w[1])
        }
        self.lists.windows(2).all(|w| w[0].id <= w[1].id)
            && self.vendors.windows(2).all(|w| w[0].id <= w[1].id)
            && self.vendors.iter().all(|v| {
                strictly_sorted(&v.aliases)
                    && strictly_sorted(&v.model_patterns)
                    && strictly_sorted(&v.fcc_grantee_codes)
                    && strictly_sorted(&v.affiliates)
                    && strictly_sorted(&v.sources)
                    && v.listings
                        .windows(2)
                        .all(|w| (&w[0].list, w[0].listed_on) <= (&w[1].list, w[1].listed_on))
                    && v.listings.iter().all(|l| strictly_sorted(&l.purposes))
            })
    }

    /// SHA-256 over the canonical JSON serialisation: equal content gives an equal digest,
    /// however and in whatever order it was imported.
    pub fn digest(&self) -> String {
        // Content read from a database is canonical already: no copy of it is needed.
        let canon = if self.is_canonical() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut copy = self.clone();
            copy.canonicalize();
            std::borrow::Cow::Owned(copy)
        };
        // Hashed as it is serialised: the JSON text (megabytes for a large registry) is never
        // held in memory.
        let mut hasher = sha2::Sha256::default();
        if serde_json::to_writer(&mut hasher, canon.as_ref()).is_err() {
            return crate::source::digest::sha256_hex(b"");
        }
        crate::source::digest::hex(&sha2::Digest::finalize(hasher))
    }

    /// Reads content back from its canonical JSON serialisation (revision snapshots).
    pub(crate) fn from_json(v: &serde_json::Value) -> Option<RegistryData> {
        serde_json::from_value(v.clone()).ok()
    }

    /// Listed entities registered in China or Russia whose names and aliases include none in
    /// the country's script (Han, Cyrillic): inventories there write them so, and matching can
    /// only find what the registry spells. One plain-words message per entity.
    pub fn native_name_gaps(&self) -> Vec<String> {
        let han = |c: char| matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}');
        let cyrillic = |c: char| matches!(c, '\u{0400}'..='\u{04ff}');
        self.vendors
            .iter()
            .filter(|v| !v.listings.is_empty() && v.retired_on.is_none())
            .filter_map(|v| {
                let (script, test): (&str, &dyn Fn(char) -> bool) = match v.country.as_deref() {
                    Some("CN") => ("Chinese", &han),
                    Some("RU") => ("Russian (Cyrillic)", &cyrillic),
                    _ => return None,
                };
                let has = std::iter::once(&v.name)
                    .chain(&v.aliases)
                    .any(|n| n.chars().any(test));
                (!has).then(|| {
                    format!(
                        "'{}' ({}) is listed and registered in {} but has no {script} name or alias",
                        v.id,
                        v.name,
                        v.country.as_deref().unwrap_or("")
                    )
                })
            })
            .collect()
    }

    /// Number of listings over all vendors.
    pub fn listing_count(&self) -> usize {
        self.vendors.iter().map(|v| v.listings.len()).sum()
    }
}
