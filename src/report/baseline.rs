//! Baselines: an earlier JSON report whose findings are known, so that a CI gate fails only on
//! findings that are new.
//!
//! A finding is "already known" only when its whole identity matches: the file (as the report
//! records it) and sheet, the item's asset id (or, without one, its line), the matched
//! registry entry, the policy and rule, a CycloneDX part's reference, and the item's content
//! digest ([`ItemDigest`]: asset id, vendor, model, serial, site, domain, quantity, country,
//! installed). A new Huawei row reusing an old asset id is therefore new, and so is a moved or
//! re-spelled file (which fails the gate rather than hiding anything).
//!
//! The digest is computed from the fields the report records, so a report written before
//! reports carried `item_sha256` works as a baseline unchanged (its digests are recomputed from
//! its fields), and a report whose recorded `item_sha256` disagrees with its fields (edited by
//! hand) is refused.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::report::{ItemContent, ItemDigest, Row};

/// The identities of the findings of a baseline report.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The file as shown to users.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    keys: HashSet<String>,
}

/// The SHA-256 of a report file, streamed.
fn file_sha256(path: &Path) -> Result<String> {
    let f = crate::source::open_regular_file(
        path,
        crate::source::REPORT_LIMIT,
        "baseline report",
        ErrorKind::Usage,
    )?;
    let mut r = crate::source::digest::HashingReader::new(f);
    std::io::copy(&mut r, &mut std::io::sink())
        .map_err(|e| Error::io(ErrorKind::Usage, path, "read the baseline report", &e))?;
    Ok(r.finish().0)
}

/// The parts of a finding's identity, borrowed.
struct Identity<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    line: u64,
    asset_id: Option<&'a str>,
    entry: Option<&'a str>,
    policy: Option<&'a str>,
    rule: Option<&'a str>,
    part: Option<&'a str>,
    digest: ItemDigest,
}

impl Identity<'_> {
    fn key(&self) -> String {
        const SEP: char = '\u{1f}';
        let t = |s: Option<&str>| s.unwrap_or("").to_string();
        let at = match self.asset_id.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => format!("asset{SEP}{a}"),
            None => format!("line{SEP}{}", self.line),
        };
        [
            self.file.to_string(),
            t(self.sheet),
            at,
            t(self.entry),
            t(self.policy),
            t(self.rule),
            t(self.part),
            self.digest.hex(),
        ]
        .join(&SEP.to_string())
    }
}

/// The identity of a finding of this run (a part inside a component adds its own reference).
pub fn identity(f: &Row) -> String {
    Identity {
        file: &f.file,
        sheet: f.sheet.as_deref(),
        line: f.line,
        asset_id: f.asset_id.as_deref(),
        entry: f.entry.as_deref(),
        policy: f.policy.as_deref(),
        rule: f.rule.as_deref(),
        part: f.extra("part_bom_ref"),
        digest: f.item_sha256,
    }
    .key()
}

impl Baseline {
    /// Reads a JSON report written by `tvcheck check --format json` (streamed: its findings
    /// are read one by one through [`crate::report::merge::for_each_earlier`]).
    pub fn load(path: &Path) -> Result<Baseline> {
        let mut keys = HashSet::new();
        let mut i = 0usize;
        crate::report::merge::for_each_earlier(path, "baseline report", &mut |f| {
            i += 1;
            if f.verdict == crate::model::Verdict::Ok {
                return Ok(());
            }
            let opt = Option::as_deref;
            let digest = ItemDigest::of(&ItemContent {
                asset_id: opt(&f.asset_id),
                vendor: &f.vendor,
                model: opt(&f.model),
                serial: opt(&f.serial),
                site: opt(&f.site),
                domain: opt(&f.domain),
                quantity: f.quantity,
                country: opt(&f.country),
                installed: opt(&f.installed),
            });
            if let Some(recorded) = &f.item_sha256 {
                if !recorded.eq_ignore_ascii_case(&digest.hex()) {
                    return Err(Error::at(
                        ErrorKind::Usage,
                        Location::file(path),
                        format!(
                            "finding {i} of the baseline report ({}:{}) does not match its item_sha256: the report was edited",
                            f.file,
                            f.line
                        ),
                    )
                    .hint("make the baseline again with `tvcheck check --format json` and do not edit it"));
                }
            }
            let id = Identity {
                file: &f.file,
                sheet: opt(&f.sheet),
                line: f.line,
                asset_id: opt(&f.asset_id),
                entry: opt(&f.entry),
                policy: opt(&f.policy),
                rule: opt(&f.rule),
                part: f.extra.get("part_bom_ref").map(String::as_str),
                digest,
            };
            keys.insert(id.key());
            Ok(())
        })
        .map_err(|e| {
            if e.message.starts_with("not a tvcheck JSON report") {
                e.hint("pass a report written by `tvcheck check --format json`")
            } else {
                e
            }
        })?;
        Ok(Baseline {
            path: crate::error::display_path(path),
            sha256: file_sha256(path)?,
            keys,
        })
    }

    /// Whether the baseline already holds this finding.
    pub fn contains(&self, f: &Row) -> bool {
        self.keys.contains(&identity(f))
    }
}
