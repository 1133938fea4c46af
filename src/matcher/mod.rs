//! Matching inventory vendor and model strings to registry entities.
//!
//! The registry is indexed once: exact and space-less forms of every normalised name and
//! alias, an index from each *distinctive* word (see [`weights`]) to the names containing it,
//! a sorted word list for truncated words, a deletion-neighbourhood index for typos, and one
//! compiled set of model-number globs. Matching a string is a few hash lookups, never a scan of
//! the registry. Nothing here knows any vendor by name: all of it comes from the registry and
//! the word-frequency list.
//!
//! Kinds of evidence, strongest first:
//! - `name` / `alias`: the normalised vendor equals a name or alias (spacing aside), or holds
//!   all of its distinctive words and otherwise only generic words (score < 1);
//! - `model`: the model (or a model-like word in the vendor field) matches a model pattern;
//! - `fuzzy`: a typo or truncation of a distinctive word, a name that starts with an entity's
//!   distinctive word but adds unknown words, or a CJK name containing an alias. Fuzzy matches
//!   are never more than `review`; `--strict` turns them off.

pub mod chars;
pub mod ieee;
pub mod normalize;
mod table;
pub mod tier;
pub mod weights;

pub use tier::{entity, Tier};

/// Hash maps with ahash: faster than the default SipHash and still randomly keyed; lookups
/// run once per distinct inventory string.
type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
use std::rc::Rc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::registry::{RegistryData, Vendor};

/// How an item was tied to a registry entity.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum MatchKind {
    /// The vendor string is the entity's registered name.
    Name,
    /// The vendor string is one of the entity's aliases.
    Alias,
    /// The model matches one of the entity's model patterns.
    Model,
    /// An approximate match: for review only.
    Fuzzy,
    /// The designation reaches the entity through a controlling parent.
    Parent,
    /// The designation reaches the entity through an affiliated entity, on a list that reaches
    /// affiliates.
    Affiliate,
    /// The item's MAC address lies in an IEEE block registered to the entity.
    Mac,
    /// The grantee code of the item's FCC ID is the entity's.
    FccId,
}

impl MatchKind {
    /// Evidence from the device itself rather than a name: a model pattern, a MAC block, an
    /// FCC grantee code.
    pub(crate) fn is_device_evidence(self) -> bool {
        matches!(self, MatchKind::Model | MatchKind::Mac | MatchKind::FccId)
    }

    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Name => "name",
            MatchKind::Alias => "alias",
            MatchKind::Model => "model",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Parent => "parent",
            MatchKind::Affiliate => "affiliate",
            MatchKind::Mac => "mac",
            MatchKind::FccId => "fcc-id",
        }
    }
}

/// One entity an item points to, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Index of the vendor in the registry data.
    pub vendor: usize,
    /// How it matched.
    pub kind: MatchKind,
    /// The registry text that matched: the name, the alias or the model pattern.
    pub matched: String,
    /// Confidence in [0, 1]; 1 for exact matches.
    pub score: f64,
    /// In plain words, what matched.
    pub note: String,
    /// How the string was disguised, when the match was found on a reading of it that undoes
    /// a disguise (invisible code points removed, bidi display order, look-alike letters of
    /// other scripts read as Latin; see [`chars`]): the mappings in plain words.
    pub disguise: Option<String>,
    /// Why this evidence alone can only make the item `review`, when it is otherwise exact: a
    /// model pattern of one entity while the vendor field clearly names another, or a name
    /// found in the model field.
    pub review: Option<String>,
    /// How each word of the string was accounted for against the matched name or alias (for
    /// `explain`); empty for exact, model and CJK matches.
    pub words: Vec<WordUse>,
}

impl Candidate {
    /// Whether this evidence stands on its own (an exact name, alias, model pattern or block,
    /// not fuzzy and not only for review): such candidates come first.
    pub(crate) fn stands_alone(&self) -> bool {
        self.kind != MatchKind::Fuzzy && self.review.is_none()
    }
}

/// What one word of an inventory string is, against a registry name it may denote.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WordUse {
    /// The word, normalised.
    pub word: String,
    /// Its part.
    pub role: WordRole,
    /// The name's word it covers, when it covers one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
}

/// The part a word of an inventory string plays in a match ([`WordUse`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordRole {
    /// Equals a word of the name.
    Covers,
    /// A shortening of a common word of the name ("tech").
    Shortens,
    /// A truncation of a distinctive word of the name (fuzzy).
    Truncates,
    /// A word of another of the entity's names or aliases.
    EntityWord,
    /// A common word of company names (background frequency list).
    Common,
    /// A place (GeoNames list).
    Place,
    /// A word with a legal form glued to it ("technologyco").
    LegalForm,
    /// None of these: the string adds something the entity does not explain.
    Unexplained,
}

/// Everything the matcher found for one (vendor, model) pair. The parts are shared (`Rc`), so
/// that results cached per vendor and per model combine without copying.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatchResult {
    /// The normalised vendor string.
    pub normalized: Rc<str>,
    /// Entities the vendor string names, best first.
    pub by_vendor: Rc<[Candidate]>,
    /// Entities whose model patterns match the model (or a model-like word of the vendor field).
    pub by_model: Rc<[Candidate]>,
}

/// What the vendor string alone says: the part of a [`MatchResult`] that depends only on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VendorMatch {
    /// The normalised vendor string.
    pub normalized: Rc<str>,
    /// Entities the vendor string names, best first.
    pub by_vendor: Rc<[Candidate]>,
    /// Entities whose model patterns match a model-like word of the vendor field.
    pub by_vendor_words: Rc<[Candidate]>,
}

impl VendorMatch {
    /// The whole result, given the candidates of the model field ([`Matcher::match_model`]),
    /// decided per entity ([`decide`]).
    pub(crate) fn with_model(&self, by_model: &Rc<[Candidate]>, family: &Family) -> MatchResult {
        let by_model = if self.by_vendor_words.is_empty() {
            Rc::clone(by_model)
        } else if by_model.is_empty() {
            Rc::clone(&self.by_vendor_words)
        } else {
            let mut all = by_model.to_vec();
            for c in self.by_vendor_words.iter() {
                if !all.iter().any(|a| a.vendor == c.vendor) {
                    all.push(c.clone());
                }
            }
            all.into()
        };
        let (by_vendor, by_model) = decide(&self.by_vendor, by_model, family);
        MatchResult {
            normalized: Rc::clone(&self.normalized),
            by_vendor,
            by_model,
        }
    }
}

/// Which entity controls which (vendor index -> its parent's), for telling "another company"
/// from "the same group" when evidence disagrees.
#[derive(Debug, Default)]
pub struct Family {
    parent: HashMap<usize, usize>,
}

impl Family {
    /// Whether `a` and `b` are one entity or one controls the other (directly or through
    /// parents).
    pub(crate) fn related(&self, a: usize, b: usize) -> bool {
        let up = |mut x: usize, target: usize| {
            for _ in 0..16 {
                if x == target {
                    return true;
                }
                match self.parent.get(&x) {
                    Some(&p) => x = p,
                    None => return false,
                }
            }
            false
        };
        up(a, b) || up(b, a)
    }
}

/// Decides per entity from all the evidence of one item: the vendor field's candidates and
/// the model field's (patterns, and names written in the model).
///
/// - Evidence only corroborates: an exact model match for the entity a fuzzy vendor match
///   points to makes the model match the item's evidence ("Hikvison" with "DS-2CD2143G0-I"),
///   noted as corroborated.
/// - A model match against a vendor field that clearly names another company (a name or alias
///   match, not of the same group) is only for review: "DS-7720B" by "Dell EMC".
/// - A blank, generic or unknown vendor leaves a model match as it is.
pub(crate) fn decide(
    by_vendor: &Rc<[Candidate]>,
    by_model: Rc<[Candidate]>,
    family: &Family,
) -> (Rc<[Candidate]>, Rc<[Candidate]>) {
    if by_model.is_empty() || by_vendor.is_empty() {
        return (Rc::clone(by_vendor), by_model);
    }
    let named: Vec<&Candidate> = by_vendor
        .iter()
        .filter(|c| matches!(c.kind, MatchKind::Name | MatchKind::Alias) && c.review.is_none())
        .collect();
    let mut vendor_out: Vec<Candidate> = Vec::with_capacity(by_vendor.len());
    let mut model_out: Vec<Candidate> = Vec::with_capacity(by_model.len());
    for c in by_model.iter() {
        let exact_model = c.kind.is_device_evidence() && c.review.is_none() && c.score >= 1.0;
        let mut c = c.clone();
        if let Some(v) = by_vendor.iter().find(|v| v.vendor == c.vendor) {
            if exact_model && v.kind == MatchKind::Fuzzy {
                c.note
                    .push_str(&format!("; corroborated by the vendor field ({})", v.note));
            }
        } else if exact_model {
            let others: Vec<&&Candidate> = named
                .iter()
                .filter(|n| !family.related(n.vendor, c.vendor))
                .collect();
            if !others.is_empty() && others.len() == named.len() {
                c.review = Some(format!(
                    "the vendor field names another company ('{}'), so the model number alone is for review",
                    others[0].matched
                ));
            }
        }
        model_out.push(c);
    }
    // A fuzzy vendor match whose entity has exact model evidence gives way to it.
    for v in by_vendor.iter() {
        let beaten = v.kind == MatchKind::Fuzzy
            && model_out
                .iter()
                .any(|m| m.vendor == v.vendor && m.kind.is_device_evidence() && m.review.is_none());
        if !beaten {
            vendor_out.push(v.clone());
        }
    }
    (Matcher::shared(vendor_out), Matcher::shared(model_out))
}

