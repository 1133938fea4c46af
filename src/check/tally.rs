//! What a check run keeps while it goes: the report under construction, and per input and
//! per record the counting, gating and rendering of what the judging threads return.

use super::threads::Judgement;
use super::{CheckConfig, Earlier, EarlierVerdicts, Progress, Since};
use crate::engine::{Assessment, Evaluator};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::inventory::discover::Input;
use crate::inventory::Reader;
use crate::model::{Item, Verdict};
use crate::policy::waiver::Waivers;
use crate::registry::Registry;
use crate::report::baseline::Baseline;
use crate::report::stream::Streamed;
use crate::report::{
    BaselineInfo, Counts, ExpiredWaiver, FailedInput, Gate, GroupSummary, InputInfo, PolicySummary,
    RegistryInfo, Report, Row, RuleInfo, RunStatus, SinceInfo, SkippedInput, SkippedRows, ToolInfo,
    Unidentified, UnidentifiedTally, VerdictChange, WaiverSummary, SKIPPED_ROWS_SHOWN,
};

/// The run so far.
pub(super) struct Tally<'c> {
    pub(super) report: Report,
    cfg: &'c CheckConfig,
    baseline: Option<&'c Baseline>,
    /// The entries and lists the findings refer to, written once at the end.
    referenced: crate::report::dictionary::Referenced,
    in_baseline: u64,
    not_ok: u64,
    unidentified: UnidentifiedTally,
    /// The first input that could not be read at all: the run's error when nothing was read.
    first_failure: Option<Error>,
    /// The `--since-registry` comparison so far.
    since: Option<SinceTally>,
}

/// The `--since-registry` comparison so far: what it compares with and the items whose
/// verdict changed, in reading order.
struct SinceTally {
    info: SinceInfo,
    /// The earlier report's verdicts (`None`: the judging threads judged each item against
    /// the earlier registry too).
    verdicts: Option<EarlierVerdicts>,
}

impl SinceTally {
    /// Compares `item`'s verdict under each of `policies` now (`a`) with its earlier one
    /// (`before`, from the earlier registry; else from the earlier report); a change is noted
    /// with the reason of the finding that gives the verdict now.
    fn compare(
        &mut self,
        item: &Item,
        a: &Assessment,
        before: Option<&[Verdict]>,
        policies: &[PolicySummary],
    ) {
        let recorded = match (&self.verdicts, before) {
            (Some(v), None) => v.get(&(item.file.to_string(), item.sheet.clone(), item.line)),
            _ => None,
        };
        for (i, (policy, &after)) in policies.iter().zip(&a.per_policy).enumerate() {
            let was = match before {
                Some(b) => b.get(i).copied().unwrap_or(Verdict::Ok),
                None => recorded
                    .and_then(|m| m.get(&policy.id))
                    .copied()
                    .unwrap_or(Verdict::Ok),
            };
            if was == after {
                continue;
            }
            let reason = a
                .findings
                .iter()
                .find(|f| f.policy == policy.id && f.verdict == after)
                .map_or_else(
                    || "no rule applies to it now".to_string(),
                    |f| f.reason.clone(),
                );
            self.info.changes.push(VerdictChange {
                file: item.file.to_string(),
                line: item.line,
                asset_id: item.asset_id.clone(),
                vendor: item.vendor.clone(),
                model: item.model.clone(),
                policy: policy.id.clone(),
                before: was,
                after,
                reason,
            });
        }
    }
}

/// One input so far.
#[derive(Default)]
pub(super) struct InputTally {
    counts: Counts,
    rows_skipped: u64,
    warnings: u64,
    /// Install dates read from another form than YYYY-MM-DD, and the first of them.
    dates_rewritten: u64,
    date_example: Option<(String, String, String)>,
    /// The error that stopped reading this input part-way, if any.
    stopped: Option<Error>,
}

