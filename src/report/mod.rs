//! The report: plain data describing one run (provenance, per-input and total counts, findings),
//! and the renderers that turn it into each output format.

pub mod baseline;
pub mod csv;
pub mod dictionary;
pub mod fit;
pub mod groups;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod merge;
pub mod output;
pub mod sarif;
pub mod skeleton;
pub mod stream;
pub mod table;

use std::collections::BTreeMap;
use std::io::Write;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::engine::{AppliedListing, Assessment, Finding};
use crate::matcher::MatchKind;
use crate::model::{Item, Verdict};
use crate::registry::Confidence;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// The documented JSON schema: one finding per line, the shared evidence once.
    Json,
    /// JSON Lines: one finding per line, then one line with everything else.
    Jsonl,
    /// One CSV row per finding, formula injection neutralised.
    Csv,
    /// Markdown for pull-request comments and tickets.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: &'static [Format] = &[
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Markdown,
        Format::Html,
        Format::Sarif,
        Format::Junit,
    ];

    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == s)
    }

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }

    /// The names of all formats, for messages.
    pub fn names() -> String {
        Format::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The tool that made the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `tvcheck`.
    pub name: Cow<'static, str>,
    /// The crate version.
    pub version: Cow<'static, str>,
    /// The configuration file (`tvcheck.toml`) the run's settings came from, when one was
    /// used; absent otherwise (and in reports made before configuration files existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigInfo>,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: Cow::Borrowed("tvcheck"),
            version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
            config: None,
        }
    }
}

/// The configuration file of a run: where it was and the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// The file, as named (`tvcheck.toml` when found in the working directory).
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// Which registry produced the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegistryInfo {
    /// `embedded` or the database path.
    pub source: String,
    /// SHA-256 of the canonical content.
    pub sha256: String,
    /// Number of vendor entries.
    pub vendors: usize,
    /// Number of listings.
    pub listings: usize,
    /// Schema version.
    pub schema_version: u32,
    /// Registry revision.
    pub revision: u64,
    /// When the registry last changed (RFC 3339).
    pub last_change: Option<String>,
    /// Whether the registry's content was verified against its change log before use (false
    /// only with `--no-verify-registry`; the embedded registry is compiled in and counts as
    /// verified).
    pub verified: bool,
    /// The signed snapshot the registry was read from (`check --registry-snapshot`): its
    /// digest, revision, publisher, publication time and signing key. Absent otherwise, and in
    /// reports written before snapshots existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<crate::registry::snapshot::SnapshotInfo>,
}

/// Counts of verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Items read.
    pub items: u64,
    /// Items in breach.
    pub violations: u64,
    /// Items to review.
    pub reviews: u64,
    /// Items whose findings are all waived.
    pub waived: u64,
    /// Items with nothing against them.
    pub ok: u64,
    /// Items whose vendor and model matched no registry entry.
    pub unidentified: u64,
    /// Items identified by a curated entry (the registry compiled in).
    pub identified_curated: u64,
    /// Items identified only through the IEEE registration tier (indicative country).
    pub identified_ieee: u64,
    /// Items installed after the as-of date: not in service on that date, so not judged
    /// (counted as ok).
    pub not_in_service: u64,
}

impl Counts {
    /// Counts one assessment.
    pub fn add(&mut self, a: &Assessment) {
        self.add_verdict(a.verdict);
        if !a.identified {
            self.unidentified += 1;
        }
        match a.identity_tier {
            Some(crate::matcher::Tier::Curated) => self.identified_curated += 1,
            Some(crate::matcher::Tier::Ieee) => self.identified_ieee += 1,
            _ => {}
        }
        if !a.in_service {
            self.not_in_service += 1;
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, o: &Counts) {
        self.items += o.items;
        self.violations += o.violations;
        self.reviews += o.reviews;
        self.waived += o.waived;
        self.ok += o.ok;
        self.unidentified += o.unidentified;
        self.identified_curated += o.identified_curated;
        self.identified_ieee += o.identified_ieee;
        self.not_in_service += o.not_in_service;
    }

    /// The share of items the registry identified, in per cent, rounded down to a tenth (so
    /// that 100.0 means every item): 100.0 when there are no items.
    pub fn identified_percent(&self) -> f64 {
        if self.items == 0 {
            return 100.0;
        }
        let identified = self.items.saturating_sub(self.unidentified);
        // u128: no overflow however many items.
        (u128::from(identified) * 1000 / u128::from(self.items)) as f64 / 10.0
    }

    /// The identification coverage in words, the same in every format: "87.5 % of items
    /// identified (7 of 8)".
    pub(crate) fn coverage_text(&self) -> String {
        let share = |n: u64| {
            if self.items == 0 {
                0.0
            } else {
                (u128::from(n) * 1000 / u128::from(self.items)) as f64 / 10.0
            }
        };
        let mut text = format!(
            "{:.1} % of items identified ({} of {})",
            self.identified_percent(),
            self.items.saturating_sub(self.unidentified),
            self.items
        );
        if self.identified_curated > 0 || self.identified_ieee > 0 {
            text.push_str(&format!(
                ", {:.1} % by curated entries, {:.1} % by IEEE registration only (indicative country)",
                share(self.identified_curated),
                share(self.identified_ieee)
            ));
        }
        text
    }

    /// Counts one item with this verdict.
    pub(crate) fn add_verdict(&mut self, v: Verdict) {
        self.items += 1;
        match v {
            Verdict::Violation => self.violations += 1,
            Verdict::Review => self.reviews += 1,
            Verdict::Waived => self.waived += 1,
            Verdict::Ok => self.ok += 1,
        }
    }
}

/// The report's `summary`: the counts and the identification coverage.
#[derive(Serialize)]
pub(crate) struct SummaryOut<'a> {
    #[serde(flatten)]
    counts: &'a Counts,
    /// [`Counts::identified_percent`].
    identified_percent: f64,
}

