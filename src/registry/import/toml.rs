//! The TOML registry import format: `[[list]]` and `[[vendor]]` tables (with their
//! `[[vendor.listing]]`s) read strictly, each value checked where it is written. Every
//! problem of a file is reported (an entry is checked to its end after a bad value), each with
//! its code ([`crate::error::code`]); a file that is not TOML is one error.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::validate::{check_grantee_code, is_placeholder, is_slug, placeholder_err};
use super::{reg_err, ImportFile, Spots};
use crate::date::Date;
use crate::error::{code, Diagnostics, Error, ErrorKind, Location, Result};
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

    /// The error `msg` with its code at byte `offset`.
    fn err(&self, offset: usize, code: &'static str, msg: impl Into<String>) -> Error {
        reg_err(self.loc(offset), msg).with_code(code)
    }

    fn slug(&self, s: &Spanned<String>, what: &str) -> Result<String> {
        if !is_slug(s.get_ref()) {
            return Err(self
                .err(
                    s.span().start,
                    code::REGISTRY_ID,
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
            self.err(
                d.span().start,
                code::REGISTRY_DATE,
                format!("'{key}' must be a calendar date like 2021-03-12, not '{v}'"),
            )
        })
    }

    /// An optional date: `None` when absent, `Some(None)` when bad (the problem recorded).
    fn opt_date(
        &self,
        d: &mut Diagnostics,
        v: Option<&Spanned<toml::value::Datetime>>,
        key: &str,
    ) -> Option<Option<Date>> {
        v.map(|v| d.ok(self.date(v, key)))
    }

    fn confidence(&self, c: Option<&Spanned<String>>) -> Result<Confidence> {
        match c {
            None => Ok(Confidence::Confirmed),
            Some(c) => Confidence::parse(c.get_ref()).ok_or_else(|| {
                self.err(
                    c.span().start,
                    code::REGISTRY_VALUE,
                    format!("confidence '{}' is not 'confirmed' or 'weak'", c.get_ref()),
                )
            }),
        }
    }

    fn country(&self, c: &Spanned<String>) -> Result<String> {
        let code = c.get_ref().trim();
        if crate::countries::is_alpha2(code) {
            Ok(code.to_string())
        } else if is_placeholder(code) {
            Err(placeholder_err(self.loc(c.span().start), code))
        } else {
            Err(self
                .err(
                    c.span().start,
                    code::REGISTRY_COUNTRY,
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
            return Err(self.err(
                p.span().start,
                code::REGISTRY_PATTERN,
                "a model pattern is empty",
            ));
        }
        globset::GlobBuilder::new(s)
            .case_insensitive(true)
            .build()
            .map_err(|e| {
                self.err(
                    p.span().start,
                    code::REGISTRY_PATTERN,
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

/// Parses a TOML registry import file. A file that is not valid TOML is one error; otherwise
/// every problem of the file is reported (see [`Diagnostics`]).
pub fn parse_toml(path: &Path, text: &str) -> Result<ImportFile> {
    let cx = Ctx {
        path,
        lines: LineIndex::new(text),
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        cx.err(
            offset,
            code::REGISTRY_SYNTAX,
            format!(
                "invalid registry file: {}",
                crate::error::one_line(e.message())
            ),
        )
        .hint("see \"Registry import format\" in the README")
    })?;
    let mut d = Diagnostics::new(ErrorKind::Registry, path);
    let mut data = RegistryData::default();
    let mut spots = Spots::default();
    for l in &raw.list {
        let start = l.span().start;
        if let Some(list) = list_def(&cx, &mut d, l.get_ref(), start) {
            data.lists.push(list);
            spots.lists.push(cx.loc(start));
        }
    }
    for v in &raw.vendor {
        let start = v.span().start;
        let (vendor, listing_spots, code_spots) = match vendor(&cx, &mut d, v.get_ref(), start) {
            Some(v) => v,
            None => continue,
        };
        spots.vendors.push(cx.loc(start));
        spots.parents.push(
            v.get_ref()
                .parent
                .as_ref()
                .map_or_else(|| cx.loc(start), |p| cx.loc(p.span().start)),
        );
        spots.listings.push(listing_spots);
        spots.grantee_codes.push(code_spots);
        data.vendors.push(vendor);
    }
    if raw.vendor.is_empty() && raw.list.is_empty() {
        d.push(
            reg_err(
                Location::file(path),
                "the file holds no [[vendor]] or [[list]] tables",
            )
            .with_code(code::REGISTRY_EMPTY_FILE)
            .hint("see \"Registry import format\" in the README"),
        );
    }
    let compiled_on = cx.opt_date(&mut d, raw.compiled_on.as_ref(), "compiled_on");
    d.finish(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::source::digest::sha256_hex(text.as_bytes()),
        data,
        spots,
        compiled_on: compiled_on.flatten(),
        pending: Vec::new(),
    })
}

/// A `[[list]]` table, its problems recorded; the list when it has none.
fn list_def(cx: &Ctx<'_>, d: &mut Diagnostics, l: &RawList, start: usize) -> Option<ListDef> {
    let before = d.len();
    let id = d.ok(cx.slug(&l.id, "list"));
    let shown = id.clone().unwrap_or_else(|| l.id.get_ref().clone());
    let j = l.jurisdiction.get_ref().trim();
    if j != "EU" && !crate::countries::is_alpha2(j) {
        d.push(cx.err(
            l.jurisdiction.span().start,
            code::REGISTRY_COUNTRY,
            format!("jurisdiction '{j}' is not an ISO 3166-1 alpha-2 code or EU"),
        ));
    }
    for (key, val) in [
        ("title", &l.title),
        ("basis", &l.basis),
        ("source", &l.source),
    ] {
        if val.trim().is_empty() {
            d.push(cx.err(
                start,
                code::REGISTRY_EMPTY,
                format!("list '{shown}' has an empty '{key}'"),
            ));
        }
    }
    let confidence = d.ok(cx.confidence(l.confidence.as_ref()));
    if d.len() > before {
        return None;
    }
    Some(ListDef {
        id: id?,
        title: l.title.trim().to_string(),
        jurisdiction: j.to_string(),
        authority: non_empty(l.authority.clone()),
        basis: l.basis.trim().to_string(),
        source: l.source.trim().to_string(),
        confidence: confidence?,
        notes: non_empty(l.notes.clone()),
        binding: l.binding.unwrap_or(true),
        reaches_affiliates: l.reaches_affiliates.unwrap_or(false),
    })
}

/// A `[[vendor]]` table with its listings, its problems recorded; the vendor, where each
/// listing's list and each grantee code is written, when it has none.
#[allow(clippy::too_many_lines)]
fn vendor(
    cx: &Ctx<'_>,
    d: &mut Diagnostics,
    v: &RawVendor,
    start: usize,
) -> Option<(Vendor, Vec<Location>, Vec<Location>)> {
    let before = d.len();
    let id = d.ok(cx.slug(&v.id, "vendor"));
    let shown = id.clone().unwrap_or_else(|| v.id.get_ref().clone());
    let name = v.name.get_ref().trim().to_string();
    if name.is_empty() {
        d.push(cx.err(
            v.name.span().start,
            code::REGISTRY_EMPTY,
            format!("vendor '{shown}' has an empty name"),
        ));
    }
    let country = v.country.as_ref().map(|c| d.ok(cx.country(c)));
    let mut model_patterns = Vec::new();
    for p in &v.model_patterns {
        model_patterns.extend(d.ok(cx.pattern(p)));
    }
    let mut fcc_grantee_codes = Vec::with_capacity(v.fcc_grantee_codes.len());
    let mut code_spots = Vec::with_capacity(v.fcc_grantee_codes.len());
    for c in &v.fcc_grantee_codes {
        fcc_grantee_codes.extend(d.ok(cx.grantee_code(c)));
        code_spots.push(cx.loc(c.span().start));
    }
    let parent = v.parent.as_ref().map(|p| d.ok(cx.slug(p, "parent")));
    let parent_since = cx.opt_date(d, v.parent_since.as_ref(), "parent_since");
    let parent_until = cx.opt_date(d, v.parent_until.as_ref(), "parent_until");
    if parent.is_none() && (parent_since.is_some() || parent_until.is_some()) {
        d.push(cx.err(
            start,
            code::REGISTRY_CONFLICT,
            format!("vendor '{shown}' has parent dates but no parent"),
        ));
    }
    if let (Some(Some(s)), Some(Some(u))) = (parent_since, parent_until) {
        if s >= u {
            d.push(cx.err(
                start,
                code::REGISTRY_CONFLICT,
                format!("vendor '{shown}': parent_since {s} is not before parent_until {u}"),
            ));
        }
    }
    let mut listings = Vec::new();
    let mut listing_spots = Vec::new();
    for l in &v.listing {
        let lstart = l.span().start;
        if let Some(listing) = listing(cx, d, l.get_ref(), lstart, &shown, &listings) {
            listings.push(listing);
            listing_spots.push(cx.loc(l.get_ref().list.span().start));
        }
    }
    let mut affiliates = Vec::with_capacity(v.affiliates.len());
    for a in &v.affiliates {
        affiliates.extend(d.ok(cx.slug(a, "affiliate")));
    }
    let confidence = d.ok(cx.confidence(v.confidence.as_ref()));
    let retired_on = cx.opt_date(d, v.retired_on.as_ref(), "retired_on");
    let retired_reason = non_empty(v.retired_reason.clone());
    if retired_on.is_some() && retired_reason.is_none() {
        d.push(cx.err(
            start,
            code::REGISTRY_EMPTY,
            format!("vendor '{shown}' is retired without a 'retired_reason'"),
        ));
    }
    if d.len() > before {
        return None;
    }
    let vendor = Vendor {
        id: id?,
        name,
        country: country.flatten(),
        aliases: v
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        model_patterns,
        fcc_grantee_codes,
        affiliates,
        parent: parent.flatten(),
        parent_since: parent_since.flatten(),
        parent_until: parent_until.flatten(),
        confidence: confidence?,
        sources: v
            .sources
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        notes: non_empty(v.notes.clone()),
        listings,
        retired_on: retired_on.flatten(),
        retired_reason,
    };
    Some((vendor, listing_spots, code_spots))
}

/// A `[[vendor.listing]]` table of the vendor `vendor`, its problems recorded; the listing when
/// it has none (`earlier`: the vendor's listings before it).
fn listing(
    cx: &Ctx<'_>,
    d: &mut Diagnostics,
    l: &RawListing,
    lstart: usize,
    vendor: &str,
    earlier: &[Listing],
) -> Option<Listing> {
    let before = d.len();
    let list = d.ok(cx.slug(&l.list, "list"));
    let scope = match &l.scope {
        None => Some(Scope::All),
        Some(s) => {
            let scope = Scope::parse(s.get_ref());
            if scope.is_none() {
                d.push(cx.err(
                    s.span().start,
                    code::REGISTRY_VALUE,
                    format!("scope '{}' is not 'all' or 'purpose-limited'", s.get_ref()),
                ));
            }
            scope
        }
    };
    // Blank purposes are dropped, as blank aliases and sources are (a CSV cell cannot carry
    // an empty value, and an empty purpose never matches a domain).
    let purposes: Vec<String> = l
        .purposes
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if scope == Some(Scope::All) && !purposes.is_empty() {
        d.push(cx.err(
            lstart,
            code::REGISTRY_CONFLICT,
            "'purposes' only applies to scope = \"purpose-limited\"",
        ));
    }
    if scope == Some(Scope::PurposeLimited) && purposes.is_empty() {
        d.push(cx.err(
            lstart,
            code::REGISTRY_EMPTY,
            "a purpose-limited listing must name its 'purposes'",
        ));
    }
    let listed_on = d.ok(cx.date(&l.listed_on, "listed_on"));
    if let (Some(list), Some(listed_on)) = (&list, listed_on) {
        if earlier
            .iter()
            .any(|x| &x.list == list && x.listed_on == listed_on)
        {
            d.push(cx.err(
                l.list.span().start,
                code::REGISTRY_DUPLICATE,
                format!("vendor '{vendor}' is listed on '{list}' on {listed_on} twice"),
            ));
        }
    }
    let delisted_on = cx.opt_date(d, l.delisted_on.as_ref(), "delisted_on");
    if let Some(Some(dl)) = delisted_on {
        if let Some(on) = listed_on.filter(|&on| dl <= on) {
            d.push(cx.err(
                lstart,
                code::REGISTRY_CONFLICT,
                format!("delisted_on {dl} is not after listed_on {on}"),
            ));
        }
        if l.delisted_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
        {
            d.push(cx.err(
                lstart,
                code::REGISTRY_EMPTY,
                "a delisted listing needs a 'delisted_reason'",
            ));
        }
    }
    let confidence = d.ok(cx.confidence(l.confidence.as_ref()));
    if d.len() > before {
        return None;
    }
    Some(Listing {
        list: list?,
        basis: non_empty(l.basis.clone()),
        source: non_empty(l.source.clone()),
        listed_on: listed_on?,
        delisted_on: delisted_on.flatten(),
        delisted_reason: non_empty(l.delisted_reason.clone()),
        scope: scope?,
        purposes,
        confidence: confidence?,
        notes: non_empty(l.notes.clone()),
    })
}
