//! `tvcheck check`: resolves arguments into a check configuration, runs it and writes the report.

use std::io::{IsTerminal, Write};

use tvcheck::check::{CheckConfig, Progress};
use tvcheck::escape::Visible;
use tvcheck::inventory::{CsvOptions, ReadOptions};
use tvcheck::report;
use tvcheck::{Date, Registry, Verdict};

use super::args::{CheckArgs, FailOn, GroupBy, OutputSpec};
use super::ExitStatus;

/// What `--since-registry` names, read before the run: an earlier revision of the registry
/// database (with the waivers read again, so that the usage counts stay this run's), or the
/// verdicts of an earlier JSON report.
enum EarlierRun {
    Revision {
        registry: Box<Registry>,
        waivers: Option<tvcheck::policy::waiver::Waivers>,
        against: String,
    },
    Report(Option<tvcheck::check::Since<'static>>),
}

impl EarlierRun {
    fn read(spec: &str, args: &CheckArgs, registry: &Registry) -> anyhow::Result<EarlierRun> {
        if let Ok(rev) = spec.parse::<u64>() {
            let Some(db) = args.db.as_deref() else {
                return Err(tvcheck::Error::new(
                    tvcheck::ErrorKind::Usage,
                    "--since-registry REV compares with a revision of a registry database",
                )
                .hint("pass --db PATH, or give an earlier JSON report instead of a revision")
                .into());
            };
            let store = tvcheck::registry::Store::open(db, false)?;
            let old = registry.at_revision(&store, rev)?;
            let waivers = args
                .waivers
                .as_deref()
                .map(tvcheck::policy::waiver::Waivers::load)
                .transpose()?;
            return Ok(EarlierRun::Revision {
                registry: Box::new(old),
                waivers,
                against: format!("revision {rev} of {}", tvcheck::error::display_path(db)),
            });
        }
        let path = std::path::Path::new(spec);
        let mut verdicts = tvcheck::check::EarlierVerdicts::new();
        tvcheck::report::merge::for_each_earlier(path, "earlier report", &mut |f| {
            if let Some(p) = f.policy {
                let slot = verdicts
                    .entry((f.file, f.sheet, f.line))
                    .or_default()
                    .entry(p)
                    .or_insert(Verdict::Ok);
                *slot = (*slot).max(f.verdict);
            }
            Ok(())
        })
        .map_err(|e| {
            if e.message.starts_with("not a tvcheck JSON report") {
                e.hint("pass a report written by `tvcheck check --format json`, or a registry revision number")
            } else {
                e
            }
        })?;
        Ok(EarlierRun::Report(Some(tvcheck::check::Since {
            against: tvcheck::error::display_path(path),
            earlier: tvcheck::check::Earlier::Report(verdicts),
        })))
    }

    /// The comparison the run makes item by item.
    fn since(&mut self) -> Option<tvcheck::check::Since<'_>> {
        match self {
            EarlierRun::Revision {
                registry,
                waivers,
                against,
            } => Some(tvcheck::check::Since {
                against: against.clone(),
                earlier: tvcheck::check::Earlier::Registry {
                    registry,
                    waivers: waivers.as_ref(),
                },
            }),
            EarlierRun::Report(since) => since.take(),
        }
    }
}

