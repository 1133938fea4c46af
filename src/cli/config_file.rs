//! The configuration file of `tvcheck check` (`tvcheck.toml`): the settings a CI job repeats
//! (policies, waivers, fail-on, outputs, column mappings, registry...). It is read from the
//! working directory or from `--config FILE`, never from a folder being scanned; its settings
//! are merged under the command line's (a flag given wins) before anything runs, so the library
//! only ever sees merged settings. Unknown keys, wrong types and bad values are errors naming
//! the file, line and column. `tvcheck config init` writes the commented example [`EXAMPLE`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use tvcheck::report::ConfigInfo;
use tvcheck::{Error, ErrorKind, Location};

use super::args::{self, CheckArgs, FailOn, GroupBy};
use super::ExitStatus;

/// The name looked for in the working directory.
pub const FILE_NAME: &str = "tvcheck.toml";

/// Size limit of a configuration file.
const LIMIT: u64 = 1 << 20;

/// The file as written: every key optional, none unknown.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    policies: Option<Vec<Spanned<String>>>,
    waivers: Option<Spanned<String>>,
    baseline: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    outputs: Option<Vec<Spanned<String>>>,
    columns: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    delimiter: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    date_format: Option<Spanned<String>>,
    sheet: Option<String>,
    input_format: Option<Spanned<String>>,
    max_unidentified: Option<Spanned<f64>>,
    unidentified_out: Option<Spanned<String>>,
    db: Option<Spanned<String>>,
    max_registry_age: Option<Spanned<String>>,
    procurement: Option<bool>,
    strict: Option<bool>,
    min_score: Option<Spanned<f64>>,
    allow_incomplete: Option<bool>,
    all: Option<bool>,
    rows_per_group: Option<usize>,
    group_by: Option<Spanned<String>>,
    quiet: Option<bool>,
    /// Refused with its own message: the judging date is not a repeated setting.
    as_of: Option<Spanned<toml::Value>>,
    /// Refused with its own message: an opt-out of a safety check belongs on the command line.
    no_verify_registry: Option<Spanned<toml::Value>>,
}

/// The settings of a configuration file, validated, with paths relative to its folder.
#[derive(Debug, Default)]
struct Settings {
    policies: Option<Vec<String>>,
    waivers: Option<PathBuf>,
    baseline: Option<PathBuf>,
    fail_on: Option<FailOn>,
    format: Option<tvcheck::report::Format>,
    outputs: Option<Vec<args::OutputSpec>>,
    columns: Vec<tvcheck::inventory::ColumnOverride>,
    delimiter: Option<u8>,
    encoding: Option<&'static tvcheck::inventory::decode::Encoding>,
    date_format: Option<tvcheck::installed::DateOrder>,
    sheet: Option<String>,
    input_format: Option<tvcheck::inventory::Format>,
    max_unidentified: Option<f64>,
    unidentified_out: Option<PathBuf>,
    db: Option<PathBuf>,
    max_registry_age: Option<u32>,
    procurement: Option<bool>,
    strict: Option<bool>,
    min_score: Option<f64>,
    allow_incomplete: Option<bool>,
    all: Option<bool>,
    rows_per_group: Option<usize>,
    group_by: Option<GroupBy>,
    quiet: Option<bool>,
}

/// A configuration file that was read: where, its digest (for the report) and its settings.
#[derive(Debug)]
pub struct Loaded {
    /// The file as named.
    pub path: PathBuf,
    /// Its path and SHA-256, as the report records them.
    pub info: ConfigInfo,
}

struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
    /// The folder relative paths are taken from.
    dir: &'a Path,
}

impl Cx<'_> {
    fn err(&self, offset: usize, msg: impl Into<String>) -> Error {
        let (l, c) = tvcheck::error::line_col(self.text, offset);
        Error::at(ErrorKind::Usage, Location::at(self.path, l, c), msg)
    }

    /// A value checked by the command line's own parser for `flag`.
    fn value<T>(
        &self,
        v: &Option<Spanned<String>>,
        key: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> tvcheck::Result<Option<T>> {
        let Some(v) = v else { return Ok(None) };
        parse(v.get_ref())
            .map(Some)
            .map_err(|m| self.err(v.span().start, format!("{key}: {m}")))
    }

    /// A path, relative to the configuration file's folder unless absolute.
    fn path(&self, v: &Option<Spanned<String>>, key: &str) -> tvcheck::Result<Option<PathBuf>> {
        let Some(v) = v else { return Ok(None) };
        if v.get_ref().trim().is_empty() {
            return Err(self.err(v.span().start, format!("{key}: the path is empty")));
        }
        Ok(Some(self.dir.join(v.get_ref())))
    }

    fn choice<T: Copy>(
        &self,
        v: &Option<Spanned<String>>,
        key: &str,
        all: &[(&str, T)],
    ) -> tvcheck::Result<Option<T>> {
        self.value(v, key, |s| {
            all.iter()
                .find(|(n, _)| *n == s)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
                    format!("'{s}' is not one of {}", names.join(", "))
                })
        })
    }
}

