//! `tvcheck check`: resolves arguments into a check configuration, runs it and writes the report.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use tvcheck::check::{CheckConfig, Progress};
use tvcheck::inventory::{CsvOptions, ReadOptions};
use tvcheck::report;
use tvcheck::{Date, Registry, Verdict};

use super::args::{CheckArgs, FailOn, GroupBy, OutputSpec};
use super::ExitStatus;

/// The time of the run: `SOURCE_DATE_EPOCH` when set (reproducible builds convention), else now.
fn run_time() -> anyhow::Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            tvcheck::Error::new(
                tvcheck::ErrorKind::Usage,
                format!("SOURCE_DATE_EPOCH='{v}' is not a whole number of seconds"),
            )
            .hint("set it to a Unix time such as 1795000000, or unset it")
            .into()
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
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

pub fn run(args: CheckArgs) -> anyhow::Result<ExitStatus> {
    let registry = Registry::open_or_embedded(args.db.as_deref())?;
    let cfg = CheckConfig {
        paths: args.paths,
        read: ReadOptions {
            csv: CsvOptions {
                delimiter: args.delimiter,
                columns: args.columns,
            },
        },
        as_of: args.as_of.unwrap_or_else(Date::today_utc),
        all: args.all,
        procurement: args.procurement,
        generated_at: run_time()?,
        group_by_dir: args.group_by == Some(GroupBy::Dir),
    };
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
        .map(tvcheck::waiver::Waivers::load)
        .transpose()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(tvcheck::baseline::Baseline::load)
        .transpose()?;
    let bar = progress_bar(args.quiet);
    let mut on_progress = |p: Progress<'_>| {
        if let Some(bar) = &bar {
            match p {
                Progress::File(f) => bar.set_message(f.to_string()),
                Progress::Items(n) => bar.set_position(n),
            }
        }
    };
    let report = tvcheck::check::run(
        &cfg,
        &registry,
        policies,
        waivers.as_ref(),
        baseline.as_ref(),
        &mut on_progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report?;
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
    for o in &outputs {
        let format = o.format.unwrap_or(args.format);
        match &o.path {
            Some(path) => {
                tvcheck::output::write_atomic(path, |w| report::render(&report, format, w))?
            }
            None => {
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                if format == report::Format::Table {
                    let tty = std::io::stdout().is_terminal();
                    let style = report::table::Style {
                        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                        tty,
                        width: None,
                    };
                    report::table::render_styled(&report, &mut out, style)
                        .context("cannot write the report")?;
                } else {
                    report::render(&report, format, &mut out).context("cannot write the report")?;
                }
                out.flush().context("cannot write the report")?;
            }
        }
    }
    // Only findings that are not in the baseline count; waived findings never do.
    let counted = |v: Verdict| {
        report
            .findings
            .iter()
            .any(|f| !f.in_baseline && f.verdict == v)
    };
    let mut failed = match args.fail_on {
        FailOn::Violation => counted(Verdict::Violation),
        FailOn::Review => counted(Verdict::Violation) || counted(Verdict::Review),
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
    Ok(if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
