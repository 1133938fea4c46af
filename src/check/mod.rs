//! The `check` pipeline: inventory → matcher (registry) → engine → report, for many inputs.

use std::path::PathBuf;

use crate::date::Date;
use crate::engine::{Evaluator, Timing};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::inventory::{ReadOptions, Reader};
use crate::model::{Item, Verdict};
use crate::policy::waiver::Waivers;
use crate::policy::Policy;
use crate::registry::Registry;
use crate::report::baseline::Baseline;
use crate::report::stream::Streamed;
use crate::report::{
    BaselineInfo, Counts, ExpiredWaiver, FailedInput, Gate, GroupSummary, InputInfo, PolicySummary,
    RegistryInfo, Report, Row, RuleInfo, RunStatus, SkippedInput, SkippedRows, ToolInfo,
    Unidentified, UnidentifiedTally, WaiverSummary,
};

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

pub use crate::report::SKIPPED_ROWS_SHOWN;

/// Items per batch handed from the reader thread to the judging threads.
const BATCH_ITEMS: usize = 1024;

/// Batches in flight per judging thread: the reader may run this far ahead of the thread that
/// renders the report (memory bound: batches are recycled, never more than this many exist).
const BATCHES_PER_JOB: usize = 3;

/// Records (or the errors reading them) handed from the reader thread to the judging ones.
type Batch = Vec<Result<Item>>;

/// A batch and its place in the input (batches are numbered from 0 in reading order).
type Numbered = (u64, Batch);

/// A judged batch: per record, its assessment and whether its install date was rewritten to
/// `YYYY-MM-DD` (`None` for a record that could not be read).
type Judged = (u64, Batch, Vec<Option<(crate::engine::Assessment, bool)>>);

/// Reads every record of `reader` into numbered batches sent to `tx`, stopping after the end
/// of the file, a fatal error (sent as the last element) or when the judging threads have
/// gone. Each batch is an emptied one that came back on `back` (waiting for one bounds how far
/// reading runs ahead); emptying it here frees its items on the thread that allocated them.
/// Returns the reader, whose digest is complete when the whole file was read.
fn read_batches(
    mut reader: Reader,
    tx: &std::sync::mpsc::SyncSender<Numbered>,
    back: &std::sync::mpsc::Receiver<Batch>,
) -> Reader {
    let fresh = || -> Option<Batch> {
        let mut b = back.recv().ok()?;
        b.clear();
        Some(b)
    };
    let Some(mut batch) = fresh() else {
        return reader;
    };
    let mut seq = 0u64;
    loop {
        let (next, last) = match reader.next_item() {
            Ok(Some(item)) => (Some(Ok(item)), false),
            Ok(None) => (None, true),
            Err(e) => {
                let fatal = e.kind != ErrorKind::Row;
                (Some(Err(e)), fatal)
            }
        };
        batch.extend(next);
        if last || batch.len() == BATCH_ITEMS {
            if !batch.is_empty() {
                if tx.send((seq, batch)).is_err() {
                    return reader;
                }
                seq += 1;
            }
            if last {
                return reader;
            }
            batch = match fresh() {
                Some(b) => b,
                None => return reader,
            };
        }
    }
}

/// Judges the batches coming from `rx` (shared by the judging threads) and sends them on to
/// `tx`, until the reader is done or the rendering thread has gone: each item's install date
/// is read ([`crate::installed::normalize`]) and the item assessed.
fn judge_batches(
    evaluator: &Evaluator<'_>,
    rx: &std::sync::Mutex<std::sync::mpsc::Receiver<Numbered>>,
    tx: &std::sync::mpsc::SyncSender<Judged>,
    date_format: Option<crate::installed::DateOrder>,
) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, mut batch)) = next else {
            return;
        };
        let judged = batch
            .iter_mut()
            .map(|next| {
                let item = next.as_mut().ok()?;
                let rewritten = crate::installed::normalize(item, date_format);
                Some((evaluator.assess(item), rewritten))
            })
            .collect();
        if tx.send((seq, batch, judged)).is_err() {
            return;
        }
    }
}

