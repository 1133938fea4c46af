//! Policies: one TOML file per legal regime, parsed strictly and validated against the
//! registry (list and entity ids), the country data (groups, codes) and the domain and
//! category vocabularies.
//!
//! A policy states its legal basis with citations and dates and a set of rules. Rule kinds:
//! `listed-entity` (designated on given lists, through controlling parents too),
//! `country-test` (manufacturer or controller registered outside given country groups),
//! `named-countries` (registered in given states), `named-entities` (given registry ids) and
//! `foreign-produced` (equipment of given categories produced outside given states, by the
//! item's country of production, not its maker).

pub mod category;
pub mod domain;
mod parse;
pub mod waiver;

use std::path::Path;

use serde::Serialize;

use crate::date::Date;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::registry::{Confidence, Registry};

pub(crate) use self::category::Category;
pub use self::domain::{Domain, Network};
pub use self::parse::parse_policy;

/// What a rule tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RuleKind {
    /// The manufacturer (or a controlling entity) is designated on one of these lists;
    /// `None` means any list in the registry.
    ListedEntity {
        /// List ids.
        lists: Option<Vec<String>>,
    },
    /// The manufacturer (or a controlling entity) is registered in a state that is a member
    /// of none of these groups.
    CountryTest {
        /// Group ids (`eu`, `nato`, `efta`, `oecd`).
        member_of: Vec<String>,
    },
    /// The manufacturer (or a controlling entity) is registered in one of these states.
    NamedCountries {
        /// ISO alpha-2 codes.
        countries: Vec<String>,
        /// Territories the list names beside the states (ids of
        /// `data/countries/territories.toml`): judged from the country and the origin the
        /// inventory states, since no registry entity is registered in them.
        territories: Vec<String>,
    },
    /// The manufacturer is one of these registry entries (or controlled by one).
    NamedEntities {
        /// Registry vendor ids.
        entities: Vec<String>,
    },
    /// The item was produced (designed, developed, manufactured or assembled), at least in
    /// part, in a state that is not one of these, by its inventory `origin`; the maker's
    /// country of registration plays no part. Needs `categories`.
    ForeignProduced {
        /// ISO alpha-2 codes of the states where production is not foreign.
        produced_outside: Vec<String>,
    },
}

/// How a breach of a rule is graded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A breach is a violation.
    Violation,
    /// A breach is only flagged for review (advisory regimes).
    Review,
}

/// What to do with items the rule's scope cannot decide (no domain, no purpose).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unknown {
    /// Apply the rule as if the item were in scope.
    Apply,
    /// Flag the item for review.
    Review,
}

/// One rule of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Id, unique within the policy.
    pub id: String,
    /// Short description.
    pub title: String,
    /// What it tests.
    #[serde(flatten)]
    pub kind: RuleKind,
    /// Domains it applies to; `None` means every domain.
    pub domains: Option<Vec<Domain>>,
    /// Network technologies it applies to (e.g. 5G only); `None` means every network. An
    /// item whose network is not stated is for review.
    pub networks: Option<Vec<Network>>,
    /// Equipment categories it applies to; `None` means every item. An item whose category
    /// is not stated, or is not in the vocabulary, is not judged by the rule; one whose
    /// category is doubtful (a bare "router") is at most for review.
    pub categories: Option<Vec<Category>>,
    /// Exceptions the rule recognises that tvcheck cannot see in an inventory (approvals,
    /// cleared lists, exempt uses): a violation says "unless" them, and an item whose
    /// inventory states an exception (column `exception` or `approval`) is for review.
    pub exceptions: Option<String>,
    /// Date from which it applies.
    pub effective: Date,
    /// Phase-out deadline for equipment already installed: before it, covered items are
    /// `review` with the days left; from it, `violation`.
    pub deadline: Option<Date>,
    /// Equipment installed on or after this date is banned at once.
    pub new_from: Option<Date>,
    /// How well confirmed the ban on new installations is, when it is less so than the rest
    /// of the rule (a finding that rests on it carries this confidence).
    pub new_from_confidence: Option<Confidence>,
    /// The rule only restricts acquisitions made on or after its effective date.
    pub new_only: bool,
    /// Only equipment acquired on or after the date its producer was listed is in breach
    /// (the FCC Covered List bars new authorisations, not use); earlier equipment is for
    /// review. For a `foreign-produced` rule (a category entry of the list) the listing date
    /// is the rule's effective date.
    pub new_from_listing: bool,
    /// With `new_from_listing`: equipment acquired before its producer's listing must be
    /// withdrawn within this many years of the listing (the anniversary is the last compliant
    /// day): until then it is for review with the days left, afterwards a violation. Without
    /// it, such equipment may go on being used (review).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_out_years: Option<u32>,
    /// How well the facts the rule rests on are confirmed; a weakly confirmed rule says so in
    /// every finding.
    pub confidence: Confidence,
    /// How a breach is graded.
    pub severity: Severity,
    /// Why a breach of a `review` rule is only for review, when the rule is not advisory but
    /// cannot be decided from an inventory (a share of a network, a property of the supply
    /// chain); absent: the regime is advisory.
    pub review_because: Option<String>,
    /// What the operator must do, e.g. "must be removed from the 5G core".
    pub remedy: String,
    /// Notes.
    pub notes: Option<String>,
}

