//! Command-line arguments (clap derive), as close to the flags as possible; values are
//! validated here and turned into library configuration by each subcommand module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tvcheck::inventory::ColumnOverride;
use tvcheck::report::Format;
use tvcheck::Date;

/// Check equipment inventories against a registry of designated ("untrusted") manufacturers.
///
/// Exit status: 0 when no item is in breach, 1 when at least one is, 2 on any error
/// (bad usage, unreadable or invalid input, unusable registry).
#[derive(Debug, Parser)]
#[command(name = "tvcheck", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check inventory files or folders (CSV, TSV, TOML) against the registry.
    Check(Box<CheckArgs>),
    /// Import, list and show registry entries.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// List, show and validate policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Work with reports already written.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Explain how a vendor (and model) string is matched: normalised form, word weights,
    /// candidates with scores and evidence, and the decision with its reason.
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard
    /// output, e.g. `tvcheck completions bash > /etc/bash_completion.d/tvcheck`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output, e.g. `tvcheck man > tvcheck.1`.
    Man,
    /// Work with the configuration file (tvcheck.toml) of `tvcheck check`.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `tvcheck config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented example tvcheck.toml (valid as it is) to edit.
    Init {
        /// Where to write it (atomically); default: tvcheck.toml in the working directory.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace a file that is already there.
        #[arg(long)]
        force: bool,
    },
}

/// Arguments of `tvcheck explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The vendor string, as an inventory would have it.
    pub vendor: String,
    /// The model string.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// Registry database; default: the embedded registry.
    #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Judge as of this date (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Decide under this policy (repeatable); default: designated on any list.
    #[arg(long = "policy", value_name = "ID|FILE")]
    pub policies: Vec<String>,
    /// Exact matching only.
    #[arg(long)]
    pub strict: bool,
    /// The lowest score a fuzzy match may have (default 0.6).
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub min_score: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// `tvcheck report ...`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Recompute the digests a JSON report records (inputs, registry, policies, waivers) and say
    /// whether anything changed since (exit 0 unchanged, 1 changed, 2 error).
    Verify {
        /// A report written by `tvcheck check --format json`; `-` reads it from standard
        /// input.
        report: PathBuf,
        /// Registry database the report was made with, when it was not the embedded one.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Merge the JSON reports of shards of one audit (same registry, policies, as-of date,
    /// waivers and baseline; each inventory in one shard) into one report: the findings of
    /// each in turn, every count summed. Refuses reports made differently, naming how.
    Merge {
        /// Reports written by `tvcheck check --format json`, in the order their findings go.
        #[arg(required = true, num_args = 2..)]
        reports: Vec<PathBuf>,
        /// Where to write the merged report (atomically; never over one of the reports);
        /// default: standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `tvcheck policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the policies shipped with tvcheck.
    List {
        /// Registry database to validate against; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Show a policy: legal basis, rules, scope and deadlines.
    Show {
        /// A shipped policy id (e.g. lt-5g) or the path of a policy file.
        policy: String,
        /// Registry database to validate against; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Validate policy files without checking anything (exit 0 when all are valid).
    Check {
        /// Policy files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Registry database to validate list and entity ids against; default: embedded.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

/// Which findings fail a run (exit status 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any violation.
    Violation,
    /// Any violation or review.
    Review,
    /// Never: exit 0 unless there is an error.
    Never,
}

/// One requested rendering of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    /// The format; `None` means the `--format` value.
    pub format: Option<Format>,
    /// The file; `None` means standard output.
    pub path: Option<PathBuf>,
}

pub(super) fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        format!(
            "'{s}' is not a report format; use one of {}",
            Format::names()
        )
    })
}