/// Parses and validates the text of a configuration file.
fn parse(path: &Path, text: &str) -> tvcheck::Result<Settings> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let cx = Cx { path, text, dir };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        cx.err(
            e.span().map_or(0, |s| s.start),
            format!(
                "invalid configuration: {}",
                // The keys read only to be refused are not offered.
                tvcheck::error::one_line(e.message())
                    .replace(", `as-of`, `no-verify-registry`", "")
            ),
        )
        .hint("see \"Configuration file\" in the README, or `tvcheck config init -o example.toml` for every setting")
    })?;
    if let Some(v) = &raw.as_of {
        return Err(cx
            .err(v.span().start, "as-of cannot be set in a configuration file")
            .hint("a fixed judging date would keep passing after a deadline; give --as-of on the command line for the run that needs it"));
    }
    if let Some(v) = &raw.no_verify_registry {
        return Err(cx
            .err(
                v.span().start,
                "no-verify-registry cannot be set in a configuration file",
            )
            .hint("turning off the registry's verification must be seen where the run is started: give --no-verify-registry on the command line"));
    }
    let policies = raw.policies.as_ref().map(|ps| {
        ps.iter()
            .map(|p| {
                let spec = p.get_ref();
                // A shipped id stays an id; a policy file is relative to this file's folder.
                if spec.contains('/') || spec.contains('\\') || spec.ends_with(".toml") {
                    cx.dir.join(spec).to_string_lossy().into_owned()
                } else {
                    spec.clone()
                }
            })
            .collect()
    });
    let outputs = match &raw.outputs {
        None => None,
        Some(list) => {
            let mut out = Vec::with_capacity(list.len());
            for o in list {
                let mut spec = args::parse_output(o.get_ref())
                    .map_err(|m| cx.err(o.span().start, format!("outputs: {m}")))?;
                spec.path = spec.path.map(|p| cx.dir.join(p));
                out.push(spec);
            }
            Some(out)
        }
    };
    let mut columns = Vec::new();
    for (field, header) in raw.columns.iter().flatten() {
        let c = args::parse_column(&format!("{}={}", field.get_ref(), header.get_ref()))
            .map_err(|m| cx.err(field.span().start, format!("columns: {m}")))?;
        columns.push(c);
    }
    let pct = |v: &Option<Spanned<f64>>, key: &str, check: fn(&str) -> Result<f64, String>| match v
    {
        None => Ok(None),
        Some(x) => check(&x.get_ref().to_string())
            .map(Some)
            .map_err(|m| cx.err(x.span().start, format!("{key}: {m}"))),
    };
    Ok(Settings {
        policies,
        waivers: cx.path(&raw.waivers, "waivers")?,
        baseline: cx.path(&raw.baseline, "baseline")?,
        fail_on: cx.choice(
            &raw.fail_on,
            "fail-on",
            &[
                ("violation", FailOn::Violation),
                ("review", FailOn::Review),
                ("never", FailOn::Never),
            ],
        )?,
        format: cx.value(&raw.format, "format", args::parse_format)?,
        outputs,
        columns,
        delimiter: cx.value(&raw.delimiter, "delimiter", args::parse_delimiter)?,
        encoding: cx.value(&raw.encoding, "encoding", args::parse_encoding)?,
        date_format: cx.value(&raw.date_format, "date-format", args::parse_date_format)?,
        sheet: raw.sheet,
        input_format: cx.value(&raw.input_format, "input-format", args::parse_input_format)?,
        max_unidentified: pct(&raw.max_unidentified, "max-unidentified", args::parse_pct)?,
        unidentified_out: cx.path(&raw.unidentified_out, "unidentified-out")?,
        db: cx.path(&raw.db, "db")?,
        max_registry_age: cx.value(&raw.max_registry_age, "max-registry-age", args::parse_age)?,
        procurement: raw.procurement,
        strict: raw.strict,
        min_score: pct(&raw.min_score, "min-score", args::parse_score)?,
        allow_incomplete: raw.allow_incomplete,
        all: raw.all,
        rows_per_group: raw.rows_per_group,
        group_by: cx.choice(&raw.group_by, "group-by", &[("dir", GroupBy::Dir)])?,
        quiet: raw.quiet,
    })
}

