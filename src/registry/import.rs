//! Registry import files (TOML and CSV): parsing with exact locations, and validation of
//! the whole import against what the database already holds.
//!
//! Parsing is strict: unknown keys, wrong types, impossible dates, unknown country codes and
//! malformed ids are errors that name file, line and column. Validation then checks the
//! references between entries (parents, lists) and rejects parent cycles.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
use crate::date::Date;
use crate::error::{line_col, Error, ErrorKind, Location, Result};

/// Where each entry of an import file was written, for error messages.
#[derive(Clone, Debug, Default)]
pub struct Spots {
    /// Per vendor (same order as the data): the vendor table.
    pub vendors: Vec<Location>,
    /// Per vendor: its `parent` value.
    pub parents: Vec<Location>,
    /// Per vendor, per listing: its `list` value.
    pub listings: Vec<Vec<Location>>,
    /// Per list definition.
    pub lists: Vec<Location>,
}

/// One parsed import file.
#[derive(Clone, Debug)]
pub struct ImportFile {
    /// The file as shown to users.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The entries it holds.
    pub data: RegistryData,
    /// Where they are.
    pub spots: Spots,
    /// The date the file's content was compiled (`compiled_on`), when it says.
    pub compiled_on: Option<Date>,
}

fn reg_err(loc: Location, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::Registry, loc, msg)
}

/// Whether `s` is a valid id: lowercase ASCII letters, digits and single hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Reads an import file, choosing the format from its extension.
pub fn read_import_file(path: &Path) -> Result<ImportFile> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::io(
            ErrorKind::Registry,
            path,
            "read the registry import file",
            &e,
        )
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "toml" => {
            let text = crate::inventory::toml::decode_utf8(path, &bytes, ErrorKind::Registry)?;
            parse_toml(path, text)
        }
        "csv" => parse_csv(path, &bytes),
        _ => Err(reg_err(
            Location::file(path),
            "unsupported registry import format: use a .toml or .csv file",
        )
        .hint("see \"Registry import format\" in the README")),
    }
}

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
    text: &'a str,
}

impl Ctx<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (line, col) = line_col(self.text, offset);
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
    let cx = Ctx { path, text };
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
        sha256: crate::inventory::digest::sha256_hex(text.as_bytes()),
        data,
        spots,
        compiled_on: raw
            .compiled_on
            .as_ref()
            .map(|d| cx.date(d, "compiled_on"))
            .transpose()?,
    })
}

const CSV_COLUMNS: [&str; 7] = [
    "id",
    "name",
    "country",
    "aliases",
    "model_patterns",
    "parent",
    "lists",
];