pub(super) fn parse_output(s: &str) -> Result<OutputSpec, String> {
    if let Some((fmt, path)) = s.split_once('=') {
        if let Some(format) = Format::parse(fmt) {
            if path.is_empty() {
                return Err(format!("'{s}' names no file after '='"));
            }
            return Ok(OutputSpec {
                format: Some(format),
                path: Some(PathBuf::from(path)),
            });
        }
        if !fmt.contains(['/', '\\', '.']) {
            return Err(format!(
                "'{fmt}' is not a report format; use one of {}",
                Format::names()
            ));
        }
    }
    if let Some(format) = Format::parse(s) {
        return Ok(OutputSpec {
            format: Some(format),
            path: None,
        });
    }
    Ok(OutputSpec {
        format: None,
        path: Some(PathBuf::from(s)),
    })
}

/// Formats of the registry and policy listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable tables.
    Table,
    /// Machine-readable JSON (documented schema).
    Json,
}

/// `check --registry-snapshot FILE --trust PUBKEY...`.
#[derive(Debug, Args)]
pub struct SnapshotSource {
    /// Use a signed registry snapshot (.tvreg, from `registry publish`) instead of a database:
    /// verified against the --trust keys and used in memory. The report records its digest,
    /// revision, publisher, signer and publication time; --max-registry-age applies to the
    /// publication time.
    #[arg(long, value_name = "FILE.tvreg", conflicts_with = "db")]
    pub registry_snapshot: Option<PathBuf>,
    /// A trusted snapshot publisher's public key, for --registry-snapshot: a minisign .pub file
    /// or its key line (repeatable).
    #[arg(long, value_name = "PUBKEY", requires = "registry_snapshot")]
    pub trust: Vec<String>,
}

