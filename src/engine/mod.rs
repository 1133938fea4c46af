//! Evaluation: judges an item against each policy's rules as of a date, with phase-out
//! deadlines, procurement mode and waivers, and says why in one sentence per finding.
//!
//! For each rule the engine asks three questions in turn: is the rule in force and is the item
//! in its scope (domain)? Is the item covered (designated entity, country test, ...), directly
//! or through a controlling parent whose control still holds? And what does time make of it
//! (deadline ahead: review with days left; passed or banned outright: violation)?

mod scope;

use serde::Serialize;

use crate::date::Date;
use crate::matcher::Tier;
use crate::matcher::{Candidate, MatchKind, MatchOptions, MatchResult, Matcher};
use crate::model::{Item, Verdict};
use crate::policy::waiver::{Lookup, Subject, Waivers};
use crate::policy::{Policy, Rule, RuleKind, Severity, Unknown};
use crate::registry::{Confidence, Registry, Scope, Vendor};

/// One designation that applies to an item, and which entity carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedListing {
    /// The list id.
    pub list: String,
    /// Date of listing.
    pub listed_on: Date,
    /// The listed entity's id (the matched entity, one of its controlling parents, or an
    /// entity affiliated with one of them).
    pub entity: String,
    /// The listing reaches the item through an affiliation, not through control.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub through_affiliate: bool,
    /// Legal basis (the listing's own, else the list's).
    pub basis: String,
}

/// A rule's finding for one item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Policy id.
    pub policy: String,
    /// Rule id.
    pub rule: String,
    /// The verdict (`violation`, `review` or `waived`).
    pub verdict: Verdict,
    /// The registry entry the item was matched to, when one was.
    pub entry: Option<String>,
    /// That entry's legal name.
    pub entry_name: Option<String>,
    /// How the finding reaches the item (`name`, `alias`, `model`, `parent`).
    #[serde(rename = "match")]
    pub match_kind: Option<MatchKind>,
    /// How the item's strings matched the entry, before any parent step.
    pub matched_by: Option<MatchKind>,
    /// The registry text that matched.
    pub matched: Option<String>,
    /// Match confidence in [0, 1].
    pub score: Option<f64>,
    /// Ownership chain of entry ids, from the matched entry to the one the rule caught.
    pub chain: Vec<String>,
    /// Designations that apply (listed-entity rules).
    pub listings: Vec<AppliedListing>,
    /// Phase-out deadline, when the rule has one.
    pub deadline: Option<Date>,
    /// Days from the as-of date to the deadline (negative once passed).
    pub days_left: Option<i64>,
    /// The waiver that covers it.
    pub waiver: Option<String>,
    /// How well the facts the rule rests on are confirmed.
    pub confidence: Confidence,
    /// One sentence a person can read.
    pub reason: String,
    /// The tier of knowledge the identification rests on (`curated`, `user`, `ieee`).
    pub tier: Option<Tier>,
}

/// What evaluation says about one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The item's overall verdict: the worst unwaived finding, `waived` when every finding is
    /// waived, `ok` when there is none.
    pub verdict: Verdict,
    /// Per policy (same order as the evaluator's policies), the worst verdict.
    pub per_policy: Vec<Verdict>,
    /// Whether any registry entity was identified.
    pub identified: bool,
    /// The best-matching entity (id, legal name), how and how well it matched.
    pub identity: Option<(String, String, MatchKind, f64)>,
    /// The tier of knowledge the identity rests on.
    pub identity_tier: Option<Tier>,
    /// Findings that are not ok.
    pub findings: Vec<Finding>,
    /// False when the item's install date is after the as-of date: it was not in service on
    /// that date, so no rule judged it.
    pub in_service: bool,
    /// For an item without findings whose entity no longer counts (retired, or delisted from
    /// every list): what it was identified as and since when it no longer applies.
    pub note: Option<String>,
}

/// How a check judges time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The date the inventory is judged as of.
    pub as_of: Date,
    /// Treat every item as a new purchase: bans apply at once, no phase-out.
    pub procurement: bool,
}

/// Entries per generation of a match cache: a cache holds at most two generations, so memory
/// stays bounded on inventories with millions of distinct strings.
const MATCH_CACHE_GENERATION: usize = 50_000;

/// A bounded cache of match results per distinct string (vendor strings, model strings), in
/// two generations: new entries go into the current one; when it is full, the previous one is
/// dropped and the current one becomes the previous one. A hit in the previous generation moves
/// the entry back into the current one, so the strings that keep coming back (the head of the
/// distribution) stay cached while one-off strings age out.
struct Cache<V> {
    current: std::collections::HashMap<Box<str>, V, ahash::RandomState>,
    previous: std::collections::HashMap<Box<str>, V, ahash::RandomState>,
    /// Entries per generation.
    generation: usize,
}

/// Entries per generation of the model cache: a model-pattern match is cheap to make again
/// (one pass of a glob set), so the long tail of distinct model strings gets less room than
/// vendor strings, whose matching is the expensive part.
const MODEL_CACHE_GENERATION: usize = 16_384;

/// The smallest generation of a match cache, however many evaluators share the budget.
const MIN_CACHE_GENERATION: usize = 4096;

impl<V: Clone> Cache<V> {
    #[cfg(test)]
    fn new() -> Cache<V> {
        Cache::sharing(1)
    }

    /// A cache whose generations are a `share`-th of [`MATCH_CACHE_GENERATION`] (at least
    /// [`MIN_CACHE_GENERATION`]): the caches of a run's evaluators together stay as small as
    /// one evaluator's.
    fn sharing(share: usize) -> Cache<V> {
        Cache::with_generation(MATCH_CACHE_GENERATION, share)
    }

    /// A cache whose generations are a `share`-th of `generation` entries (at least
    /// [`MIN_CACHE_GENERATION`]).
    fn with_generation(generation: usize, share: usize) -> Cache<V> {
        Cache {
            current: std::collections::HashMap::default(),
            previous: std::collections::HashMap::default(),
            generation: (generation / share.max(1)).max(MIN_CACHE_GENERATION),
        }
    }

    /// The value for `key`, computed with `make` on a miss.
    fn get_or(&mut self, key: &str, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.current.get(key) {
            return v.clone();
        }
        let (key, v) = match self.previous.remove_entry(key) {
            Some(kv) => kv,
            None => (key.into(), make()),
        };
        if self.current.len() >= self.generation {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(key, v.clone());
        v
    }
}

/// Evaluates items against a registry and policies. The registry, matcher and policies are
/// shared (read-only) between the evaluators of a run's worker threads ([`Evaluator::worker`]);
/// each evaluator keeps its own match caches.
pub struct Evaluator<'r> {
    core: std::sync::Arc<Core<'r>>,
    /// Matches per distinct vendor string.
    vendors: std::cell::RefCell<Cache<std::rc::Rc<crate::matcher::VendorMatch>>>,
    /// Model-pattern matches per distinct model string.
    models: std::cell::RefCell<Cache<std::rc::Rc<[crate::matcher::Candidate]>>>,
    /// Readings of the scope columns' values.
    scope: std::cell::RefCell<scope::ScopeMemo>,
}