/// The SHA-256 (hex) and size of the file at `path`, read whole.
fn file_digest(path: &std::path::Path) -> std::io::Result<(String, u64)> {
    let mut r = crate::source::digest::HashingReader::new(std::fs::File::open(path)?);
    std::io::copy(&mut r, &mut std::io::sink())?;
    Ok(r.finish())
}

/// Where an item is: `file:line`, or `file.xlsx:Sheet!row` for a workbook.
fn item_place(item: &Item) -> String {
    match &item.sheet {
        Some(sheet) => format!("{}:{sheet}!{}", item.file, item.line),
        None => format!("{}:{}", item.file, item.line),
    }
}

/// The warnings of an item, each with its place: what its reader could not understand, and
/// an install date that cannot be read (judged as unknown; [`crate::installed::normalize`]
/// put its warning among the item's).
fn item_warnings(item: &Item) -> impl Iterator<Item = String> + '_ {
    let place = move || item_place(item);
    item.warnings
        .iter()
        .map(move |w| format!("{}: {w}", place()))
}

/// The provenance note of an input whose install dates were written in another form than
/// `YYYY-MM-DD`: how many, an example, and where the written form is kept.
fn dates_note(rewritten: u64, example: &(String, String, String)) -> String {
    let (column, written, read) = example;
    format!(
        "{rewritten} install date{} not written as YYYY-MM-DD {} read and shown as YYYY-MM-DD (column '{column}': '{written}' is {read}); each finding keeps the written form among its other columns, as '{column} as written'",
        if rewritten == 1 { "" } else { "s" },
        if rewritten == 1 { "was" } else { "were" },
    )
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
    let inputs = discovered.inputs;
    let timing = Timing {
        as_of: cfg.as_of,
        procurement: cfg.procurement,
    };
    let evaluator = Evaluator::with_matching(registry, policies, timing, waivers, cfg.matching)?;
    let mut report = Report {
        tool: ToolInfo::default(),
        as_of: cfg.as_of,
        generated_at: crate::date::rfc3339_utc(cfg.generated_at),
        registry: RegistryInfo {
            source: registry.source.clone(),
            sha256: registry.digest.clone(),
            vendors: registry.data.vendors.len(),
            listings: registry.data.listing_count(),
            schema_version: registry.schema_version,
            revision: registry.revision,
            last_change: registry.last_change.clone(),
            verified: registry.verified,
            snapshot: registry.snapshot.clone(),
        },
        procurement: cfg.procurement,
        policies: evaluator
            .policies()
            .iter()
            .map(|p| PolicySummary {
                id: p.id.clone(),
                title: p.title.clone(),
                jurisdiction: p.jurisdiction.clone(),
                origin: p.origin.clone(),
                sha256: p.sha256.clone(),
                basis: p.basis.clone(),
                rules: p.rules.iter().map(RuleInfo::new).collect(),
                counts: Counts::default(),
            })
            .collect(),
        waivers: None,
        inputs: Vec::with_capacity(inputs.len()),
        status: RunStatus::Complete,
        failed_inputs: Vec::new(),
        // What the folder walks skipped (links, hidden entries), listed with the reason.
        skipped: discovered
            .skipped
            .into_iter()
            .map(SkippedInput::from)
            .collect(),
        skipped_rows: SkippedRows::default(),
        warnings: SkippedRows::default(),
        unidentified: Unidentified::default(),
        groups: Vec::new(),
        baseline: None,
        since: None,
        summary: Counts::default(),
        findings: Vec::new(),
        finding_groups: crate::report::groups::FindingGroups::new(cfg.rows_per_group),
        entries: Default::default(),
        lists: Default::default(),
        gate: Gate {
            fail_at: cfg.fail_on,
            ..Gate::default()
        },
    };
    // The entries and lists the findings refer to, written once at the end.
    let mut referenced = crate::report::dictionary::Referenced::default();
    let mut in_baseline = 0u64;
    let mut not_ok = 0u64;
    let mut unidentified = UnidentifiedTally::default();
    // The first input that could not be read at all: the run's error when nothing was read.
    let mut first_failure: Option<Error> = None;
    // Whether a baseline is in use is known before any finding (SARIF marks each one).
    if let Some(b) = baseline {
        report.baseline = Some(BaselineInfo {
            path: b.path.clone(),
            sha256: b.sha256.clone(),
            known: 0,
            new: 0,
        });
    }
    if let Some(s) = stream.as_deref_mut() {
        s.start(&report)?;
    }
    for input in &inputs {
        let reader = match Reader::open(input, &cfg.read) {
            Ok(r) => r,
            Err(e) if e.kind == ErrorKind::NotAnInventory && input.from_folder => {
                report.skipped.push(SkippedInput {
                    path: input.display.to_string(),
                    reason: e.message,
                    incomplete: false,
                });
                continue;
            }
            // An input that cannot be read makes the run incomplete; the others are still
            // read and judged.
            Err(e) => {
                report.failed_inputs.push(FailedInput {
                    path: input.display.to_string(),
                    error: e.to_string(),
                });
                first_failure.get_or_insert(e);
                continue;
            }
        };
        progress(Progress::File(&input.display));
        let mut counts = Counts::default();
        let mut rows_skipped = 0u64;
        let mut warnings = 0u64;
        // Install dates read from another form than YYYY-MM-DD, and the first of them.
        let mut dates_rewritten = 0u64;
        let mut date_example: Option<(String, String, String)> = None;
        // The error that stopped reading this input part-way, if any.
        let mut stopped: Option<Error> = None;
        // A reader thread parses records into numbered batches, `jobs` threads judge them,
        // and this thread renders them in input order: the report is the same whatever
        // `jobs` is.
        let jobs = cfg.jobs.max(1);
        let (reader, outcome) = std::thread::scope(|scope| {
            let in_flight = jobs * BATCHES_PER_JOB;
            let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Numbered>(in_flight);
            let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
            let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Judged>(in_flight);
            // Rendered batches go back to the reader, which empties and refills them: only
            // `in_flight` batches ever exist.
            let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Batch>(in_flight);
            for _ in 0..in_flight {
                let _ = back_tx.send(Vec::with_capacity(BATCH_ITEMS));
            }
            let thread_error = |e: std::io::Error| {
                Error::new(
                    ErrorKind::Inventory,
                    format!("cannot start a thread to read the inventory: {e}"),
                )
                .hint("the system is short of memory or threads: close other programs or raise the limit on processes (ulimit -u)")
            };
            let handle = match std::thread::Builder::new()
                .name("tvcheck-reader".to_string())
                .spawn_scoped(scope, move || read_batches(reader, &work_tx, &back_rx))
            {
                Ok(h) => h,
                Err(e) => return (Err(thread_error(e)), Ok(())),
            };
            let mut judges = Vec::with_capacity(jobs);
            for n in 0..jobs {
                let core = evaluator.core();
                let (work_rx, done_tx) = (std::sync::Arc::clone(&work_rx), done_tx.clone());
                let spawned = std::thread::Builder::new()
                    .name(format!("tvcheck-judge-{n}"))
                    .spawn_scoped(scope, move || {
                        let evaluator = Evaluator::sharing(core, jobs);
                        judge_batches(&evaluator, &work_rx, &done_tx, cfg.date_format);
                    });
                match spawned {
                    Ok(h) => judges.push(h),
                    // Fewer judging threads do the same work; none at all cannot.
                    Err(e) if judges.is_empty() => {
                        drop((done_rx, back_tx));
                        let _ = handle.join();
                        return (Err(thread_error(e)), Ok(()));
                    }
                    Err(_) => break,
                }
            }
            drop((done_tx, work_rx));
            // Judged batches arrive in any order; they are rendered in reading order.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next_seq = 0u64;
            let outcome = (|| -> Result<()> {
                for (seq, batch, judged) in &done_rx {
                    waiting.insert(seq, (batch, judged));
                    while let Some((mut batch, judged)) = waiting.remove(&next_seq) {
                        next_seq += 1;
                        for (next, judged) in batch.iter_mut().zip(judged) {
                            let item = match next {
                                Ok(item) => item,
                                // A part that cannot be read is listed; the rest is read.
                                Err(e) if e.kind == ErrorKind::Row => {
                                    rows_skipped += 1;
                                    report
                                        .skipped_rows
                                        .push(|| e.to_string(), SKIPPED_ROWS_SHOWN);
                                    continue;
                                }
                                // The reader stopped: what it read so far is judged and the
                                // input is reported as failed part-way.
                                Err(e) => {
                                    stopped = Some(e.clone());
                                    return Ok(());
                                }
                            };
                            let Some((a, rewritten)) = judged else {
                                continue;
                            };
                            if rewritten {
                                dates_rewritten += 1;
                                if date_example.is_none() {
                                    let column = crate::installed::column_of(item);
                                    let key = crate::installed::as_written_key(column);
                                    let written = item
                                        .extra
                                        .iter()
                                        .find(|(k, _)| *k == key)
                                        .map(|(_, v)| v.clone())
                                        .unwrap_or_default();
                                    date_example = Some((
                                        column.to_string(),
                                        written,
                                        item.installed.clone().unwrap_or_default(),
                                    ));
                                }
                            }
                            if report.summary.items % 8192 == 0 {
                                progress(Progress::Items(report.summary.items));
                            }
                            for w in item_warnings(item) {
                                warnings += 1;
                                report.warnings.push(|| w, SKIPPED_ROWS_SHOWN);
                            }
                            if !a.identified {
                                unidentified.add(&item.vendor, || item_place(item));
                            }
                            counts.add(&a);
                            report.summary.add(&a);
                            for (summary, v) in report.policies.iter_mut().zip(&a.per_policy) {
                                summary.counts.add_verdict(*v);
                                if !a.identified {
                                    summary.counts.unidentified += 1;
                                }
                            }
                            let ok_row =
                                cfg.all && a.findings.is_empty() && a.verdict == Verdict::Ok;
                            let rows = a.findings.iter().map(Some).chain(ok_row.then_some(None));
                            for f in rows {
                                let mut row = Row::new(item, &a, f);
                                if row.verdict != Verdict::Ok {
                                    not_ok += 1;
                                    if baseline.is_some_and(|b| b.contains(&row)) {
                                        row.in_baseline = true;
                                        in_baseline += 1;
                                    } else if row.verdict == Verdict::Violation {
                                        report.gate.violations += 1;
                                    } else if row.verdict == Verdict::Review {
                                        report.gate.reviews += 1;
                                    }
                                }
                                referenced.note(&row);
                                if row.verdict != Verdict::Ok || cfg.show_ok {
                                    report.finding_groups.push(&row);
                                }
                                match stream.as_deref_mut() {
                                    Some(s) => s.push(&row)?,
                                    None => report.findings.push(row.clone().into_owned()),
                                }
                            }
                        }
                        let _ = back_tx.try_send(batch);
                    }
                }
                Ok(())
            })();
            // On an error (or when reading stopped) the channels close, so the reader and the
            // judging threads stop at their next batch.
            drop((done_rx, back_tx, waiting));
            let judged_ok = judges.into_iter().all(|h| h.join().is_ok());
            let reader = handle.join().ok().filter(|_| judged_ok).ok_or_else(|| {
                Error::new(
                    ErrorKind::Inventory,
                    "internal error: a thread reading or judging the inventory failed",
                )
            });
            (reader, outcome)
        });
        outcome?;
        let reader = reader?;
        if counts.items == 0 && rows_skipped == 0 && stopped.is_none() {
            stopped = Some(Error::at(
                ErrorKind::Inventory,
                Location::file(&input.path),
                "the inventory has no items",
            )
            .hint("add one record (row, [[asset]] table, JSON object or hardware component) per piece of equipment"));
        }
        progress(Progress::Items(report.summary.items));
        let (sha256, bytes) = match &stopped {
            // The reader's digest covers only what it read: fingerprint the whole file.
            Some(_) => file_digest(&input.path).unwrap_or_else(|_| reader.digest()),
            None => reader.digest(),
        };
        let mut provenance = reader.provenance();
        if let Some(example) = &date_example {
            provenance.notes.push(dates_note(dates_rewritten, example));
        }
        let complete = stopped.is_none() && rows_skipped == 0;
        if let Some(e) = stopped {
            report.failed_inputs.push(FailedInput {
                path: input.display.to_string(),
                error: e.to_string(),
            });
            if counts.items == 0 && rows_skipped == 0 {
                first_failure.get_or_insert(e);
                continue;
            }
        }
        report.inputs.push(InputInfo {
            path: input.display.to_string(),
            format: std::borrow::Cow::Borrowed(reader.format().name()),
            sha256,
            bytes,
            counts,
            rows_skipped,
            complete,
            encoding: provenance.encoding,
            notes: provenance.notes,
            warnings,
        });
    }
    if report.summary.items == 0 {
        if let Some(e) = first_failure {
            return Err(e);
        }
    }
    if report.inputs.is_empty() {
        return Err(Error::new(
            ErrorKind::Inventory,
            "no inventory was read: every file found is something else",
        )
        .hint("pass inventory files: CSV/TSV, TOML with [[asset]] tables, JSON or JSON Lines, CycloneDX, or a workbook (.xlsx, .xls, .ods)"));
    }
    if report.summary.items == 0 {
        let first = report
            .skipped_rows
            .shown
            .first()
            .cloned()
            .unwrap_or_default();
        return Err(Error::new(
            ErrorKind::Inventory,
            format!(
                "no item could be read: all {} records are malformed (first: {first})",
                report.skipped_rows.count
            ),
        )
        .hint("fix the records, or check that the file is the inventory you meant"));
    }
    if report.skipped_rows.count > 0
        || !report.failed_inputs.is_empty()
        || report.skipped.iter().any(|s| s.incomplete)
    {
        report.status = RunStatus::Incomplete;
    }
    if let Some(b) = baseline {
        report.baseline = Some(BaselineInfo {
            path: b.path.clone(),
            sha256: b.sha256.clone(),
            known: in_baseline,
            new: not_ok - in_baseline,
        });
    }
    if cfg.group_by_dir {
        for i in &report.inputs {
            let dir = std::path::Path::new(&i.path)
                .parent()
                .map(crate::error::display_path)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| ".".to_string());
            match report.groups.iter_mut().find(|g| g.group == dir) {
                Some(g) => {
                    g.files += 1;
                    g.counts.merge(&i.counts);
                }
                None => report.groups.push(GroupSummary {
                    group: dir,
                    files: 1,
                    counts: i.counts.clone(),
                }),
            }
        }
    }
    if let Some(w) = waivers {
        report.waivers = Some(WaiverSummary {
            path: w.path.clone(),
            sha256: w.sha256.clone(),
            applied: w.waivers.iter().map(|x| x.used()).sum(),
            unused: w
                .waivers
                .iter()
                .filter(|x| x.used() == 0 && x.expired_hits() == 0)
                .map(|x| x.id.clone())
                .collect(),
            expired: w
                .waivers
                .iter()
                .filter(|x| x.expired_hits() > 0)
                .map(|x| ExpiredWaiver {
                    id: x.id.clone(),
                    expires: x.expires,
                    findings: x.expired_hits(),
                })
                .collect(),
        });
    }
    report.unidentified = unidentified.finish();
    let dictionary = referenced.resolve(registry);
    report.entries = dictionary.entries;
    report.lists = dictionary.lists;
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