impl<'a> SummaryOut<'a> {
    pub(crate) fn new(counts: &'a Counts) -> SummaryOut<'a> {
        SummaryOut {
            counts,
            identified_percent: counts.identified_percent(),
        }
    }
}

fn serialize_summary<S: serde::Serializer>(
    c: &Counts,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    SummaryOut::new(c).serialize(s)
}

/// How many skipped rows (and warnings) a report lists (all are counted).
pub(crate) const SKIPPED_ROWS_SHOWN: usize = 1000;

/// Distinct vendor strings tracked for the unidentified items: past this many, the items of
/// new strings are only counted (`untracked_items`), so memory stays bounded.
pub(crate) const UNIDENTIFIED_TRACKED: usize = 10_000;

/// Places (file:line) kept per unidentified vendor string.
pub(crate) const UNIDENTIFIED_PLACES: usize = 5;

/// Unidentified vendor strings the human-readable formats list (the JSON report and the
/// registry skeleton have every tracked one).
pub(crate) const UNIDENTIFIED_SHOWN: usize = 25;

/// One vendor string that the registry could not identify, with its items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnidentifiedVendor {
    /// The vendor as written in the inventories.
    pub vendor: String,
    /// Items with this vendor string whose vendor and model matched no registry entry.
    pub items: u64,
    /// The first places where it occurs (`file:line`, `file.xlsx:Sheet!row`), at most
    /// [`UNIDENTIFIED_PLACES`].
    pub places: Vec<String>,
}

/// The items the registry could not identify, grouped by vendor string: most items first,
/// ties by the string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unidentified {
    /// The vendor strings (at most [`UNIDENTIFIED_TRACKED`]).
    pub vendors: Vec<UnidentifiedVendor>,
    /// Unidentified items whose vendor string came after [`UNIDENTIFIED_TRACKED`] distinct
    /// strings were already tracked: counted, not grouped.
    pub untracked_items: u64,
}

impl Unidentified {
    /// The human-readable line about what a listing of the first `shown` strings leaves out;
    /// `None` when nothing is left out.
    pub(crate) fn rest_text(&self, shown: usize) -> Option<String> {
        let rest = self.vendors.get(shown..).unwrap_or(&[]);
        let rest_items: u64 = rest.iter().map(|v| v.items).sum();
        if rest_items + self.untracked_items == 0 {
            return None;
        }
        let mut text = if rest.is_empty() {
            String::new()
        } else {
            format!(
                "{} more vendor string{} with {rest_items} item{}",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" },
                if rest_items == 1 { "" } else { "s" }
            )
        };
        if self.untracked_items > 0 {
            if !text.is_empty() {
                text.push_str(", and ");
            }
            text.push_str(&format!(
                "{} item{} under vendor strings not tracked (more than {UNIDENTIFIED_TRACKED} distinct strings)",
                self.untracked_items,
                if self.untracked_items == 1 { "" } else { "s" }
            ));
        }
        Some(text)
    }
}

/// Counts unidentified items per vendor string while a check runs (bounded: see
/// [`UNIDENTIFIED_TRACKED`]).
#[derive(Default)]
pub(crate) struct UnidentifiedTally {
    by_vendor: std::collections::HashMap<Box<str>, (u64, Vec<String>), ahash::RandomState>,
    untracked_items: u64,
}