/// What every evaluator of a run shares: nothing in it changes while items are judged (waiver
/// counters are atomic).
pub struct Core<'r> {
    registry: &'r Registry,
    matcher: Matcher,
    policies: Vec<Policy>,
    timing: Timing,
    waivers: Option<&'r Waivers>,
    /// Per entity id, the entities affiliated with it (in either direction of the link).
    affiliated: std::collections::HashMap<String, Vec<usize>>,
    /// Per curated entity, whether a listing can reach it at all: it, a controller at any
    /// date, or an affiliate of one of them is listed on some list at some date. An entity no
    /// listing reaches is passed over by listed-entity rules without walking its chain.
    may_be_listed: Vec<bool>,
    /// Per policy and rule (in their order), the country groups of a country test, resolved
    /// once rather than per item.
    country_groups: Vec<Vec<Vec<&'static crate::countries::Group>>>,
}

impl<'r> std::ops::Deref for Evaluator<'r> {
    type Target = Core<'r>;

    fn deref(&self) -> &Core<'r> {
        &self.core
    }
}

/// A verdict with its deadline (date, days left) and a sentence about time.
type Timed = (Verdict, Option<(Date, i64)>, String);

/// Whether, and how, a rule covers an item.
enum Coverage {
    No,
    Yes {
        cand: Option<Candidate>,
        chain: Vec<String>,
        listings: Vec<AppliedListing>,
        why: String,
    },
    Review {
        cand: Option<Candidate>,
        /// The ownership chain and the listings, when the review rests on a listing (one
        /// limited to purposes the item does not state).
        chain: Vec<String>,
        listings: Vec<AppliedListing>,
        why: String,
    },
}

/// Free-text columns searched for registry names, as evidence for review only (headers after
/// normalisation).
const DESCRIPTION_COLUMNS: [&str; 6] = [
    "description",
    "desc",
    "item_description",
    "product_description",
    "device_description",
    "product_name",
];

