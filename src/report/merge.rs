//! Reading JSON reports back and merging the reports of one run configuration made on many
//! machines (shards of a national audit) into one evidence report, in bounded memory: each
//! report is read twice, once for everything but its findings, once to copy its findings.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer as _;

use super::{Report, RunStatus, UnidentifiedVendor, UNIDENTIFIED_PLACES, UNIDENTIFIED_TRACKED};
use crate::error::{Error, ErrorKind, Location, Result};

/// Reads a JSON report written by `tvcheck check --format json`: every member but its
/// findings (which are skipped, so memory does not grow with them).
pub fn read(path: &Path) -> Result<Report> {
    let reader = open(path, "report")?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let report: Report = serde::Deserialize::deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| not_a_report(path, &e))?;
    if report.tool.name != "tvcheck" {
        return Err(Error::at(
            ErrorKind::Usage,
            Location::file(path),
            format!(
                "not a tvcheck JSON report: its tool is '{}'",
                report.tool.name
            ),
        )
        .hint("pass reports written by `tvcheck check --format json`"));
    }
    Ok(report)
}

/// Calls `each` with the text of every finding of the report at `path`, in order.
pub(crate) fn for_each_finding(
    path: &Path,
    each: &mut dyn FnMut(&serde_json::value::RawValue) -> std::io::Result<()>,
) -> Result<()> {
    for_each::<Box<serde_json::value::RawValue>>(path, "report", &mut |raw| {
        if !raw.get().starts_with('{') {
            return Err(Error::at(
                ErrorKind::Usage,
                Location::file(path),
                "not a tvcheck JSON report: a finding is not an object",
            )
            .hint("pass reports written by `tvcheck check --format json`"));
        }
        each(&raw).map_err(|e| {
            Error::new(
                ErrorKind::Output,
                format!("cannot write the merged report: {}", Error::io_reason(&e)),
            )
            .caused_by(e)
        })
    })
}

/// A finding of an earlier report, with what its readers (`--baseline`, `--since-registry`)
/// need: where the item is, its identity and content, the policy and rule, and the verdict
/// (an unknown verdict is an error, never read as ok). Members an earlier layout wrote as
/// `null` or left out are absent.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct EarlierFinding {
    /// Inventory file.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Workbook sheet.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Policy (absent for an ok item listed with `--all`).
    #[serde(default)]
    pub policy: Option<String>,
    /// Rule.
    #[serde(default)]
    pub rule: Option<String>,
    /// Matched registry entry.
    #[serde(default)]
    pub entry: Option<String>,
    /// Asset id.
    #[serde(default)]
    pub asset_id: Option<String>,
    /// Vendor as written.
    pub vendor: String,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Serial number.
    #[serde(default)]
    pub serial: Option<String>,
    /// Site.
    #[serde(default)]
    pub site: Option<String>,
    /// Network domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Units.
    #[serde(default)]
    pub quantity: Option<u64>,
    /// Manufacturer's country as stated.
    #[serde(default)]
    pub country: Option<String>,
    /// Installation date as written.
    #[serde(default)]
    pub installed: Option<String>,
    /// The verdict.
    pub verdict: crate::model::Verdict,
    /// The inventory's other columns.
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
    /// The recorded digest of the item's content (absent in reports made before it existed).
    #[serde(default)]
    pub item_sha256: Option<String>,
}

/// Calls `each` with every finding of the earlier report at `path`, in order, read as
/// [`EarlierFinding`]s; a finding that is not one is an error naming the report's line and
/// column. `what` names the report in messages ("baseline report").
pub fn for_each_earlier(
    path: &Path,
    what: &str,
    each: &mut dyn FnMut(EarlierFinding) -> Result<()>,
) -> Result<()> {
    for_each::<EarlierFinding>(path, what, each)
}

/// Streams the elements of the report's `findings` array, each read as a `T`.
fn for_each<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
    each: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let reader = open(path, what)?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut failed: Option<Error> = None;
    let seed = Findings {
        each,
        failed: &mut failed,
    };
    let read = de
        .deserialize_map(seed)
        .and_then(|()| de.end())
        .map_err(|e| not_a_report(path, &e));
    if let Some(e) = failed {
        return Err(e);
    }
    read
}

fn open(path: &Path, what: &str) -> Result<impl std::io::Read> {
    crate::source::open_regular_file(path, crate::source::REPORT_LIMIT, what, ErrorKind::Usage)
}

fn not_a_report(path: &Path, e: &serde_json::Error) -> Error {
    Error::at(
        ErrorKind::Usage,
        Location::at(path, e.line() as u64, e.column() as u64),
        format!("not a tvcheck JSON report: {e}"),
    )
    .hint("pass reports written by `tvcheck check --format json` (JSON Lines reports are not read back)")
}