impl UnidentifiedTally {
    /// Counts one unidentified item with this vendor string; `place` is asked for only while
    /// the string has fewer than [`UNIDENTIFIED_PLACES`] places.
    pub(crate) fn add(&mut self, vendor: &str, place: impl FnOnce() -> String) {
        if let Some((n, places)) = self.by_vendor.get_mut(vendor) {
            *n += 1;
            if places.len() < UNIDENTIFIED_PLACES {
                places.push(place());
            }
        } else if self.by_vendor.len() < UNIDENTIFIED_TRACKED {
            self.by_vendor.insert(vendor.into(), (1, vec![place()]));
        } else {
            self.untracked_items += 1;
        }
    }

    /// The groups, most items first, ties by the string.
    pub(crate) fn finish(self) -> Unidentified {
        let mut vendors: Vec<UnidentifiedVendor> = self
            .by_vendor
            .into_iter()
            .map(|(vendor, (items, places))| UnidentifiedVendor {
                vendor: vendor.into(),
                items,
                places,
            })
            .collect();
        vendors.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.vendor.cmp(&b.vendor)));
        Unidentified {
            vendors,
            untracked_items: self.untracked_items,
        }
    }
}

/// One inventory file read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The file as shown to users.
    pub path: String,
    /// `csv` or `toml`.
    pub format: Cow<'static, str>,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Verdict counts for its items.
    #[serde(flatten)]
    pub counts: Counts,
    /// Parts not read (see the report's `skipped_rows`).
    pub rows_skipped: u64,
    /// Whether every part of it was read: false when a record, sheet or component could not
    /// be read, or reading stopped on an error (see the report's `failed_inputs`).
    pub complete: bool,
    /// The text encoding it was decoded from; absent for workbooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// How it was read: hidden sheets read, sheets passed over, an encoding detected, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Values kept as written because they could not be understood (see the report's
    /// `warnings`).
    pub warnings: u64,
}

/// SHA-256 of an item's content as a report records it: `asset_id`, `vendor`, `model`,
/// `serial`, `site`, `domain`, `quantity`, `country` and `installed`, in this order, each as
/// one byte 0 when absent, or 1 followed by its length (8 bytes, little-endian) and its UTF-8
/// bytes (the quantity: its 8 bytes, little-endian). A baseline compares it, so that a finding
/// on different equipment under the same asset id is new; it can be recomputed from a report's
/// own fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ItemDigest(pub [u8; 32]);

/// The fields an [`ItemDigest`] covers, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct ItemContent<'a> {
    /// Asset id.
    pub asset_id: Option<&'a str>,
    /// Vendor as written.
    pub vendor: &'a str,
    /// Model.
    pub model: Option<&'a str>,
    /// Serial number.
    pub serial: Option<&'a str>,
    /// Site.
    pub site: Option<&'a str>,
    /// Network domain.
    pub domain: Option<&'a str>,
    /// Units.
    pub quantity: Option<u64>,
    /// Manufacturer's country as stated.
    pub country: Option<&'a str>,
    /// Installation date as written, or `YYYY-MM-DD` when read from another form.
    pub installed: Option<&'a str>,
}

impl ItemDigest {
    /// The digest of `c`.
    pub fn of(c: &ItemContent<'_>) -> ItemDigest {
        use sha2::{Digest, Sha256};
        fn put(h: &mut Sha256, v: Option<&[u8]>) {
            match v {
                None => h.update([0u8]),
                Some(b) => {
                    h.update([1u8]);
                    h.update((b.len() as u64).to_le_bytes());
                    h.update(b);
                }
            }
        }
        let mut h = Sha256::new();
        for v in [
            c.asset_id,
            Some(c.vendor),
            c.model,
            c.serial,
            c.site,
            c.domain,
        ] {
            put(&mut h, v.map(str::as_bytes));
        }
        match c.quantity {
            None => h.update([0u8]),
            Some(q) => {
                h.update([1u8]);
                h.update(q.to_le_bytes());
            }
        }
        for v in [c.country, c.installed] {
            put(&mut h, v.map(str::as_bytes));
        }
        ItemDigest(h.finalize().into())
    }

    /// Lowercase hexadecimal.
    pub(crate) fn hex(&self) -> String {
        crate::source::digest::hex(&self.0)
    }
}

impl Serialize for ItemDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