/// Whether `header` is one of [`DESCRIPTION_COLUMNS`] once normalised. Most headers are not:
/// each of those names contains "desc" or "product", and normalising only trims, lowercases
/// and turns separators into `_`, so a header without either word (in any case) is not one,
/// and is not normalised (an allocation per column per item).
fn is_description_column(header: &str) -> bool {
    let has = |word: &str| {
        header
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    (has("desc") || has("product"))
        && DESCRIPTION_COLUMNS.contains(&crate::model::normalize_header(header).as_str())
}

const PURPOSES: [&str; 4] = [
    "public-safety",
    "government-facilities",
    "critical-infrastructure",
    "national-security",
];

fn normalize_purpose(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The manufacturer's country as an inventory writes it: an alpha-2 code (any case), an ISO
/// short name, or a common form such as "Russia", "USA" or "UK" (as the origin column reads
/// it).
fn country_of_inventory(s: &str) -> Option<String> {
    crate::countries::code_for_inventory(s).map(str::to_string)
}

impl<'r> Evaluator<'r> {
    /// Indexes the registry and takes the policies (none: the built-in `any-list` policy).
    pub fn new(
        registry: &'r Registry,
        policies: Vec<Policy>,
        timing: Timing,
        waivers: Option<&'r Waivers>,
    ) -> crate::error::Result<Evaluator<'r>> {
        Evaluator::with_matching(registry, policies, timing, waivers, MatchOptions::DEFAULT)
    }

    /// Like [`Evaluator::new`], with explicit matching options (`--strict`, `--min-score`).
    pub fn with_matching(
        registry: &'r Registry,
        policies: Vec<Policy>,
        timing: Timing,
        waivers: Option<&'r Waivers>,
        opts: MatchOptions,
    ) -> crate::error::Result<Evaluator<'r>> {
        let policies = if policies.is_empty() {
            vec![Policy::any_list()]
        } else {
            policies
        };
        let country_groups = policies
            .iter()
            .map(|p| {
                p.rules
                    .iter()
                    .map(|r| match &r.kind {
                        RuleKind::CountryTest { member_of } => member_of
                            .iter()
                            .filter_map(|g| crate::countries::group(g))
                            .collect(),
                        _ => Vec::new(),
                    })
                    .collect()
            })
            .collect();
        let core = Core {
            // Retired entries are matched too, so that their items are identified ("no longer
            // applies since ...") rather than unknown; no rule judges them.
            matcher: Matcher::build(&registry.data, |_| true, opts)?,
            registry,
            policies,
            timing,
            waivers,
            affiliated: affiliation_index(&registry.data),
            may_be_listed: Vec::new(),
            country_groups,
        };
        let core = Core {
            may_be_listed: reachable_by_listings(registry, &core.affiliated),
            ..core
        };
        Ok(Evaluator::sharing(std::sync::Arc::new(core), 1))
    }

    /// One of `evaluators` evaluators of `core`, with empty caches of its own: one per worker
    /// thread (an evaluator stays on the thread that made it). Its caches get a share of the
    /// memory budget of one evaluator's. It judges every item exactly as any other evaluator
    /// of the same core does.
    pub fn sharing(core: std::sync::Arc<Core<'r>>, evaluators: usize) -> Evaluator<'r> {
        Evaluator {
            core,
            vendors: std::cell::RefCell::new(Cache::sharing(evaluators)),
            models: std::cell::RefCell::new(Cache::with_generation(
                MODEL_CACHE_GENERATION,
                evaluators,
            )),
            scope: std::cell::RefCell::default(),
        }
    }

    /// What this evaluator shares with the others of its run, to make one on another thread
    /// with [`Evaluator::sharing`].
    pub fn core(&self) -> std::sync::Arc<Core<'r>> {
        std::sync::Arc::clone(&self.core)
    }

    /// The entities affiliated with entity `id`.
    fn affiliated(&self, id: &str) -> &[usize] {
        self.affiliated.get(id).map_or(&[], Vec::as_slice)
    }

    /// The policies evaluated, in order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The as-of date.
    pub fn as_of(&self) -> Date {
        self.timing.as_of
    }

    fn vendor(&self, i: usize) -> &Vendor {
        crate::matcher::entity(&self.registry.data, i)
    }

    /// The tier of knowledge behind the entity at `i`.
    fn tier(&self, i: usize) -> Tier {
        crate::matcher::tier::tier_of(&self.registry.data, &self.registry.source, i)
    }

    /// The entity and the entities controlling it on the as-of date, nearest first.
    fn chain(&self, v: &'r Vendor) -> Vec<&'r Vendor> {
        let mut out = vec![v];
        let mut cur = v;
        while let Some(p) = cur
            .parent_on(self.timing.as_of)
            .and_then(|p| self.registry.vendor(p))
            .filter(|p| p.active_on(self.timing.as_of))
        {
            if out.iter().any(|x| x.id == p.id) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// Matches and evaluates one item. Matches are cached per distinct vendor string and per
    /// distinct model string.
    pub fn assess(&self, item: &Item) -> Assessment {
        let vendor = self.vendors.borrow_mut().get_or(&item.vendor, || {
            std::rc::Rc::new(self.matcher.match_vendor(&item.vendor))
        });
        let model = self
            .models
            .borrow_mut()
            .get_or(item.model.as_deref().unwrap_or(""), || {
                Matcher::shared(self.matcher.match_model(item.model.as_deref()))
            });
        let named =
            !vendor.normalized.is_empty() && !crate::matcher::is_placeholder(&vendor.normalized);
        let (device, notes) = self.device_evidence(item, named);
        let m = if device.is_empty() {
            vendor.with_model(&model, self.matcher.family())
        } else {
            let mut all = model.to_vec();
            for c in device {
                if !all.iter().any(|a| a.vendor == c.vendor) {
                    all.push(c);
                }
            }
            vendor.with_model(&all.into(), self.matcher.family())
        };
        let mut a = self.assess_matched(item, &m);
        if !notes.is_empty() {
            for f in &mut a.findings {
                for n in &notes {
                    f.reason.push_str("; ");
                    f.reason.push_str(n);
                }
            }
        }
        a
    }

    /// Candidates from the identifiers of the device itself (its MAC address), and what an
    /// identifier that gives no evidence says about itself. A network interface is often made
    /// by someone else than the device (an Intel NIC in a server): when the vendor field names
    /// a maker (`named`), a MAC block counts only if its holder is on a list or controlled by
    /// an entity that is (the white-label case: a "Generic" camera with a Hikvision MAC).
    fn device_evidence(&self, item: &Item, named: bool) -> (Vec<Candidate>, Vec<String>) {
        let mut cands = Vec::new();
        let mut notes = Vec::new();
        if let Some(mac) = item.mac.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            let (found, note) = self.matcher.match_mac(mac);
            cands.extend(found.into_iter().filter(|c| {
                !named
                    || self
                        .chain(self.vendor(c.vendor))
                        .iter()
                        .any(|v| !v.listings.is_empty())
            }));
            notes.extend(note);
        }
        if let Some(id) = item
            .fcc_id
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            let (found, note) = self.matcher.match_fcc_id(id);
            cands.extend(found);
            notes.extend(note);
        }
        // A description may name the maker ("Hikvision 4MP dome camera"): review evidence.
        for (header, text) in &item.extra {
            if is_description_column(header) {
                cands.extend(self.matcher.match_text("description", text));
            }
        }
        (cands, notes)
    }

    /// Evaluates one item whose matches are known.
    pub fn assess_matched(&self, item: &Item, m: &MatchResult) -> Assessment {
        let best = m.best();
        let identity = best.map(|c| {
            let v = self.vendor(c.vendor);
            (v.id.clone(), v.name.clone(), c.kind, c.score)
        });
        let identity_tier = best.map(|c| self.tier(c.vendor));
        // An item installed after the as-of date is not in service on that date: no rule
        // judges it (it is counted apart, never a violation).
        let installed = item.installed.as_deref().and_then(crate::installed::parse);
        if installed.is_some_and(|d| d > self.timing.as_of) {
            return Assessment {
                verdict: Verdict::Ok,
                per_policy: vec![Verdict::Ok; self.policies.len()],
                identified: m.is_identified(),
                identity,
                identity_tier,
                findings: Vec::new(),
                in_service: false,
                note: None,
            };
        }
        // Entries retired by the as-of date identify the item but no longer apply.
        let as_of = self.timing.as_of;
        let active = |c: &Candidate| self.vendor(c.vendor).active_on(as_of);
        let filtered;
        let m = if m.by_vendor.iter().chain(m.by_model.iter()).all(active) {
            m
        } else {
            filtered = MatchResult {
                normalized: m.normalized.clone(),
                by_vendor: m.by_vendor.iter().filter(|c| active(c)).cloned().collect(),
                by_model: m.by_model.iter().filter(|c| active(c)).cloned().collect(),
            };
            &filtered
        };
        let mut findings = Vec::new();
        let mut per_policy = Vec::with_capacity(self.policies.len());
        for (policy, groups) in self.policies.iter().zip(&self.country_groups) {
            let mut worst = Verdict::Ok;
            for (rule, groups) in policy.rules.iter().zip(groups) {
                if let Some(f) = self.apply_rule(item, m, policy, rule, groups) {
                    worst = worst.max(f.verdict);
                    findings.push(f);
                }
            }
            per_policy.push(worst);
        }
        let verdict = per_policy.iter().copied().max().unwrap_or(Verdict::Ok);
        let note = if findings.is_empty() {
            // The identity is the best candidate's entity (found by index, not by id).
            best.and_then(|c| self.no_longer_note(self.vendor(c.vendor)))
                .or_else(|| {
                    let c = best?;
                    (self.tier(c.vendor) == Tier::Ieee).then(|| self.ieee_note(c))
                })
        } else {
            None
        };
        Assessment {
            verdict,
            per_policy,
            identified: identity.is_some(),
            identity,
            identity_tier,
            findings,
            in_service: true,
            note,
        }
    }

    /// What an identification from the IEEE tier rests on, for an item it leaves `ok`.
    fn ieee_note(&self, c: &Candidate) -> String {
        let v = self.vendor(c.vendor);
        format!(
            "identified as {} from the IEEE registration tier ({}){}",
            v.name,
            c.note,
            v.country.as_deref().map_or_else(String::new, |cc| format!(
                "; country {cc} ({}) is the {}",
                crate::countries::name(cc).unwrap_or("?"),
                Tier::Ieee.country_meaning()
            ))
        )
    }

    /// Why an identified entity no longer counts on the as-of date: it was retired, or every
    /// listing of it (and of its controllers) has ended; `None` otherwise.
    fn no_longer_note(&self, v: &Vendor) -> Option<String> {
        let as_of = self.timing.as_of;
        if let Some(r) = v.retired_on.filter(|r| *r <= as_of) {
            return Some(format!(
                "identified as {}, retired from the registry on {r}{}: it no longer applies",
                v.name,
                v.retired_reason
                    .as_deref()
                    .map_or(String::new(), |why| format!(" ({why})"))
            ));
        }
        let ended = v
            .listings
            .iter()
            .filter(|l| l.listed_on <= as_of)
            .map(|l| l.delisted_on.filter(|d| *d <= as_of))
            .collect::<Option<Vec<Date>>>()?;
        let last = ended.into_iter().max()?;
        Some(format!(
            "identified as {}, no longer listed since {last}",
            v.name
        ))
    }

    /// The finding of `rule` of `policy` for an item (`groups`: the rule's country groups,
    /// for a country test), if any.
    fn apply_rule(
        &self,
        item: &Item,
        m: &MatchResult,
        policy: &Policy,
        rule: &Rule,
        groups: &[&crate::countries::Group],
    ) -> Option<Finding> {
        let t = self.timing;
        if t.as_of < rule.effective {
            return None;
        }
        // Scope: domain.
        let mut scope_note: Option<String> = None;
        if let Some(domains) = &rule.domains {
            let item_domain = item
                .domain
                .as_deref()
                .and_then(|d| self.scope.borrow_mut().domain(d));
            match item_domain {
                Some(d) if domains.contains(&d) => {}
                Some(_) => return None,
                None => {
                    let names: Vec<&str> = domains.iter().map(|d| d.as_str()).collect();
                    let stated = item
                        .domain
                        .as_deref()
                        .map_or("no network domain is stated".to_string(), |d| {
                            format!("the domain '{d}' is not one tvcheck knows")
                        });
                    match policy.unknown_domain {
                        Unknown::Apply => {}
                        Unknown::Review => {
                            scope_note = Some(format!(
                                "{stated}; the rule applies to {}: check where the item is used",
                                names.join(", ")
                            ));
                        }
                    }
                }
            }
        }
        // Scope: network technology (a 5G-only requirement).
        if let Some(networks) = &rule.networks {
            let read = |v: Option<&str>| {
                v.map(|v| self.scope.borrow_mut().networks(v))
                    .filter(|n| !n.is_empty())
            };
            let stated = read(item.network.as_deref()).or_else(|| read(item.domain.as_deref()));
            match stated {
                Some(ns) if ns.iter().any(|n| networks.contains(n)) => {}
                Some(_) => return None,
                None => {
                    let names: Vec<&str> = networks.iter().map(|n| n.as_str()).collect();
                    let note = format!(
                        "the rule applies to {} networks only and the item's network is not stated: check whether it serves one (column 'network')",
                        names.join(", ").to_uppercase()
                    );
                    scope_note = Some(match scope_note {
                        Some(s) => format!("{s}; {note}"),
                        None => note,
                    });
                }
            }
        }
        // Scope: equipment category. An item whose category is not stated, or not in the
        // vocabulary, makes no claim to be one of the rule's categories: not judged.
        if let Some(categories) = &rule.categories {
            let stated = item
                .category
                .as_deref()
                .and_then(|c| self.scope.borrow_mut().category(c));
            match stated {
                Some(c) if categories.contains(&c.category) => {
                    if let Some(doubt) = c.doubt {
                        scope_note = Some(match scope_note {
                            Some(s) => format!("{s}; {doubt}"),
                            None => doubt.to_string(),
                        });
                    }
                }
                _ => return None,
            }
        }
        let coverage = self.coverage(item, m, policy, rule, groups);
        let (cand, chain, listings, why, mut verdict, deadline_info, time_note) = match coverage {
            Coverage::No => return None,
            Coverage::Review {
                cand,
                chain,
                listings,
                why,
            } => (
                cand,
                chain,
                listings,
                why,
                Verdict::Review,
                None,
                String::new(),
            ),
            Coverage::Yes {
                cand,
                chain,
                listings,
                why,
            } => {
                let (verdict, deadline, note) = if rule.new_from_listing {
                    match rule.kind {
                        RuleKind::ForeignProduced { .. } => {
                            self.entry_timing_of(item, rule.effective)
                        }
                        _ => self.listing_timing(item, &listings, rule),
                    }
                } else {
                    self.timing_verdict(item, rule)?
                };
                (cand, chain, listings, why, verdict, deadline, note)
            }
        };
        let mut reason = why;
        if let Some((_, parent)) = item.extra.iter().find(|(k, _)| &**k == "part_of") {
            reason = format!(
                "component {parent} contains a part by '{}': {reason}",
                item.vendor
            );
        }
        if let Some(note) = scope_note {
            verdict = Verdict::Review;
            reason.push_str(&format!("; {note}"));
        }
        if cand.as_ref().is_some_and(|c| c.kind == MatchKind::Fuzzy)
            && verdict == Verdict::Violation
        {
            verdict = Verdict::Review;
            reason.push_str("; an approximate match is only for review: confirm the manufacturer");
        }
        if let Some(why) = cand.as_ref().and_then(|c| c.review.as_deref()) {
            if verdict == Verdict::Violation {
                verdict = Verdict::Review;
            }
            reason.push_str(&format!("; {why}: confirm the manufacturer"));
        }
        if rule.severity == Severity::Review && verdict == Verdict::Violation {
            verdict = Verdict::Review;
            match &rule.review_because {
                Some(why) => {
                    reason.push_str("; ");
                    reason.push_str(why);
                }
                None => reason.push_str("; this regime is advisory, so the item is for review"),
            }
        }
        // Exceptions tvcheck cannot see (approvals, cleared lists, exempt uses): a violation
        // says so; one the inventory claims is for a person to confirm.
        if let (Some(exceptions), Verdict::Violation) = (&rule.exceptions, verdict) {
            match stated_exception(item) {
                Some(e) => {
                    verdict = Verdict::Review;
                    reason.push_str(&format!(
                        "; the inventory states an exception ('{e}'): for review, confirm that {exceptions}"
                    ));
                }
                None => reason.push_str(&format!("; a violation unless {exceptions}")),
            }
        }
        if !time_note.is_empty() {
            reason.push_str("; ");
            reason.push_str(&time_note);
        }
        // A designation by lists that bind nobody (a warning, an assessment) is for review.
        if !listings.is_empty()
            && listings
                .iter()
                .all(|l| self.registry.list(&l.list).is_some_and(|d| !d.binding))
            && verdict == Verdict::Violation
        {
            verdict = Verdict::Review;
            reason.push_str("; the designating list is not binding (a warning or an assessment), so the item is for review");
        }
        let via_affiliate = !listings.is_empty() && listings.iter().all(|l| l.through_affiliate);
        // A finding that rests on the ban on new installations carries its confidence.
        let installed = item.installed.as_deref().and_then(crate::installed::parse);
        let confidence = match (rule.new_from, rule.new_from_confidence) {
            (Some(from), Some(c))
                if self.timing.procurement || installed.is_some_and(|d| d >= from) =>
            {
                c.max(rule.confidence)
            }
            _ => rule.confidence,
        };
        // An affiliation is a weaker link than control or a listing by name; the grantee codes
        // shipped are weakly confirmed (data/registry/README.md).
        let confidence =
            if via_affiliate || cand.as_ref().is_some_and(|c| c.kind == MatchKind::FccId) {
                Confidence::Weak
            } else {
                confidence
            };
        if confidence == Confidence::Weak {
            reason.push_str(
                " [weakly confirmed: see the notes of the policy and of the registry entries]",
            );
        }
        let entry = cand.as_ref().map(|c| self.vendor(c.vendor));
        // The chain runs from the matched entry to the one the rule caught; a finding on the
        // entry itself (a country test, an unknown country, a stated purpose missing) is the
        // entry alone.
        let chain = match (chain.is_empty(), entry) {
            (true, Some(v)) => vec![v.id.clone()],
            _ => chain,
        };
        let mut finding = Finding {
            policy: policy.id.clone(),
            rule: rule.id.clone(),
            verdict,
            entry: entry.map(|v| v.id.clone()),
            entry_name: entry.map(|v| v.name.clone()),
            match_kind: cand.as_ref().map(|c| {
                if via_affiliate {
                    MatchKind::Affiliate
                } else if chain.len() > 1 {
                    MatchKind::Parent
                } else {
                    c.kind
                }
            }),
            matched_by: cand.as_ref().map(|c| c.kind),
            matched: cand.as_ref().map(|c| c.matched.clone()),
            score: cand.as_ref().map(|c| c.score),
            chain,
            listings,
            deadline: deadline_info.as_ref().map(|d| d.0),
            days_left: deadline_info.as_ref().map(|d| d.1),
            waiver: None,
            confidence,
            reason,
            tier: cand.as_ref().map(|c| self.tier(c.vendor)),
        };
        self.apply_waivers(item, &mut finding);
        Some(finding)
    }

    /// Turns a covered item into a verdict according to the rule's dates: the verdict, the
    /// deadline with days left (when there is one) and a sentence about time (may be empty).
    /// `None` when the item is grandfathered (acquired before a rule that restricts new
    /// acquisitions only).
    fn timing_verdict(&self, item: &Item, rule: &Rule) -> Option<Timed> {
        let t = self.timing;
        let installed = item.installed.as_deref().and_then(crate::installed::parse);
        if rule.new_only {
            if t.procurement {
                return Some((Verdict::Violation, None, "checked as a new purchase".into()));
            }
            return match installed {
                Some(d) if d >= rule.effective => Some((
                    Verdict::Violation,
                    None,
                    format!("installed on {d}, after the restriction on acquisitions from {}", rule.effective),
                )),
                Some(_) => None,
                None => Some((
                    Verdict::Review,
                    None,
                    format!(
                        "the rule restricts acquisitions from {}; the item's install date is unknown, so check when it was acquired",
                        rule.effective
                    ),
                )),
            };
        }
        if let Some(new_from) = rule.new_from {
            if t.procurement {
                return Some((
                    Verdict::Violation,
                    None,
                    format!(
                        "checked as a new purchase: new installations are banned from {new_from}"
                    ),
                ));
            }
            match installed {
                Some(d) if d >= new_from => {
                    return Some((
                        Verdict::Violation,
                        None,
                        format!("installed on {d}, after the ban on new installations from {new_from}"),
                    ))
                }
                Some(_) if rule.deadline.is_none() => return None,
                Some(_) => {}
                None if rule.deadline.is_none() => {
                    return Some((
                        Verdict::Review,
                        None,
                        format!("new installations are banned from {new_from} and the item's install date is unknown: check when it was installed"),
                    ))
                }
                None => {}
            }
        }
        match rule.deadline {
            Some(_) if t.procurement => Some((
                Verdict::Violation,
                None,
                "checked as a new purchase, so no phase-out period applies".into(),
            )),
            // A deadline is the last day on which the item may still be present ("by 31
            // December 2023" allows the 31st): the breach begins the day after.
            Some(dl) => {
                let left = t.as_of.days_until(dl);
                if left > 0 {
                    Some((
                        Verdict::Review,
                        Some((dl, left)),
                        format!(
                            "{} by {dl}, {left} day{} left",
                            rule.remedy,
                            if left == 1 { "" } else { "s" }
                        ),
                    ))
                } else if left == 0 {
                    Some((
                        Verdict::Review,
                        Some((dl, left)),
                        format!("{} by {dl} (today is the last day)", rule.remedy),
                    ))
                } else {
                    Some((
                        Verdict::Violation,
                        Some((dl, left)),
                        format!("{} by {dl}; the deadline has passed", rule.remedy),
                    ))
                }
            }
            None => Some((Verdict::Violation, None, String::new())),
        }
    }

    /// Timing of a rule that bars equipment acquired after its producer was listed (the FCC
    /// Covered List bars new authorisations and subsidies, not the use of equipment already
    /// bought): acquired on or after the listing, a violation; before it, or at an unknown
    /// date, a review.
    fn listing_timing(&self, item: &Item, listings: &[AppliedListing], rule: &Rule) -> Timed {
        let Some(listed) = listings.iter().map(|l| l.listed_on).min() else {
            return (Verdict::Violation, None, String::new());
        };
        if self.timing.procurement {
            return (
                Verdict::Violation,
                None,
                format!("checked as a new purchase, after the listing of {listed}"),
            );
        }
        let installed = item.installed.as_deref().and_then(crate::installed::parse);
        if let Some(d) = installed.filter(|d| *d >= listed) {
            return (
                Verdict::Violation,
                None,
                format!("installed on {d}, on or after the listing of {listed}"),
            );
        }
        if let Some(years) = rule.phase_out_years {
            // Equipment acquired before the listing (or at an unknown date) must be withdrawn
            // within the period; its anniversary is the last compliant day.
            let dl = listed.plus_years(years);
            let left = self.timing.as_of.days_until(dl);
            let when = match installed {
                Some(d) => format!("installed on {d}, before the listing of {listed}"),
                None => format!(
                    "the install date is unknown (equipment acquired on or after the listing of {listed} is barred at once)"
                ),
            };
            let s = if left == 1 { "" } else { "s" };
            return match left {
                1.. => (
                    Verdict::Review,
                    Some((dl, left)),
                    format!("{when}: {} by {dl}, {years} years after the listing, {left} day{s} left", rule.remedy),
                ),
                0 => (
                    Verdict::Review,
                    Some((dl, left)),
                    format!("{when}: {} by {dl}, {years} years after the listing (today is the last day)", rule.remedy),
                ),
                _ => (
                    Verdict::Violation,
                    Some((dl, left)),
                    format!("{when}: {} by {dl}, {years} years after the listing; the deadline has passed", rule.remedy),
                ),
            };
        }
        match installed {
            Some(d) => (
                Verdict::Review,
                None,
                format!(
                    "installed on {d}, before the listing of {listed}: equipment already acquired may still be used, but federal subsidies may not be used to obtain or maintain it from {}",
                    Date::from_days(listed.to_days() + 60)
                ),
            ),
            None => (
                Verdict::Review,
                None,
                format!(
                    "the install date is unknown: equipment acquired on or after the listing of {listed} is barred, earlier equipment may still be used; check when it was acquired"
                ),
            ),
        }
    }

    /// Timing of a category entry of a list that bars new equipment authorisations from
    /// `entered` (the FCC Covered List's foreign-produced categories): equipment acquired on
    /// or after the entry is a violation; earlier equipment may still be used (review); an
    /// unknown install date is for review.
    fn entry_timing_of(&self, item: &Item, entered: Date) -> Timed {
        if self.timing.procurement {
            return (
                Verdict::Violation,
                None,
                format!("checked as a new purchase, after the entry of {entered}"),
            );
        }
        match item.installed.as_deref().and_then(crate::installed::parse) {
            Some(d) if d >= entered => (
                Verdict::Violation,
                None,
                format!("installed on {d}, on or after the entry of {entered}"),
            ),
            Some(d) => (
                Verdict::Review,
                None,
                format!(
                    "installed on {d}, before the entry of {entered}: the entry bars new equipment authorisations, and previously authorised equipment may still be used"
                ),
            ),
            None => (
                Verdict::Review,
                None,
                format!(
                    "the install date is unknown: equipment acquired on or after the entry of {entered} is barred, earlier equipment may still be used; check when it was acquired"
                ),
            ),
        }
    }

    /// Coverage of a `foreign-produced` rule: the item's country (or countries) of
    /// production from its inventory `origin`; who made it and where the maker is registered
    /// play no part. Any stage produced outside `inside` counts; no stated origin is for review.
    fn produced_rule(&self, item: &Item, rule: &Rule, inside: &[String]) -> Coverage {
        let category = item.category.as_deref().unwrap_or("");
        let cats: Vec<&str> = rule
            .categories
            .iter()
            .flatten()
            .map(|c| c.as_str())
            .collect();
        let scope = format!(
            "the rule covers {} produced outside {}",
            cats.join(", "),
            inside.join(", ")
        );
        let Some(raw) = item
            .origin
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Coverage::Review {
                cand: None,
                chain: Vec::new(),
                listings: Vec::new(),
                why: format!(
                    "category '{category}': the country of production is not stated (column 'origin'); {scope}"
                ),
            };
        };
        match crate::countries::parse_list(raw) {
            Err(part) => Coverage::Review {
                cand: None,
                chain: Vec::new(),
                listings: Vec::new(),
                why: format!(
                    "category '{category}': the country of production '{raw}' is not understood ('{part}' is not an ISO 3166 code or English country name); {scope}"
                ),
            },
            Ok(codes) => {
                let foreign: Vec<String> = codes
                    .iter()
                    .filter(|c| !inside.iter().any(|i| i == *c))
                    .map(|c| format!("{c} ({})", crate::countries::name(c).unwrap_or("?")))
                    .collect();
                if foreign.is_empty() {
                    return Coverage::No;
                }
                Coverage::Yes {
                    cand: None,
                    chain: Vec::new(),
                    listings: Vec::new(),
                    why: format!(
                        "category '{category}', produced at least in part in {}, outside {} (inventory origin '{raw}'; the maker's country of registration plays no part)",
                        foreign.join(", "),
                        inside.join(", ")
                    ),
                }
            }
        }
    }

    fn apply_waivers(&self, item: &Item, f: &mut Finding) {
        let Some(waivers) = self.waivers else {
            return;
        };
        let mut entities = f.chain.clone();
        if entities.is_empty() {
            if let Some(e) = &f.entry {
                entities.push(e.clone());
            }
        }
        let subject = Subject {
            asset_id: item.asset_id.as_deref(),
            serial: item.serial.as_deref(),
            site: item.site.as_deref(),
            model: item.model.as_deref(),
            entities: &entities,
            policy: &f.policy,
            rule: &f.rule,
        };
        match waivers.lookup(&subject, self.timing.as_of) {
            Lookup::None => {}
            Lookup::Waived(id) => {
                f.verdict = Verdict::Waived;
                f.reason.push_str(&format!("; waived by {id}"));
                f.waiver = Some(id);
            }
            Lookup::Expired(id, d) => {
                f.reason.push_str(&format!(
                    "; waiver {id} expired on {d} and no longer applies"
                ));
            }
        }
    }

    fn identity_text(&self, item: &Item, c: &Candidate) -> String {
        let text = self.identity_words(item, c);
        match &c.disguise {
            // The note of an exact or model match is not repeated: say how it was disguised.
            Some(how)
                if c.score >= 1.0
                    && matches!(
                        c.kind,
                        MatchKind::Name | MatchKind::Alias | MatchKind::Model | MatchKind::Parent
                    ) =>
            {
                format!("{text}, disguised: {how}")
            }
            _ => text,
        }
    }

    fn identity_words(&self, item: &Item, c: &Candidate) -> String {
        let v = self.vendor(c.vendor);
        match c.kind {
            MatchKind::Name if c.score >= 1.0 => {
                format!(
                    "vendor '{}' is the registered name of {}",
                    item.vendor, v.name
                )
            }
            MatchKind::Alias if c.score >= 1.0 => {
                format!("vendor '{}' is an alias of {}", item.vendor, v.name)
            }
            MatchKind::Name | MatchKind::Alias => format!(
                "vendor '{}' names {} (it {}; score {:.2})",
                item.vendor, v.name, c.note, c.score
            ),
            MatchKind::Fuzzy => format!(
                "vendor '{}' resembles {} ({}; fuzzy score {:.2})",
                item.vendor, v.name, c.note, c.score
            ),
            MatchKind::Mac | MatchKind::FccId => format!("{}: {}", c.note, v.name),
            MatchKind::Model | MatchKind::Parent | MatchKind::Affiliate => format!(
                "model '{}' matches pattern '{}' of {}",
                item.model
                    .as_deref()
                    .filter(|m| c.note.contains(*m))
                    .map_or_else(
                        || c.note.split('\'').nth(1).unwrap_or("").to_string(),
                        str::to_string
                    ),
                c.matched,
                v.name
            ),
        }
    }

    fn relabel_note(&self, m: &MatchResult, c: &Candidate) -> String {
        if !c.kind.is_device_evidence() {
            return String::new();
        }
        let others: Vec<&str> = m
            .by_vendor
            .iter()
            .filter(|o| o.vendor != c.vendor)
            .map(|o| self.vendor(o.vendor).name.as_str())
            .collect();
        if others.is_empty() {
            String::new()
        } else {
            format!(
                "; the vendor field names {}, so the equipment may be relabelled",
                others.join(", ")
            )
        }
    }

    fn coverage(
        &self,
        item: &Item,
        m: &MatchResult,
        policy: &Policy,
        rule: &Rule,
        groups: &[&crate::countries::Group],
    ) -> Coverage {
        match &rule.kind {
            RuleKind::ListedEntity { lists } => self.listed(item, m, policy, lists.as_deref()),
            RuleKind::NamedEntities { entities } => {
                for c in m.ranked() {
                    let chain = self.chain(self.vendor(c.vendor));
                    if let Some(pos) = chain.iter().position(|v| entities.contains(&v.id)) {
                        let mut why = self.identity_text(item, c);
                        for v in &chain[1..=pos] {
                            why.push_str(&format!(", controlled by {}", v.name));
                        }
                        why.push_str(&format!(" (named by {})", policy.id));
                        why.push_str(&self.relabel_note(m, c));
                        return Coverage::Yes {
                            cand: Some(c.clone()),
                            chain: chain[..=pos].iter().map(|v| v.id.clone()).collect(),
                            listings: Vec::new(),
                            why,
                        };
                    }
                }
                Coverage::No
            }
            RuleKind::CountryTest { member_of } => {
                let as_of = self.timing.as_of;
                let fails = |cc: &str| !groups.iter().any(|g| g.is_member(cc, as_of));
                // Written only for a finding.
                let test = || {
                    let names: Vec<String> = member_of.iter().map(|g| g.to_uppercase()).collect();
                    format!("not a member of {} on {as_of}", join_or(&names))
                };
                self.country_rule(item, m, &fails, &test)
            }
            RuleKind::NamedCountries {
                countries,
                territories,
            } => {
                // A territory on the list has no registry entity in it: the inventory's own
                // country of the maker, or the item's origin, says it.
                for (field, value) in [
                    ("the manufacturer's country", item.country.as_deref()),
                    ("the country of production (origin)", item.origin.as_deref()),
                ] {
                    let Some(t) = value
                        .and_then(crate::countries::territory_in)
                        .filter(|t| territories.contains(&t.id))
                    else {
                        continue;
                    };
                    return Coverage::Yes {
                        cand: m.best().cloned(),
                        chain: Vec::new(),
                        listings: Vec::new(),
                        why: format!(
                            "the inventory gives {field} as '{}': {}, a territory named by {}",
                            value.unwrap_or_default(),
                            t.name,
                            policy.id
                        ),
                    };
                }
                let fails = |cc: &str| countries.iter().any(|c| c == cc);
                let test = || format!("one of the states named by {}", policy.id);
                self.country_rule(item, m, &fails, &test)
            }
            RuleKind::ForeignProduced { produced_outside } => {
                self.produced_rule(item, rule, produced_outside)
            }
        }
    }

    fn listed(
        &self,
        item: &Item,
        m: &MatchResult,
        policy: &Policy,
        lists: Option<&[String]>,
    ) -> Coverage {
        let as_of = self.timing.as_of;
        let mut review: Option<Coverage> = None;
        for c in m.ranked() {
            if !self.may_be_listed.get(c.vendor).copied().unwrap_or(true) {
                continue;
            }
            let chain = self.chain(self.vendor(c.vendor));
            // The entity and its controllers, then the entities affiliated with one of them
            // (after the controller at that position): a listing reaches an affiliate only on a
            // list that says it does.
            let mut holders: Vec<(usize, &Vendor, bool)> = chain
                .iter()
                .enumerate()
                .map(|(p, h)| (p, *h, false))
                .collect();
            for (p, member) in chain.iter().enumerate() {
                for &ai in self.affiliated(&member.id) {
                    let a = self.vendor(ai);
                    if a.active_on(as_of) && !chain.iter().any(|x| x.id == a.id) {
                        holders.push((p, a, true));
                    }
                }
            }
            for (pos, holder, via_affiliate) in holders {
                let applicable: Vec<&crate::registry::Listing> = holder
                    .listings
                    .iter()
                    .filter(|l| {
                        l.in_force_on(as_of)
                            && lists.is_none_or(|ls| ls.contains(&l.list))
                            && (!via_affiliate
                                || self
                                    .registry
                                    .list(&l.list)
                                    .is_some_and(|d| d.reaches_affiliates))
                    })
                    .collect();
                if applicable.is_empty() {
                    continue;
                }
                // Purpose-limited listings cover only some uses of the equipment.
                let purpose = item.purpose.as_deref().map(normalize_purpose);
                let mut covering = Vec::new();
                let mut limited_unknown = Vec::new();
                for l in applicable {
                    if l.scope == Scope::All {
                        covering.push(l);
                        continue;
                    }
                    match &purpose {
                        Some(p) if l.purposes.iter().any(|x| x == p) => covering.push(l),
                        Some(_) => {}
                        None => match policy.unknown_purpose {
                            Unknown::Apply => covering.push(l),
                            Unknown::Review => limited_unknown.push(l),
                        },
                    }
                }
                let mut why = self.identity_text(item, c);
                for v in &chain[1..=pos] {
                    why.push_str(&format!(", controlled by {}", v.name));
                }
                if via_affiliate {
                    why.push_str(&format!(
                        ", an affiliate of {} (the registry records the affiliation; see its entry)",
                        holder.name
                    ));
                }
                let mut ids: Vec<String> = chain[..=pos].iter().map(|v| v.id.clone()).collect();
                if via_affiliate {
                    ids.push(holder.id.clone());
                }
                let applied = |ls: &[&crate::registry::Listing]| -> Vec<AppliedListing> {
                    ls.iter()
                        .map(|l| AppliedListing {
                            list: l.list.clone(),
                            listed_on: l.listed_on,
                            through_affiliate: via_affiliate,
                            entity: holder.id.clone(),
                            basis: l
                                .basis
                                .clone()
                                .or_else(|| self.registry.list(&l.list).map(|d| d.basis.clone()))
                                .unwrap_or_default(),
                        })
                        .collect()
                };
                if !covering.is_empty() {
                    let texts: Vec<String> = covering
                        .iter()
                        .map(|l| format!("{} since {}", l.list, l.listed_on))
                        .collect();
                    why.push_str(&format!(" ({})", texts.join("; ")));
                    why.push_str(&self.relabel_note(m, c));
                    return Coverage::Yes {
                        cand: Some(c.clone()),
                        chain: ids,
                        listings: applied(&covering),
                        why,
                    };
                }
                if !limited_unknown.is_empty() && review.is_none() {
                    let l = limited_unknown[0];
                    why.push_str(&format!(
                        " ({} since {}, only for {}); the item's purpose is not stated: add a purpose column ({}) to decide",
                        l.list,
                        l.listed_on,
                        l.purposes.join(", "),
                        PURPOSES.join(", ")
                    ));
                    why.push_str(&self.relabel_note(m, c));
                    review = Some(Coverage::Review {
                        cand: Some(c.clone()),
                        chain: ids,
                        listings: applied(&limited_unknown),
                        why,
                    });
                }
            }
        }
        review.unwrap_or(Coverage::No)
    }

    fn country_rule(
        &self,
        item: &Item,
        m: &MatchResult,
        fails: &dyn Fn(&str) -> bool,
        test: &dyn Fn() -> String,
    ) -> Coverage {
        let cands: Vec<&Candidate> = m.ranked();
        let country_name =
            |cc: &str| format!("{cc} ({})", crate::countries::name(cc).unwrap_or("?"));
        for c in &cands {
            let chain = self.chain(self.vendor(c.vendor));
            for (pos, v) in chain.iter().enumerate() {
                let Some(cc) = v.country.as_deref() else {
                    continue;
                };
                if fails(cc) && self.tier(c.vendor) == Tier::Ieee {
                    // A registered address is indicative, never enough for a violation.
                    let mut why = self.identity_text(item, c);
                    let test = test();
                    why.push_str(&format!(
                        ", registered with the IEEE at an address in {}, {test}; that is the {}: confirm the manufacturer's country of registration",
                        country_name(cc),
                        Tier::Ieee.country_meaning()
                    ));
                    return Coverage::Review {
                        cand: Some((*c).clone()),
                        chain: Vec::new(),
                        listings: Vec::new(),
                        why,
                    };
                }
                if fails(cc) {
                    let mut why = self.identity_text(item, c);
                    let test = test();
                    if pos == 0 {
                        why.push_str(&format!(", registered in {}, {test}", country_name(cc)));
                    } else {
                        for p in &chain[1..=pos] {
                            why.push_str(&format!(", controlled by {}", p.name));
                        }
                        why.push_str(&format!(" (registered in {}, {test})", country_name(cc)));
                    }
                    why.push_str(&self.relabel_note(m, c));
                    return Coverage::Yes {
                        cand: Some((*c).clone()),
                        chain: chain[..=pos].iter().map(|v| v.id.clone()).collect(),
                        listings: Vec::new(),
                        why,
                    };
                }
            }
        }
        let known_country = cands.iter().any(|c| {
            self.chain(self.vendor(c.vendor))
                .iter()
                .any(|v| v.country.is_some())
        });
        if known_country {
            return Coverage::No;
        }
        // The registry does not know the manufacturer's country: use the inventory's.
        match item.country.as_deref() {
            Some(raw) => match country_of_inventory(raw) {
                Some(cc) if fails(&cc) => Coverage::Yes {
                    cand: cands.first().map(|c| (*c).clone()),
                    chain: Vec::new(),
                    listings: Vec::new(),
                    why: format!(
                        "the inventory gives the manufacturer's country of '{}' as {}, {}",
                        item.vendor,
                        country_name(&cc),
                        test()
                    ),
                },
                Some(_) => Coverage::No,
                None => Coverage::Review {
                    cand: cands.first().map(|c| (*c).clone()),
                    chain: Vec::new(),
                    listings: Vec::new(),
                    why: format!("unidentified manufacturer: the country '{raw}' given for vendor '{}' is not an ISO 3166 code or country name", item.vendor),
                },
            },
            None => Coverage::Review {
                cand: cands.first().map(|c| (*c).clone()),
                chain: Vec::new(),
                listings: Vec::new(),
                why: if cands.is_empty() {
                    format!("unidentified manufacturer: vendor '{}' is not in the registry and the inventory states no country", item.vendor)
                } else {
                    format!(
                        "the country of registration of {} is not known to the registry and the inventory states none",
                        self.vendor(cands[0].vendor).name
                    )
                },
            },
        }
    }
}