/// The top-level object of a report, visiting only its `findings`.
struct Findings<'a, 'f, T> {
    each: &'a mut dyn FnMut(T) -> Result<()>,
    failed: &'f mut Option<Error>,
}

impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for Findings<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a tvcheck JSON report")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "findings" {
                map.next_value_seed(FindingSeq {
                    each: &mut *self.each,
                    failed: &mut *self.failed,
                })?;
                seen = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen {
            return Err(serde::de::Error::missing_field("findings"));
        }
        Ok(())
    }
}

impl<'de, T: serde::de::DeserializeOwned> DeserializeSeed<'de> for Findings<'_, '_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// The `findings` array, handing each element on.
struct FindingSeq<'a, 'f, T> {
    each: &'a mut dyn FnMut(T) -> Result<()>,
    failed: &'f mut Option<Error>,
}

impl<'de, T: serde::de::DeserializeOwned> DeserializeSeed<'de> for FindingSeq<'_, '_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for FindingSeq<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(finding) = seq.next_element::<T>()? {
            if let Err(e) = (self.each)(finding) {
                *self.failed = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// The first way in which `b` was not made like `a` (so that their findings cannot be one
/// report), in words; `None` when they can be merged.
fn difference(a: &Report, b: &Report) -> Option<String> {
    let policies = |r: &Report| -> Vec<(String, String)> {
        r.policies
            .iter()
            .map(|p| (p.id.clone(), p.sha256.clone()))
            .collect()
    };
    let ids = |r: &Report| -> String {
        r.policies
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sha = |s: Option<&str>| s.map_or("none".to_string(), |s| s.chars().take(12).collect());
    if a.registry.sha256 != b.registry.sha256 {
        return Some(format!(
            "registry (sha256 {} vs {})",
            sha(Some(&a.registry.sha256)),
            sha(Some(&b.registry.sha256))
        ));
    }
    if a.as_of != b.as_of {
        return Some(format!("as-of date ({} vs {})", a.as_of, b.as_of));
    }
    if policies(a) != policies(b) {
        return Some(if ids(a) == ids(b) {
            format!(
                "policy files (the same ids, {}, with other contents)",
                ids(a)
            )
        } else {
            format!("policies ({} vs {})", ids(a), ids(b))
        });
    }
    if a.procurement != b.procurement {
        return Some(format!(
            "--procurement ({} vs {})",
            a.procurement, b.procurement
        ));
    }
    let waivers = |r: &Report| r.waivers.as_ref().map(|w| w.sha256.clone());
    if waivers(a) != waivers(b) {
        return Some(format!(
            "waivers file (sha256 {} vs {})",
            sha(waivers(a).as_deref()),
            sha(waivers(b).as_deref())
        ));
    }
    let baseline = |r: &Report| r.baseline.as_ref().map(|x| x.sha256.clone());
    if baseline(a) != baseline(b) {
        return Some(format!(
            "baseline (sha256 {} vs {})",
            sha(baseline(a).as_deref()),
            sha(baseline(b).as_deref())
        ));
    }
    let since = |r: &Report| r.since.as_ref().map(|s| s.against.clone());
    if since(a) != since(b) {
        return Some("--since-registry comparison".to_string());
    }
    let config = |r: &Report| r.tool.config.as_ref().map(|c| c.sha256.clone());
    if config(a) != config(b) {
        return Some(format!(
            "configuration file (sha256 {} vs {})",
            sha(config(a).as_deref()),
            sha(config(b).as_deref())
        ));
    }
    if a.tool.version != b.tool.version {
        return Some(format!(
            "tvcheck version ({} vs {})",
            a.tool.version, b.tool.version
        ));
    }
    None
}

/// Adds `b` into `a` (same configuration: see [`difference`]).
fn add(a: &mut Report, b: Report) {
    a.generated_at = a.generated_at.clone().max(b.generated_at);
    a.entries.extend(b.entries);
    a.lists.extend(b.lists);
    for (p, q) in a.policies.iter_mut().zip(&b.policies) {
        p.counts.merge(&q.counts);
    }
    if let (Some(w), Some(x)) = (&mut a.waivers, b.waivers) {
        w.applied += x.applied;
        // Unused overall only when unused in every shard.
        w.unused.retain(|id| x.unused.contains(id));
        for e in x.expired {
            match w.expired.iter_mut().find(|f| f.id == e.id) {
                Some(f) => f.findings += e.findings,
                None => w.expired.push(e),
            }
        }
    }
    a.inputs.extend(b.inputs);
    for g in b.groups {
        match a.groups.iter_mut().find(|h| h.group == g.group) {
            Some(h) => {
                h.files += g.files;
                h.counts.merge(&g.counts);
            }
            None => a.groups.push(g),
        }
    }
    if let (Some(x), Some(y)) = (&mut a.baseline, b.baseline) {
        x.known += y.known;
        x.new += y.new;
    }
    if let (Some(x), Some(y)) = (&mut a.since, b.since) {
        x.changes.extend(y.changes);
    }
    if b.status == RunStatus::Incomplete {
        a.status = RunStatus::Incomplete;
    }
    a.failed_inputs.extend(b.failed_inputs);
    a.skipped.extend(b.skipped);
    for (x, y) in [
        (&mut a.skipped_rows, b.skipped_rows),
        (&mut a.warnings, b.warnings),
    ] {
        x.count += y.count;
        let room = super::SKIPPED_ROWS_SHOWN.saturating_sub(x.shown.len());
        x.shown.extend(y.shown.into_iter().take(room));
    }
    let mut vendors: BTreeMap<String, UnidentifiedVendor> =
        std::mem::take(&mut a.unidentified.vendors)
            .into_iter()
            .map(|v| (v.vendor.clone(), v))
            .collect();
    for v in b.unidentified.vendors {
        match vendors.get_mut(&v.vendor) {
            Some(w) => {
                w.items += v.items;
                let room = UNIDENTIFIED_PLACES.saturating_sub(w.places.len());
                w.places.extend(v.places.into_iter().take(room));
            }
            None => {
                vendors.insert(v.vendor.clone(), v);
            }
        }
    }
    let mut vendors: Vec<UnidentifiedVendor> = vendors.into_values().collect();
    vendors.sort_by(|x, y| y.items.cmp(&x.items).then_with(|| x.vendor.cmp(&y.vendor)));
    let dropped: u64 = vendors
        .get(UNIDENTIFIED_TRACKED..)
        .unwrap_or(&[])
        .iter()
        .map(|v| v.items)
        .sum();
    vendors.truncate(UNIDENTIFIED_TRACKED);
    a.unidentified.vendors = vendors;
    a.unidentified.untracked_items += b.unidentified.untracked_items + dropped;
    a.summary.merge(&b.summary);
    a.gate.violations += b.gate.violations;
    a.gate.reviews += b.gate.reviews;
}

/// What a merge read and wrote.
#[derive(Debug)]
pub struct Merged {
    /// The merged report, without its findings.
    pub report: Report,
    /// Findings written.
    pub findings: u64,
}

/// Merges the JSON reports at `paths` (made with one registry, policies, as-of date, waivers
/// and baseline) into one, written to `out`: the findings of each in turn, and every count
/// summed. Refuses, naming the reports and how they differ, reports of other configurations
/// and an input that two reports both read.
pub fn merge(paths: &[PathBuf], out: &mut dyn Write) -> Result<Merged> {
    let Some(first) = paths.first() else {
        return Err(Error::new(ErrorKind::Usage, "no report to merge")
            .hint("name two or more reports written by `tvcheck check --format json`"));
    };
    let mut merged = read(first)?;
    let mut seen: BTreeMap<(String, String), PathBuf> = merged
        .inputs
        .iter()
        .map(|i| ((i.path.clone(), i.sha256.clone()), first.clone()))
        .collect();
    for path in &paths[1..] {
        let next = read(path)?;
        if let Some(what) = difference(&merged, &next) {
            return Err(Error::at(
                ErrorKind::Usage,
                Location::file(path),
                format!(
                    "cannot be merged with {}: it differs in its {what}",
                    crate::error::display_path(first)
                ),
            )
            .hint("merge only reports of one run configuration: the same registry, policies, as-of date, waivers, baseline and configuration file"));
        }
        for i in &next.inputs {
            if let Some(other) = seen.insert((i.path.clone(), i.sha256.clone()), path.clone()) {
                return Err(Error::at(
                    ErrorKind::Usage,
                    Location::file(path),
                    format!(
                        "input {} was also read by {}: its items would be counted twice",
                        i.path,
                        crate::error::display_path(&other)
                    ),
                )
                .hint("give each inventory to one shard only"));
            }
        }
        add(&mut merged, next);
    }
    let write_err = |e: std::io::Error| {
        Error::new(
            ErrorKind::Output,
            format!("cannot write the merged report: {}", Error::io_reason(&e)),
        )
        .caused_by(e)
    };
    super::json::head(&merged, out).map_err(write_err)?;
    let mut count = 0u64;
    let mut line: Vec<u8> = Vec::new();
    for path in paths {
        for_each_finding(path, &mut |raw| {
            line.clear();
            line.extend_from_slice(if count == 0 { b"\n    " } else { b",\n    " });
            let text = raw.get();
            if text.contains('\n') {
                // A report laid out by another tool: one line per finding again.
                let v: serde_json::Value = serde_json::from_str(text)?;
                crate::escape::json_to_writer_compact(&mut line, &v)?;
            } else {
                line.extend_from_slice(text.as_bytes());
            }
            count += 1;
            out.write_all(&line)
        })?;
    }
    super::json::tail(&merged, count, out).map_err(write_err)?;
    Ok(Merged {
        report: merged,
        findings: count,
    })
}
