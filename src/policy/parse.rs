//! Strict parsing and validation of policy files: unknown keys, bad dates, unknown list,
//! group, country, entity and domain ids are errors naming file:line:column, each with its
//! stable code ([`crate::error::code`]). Every problem of a file is reported: a rule with a
//! bad value is checked to its end, and the next rule after it.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{
    policy_err, Category, Citation, Domain, Network, Policy, Rule, RuleKind, Severity, Unknown,
};
use crate::date::Date;
use crate::error::{code, line_col, Diagnostics, Error, ErrorKind, Location, Result};
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

    /// A policy error at byte `offset`, with its code.
    fn err(&self, offset: usize, code: &'static str, msg: impl Into<String>) -> Error {
        policy_err(self.loc(offset), msg).with_code(code)
    }

    fn date(&self, d: &Spanned<toml::value::Datetime>, key: &str) -> Result<Date> {
        let v = d.get_ref();
        match (v.date, v.time, v.offset) {
            (Some(date), None, None) => Date::from_toml(&date),
            _ => None,
        }
        .ok_or_else(|| {
            self.err(
                d.span().start,
                code::POLICY_DATE,
                format!("'{key}' must be a calendar date like 2025-12-31, not '{v}'"),
            )
        })
    }

    /// The values of a rule's scope key (`domains`, `networks`, `categories`), each checked
    /// against its vocabulary: `None` when the key is absent, an error naming file:line:column
    /// for each unknown value or an empty list.
    fn vocabulary<T: Copy>(
        &self,
        d: &mut Diagnostics,
        values: Option<&[Spanned<String>]>,
        (key, noun): (&str, &str),
        all: &[T],
        name: fn(T) -> &'static str,
        (rid, rule_start): (&str, usize),
    ) -> Option<Vec<T>> {
        let values = values?;
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            let Some(t) = all.iter().copied().find(|t| name(*t) == v.get_ref()) else {
                let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
                d.push(
                    self.err(
                        v.span().start,
                        code::POLICY_UNKNOWN_WORD,
                        format!("unknown {noun} '{}'", v.get_ref()),
                    )
                    .hint(format!("use one of {}", names.join(", "))),
                );
                continue;
            };
            out.push(t);
        }
        if values.is_empty() {
            d.push(self.err(
                rule_start,
                code::POLICY_EMPTY_LIST,
                format!("rule '{rid}' has an empty '{key}' list"),
            ));
        }
        Some(out)
    }

    fn confidence(&self, v: Option<&Spanned<String>>) -> Result<Confidence> {
        match v {
            None => Ok(Confidence::Confirmed),
            Some(c) => Confidence::parse(c.get_ref()).ok_or_else(|| {
                self.err(
                    c.span().start,
                    code::POLICY_CONFIDENCE,
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
            Some((s, other)) => Err(self.err(
                s.span().start,
                code::POLICY_UNKNOWN_MODE,
                format!("{key} '{other}' is not 'apply' or 'review'"),
            )),
        }
    }

    /// Checks each value of a rule's key with `bad` (an error message and hint for a value
    /// that is not valid), recording every bad one.
    fn each(
        &self,
        d: &mut Diagnostics,
        values: &[Spanned<String>],
        code: &'static str,
        bad: impl Fn(&str) -> Option<(String, Option<String>)>,
    ) {
        for v in values {
            if let Some((msg, hint)) = bad(v.get_ref()) {
                let mut e = self.err(v.span().start, code, msg);
                if let Some(h) = hint {
                    e = e.hint(h);
                }
                d.push(e);
            }
        }
    }
}

/// Parses and validates a policy file's text. A file that is not valid TOML is one error;
/// otherwise every problem of the file is reported (see [`Diagnostics`]).
pub fn parse_policy(path: &Path, text: &str, registry: &Registry, origin: &str) -> Result<Policy> {
    let cx = Cx { path, text };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        cx.err(
            e.span().map_or(0, |s| s.start),
            code::POLICY_SYNTAX,
            format!("invalid policy: {}", crate::error::one_line(e.message())),
        )
        .hint("see \"Policy files\" in the README")
    })?;
    let mut d = Diagnostics::new(ErrorKind::Policy, path);
    let id = raw.id.get_ref().clone();
    if !crate::registry::import::is_slug(&id) {
        d.push(
            cx.err(
                raw.id.span().start,
                code::POLICY_ID,
                format!("'{id}' is not a valid policy id"),
            )
            .hint("use lowercase letters, digits and hyphens, e.g. lt-5g"),
        );
    }
    let j = raw.jurisdiction.get_ref();
    if j != "EU" && !crate::countries::is_alpha2(j) {
        d.push(cx.err(
            raw.jurisdiction.span().start,
            code::POLICY_JURISDICTION,
            format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
        ));
    }
    if raw.basis.is_empty() {
        d.push(
            policy_err(
                Location::file(path),
                format!("policy '{id}' cites no legal basis"),
            )
            .with_code(code::POLICY_NO_BASIS)
            .hint("add at least one [[basis]] table with citation, date and source"),
        );
    }
    let mut basis = Vec::new();
    for b in &raw.basis {
        let b = b.get_ref();
        let confidence = d.ok(cx.confidence(b.confidence.as_ref()));
        let date = d.ok(cx.date(&b.date, "date"));
        if let (Some(confidence), Some(date)) = (confidence, date) {
            basis.push(Citation {
                citation: b.citation.trim().to_string(),
                date,
                source: b.source.trim().to_string(),
                confidence,
                notes: b.notes.clone(),
            });
        }
    }
    if raw.rule.is_empty() {
        d.push(
            policy_err(Location::file(path), format!("policy '{id}' has no rules"))
                .with_code(code::POLICY_NO_RULES)
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
    let mut rule_ids: Vec<String> = Vec::new();
    for r in &raw.rule {
        let rstart = r.span().start;
        let r = r.get_ref();
        if let Some(rule) = parse_rule(
            &cx,
            &mut d,
            r,
            rstart,
            &mut rule_ids,
            &known_lists,
            registry,
        ) {
            rules.push(rule);
        }
    }
    // A bad value is recorded, so the policy built with the default in its place is never
    // returned.
    let unknown_domain = d
        .ok(cx.unknown(raw.unknown_domain.as_ref(), "unknown_domain"))
        .unwrap_or(Unknown::Review);
    let unknown_purpose = d
        .ok(cx.unknown(raw.unknown_purpose.as_ref(), "unknown_purpose"))
        .unwrap_or(Unknown::Review);
    d.finish(Policy {
        id,
        title: raw.title.trim().to_string(),
        jurisdiction: j.clone(),
        summary: raw.summary.clone(),
        basis,
        unknown_domain,
        unknown_purpose,
        rules,
        origin: origin.to_string(),
        sha256: crate::source::digest::sha256_hex(text.as_bytes()),
    })
}

/// Validates one rule, recording each of its problems; the rule when it has none.
#[allow(clippy::too_many_lines)]
fn parse_rule(
    cx: &Cx<'_>,
    d: &mut Diagnostics,
    r: &RawRule,
    rstart: usize,
    rule_ids: &mut Vec<String>,
    known_lists: &[&str],
    registry: &Registry,
) -> Option<Rule> {
    let before = d.len();
    let rid = r.id.get_ref().clone();
    if !crate::registry::import::is_slug(&rid) {
        d.push(cx.err(
            r.id.span().start,
            code::POLICY_ID,
            format!("'{rid}' is not a valid rule id"),
        ));
    }
    if rule_ids.contains(&rid) {
        d.push(cx.err(
            r.id.span().start,
            code::POLICY_DUPLICATE_RULE,
            format!("rule id '{rid}' is used twice"),
        ));
    }
    rule_ids.push(rid.clone());
    let kind_name = r.kind.get_ref().as_str();
    // The values of a key the rule's kind needs: empty (and a problem) when absent or empty.
    let need = |d: &mut Diagnostics,
                v: &Option<Vec<Spanned<String>>>,
                key: &str|
     -> Vec<Spanned<String>> {
        match v {
            Some(v) if !v.is_empty() => v.clone(),
            _ => {
                d.push(cx.err(
                    r.kind.span().start,
                    code::POLICY_MISSING_KEY,
                    format!("a '{kind_name}' rule needs a non-empty '{key}'"),
                ));
                Vec::new()
            }
        }
    };
    let forbid = |d: &mut Diagnostics, keys: &[(&Option<Vec<Spanned<String>>>, &str)]| {
        for (v, key) in keys {
            if v.is_some() {
                d.push(cx.err(
                    rstart,
                    code::POLICY_KEY_NOT_FOR_KIND,
                    format!("rule '{rid}': '{key}' does not apply to a '{kind_name}' rule"),
                ));
            }
        }
    };
    let strings = |v: &[Spanned<String>]| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
    let not_alpha2 = |c: &str| {
        (!crate::countries::is_alpha2(c)).then(|| {
            (
                format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
                None,
            )
        })
    };
    let kind = match kind_name {
        "listed-entity" => {
            let lists = need(d, &r.lists, "lists");
            cx.each(d, &lists, code::POLICY_UNKNOWN_LIST, |l| {
                (!known_lists.contains(&l)).then(|| {
                    (
                        format!(
                            "unknown list '{l}': the registry ({}) has no such list",
                            registry.source
                        ),
                        Some(
                            "run `tvcheck registry list` to see the lists and their ids"
                                .to_string(),
                        ),
                    )
                })
            });
            forbid(
                d,
                &[
                    (&r.member_of, "member_of"),
                    (&r.countries, "countries"),
                    (&r.territories, "territories"),
                    (&r.entities, "entities"),
                    (&r.produced_outside, "produced_outside"),
                ],
            );
            Some(RuleKind::ListedEntity {
                lists: Some(strings(&lists)),
            })
        }
        "country-test" => {
            let groups = need(d, &r.member_of, "member_of");
            cx.each(d, &groups, code::POLICY_UNKNOWN_GROUP, |g| {
                crate::countries::group(g).is_none().then(|| {
                    let ids: Vec<&str> = crate::countries::groups()
                        .iter()
                        .map(|g| g.id.as_str())
                        .collect();
                    (
                        format!("unknown country group '{g}'"),
                        Some(format!("use one of {}", ids.join(", "))),
                    )
                })
            });
            forbid(
                d,
                &[
                    (&r.lists, "lists"),
                    (&r.countries, "countries"),
                    (&r.territories, "territories"),
                    (&r.entities, "entities"),
                    (&r.produced_outside, "produced_outside"),
                ],
            );
            Some(RuleKind::CountryTest {
                member_of: strings(&groups),
            })
        }
        "named-countries" => {
            let cs = need(d, &r.countries, "countries");
            cx.each(d, &cs, code::POLICY_COUNTRY, not_alpha2);
            forbid(
                d,
                &[
                    (&r.lists, "lists"),
                    (&r.member_of, "member_of"),
                    (&r.entities, "entities"),
                    (&r.produced_outside, "produced_outside"),
                ],
            );
            let territories = r.territories.clone().unwrap_or_default();
            cx.each(d, &territories, code::POLICY_UNKNOWN_TERRITORY, |t| {
                crate::countries::territory(t).is_none().then(|| {
                    (
                        format!(
                            "'{t}' is not a territory tvcheck knows (data/countries/territories.toml: crimea, transnistria, abkhazia, south-ossetia)"
                        ),
                        None,
                    )
                })
            });
            Some(RuleKind::NamedCountries {
                countries: strings(&cs),
                territories: strings(&territories),
            })
        }
        "named-entities" => {
            let es = need(d, &r.entities, "entities");
            cx.each(d, &es, code::POLICY_UNKNOWN_ENTITY, |e| {
                registry.vendor(e).is_none().then(|| {
                    (
                        format!(
                            "unknown entity '{e}': the registry ({}) has no such id",
                            registry.source
                        ),
                        Some("run `tvcheck registry list` to see the ids".to_string()),
                    )
                })
            });
            forbid(
                d,
                &[
                    (&r.lists, "lists"),
                    (&r.member_of, "member_of"),
                    (&r.countries, "countries"),
                    (&r.territories, "territories"),
                    (&r.produced_outside, "produced_outside"),
                ],
            );
            Some(RuleKind::NamedEntities {
                entities: strings(&es),
            })
        }
        "foreign-produced" => {
            let cs = need(d, &r.produced_outside, "produced_outside");
            cx.each(d, &cs, code::POLICY_COUNTRY, not_alpha2);
            need(d, &r.categories, "categories");
            forbid(
                d,
                &[
                    (&r.lists, "lists"),
                    (&r.member_of, "member_of"),
                    (&r.countries, "countries"),
                    (&r.territories, "territories"),
                    (&r.entities, "entities"),
                ],
            );
            Some(RuleKind::ForeignProduced {
                produced_outside: strings(&cs),
            })
        }
        other => {
            d.push(
                cx.err(
                    r.kind.span().start,
                    code::POLICY_UNKNOWN_KIND,
                    format!("unknown rule kind '{other}'"),
                )
                .hint("use listed-entity, country-test, named-countries, named-entities or foreign-produced"),
            );
            None
        }
    };
    let scope = (rid.as_str(), rstart);
    let domains = cx.vocabulary(
        d,
        r.domains.as_deref(),
        ("domains", "domain"),
        &Domain::ALL,
        Domain::as_str,
        scope,
    );
    let networks = cx.vocabulary(
        d,
        r.networks.as_deref(),
        ("networks", "network"),
        &Network::ALL,
        Network::as_str,
        scope,
    );
    let categories = cx.vocabulary(
        d,
        r.categories.as_deref(),
        ("categories", "category"),
        &Category::ALL,
        Category::as_str,
        scope,
    );
    if r.new_from_listing
        && kind.as_ref().is_some_and(|k| {
            !matches!(
                k,
                RuleKind::ListedEntity { .. } | RuleKind::ForeignProduced { .. }
            )
        })
    {
        d.push(cx.err(
            rstart,
            code::POLICY_CONFLICT,
            format!("rule '{rid}': 'new_from_listing' applies only to a 'listed-entity' or 'foreign-produced' rule"),
        ));
    }
    let phase_out_years = match &r.phase_out_years {
        None => None,
        Some(y) if !r.new_from_listing => {
            d.push(cx.err(
                y.span().start,
                code::POLICY_CONFLICT,
                format!("rule '{rid}': 'phase_out_years' counts from each producer's listing, so it needs 'new_from_listing = true'"),
            ));
            None
        }
        Some(y) => match u32::try_from(*y.get_ref()) {
            Ok(n @ 1..=100) => Some(n),
            _ => {
                d.push(cx.err(
                    y.span().start,
                    code::POLICY_RANGE,
                    format!(
                        "rule '{rid}': 'phase_out_years' must be a whole number of years from 1 to 100, not {}",
                        y.get_ref()
                    ),
                ));
                None
            }
        },
    };
    if let (Some(_), Some(span)) = (phase_out_years, r.deadline.as_ref()) {
        d.push(cx.err(
            span.span().start,
            code::POLICY_CONFLICT,
            format!("rule '{rid}': a rule has either a fixed 'deadline' or 'phase_out_years' counted from each listing, not both"),
        ));
    }
    let effective = d.ok(cx.date(&r.effective, "effective"));
    let deadline = r.deadline.as_ref().map(|dl| d.ok(cx.date(dl, "deadline")));
    if let (Some(dl), Some(span), Some(effective)) =
        (deadline.flatten(), r.deadline.as_ref(), effective)
    {
        if dl < effective {
            d.push(cx.err(
                span.span().start,
                code::POLICY_DEADLINE,
                format!("deadline {dl} is before the rule's effective date {effective}"),
            ));
        }
    }
    let new_from = r.new_from.as_ref().map(|n| d.ok(cx.date(n, "new_from")));
    if r.review_because.is_some()
        && r.severity.as_ref().map(|s| s.get_ref().as_str()) != Some("review")
    {
        d.push(cx.err(
            rstart,
            code::POLICY_CONFLICT,
            format!("rule '{rid}': 'review_because' needs severity = \"review\""),
        ));
    }
    let severity = match r.severity.as_ref().map(|s| (s, s.get_ref().as_str())) {
        None | Some((_, "violation")) => Some(Severity::Violation),
        Some((_, "review")) => Some(Severity::Review),
        Some((s, other)) => {
            d.push(cx.err(
                s.span().start,
                code::POLICY_SEVERITY,
                format!("severity '{other}' is not 'violation' or 'review'"),
            ));
            None
        }
    };
    let new_from_confidence = match &r.new_from_confidence {
        None => None,
        Some(c) if new_from.is_none() => {
            d.push(cx.err(
                c.span().start,
                code::POLICY_CONFLICT,
                format!("rule '{rid}': 'new_from_confidence' needs 'new_from'"),
            ));
            None
        }
        Some(c) => d.ok(cx.confidence(Some(c))),
    };
    let confidence = d.ok(cx.confidence(r.confidence.as_ref()));
    if d.len() > before {
        return None;
    }
    Some(Rule {
        id: rid,
        title: r.title.trim().to_string(),
        kind: kind?,
        domains,
        networks,
        categories,
        exceptions: r
            .exceptions
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string),
        effective: effective?,
        deadline: deadline.flatten(),
        new_from: new_from.flatten(),
        new_from_confidence,
        new_only: r.new_only,
        new_from_listing: r.new_from_listing,
        phase_out_years,
        confidence: confidence?,
        severity: severity?,
        review_because: r.review_because.clone(),
        remedy: r
            .remedy
            .clone()
            .unwrap_or_else(|| "must be removed".to_string()),
        notes: r.notes.clone(),
    })
}