/// Affiliations in both directions: an entity recorded as affiliated with another is also
/// that one's affiliate.
/// Per curated entity, whether any listing can reach it whatever the date (see
/// `Core::may_be_listed`): it, or an entity above it by any parent link, or an affiliate of
/// one of those, has a listing. A superset of what `Evaluator::listed` finds on any date (its
/// chain follows only the parent links in force, its affiliates only active ones).
fn reachable_by_listings(
    registry: &Registry,
    affiliated: &std::collections::HashMap<String, Vec<usize>>,
) -> Vec<bool> {
    let vendors = &registry.data.vendors;
    let listed = |i: usize| vendors.get(i).is_some_and(|v| !v.listings.is_empty());
    let reached = |v: &Vendor| {
        !v.listings.is_empty()
            || affiliated
                .get(&v.id)
                .is_some_and(|a| a.iter().any(|&j| listed(j)))
    };
    vendors
        .iter()
        .map(|v| {
            let mut cur = Some(v);
            // At most one step per entity: a parent loop cannot hold the walk.
            for _ in 0..=vendors.len() {
                let Some(v) = cur else {
                    return false;
                };
                if reached(v) {
                    return true;
                }
                cur = v.parent.as_deref().and_then(|p| registry.vendor(p));
            }
            false
        })
        .collect()
}

