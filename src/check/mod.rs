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
    /// Report ok items too (`--all`).
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
    compare: Compare<'_>,
    mut stream: Option<&mut Streamed>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Report> {
    let discovered = crate::inventory::discover::discover_all(&cfg.paths, cfg.read.input_format)?;
    let timing = Timing {
        as_of: cfg.as_of,
        procurement: cfg.procurement,
    };
    let Compare { baseline, since } = compare;
    // The earlier registry's evaluator judges every item too, in the same pass.
    let earlier = match since.as_ref().map(|s| &s.earlier) {
        Some(Earlier::Registry { registry, waivers }) => Some(Evaluator::with_matching(
            registry,
            policies.clone(),
            timing,
            *waivers,
            cfg.matching,
        )?),
        _ => None,
    };
    let evaluator = Evaluator::with_matching(registry, policies, timing, waivers, cfg.matching)?;
    // What the folder walks skipped (links, hidden entries), listed with the reason.
    let skipped = discovered.skipped.into_iter().map(Into::into).collect();
    let inputs = discovered.inputs;
    let mut tally = Tally::new(cfg, registry, &evaluator, skipped, inputs.len(), baseline);
    tally.compare_since(since);
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
            earlier.as_ref(),
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

/// The verdicts of an earlier report: per item (file, workbook sheet, line), per policy the
/// worst verdict it had (an item absent had none: `ok` under every policy).
pub type EarlierVerdicts = std::collections::HashMap<
    (String, Option<String>, u64),
    std::collections::BTreeMap<String, Verdict>,
>;

/// What `--since-registry` compares a run's verdicts with. The comparison is made item by
/// item while the run goes, so it streams like the run itself.
pub struct Since<'a> {
    /// What the report names: `revision N of PATH`, or the earlier report's path.
    pub against: String,
    /// Where the earlier verdicts come from.
    pub earlier: Earlier<'a>,
}

/// Where `--since-registry` takes the earlier verdicts from.
pub enum Earlier<'a> {
    /// An earlier revision of the registry: every item is judged against it too, by the same
    /// judging threads in the same pass, with the same policies and options. Its waivers are
    /// a copy of their own, so that the usage counts the report gives are this run's.
    Registry {
        /// The registry at that revision.
        registry: &'a Registry,
        /// The waivers, read again.
        waivers: Option<&'a Waivers>,
    },
    /// The verdicts recorded in an earlier JSON report.
    Report(EarlierVerdicts),
}

/// What a run compares its findings with, besides the rules.
#[derive(Default)]
pub struct Compare<'a> {
    /// `--baseline`: the findings of an earlier report, known and accepted.
    pub baseline: Option<&'a Baseline>,
    /// `--since-registry`: the verdicts of an earlier registry revision or report.
    pub since: Option<Since<'a>>,
}