/// A citation of the legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Citation {
    /// The act, article or decision.
    pub citation: String,
    /// Its date.
    pub date: Date,
    /// Where it is published or reported.
    pub source: String,
    /// How well confirmed.
    pub confidence: Confidence,
    /// Notes.
    pub notes: Option<String>,
}

/// A validated policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Id, e.g. `lt-5g`.
    pub id: String,
    /// Title.
    pub title: String,
    /// ISO alpha-2 or `EU`.
    pub jurisdiction: String,
    /// Plain-words summary.
    pub summary: Option<String>,
    /// Legal basis.
    pub basis: Vec<Citation>,
    /// Items without a (known) domain: apply the rules, or review.
    pub unknown_domain: Unknown,
    /// Items matched through a purpose-limited listing but without a stated purpose.
    pub unknown_purpose: Unknown,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Where it was loaded from (`embedded:policies/lt-5g.toml` or a path).
    pub origin: String,
    /// SHA-256 of the policy file.
    pub sha256: String,
}

impl Policy {
    /// The implicit policy used when no `--policy` is given: designated on any list.
    pub fn any_list() -> Policy {
        Policy {
            id: "any-list".into(),
            title: "Designated on any list in the registry".into(),
            jurisdiction: "EU".into(),
            summary: Some("Without a policy, an item is a violation when its manufacturer (or a controlling entity) is designated on at least one binding list in the registry on the as-of date; a listing limited to some purposes (public safety, government facilities, critical infrastructure, national security) counts only for those, so an item whose purpose is not stated is for review; a list that binds nobody (a warning, an assessment) gives a review.".into()),
            basis: Vec::new(),
            unknown_domain: Unknown::Apply,
            unknown_purpose: Unknown::Review,
            rules: vec![Rule {
                id: "listed".into(),
                title: "Designated on any list".into(),
                kind: RuleKind::ListedEntity { lists: None },
                domains: None,
                networks: None,
                categories: None,
                exceptions: None,
                // In force for any date tvcheck can be asked about.
                effective: Date::new(1900, 1, 1).unwrap_or(Date::from_days(-25_567)),
                deadline: None,
                new_from: None,
                new_from_confidence: None,
                new_only: false,
                new_from_listing: false,
                phase_out_years: None,
                confidence: Confidence::Confirmed,
                severity: Severity::Violation,
                review_because: None,
                remedy: "must not be used".into(),
                notes: None,
            }],
            origin: "built-in".into(),
            sha256: String::new(),
        }
    }
}

/// The policies compiled into the binary, as (path, text).
pub fn embedded() -> &'static [(&'static str, &'static str)] {
    crate::registry::embedded_policy_files()
}

/// Loads a policy by id (an embedded policy) or by path (a file that exists, or any spec
/// containing a path separator or ending in `.toml`), validating it against `registry`.
pub fn load(spec: &str, registry: &Registry) -> Result<Policy> {
    let looks_like_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".toml");
    if !looks_like_path {
        if let Some((path, text)) = embedded()
            .iter()
            .find(|(p, _)| Path::new(p).file_stem().and_then(|s| s.to_str()) == Some(spec))
        {
            return parse_policy(Path::new(path), text, registry, &format!("embedded:{path}"));
        }
        if !Path::new(spec).exists() {
            let ids: Vec<&str> = embedded()
                .iter()
                .filter_map(|(p, _)| Path::new(p).file_stem().and_then(|s| s.to_str()))
                .collect();
            return Err(
                Error::new(ErrorKind::Policy, format!("no policy with id '{spec}'")).hint(format!(
                    "use one of {} or the path of a policy file",
                    ids.join(", ")
                )),
            );
        }
    }
    let path = Path::new(spec);
    let bytes = crate::source::read_regular_file(
        path,
        crate::source::POLICY_LIMIT,
        "policy file",
        ErrorKind::Policy,
    )?;
    let text = crate::source::decode_utf8(path, &bytes, ErrorKind::Policy)?;
    parse_policy(path, text, registry, &crate::error::display_path(path))
}

/// Loads every embedded policy.
pub fn load_all_embedded(registry: &Registry) -> Result<Vec<Policy>> {
    embedded()
        .iter()
        .map(|(path, text)| {
            parse_policy(Path::new(path), text, registry, &format!("embedded:{path}"))
        })
        .collect()
}

pub(crate) fn policy_err(loc: Location, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Policy, loc, msg)
}
