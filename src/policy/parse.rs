//! Strict parsing and validation of policy files: unknown keys, bad dates, unknown list,
//! group, country, entity and domain ids are errors naming file:line:column.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{
    policy_err, Category, Citation, Domain, Network, Policy, Rule, RuleKind, Severity, Unknown,
};
use crate::date::Date;
use crate::error::{line_col, Location, Result};
use crate::registry::{Confidence, Registry};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    title: String,
    jurisdiction: Spanned<String>,
    summary: Option<String>,
    unknown_domain: Option<Spanned<String>>,
    unknown_purpose: Option<Spanned<String>>,
    #[serde(default)]
    basis: Vec<Spanned<RawCitation>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCitation {
    citation: String,
    date: Spanned<toml::value::Datetime>,
    source: String,
    confidence: Option<Spanned<String>>,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<String>,
    title: String,
    lists: Option<Vec<Spanned<String>>>,
    member_of: Option<Vec<Spanned<String>>>,
    countries: Option<Vec<Spanned<String>>>,
    territories: Option<Vec<Spanned<String>>>,
    entities: Option<Vec<Spanned<String>>>,
    produced_outside: Option<Vec<Spanned<String>>>,
    domains: Option<Vec<Spanned<String>>>,
    networks: Option<Vec<Spanned<String>>>,
    categories: Option<Vec<Spanned<String>>>,
    exceptions: Option<String>,
    effective: Spanned<toml::value::Datetime>,
    deadline: Option<Spanned<toml::value::Datetime>>,
    new_from: Option<Spanned<toml::value::Datetime>>,
    new_from_confidence: Option<Spanned<String>>,
    #[serde(default)]
    new_only: bool,
    #[serde(default)]
    new_from_listing: bool,
    phase_out_years: Option<Spanned<i64>>,
    confidence: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    review_because: Option<String>,
    remedy: Option<String>,
    notes: Option<String>,
}

struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Cx<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (l, c) = line_col(self.text, offset);
        Location::at(self.path, l, c)
    }

    fn date(&self, d: &Spanned<toml::value::Datetime>, key: &str) -> Result<Date> {
        let v = d.get_ref();
        match (v.date, v.time, v.offset) {
            (Some(date), None, None) => Date::from_toml(&date),
            _ => None,
        }
        .ok_or_else(|| {
            policy_err(
                self.loc(d.span().start),
                format!("'{key}' must be a calendar date like 2025-12-31, not '{v}'"),
            )
        })
    }

    /// The values of a rule's scope key (`domains`, `networks`, `categories`), each checked
    /// against its vocabulary: `None` when the key is absent, an error naming file:line:column
    /// for an unknown value or an empty list.
    fn vocabulary<T: Copy>(
        &self,
        values: Option<&[Spanned<String>]>,
        (key, noun): (&str, &str),
        all: &[T],
        name: fn(T) -> &'static str,
        (rid, rule_start): (&str, usize),
    ) -> Result<Option<Vec<T>>> {
        let Some(values) = values else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            let Some(t) = all.iter().copied().find(|t| name(*t) == v.get_ref()) else {
                let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
                return Err(policy_err(
                    self.loc(v.span().start),
                    format!("unknown {noun} '{}'", v.get_ref()),
                )
                .hint(format!("use one of {}", names.join(", "))));
            };
            out.push(t);
        }
        if out.is_empty() {
            return Err(policy_err(
                self.loc(rule_start),
                format!("rule '{rid}' has an empty '{key}' list"),
            ));
        }
        Ok(Some(out))
    }

    fn confidence(&self, v: Option<&Spanned<String>>) -> Result<Confidence> {
        match v {
            None => Ok(Confidence::Confirmed),
            Some(c) => Confidence::parse(c.get_ref()).ok_or_else(|| {
                policy_err(
                    self.loc(c.span().start),
                    format!("confidence '{}' is not 'confirmed' or 'weak'", c.get_ref()),
                )
            }),
        }
    }

    fn unknown(&self, v: Option<&Spanned<String>>, key: &str) -> Result<Unknown> {
        match v.map(|s| (s, s.get_ref().as_str())) {
            None => Ok(Unknown::Review),
            Some((_, "apply")) => Ok(Unknown::Apply),
            Some((_, "review")) => Ok(Unknown::Review),
            Some((s, other)) => Err(policy_err(
                self.loc(s.span().start),
                format!("{key} '{other}' is not 'apply' or 'review'"),
            )),
        }
    }
}