impl MatchResult {
    /// Every candidate, strongest evidence first: exact name, alias and model matches that
    /// stand on their own, then the rest (fuzzy, or only for review), vendor field before
    /// model field within each group.
    pub(crate) fn ranked(&self) -> Vec<&Candidate> {
        let all = || self.by_vendor.iter().chain(self.by_model.iter());
        all()
            .filter(|c| c.stands_alone())
            .chain(all().filter(|c| !c.stands_alone()))
            .collect()
    }

    /// The strongest candidate ([`MatchResult::ranked`]'s first), without building the list.
    pub(crate) fn best(&self) -> Option<&Candidate> {
        let mut all = self.by_vendor.iter().chain(self.by_model.iter());
        all.clone()
            .find(|c| c.stands_alone())
            .or_else(|| all.next())
    }

    /// Whether anything matched.
    pub fn is_identified(&self) -> bool {
        !self.by_vendor.is_empty() || !self.by_model.is_empty()
    }
}

/// Matching settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchOptions {
    /// Allow fuzzy matches (typos, truncations, partial names); off with `--strict`.
    pub fuzzy: bool,
    /// The lowest score a fuzzy match may have.
    pub min_score: f64,
}

impl MatchOptions {
    /// The default: fuzzy matching on, minimum score 0.6.
    pub(crate) const DEFAULT: MatchOptions = MatchOptions {
        fuzzy: true,
        min_score: 0.6,
    };

    /// The options of `--strict` and `--min-score` (the default score when not given).
    pub fn from_flags(strict: bool, min_score: Option<f64>) -> MatchOptions {
        MatchOptions {
            fuzzy: !strict,
            min_score: min_score.unwrap_or(MatchOptions::DEFAULT.min_score),
        }
    }
}

struct NameRec {
    vendor: usize,
    kind: MatchKind,
    text: String,
    tokens: Vec<String>,
    distinctive: Vec<String>,
}

/// The registry, indexed for matching.
pub struct Matcher {
    names: Vec<NameRec>,
    exact: HashMap<String, Vec<usize>>,
    compact: HashMap<String, Vec<usize>>,
    by_token: HashMap<String, Vec<usize>>,
    /// Names made only of common words ("China Mobile"), by their rarest word.
    by_anchor: HashMap<String, Vec<usize>>,
    /// Every word of each entity's names and aliases, by vendor index: the words a string may
    /// add to one of its names and still be that entity ("Hikvision Hangzhou").
    entity_words: HashMap<usize, Vec<String>>,
    sorted_tokens: Vec<String>,
    /// One-deletion index for typos: (hash of a token of at least [`FUZZY_MIN_LEN`] characters,
    /// or of the token with one character deleted; the token's index in `sorted_tokens`),
    /// sorted. A hash collision only proposes a word that the edit-distance check then drops.
    deletions: Vec<(u64, u32)>,
    /// Where each hash's run starts in `deletions` and how long it is: one probe per lookup.
    deletion_runs: HashMap<u64, (u32, u32)>,
    hasher: ahash::RandomState,
    cjk: Vec<(String, usize)>,
    /// Names and aliases written with letters of other scripts, keyed by their normalised form
    /// with every letter that has a Latin look-alike read as Latin ("касперский" as
    /// "kacпepcкий"): a string spelling such a name with Latin look-alikes matches it.
    lookalike_exact: HashMap<String, Vec<usize>>,
    patterns: GlobSet,
    pattern_owner: Vec<(usize, String)>,
    family: Family,
    /// FCC grantee code -> the vendors it is recorded for.
    grantees: HashMap<String, Vec<usize>>,
    /// The index of the first IEEE-tier entity ([`tier::entity`]): the registry's size.
    base: usize,
    opts: MatchOptions,
}

thread_local! {
    /// The empty candidate list, shared: most cached results of a large inventory are empty.
    /// Per thread, so that a [`Matcher`] itself holds no `Rc` and can be shared between threads.
    static NONE: Rc<[Candidate]> = Rc::from(Vec::new());
}

/// Restricted Damerau-Levenshtein (optimal string alignment) distance.
pub(crate) fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Calls `f` with each string made by deleting one character of `t` (built in `buf`).
fn for_each_deletion(t: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for (i, c) in t.char_indices() {
        buf.clear();
        buf.push_str(&t[..i]);
        buf.push_str(&t[i + c.len_utf8()..]);
        f(buf);
    }
}

/// Whether `t` is a shortening of the word `w` ("tech" for "technologies"): at least three
/// letters and 30 % of it.
fn is_shortening(t: &str, w: &str) -> bool {
    t.len() >= 3 && t.len() < w.len() && w.starts_with(t) && t.len() * 10 >= w.len() * 3
}

/// Whether a fuzzy candidate rests on a brand of its entity found whole in a longer name:
/// every word of a name or alias is in the string, one of them distinctive ("Hikvision" in
/// "Prama Hikvision India"). Such a candidate stands beside an exact IEEE-registered
/// organisation; a typo, a truncation or a common word does not.
fn holds_coined_brand(c: &Candidate) -> bool {
    c.kind == MatchKind::Fuzzy
        && c.words
            .iter()
            .any(|w| w.role == WordRole::Covers && !weights::is_generic(&w.word))
        && c.words.iter().any(|w| w.role == WordRole::Unexplained)
        && c.words.iter().all(|w| w.role != WordRole::Truncates)
}

/// Vendor-field values that name nobody (normalised): placeholders of exports and
/// white-label goods. They identify no company, so a model number or MAC address under them
/// stands on its own.
const PLACEHOLDERS: &[&str] = &[
    "generic",
    "oem",
    "odm",
    "unknown",
    "unbranded",
    "no brand",
    "nobrand",
    "noname",
    "no name",
    "white label",
    "whitelabel",
    "other",
    "others",
    "various",
    "misc",
    "miscellaneous",
    "n a",
    "na",
    "none",
    "null",
    "tbd",
    "tba",
    "not specified",
    "unspecified",
    "not applicable",
];

/// Whether a normalised vendor string is a placeholder ([`PLACEHOLDERS`]).
pub(crate) fn is_placeholder(normalized: &str) -> bool {
    PLACEHOLDERS.contains(&normalized)
}

/// Whether `t` is a word glued to a legal form ("technologyco"): a word of at least four
/// letters that real organisations use, then `co`, `ltd`, `inc` or another legal form of three
/// letters or more (two-letter forms such as `as` end too many words: "americas").
fn glued_legal_form(t: &str) -> bool {
    t.char_indices().skip(4).any(|(i, _)| {
        let (stem, form) = t.split_at(i);
        normalize::is_legal_form(form)
            && (form == "co" || form.len() >= 3)
            && weights::is_attested(stem)
    })
}

/// How the words of a name are found in a string.
struct Cover {
    /// The string's words used to cover the name, with the name's word and how.
    used: Vec<Option<(String, WordRole)>>,
    /// A common word of the name was shortened in the string.
    shortened: bool,
    /// A distinctive word of the name was truncated in the string (fuzzy).
    truncated: bool,
}

