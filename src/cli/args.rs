//! Command-line arguments (clap derive), as close to the flags as possible; values are
//! validated here and turned into library configuration by each subcommand module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tvcheck::inventory::ColumnOverride;
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
    Check(CheckArgs),
    /// Import, list and show registry entries.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// List, show and validate policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
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

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable tables.
    Table,
    /// Machine-readable JSON (documented schema).
    Json,
}

/// Arguments of `tvcheck check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inventory files, or folders to search for .csv, .tsv and .toml inventories.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Registry database to use instead of the embedded default registry.
    #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List every item in the report, including those that are ok.
    #[arg(long)]
    pub all: bool,
    /// Judge the inventory as of this date (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Read FIELD from the column HEADER, e.g. --column vendor=Hersteller (repeatable).
    #[arg(long = "column", value_name = "FIELD=HEADER", value_parser = parse_column)]
    pub columns: Vec<ColumnOverride>,
    /// CSV delimiter: ',', ';', 'tab' or any single character; default: detected from the header.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
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
}

/// `tvcheck registry ...`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Import TOML or CSV registry files into a database (created if needed), in one transaction.
    Import {
        /// Registry import files (.toml or .csv).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The registry database to write.
        #[arg(long, env = "TVCHECK_DB", value_name = "PATH")]
        db: Option<PathBuf>,
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
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

fn parse_column(s: &str) -> Result<ColumnOverride, String> {
    ColumnOverride::parse(s)
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
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
