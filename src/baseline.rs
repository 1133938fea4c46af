//! Baselines: an earlier JSON report whose findings are known, so that a CI gate fails only on
//! findings that are new. A finding is identified by policy, rule and the item's asset id
//! (or, without one, vendor, model, serial and site), never by file or line number.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::report::RowRef;

/// The identities of the findings of a baseline report.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The file as shown to users.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    keys: HashSet<String>,
}

#[derive(Deserialize)]
struct RawReport {
    findings: Vec<RawFinding>,
}

#[derive(Deserialize)]
struct RawFinding {
    policy: Option<String>,
    rule: Option<String>,
    asset_id: Option<String>,
    vendor: Option<String>,
    model: Option<String>,
    serial: Option<String>,
    site: Option<String>,
    verdict: String,
    #[serde(default)]
    extra: std::collections::BTreeMap<String, String>,
}

fn key(
    policy: Option<&str>,
    rule: Option<&str>,
    asset_id: Option<&str>,
    item: [Option<&str>; 4],
) -> String {
    let t = |s: Option<&str>| s.map(str::trim).unwrap_or("").to_string();
    let who = match asset_id.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => format!("asset\u{1f}{a}"),
        None => format!("item\u{1f}{}", item.map(t).join("\u{1f}")),
    };
    format!("{}\u{1f}{}\u{1f}{who}", t(policy), t(rule))
}

/// The identity of a finding of this run (a part inside a component adds its own reference).
pub fn identity(f: &RowRef) -> String {
    let base = key(
        f.policy,
        f.rule,
        f.asset_id,
        [Some(f.vendor), f.model, f.serial, f.site],
    );
    match f.extra("part_bom_ref") {
        Some(part) => format!("{base}\u{1f}part\u{1f}{part}"),
        None => base,
    }
}

impl Baseline {
    /// Reads a JSON report written by `tvcheck check --format json`.
    pub fn load(path: &Path) -> Result<Baseline> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(ErrorKind::Usage, path, "read the baseline report", &e))?;
        let raw: RawReport = serde_json::from_slice(&bytes).map_err(|e| {
            Error::at(
                ErrorKind::Usage,
                Location::at(path, e.line() as u64, e.column() as u64),
                format!("not a tvcheck JSON report: {e}"),
            )
            .hint("pass a report written by `tvcheck check --format json`")
        })?;
        let keys = raw
            .findings
            .iter()
            .filter(|f| f.verdict != "ok")
            .map(|f| {
                let base = key(
                    f.policy.as_deref(),
                    f.rule.as_deref(),
                    f.asset_id.as_deref(),
                    [
                        f.vendor.as_deref(),
                        f.model.as_deref(),
                        f.serial.as_deref(),
                        f.site.as_deref(),
                    ],
                );
                match f.extra.get("part_bom_ref") {
                    Some(part) => format!("{base}\u{1f}part\u{1f}{part}"),
                    None => base,
                }
            })
            .collect();
        Ok(Baseline {
            path: crate::error::display_path(path),
            sha256: crate::inventory::digest::sha256_hex(&bytes),
            keys,
        })
    }

    /// Whether the baseline already holds this finding.
    pub fn contains(&self, f: &RowRef) -> bool {
        self.keys.contains(&identity(f))
    }
}
