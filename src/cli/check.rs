//! `tvcheck check`: resolves arguments into a check configuration, runs it and writes the report.

use std::io::Write;

use anyhow::Context;
use tvcheck::check::CheckConfig;
use tvcheck::inventory::{CsvOptions, ReadOptions};
use tvcheck::report::{self, Format};
use tvcheck::{Date, Registry};

use super::args::{CheckArgs, FormatArg};
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
    let report = tvcheck::check::run(&cfg, &registry, policies, waivers.as_ref())?;
    let format = match args.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
    };
    match &args.output {
        Some(path) => tvcheck::output::write_atomic(path, |w| report::render(&report, format, w))?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            report::render(&report, format, &mut out).context("cannot write the report")?;
            out.flush().context("cannot write the report")?;
        }
    }
    Ok(if report.has_violations() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