/// Reads the configuration file of a check (`--config FILE`, else `tvcheck.toml` in the
/// working directory unless `--no-config`) and merges its settings under the command line's.
/// Returns the merged arguments and the file read, if any.
pub fn apply(mut a: CheckArgs) -> anyhow::Result<(CheckArgs, Option<Loaded>)> {
    let path = match (&a.config, a.no_config) {
        (Some(p), _) => p.clone(),
        (None, true) => return Ok((a, None)),
        (None, false) => {
            let p = PathBuf::from(FILE_NAME);
            // Only a file that is there is read; anything else named so (a folder, a
            // dangling link) is read and refused, so that it is never silently passed over.
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok((a, None));
            }
            p
        }
    };
    let bytes =
        tvcheck::source::read_regular_file(&path, LIMIT, "configuration file", ErrorKind::Usage)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let (l, c) = tvcheck::error::line_col(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        Error::at(
            ErrorKind::Usage,
            Location::at(&path, l, c),
            "the configuration file is not UTF-8 text",
        )
        .hint("save it as UTF-8")
    })?;
    let s = parse(&path, text)?;
    let info = ConfigInfo {
        path: tvcheck::error::display_path(&path),
        sha256: tvcheck::source::digest::sha256_hex(&bytes),
    };
    let given = |id: &str| a.explicit.iter().any(|e| e == id);
    macro_rules! take {
        ($field:ident) => {
            if !given(stringify!($field)) {
                if let Some(v) = s.$field {
                    a.$field = v;
                }
            }
        };
        ($field:ident, opt) => {
            if !given(stringify!($field)) && s.$field.is_some() {
                a.$field = s.$field;
            }
        };
    }
    take!(policies);
    take!(waivers, opt);
    take!(baseline, opt);
    take!(fail_on);
    take!(format, opt);
    take!(outputs);
    take!(delimiter, opt);
    take!(encoding, opt);
    take!(date_format, opt);
    take!(sheet, opt);
    take!(input_format, opt);
    take!(max_unidentified, opt);
    take!(unidentified_out, opt);
    // A registry snapshot named on the command line replaces the file's registry database.
    if a.snapshot.registry_snapshot.is_none() {
        take!(db, opt);
    }
    take!(max_registry_age, opt);
    take!(procurement);
    take!(strict);
    take!(min_score, opt);
    take!(allow_incomplete);
    take!(all);
    take!(rows_per_group);
    take!(group_by, opt);
    take!(quiet);
    // Column mappings merge field by field: a --column for a field replaces the file's.
    let mut columns: Vec<_> = s
        .columns
        .into_iter()
        .filter(|c| !a.columns.iter().any(|d| d.field == c.field))
        .collect();
    columns.append(&mut a.columns);
    a.columns = columns;
    Ok((a, Some(Loaded { path, info })))
}

/// The file `tvcheck config init` writes: every setting, explained; the ones that are not
/// defaults commented out, so that the file is valid and changes nothing as it is.
pub const EXAMPLE: &str = r#"# tvcheck.toml: the settings of `tvcheck check` that a CI job repeats.
#
# tvcheck reads tvcheck.toml from the working directory (never from a folder it scans), or
# the file given with `--config FILE`; `--no-config` ignores the one in the working directory.
# A flag given on the command line wins over the setting here (--column per field). Relative
# paths are relative to the folder of this file. The JSON report records this file's path and
# SHA-256 (tool.config), and `report verify` checks it. Unknown keys are errors.
#
# Not settable here: the judging date (give --as-of on the command line: a fixed date would
# keep passing after a deadline) and --no-verify-registry (an opt-out of a safety check).
# A setting that is on here (procurement = true, ...) cannot be turned off by a flag: use
# --config with another file, or --no-config.

# Policies to evaluate: shipped ids (`tvcheck policy list`) or policy files.
# Default: an item designated on any list is a violation.
#policies = ["lt-5g"]

# Which findings fail the run (exit 1): violation, review or never.
fail-on = "violation"

# Approved waivers, and an earlier JSON report whose findings do not fail the run.
#waivers = "waivers.toml"
#baseline = "baseline.json"

# Reports: the format on standard output (table, json, jsonl, csv, markdown, html, sarif,
# junit), and renderings of the one evaluation, as with -o: FILE, FORMAT=FILE or FORMAT.
#format = "table"
#outputs = ["json=tvcheck-report.json", "sarif=tvcheck.sarif", "table"]