/// Whether every word of the name `n` is in `tokens` ([`Matcher::token_match`]), and with
/// which of them.
fn coverage(n: &NameRec, tokens: &[String], truncated: &HashMap<&str, &str>) -> Option<Cover> {
    let mut c = Cover {
        used: vec![None; tokens.len()],
        shortened: false,
        truncated: false,
    };
    for w in &n.tokens {
        let free = |c: &Cover, i: usize| c.used[i].is_none();
        if let Some(i) = (0..tokens.len()).find(|&i| free(&c, i) && tokens[i] == *w) {
            c.used[i] = Some((w.clone(), WordRole::Covers));
        } else if let Some(i) = truncated
            .get(w.as_str())
            .and_then(|t| (0..tokens.len()).find(|&i| free(&c, i) && tokens[i] == *t))
        {
            c.used[i] = Some((w.clone(), WordRole::Truncates));
            c.truncated = true;
        } else if let Some(i) = (0..tokens.len()).find(|&i| {
            free(&c, i)
                && weights::is_generic(w)
                && !normalize::is_cjk(w)
                && is_shortening(&tokens[i], w)
        }) {
            c.used[i] = Some((w.clone(), WordRole::Shortens));
            c.shortened = true;
        } else {
            return None;
        }
    }
    Some(c)
}

/// Shortest word tried for typos and truncations.
const FUZZY_MIN_LEN: usize = 5;

/// Words of a vendor string considered for identity (company names are far shorter).
const MAX_WORDS: usize = 24;

/// Longest word tried for typos: no company name has longer words, and the bound keeps a
/// pathological 100 KB "word" from costing time quadratic in its length.
const FUZZY_MAX_LEN: usize = 40;

impl Matcher {
    /// Indexes `data` with default options.
    pub fn new(data: &RegistryData) -> Result<Matcher> {
        Matcher::build(data, |_| true, MatchOptions::DEFAULT)
    }