impl<'c> Tally<'c> {
    /// An empty report of a run of `evaluator` over inputs whose folder walks skipped
    /// `skipped`.
    pub(super) fn new(
        cfg: &'c CheckConfig,
        registry: &Registry,
        evaluator: &Evaluator<'_>,
        skipped: Vec<SkippedInput>,
        inputs: usize,
        baseline: Option<&'c Baseline>,
    ) -> Tally<'c> {
        let report = Report {
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
            inputs: Vec::with_capacity(inputs),
            status: RunStatus::Complete,
            failed_inputs: Vec::new(),
            skipped,
            skipped_rows: SkippedRows::default(),
            warnings: SkippedRows::default(),
            unidentified: Unidentified::default(),
            groups: Vec::new(),
            // Whether a baseline is in use is known before any finding (SARIF marks each one).
            baseline: baseline.map(|b| BaselineInfo {
                path: b.path.clone(),
                sha256: b.sha256.clone(),
                known: 0,
                new: 0,
            }),
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
        Tally {
            report,
            cfg,
            baseline,
            referenced: Default::default(),
            in_baseline: 0,
            not_ok: 0,
            unidentified: UnidentifiedTally::default(),
            first_failure: None,
            since: None,
        }
    }

    /// Compares every item's verdicts with those of `since` (when given) as the run goes.
    pub(super) fn compare_since(&mut self, since: Option<Since<'_>>) {
        self.since = since.map(|s| {
            let (registry_sha256, verdicts) = match s.earlier {
                Earlier::Registry { registry, .. } => (Some(registry.digest.clone()), None),
                Earlier::Report(v) => (None, Some(v)),
            };
            SinceTally {
                info: SinceInfo {
                    against: s.against,
                    registry_sha256,
                    changes: Vec::new(),
                },
                verdicts,
            }
        });
    }

    /// An input that could not be opened: listed as skipped (a file in a folder that is no
    /// inventory) or failed (the run is incomplete; the other inputs are still read).
    pub(super) fn unopened(&mut self, input: &Input, e: Error) {
        if e.kind == ErrorKind::NotAnInventory && input.from_folder {
            self.report.skipped.push(SkippedInput {
                path: input.display.to_string(),
                reason: e.message,
                incomplete: false,
            });
            return;
        }
        self.report.failed_inputs.push(FailedInput {
            path: input.display.to_string(),
            error: e.to_string(),
        });
        self.first_failure.get_or_insert(e);
    }

