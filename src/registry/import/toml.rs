//! The TOML registry import format: `[[list]]` and `[[vendor]]` tables (with their
//! `[[vendor.listing]]`s) read strictly, each value checked where it is written.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::validate::{check_grantee_code, is_placeholder, is_slug, placeholder_err};
use super::{reg_err, ImportFile, Spots};
use crate::date::Date;
use crate::error::{Location, Result};
use crate::registry::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
use crate::source::lines::LineIndex;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    compiled_on: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    list: Vec<Spanned<RawList>>,
    #[serde(default)]
    vendor: Vec<Spanned<RawVendor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    id: Spanned<String>,
    title: String,
    jurisdiction: Spanned<String>,
    authority: Option<String>,
    basis: String,
    source: String,
    confidence: Option<Spanned<String>>,
    notes: Option<String>,
    binding: Option<bool>,
    reaches_affiliates: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    id: Spanned<String>,
    name: Spanned<String>,
    country: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    model_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    fcc_grantee_codes: Vec<Spanned<String>>,
    #[serde(default)]
    affiliates: Vec<Spanned<String>>,
    parent: Option<Spanned<String>>,
    parent_since: Option<Spanned<toml::value::Datetime>>,
    parent_until: Option<Spanned<toml::value::Datetime>>,
    confidence: Option<Spanned<String>>,
    #[serde(default)]
    sources: Vec<String>,
    notes: Option<String>,
    #[serde(default)]
    listing: Vec<Spanned<RawListing>>,
    retired_on: Option<Spanned<toml::value::Datetime>>,
    retired_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListing {
    list: Spanned<String>,
    basis: Option<String>,
    source: Option<String>,
    listed_on: Spanned<toml::value::Datetime>,
    scope: Option<Spanned<String>>,
    #[serde(default)]
    purposes: Vec<String>,
    confidence: Option<Spanned<String>>,
    notes: Option<String>,
    delisted_on: Option<Spanned<toml::value::Datetime>>,
    delisted_reason: Option<String>,
}

struct Ctx<'a> {
    path: &'a Path,
    /// Line starts of the text: every entry records where it is, so a location must not cost
    /// a scan from the start of the file.
    lines: LineIndex<'a>,
}