/// One reported row: an item and one of its findings (or an ok item listed with `--all`).
/// Streamed reports render it borrowed from the item and its finding ([`Row::new`], nothing
/// copied); what is kept after the item is gone (the report's findings in memory, the first
/// rows of each group) is the same type, owned ([`Row::into_owned`]). One type, one
/// serialiser: a streamed rendering is byte for byte the rendering from memory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row<'a> {
    /// Inventory file.
    pub file: Cow<'a, str>,
    /// Line where the record starts (for workbooks: the spreadsheet row).
    pub line: u64,
    /// The workbook sheet, for workbook inventories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Cow<'a, str>>,
    /// Asset id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<Cow<'a, str>>,
    /// Vendor as written.
    pub vendor: Cow<'a, str>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Cow<'a, str>>,
    /// Serial number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<Cow<'a, str>>,
    /// Site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Cow<'a, str>>,
    /// Network domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<Cow<'a, str>>,
    /// Units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// Manufacturer's country as stated in the inventory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Cow<'a, str>>,
    /// Installation date as written, or `YYYY-MM-DD` when read from another form (the
    /// written form is kept in `extra`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installed: Option<Cow<'a, str>>,
    /// What the equipment is used for, as written (absent when not stated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Cow<'a, str>>,
    /// The network technology it serves, as written (absent when not stated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Cow<'a, str>>,
    /// The equipment category, as written (absent when not stated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Cow<'a, str>>,
    /// The country (or countries) of production, as written (absent when not stated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Cow<'a, str>>,
    /// The policy whose rule produced the finding (absent for ok items listed with `--all`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Cow<'a, str>>,
    /// The rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Cow<'a, str>>,
    /// The verdict.
    pub verdict: Verdict,
    /// Phase-out deadline, when the rule has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// Days from the as-of date to the deadline (negative once passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// The waiver that covers the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Cow<'a, str>>,
    /// Matched registry entry id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<Cow<'a, str>>,
    /// Its legal name (in the JSON report's `entries`, not in the finding).
    #[serde(skip)]
    pub entry_name: Option<Cow<'a, str>>,
    /// How the designation reaches the item (`name`, `alias`, `model`, `parent`).
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_kind: Option<MatchKind>,
    /// The tier of knowledge the identification rests on (`curated`, `user`, `ieee`;
    /// absent when nothing was identified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<crate::matcher::Tier>,
    /// Match confidence in [0, 1].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Evidence: what matched and through which ownership chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence<'a>>,
    /// Designations that apply.
    #[serde(serialize_with = "listing_refs", skip_serializing_if = "no_listings")]
    pub listings: Cow<'a, [AppliedListing]>,
    /// One readable sentence.
    pub reason: Cow<'a, str>,
    /// How well the facts the rule rests on are confirmed (absent for ok items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// The inventory's other columns, sorted by name (a later column of the same name wins).
    #[serde(serialize_with = "extra_map")]
    pub extra: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The finding was already in the `--baseline` report, so it does not fail the run.
    pub in_baseline: bool,
    /// The digest of the item's judged content ([`ItemDigest`]).
    pub item_sha256: ItemDigest,
}

/// A row kept after its item is gone.
pub(crate) type FindingRow = Row<'static>;

/// What tied an item to a registry entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence<'a> {
    /// How the item's own strings matched (`name`, `alias`, `model`).
    pub matched_by: MatchKind,
    /// The registry text that matched.
    pub matched: Cow<'a, str>,
    /// Ownership chain of entry ids, from the matched entry to the listed one.
    pub chain: Cow<'a, [String]>,
}

// serde passes a reference to the field's type.
#[allow(clippy::ptr_arg)]
fn no_listings(l: &Cow<'_, [AppliedListing]>) -> bool {
    l.is_empty()
}

/// A finding's listings by reference: the list and the listed entity (and whether the listing
/// reaches the item through an affiliation); their dates, bases and sources are in the
/// report's `entries`.
#[allow(clippy::ptr_arg)]
fn listing_refs<S: serde::Serializer>(
    listings: &Cow<'_, [AppliedListing]>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct ListingRef<'a> {
        list: &'a str,
        entity: &'a str,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        through_affiliate: bool,
    }
    s.collect_seq(listings.iter().map(|l| ListingRef {
        list: &l.list,
        entity: &l.entity,
        through_affiliate: l.through_affiliate,
    }))
}