fn affiliation_index(
    data: &crate::registry::RegistryData,
) -> std::collections::HashMap<String, Vec<usize>> {
    let at: std::collections::HashMap<&str, usize> = data
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let mut out: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (i, v) in data.vendors.iter().enumerate() {
        for a in &v.affiliates {
            if let Some(&j) = at.get(a.as_str()) {
                out.entry(v.id.clone()).or_default().push(j);
                out.entry(a.clone()).or_default().push(i);
            }
        }
    }
    out
}

/// Headers (normalised) of the inventory column in which an operator states that an item
/// falls under a rule's exception (an approval, a cleared list, an exempt use).
const EXCEPTION_COLUMNS: [&str; 4] = ["exception", "approval", "conditional_approval", "exemption"];

/// The exception an item's inventory states, if any: the first non-empty exception column
/// that does not say no.
fn stated_exception(item: &Item) -> Option<&str> {
    item.extra.iter().find_map(|(k, v)| {
        let v = v.trim();
        let no = ["", "no", "none", "n", "false", "0", "-", "n/a", "na"]
            .iter()
            .any(|n| v.eq_ignore_ascii_case(n));
        (EXCEPTION_COLUMNS.contains(&crate::model::normalize_header(k).as_str()) && !no)
            .then_some(v)
    })
}