/// Parses and validates a policy file's text.
pub fn parse_policy(path: &Path, text: &str, registry: &Registry, origin: &str) -> Result<Policy> {
    let cx = Cx { path, text };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        policy_err(
            cx.loc(e.span().map_or(0, |s| s.start)),
            format!("invalid policy: {}", crate::error::one_line(e.message())),
        )
        .hint("see \"Policy files\" in the README")
    })?;
    let id = raw.id.get_ref().clone();
    if !crate::registry::import::is_slug(&id) {
        return Err(policy_err(
            cx.loc(raw.id.span().start),
            format!("'{id}' is not a valid policy id"),
        )
        .hint("use lowercase letters, digits and hyphens, e.g. lt-5g"));
    }
    let j = raw.jurisdiction.get_ref();
    if j != "EU" && !crate::countries::is_alpha2(j) {
        return Err(policy_err(
            cx.loc(raw.jurisdiction.span().start),
            format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
        ));
    }
    if raw.basis.is_empty() {
        return Err(policy_err(
            Location::file(path),
            format!("policy '{id}' cites no legal basis"),
        )
        .hint("add at least one [[basis]] table with citation, date and source"));
    }
    let mut basis = Vec::new();
    for b in &raw.basis {
        let b = b.get_ref();
        let confidence = cx.confidence(b.confidence.as_ref())?;
        basis.push(Citation {
            citation: b.citation.trim().to_string(),
            date: cx.date(&b.date, "date")?,
            source: b.source.trim().to_string(),
            confidence,
            notes: b.notes.clone(),
        });
    }
    if raw.rule.is_empty() {
        return Err(
            policy_err(Location::file(path), format!("policy '{id}' has no rules"))
                .hint("add at least one [[rule]] table"),
        );
    }
    let known_lists: Vec<&str> = registry
        .data
        .lists
        .iter()
        .map(|l| l.id.as_str())
        .chain(
            registry
                .data
                .vendors
                .iter()
                .flat_map(|v| v.listings.iter().map(|l| l.list.as_str())),
        )
        .collect();
    let mut rules: Vec<Rule> = Vec::new();
    for r in &raw.rule {
        let rstart = r.span().start;
        let r = r.get_ref();
        let rid = r.id.get_ref().clone();
        if !crate::registry::import::is_slug(&rid) {
            return Err(policy_err(
                cx.loc(r.id.span().start),
                format!("'{rid}' is not a valid rule id"),
            ));
        }
        if rules.iter().any(|x| x.id == rid) {
            return Err(policy_err(
                cx.loc(r.id.span().start),
                format!("rule id '{rid}' is used twice"),
            ));
        }
        let need = |v: &Option<Vec<Spanned<String>>>, key: &str| -> Result<Vec<Spanned<String>>> {
            match v {
                Some(v) if !v.is_empty() => Ok(v.clone()),
                _ => Err(policy_err(
                    cx.loc(r.kind.span().start),
                    format!("a '{}' rule needs a non-empty '{key}'", r.kind.get_ref()),
                )),
            }
        };
        let forbid = |v: &Option<Vec<Spanned<String>>>, key: &str| -> Result<()> {
            if v.is_some() {
                return Err(policy_err(
                    cx.loc(rstart),
                    format!(
                        "rule '{rid}': '{key}' does not apply to a '{}' rule",
                        r.kind.get_ref()
                    ),
                ));
            }
            Ok(())
        };
        let kind = match r.kind.get_ref().as_str() {
            "listed-entity" => {
                let lists = need(&r.lists, "lists")?;
                for l in &lists {
                    if !known_lists.contains(&l.get_ref().as_str()) {
                        return Err(policy_err(
                            cx.loc(l.span().start),
                            format!(
                                "unknown list '{}': the registry ({}) has no such list",
                                l.get_ref(),
                                registry.source
                            ),
                        )
                        .hint("run `tvcheck registry list` to see the lists and their ids"));
                    }
                }
                forbid(&r.member_of, "member_of")?;
                forbid(&r.countries, "countries")?;
                forbid(&r.territories, "territories")?;
                forbid(&r.entities, "entities")?;
                forbid(&r.produced_outside, "produced_outside")?;
                RuleKind::ListedEntity {
                    lists: Some(lists.iter().map(|s| s.get_ref().clone()).collect()),
                }
            }
            "country-test" => {
                let groups = need(&r.member_of, "member_of")?;
                for g in &groups {
                    if crate::countries::group(g.get_ref()).is_none() {
                        let ids: Vec<&str> = crate::countries::groups()
                            .iter()
                            .map(|g| g.id.as_str())
                            .collect();
                        return Err(policy_err(
                            cx.loc(g.span().start),
                            format!("unknown country group '{}'", g.get_ref()),
                        )
                        .hint(format!("use one of {}", ids.join(", "))));
                    }
                }
                forbid(&r.lists, "lists")?;
                forbid(&r.countries, "countries")?;
                forbid(&r.territories, "territories")?;
                forbid(&r.entities, "entities")?;
                forbid(&r.produced_outside, "produced_outside")?;
                RuleKind::CountryTest {
                    member_of: groups.iter().map(|s| s.get_ref().clone()).collect(),
                }
            }
            "named-countries" => {
                let cs = need(&r.countries, "countries")?;
                for c in &cs {
                    if !crate::countries::is_alpha2(c.get_ref()) {
                        return Err(policy_err(
                            cx.loc(c.span().start),
                            format!(
                                "'{}' is not an ISO 3166-1 alpha-2 country code",
                                c.get_ref()
                            ),
                        ));
                    }
                }
                forbid(&r.lists, "lists")?;
                forbid(&r.member_of, "member_of")?;
                forbid(&r.entities, "entities")?;
                forbid(&r.produced_outside, "produced_outside")?;
                let mut territories = Vec::new();
                for t in r.territories.iter().flatten() {
                    if crate::countries::territory(t.get_ref()).is_none() {
                        return Err(policy_err(
                            cx.loc(t.span().start),
                            format!(
                                "'{}' is not a territory tvcheck knows (data/countries/territories.toml: crimea, transnistria, abkhazia, south-ossetia)",
                                t.get_ref()
                            ),
                        ));
                    }
                    territories.push(t.get_ref().clone());
                }
                RuleKind::NamedCountries {
                    countries: cs.iter().map(|s| s.get_ref().clone()).collect(),
                    territories,
                }
            }
            "named-entities" => {
                let es = need(&r.entities, "entities")?;
                for e in &es {
                    if registry.vendor(e.get_ref()).is_none() {
                        return Err(policy_err(
                            cx.loc(e.span().start),
                            format!(
                                "unknown entity '{}': the registry ({}) has no such id",
                                e.get_ref(),
                                registry.source
                            ),
                        )
                        .hint("run `tvcheck registry list` to see the ids"));
                    }
                }
                forbid(&r.lists, "lists")?;
                forbid(&r.member_of, "member_of")?;
                forbid(&r.countries, "countries")?;
                forbid(&r.territories, "territories")?;
                forbid(&r.produced_outside, "produced_outside")?;
                RuleKind::NamedEntities {
                    entities: es.iter().map(|s| s.get_ref().clone()).collect(),
                }
            }
            "foreign-produced" => {
                let cs = need(&r.produced_outside, "produced_outside")?;
                for c in &cs {
                    if !crate::countries::is_alpha2(c.get_ref()) {
                        return Err(policy_err(
                            cx.loc(c.span().start),
                            format!(
                                "'{}' is not an ISO 3166-1 alpha-2 country code",
                                c.get_ref()
                            ),
                        ));
                    }
                }
                need(&r.categories, "categories")?;
                forbid(&r.lists, "lists")?;
                forbid(&r.member_of, "member_of")?;
                forbid(&r.countries, "countries")?;
                forbid(&r.territories, "territories")?;
                forbid(&r.entities, "entities")?;
                RuleKind::ForeignProduced {
                    produced_outside: cs.iter().map(|s| s.get_ref().clone()).collect(),
                }
            }
            other => {
                return Err(policy_err(
                    cx.loc(r.kind.span().start),
                    format!("unknown rule kind '{other}'"),
                )
                .hint("use listed-entity, country-test, named-countries, named-entities or foreign-produced"))
            }
        };
        let scope = (rid.as_str(), rstart);
        let domains = cx.vocabulary(
            r.domains.as_deref(),
            ("domains", "domain"),
            &Domain::ALL,
            Domain::as_str,
            scope,
        )?;
        let networks = cx.vocabulary(
            r.networks.as_deref(),
            ("networks", "network"),
            &Network::ALL,
            Network::as_str,
            scope,
        )?;
        let categories = cx.vocabulary(
            r.categories.as_deref(),
            ("categories", "category"),
            &Category::ALL,
            Category::as_str,
            scope,
        )?;
        if r.new_from_listing
            && !matches!(
                kind,
                RuleKind::ListedEntity { .. } | RuleKind::ForeignProduced { .. }
            )
        {
            return Err(policy_err(
                cx.loc(rstart),
                format!("rule '{rid}': 'new_from_listing' applies only to a 'listed-entity' or 'foreign-produced' rule"),
            ));
        }
        let phase_out_years = match &r.phase_out_years {
            None => None,
            Some(y) if !r.new_from_listing => {
                return Err(policy_err(
                    cx.loc(y.span().start),
                    format!("rule '{rid}': 'phase_out_years' counts from each producer's listing, so it needs 'new_from_listing = true'"),
                ));
            }
            Some(y) => match u32::try_from(*y.get_ref()) {
                Ok(n @ 1..=100) => Some(n),
                _ => {
                    return Err(policy_err(
                        cx.loc(y.span().start),
                        format!(
                            "rule '{rid}': 'phase_out_years' must be a whole number of years from 1 to 100, not {}",
                            y.get_ref()
                        ),
                    ))
                }
            },
        };
        if let (Some(_), Some(span)) = (phase_out_years, r.deadline.as_ref()) {
            return Err(policy_err(
                cx.loc(span.span().start),
                format!("rule '{rid}': a rule has either a fixed 'deadline' or 'phase_out_years' counted from each listing, not both"),
            ));
        }
        let effective = cx.date(&r.effective, "effective")?;
        let deadline = r
            .deadline
            .as_ref()
            .map(|d| cx.date(d, "deadline"))
            .transpose()?;
        if let (Some(dl), Some(span)) = (deadline, r.deadline.as_ref()) {
            if dl < effective {
                return Err(policy_err(
                    cx.loc(span.span().start),
                    format!("deadline {dl} is before the rule's effective date {effective}"),
                ));
            }
        }
        let new_from = r
            .new_from
            .as_ref()
            .map(|d| cx.date(d, "new_from"))
            .transpose()?;
        if r.review_because.is_some()
            && r.severity.as_ref().map(|s| s.get_ref().as_str()) != Some("review")
        {
            return Err(policy_err(
                cx.loc(rstart),
                format!("rule '{rid}': 'review_because' needs severity = \"review\""),
            ));
        }
        let severity = match r.severity.as_ref().map(|s| (s, s.get_ref().as_str())) {
            None | Some((_, "violation")) => Severity::Violation,
            Some((_, "review")) => Severity::Review,
            Some((s, other)) => {
                return Err(policy_err(
                    cx.loc(s.span().start),
                    format!("severity '{other}' is not 'violation' or 'review'"),
                ))
            }
        };
        let new_from_confidence = match &r.new_from_confidence {
            None => None,
            Some(c) if new_from.is_none() => {
                return Err(policy_err(
                    cx.loc(c.span().start),
                    format!("rule '{rid}': 'new_from_confidence' needs 'new_from'"),
                ))
            }
            Some(c) => Some(cx.confidence(Some(c))?),
        };
        rules.push(Rule {
            id: rid,
            title: r.title.trim().to_string(),
            kind,
            domains,
            networks,
            categories,
            exceptions: r
                .exceptions
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            effective,
            deadline,
            new_from,
            new_from_confidence,
            new_only: r.new_only,
            new_from_listing: r.new_from_listing,
            phase_out_years,
            confidence: cx.confidence(r.confidence.as_ref())?,
            severity,
            review_because: r.review_because.clone(),
            remedy: r
                .remedy
                .clone()
                .unwrap_or_else(|| "must be removed".to_string()),
            notes: r.notes.clone(),
        });
    }
    Ok(Policy {
        id,
        title: raw.title.trim().to_string(),
        jurisdiction: j.clone(),
        summary: raw.summary.clone(),
        basis,
        unknown_domain: cx.unknown(raw.unknown_domain.as_ref(), "unknown_domain")?,
        unknown_purpose: cx.unknown(raw.unknown_purpose.as_ref(), "unknown_purpose")?,
        rules,
        origin: origin.to_string(),
        sha256: crate::source::digest::sha256_hex(text.as_bytes()),
    })
}