fn extra_map<S: serde::Serializer>(
    extra: &[(Cow<'_, str>, Cow<'_, str>)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(extra.iter().map(|(k, v)| (&**k, &**v)))
}

impl<'a> Row<'a> {
    /// The row for an item, its assessment and one of its findings (`None` for an item without
    /// findings, listed with `--all`), borrowed from them.
    pub fn new(item: &'a Item, a: &'a Assessment, f: Option<&'a Finding>) -> Row<'a> {
        let id = a.identity.as_ref();
        let b = |s: &'a Option<String>| s.as_deref().map(Cow::Borrowed);
        let mut extra: Vec<(Cow<'a, str>, Cow<'a, str>)> = item
            .extra
            .iter()
            .map(|(k, v)| (Cow::Borrowed(&**k), Cow::Borrowed(v.as_str())))
            .collect();
        // Sorted by name, the last value of a repeated name kept (as a map built from the
        // columns in order would keep it).
        extra.reverse();
        extra.sort_by(|x, y| x.0.cmp(&y.0));
        extra.dedup_by(|x, y| x.0 == y.0);
        let opt = Option::as_deref;
        let mut row = Row {
            file: Cow::Borrowed(&item.file),
            line: item.line,
            sheet: b(&item.sheet),
            asset_id: b(&item.asset_id),
            vendor: Cow::Borrowed(&item.vendor),
            model: b(&item.model),
            serial: b(&item.serial),
            site: b(&item.site),
            domain: b(&item.domain),
            quantity: item.quantity,
            country: b(&item.country),
            installed: b(&item.installed),
            purpose: b(&item.purpose),
            network: b(&item.network),
            category: b(&item.category),
            origin: b(&item.origin),
            policy: None,
            rule: None,
            verdict: a.verdict,
            deadline: None,
            days_left: None,
            waiver: None,
            entry: id.map(|i| Cow::Borrowed(i.0.as_str())),
            entry_name: id.map(|i| Cow::Borrowed(i.1.as_str())),
            match_kind: id.map(|i| i.2),
            tier: a.identity_tier,
            score: id.map(|i| i.3),
            evidence: None,
            listings: Cow::Borrowed(&[]),
            reason: Cow::Borrowed(if !a.in_service {
                "installed after the check date: not in service on that date, so not judged"
            } else if let Some(note) = &a.note {
                note
            } else if a.identified {
                "identified; no rule applies to it as of the check date"
            } else {
                "vendor not in the registry"
            }),
            confidence: None,
            extra,
            in_baseline: false,
            item_sha256: ItemDigest::of(&ItemContent {
                asset_id: opt(&item.asset_id),
                vendor: &item.vendor,
                model: opt(&item.model),
                serial: opt(&item.serial),
                site: opt(&item.site),
                domain: opt(&item.domain),
                quantity: item.quantity,
                country: opt(&item.country),
                installed: opt(&item.installed),
            }),
        };
        if let Some(f) = f {
            row.policy = Some(Cow::Borrowed(&f.policy));
            row.rule = Some(Cow::Borrowed(&f.rule));
            row.confidence = Some(f.confidence);
            row.verdict = f.verdict;
            row.deadline = f.deadline;
            row.days_left = f.days_left;
            row.waiver = b(&f.waiver);
            if f.entry.is_some() {
                row.entry = b(&f.entry);
            }
            if f.entry_name.is_some() {
                row.entry_name = b(&f.entry_name);
            }
            row.match_kind = f.match_kind.or(row.match_kind);
            row.tier = f.tier.or(row.tier);
            row.score = f.score.or(row.score);
            row.evidence = match (f.matched_by, &f.matched) {
                (Some(matched_by), Some(matched)) => Some(Evidence {
                    matched_by,
                    matched: Cow::Borrowed(matched),
                    chain: Cow::Borrowed(&f.chain),
                }),
                _ => None,
            };
            row.listings = Cow::Borrowed(&f.listings);
            row.reason = Cow::Borrowed(&f.reason);
        }
        row
    }

    /// The value of the inventory column `name`, when the item has one.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .map(|i| &*self.extra[i].1)
    }

    /// The row, owning what it borrowed.
    pub fn into_owned(self) -> FindingRow {
        fn own(s: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(s.into_owned())
        }
        let own_opt = |s: Option<Cow<'_, str>>| s.map(own);
        FindingRow {
            file: own(self.file),
            line: self.line,
            sheet: own_opt(self.sheet),
            asset_id: own_opt(self.asset_id),
            vendor: own(self.vendor),
            model: own_opt(self.model),
            serial: own_opt(self.serial),
            site: own_opt(self.site),
            domain: own_opt(self.domain),
            quantity: self.quantity,
            country: own_opt(self.country),
            installed: own_opt(self.installed),
            purpose: own_opt(self.purpose),
            network: own_opt(self.network),
            category: own_opt(self.category),
            origin: own_opt(self.origin),
            policy: own_opt(self.policy),
            rule: own_opt(self.rule),
            verdict: self.verdict,
            deadline: self.deadline,
            days_left: self.days_left,
            waiver: own_opt(self.waiver),
            entry: own_opt(self.entry),
            entry_name: own_opt(self.entry_name),
            match_kind: self.match_kind,
            tier: self.tier,
            score: self.score,
            evidence: self.evidence.map(|e| Evidence {
                matched_by: e.matched_by,
                matched: own(e.matched),
                chain: Cow::Owned(e.chain.into_owned()),
            }),
            listings: Cow::Owned(self.listings.into_owned()),
            reason: own(self.reason),
            confidence: self.confidence,
            extra: self
                .extra
                .into_iter()
                .map(|(k, v)| (own(k), own(v)))
                .collect(),
            in_baseline: self.in_baseline,
            item_sha256: self.item_sha256,
        }
    }
}

/// Counts for one group of inputs (`--group-by dir`: one folder, e.g. one operator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The folder.
    pub group: String,
    /// Inventory files in it.
    pub files: u64,
    /// Verdict counts of its items.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The baseline report the run was compared with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// The baseline report file.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Findings of this run that were already in the baseline.
    pub known: u64,
    /// Findings of this run that are new.
    pub new: u64,
}

