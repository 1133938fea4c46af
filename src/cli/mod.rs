//! The command-line shell: argument parsing, dispatch to one module per subcommand, and the
//! mapping of results to exit statuses (0 compliant, 1 findings, 2 error). This is the only
//! place that prints and the only place that uses `anyhow`.

mod args;
mod check;
mod config_file;
mod explain;
mod merge;
mod policy;
mod registry;
mod snapshot;
mod verify;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

pub use self::args::{Cli, Command};

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above the fail threshold.
    Success,
    /// At least one finding at or above the fail threshold.
    Findings,
    /// The tool could not do its job.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(match s {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        })
    }
}

/// Parses `args`, runs the command and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let mut command = <Cli as clap::CommandFactory>::command();
    if args.iter().skip(1).any(|a| a == "--version") {
        // Only then: the embedded registry's digest takes a few milliseconds to compute.
        command = command.long_version(long_version());
    }
    let parsed = command.try_get_matches_from(args).and_then(|m| {
        let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&m)?;
        if let (Command::Check(args), Some(sub)) = (&mut cli.command, m.subcommand_matches("check"))
        {
            args.explicit = explicit_args(sub);
        }
        Ok(cli)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    match run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitStatus::Success.into();
            }
            let mut stderr = std::io::stderr().lock();
            match err
                .chain()
                .next()
                .and_then(|c| c.downcast_ref::<tvcheck::Error>())
            {
                // A diagnostic with its code (`error[TV0102]: ...`), or every problem of a
                // file, each on its line, then their count.
                Some(e) if e.code().is_some() || !e.problems().is_empty() => {
                    let _ = writeln!(stderr, "{e}");
                }
                _ => {
                    let _ = writeln!(stderr, "error: {}", message(&err));
                }
            }
            ExitStatus::Error.into()
        }
    }
}

/// The ids of the arguments given on the command line or by an environment variable (not by
/// a default): the settings a configuration file may not override.
fn explicit_args(m: &clap::ArgMatches) -> Vec<String> {
    use clap::parser::ValueSource;
    m.ids()
        .filter(|id| {
            matches!(
                m.value_source(id.as_str()),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        })
        .map(|id| id.as_str().to_string())
        .collect()
}

/// What `tvcheck --version` says: the version, the git commit and date of the build, and the
/// embedded registry's digest, size and last change.
fn long_version() -> String {
    let registry = match tvcheck::Registry::embedded() {
        Ok(r) => format!(
            "sha256 {}, {} entries, {} listings, last changed {}",
            r.digest,
            r.data.vendors.len(),
            r.data.listing_count(),
            r.last_change.as_deref().unwrap_or("(unknown)")
        ),
        Err(e) => format!("cannot be read: {e}"),
    };
    format!(
        "{}\ncommit: {}\nbuilt: {}\nembedded registry: {registry}",
        env!("CARGO_PKG_VERSION"),
        env!("TVCHECK_GIT_COMMIT"),
        env!("TVCHECK_BUILD_DATE"),
    )
}

/// The error on one line: each context, then the error it wraps. A library error already says
/// in plain words what its cause was, so its typed cause is not repeated. Every part is shown
/// with control characters in their visible form ([`tvcheck::escape`]).
fn message(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for c in err.chain() {
        parts.push(tvcheck::escape::visible(&c.to_string()).into_owned());
        if c.downcast_ref::<tvcheck::Error>().is_some() {
            break;
        }
    }
    parts.join(": ")
}

/// Whether `err` comes from writing to a pipe whose reader has gone (`tvcheck ... | head`):
/// that ends the output, and is not a failure. The I/O error is found through the chain of
/// causes: contexts, the library's [`tvcheck::Error`] (which keeps its typed cause), and
/// serde_json's error, which keeps the I/O error without returning it as its source.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Registry(cmd) => registry::run(cmd),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Report(args::ReportCommand::Merge { reports, output }) => {
            merge::run(reports, output)
        }
        Command::Report(args::ReportCommand::Verify { report, db }) => verify::run(report, db),
        Command::Explain(args) => explain::run(args),
        Command::Config(args::ConfigCommand::Init { output, force }) => {
            config_file::init(output, force)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut command, "tvcheck", &mut out);
            out.flush()?;
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut out)?;
            out.flush()?;
            Ok(ExitStatus::Success)
        }
    }
}

/// The time of the run: `SOURCE_DATE_EPOCH` when set (reproducible builds convention), else now.
pub(crate) fn run_time() -> anyhow::Result<i64> {
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

/// Who is making a registry change: `--actor`, else the OS user.
pub(crate) fn actor(given: Option<String>) -> String {
    given
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}