    /// Indexes with explicit options.
    pub fn build(
        data: &RegistryData,
        keep: impl Fn(&Vendor) -> bool,
        opts: MatchOptions,
    ) -> Result<Matcher> {
        // The model patterns first: compiling them takes more transient memory than anything
        // else here, and the allocator can then reuse it for the index.
        let mut pattern_owner = Vec::new();
        let mut builder = GlobSetBuilder::new();
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
        // Exact capacities: grown by doubling, the large tables would leave the memory of each
        // smaller copy behind (the allocator keeps it), several times their own size.
        let texts: usize = data
            .vendors
            .iter()
            .filter(|v| keep(v))
            .map(|v| 1 + v.aliases.len())
            .sum();
        let map = |n: usize| HashMap::with_capacity_and_hasher(n, ahash::RandomState::new());
        let mut m = Matcher {
            names: Vec::with_capacity(texts),
            exact: map(texts),
            compact: map(texts),
            // Far fewer distinct words than names: this one grows.
            by_token: HashMap::default(),
            by_anchor: HashMap::default(),
            entity_words: HashMap::default(),
            sorted_tokens: Vec::new(),
            deletions: Vec::new(),
            deletion_runs: HashMap::default(),
            hasher: ahash::RandomState::new(),
            cjk: Vec::new(),
            lookalike_exact: HashMap::default(),
            patterns,
            pattern_owner,
            family: Family::default(),
            grantees: HashMap::default(),
            base: data.vendors.len(),
            opts,
        };
        let index: HashMap<&str, usize> = data
            .vendors
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id.as_str(), i))
            .collect();
        for (i, v) in data.vendors.iter().enumerate() {
            if let Some(p) = v.parent.as_deref().and_then(|p| index.get(p)) {
                m.family.parent.insert(i, *p);
            }
        }
        for (i, v) in data.vendors.iter().enumerate().filter(|(_, v)| keep(v)) {
            for code in &v.fcc_grantee_codes {
                m.grantees.entry(code.clone()).or_default().push(i);
            }
        }
        for (i, v) in data.vendors.iter().enumerate().filter(|(_, v)| keep(v)) {
            let texts = std::iter::once((MatchKind::Name, &v.name))
                .chain(v.aliases.iter().map(|a| (MatchKind::Alias, a)));
            for (kind, text) in texts {
                let split = normalize::tokens(text);
                // A name written in camel case ("HiSilicon") is also indexed as written
                // ("hisilicon"), so that neither form reads as two common words.
                let joined = normalize::tokens_unsplit(text);
                let forms = if joined != split && !joined.is_empty() {
                    vec![split, joined]
                } else {
                    vec![split]
                };
                for tokens in forms {
                    if tokens.is_empty() {
                        continue;
                    }
                    m.add_name(i, kind, text, tokens);
                }
            }
        }
        for list in m
            .exact
            .values_mut()
            .chain(m.compact.values_mut())
            .chain(m.by_token.values_mut())
            .chain(m.by_anchor.values_mut())
            .chain(m.lookalike_exact.values_mut())
        {
            list.dedup();
        }
        for words in m.entity_words.values_mut() {
            words.sort();
            words.dedup();
        }
        // Typos and truncations are looked for only in the names of entities that a list
        // reaches (listed themselves, or through a controlling parent): they are for review,
        // and a misspelt name of an unlisted maker needs none.
        let listed: std::collections::HashSet<usize> = data
            .vendors
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                let mut cur = Some(*i);
                for _ in 0..16 {
                    let Some(c) = cur else { break };
                    if !data.vendors[c].listings.is_empty() {
                        return true;
                    }
                    cur = m.family.parent.get(&c).copied();
                }
                false
            })
            .map(|(i, _)| i)
            .collect();
        let mut sorted: Vec<String> = m
            .by_token
            .iter()
            .filter(|(_, names)| names.iter().any(|&n| listed.contains(&m.names[n].vendor)))
            .map(|(t, _)| t.clone())
            .collect();
        sorted.sort();
        let fuzzy_len = |t: &String| t.chars().count() >= FUZZY_MIN_LEN;
        m.deletions.reserve_exact(
            sorted
                .iter()
                .filter(|t| fuzzy_len(t))
                .map(|t| 1 + t.chars().count())
                .sum(),
        );
        let mut buf = String::new();
        for (i, t) in sorted.iter().enumerate() {
            if !fuzzy_len(t) {
                continue;
            }
            let Ok(i) = u32::try_from(i) else { break };
            m.deletions.push((m.hasher.hash_one(t.as_str()), i));
            for_each_deletion(t, &mut buf, |d| {
                m.deletions.push((m.hasher.hash_one(d), i));
            });
        }
        m.deletions.sort_unstable();
        m.deletions.dedup();
        let runs = 1 + m.deletions.windows(2).filter(|w| w[0].0 != w[1].0).count();
        m.deletion_runs.reserve(runs);
        let mut start = 0;
        while start < m.deletions.len() {
            let h = m.deletions[start].0;
            let len = m.deletions[start..]
                .iter()
                .take_while(|&&(k, _)| k == h)
                .count();
            if let (Ok(s), Ok(l)) = (u32::try_from(start), u32::try_from(len)) {
                m.deletion_runs.insert(h, (s, l));
            }
            start += len;
        }
        m.sorted_tokens = sorted;
        Ok(m)
    }

    /// Indexes one name or alias (as the tokens `tokens`) of the vendor at `vendor`.
    fn add_name(&mut self, vendor: usize, kind: MatchKind, text: &str, tokens: Vec<String>) {
        let distinctive: Vec<String> = tokens
            .iter()
            .filter(|t| !weights::is_generic(t) && !normalize::is_cjk(t))
            .cloned()
            .collect();
        let idx = self.names.len();
        if let Some((all, _)) = chars::lookalike_all(text) {
            let key = normalize::normalize(&all);
            if key != tokens.join(" ") {
                self.lookalike_exact.entry(key).or_default().push(idx);
            }
        }
        self.exact.entry(tokens.join(" ")).or_default().push(idx);
        self.compact.entry(tokens.concat()).or_default().push(idx);
        for t in &distinctive {
            self.by_token.entry(t.clone()).or_default().push(idx);
        }
        if distinctive.is_empty() {
            if let Some(anchor) = tokens
                .iter()
                .filter(|t| !normalize::is_cjk(t))
                .min_by_key(|t| weights::document_frequency(t))
            {
                self.by_anchor.entry(anchor.clone()).or_default().push(idx);
            }
        }
        for t in tokens
            .iter()
            .filter(|t| normalize::is_cjk(t) && t.chars().count() >= 2)
        {
            self.cjk.push((t.clone(), idx));
        }
        self.entity_words
            .entry(vendor)
            .or_default()
            .extend(tokens.iter().cloned());
        self.names.push(NameRec {
            vendor,
            kind,
            text: text.to_string(),
            tokens,
            distinctive,
        });
    }

    /// Which entity controls which, for [`VendorMatch::with_model`].
    pub fn family(&self) -> &Family {
        &self.family
    }

    /// The options in force.
    pub fn options(&self) -> MatchOptions {
        self.opts
    }

    /// `list` as a shared slice; all empty lists share one allocation.
    pub fn shared(list: Vec<Candidate>) -> Rc<[Candidate]> {
        if list.is_empty() {
            NONE.with(Rc::clone)
        } else {
            list.into()
        }
    }

    fn cand(&self, idx: usize, kind: MatchKind, score: f64, note: String) -> Candidate {
        let n = &self.names[idx];
        Candidate {
            vendor: n.vendor,
            kind,
            matched: n.text.clone(),
            score: (score * 1000.0).round() / 1000.0,
            note,
            disguise: None,
            review: None,
            words: Vec::new(),
        }
    }

    /// [`Matcher::cand`] with the account of the string's words.
    fn cand_words(
        &self,
        words: Vec<WordUse>,
        idx: usize,
        kind: MatchKind,
        score: f64,
        note: String,
    ) -> Candidate {
        Candidate {
            words,
            ..self.cand(idx, kind, score, note)
        }
    }

    /// Registry words that `t` is a truncation of (at least 4 characters and 60 % of the word).
    fn truncation_of(&self, t: &str) -> Vec<&str> {
        let len = t.chars().count();
        if len < 4 || weights::is_generic(t) {
            return Vec::new();
        }
        let start = self.sorted_tokens.partition_point(|x| x.as_str() < t);
        self.sorted_tokens[start..]
            .iter()
            .take_while(|x| x.starts_with(t))
            .filter(|x| x.as_str() != t && len * 10 >= x.chars().count() * 6)
            .map(String::as_str)
            .collect()
    }

    /// Joins adjacent input words whose concatenation is a registry word ("hik vision").
    fn merge_adjacent(&self, tokens: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            if i + 1 < tokens.len() {
                let joined = format!("{}{}", tokens[i], tokens[i + 1]);
                if self.by_token.contains_key(&joined) {
                    out.push(joined);
                    i += 2;
                    continue;
                }
            }
            out.push(tokens[i].clone());
            i += 1;
        }
        out
    }

    /// Token evidence for `tokens` against every name they could cover.
    ///
    /// A name or alias is *covered* when every one of its words is in the string (a common
    /// word may be shortened: "tech" for "technologies"; a distinctive one truncated only
    /// fuzzily). The string's other words are then *explained* when they are words of the
    /// entity's other names, common words, places or legal forms glued to a word, and
    /// *unexplained* otherwise. Covered and explained is a name or alias match (violation
    /// grade); covered with unexplained words is fuzzy (review at most), and only for a name
    /// with a distinctive word; anything less is nothing: one shared word never identifies.
    /// `fuzzy_base` marks a string corrected for a typo: its matches are fuzzy, and must be
    /// explained.
    fn token_match(&self, tokens: &[String], fuzzy_base: Option<(f64, String)>) -> Vec<Candidate> {
        let mut names: Vec<usize> = Vec::new();
        // Registry word -> the input word that is a truncation of it.
        let mut truncated: HashMap<&str, &str> = HashMap::default();
        for t in tokens.iter().filter(|t| !normalize::is_cjk(t)) {
            if let Some(list) = self.by_token.get(t.as_str()) {
                names.extend(list);
            } else if self.opts.fuzzy && !weights::is_generic(t) {
                for full in self.truncation_of(t) {
                    truncated.insert(full, t.as_str());
                    if let Some(list) = self.by_token.get(full) {
                        names.extend(list);
                    }
                }
            }
            if let Some(list) = self.by_anchor.get(t.as_str()) {
                names.extend(list);
            }
        }
        names.sort_unstable();
        names.dedup();
        let mut out: Vec<Candidate> = Vec::new();
        for idx in names {
            let n = &self.names[idx];
            let Some(cover) = coverage(n, tokens, &truncated) else {
                continue;
            };
            let own = self.entity_words.get(&n.vendor);
            let is_own = |t: &str| {
                own.is_some_and(|ws| {
                    ws.iter().any(|w| {
                        w == t
                            || is_shortening(t, w)
                            || (t.starts_with(w.as_str())
                                && normalize::is_legal_form(&t[w.len()..]))
                    })
                })
            };
            let mut common: Vec<&str> = Vec::new();
            let mut unexplained: Vec<&str> = Vec::new();
            let mut words: Vec<WordUse> = Vec::with_capacity(tokens.len());
            for (i, t) in tokens.iter().enumerate() {
                let (role, covers) = match &cover.used[i] {
                    Some((w, role)) => (*role, Some(w.clone())),
                    None if is_own(t) => (WordRole::EntityWord, None),
                    None if weights::is_place(t) => (WordRole::Place, None),
                    None if glued_legal_form(t) => (WordRole::LegalForm, None),
                    // A name made only of common words ("China Mobile") is not diluted by
                    // more of them.
                    None if weights::is_generic(t) && !n.distinctive.is_empty() => {
                        (WordRole::Common, None)
                    }
                    None => (WordRole::Unexplained, None),
                };
                match role {
                    WordRole::Place | WordRole::LegalForm | WordRole::Common => common.push(t),
                    WordRole::Unexplained => unexplained.push(t),
                    _ => {}
                }
                words.push(WordUse {
                    word: t.clone(),
                    role,
                    covers,
                });
            }
            let matched_w: f64 = n.tokens.iter().map(|w| weights::weight(w)).sum();
            let label = if n.kind == MatchKind::Name {
                "name"
            } else {
                "alias"
            };
            let quoted = |ws: &[&str]| {
                ws.iter()
                    .map(|w| format!("'{w}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let all_words = quoted(&n.tokens.iter().map(String::as_str).collect::<Vec<_>>());
            let plural = if n.tokens.len() == 1 { "" } else { "s" };
            if unexplained.is_empty() {
                let total: f64 = matched_w
                    + common
                        .iter()
                        .map(|t| weights::weight(t) * 0.25)
                        .sum::<f64>();
                let sim = if total > 0.0 { matched_w / total } else { 1.0 };
                let mut note = format!(
                    "holds the word{plural} {all_words} of the {label} '{}'",
                    n.text
                );
                if cover.shortened {
                    note.push_str(", a common word shortened");
                }
                if !common.is_empty() {
                    note.push_str(&format!(
                        "; the other words are common words or places ({})",
                        common.join(", ")
                    ));
                }
                let score = 0.9 + 0.1 * sim - if cover.shortened { 0.01 } else { 0.0 };
                match (&fuzzy_base, cover.truncated) {
                    (None, false) => {
                        out.push(self.cand_words(words.clone(), idx, n.kind, score, note))
                    }
                    (None, true) => out.push(self.cand_words(
                        words.clone(),
                        idx,
                        MatchKind::Fuzzy,
                        0.8 * score,
                        format!("{note}, written shortened"),
                    )),
                    (Some((s, via)), _) => out.push(self.cand_words(
                        words.clone(),
                        idx,
                        MatchKind::Fuzzy,
                        s * score,
                        format!("{via}; {note}"),
                    )),
                }
                continue;
            }
            // Words the entity does not explain: at most a review, only for a name with a
            // distinctive word (a brand: "Prama Hikvision India"), never on top of a typo.
            if !self.opts.fuzzy || fuzzy_base.is_some() || n.distinctive.is_empty() {
                continue;
            }
            // A romanised Chinese trade name registered in another place is another company
            // (Chinese trade names are unique only within a region): "Shanghai Dahua Scale
            // Factory" is not "Zhejiang Dahua Technology".
            let entity_places = own.is_some_and(|ws| ws.iter().any(|w| weights::is_place(w)));
            let other_place = words
                .iter()
                .any(|w| w.role == WordRole::Place && !is_own(&w.word));
            if entity_places && other_place && n.distinctive.iter().all(|w| weights::is_pinyin(w)) {
                continue;
            }
            let extra_w: f64 = unexplained.iter().map(|t| weights::weight(t)).sum();
            let share = matched_w / (matched_w + extra_w);
            let note = format!(
                "holds the word{plural} {all_words} of the {label} '{}' but adds {}",
                n.text,
                quoted(&unexplained)
            );
            let base = if cover.truncated { 0.8 } else { 1.0 };
            out.push(self.cand_words(
                words.clone(),
                idx,
                MatchKind::Fuzzy,
                base * (0.5 + 0.5 * share),
                note,
            ));
        }
        out
    }

    /// Finds the entities a vendor string names (and model numbers written into it).
    ///
    /// A string that is not pure ASCII is also matched on its readings ([`chars::readings`]):
    /// without invisible code points, in the order it displays in, with look-alike letters of
    /// other scripts read as Latin. A candidate found on such a reading says how the string
    /// was disguised; one found only through a reading of words written wholly in another
    /// script (no word mixing scripts, no bidi override) must be exact, not fuzzy, so that
    /// genuine names in other scripts are not corrected into listed ones.
    pub(crate) fn match_vendor(&self, vendor: &str) -> VendorMatch {
        let (normalized, mut by_vendor) = self.vendor_candidates(vendor);
        if is_placeholder(&normalized) {
            // "Generic", "OEM", "Unknown": the field names nobody.
            by_vendor.clear();
        }
        if !vendor.is_ascii() {
            self.disguised_candidates(vendor, &normalized, &mut by_vendor);
            if by_vendor.is_empty() && self.opts.fuzzy {
                self.transliterated_candidates(vendor, &mut by_vendor);
            }
        }
        by_vendor.retain(|c| {
            c.kind != MatchKind::Fuzzy || (self.opts.fuzzy && c.score >= self.opts.min_score)
        });
        by_vendor.sort_by(|a, b| {
            let strength = |c: &Candidate| u8::from(c.kind == MatchKind::Fuzzy);
            (strength(a), b.score.total_cmp(&a.score).is_lt())
                .cmp(&(strength(b), a.score.total_cmp(&b.score).is_lt()))
        });
        let mut seen = Vec::new();
        by_vendor.retain(|c| {
            if seen.contains(&c.vendor) {
                false
            } else {
                seen.push(c.vendor);
                true
            }
        });
        // An organisation registered with the IEEE under exactly this name is that
        // organisation, not an approximate cousin of a registry entity; but a coined brand of an
        // entity inside its name still makes it one for review ("Prama Hikvision India").
        // Curated and user entries named exactly come first: the IEEE tier never overrides them.
        if !is_placeholder(&normalized)
            && !by_vendor
                .iter()
                .any(|c| matches!(c.kind, MatchKind::Name | MatchKind::Alias))
        {
            let registered = self.ieee_candidates(&normalized);
            if !registered.is_empty() {
                by_vendor.retain(holds_coined_brand);
                by_vendor.splice(0..0, registered);
            }
        }
        let vendor_words = vendor
            .split_whitespace()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()));
        let mut by_vendor_words = Vec::new();
        self.pattern_candidates(vendor_words, &mut by_vendor_words);
        VendorMatch {
            normalized: normalized.into(),
            by_vendor: Matcher::shared(by_vendor),
            by_vendor_words: Matcher::shared(by_vendor_words),
        }
    }

    /// Adds to `out` the candidates found on the readings of a non-ASCII vendor string that
    /// undo a disguise, each marked with how; candidates of the string as written (in `out`)
    /// are marked too when it held invisible code points, since they were removed to find
    /// them.
    fn disguised_candidates(&self, vendor: &str, normalized: &str, out: &mut Vec<Candidate>) {
        let mark = |c: &mut Candidate, how: &str| {
            c.note
                .push_str(&format!("; the string is disguised: {how}"));
            c.disguise = Some(how.to_string());
        };
        for reading in chars::readings(vendor) {
            let how = reading.describe();
            if reading
                .mappings
                .iter()
                .all(|m| matches!(m, chars::CharMapping::Ignorable(_)))
            {
                // The string as written, which `normalize` already read without them.
                for c in out.iter_mut() {
                    mark(c, &how);
                }
                continue;
            }
            let fuzzy_ok = reading.mixed_script
                || reading
                    .mappings
                    .iter()
                    .any(|m| matches!(m, chars::CharMapping::Visual(_)));
            let (_, found) = self.vendor_candidates(&reading.text);
            for mut c in found {
                if c.kind == MatchKind::Fuzzy && !fuzzy_ok {
                    continue;
                }
                mark(&mut c, &how);
                out.push(c);
            }
        }
        if !self.lookalike_exact.is_empty() {
            let stripped = chars::strip_ignorables(vendor).0;
            if let Some((all, all_mappings)) = chars::lookalike_all(&stripped) {
                let mut mappings = chars::foreign_letters(&stripped);
                if mappings.is_empty() {
                    // Written wholly in look-alike letters of another script.
                    mappings = all_mappings;
                }
                let how = chars::describe(&mappings);
                if let Some(list) = self.lookalike_exact.get(&normalize::normalize(&all)) {
                    let as_written = self.exact.get(normalized);
                    for &idx in list {
                        if as_written.is_some_and(|l| l.contains(&idx)) {
                            continue; // written as registered, not disguised
                        }
                        let n = &self.names[idx];
                        let mut c = self.cand(
                            idx,
                            n.kind,
                            1.0,
                            format!(
                                "looks like the {} '{}' letter for letter",
                                if n.kind == MatchKind::Name {
                                    "name"
                                } else {
                                    "alias"
                                },
                                n.text
                            ),
                        );
                        mark(&mut c, &how);
                        out.push(c);
                    }
                }
            }
        }
    }

    /// The organisations of the IEEE listing registered under the normalised name
    /// `normalized` (or its form without spaces), as exact candidates of the IEEE tier.
    fn ieee_candidates(&self, normalized: &str) -> Vec<Candidate> {
        if normalized.is_empty() {
            return Vec::new();
        }
        // One word that other registered names also use ("Delta": Delta Electronics, Delta
        // Controls, ...) names none of them for sure, even if one organisation registered just
        // that word; the distinctive-core index below decides it, or nobody.
        let single_shared =
            !normalized.contains(' ') && weights::document_frequency(normalized) > 1;
        let mut orgs: Vec<u32> = if single_shared {
            Vec::new()
        } else {
            ieee::find_orgs_by_key(normalized).collect()
        };
        if orgs.is_empty() && !single_shared {
            orgs = ieee::find_orgs_by_key(&normalized.replace(' ', "")).collect();
        }
        let mut by_core = false;
        if orgs.is_empty() {
            // Only the distinctive words of a registered name ("Brocade" for "Brocade
            // Communications Systems"), when they are not common words themselves.
            let core: Vec<&str> = normalized
                .split(' ')
                .filter(|w| !weights::is_generic(w) && !weights::is_place(w))
                .collect();
            if !core.is_empty() && core.len() == normalized.split(' ').count() {
                orgs.extend(ieee::find_org_by_core(&core.join(" ")));
                by_core = true;
            }
        }
        orgs.truncate(1);
        orgs.into_iter()
            .map(|o| {
                let idx = self.base + o as usize;
                let v = tier::ieee_vendor(o as usize);
                Candidate {
                    vendor: idx,
                    kind: MatchKind::Name,
                    matched: v.name.clone(),
                    score: if by_core { 0.95 } else { 1.0 },
                    note: format!(
                        "{} the organisation '{}' registered with the IEEE ({}{})",
                        if by_core {
                            "gives the distinctive words, and only those, of"
                        } else {
                            "equals, after normalisation,"
                        },
                        v.name,
                        v.sources.first().map_or("", String::as_str),
                        v.country
                            .as_deref()
                            .map_or_else(String::new, |c| format!("; registered address in {c}"))
                    ),
                    disguise: None,
                    review: None,
                    words: Vec::new(),
                }
            })
            .collect()
    }

    /// What an item's MAC address says about its maker: the organisation its IEEE block is
    /// registered to, as the registry entity that organisation is (curated or user entries
    /// first) or as the IEEE-tier entity; or, when it says nothing, why in plain words
    /// (locally administered, a group address, a private or unassigned block, not a MAC).
    pub(crate) fn match_mac(&self, mac: &str) -> (Vec<Candidate>, Option<String>) {
        use ieee::{lookup, parse_mac, MacLookup};
        let parsed = match parse_mac(mac) {
            Ok(m) => m,
            Err(e) => return (Vec::new(), Some(format!("MAC '{mac}' is not read: {e}"))),
        };
        let found = match lookup(&parsed) {
            MacLookup::Found(list) => list,
            MacLookup::LocallyAdministered => {
                return (Vec::new(), Some(format!("MAC {parsed} is locally administered (randomised or set by software): it gives no evidence of the maker")));
            }
            MacLookup::Multicast => {
                return (Vec::new(), Some(format!("MAC {parsed} is a group (multicast) address, not a device's: no evidence of the maker")));
            }
            MacLookup::Private(a) => {
                return (
                    Vec::new(),
                    Some(format!(
                        "MAC {parsed} lies in the {} block {} registered privately: no maker named",
                        a.registry,
                        tier::dashed(a.prefix)
                    )),
                );
            }
            MacLookup::RegistryBlock(_) | MacLookup::NotAssigned => {
                return (Vec::new(), Some(format!("MAC {parsed} lies in no block of the IEEE listing compiled in: no evidence of the maker")));
            }
        };
        let Some(a) = found.first() else {
            return (Vec::new(), None);
        };
        let org = a.org();
        let block = format!(
            "MAC {parsed} lies in the {} block {} registered to '{}'{}",
            a.registry,
            tier::dashed(a.prefix),
            org.name,
            org.country.map_or_else(String::new, |c| format!(" ({c})"))
        );
        // The organisation as the registry knows it: an exact name or alias match.
        let (_, named) = self.name_candidates(org.name, false);
        let mut out: Vec<Candidate> = named
            .into_iter()
            .filter(|c| matches!(c.kind, MatchKind::Name | MatchKind::Alias))
            .map(|c| Candidate {
                kind: MatchKind::Mac,
                score: 1.0,
                note: format!("{block}, which {}", c.note),
                matched: tier::dashed(a.prefix),
                words: Vec::new(),
                ..c
            })
            .collect();
        out.dedup_by_key(|c| c.vendor);
        if out.is_empty() {
            out.push(Candidate {
                vendor: self.base + a.org as usize,
                kind: MatchKind::Mac,
                matched: tier::dashed(a.prefix),
                score: 1.0,
                note: block,
                disguise: None,
                review: None,
                words: Vec::new(),
            });
        }
        (out, None)
    }

    /// What an item's FCC ID says about its maker: the registry entities its grantee code
    /// (the first 3 or 5 characters) is recorded for; or, when it says nothing, why.
    pub(crate) fn match_fcc_id(&self, fcc_id: &str) -> (Vec<Candidate>, Option<String>) {
        let Some(code) = crate::registry::grantee_code(fcc_id) else {
            return (
                Vec::new(),
                Some(format!(
                    "FCC ID '{fcc_id}' is not in the FCC's form (a grantee code of 3 characters starting with a letter, or 5 starting with 2, then the product code): no evidence of the maker"
                )),
            );
        };
        let out = self
            .grantees
            .get(code.as_ref())
            .into_iter()
            .flatten()
            .map(|&v| Candidate {
                vendor: v,
                kind: MatchKind::FccId,
                matched: code.to_string(),
                score: 1.0,
                note: format!("FCC ID '{fcc_id}' has the grantee code {code}, recorded for"),
                disguise: None,
                review: None,
                words: Vec::new(),
            })
            .collect();
        (out, None)
    }

    /// Adds the candidates of `vendor` transliterated to Latin letters ("华为技术" as
    /// "HuaWeiJiShu"), each fuzzy (review at most) and marked with the reading, when nothing
    /// else matched.
    fn transliterated_candidates(&self, vendor: &str, out: &mut Vec<Candidate>) {
        let Some(latin) = chars::transliterate(&chars::strip_ignorables(vendor).0) else {
            return;
        };
        let how = chars::CharMapping::Transliterated(latin.clone()).to_string();
        let (_, found) = self.vendor_candidates(&latin);
        for mut c in found {
            c.kind = MatchKind::Fuzzy;
            c.score = (c.score * 0.9 * 1000.0).round() / 1000.0;
            c.note = format!("{}; the string is {how}", c.note);
            c.disguise = Some(how.clone());
            out.push(c);
        }
    }

    /// The normalised form of `vendor` and the candidates its words give, unsorted and
    /// unfiltered.
    fn vendor_candidates(&self, vendor: &str) -> (String, Vec<Candidate>) {
        self.name_candidates(vendor, true)
    }

    /// [`Matcher::vendor_candidates`], with typo and CJK-fragment matching only when `loose`.
    fn name_candidates(&self, vendor: &str, loose_match: bool) -> (String, Vec<Candidate>) {
        let all_tokens = normalize::tokens(vendor);
        let normalized = all_tokens.join(" ");
        // Identity never depends on repeated words or on more than the first words of a name:
        // this keeps a pathological string (thousands of words) linear.
        let mut tokens: Vec<String> = Vec::new();
        for t in all_tokens {
            if !tokens.contains(&t) {
                tokens.push(t);
            }
            if tokens.len() == MAX_WORDS {
                break;
            }
        }
        let mut by_vendor: Vec<Candidate> = Vec::new();
        if !tokens.is_empty() {
            let exact = self
                .exact
                .get(&normalized)
                .map(|v| (v, "equals"))
                .or_else(|| {
                    self.compact
                        .get(&tokens.concat())
                        .map(|v| (v, "equals, spacing aside,"))
                });
            if let Some((list, how)) = exact {
                for &idx in list {
                    let n = &self.names[idx];
                    let label = if n.kind == MatchKind::Name {
                        "name"
                    } else {
                        "alias"
                    };
                    by_vendor.push(self.cand(
                        idx,
                        n.kind,
                        1.0,
                        format!("{how} the {label} '{}' after normalisation", n.text),
                    ));
                }
                // Several entities with the same normalised name: the one matching with its
                // legal form comes first ("AO Kaspersky Lab" / "Kaspersky Lab, Inc.").
                if by_vendor.len() > 1 {
                    let loose = normalize::loose(vendor);
                    by_vendor.sort_by_key(|c| normalize::loose(&c.matched) != loose);
                }
            } else {
                let merged = self.merge_adjacent(&tokens);
                by_vendor = self.token_match(&merged, None);
                if by_vendor.iter().all(|c| c.kind == MatchKind::Fuzzy)
                    && self.opts.fuzzy
                    && loose_match
                {
                    by_vendor.extend(self.typo_match(&merged));
                    by_vendor.extend(self.cjk_match(&merged));
                }
            }
        }
        (normalized, by_vendor)
    }

    /// Entities whose model patterns match the model field: the whole field, then each of its
    /// words.
    pub(crate) fn match_model(&self, model: Option<&str>) -> Vec<Candidate> {
        let model_words = model
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .into_iter()
            .flat_map(|m| std::iter::once(m).chain(m.split_whitespace().filter(move |w| *w != m)));
        let mut out = Vec::new();
        self.pattern_candidates(model_words, &mut out);
        if let Some(m) = model {
            self.names_in_text("model", m, &mut out);
        }
        if let Some(m) = model.filter(|m| !m.is_ascii()) {
            // A model number disguised like a vendor name: invisible code points removed and
            // letters of other scripts read as their Latin look-alikes (model numbers are
            // Latin), when that finds what the field as written did not.
            let (stripped, mut mappings) = chars::strip_ignorables(m);
            let stripped = stripped.into_owned();
            let text = match chars::lookalike_all(&stripped) {
                Some((all, confusables)) => {
                    mappings.extend(confusables);
                    all
                }
                None => stripped,
            };
            if !mappings.is_empty() {
                let how = chars::describe(&mappings);
                let trimmed = text.trim();
                let words = std::iter::once(trimmed)
                    .chain(trimmed.split_whitespace().filter(|w| *w != trimmed));
                let mut found = Vec::new();
                self.pattern_candidates(words, &mut found);
                for mut c in found {
                    if !out.iter().any(|o| o.vendor == c.vendor) {
                        c.note.push_str(&format!("; the model is disguised: {how}"));
                        c.disguise = Some(how.clone());
                        out.push(c);
                    }
                }
            }
        }
        out
    }

    /// The entities whose names a free-text field (a description) holds, as evidence for
    /// review only ([`Matcher::names_in_text`]).
    pub(crate) fn match_text(&self, field: &str, text: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        self.names_in_text(field, text, &mut out);
        out
    }

    /// Adds the entities whose names the field `field` holds ("Hytera PD985", "Kaspersky
    /// Endpoint Security" in a model field), as evidence for review only. Most such fields
    /// hold no registry word, and a cheap scan of their words says so before any
    /// normalisation.
    fn names_in_text(&self, field: &str, model: &str, out: &mut Vec<Candidate>) {
        let mut word = String::new();
        let mut hit = !model.is_ascii();
        for c in model.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
                continue;
            }
            if word.len() >= 3
                && !word.bytes().any(|b| b.is_ascii_digit())
                && (self.by_token.contains_key(&word) || self.by_anchor.contains_key(&word))
            {
                hit = true;
                break;
            }
            word.clear();
        }
        if !hit {
            return;
        }
        let (_, found) = self.name_candidates(model, false);
        for mut c in found {
            if out.iter().any(|o| o.vendor == c.vendor) {
                continue;
            }
            c.note = format!("the {field} field '{model}' {}", c.note);
            c.review = Some(format!(
                "the name is in the {field} field ('{model}'), not the vendor field, which alone is for review"
            ));
            out.push(c);
        }
    }

    /// Adds a candidate for each entity (once) whose model pattern matches one of `words`.
    fn pattern_candidates<'w>(
        &self,
        words: impl Iterator<Item = &'w str>,
        out: &mut Vec<Candidate>,
    ) {
        for candidate in words {
            if !self.patterns.is_match(candidate) {
                continue;
            }
            for idx in self.patterns.matches(candidate) {
                let (v, pattern) = &self.pattern_owner[idx];
                if !out.iter().any(|c| c.vendor == *v) {
                    out.push(Candidate {
                        vendor: *v,
                        kind: MatchKind::Model,
                        matched: pattern.clone(),
                        score: 1.0,
                        note: format!("model '{candidate}' matches the pattern '{pattern}'"),
                        disguise: None,
                        review: None,
                        words: Vec::new(),
                    });
                }
            }
        }
    }

    /// Matches one (vendor, model) pair: [`Matcher::match_vendor`] and [`Matcher::match_model`]
    /// combined. Model numbers written into the vendor field ("Hikvision DS-2CD2143G0-I")
    /// count as models too, after those of the model field.
    pub fn match_item(&self, vendor: &str, model: Option<&str>) -> MatchResult {
        self.match_vendor(vendor)
            .with_model(&self.match_model(model).into(), &self.family)
    }

    /// One-edit typos of distinctive words ("hauwei", "hikvison", "dahau").
    fn typo_match(&self, tokens: &[String]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let len = t.chars().count();
            if !(FUZZY_MIN_LEN..=FUZZY_MAX_LEN).contains(&len)
                || weights::is_generic(t)
                || weights::is_attested(t)
                || self.by_token.contains_key(t)
            {
                continue;
            }
            let mut fixes: Vec<&String> = Vec::new();
            let mut lookup = |key: &str| {
                let h = self.hasher.hash_one(key);
                let Some(&(start, len)) = self.deletion_runs.get(&h) else {
                    return;
                };
                let run = self
                    .deletions
                    .get(start as usize..(start + len) as usize)
                    .unwrap_or_default();
                for &(_, i) in run {
                    if let Some(r) = self.sorted_tokens.get(i as usize) {
                        if osa_distance(t, r) == 1 {
                            fixes.push(r);
                        }
                    }
                }
            };
            lookup(t);
            let mut buf = String::new();
            for_each_deletion(t, &mut buf, &mut lookup);
            // A typo rarely changes the first letter: "nautel" is not a misspelt "autel". A
            // word that real organisations use is a word, not a typo ("unicomp" is not
            // "unicom"); and a romanised Chinese name one letter from another is another name
            // ("huawen" is not "huawei").
            fixes.retain(|r| {
                r.chars().next() == t.chars().next()
                    && !(weights::is_pinyin(t) && weights::is_pinyin(r))
            });
            fixes.sort();
            fixes.dedup();
            for fix in fixes {
                let sim = 1.0 - 1.0 / len.max(fix.chars().count()) as f64;
                let mut corrected = tokens.to_vec();
                corrected[i] = fix.clone();
                let via = format!("'{t}' is one edit from '{fix}'");
                out.extend(self.token_match(&corrected, Some((sim, via))));
            }
        }
        out
    }

    /// CJK names containing an alias written in CJK ("深圳海康威视数字技术" holds
    /// "杭州海康威视数字技术" minus the place), or contained in exactly one entity's CJK alias
    /// ("大华" in "浙江大华技术").
    fn cjk_match(&self, tokens: &[String]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for t in tokens
            .iter()
            .filter(|t| normalize::is_cjk(t) && t.chars().count() >= 2)
        {
            let holders: Vec<&(String, usize)> = self
                .cjk
                .iter()
                .filter(|(alias, _)| alias != t && alias.contains(t.as_str()))
                .collect();
            let mut vendors: Vec<usize> =
                holders.iter().map(|(_, i)| self.names[*i].vendor).collect();
            vendors.dedup();
            if vendors.len() == 1 {
                let (alias, idx) = holders[0];
                let share = t.chars().count() as f64 / alias.chars().count() as f64;
                out.push(self.cand(
                    *idx,
                    MatchKind::Fuzzy,
                    0.6 + 0.35 * share,
                    format!(
                        "is part of '{alias}', written in the alias '{}'",
                        self.names[*idx].text
                    ),
                ));
            }
        }
        for t in tokens.iter().filter(|t| normalize::is_cjk(t)) {
            for (alias, idx) in &self.cjk {
                if t != alias && t.contains(alias.as_str()) {
                    let share = alias.chars().count() as f64 / t.chars().count() as f64;
                    let n = &self.names[*idx];
                    out.push(self.cand(
                        *idx,
                        MatchKind::Fuzzy,
                        0.6 + 0.35 * share,
                        format!(
                            "contains '{}', written in the {} '{}'",
                            alias,
                            if n.kind == MatchKind::Name {
                                "name"
                            } else {
                                "alias"
                            },
                            n.text
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// A [`Matcher`] can be built once and shared between threads.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Matcher>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::import::parse_toml;
    use std::path::Path;

    fn data() -> RegistryData {
        parse_toml(
            Path::new("t.toml"),
            r#"
[[list]]
id = "l"
title = "A list"
jurisdiction = "US"
basis = "b"
source = "s"
[[vendor]]
id = "hik"
name = "Hangzhou Hikvision Digital Technology Co., Ltd."
aliases = ["Hikvision", "海康威视"]
model_patterns = ["DS-2CD*"]
  [[vendor.listing]]
  list = "l"
  listed_on = 2021-01-01
[[vendor]]
id = "axis"
name = "Axis Communications AB"
aliases = ["Axis"]
[[vendor]]
id = "dahua"
name = "Zhejiang Dahua Technology Co., Ltd."
aliases = ["Dahua"]
  [[vendor.listing]]
  list = "l"
  listed_on = 2021-01-01
[[vendor]]
id = "huawei"
name = "Huawei Technologies Co., Ltd."
aliases = ["Huawei"]
  [[vendor.listing]]
  list = "l"
  listed_on = 2021-01-01
"#,
        )
        .unwrap()
        .data
    }

    fn best(m: &Matcher, d: &RegistryData, s: &str) -> Option<(String, MatchKind)> {
        m.match_item(s, None)
            .by_vendor
            .first()
            .map(|c| (d.vendors[c.vendor].id.clone(), c.kind))
    }

    #[test]
    fn names_aliases_and_models() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        let r = m.match_item("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO.,LTD", None);
        assert_eq!(r.by_vendor[0].kind, MatchKind::Name);
        assert_eq!(r.by_vendor[0].score, 1.0);
        let r = m.match_item("hikvision", None);
        assert_eq!(r.by_vendor[0].kind, MatchKind::Alias);
        let r = m.match_item("Axis", Some("ds-2cd2143g0-i"));
        assert_eq!(d.vendors[r.by_vendor[0].vendor].id, "axis");
        assert_eq!(d.vendors[r.by_model[0].vendor].id, "hik");
        let r = m.match_item("Reseller", Some("Hikvision DS-2CD2143G0-I"));
        assert_eq!(r.by_model.len(), 1);
        let r = m.match_item("Camera Hikvision DS-2CD2143G0-I", None);
        assert_eq!(
            r.by_model.len(),
            1,
            "a model number in the vendor field counts"
        );
    }

    #[test]
    fn spacing_generic_words_and_shortenings() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        assert_eq!(
            best(&m, &d, "Hik Vision"),
            Some(("hik".into(), MatchKind::Alias))
        );
        let (id, kind) = best(&m, &d, "Huawei Tech.").unwrap();
        assert_eq!(id, "huawei");
        assert!(matches!(kind, MatchKind::Name | MatchKind::Alias));
        assert_eq!(
            best(&m, &d, "Hikvision Digital Technology"),
            Some(("hik".into(), MatchKind::Alias))
        );
        assert_eq!(best(&m, &d, "HuaweiTe").map(|b| b.0), Some("huawei".into()));
        let r = m.match_item("Huawei Tech.", None);
        assert!(
            r.by_vendor[0].score < 1.0 && r.by_vendor[0].score > 0.9,
            "{:?}",
            r.by_vendor[0]
        );
    }

    #[test]
    fn typos_are_fuzzy_and_lookalikes_are_not_matched() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        for s in ["Hauwei", "Hikvison", "Dahau"] {
            let r = m.match_item(s, None);
            assert_eq!(
                r.by_vendor.first().map(|c| c.kind),
                Some(MatchKind::Fuzzy),
                "{s}"
            );
            assert!(r.by_vendor[0].score >= 0.75, "{s}: {:?}", r.by_vendor[0]);
        }
        for s in [
            "Huami",
            "Aztech",
            "Shanghai Dahua Scale Factory",
            "Hikari Co.,Ltd.",
            "Huawoo",
            "",
        ] {
            // Some are organisations registered with the IEEE, and identified as themselves:
            // none is identified as an entity of the registry.
            let r = m.match_item(s, None);
            assert!(
                r.ranked().iter().all(|c| c.vendor >= d.vendors.len()),
                "{s}: {:?}",
                r.ranked()
            );
        }
        // Real, different companies one letter from a listed name are not typos of it.
        for s in ["Huawen", "Dahuan", "Hivision Co.,ltd"] {
            let r = m.match_item(s, None);
            assert!(
                r.ranked().iter().all(|c| c.vendor >= d.vendors.len()),
                "{s}: {:?}",
                r.ranked()
            );
        }
        // Every word of a name is needed: one shared word is not a match.
        for s in ["Huawei Americas Trading", "Prama Hikvision India"] {
            let r = m.match_item(s, None);
            assert!(
                r.ranked()
                    .iter()
                    .all(|c| c.kind == MatchKind::Fuzzy || c.vendor >= d.vendors.len()),
                "{s}: {:?}",
                r.ranked()
            );
        }
        let strict = Matcher::build(
            &d,
            |_| true,
            MatchOptions {
                fuzzy: false,
                min_score: 0.6,
            },
        )
        .unwrap();
        assert!(!strict.match_item("Hauwei", None).is_identified());
        assert!(strict.match_item("Huawei", None).is_identified());
    }

    #[test]
    fn partial_names_starting_with_an_entity_are_fuzzy() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        let r = m.match_item("Hikvision ColorVu Turret", None);
        assert_eq!(r.by_vendor[0].kind, MatchKind::Fuzzy);
        assert!(
            r.by_vendor[0].note.contains("adds"),
            "{}",
            r.by_vendor[0].note
        );
        let r = m.match_item("深圳海康威视数字技术", None);
        assert_eq!(d.vendors[r.by_vendor[0].vendor].id, "hik");
        assert_eq!(r.by_vendor[0].kind, MatchKind::Fuzzy);
    }

    fn disguised(
        m: &Matcher,
        d: &RegistryData,
        s: &str,
    ) -> Option<(String, MatchKind, f64, String)> {
        m.match_item(s, None).by_vendor.first().map(|c| {
            (
                d.vendors[c.vendor].id.clone(),
                c.kind,
                c.score,
                c.disguise.clone().unwrap_or_default(),
            )
        })
    }

    #[test]
    fn lookalike_letters_match_exactly_and_say_so() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        let (id, kind, score, how) = disguised(&m, &d, "Нuawei").unwrap();
        assert_eq!(
            (id.as_str(), kind, score),
            ("huawei", MatchKind::Alias, 1.0)
        );
        assert_eq!(how, "Cyrillic 'Н' (U+041D) read as Latin 'H'");
        let (id, kind, _, how) = disguised(&m, &d, "Hikvisiоn").unwrap();
        assert_eq!((id.as_str(), kind), ("hik", MatchKind::Alias));
        assert!(how.contains("U+043E"), "{how}");
        // Whole words of look-alike letters ("ΗUΑWΕΙ" in Greek capitals) and a full name.
        let (id, kind, _, how) = disguised(&m, &d, "ΗUΑWΕΙ").unwrap();
        assert_eq!((id.as_str(), kind), ("huawei", MatchKind::Alias));
        assert!(how.starts_with("Greek 'Η'"), "{how}");
        let (id, kind, score, _) = disguised(&m, &d, "Ηuаwеі Technologies Co., Ltd.").unwrap();
        assert_eq!((id.as_str(), kind, score), ("huawei", MatchKind::Name, 1.0));
        // A near-match of a disguised word is a fuzzy candidate, marked too.
        let (id, kind, _, how) = disguised(&m, &d, "Нuawel").unwrap();
        assert_eq!((id.as_str(), kind), ("huawei", MatchKind::Fuzzy));
        assert!(!how.is_empty());
        // The plain spelling carries no disguise.
        let r = m.match_item("Huawei", None);
        assert_eq!(r.by_vendor[0].disguise, None);
    }

    #[test]
    fn invisible_code_points_and_bidi_overrides_are_undone() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        let (id, kind, _, how) = disguised(&m, &d, "Hua\u{200b}wei").unwrap();
        assert_eq!((id.as_str(), kind), ("huawei", MatchKind::Alias));
        assert_eq!(how, "invisible U+200B removed");
        let (id, kind, score, how) = disguised(&m, &d, "\u{202e}iewauH").unwrap();
        assert_eq!(
            (id.as_str(), kind, score),
            ("huawei", MatchKind::Alias, 1.0)
        );
        assert!(
            how.starts_with("displays as 'Huawei' (bidi override)"),
            "{how}"
        );
        let (id, _, _, how) = disguised(&m, &d, "\u{202e}noisivkiH\u{202c} Co.").unwrap();
        assert_eq!(id, "hik");
        assert!(how.contains("displays as 'Hikvision Co.'"), "{how}");
    }

    #[test]
    fn disguised_model_numbers_match_their_pattern() {
        let d = data();
        let m = Matcher::new(&d).unwrap();
        for model in ["D\u{200b}S-2CD2143G0-I", "D\u{405}-2\u{421}D2143G0-I"] {
            let r = m.match_model(Some(model));
            assert_eq!(r.len(), 1, "{model}");
            assert_eq!(d.vendors[r[0].vendor].id, "hik");
            assert!(r[0].disguise.is_some(), "{model}");
        }
        assert!(m.match_model(Some("DS-2CD2143G0-I"))[0].disguise.is_none());
        assert!(m.match_model(Some("ДС-2СД2143")).is_empty());
    }

    #[test]
    fn genuine_names_in_other_scripts_are_not_mapped_into_listed_ones() {
        let d = parse_toml(
            Path::new("t.toml"),
            r#"
[[vendor]]
id = "zte"
name = "ZTE Corporation"
aliases = ["ZTE"]
[[vendor]]
id = "kl"
name = "AO Kaspersky Lab"
aliases = ["Лаборатория Касперского"]
"#,
        )
        .unwrap()
        .data;
        let m = Matcher::new(&d).unwrap();
        for s in ["ΟΤΕ", "Яндекс", "Ростелеком", "Сбер", "ΖΤΑ", "Ζήτα"]
        {
            assert!(!m.match_item(s, None).is_identified(), "{s}");
        }
        let (id, _, _, how) = disguised(&m, &d, "ΖΤΕ").unwrap();
        assert_eq!(id, "zte");
        assert!(
            how.contains("Greek 'Ζ' (U+0396) read as Latin 'Z'"),
            "{how}"
        );
        // The registry's Cyrillic alias as written: no disguise; with a Latin 'o': disguised.
        let (id, kind, _, how) = disguised(&m, &d, "АО «Лаборатория Касперского»").unwrap();
        assert_eq!(
            (id.as_str(), kind, how.as_str()),
            ("kl", MatchKind::Alias, "")
        );
        let (id, kind, score, how) = disguised(&m, &d, "Лабoратория Касперского").unwrap();
        assert_eq!((id.as_str(), kind, score), ("kl", MatchKind::Alias, 1.0));
        assert_eq!(how, "Latin 'o' (U+006F) among Cyrillic letters");
    }

    #[test]
    fn osa() {
        assert_eq!(osa_distance("hauwei", "huawei"), 1);
        assert_eq!(osa_distance("hikvison", "hikvision"), 1);
        assert_eq!(osa_distance("dahau", "dahua"), 1);
        assert_eq!(osa_distance("huami", "huawei"), 2);
        assert_eq!(osa_distance("", "abc"), 3);
    }
}