/// What `--since-registry` compared against, and the items whose verdict changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SinceInfo {
    /// `revision N of PATH` or the earlier report's path.
    pub against: String,
    /// The earlier registry digest, when compared with a revision.
    pub registry_sha256: Option<String>,
    /// Items whose verdict under a policy differs.
    pub changes: Vec<VerdictChange>,
}

/// An item whose verdict changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictChange {
    /// Inventory file.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Asset id.
    pub asset_id: Option<String>,
    /// Vendor as written.
    pub vendor: String,
    /// Model.
    pub model: Option<String>,
    /// Policy.
    pub policy: String,
    /// Verdict before.
    pub before: Verdict,
    /// Verdict now.
    pub after: Verdict,
    /// Why it is what it is now.
    pub reason: String,
}

/// Messages of one kind with their total count: parts of the inventories that could not be
/// read (`skipped_rows`), or values kept as written (`warnings`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SkippedRows {
    /// How many.
    pub count: u64,
    /// The first ones (file:line: what is wrong), at most 1000.
    pub shown: Vec<String>,
}

impl SkippedRows {
    /// Counts one more message and keeps it while fewer than `limit` are shown.
    pub fn push(&mut self, message: impl FnOnce() -> String, limit: usize) {
        self.count += 1;
        if self.shown.len() < limit {
            self.shown.push(message());
        }
    }
}

/// Whether everything the run was given was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Every record of every input was read and judged.
    #[default]
    Complete,
    /// Something could not be read or judged (`skipped_rows`, `failed_inputs`): the verdicts
    /// cover only what was read, and the run exits 2 unless `--allow-incomplete`.
    Incomplete,
}

/// An input whose reading failed, at its start or part-way (the items read before the error
/// were judged).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedInput {
    /// The file.
    pub path: String,
    /// What went wrong, with its place and what to do.
    pub error: String,
}

/// A file skipped during a folder walk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkippedInput {
    /// The file.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
    /// It may hold inventory data that was not read (a symbolic link or hidden file with an
    /// inventory extension, a link to a folder); a hidden folder or a TOML file that is not an
    /// inventory does not count.
    pub incomplete: bool,
}

impl From<crate::inventory::Skipped> for SkippedInput {
    fn from(s: crate::inventory::Skipped) -> SkippedInput {
        SkippedInput {
            path: s.display,
            reason: s.reason.to_string(),
            incomplete: s.incomplete,
        }
    }
}

/// Per-policy provenance and counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// ISO alpha-2 or `EU`.
    pub jurisdiction: String,
    /// Where it was loaded from.
    pub origin: String,
    /// SHA-256 of the policy file (empty for the built-in `any-list`).
    pub sha256: String,
    /// The legal basis it cites.
    pub basis: Vec<crate::policy::Citation>,
    /// Its rules.
    pub rules: Vec<RuleInfo>,
    /// Counts of items by their worst verdict under this policy.
    #[serde(flatten)]
    pub counts: Counts,
}

/// What a report says about one rule of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// Short description.
    pub title: String,
    /// Rule kind (`listed-entity`, `country-test`, `named-countries`, `named-entities`,
    /// `foreign-produced`).
    pub kind: Cow<'static, str>,
    /// In force from.
    pub effective: Date,
    /// Phase-out deadline.
    pub deadline: Option<Date>,
    /// What the operator must do.
    pub remedy: String,
}