impl Ctx<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (line, col) = self.lines.line_col(offset);
        Location::at(self.path, line, col)
    }

    fn err<T>(&self, offset: usize, msg: impl Into<String>) -> Result<T> {
        Err(reg_err(self.loc(offset), msg))
    }

    fn slug(&self, s: &Spanned<String>, what: &str) -> Result<String> {
        if !is_slug(s.get_ref()) {
            return Err(reg_err(
                self.loc(s.span().start),
                format!("'{}' is not a valid {what} id", s.get_ref()),
            )
            .hint("use lowercase letters, digits and single hyphens, e.g. hikvision or us-fcc-covered"));
        }
        Ok(s.get_ref().clone())
    }

    fn date(&self, d: &Spanned<toml::value::Datetime>, key: &str) -> Result<Date> {
        let v = d.get_ref();
        let date = match (v.date, v.time, v.offset) {
            (Some(date), None, None) => Date::from_toml(&date),
            _ => None,
        };
        date.ok_or_else(|| {
            reg_err(
                self.loc(d.span().start),
                format!("'{key}' must be a calendar date like 2021-03-12, not '{v}'"),
            )
        })
    }

    fn confidence(&self, c: Option<&Spanned<String>>) -> Result<Confidence> {
        match c {
            None => Ok(Confidence::Confirmed),
            Some(c) => Confidence::parse(c.get_ref()).map_or_else(
                || {
                    self.err(
                        c.span().start,
                        format!("confidence '{}' is not 'confirmed' or 'weak'", c.get_ref()),
                    )
                },
                Ok,
            ),
        }
    }

    fn country(&self, c: &Spanned<String>) -> Result<String> {
        let code = c.get_ref().trim();
        if crate::countries::is_alpha2(code) {
            Ok(code.to_string())
        } else if is_placeholder(code) {
            Err(placeholder_err(self.loc(c.span().start), code))
        } else {
            Err(reg_err(
                self.loc(c.span().start),
                format!("'{code}' is not an ISO 3166-1 alpha-2 country code"),
            )
            .hint(
                "use the two-letter uppercase code of the country of registration, e.g. CN, SE, US",
            ))
        }
    }

    fn grantee_code(&self, c: &Spanned<String>) -> Result<String> {
        check_grantee_code(c.get_ref()).map_err(|e| e.at(self.loc(c.span().start)))
    }

    fn pattern(&self, p: &Spanned<String>) -> Result<String> {
        let s = p.get_ref().trim();
        if s.is_empty() {
            return self.err(p.span().start, "a model pattern is empty");
        }
        globset::GlobBuilder::new(s)
            .case_insensitive(true)
            .build()
            .map_err(|e| {
                reg_err(
                    self.loc(p.span().start),
                    format!("model pattern '{s}' is not a valid glob: {}", e.kind()),
                )
                .hint("use * for any run of characters and ? for one character")
            })?;
        Ok(s.to_string())
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Parses a TOML registry import file.
pub fn parse_toml(path: &Path, text: &str) -> Result<ImportFile> {
    let cx = Ctx {
        path,
        lines: LineIndex::new(text),
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        reg_err(
            cx.loc(offset),
            format!(
                "invalid registry file: {}",
                crate::error::one_line(e.message())
            ),
        )
        .hint("see \"Registry import format\" in the README")
    })?;
    let mut data = RegistryData::default();
    let mut spots = Spots::default();
    for l in &raw.list {
        let start = l.span().start;
        let l = l.get_ref();
        let id = cx.slug(&l.id, "list")?;
        let j = l.jurisdiction.get_ref().trim();
        if j != "EU" && !crate::countries::is_alpha2(j) {
            return cx.err(
                l.jurisdiction.span().start,
                format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
            );
        }
        for (key, val) in [
            ("title", &l.title),
            ("basis", &l.basis),
            ("source", &l.source),
        ] {
            if val.trim().is_empty() {
                return cx.err(start, format!("list '{id}' has an empty '{key}'"));
            }
        }
        data.lists.push(ListDef {
            id,
            title: l.title.trim().to_string(),
            jurisdiction: j.to_string(),
            authority: non_empty(l.authority.clone()),
            basis: l.basis.trim().to_string(),
            source: l.source.trim().to_string(),
            confidence: cx.confidence(l.confidence.as_ref())?,
            notes: non_empty(l.notes.clone()),
            binding: l.binding.unwrap_or(true),
            reaches_affiliates: l.reaches_affiliates.unwrap_or(false),
        });
        spots.lists.push(cx.loc(start));
    }
    for v in &raw.vendor {
        let start = v.span().start;
        let v = v.get_ref();
        let id = cx.slug(&v.id, "vendor")?;
        let name = v.name.get_ref().trim().to_string();
        if name.is_empty() {
            return cx.err(
                v.name.span().start,
                format!("vendor '{id}' has an empty name"),
            );
        }
        let country = v.country.as_ref().map(|c| cx.country(c)).transpose()?;
        let mut model_patterns = Vec::new();
        for p in &v.model_patterns {
            model_patterns.push(cx.pattern(p)?);
        }
        let mut fcc_grantee_codes = Vec::with_capacity(v.fcc_grantee_codes.len());
        let mut code_spots = Vec::with_capacity(v.fcc_grantee_codes.len());
        for c in &v.fcc_grantee_codes {
            fcc_grantee_codes.push(cx.grantee_code(c)?);
            code_spots.push(cx.loc(c.span().start));
        }
        let parent = v
            .parent
            .as_ref()
            .map(|p| cx.slug(p, "parent"))
            .transpose()?;
        let parent_since = v
            .parent_since
            .as_ref()
            .map(|d| cx.date(d, "parent_since"))
            .transpose()?;
        let parent_until = v
            .parent_until
            .as_ref()
            .map(|d| cx.date(d, "parent_until"))
            .transpose()?;
        if parent.is_none() && (parent_since.is_some() || parent_until.is_some()) {
            return cx.err(
                start,
                format!("vendor '{id}' has parent dates but no parent"),
            );
        }
        if let (Some(s), Some(u)) = (parent_since, parent_until) {
            if s >= u {
                return cx.err(
                    start,
                    format!("vendor '{id}': parent_since {s} is not before parent_until {u}"),
                );
            }
        }
        let mut listings = Vec::new();
        let mut listing_spots = Vec::new();
        for l in &v.listing {
            let lstart = l.span().start;
            let l = l.get_ref();
            let list = cx.slug(&l.list, "list")?;
            let scope = match &l.scope {
                None => Scope::All,
                Some(s) => Scope::parse(s.get_ref()).map_or_else(
                    || {
                        cx.err(
                            s.span().start,
                            format!("scope '{}' is not 'all' or 'purpose-limited'", s.get_ref()),
                        )
                    },
                    Ok,
                )?,
            };
            // Blank purposes are dropped, as blank aliases and sources are (a CSV cell cannot
            // carry an empty value, and an empty purpose never matches a domain).
            let purposes: Vec<String> = l
                .purposes
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if scope == Scope::All && !purposes.is_empty() {
                return cx.err(
                    lstart,
                    "'purposes' only applies to scope = \"purpose-limited\"",
                );
            }
            if scope == Scope::PurposeLimited && purposes.is_empty() {
                return cx.err(lstart, "a purpose-limited listing must name its 'purposes'");
            }
            let listed_on = cx.date(&l.listed_on, "listed_on")?;
            if listings
                .iter()
                .any(|x: &Listing| x.list == list && x.listed_on == listed_on)
            {
                return cx.err(
                    l.list.span().start,
                    format!("vendor '{id}' is listed on '{list}' on {listed_on} twice"),
                );
            }
            let delisted_on = l
                .delisted_on
                .as_ref()
                .map(|d| cx.date(d, "delisted_on"))
                .transpose()?;
            if let Some(d) = delisted_on {
                if d <= listed_on {
                    return cx.err(
                        lstart,
                        format!("delisted_on {d} is not after listed_on {listed_on}"),
                    );
                }
                if l.delisted_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty())
                {
                    return cx.err(lstart, "a delisted listing needs a 'delisted_reason'");
                }
            }
            listings.push(Listing {
                list,
                basis: non_empty(l.basis.clone()),
                source: non_empty(l.source.clone()),
                listed_on,
                delisted_on,
                delisted_reason: non_empty(l.delisted_reason.clone()),
                scope,
                purposes,
                confidence: cx.confidence(l.confidence.as_ref())?,
                notes: non_empty(l.notes.clone()),
            });
            listing_spots.push(cx.loc(l.list.span().start));
        }
        data.vendors.push(Vendor {
            id,
            name,
            country,
            aliases: v
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            model_patterns,
            fcc_grantee_codes,
            affiliates: {
                let mut out = Vec::with_capacity(v.affiliates.len());
                for a in &v.affiliates {
                    out.push(cx.slug(a, "affiliate")?);
                }
                out
            },
            parent,
            parent_since,
            parent_until,
            confidence: cx.confidence(v.confidence.as_ref())?,
            sources: v
                .sources
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            notes: non_empty(v.notes.clone()),
            listings,
            retired_on: v
                .retired_on
                .as_ref()
                .map(|d| cx.date(d, "retired_on"))
                .transpose()?,
            retired_reason: non_empty(v.retired_reason.clone()),
        });
        if let Some(last) = data.vendors.last() {
            if last.retired_on.is_some() && last.retired_reason.is_none() {
                return cx.err(
                    start,
                    format!("vendor '{}' is retired without a 'retired_reason'", last.id),
                );
            }
        }
        spots.vendors.push(cx.loc(start));
        spots.parents.push(
            v.parent
                .as_ref()
                .map_or_else(|| cx.loc(start), |p| cx.loc(p.span().start)),
        );
        spots.listings.push(listing_spots);
        spots.grantee_codes.push(code_spots);
    }
    if data.vendors.is_empty() && data.lists.is_empty() {
        return Err(reg_err(
            Location::file(path),
            "the file holds no [[vendor]] or [[list]] tables",
        )
        .hint("see \"Registry import format\" in the README"));
    }
    Ok(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::source::digest::sha256_hex(text.as_bytes()),
        data,
        spots,
        compiled_on: raw
            .compiled_on
            .as_ref()
            .map(|d| cx.date(d, "compiled_on"))
            .transpose()?,
        pending: Vec::new(),
    })
}