/// Arguments of `tvcheck check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inventory files, or folders to search for inventories (.csv .tsv .toml .json .jsonl
    /// .ndjson, CycloneDX, .xlsx .xlsm .xls .ods, nmap .xml, NetBox exports); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read the settings of this configuration file (see `tvcheck config init`); default:
    /// tvcheck.toml in the working directory, when there is one (never one in a scanned
    /// folder). Flags given on the command line win over its settings.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read tvcheck.toml from the working directory.
    #[arg(long)]
    pub no_config: bool,
    /// The arguments given on the command line or by an environment variable (clap ids), not
    /// taken by default: what a configuration file may not override.
    #[arg(skip)]
    pub explicit: Vec<String>,
    /// Registry database to use instead of the embedded default registry.
    #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Use the --db registry without verifying its content against its change log (the report
    /// records it as unverified). Its schema is checked all the same.
    #[arg(long)]
    pub no_verify_registry: bool,
    /// --registry-snapshot and --trust (boxed: `Command::Check` stays small).
    #[command(flatten)]
    pub snapshot: Box<SnapshotSource>,
    /// Report format for standard output (default: table) and for `--output FILE` without a
    /// format (default: from the file's extension: .json, .jsonl/.ndjson, .csv, .md, .html,
    /// .sarif, .xml for JUnit, .txt for the table)
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,
    /// Where to write reports (repeatable; one evaluation, many renderings): FILE (in --format),
    /// FORMAT=FILE, or FORMAT alone for standard output. Files are written atomically; a file
    /// the run reads (an inventory, the waivers, baseline, a policy or the registry) or two -o
    /// naming one file are refused.
    #[arg(short = 'o', long = "output", value_name = "[FORMAT=]FILE", value_parser = parse_output)]
    pub outputs: Vec<OutputSpec>,
    /// Exit with status 1 when a finding is at or above this level: violation (default),
    /// review, or never.
    #[arg(long, value_enum, default_value_t = FailOn::Violation)]
    pub fail_on: FailOn,
    /// List every item in the report, including those that are ok.
    #[arg(long)]
    pub all: bool,
    /// Rows the table, Markdown and HTML reports show per group of findings (a group: one
    /// registry entry under one rule); the groups' counts are always complete, and JSON, JSON
    /// Lines, CSV, SARIF and JUnit list every finding.
    #[arg(long, value_name = "N", default_value_t = tvcheck::report::groups::ROWS_PER_GROUP)]
    pub rows_per_group: usize,
    /// Threads that judge items (default: one less than the number of CPUs, at least 1; one
    /// more thread reads and one writes the reports). The report is the same for any number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Judge the inventory as of this date (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// How ambiguous install dates are written: dmy (03/04/2019 is 3 April), mdy (4 March)
    /// or ymd (for two-digit years, 19/04/03). Without it an ambiguous date is judged as
    /// unknown, with a warning. Unambiguous forms are always read: 2019-06-14, 2019/06/14,
    /// 2019.06.14, 14.06.2019 (day first), 14/06/2019 and 06/14/2019.
    #[arg(long, value_name = "dmy|mdy|ymd", value_parser = parse_date_format)]
    pub date_format: Option<tvcheck::installed::DateOrder>,
    /// Read FIELD from the column HEADER, e.g. --column vendor=Hersteller (repeatable).
    #[arg(long = "column", value_name = "FIELD=HEADER", value_parser = parse_column)]
    pub columns: Vec<ColumnOverride>,
    /// CSV delimiter: ',', ';', 'tab' or any single character; default: detected from the header.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Text encoding of CSV, TSV and TOML inputs, as a WHATWG label: utf-8, windows-1257,
    /// windows-1252, latin1, iso-8859-13, utf-16le, ... Default: detected (a byte-order mark,
    /// UTF-16, UTF-8, else a guess from the content); a byte-order mark still wins.
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static tvcheck::inventory::decode::Encoding>,
    /// Workbooks: read only this sheet (default: every visible sheet with a header row).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Read the files named on the command line (and standard input, `-`) in this format
    /// whatever their extension: csv, tsv, toml, json, jsonl, cyclonedx, xlsx, xls, ods or
    /// nmap.
    #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
    pub input_format: Option<tvcheck::inventory::Format>,
    /// Exit on the findings alone (0 or 1) even when part of the inventories could not be
    /// read; the report still says the run is incomplete. Without it an incomplete run
    /// exits 2.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Accepted for compatibility: an incomplete run always fails now (see --allow-incomplete).
    #[arg(long, hide = true)]
    pub strict_input: bool,
    /// Exact matching only: no fuzzy matches (typos, shortenings, partial names), for CI gates
    /// that must not flag on guesses.
    #[arg(long)]
    pub strict: bool,
    /// The lowest score (0 to 1) a fuzzy match may have to be reported (default 0.6).
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub min_score: Option<f64>,
    /// Evaluate this policy: a shipped id (lt-5g, us-fcc-covered, ...) or a policy file path.
    /// Repeat to evaluate several policies separately. Default: designated on any list.
    #[arg(long = "policy", value_name = "ID|FILE")]
    pub policies: Vec<String>,
    /// Approved waivers (TOML); never read implicitly from a scanned folder.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Judge every item as a new purchase: bans apply at once, no phase-out periods.
    #[arg(long)]
    pub procurement: bool,
    /// An earlier JSON report: only findings not in it count towards the exit status. A finding
    /// is in it when file, asset id (or line), entry, policy, rule and the item's content match.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Fail (exit 1) when more than PCT percent of items have a vendor and model the registry
    /// cannot identify.
    #[arg(long, value_name = "PCT", value_parser = parse_pct)]
    pub max_unidentified: Option<f64>,
    /// Write the vendors of the items the registry could not identify to FILE as a registry
    /// skeleton (the TOML import format): one [[vendor]] per distinct vendor string, with the
    /// item count and where it occurs, to complete (country) and import with `registry import`.
    #[arg(long, value_name = "FILE.toml")]
    pub unidentified_out: Option<PathBuf>,
    /// Summarise the inputs per folder (e.g. one folder per operator).
    #[arg(long, value_enum, value_name = "dir")]
    pub group_by: Option<GroupBy>,
    /// No progress display and no notes on standard error (errors are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Fail with an error (exit 2) when the registry's last change is older than AGE
    /// (e.g. 90d, 12w).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub max_registry_age: Option<u32>,
    /// List the items whose verdict differs from what registry revision REV (of --db) or an
    /// earlier JSON report gave: what to re-examine after a list update.
    #[arg(long, value_name = "REV|REPORT.json")]
    pub since_registry: Option<String>,
}