impl RuleInfo {
    /// Summarises a policy rule.
    pub fn new(r: &crate::policy::Rule) -> RuleInfo {
        use crate::policy::RuleKind;
        RuleInfo {
            id: r.id.clone(),
            title: r.title.clone(),
            kind: Cow::Borrowed(match r.kind {
                RuleKind::ListedEntity { .. } => "listed-entity",
                RuleKind::CountryTest { .. } => "country-test",
                RuleKind::NamedCountries { .. } => "named-countries",
                RuleKind::NamedEntities { .. } => "named-entities",
                RuleKind::ForeignProduced { .. } => "foreign-produced",
            }),
            effective: r.effective,
            deadline: r.deadline,
            remedy: r.remedy.clone(),
        }
    }
}

/// The waivers file used, and which of its waivers did nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaiverSummary {
    /// The file.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Findings waived.
    pub applied: u64,
    /// Waivers that matched no finding at all.
    pub unused: Vec<String>,
    /// Waivers that matched findings but had expired: (id, expiry).
    pub expired: Vec<ExpiredWaiver>,
}

/// An expired waiver that would otherwise have applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpiredWaiver {
    /// Waiver id.
    pub id: String,
    /// Its expiry date.
    pub expires: Date,
    /// Findings it would have covered.
    pub findings: u64,
}

/// Findings that fail a CI gate: not waived and not in the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// Violations not in the baseline.
    pub violations: u64,
    /// Reviews not in the baseline.
    pub reviews: u64,
    /// The least verdict that fails the run (`--fail-on`; `None`: never), so that a rendering
    /// that marks failures (JUnit) agrees with the exit status.
    pub fail_at: Option<Verdict>,
}

impl Default for Gate {
    /// No findings counted yet; violations fail (the `--fail-on` default).
    fn default() -> Gate {
        Gate {
            violations: 0,
            reviews: 0,
            fail_at: Some(Verdict::Violation),
        }
    }
}

impl Gate {
    /// Whether `row` fails the run: at or above the threshold, not waived, not in the baseline.
    pub fn fails(&self, row: &Row<'_>) -> bool {
        self.fail_at.is_some_and(|t| row.verdict >= t)
            && matches!(row.verdict, Verdict::Violation | Verdict::Review)
            && !row.in_baseline
    }
}

/// A whole run's result.
#[derive(Debug, Serialize, Deserialize)]
pub struct Report {
    /// The tool.
    pub tool: ToolInfo,
    /// The date the inventory was judged as of.
    pub as_of: Date,
    /// When the report was made (RFC 3339, UTC; `SOURCE_DATE_EPOCH` when set, for
    /// reproducible reports).
    pub generated_at: String,
    /// The registry used.
    pub registry: RegistryInfo,
    /// Whether items were judged as new purchases.
    pub procurement: bool,
    /// Items that are not ok (all items with `--all`), in input order; empty when they were
    /// streamed into the reports as they were found. (JSON writes the members before it, the
    /// findings and the members after it separately: see [`json`].) A report read back
    /// ([`merge::read`]) holds none: its findings are read one by one.
    #[serde(skip_deserializing)]
    pub findings: Vec<FindingRow>,
    /// The findings grouped by entry and rule, with the first rows of each: what the
    /// human-readable formats show (bounded, whether or not the findings were streamed).
    #[serde(skip)]
    pub finding_groups: groups::FindingGroups,
    /// The registry entries the findings refer to by id (their `entry`, evidence chains and
    /// listed entities), each written once.
    pub entries: BTreeMap<String, dictionary::EntryInfo>,
    /// The lists the findings and those entries' listings name, each written once.
    pub lists: BTreeMap<String, dictionary::ListInfo>,
    /// Policies evaluated, with their counts.
    pub policies: Vec<PolicySummary>,
    /// The waivers file, when one was given.
    pub waivers: Option<WaiverSummary>,
    /// Inputs, in the order read.
    pub inputs: Vec<InputInfo>,
    /// Per-folder summaries, with `--group-by dir`.
    pub groups: Vec<GroupSummary>,
    /// The baseline compared with, with `--baseline`.
    pub baseline: Option<BaselineInfo>,
    /// Verdict changes since an earlier registry revision or report, with `--since-registry`.
    pub since: Option<SinceInfo>,
    /// `complete`, or `incomplete` when anything could not be read (the run then exits 2
    /// unless `--allow-incomplete`).
    pub status: RunStatus,
    /// Inputs whose reading failed, at the start or part-way.
    pub failed_inputs: Vec<FailedInput>,
    /// Files found in scanned folders that are not inventories (e.g. a waivers or registry
    /// file), skipped and never applied.
    pub skipped: Vec<SkippedInput>,
    /// Parts of inputs (records, sheets, components) that could not be read; the rest of
    /// their files was read. Any makes the run incomplete.
    pub skipped_rows: SkippedRows,
    /// Values that could not be understood in fields no verdict depends on (a quantity, an
    /// install date): the record was judged and the value kept as written.
    pub warnings: SkippedRows,
    /// The items the registry could not identify, grouped by vendor string.
    pub unidentified: Unidentified,
    /// Totals, with the identification coverage (`identified_percent`).
    #[serde(serialize_with = "serialize_summary")]
    pub summary: Counts,
    /// What the exit code is decided on.
    #[serde(skip)]
    pub gate: Gate,
}