/// Parses a CSV registry import file (`id,name,country,aliases,model_patterns,parent,lists`).
pub fn parse_csv(path: &Path, bytes: &[u8]) -> Result<ImportFile> {
    let text = crate::inventory::toml::decode_utf8(path, bytes, ErrorKind::Registry)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            reg_err(
                Location::line(path, 1),
                format!("malformed CSV header: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if !CSV_COLUMNS.contains(&h.as_str()) {
            return Err(reg_err(
                Location::at(path, 1, i as u64 + 1),
                format!("unknown column '{h}' in a registry CSV"),
            )
            .hint(format!("the columns are {}", CSV_COLUMNS.join(","))));
        }
        if headers[..i].contains(h) {
            return Err(reg_err(
                Location::line(path, 1),
                format!("the column '{h}' appears twice"),
            ));
        }
    }
    for required in ["id", "name"] {
        if !headers.iter().any(|h| h == required) {
            return Err(reg_err(
                Location::line(path, 1),
                format!("the registry CSV has no '{required}' column"),
            )
            .hint(format!("the header is {}", CSV_COLUMNS.join(","))));
        }
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut data = RegistryData::default();
    let mut spots = Spots::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            reg_err(Location::line(path, line), format!("malformed CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, csv::Position::line);
        let loc = Location::line(path, line);
        if rec.len() != headers.len() {
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            return Err(reg_err(
                loc,
                format!(
                    "this row has {} fields but the header has {}",
                    rec.len(),
                    headers.len()
                ),
            ));
        }
        let get = |name: &str| -> String {
            col(name)
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let multi = |name: &str| -> Vec<String> {
            get(name)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let id = get("id");
        if !is_slug(&id) {
            return Err(reg_err(loc, format!("'{id}' is not a valid vendor id"))
                .hint("use lowercase letters, digits and single hyphens"));
        }
        let name = get("name");
        if name.is_empty() {
            return Err(reg_err(loc, format!("vendor '{id}' has an empty name")));
        }
        let country = match get("country") {
            c if c.is_empty() => None,
            c if crate::countries::is_alpha2(&c) => Some(c),
            c => {
                return Err(reg_err(
                    loc,
                    format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
                )
                .hint("use the two-letter uppercase code, e.g. CN"))
            }
        };
        let parent = match get("parent") {
            p if p.is_empty() => None,
            p if is_slug(&p) => Some(p),
            p => {
                return Err(reg_err(
                    loc,
                    format!("parent '{p}' is not a valid vendor id"),
                ))
            }
        };
        let mut model_patterns = Vec::new();
        for p in multi("model_patterns") {
            if globset::GlobBuilder::new(&p).build().is_err() {
                return Err(reg_err(
                    loc,
                    format!("model pattern '{p}' is not a valid glob"),
                ));
            }
            model_patterns.push(p);
        }
        let mut listings = Vec::new();
        let mut listing_spots = Vec::new();
        for entry in multi("lists") {
            let Some((list, date)) = entry.split_once('@') else {
                return Err(reg_err(
                    loc,
                    format!("'{entry}' in 'lists' is not of the form LIST@YYYY-MM-DD"),
                ));
            };
            let list = list.trim().to_string();
            if !is_slug(&list) {
                return Err(reg_err(loc, format!("'{list}' is not a valid list id")));
            }
            let listed_on: Date = date
                .parse()
                .map_err(|e| reg_err(loc.clone(), format!("in 'lists': {e}")))?;
            if listings
                .iter()
                .any(|l: &Listing| l.list == list && l.listed_on == listed_on)
            {
                return Err(reg_err(
                    loc,
                    format!("vendor '{id}' is listed on '{list}' on {listed_on} twice"),
                ));
            }
            listings.push(Listing {
                list,
                basis: None,
                source: None,
                listed_on,
                delisted_on: None,
                delisted_reason: None,
                scope: Scope::All,
                purposes: Vec::new(),
                confidence: Confidence::Confirmed,
                notes: None,
            });
            listing_spots.push(loc.clone());
        }
        data.vendors.push(Vendor {
            id,
            name,
            country,
            aliases: multi("aliases"),
            model_patterns,
            parent,
            parent_since: None,
            parent_until: None,
            confidence: Confidence::Confirmed,
            sources: Vec::new(),
            notes: None,
            listings,
            retired_on: None,
            retired_reason: None,
        });
        spots.vendors.push(loc.clone());
        spots.parents.push(loc);
        spots.listings.push(listing_spots);
    }
    if data.vendors.is_empty() {
        return Err(reg_err(
            Location::file(path),
            "the registry CSV has a header but no rows",
        ));
    }
    Ok(ImportFile {
        path: crate::error::display_path(path),
        sha256: crate::inventory::digest::sha256_hex(bytes),
        data,
        spots,
        compiled_on: None,
    })
}

/// Updates an existing entry from an imported one. Identity facts are replaced; listings are
/// merged by (list, date) and never dropped; a retirement or delisting is never undone.
fn merge_vendor(x: &mut Vendor, v: &Vendor) {
    let old_listings = std::mem::take(&mut x.listings);
    let (retired_on, retired_reason) = (x.retired_on, x.retired_reason.take());
    *x = v.clone();
    if x.retired_on.is_none() {
        x.retired_on = retired_on;
        x.retired_reason = retired_reason;
    }
    for old in old_listings {
        match x
            .listings
            .iter_mut()
            .find(|l| l.list == old.list && l.listed_on == old.listed_on)
        {
            Some(new) => {
                if new.delisted_on.is_none() {
                    new.delisted_on = old.delisted_on;
                    new.delisted_reason = old.delisted_reason;
                }
            }
            None => x.listings.push(old),
        }
    }
}

/// Merges import files over `existing` (later entries replace earlier ones with the same id)
/// and checks the result: ids unique within the import, parents and lists resolvable,
/// every listing with a legal basis, no parent cycles.
pub fn merge_and_validate(existing: &RegistryData, files: &[ImportFile]) -> Result<RegistryData> {
    let mut seen_vendor: HashMap<&str, &Location> = HashMap::new();
    let mut seen_list: HashMap<&str, &Location> = HashMap::new();
    for f in files {
        for (v, loc) in f.data.vendors.iter().zip(&f.spots.vendors) {
            if let Some(first) = seen_vendor.insert(&v.id, loc) {
                return Err(reg_err(
                    loc.clone(),
                    format!("vendor id '{}' is defined twice (first at {first})", v.id),
                )
                .hint("give each vendor a unique id, or merge the two entries"));
            }
        }
        for (l, loc) in f.data.lists.iter().zip(&f.spots.lists) {
            if let Some(first) = seen_list.insert(&l.id, loc) {
                return Err(reg_err(
                    loc.clone(),
                    format!("list id '{}' is defined twice (first at {first})", l.id),
                ));
            }
        }
    }
    let mut merged = existing.clone();
    for f in files {
        for l in &f.data.lists {
            match merged.lists.iter_mut().find(|x| x.id == l.id) {
                Some(x) => *x = l.clone(),
                None => merged.lists.push(l.clone()),
            }
        }
        for v in &f.data.vendors {
            match merged.vendors.iter_mut().find(|x| x.id == v.id) {
                Some(x) => merge_vendor(x, v),
                None => merged.vendors.push(v.clone()),
            }
        }
    }
    let vendor_ids: HashSet<&str> = merged.vendors.iter().map(|v| v.id.as_str()).collect();
    let lists: HashMap<&str, &ListDef> = merged.lists.iter().map(|l| (l.id.as_str(), l)).collect();
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            if let Some(p) = &v.parent {
                if p == &v.id {
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!("vendor '{}' names itself as parent", v.id),
                    ));
                }
                if !vendor_ids.contains(p.as_str()) {
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!(
                            "vendor '{}' names parent '{p}', which is not in the registry",
                            v.id
                        ),
                    )
                    .hint("import the parent's entry too (in the same run or before)"));
                }
            }
            for (j, l) in v.listings.iter().enumerate() {
                if l.basis.is_none() && !lists.contains_key(l.list.as_str()) {
                    return Err(reg_err(
                        f.spots.listings[i][j].clone(),
                        format!(
                            "the listing of '{}' on '{}' has no legal basis: the list is not defined and the listing gives no basis",
                            v.id, l.list
                        ),
                    )
                    .hint(format!("add basis = \"...\" to the listing, or define [[list]] id = \"{}\" with its basis", l.list)));
                }
            }
        }
    }
    let parents: HashMap<&str, &str> = merged
        .vendors
        .iter()
        .filter_map(|v| v.parent.as_deref().map(|p| (v.id.as_str(), p)))
        .collect();
    for f in files {
        for (i, v) in f.data.vendors.iter().enumerate() {
            let mut chain = vec![v.id.as_str()];
            let mut cur = v.id.as_str();
            while let Some(&p) = parents.get(cur) {
                if chain.contains(&p) {
                    chain.push(p);
                    return Err(reg_err(
                        f.spots.parents[i].clone(),
                        format!("parent cycle: {}", chain.join(" → ")),
                    )
                    .hint("an entity cannot control itself through its subsidiaries; fix one of the parent links"));
                }
                chain.push(p);
                cur = p;
            }
        }
    }
    merged.canonicalize();
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(text: &str) -> Result<ImportFile> {
        parse_toml(Path::new("r.toml"), text)
    }

    #[test]
    fn accepts_the_documented_shape() {
        let f = toml(
            r#"
[[vendor]]
id = "huawei"
name = "Huawei Technologies Co., Ltd."
country = "CN"
aliases = ["Huawei", "Huawei Device Co., Ltd."]
model_patterns = ["OptiX*"]

  [[vendor.listing]]
  list = "us-fcc-covered"
  basis = "Secure and Trusted Communications Networks Act of 2019, 47 CFR 1.50002"
  source = "https://www.fcc.gov/supplychain/coveredlist"
  listed_on = 2021-03-12
"#,
        )
        .unwrap();
        let v = &f.data.vendors[0];
        assert_eq!(v.id, "huawei");
        assert_eq!(v.country.as_deref(), Some("CN"));
        assert_eq!(v.listings[0].listed_on.to_string(), "2021-03-12");
        assert_eq!(f.spots.vendors[0].line, Some(2));
        merge_and_validate(&RegistryData::default(), &[f]).unwrap();
    }

    #[test]
    fn strict_errors_name_line_and_column() {
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(4));
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\ncountry = \"ZZ\"\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().to_string(), "r.toml:4:11");
        let e = toml("[[vendor]]\nid = \"A B\"\nname = \"A\"\n").unwrap_err();
        assert!(e.message.contains("not a valid vendor id"));
        let e = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2025-02-30\n")
            .unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(6), "{e}");
    }

    #[test]
    fn blank_purposes_are_dropped_like_blank_aliases() {
        let listing = |scope: &str, purposes: &str| {
            toml(&format!("[[vendor]]\nid = \"a\"\nname = \"A\"\naliases = [\" \", \" A \"]\n[[vendor.listing]]\nlist = \"l\"\nbasis = \"b\"\nlisted_on = 2020-01-01\nscope = \"{scope}\"\npurposes = {purposes}\n"))
        };
        let f = listing("purpose-limited", "[\" x \", \"\", \"  \"]").unwrap();
        assert_eq!(f.data.vendors[0].aliases, ["A"]);
        assert_eq!(f.data.vendors[0].listings[0].purposes, ["x"]);
        let e = listing("purpose-limited", "[\" \"]").unwrap_err();
        assert!(e.message.contains("must name its 'purposes'"), "{e}");
        listing("all", "[\"\"]").unwrap();
    }

    #[test]
    fn references_and_cycles_are_checked() {
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"zz\"\n").unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("not in the registry"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"b\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nparent = \"a\"\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.starts_with("parent cycle: a → b → a"), "{e}");
        let f = toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nlisted_on = 2020-01-01\n")
            .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(e.message.contains("no legal basis"), "{e}");
        let f =
            toml("[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor]]\nid = \"a\"\nname = \"B\"\n")
                .unwrap();
        let e = merge_and_validate(&RegistryData::default(), &[f]).unwrap_err();
        assert!(
            e.message.contains("defined twice (first at r.toml:1"),
            "{e}"
        );
    }

    #[test]
    fn csv_import() {
        let f = parse_csv(
            Path::new("r.csv"),
            b"id,name,country,aliases,model_patterns,parent,lists\nhik,Hangzhou Hikvision,CN,Hikvision|HIK,DS-2CD*,,us-fcc-covered@2021-03-12\nezviz,EZVIZ,CN,,,hik,\n",
        )
        .unwrap();
        assert_eq!(f.data.vendors.len(), 2);
        assert_eq!(f.data.vendors[0].aliases, vec!["Hikvision", "HIK"]);
        assert_eq!(f.data.vendors[0].listings[0].list, "us-fcc-covered");
        assert_eq!(f.data.vendors[1].parent.as_deref(), Some("hik"));
        let e = parse_csv(Path::new("r.csv"), b"id,name,lists\nhik,H,us@2021-02-30\n").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, Some(2));
        let e = parse_csv(Path::new("r.csv"), b"id,name,colour\n").unwrap_err();
        assert!(e.message.contains("unknown column 'colour'"));
    }
}