fn join_or(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
mod table_tests;

// The shared part of an evaluator goes to the worker threads of a run.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Core<'static>>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entities_no_listing_can_reach_are_passed_over() {
        let text = r#"
[[list]]
id = "ban"
title = "A list"
jurisdiction = "EU"
basis = "Act 1"
source = "https://example.org/ban"

[[vendor]]
id = "top"
name = "Top Holding"
  [[vendor.listing]]
  list = "ban"
  listed_on = 2021-01-01

[[vendor]]
id = "mid"
name = "Mid Co"
parent = "top"
parent_since = 2030-01-01

[[vendor]]
id = "leaf"
name = "Leaf Co"
parent = "mid"

[[vendor]]
id = "friend"
name = "Friend Co"
affiliates = ["top"]

[[vendor]]
id = "friend-sub"
name = "Friend Sub"
parent = "friend"

[[vendor]]
id = "loner"
name = "Loner Co"

[[vendor]]
id = "loner-sub"
name = "Loner Sub"
parent = "loner"
"#;
        let file =
            crate::registry::import::parse_toml(std::path::Path::new("t.toml"), text).unwrap();
        let data = crate::registry::import::merge_and_validate(
            &crate::registry::RegistryData::default(),
            &[file],
        )
        .unwrap();
        let affiliated = affiliation_index(&data);
        let registry = Registry {
            data,
            source: "test".into(),
            digest: String::new(),
            schema_version: 0,
            revision: 1,
            last_change: None,
            verified: true,
            snapshot: None,
        };
        let may = reachable_by_listings(&registry, &affiliated);
        let data = &registry.data;
        let by_id: std::collections::BTreeMap<&str, bool> = data
            .vendors
            .iter()
            .zip(&may)
            .map(|(v, m)| (v.id.as_str(), *m))
            .collect();
        // A parent link not yet in force still counts (the walk ignores dates); an affiliate
        // of a listed entity, and what it controls, can be reached; the rest cannot.
        let expected = [
            ("friend", true),
            ("friend-sub", true),
            ("leaf", true),
            ("loner", false),
            ("loner-sub", false),
            ("mid", true),
            ("top", true),
        ];
        assert_eq!(by_id.into_iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn description_columns_are_found_without_normalising_every_header() {
        for h in [
            "Description",
            " DESC ",
            "Item Description",
            "product-description",
            "Device.Description",
            "Product Name",
            "\u{feff}description",
        ] {
            assert!(is_description_column(h), "{h}");
        }
        for h in [
            "owner",
            "descr",
            "Product",
            "name",
            "",
            "item",
            "deskription",
        ] {
            assert!(!is_description_column(h), "{h}");
        }
        // The quick test agrees with normalising on every header of this kind.
        for h in [
            "Item-Description",
            "PRODUCT_NAME",
            "Device / Description",
            "Desc.",
        ] {
            assert_eq!(
                is_description_column(h),
                DESCRIPTION_COLUMNS.contains(&crate::model::normalize_header(h).as_str()),
                "{h}"
            );
        }
    }

    #[test]
    fn match_cache_is_bounded_and_keeps_what_keeps_coming_back() {
        let mut cache: Cache<usize> = Cache::new();
        let made = std::cell::Cell::new(0usize);
        let get = |cache: &mut Cache<usize>, k: &str| {
            cache.get_or(k, || {
                made.set(made.get() + 1);
                k.len()
            })
        };
        assert_eq!(get(&mut cache, "hot"), 3);
        for i in 0..(5 * MATCH_CACHE_GENERATION) {
            get(&mut cache, &format!("one-off {i}"));
            if i % 1000 == 0 {
                get(&mut cache, "hot");
            }
            assert!(cache.current.len() + cache.previous.len() <= 2 * MATCH_CACHE_GENERATION);
        }
        // "hot" was computed once: every later lookup found it in one of the generations.
        assert_eq!(made.get(), 1 + 5 * MATCH_CACHE_GENERATION);
        // A one-off string from long ago has aged out and is computed again.
        get(&mut cache, "one-off 0");
        assert_eq!(made.get(), 2 + 5 * MATCH_CACHE_GENERATION);
    }
}