impl Report {
    /// What could not be read, one message each (with its place): the inputs that failed,
    /// the entries a folder walk skipped that may hold inventory data, then the parts of
    /// inputs (the first 1,000).
    pub fn unread(&self) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
        self.failed_inputs
            .iter()
            .map(|f| std::borrow::Cow::Borrowed(f.error.as_str()))
            .chain(
                self.skipped
                    .iter()
                    .filter(|s| s.incomplete)
                    .map(|s| std::borrow::Cow::Owned(format!("{}: skipped, {}", s.path, s.reason))),
            )
            .chain(
                self.skipped_rows
                    .shown
                    .iter()
                    .map(|r| std::borrow::Cow::Borrowed(r.as_str())),
            )
    }

    /// The run's status in one sentence, the same in every format; `None` when complete.
    pub fn incomplete_text(&self) -> Option<String> {
        if self.status == RunStatus::Complete {
            return None;
        }
        let mut what = Vec::new();
        match self.failed_inputs.len() {
            0 => {}
            1 => what.push("1 input could not be read".to_string()),
            n => what.push(format!("{n} inputs could not be read")),
        }
        match self.skipped.iter().filter(|s| s.incomplete).count() {
            0 => {}
            1 => what.push("1 file that may hold inventory data was skipped".to_string()),
            n => what.push(format!(
                "{n} files that may hold inventory data were skipped"
            )),
        }
        match self.skipped_rows.count {
            0 => {}
            1 => what.push("1 record, sheet or component was not read".to_string()),
            n => what.push(format!("{n} records, sheets or components were not read")),
        }
        Some(format!(
            "the run is incomplete: {}; the verdicts cover only what was read",
            what.join(" and ")
        ))
    }
}

/// Time to a deadline in words, the same in every format: "213 days left", "1 day left",
/// "last day today" (a deadline is the last day on which the item may still be present),
/// "passed 1 day ago", "passed 152 days ago"; empty when unknown.
pub(crate) fn days_left_text(days: Option<i64>) -> String {
    match days {
        Some(1) => "1 day left".to_string(),
        Some(n) if n > 0 => format!("{n} days left"),
        Some(0) => "last day today".to_string(),
        Some(-1) => "passed 1 day ago".to_string(),
        Some(n) => format!("passed {} days ago", n.unsigned_abs()),
        None => String::new(),
    }
}

/// A finding's deadline with the time to it: "2026-12-31 (213 days left)"; `None` without a
/// deadline.
pub(crate) fn deadline_text(f: &FindingRow) -> Option<String> {
    let d = f.deadline?;
    Some(match f.days_left {
        Some(_) => format!("{d} ({})", days_left_text(f.days_left)),
        None => d.to_string(),
    })
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => json::render(report, out),
        Format::Jsonl => json::render_lines(report, out),
        Format::Table => table::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Html => html::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_to_a_deadline_reads_the_same_in_every_format() {
        let cases = [
            (Some(213), "213 days left"),
            (Some(1), "1 day left"),
            (Some(0), "last day today"),
            (Some(-1), "passed 1 day ago"),
            (Some(-152), "passed 152 days ago"),
            (None, ""),
        ];
        for (days, want) in cases {
            assert_eq!(days_left_text(days), want, "{days:?}");
        }
        let mut f = html::tests::sample_report().findings.remove(0);
        assert_eq!(
            deadline_text(&f).as_deref(),
            Some("2025-12-31 (passed 152 days ago)")
        );
        f.days_left = None;
        assert_eq!(deadline_text(&f).as_deref(), Some("2025-12-31"));
        f.deadline = None;
        assert_eq!(deadline_text(&f), None);
    }
}