# The registry: a database instead of the embedded registry, and the oldest last change
# accepted (90d, 12w).
#db = "registry.db"
#max-registry-age = "90d"

# Coverage: fail when more than this percentage of items is unidentified, and write the
# unknown vendors as a registry skeleton.
#max-unidentified = 5.0
#unidentified-out = "new-vendors.toml"

# Reading the inventories: column names (field = "header"), CSV delimiter, text encoding,
# how ambiguous dates are written (dmy, mdy, ymd), the workbook sheet, and a format for the
# files named whatever their extension.
#delimiter = ";"
#encoding = "windows-1257"
#date-format = "dmy"
#sheet = "Inventory"
#input-format = "csv"

# Judging: every item as a new purchase; exact matches only; the lowest fuzzy score.
#procurement = false
#strict = false
#min-score = 0.6

# The run: exit on the findings alone when part of the inputs could not be read; list ok
# items; rows per group of findings in table, Markdown and HTML; a summary per folder; no
# notes on standard error.
#allow-incomplete = false
#all = false
#rows-per-group = 10
#group-by = "dir"
#quiet = false

#[columns]
#vendor = "Hersteller"
#model = "Typ"
"#;

/// `tvcheck config init [-o FILE] [--force]`.
pub fn init(output: Option<PathBuf>, force: bool) -> anyhow::Result<ExitStatus> {
    let path = output.unwrap_or_else(|| PathBuf::from(FILE_NAME));
    let shown = tvcheck::error::display_path(&path);
    if !force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::at(
            ErrorKind::Usage,
            Location::file(&path),
            "is already there; config init does not overwrite it",
        )
        .hint("pass --force to replace it, or -o OTHER.toml")
        .into());
    }
    super::registry::remove_temporaries_on_signals();
    tvcheck::report::output::write_atomic(&path, |w| w.write_all(EXAMPLE.as_bytes()))?;
    eprintln!(
        "wrote {}: edit it, then run `tvcheck check PATH...` in this folder{}",
        tvcheck::escape::visible(&shown),
        if path == Path::new(FILE_NAME) {
            String::new()
        } else {
            format!(" (or with --config {})", tvcheck::escape::visible(&shown))
        }
    );
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid_as_it_is_and_with_every_setting_uncommented() {
        parse(Path::new("tvcheck.toml"), EXAMPLE).unwrap();
        let all: String = EXAMPLE
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => {
                    rest
                }
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(all.contains("\npolicies = "), "{all}");
        let s = parse(Path::new("ci/tvcheck.toml"), &all).unwrap();
        assert_eq!(s.columns.len(), 2);
        assert_eq!(s.waivers.as_deref(), Some(Path::new("ci/waivers.toml")));
        assert_eq!(s.policies, Some(vec!["lt-5g".to_string()]));
        assert_eq!(s.outputs.as_ref().map(Vec::len), Some(3));
    }

    /// Every ```toml block of the README after `<!-- test: config -->` is a valid file.
    #[test]
    fn the_readme_examples_are_valid() {
        let readme = include_str!("../../README.md");
        let mut found = 0;
        for (i, part) in readme
            .split("<!-- test: config -->\n```toml\n")
            .enumerate()
            .skip(1)
        {
            let block = part.split("\n```").next().unwrap();
            parse(Path::new("README.md"), block)
                .unwrap_or_else(|e| panic!("README block {i}: {e}\n{block}"));
            found += 1;
        }
        assert!(found >= 1);
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_line_and_column() {
        let e = parse(Path::new("t.toml"), "fail-on = \"review\"\nfial-on = 1\n").unwrap_err();
        assert!(e.to_string().starts_with("t.toml:2:1: "), "{e}");
        assert!(e.to_string().contains("`quiet` (hint"), "{e}");
        assert!(!e.to_string().contains("as-of"), "{e}");
        let e = parse(Path::new("t.toml"), "strict = \"yes\"\n").unwrap_err();
        assert!(e.to_string().starts_with("t.toml:1:10: "), "{e}");
        let e = parse(Path::new("t.toml"), "\nfail-on = \"sometimes\"\n").unwrap_err();
        assert!(e.to_string().starts_with("t.toml:2:11: fail-on: "), "{e}");
        let e = parse(Path::new("t.toml"), "as-of = 2025-01-01\n").unwrap_err();
        assert!(e.to_string().contains("as-of cannot be set"), "{e}");
    }
}
