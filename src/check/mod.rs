//! The `check` pipeline: inventory → matcher (registry) → engine → report, for many inputs.

mod tally;
mod threads;

use std::path::PathBuf;

use crate::date::Date;
use crate::engine::{Evaluator, Timing};
use crate::error::Result;
use crate::inventory::{ReadOptions, Reader};
use crate::model::Verdict;
use crate::policy::waiver::Waivers;
use crate::policy::Policy;
use crate::registry::Registry;
use crate::report::baseline::Baseline;
use crate::report::stream::Streamed;
use crate::report::Report;
use tally::{InputTally, Tally};

/// What a check run reads and how it judges.
#[derive(Clone, Debug)]
pub struct CheckConfig {
    /// Files and folders to read.
    pub paths: Vec<PathBuf>,
    /// How inventories are parsed.
    pub read: ReadOptions,
    /// The date the inventory is judged as of.
    pub as_of: Date,
    /// Report ok items too.
    pub all: bool,
    /// Treat every item as a new purchase.
    pub procurement: bool,
    /// The time of the run, Unix seconds (from `SOURCE_DATE_EPOCH` for reproducible reports).
    pub generated_at: i64,
    /// Summarise inputs per folder.
    pub group_by_dir: bool,
    /// Matching options (`--strict`, `--min-score`).
    pub matching: crate::matcher::MatchOptions,
    /// Rows the human-readable formats show per group of findings (`--rows-per-group`).
    pub rows_per_group: usize,
    /// The least verdict that fails the run (`--fail-on`; `None`: never fails on findings).
    pub fail_on: Option<Verdict>,
    /// Ok items are shown in the groups of the human-readable formats (`--all` itself, not
    /// the `all` that `--since-registry` needs).
    pub show_ok: bool,
    /// How ambiguous install dates (`03/04/2019`) are read (`--date-format`); `None`: they are
    /// judged as unknown, with a warning.
    pub date_format: Option<crate::installed::DateOrder>,
    /// Threads that judge items (`--jobs`; at least 1). The report does not depend on it.
    pub jobs: usize,
}

/// What a long run reports while it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Started reading this input.
    File(&'a str),
    /// Items read so far, over all inputs.
    Items(u64),
}

/// Runs a check and returns the report. Inputs are streamed item by item. With no policy the
/// built-in `any-list` policy applies. With `stream`, findings are written into its reports as
/// they are found and the returned report holds none; the caller commits the reports.
pub fn run(
    cfg: &CheckConfig,
    registry: &Registry,
    policies: Vec<Policy>,
    waivers: Option<&Waivers>,
    baseline: Option<&Baseline>,
    mut stream: Option<&mut Streamed>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Report> {
    let discovered = crate::inventory::discover::discover_all(&cfg.paths, cfg.read.input_format)?;
    let timing = Timing {
        as_of: cfg.as_of,
        procurement: cfg.procurement,
    };
    let evaluator = Evaluator::with_matching(registry, policies, timing, waivers, cfg.matching)?;
    // What the folder walks skipped (links, hidden entries), listed with the reason.
    let skipped = discovered.skipped.into_iter().map(Into::into).collect();
    let inputs = discovered.inputs;
    let mut tally = Tally::new(cfg, registry, &evaluator, skipped, inputs.len(), baseline);
    if let Some(s) = stream.as_deref_mut() {
        s.start(&tally.report)?;
    }
    for input in &inputs {
        let reader = match Reader::open(input, &cfg.read) {
            Ok(r) => r,
            Err(e) => {
                tally.unopened(input, e);
                continue;
            }
        };
        progress(Progress::File(&input.display));
        let mut this = InputTally::default();
        let (reader, outcome) = threads::judge_input(
            reader,
            &evaluator,
            cfg.jobs,
            cfg.date_format,
            |next, judged| tally.record(&mut this, next, judged, stream.as_deref_mut(), progress),
        );
        outcome?;
        tally.finish_input(input, &reader?, this, progress);
    }
    let report = tally.finish(registry, waivers)?;
    if let Some(s) = stream {
        s.finish(&report)?;
    }
    Ok(report)
}

/// Each item's worst verdict per policy (with the index of the finding that gave it), keyed by
/// (file, line).
pub type VerdictMap =
    std::collections::HashMap<(String, u64), std::collections::BTreeMap<String, (Verdict, usize)>>;

/// Each item's verdict per policy, keyed by (file, line): from a report made with `all`.
pub fn verdict_map(report: &Report) -> VerdictMap {
    let mut map = VerdictMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let entry = map.entry((f.file.to_string(), f.line)).or_default();
        if let Some(p) = &f.policy {
            let slot = entry.entry(p.to_string()).or_insert((Verdict::Ok, i));
            if f.verdict > slot.0 {
                *slot = (f.verdict, i);
            }
        }
    }
    map
}

/// The items whose verdict under some policy differs between `before` and `now` (both made
/// with `all`, or `before` from an earlier report listing only non-ok items).
pub fn verdict_changes(before: &VerdictMap, now: &Report) -> Vec<crate::report::VerdictChange> {
    let now_map = verdict_map(now);
    let policies: Vec<String> = now.policies.iter().map(|p| p.id.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for f in &now.findings {
        let key = (f.file.to_string(), f.line);
        if !seen.insert(key.clone()) {
            continue;
        }
        for p in &policies {
            let after = now_map.get(&key).and_then(|m| m.get(p)).copied();
            let was = before
                .get(&key)
                .and_then(|m| m.get(p))
                .map_or(Verdict::Ok, |x| x.0);
            let is = after.map_or(Verdict::Ok, |x| x.0);
            if was != is {
                let reason = after.map_or_else(
                    || "no rule applies to it now".to_string(),
                    |(_, i)| now.findings[i].reason.to_string(),
                );
                out.push(crate::report::VerdictChange {
                    file: f.file.to_string(),
                    line: f.line,
                    asset_id: f.asset_id.as_deref().map(str::to_string),
                    vendor: f.vendor.to_string(),
                    model: f.model.as_deref().map(str::to_string),
                    policy: p.clone(),
                    before: was,
                    after: is,
                    reason,
                });
            }
        }
    }
    out
}