    /// One record of an input, in reading order, with its judgement (`None` when it could not
    /// be read): counted, gated and rendered. `Ok(false)` when the reader stopped at it.
    pub(super) fn record(
        &mut self,
        this: &mut InputTally,
        next: &mut Result<Item>,
        judged: Option<Judgement>,
        mut stream: Option<&mut Streamed>,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<bool> {
        let report = &mut self.report;
        let item = match next {
            Ok(item) => item,
            // A part that cannot be read is listed; the rest is read.
            Err(e) if e.kind == ErrorKind::Row => {
                this.rows_skipped += 1;
                report
                    .skipped_rows
                    .push(|| e.to_string(), SKIPPED_ROWS_SHOWN);
                return Ok(true);
            }
            // The reader stopped: what it read so far is judged and the input is reported as
            // failed part-way.
            Err(e) => {
                this.stopped = Some(e.clone());
                return Ok(false);
            }
        };
        let Some(Judgement {
            assessment: a,
            rewritten,
            before,
        }) = judged
        else {
            return Ok(true);
        };
        if rewritten {
            this.dates_rewritten += 1;
            if this.date_example.is_none() {
                let column = crate::installed::column_of(item);
                let key = crate::installed::as_written_key(column);
                let written = item
                    .extra
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                this.date_example = Some((
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
            this.warnings += 1;
            report.warnings.push(|| w, SKIPPED_ROWS_SHOWN);
        }
        if !a.identified {
            self.unidentified.add(&item.vendor, || item_place(item));
        }
        if let Some(since) = &mut self.since {
            since.compare(item, &a, before.as_deref(), &report.policies);
        }
        this.counts.add(&a);
        report.summary.add(&a);
        for (summary, v) in report.policies.iter_mut().zip(&a.per_policy) {
            summary.counts.add_verdict(*v);
            if !a.identified {
                summary.counts.unidentified += 1;
            }
        }
        let ok_row = self.cfg.all && a.findings.is_empty() && a.verdict == Verdict::Ok;
        let rows = a.findings.iter().map(Some).chain(ok_row.then_some(None));
        for f in rows {
            let mut row = Row::new(item, &a, f);
            if row.verdict != Verdict::Ok {
                self.not_ok += 1;
                if self.baseline.is_some_and(|b| b.contains(&row)) {
                    row.in_baseline = true;
                    self.in_baseline += 1;
                } else if row.verdict == Verdict::Violation {
                    report.gate.violations += 1;
                } else if row.verdict == Verdict::Review {
                    report.gate.reviews += 1;
                }
            }
            self.referenced.note(&row);
            if row.verdict != Verdict::Ok || self.cfg.all {
                report.finding_groups.push(&row);
            }
            match stream.as_deref_mut() {
                Some(s) => s.push(&row)?,
                None => report.findings.push(row.clone().into_owned()),
            }
        }
        Ok(true)
    }

    /// An input read to its end (or to where its reader stopped): its provenance and counts
    /// go into the report, or it is listed as failed.
    pub(super) fn finish_input(
        &mut self,
        input: &Input,
        reader: &Reader,
        this: InputTally,
        progress: &mut dyn FnMut(Progress<'_>),
    ) {
        let InputTally {
            counts,
            rows_skipped,
            warnings,
            dates_rewritten,
            date_example,
            mut stopped,
        } = this;
        if counts.items == 0 && rows_skipped == 0 && stopped.is_none() {
            stopped = Some(Error::at(
                ErrorKind::Inventory,
                Location::file(&input.path),
                "the inventory has no items",
            )
            .hint("add one record (row, [[asset]] table, JSON object or hardware component) per piece of equipment"));
        }
        progress(Progress::Items(self.report.summary.items));
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
            self.report.failed_inputs.push(FailedInput {
                path: input.display.to_string(),
                error: e.to_string(),
            });
            if counts.items == 0 && rows_skipped == 0 {
                self.first_failure.get_or_insert(e);
                return;
            }
        }
        self.report.inputs.push(InputInfo {
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

    /// The finished report: an error when nothing could be read; else its status, baseline
    /// counts, groups, waiver usage, unidentified vendors and the dictionary of what the
    /// findings refer to.
    pub(super) fn finish(self, registry: &Registry, waivers: Option<&Waivers>) -> Result<Report> {
        let Tally {
            mut report,
            cfg,
            baseline,
            referenced,
            in_baseline,
            not_ok,
            unidentified,
            first_failure,
            since,
        } = self;
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
            report.groups = groups_by_dir(&report.inputs);
        }
        report.waivers = waivers.map(waiver_summary);
        report.since = since.map(|s| s.info);
        report.unidentified = unidentified.finish();
        let dictionary = referenced.resolve(registry);
        report.entries = dictionary.entries;
        report.lists = dictionary.lists;
        Ok(report)
    }
}

/// The inputs' counts per folder (`--group-by dir`), in the order the folders first appear.
fn groups_by_dir(inputs: &[InputInfo]) -> Vec<GroupSummary> {
    let mut groups: Vec<GroupSummary> = Vec::new();
    for i in inputs {
        let dir = std::path::Path::new(&i.path)
            .parent()
            .map(crate::error::display_path)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| ".".to_string());
        match groups.iter_mut().find(|g| g.group == dir) {
            Some(g) => {
                g.files += 1;
                g.counts.merge(&i.counts);
            }
            None => groups.push(GroupSummary {
                group: dir,
                files: 1,
                counts: i.counts.clone(),
            }),
        }
    }
    groups
}

/// How the waivers were used in the run.
fn waiver_summary(w: &Waivers) -> WaiverSummary {
    WaiverSummary {
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