/// A spinner with the item count on standard error, only when it is a terminal.
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} items · {msg} · {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Refuses `-o` files that name a file this run reads (an inventory, also one a folder walk
/// finds, the waivers, the baseline, a policy file, an earlier report, the registry database
/// and its `-wal`/`-shm`) or the file of another `-o`: compared by file identity. Nothing has
/// been written when it fails.
fn guard_outputs(
    args: &CheckArgs,
    outputs: &[OutputSpec],
    config: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use std::path::Path;
    use tvcheck::source::{database_files, Protected};
    let files: Vec<(&Path, &str)> = outputs
        .iter()
        .filter_map(|o| o.path.as_deref())
        .map(|p| (p, "the report"))
        .chain(
            args.unidentified_out
                .as_deref()
                .map(|p| (p, "the registry skeleton")),
        )
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let mut protected: Vec<Protected> = Vec::new();
    // A path that cannot be walked is reported by the check itself.
    if let Ok(found) = tvcheck::inventory::discover_all(&args.paths, args.input_format) {
        protected.extend(
            found
                .inputs
                .iter()
                .filter_map(|i| Protected::new("an inventory", &i.path)),
        );
    }
    protected.extend(
        args.waivers
            .as_deref()
            .and_then(|w| Protected::new("the waivers file", w)),
    );
    protected.extend(
        args.baseline
            .as_deref()
            .and_then(|b| Protected::new("the baseline report", b)),
    );
    for spec in &args.policies {
        protected.extend(Protected::new("a policy file", Path::new(spec)));
    }
    if let Some(spec) = args.since_registry.as_deref() {
        protected.extend(Protected::new("the earlier report", Path::new(spec)));
    }
    if let Some(db) = args.db.as_deref() {
        protected.extend(database_files(db));
    }
    protected.extend(config.and_then(|c| Protected::new("the configuration file", c)));
    if let Some(s) = args.snapshot.registry_snapshot.as_deref() {
        protected.extend(Protected::new("the registry snapshot", s));
    }
    tvcheck::source::guard_named_outputs(&files, &protected)?;
    super::registry::remove_temporaries_on_signals();
    Ok(())
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitStatus> {
    // The configuration file's settings under the command line's: from here on, `args` are
    // the merged settings.
    let (args, config) = super::config_file::apply(args)?;
    // Said once the run is over (an error stays the one line on standard error).
    let note = match (&config, args.quiet) {
        (Some(c), false) => Some(format!(
            "note: settings from {} (sha256 {}); flags on the command line win",
            Visible(&c.info.path),
            c.info.sha256.get(..12).unwrap_or_default()
        )),
        _ => None,
    };
    let status = run_merged(args, config)?;
    if let Some(n) = note {
        eprintln!("{n}");
    }
    Ok(status)
}

/// Everything a check needs, resolved once from the merged settings: the registry, the
/// renderings, the library's configuration, the policies, waivers and baseline.
struct Plan {
    registry: Registry,
    outputs: Vec<OutputSpec>,
    formats: Vec<report::Format>,
    /// The reports findings are streamed into, when every rendering can take them that way.
    streamed: Option<report::stream::Streamed>,
    cfg: CheckConfig,
    policies: Vec<tvcheck::policy::Policy>,
    waivers: Option<tvcheck::policy::waiver::Waivers>,
    baseline: Option<tvcheck::report::baseline::Baseline>,
}

/// [`run`] with the configuration file's settings merged in: resolve, check, render, and the
/// exit status.
fn run_merged(
    args: CheckArgs,
    config: Option<super::config_file::Loaded>,
) -> anyhow::Result<ExitStatus> {
    let Plan {
        registry,
        outputs,
        formats,
        mut streamed,
        cfg,
        policies,
        waivers,
        baseline,
    } = plan(&args, config.as_ref())?;
    let bar = progress_bar(args.quiet);
    let mut on_progress = |p: Progress<'_>| {
        if let Some(bar) = &bar {
            match p {
                Progress::File(f) => bar.set_message(tvcheck::escape::visible(f).into_owned()),
                Progress::Items(n) => bar.set_position(n),
            }
        }
    };
    let mut earlier = args
        .since_registry
        .as_deref()
        .map(|spec| EarlierRun::read(spec, &args, &registry))
        .transpose()?;
    let compare = tvcheck::check::Compare {
        baseline: baseline.as_ref(),
        since: earlier.as_mut().and_then(EarlierRun::since),
    };
    let report = tvcheck::check::run(
        &cfg,
        &registry,
        policies,
        waivers.as_ref(),
        compare,
        streamed.as_mut(),
        &mut on_progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut report = report?;
    report.tool.config = config.map(|c| c.info);
    // The skeleton first: if it cannot be written, the run fails and no report is put in
    // place.
    if let Some(path) = &args.unidentified_out {
        write_skeleton(&report, &registry, path, args.quiet)?;
    }
    // Streamed reports were written while checking; they only need to be put in place.
    let written: anyhow::Result<()> = match streamed {
        Some(s) => s.commit(&mut std::io::stdout().lock()).map_err(Into::into),
        None => render_outputs(&report, &outputs, &formats),
    };
    // A reader that closed the pipe (`| head`) has what it wanted: the run's verdict stands.
    if let Err(e) = written {
        if !super::is_broken_pipe(&e) {
            return Err(e);
        }
    }
    warn_unread(&report, args.allow_incomplete, args.quiet);
    Ok(exit_status(&report, &args, &outputs, &formats))
}

/// Resolves the merged settings: opens the registry (and checks its age), the renderings and
/// their guard, the library's configuration, the policies, waivers and baseline.
fn plan(args: &CheckArgs, config: Option<&super::config_file::Loaded>) -> anyhow::Result<Plan> {
    let registry = match args.snapshot.registry_snapshot.as_deref() {
        Some(file) => super::snapshot::registry_for_check(file, &args.snapshot.trust)?,
        None => Registry::open_or_embedded_with(args.db.as_deref(), !args.no_verify_registry)?,
    };
    check_registry_age(args, &registry)?;
    let outputs = if args.outputs.is_empty() {
        vec![OutputSpec {
            format: None,
            path: None,
        }]
    } else {
        args.outputs.clone()
    };
    if outputs.iter().filter(|o| o.path.is_none()).count() > 1 {
        return Err(tvcheck::Error::new(
            tvcheck::ErrorKind::Usage,
            "more than one report is sent to standard output",
        )
        .hint("give all but one of the -o renderings a file, e.g. -o json=report.json")
        .into());
    }
    guard_outputs(args, &outputs, config.map(|c| c.path.as_path()))?;
    let formats: Vec<report::Format> = outputs
        .iter()
        .map(|o| output_format(o, args.format))
        .collect::<Result<_, _>>()?;
    // Findings are streamed (constant memory) when every rendering can take them that way
    // and nothing needs them all at once afterwards.
    let streamed = if formats.iter().all(|f| report::stream::streamable(*f)) {
        let mut s = report::stream::Streamed::new();
        for (o, format) in outputs.iter().zip(&formats) {
            match &o.path {
                Some(path) => s.file(*format, path)?,
                None => s.stdout_styled(*format, stdout_table_style()),
            }
        }
        s.config(config.map(|c| c.info.clone()));
        Some(s)
    } else {
        None
    };
    let cfg = check_config(args)?;
    let mut policies = Vec::with_capacity(args.policies.len());
    for spec in &args.policies {
        let p = tvcheck::policy::load(spec, &registry)?;
        if policies
            .iter()
            .any(|q: &tvcheck::policy::Policy| q.id == p.id)
        {
            continue;
        }
        policies.push(p);
    }
    let waivers = args
        .waivers
        .as_deref()
        .map(tvcheck::policy::waiver::Waivers::load)
        .transpose()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(tvcheck::report::baseline::Baseline::load)
        .transpose()?;
    Ok(Plan {
        registry,
        outputs,
        formats,
        streamed,
        cfg,
        policies,
        waivers,
        baseline,
    })
}

/// `--max-registry-age`: a registry last changed (a snapshot: published) longer ago is an
/// error.
fn check_registry_age(args: &CheckArgs, registry: &Registry) -> anyhow::Result<()> {
    if let Some(max) = args.max_registry_age {
        let today = Date::from_days(super::run_time()?.div_euclid(86_400));
        // A snapshot's age is its publication's: the publisher vouches for it as of then.
        let last = match &registry.snapshot {
            Some(s) => Some(&s.published_at),
            None => registry.last_change.as_ref(),
        };
        let age = last
            .map(String::as_str)
            .and_then(|t| super::registry::age_days(t, today));
        if age.is_none_or(|a| a > i64::from(max)) {
            return Err(tvcheck::Error::new(
                tvcheck::ErrorKind::Registry,
                format!(
                    "the registry ({}) was {} {}, more than --max-registry-age {max} days ago",
                    registry.source,
                    if registry.snapshot.is_some() { "published" } else { "last changed" },
                    match (last, age) {
                        (Some(t), Some(a)) => format!("on {} ({a} days ago)", &t[..t.len().min(10)]),
                        _ => "at an unknown time".to_string(),
                    }
                ),
            )
            .hint("import the current designating lists (see \"Maintaining the registry\" in the README), or allow an older registry")
            .into());
        }
    }
    Ok(())
}

/// The library's configuration of the run, from the merged settings.
fn check_config(args: &CheckArgs) -> anyhow::Result<CheckConfig> {
    Ok(CheckConfig {
        paths: args.paths.clone(),
        read: ReadOptions {
            csv: CsvOptions {
                delimiter: args.delimiter,
                columns: args.columns.clone(),
            },
            sheet: args.sheet.clone(),
            input_format: args.input_format,
            encoding: args.encoding,
        },
        as_of: args.as_of.unwrap_or_else(Date::today_utc),
        all: args.all,
        fail_on: match args.fail_on {
            FailOn::Violation => Some(Verdict::Violation),
            FailOn::Review => Some(Verdict::Review),
            FailOn::Never => None,
        },
        date_format: args.date_format,
        rows_per_group: args.rows_per_group,
        // One core goes to reading (and one thread renders, a light load): the others judge.
        jobs: args.jobs.map_or_else(
            || {
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get().saturating_sub(1))
                    .max(1)
            },
            usize::from,
        ),
        procurement: args.procurement,
        generated_at: super::run_time()?,
        group_by_dir: args.group_by == Some(GroupBy::Dir),
        matching: tvcheck::matcher::MatchOptions::from_flags(args.strict, args.min_score),
    })
}

/// The exit status of a finished run: 2 when it could not read everything (fail closed), 1
/// for findings at or above `--fail-on` (or too many unidentified items, said on standard
/// error), else 0. When every report went to a file, standard error gets the one-screen
/// summary with the verdict.
fn exit_status(
    report: &report::Report,
    args: &CheckArgs,
    outputs: &[OutputSpec],
    formats: &[report::Format],
) -> ExitStatus {
    // Only findings that are not in the baseline count; waived findings never do.
    let gate = report.gate;
    let mut failed = match args.fail_on {
        FailOn::Violation => gate.violations > 0,
        FailOn::Review => gate.violations > 0 || gate.reviews > 0,
        FailOn::Never => false,
    };
    if let Some(max) = args.max_unidentified {
        let s = &report.summary;
        let pct = if s.items == 0 {
            0.0
        } else {
            s.unidentified as f64 * 100.0 / s.items as f64
        };
        if pct > max {
            failed = true;
            if !args.quiet {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(
                    err,
                    "tvcheck: {} of {} items ({pct:.1} %) have a vendor the registry cannot identify, more than --max-unidentified {max} %",
                    s.unidentified, s.items
                );
            }
        }
    }
    // Fail closed: a run that could not read everything is never "compliant".
    let incomplete = report.status == report::RunStatus::Incomplete && !args.allow_incomplete;
    let status = if incomplete {
        ExitStatus::Error
    } else if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    };
    // When the run fails (exit 2) the errors on standard error are the message.
    if !args.quiet && status != ExitStatus::Error && outputs.iter().all(|o| o.path.is_some()) {
        let why = if failed {
            let gate = report.gate;
            let mut what = Vec::new();
            if gate.violations > 0 {
                what.push(report::table::plural(
                    gate.violations,
                    "violation",
                    "violations",
                ));
            }
            if args.fail_on == FailOn::Review && gate.reviews > 0 {
                what.push(report::table::plural(gate.reviews, "review", "reviews"));
            }
            if what.is_empty() {
                ": more unidentified items than --max-unidentified allows".to_string()
            } else {
                format!(
                    ": {} at or above --fail-on {}",
                    what.join(" and "),
                    match args.fail_on {
                        FailOn::Review => "review",
                        _ => "violation",
                    }
                )
            }
        } else {
            String::new()
        };
        print_summary(report, outputs, formats, status, &why);
    }
    status
}

/// Writes the registry skeleton of the unidentified items (`--unidentified-out`) atomically,
/// and says on standard error what to do with it.
fn write_skeleton(
    report: &report::Report,
    registry: &Registry,
    path: &std::path::Path,
    quiet: bool,
) -> anyhow::Result<()> {
    let taken = |id: &str| registry.vendor(id).is_some();
    let mut entries = 0;
    tvcheck::report::output::write_atomic(path, |w| {
        entries = report::skeleton::render(report, &taken, w)?;
        Ok(())
    })?;
    if !quiet {
        let shown = Visible(&tvcheck::error::display_path(path)).to_string();
        let mut err = std::io::stderr().lock();
        let _ = if entries == 0 {
            writeln!(
                err,
                "tvcheck: every item was identified; {shown} lists no vendor"
            )
        } else {
            writeln!(
                err,
                "tvcheck: wrote {entries} vendor entr{} for {} unidentified item{} to {shown}: replace each country = \"{}\" with the country of registration, then run `tvcheck registry import {shown} --db YOUR.db`",
                if entries == 1 { "y" } else { "ies" },
                report.summary.unidentified,
                if report.summary.unidentified == 1 { "" } else { "s" },
                report::skeleton::COUNTRY_PLACEHOLDER
            )
        };
    }
    Ok(())
}

/// How many messages of each kind are repeated on standard error (the report has them all).
const STDERR_SHOWN: usize = 10;

/// Says on standard error what could not be read (inputs, then parts of inputs), the values
/// kept as written, and whether the run is incomplete. `quiet` keeps only the error that
/// fails the run.
fn warn_unread(report: &report::Report, allow_incomplete: bool, quiet: bool) {
    if quiet && (allow_incomplete || report.status == report::RunStatus::Complete) {
        return;
    }
    let mut err = std::io::stderr().lock();
    let level = if allow_incomplete { "warning" } else { "error" };
    if !quiet {
        for w in report.warnings.shown.iter().take(STDERR_SHOWN) {
            let _ = writeln!(err, "warning: {}", Visible(w));
        }
        if report.warnings.count > STDERR_SHOWN as u64 {
            let _ = writeln!(
                err,
                "warning: {} values kept as written in all (listed in the report's warnings)",
                report.warnings.count
            );
        }
        for f in &report.failed_inputs {
            let _ = writeln!(err, "{level}: {}", Visible(&f.error));
        }
        for s in report.skipped.iter().filter(|s| s.incomplete) {
            let _ = writeln!(
                err,
                "{level}: not read: {}: skipped, {}",
                Visible(&s.path),
                s.reason
            );
        }
        for row in report.skipped_rows.shown.iter().take(STDERR_SHOWN) {
            let _ = writeln!(err, "{level}: not read: {}", Visible(row));
        }
    }
    let Some(text) = report.incomplete_text() else {
        return;
    };
    let _ = writeln!(
        err,
        "{level}: {text}{}",
        if allow_incomplete {
            " (--allow-incomplete: the exit status reflects the findings alone)"
        } else {
            " (hint: fix the inputs listed, or pass --allow-incomplete to gate on the findings alone)"
        }
    );
}

/// How a table on standard output is drawn: coloured only on a terminal, never when
/// `NO_COLOR` is set (to anything but the empty string) or `TERM` is `dumb`; fitted to
/// `COLUMNS` when it is set, else to the terminal's width, else (a pipe or a file) to the fixed
/// [`report::table::DEFAULT_WIDTH`].
fn stdout_table_style() -> report::table::Style {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let width = report::table::columns_env().or_else(|| {
        if tty {
            terminal_size::terminal_size_of(&stdout)
                .map(|(w, _)| w.0)
                .filter(|&w| w > 0)
        } else {
            None
        }
    });
    report::table::Style {
        color: tty && !no_color,
        tty,
        width,
    }
}

/// The one-screen summary for a run whose reports all went to files: the counts, the verdict
/// (the exit status and why) and where each report went. On standard error, where tvcheck's
/// other notes go, so that standard output stays empty; `--quiet` leaves it out, and a run
/// that fails (exit 2) says why in its errors instead.
fn print_summary(
    report: &report::Report,
    outputs: &[OutputSpec],
    formats: &[report::Format],
    status: ExitStatus,
    why: &str,
) {
    let stderr = std::io::stderr();
    let width = report::table::columns_env().or_else(|| {
        stderr
            .is_terminal()
            .then(|| terminal_size::terminal_size_of(&stderr).map(|(w, _)| w.0))
            .flatten()
    });
    let style = report::table::Style {
        width,
        ..Default::default()
    };
    let mut text = Vec::new();
    let _ = report::table::render_summary(report, &mut text, style);
    let verdict = match status {
        ExitStatus::Success => format!("verdict: pass (exit 0){why}"),
        ExitStatus::Findings => format!("verdict: fail (exit 1){why}"),
        ExitStatus::Error => format!("verdict: error (exit 2){why}"),
    };
    let mut lines = vec![verdict];
    for (o, f) in outputs.iter().zip(formats) {
        if let Some(path) = &o.path {
            lines.push(format!(
                "report: {} -> {}",
                f.name(),
                Visible(&tvcheck::error::display_path(path))
            ));
        }
    }
    let w = report::table::prose_width(style);
    for line in lines {
        text.extend_from_slice(report::fit::wrap_line(&line, w).as_bytes());
        text.push(b'\n');
    }
    let _ = stderr.lock().write_all(&text);
}

/// The format of one rendering: its own (`FORMAT=FILE`), else `--format`, else for a file the
/// one its extension names; a file whose extension names none, without `--format`, is an
/// error rather than a table nobody asked for.
fn output_format(o: &OutputSpec, flag: Option<report::Format>) -> tvcheck::Result<report::Format> {
    if let Some(f) = o.format.or(flag) {
        return Ok(f);
    }
    let Some(path) = &o.path else {
        return Ok(report::Format::Table);
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match ext.as_deref() {
        Some("json") => report::Format::Json,
        Some("jsonl" | "ndjson") => report::Format::Jsonl,
        Some("csv") => report::Format::Csv,
        Some("md" | "markdown") => report::Format::Markdown,
        Some("html" | "htm") => report::Format::Html,
        Some("sarif") => report::Format::Sarif,
        Some("xml") => report::Format::Junit,
        Some("txt") => report::Format::Table,
        _ => {
            return Err(tvcheck::Error::new(
                tvcheck::ErrorKind::Usage,
                format!(
                    "cannot tell the report format of '{}' from its extension",
                    tvcheck::error::display_path(path)
                ),
            )
            .hint(format!(
                "name it by its format (.json, .jsonl, .csv, .md, .html, .sarif, .xml for JUnit, .txt for the table), write -o FORMAT={}, or give --format",
                tvcheck::error::display_path(path)
            )))
        }
    };
    Ok(format)
}

fn render_outputs(
    report: &report::Report,
    outputs: &[OutputSpec],
    formats: &[report::Format],
) -> anyhow::Result<()> {
    for (o, &format) in outputs.iter().zip(formats) {
        match &o.path {
            Some(path) => {
                tvcheck::report::output::write_atomic(path, |w| report::render(report, format, w))?
            }
            None => {
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                let written = if format == report::Format::Table {
                    report::table::render_styled(report, &mut out, stdout_table_style())
                } else {
                    report::render(report, format, &mut out)
                }
                .and_then(|()| out.flush());
                // A closed pipe ends this rendering; the report files after it are still
                // written.
                if let Err(e) = written {
                    let e = anyhow::Error::from(e).context("cannot write the report");
                    if !super::is_broken_pipe(&e) {
                        return Err(e);
                    }
                }
            }
        }
    }
    Ok(())
}
