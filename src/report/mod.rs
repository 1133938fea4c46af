//! The report: plain data describing one run (provenance, per-input and total counts, findings),
//! and the renderers that turn it into each output format.

pub mod json;
pub mod table;

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::date::Date;
use crate::engine::{AppliedListing, Assessment};
use crate::matcher::MatchKind;
use crate::model::{Item, Verdict};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// The documented JSON schema.
    Json,
}

impl Format {
    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The tool that made the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolInfo {
    /// Always `tvcheck`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "tvcheck",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Which registry produced the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
}

/// Counts of verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Items read.
    pub items: u64,
    /// Items in breach.
    pub violations: u64,
    /// Items to review.
    pub reviews: u64,
    /// Items with nothing against them.
    pub ok: u64,
    /// Items whose vendor and model matched no registry entry.
    pub unidentified: u64,
}

impl Counts {
    /// Counts one assessment.
    pub fn add(&mut self, a: &Assessment) {
        self.items += 1;
        match a.verdict {
            Verdict::Violation => self.violations += 1,
            Verdict::Review => self.reviews += 1,
            Verdict::Ok => self.ok += 1,
        }
        if !a.identified {
            self.unidentified += 1;
        }
    }
}

/// One inventory file read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputInfo {
    /// The file as shown to users.
    pub path: String,
    /// `csv` or `toml`.
    pub format: &'static str,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Verdict counts for its items.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One reported item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingRow {
    /// Inventory file.
    pub file: String,
    /// Line where the record starts.
    pub line: u64,
    /// Asset id.
    pub asset_id: Option<String>,
    /// Vendor as written.
    pub vendor: String,
    /// Model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Network domain.
    pub domain: Option<String>,
    /// Units.
    pub quantity: Option<u64>,
    /// Manufacturer's country as stated in the inventory.
    pub country: Option<String>,
    /// Installation date as written in the inventory.
    pub installed: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Matched registry entry id.
    pub entry: Option<String>,
    /// Its legal name.
    pub entry_name: Option<String>,
    /// How the designation reaches the item (`name`, `alias`, `model`, `parent`).
    #[serde(rename = "match")]
    pub match_kind: Option<MatchKind>,
    /// Match confidence in [0, 1].
    pub score: Option<f64>,
    /// Evidence: what matched and through which ownership chain.
    pub evidence: Option<Evidence>,
    /// Designations that apply.
    pub listings: Vec<AppliedListing>,
    /// One readable sentence.
    pub reason: String,
    /// The inventory's other columns.
    pub extra: BTreeMap<String, String>,
}

/// What tied an item to a registry entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// How the item's own strings matched (`name`, `alias`, `model`).
    pub matched_by: MatchKind,
    /// The registry text that matched.
    pub matched: String,
    /// Ownership chain of entry ids, from the matched entry to the listed one.
    pub chain: Vec<String>,
}

impl FindingRow {
    /// Builds a row from an item and its assessment.
    pub fn new(item: &Item, a: &Assessment) -> FindingRow {
        let f = a.finding.as_ref();
        FindingRow {
            file: item.file.to_string(),
            line: item.line,
            asset_id: item.asset_id.clone(),
            vendor: item.vendor.clone(),
            model: item.model.clone(),
            serial: item.serial.clone(),
            site: item.site.clone(),
            domain: item.domain.clone(),
            quantity: item.quantity,
            country: item.country.clone(),
            installed: item.installed.clone(),
            verdict: a.verdict,
            entry: f
                .map(|f| f.entry.clone())
                .or_else(|| a.identity.as_ref().map(|i| i.0.clone())),
            entry_name: f
                .map(|f| f.entry_name.clone())
                .or_else(|| a.identity.as_ref().map(|i| i.1.clone())),
            match_kind: f.map(|f| f.match_kind).or(a.identity.as_ref().map(|i| i.2)),
            score: f.map(|f| f.score).or(a.identity.as_ref().map(|i| i.3)),
            evidence: f.map(|f| Evidence {
                matched_by: f.matched_by,
                matched: f.matched.clone(),
                chain: f.chain.clone(),
            }),
            listings: f.map(|f| f.listings.clone()).unwrap_or_default(),
            reason: f.map_or_else(
                || {
                    if a.identified {
                        "identified; not designated on any list as of the check date".to_string()
                    } else {
                        "vendor not in the registry".to_string()
                    }
                },
                |f| f.reason.clone(),
            ),
            extra: item
                .extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }
}

/// A whole run's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The tool.
    pub tool: ToolInfo,
    /// The date the inventory was judged as of.
    pub as_of: Date,
    /// The registry used.
    pub registry: RegistryInfo,
    /// Inputs, in the order read.
    pub inputs: Vec<InputInfo>,
    /// Totals.
    pub summary: Counts,
    /// Items that are not ok (all items with `--all`), in input order.
    pub findings: Vec<FindingRow>,
}

impl Report {
    /// Whether any item is a violation.
    pub fn has_violations(&self) -> bool {
        self.summary.violations > 0
    }
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => json::render(report, out),
        Format::Table => table::render(report, out),
    }
}