/// How inputs are grouped in the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// By the folder holding each inventory file.
    Dir,
}

pub(super) fn parse_encoding(
    s: &str,
) -> Result<&'static tvcheck::inventory::decode::Encoding, String> {
    tvcheck::inventory::decode::for_label(s).ok_or_else(|| {
        format!(
            "'{s}' is not an encoding label tvcheck knows; use a WHATWG label such as {}",
            tvcheck::inventory::decode::LABEL_EXAMPLES
        )
    })
}

pub(super) fn parse_pct(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("'{s}' is not a percentage"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("'{s}' is not between 0 and 100"));
    }
    Ok(v)
}

/// `tvcheck registry ...`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Import TOML or CSV registry files into a database (created if needed), in one
    /// transaction, as one new revision.
    Import {
        /// Registry import files (.toml or .csv).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The registry database to write.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Who makes the change (default: the OS user).
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
    },
    /// Retire an entry: it stays in the registry but no longer applies from the given date.
    Retire {
        /// The entry's id.
        id: String,
        /// Why (recorded in the change log).
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// From when it no longer applies (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<Date>,
        /// The registry database to write.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Who makes the change (default: the OS user).
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
    },
    /// Delist an entry from one list: the listing stays on record but no longer applies from
    /// the given date.
    Delist {
        /// The entry's id.
        id: String,
        /// The list it is delisted from.
        #[arg(long, value_name = "LIST")]
        list: String,
        /// Why (recorded in the change log).
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// From when the listing no longer applies (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<Date>,
        /// The registry database to write.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Who makes the change (default: the OS user).
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
    },
    /// List the registry's entries.
    List {
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Show one entry with its aliases, model patterns, parent and listings.
    Show {
        /// The entry's id.
        id: String,
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// The change log: every revision with time, actor, source files and what changed.
    History {
        /// Only changes to this entry.
        id: Option<String>,
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Revision, last change, counts, schema version and content digest.
    Status {
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Warn when the last change is older than this (e.g. 90d, 12w).
        #[arg(long, value_name = "AGE", default_value = "90d", value_parser = parse_age)]
        max_age: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// What changed between two revisions (`--from REV [--to REV]`) or two databases
    /// (`OLD.db NEW.db`): entries and listings added, retired, delisted and changed.
    Diff {
        /// Two registry databases to compare: OLD NEW.
        #[arg(value_name = "DB", num_args = 0..=2)]
        dbs: Vec<PathBuf>,
        /// The earlier revision.
        #[arg(long, value_name = "REV")]
        from: Option<u64>,
        /// The later revision (default: the latest).
        #[arg(long, value_name = "REV")]
        to: Option<u64>,
        /// Registry database, for --from/--to.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Write the registry in its import format (TOML: lossless; CSV: vendors and listings).
    Export {
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// toml or csv.
        #[arg(long, value_enum, default_value_t = ExportFormat::Toml)]
        format: ExportFormat,
        /// Write to this file (atomically) instead of standard output; the database in use is
        /// refused.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Run SQLite's integrity check and recompute the content digest of every revision; with
    /// --snapshot, verify a signed snapshot instead (by default against the project's key,
    /// and that it holds this tvcheck's embedded registry).
    Verify {
        /// The registry database.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// A signed registry snapshot (.tvreg) to verify.
        #[arg(long, value_name = "FILE.tvreg")]
        snapshot: Option<PathBuf>,
        /// Trusted public key for --snapshot (repeatable); default: the project's key.
        #[arg(long, value_name = "PUBKEY", requires = "snapshot")]
        trust: Vec<String>,
    },
    /// Make a minisign key pair for signing registry snapshots: NAME.key (the secret key,
    /// encrypted with TVCHECK_KEY_PASSWORD or --password-file; mode 0600) and NAME.pub.
    /// Existing files are never overwritten.
    Keygen {
        /// Path and name of the two files, without extension.
        #[arg(long, short = 'o', value_name = "NAME")]
        output: PathBuf,
        /// Write the secret key without a password (only onto an encrypted, offline medium).
        #[arg(long)]
        unencrypted: bool,
        /// Read the password from the first line of this file instead of TVCHECK_KEY_PASSWORD.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Write a signed snapshot of the registry (.tvreg): the lossless TOML export, its
    /// metadata and a minisign signature over both.
    Publish {
        /// Registry database; default: the embedded registry.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// The secret key (from `registry keygen` or minisign -G).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// Read the key's password from the first line of this file instead of
        /// TVCHECK_KEY_PASSWORD.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Who publishes it (recorded, signed).
        #[arg(long, value_name = "NAME")]
        publisher: String,
        /// Publication time, YYYY-MM-DDTHH:MM:SSZ; default: SOURCE_DATE_EPOCH, else now.
        #[arg(long, value_name = "TIME")]
        published_at: Option<String>,
        /// The snapshot file to write (atomically).
        #[arg(long, short = 'o', value_name = "FILE.tvreg")]
        output: PathBuf,
    },
    /// Verify a signed snapshot (file or https:// URL) against trusted keys and import it into
    /// a database as a new revision; an older snapshot than the last one pulled is refused.
    Pull {
        /// A snapshot file, or its https:// URL (http:// only from localhost).
        #[arg(value_name = "SOURCE")]
        source: String,
        /// The registry database to write (created if needed).
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
        /// A trusted publisher's public key: minisign .pub file or key line (repeatable).
        #[arg(long, value_name = "PUBKEY", required = true)]
        trust: Vec<String>,
        /// Accept a snapshot older than the last one pulled (recorded in the history).
        #[arg(long)]
        allow_downgrade: bool,
        /// Give up a download that has not finished after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
        timeout: f64,
        /// The largest snapshot accepted, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = tvcheck::registry::snapshot::SIZE_LIMIT)]
        max_size: u64,
        /// Who is importing (default: the OS user).
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The TOML import format (lossless).
    Toml,
    /// The CSV import format.
    Csv,
}

/// Parses an age such as `90d`, `12w` or `90` (days).
pub fn parse_age(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last() {
        Some('d') => (&t[..t.len() - 1], 1),
        Some('w') => (&t[..t.len() - 1], 7),
        Some(c) if c.is_ascii_digit() => (t, 1),
        _ => return Err(format!("'{s}' is not an age such as 90d or 12w")),
    };
    num.parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("'{s}' is not an age such as 90d or 12w"))
}

pub(super) fn parse_input_format(s: &str) -> Result<tvcheck::inventory::Format, String> {
    tvcheck::inventory::Format::parse(s).ok_or_else(|| {
        format!(
            "'{s}' is not an input format; use one of {}",
            tvcheck::inventory::Format::names()
        )
    })
}

pub(super) fn parse_score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a score between 0 and 1")),
    }
}

pub(super) fn parse_date_format(s: &str) -> Result<tvcheck::installed::DateOrder, String> {
    tvcheck::installed::DateOrder::parse(s).ok_or_else(|| {
        format!("'{s}' is not a date format; use dmy (day first), mdy (month first) or ymd (year first)")
    })
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

pub(super) fn parse_column(s: &str) -> Result<ColumnOverride, String> {
    ColumnOverride::parse(s)
}

pub(super) fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!(
            "'{s}' is not a delimiter: use one ASCII character such as ',' or ';', or 'tab'"
        )),
    }
}
