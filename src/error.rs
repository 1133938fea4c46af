//! The library's error type: what went wrong, where (file, line, column) and what to do about it.
//!
//! Every error that reaches a user names the file it concerns and, where there is one, the
//! line and column, says in plain words what is wrong, and carries a hint. The binary prints
//! it on one line and exits with status 2.
//!
//! A validation problem of a policy, waivers or registry import file also carries a stable
//! code ([`code`], e.g. `TV0102`, each documented in the README), and a file's problems are
//! collected ([`Diagnostics`]) so that one run reports every one of them.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A place in an input file. Lines and columns are 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (or as found while walking a folder).
    pub path: String,
    /// The line, when the problem has one.
    pub line: Option<u64>,
    /// The column (characters on the line), when the problem has one.
    pub column: Option<u64>,
}

impl Location {
    /// A whole file.
    pub fn file(path: impl AsRef<Path>) -> Location {
        Location {
            path: display_path(path.as_ref()),
            line: None,
            column: None,
        }
    }

    /// A line of a file.
    pub fn line(path: impl AsRef<Path>, line: u64) -> Location {
        Location {
            line: Some(line),
            ..Location::file(path)
        }
    }

    /// A line and column of a file.
    pub fn at(path: impl AsRef<Path>, line: u64, column: u64) -> Location {
        Location {
            line: Some(line),
            column: Some(column),
            ..Location::file(path)
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// How a path is shown to users: as given, with `/` separators.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Which kind of input an error is about. Every kind maps to exit status 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A command-line argument is wrong.
    Usage,
    /// An inventory could not be read or is malformed.
    Inventory,
    /// A registry database or registry import file is unusable.
    Registry,
    /// A policy file is invalid.
    Policy,
    /// A waivers file is invalid.
    Waiver,
    /// A report could not be written.
    Output,
    /// A part of an inventory (a record, a sheet, a component) could not be read or judged;
    /// the reader can go on with the next one. The run is then incomplete: reported, never
    /// silently compliant.
    Row,
    /// A TOML file is valid but holds no inventory (no `[[asset]]` tables): a folder walk
    /// skips such files; named on the command line, they are an error.
    NotAnInventory,
}

/// What few errors have: a stable code, the problems of a file, a typed cause.
#[derive(Clone, Debug, Default)]
struct More {
    /// The stable code of the problem (see [`code`]).
    code: Option<&'static str>,
    /// The problems of a file, when the error stands for several (see [`Diagnostics`]).
    problems: Vec<Error>,
    /// What caused it, when it wraps another error (see [`Error::caused_by`]).
    source: Option<Arc<Cause>>,
}

/// The typed cause of an [`Error`]. It is held in an `Arc` (so that the error stays `Clone`)
/// of a `Box` (a thin pointer, so that the error stays small).
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error with its location and a hint saying what to do, and the typed cause it came from
/// (an [`std::io::Error`], a parser's error, ...), which [`std::error::Error::source`] returns:
/// the binary tells a reader that closed the pipe from a real failure by it. Two errors are
/// equal when they say the same (kind, location, message, hint, code and problems), whatever
/// their causes.
#[derive(Clone, Debug)]
pub struct Error {
    /// What kind of input is at fault.
    pub kind: ErrorKind,
    /// Where, when the error concerns a file.
    pub location: Option<Location>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// Its stable code, the problems it stands for and what caused it, when it has any of
    /// them (boxed, so that the error stays small).
    more: Option<Box<More>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind
            && self.location == other.location
            && self.message == other.message
            && self.hint == other.hint
            && self.code() == other.code()
            && self.problems() == other.problems()
    }
}

impl Eq for Error {}

impl Error {
    /// A new error without location or hint.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            location: None,
            message: message.into(),
            hint: None,
            more: None,
        }
    }

    /// Gives the error its stable code (one of the constants of [`code`]).
    #[must_use]
    pub(crate) fn with_code(mut self, code: &'static str) -> Error {
        self.more.get_or_insert_with(Box::default).code = Some(code);
        self
    }

    /// The stable code of the problem (one of the constants of [`code`]), when it has one.
    pub fn code(&self) -> Option<&'static str> {
        self.more.as_ref().and_then(|d| d.code)
    }

    /// The problems this error stands for, when it reports several of a file (see
    /// [`Diagnostics`]); empty otherwise.
    pub fn problems(&self) -> &[Error] {
        self.more.as_ref().map_or(&[], |d| &d.problems)
    }

    /// The problems this error stands for, or the error itself.
    fn into_problems(self) -> Vec<Error> {
        if self.problems().is_empty() {
            vec![self]
        } else {
            self.more.map(|d| d.problems).unwrap_or_default()
        }
    }

    /// Keeps `cause` as the typed cause, returned by [`std::error::Error::source`]; the
    /// message still says in plain words what went wrong.
    #[must_use]
    pub(crate) fn caused_by(
        mut self,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.more.get_or_insert_with(Box::default).source = Some(Arc::new(Box::new(cause)));
        self
    }

    /// Keeps an I/O error as the typed cause (see [`Error::caused_by`]). `std::io::Error` is
    /// not `Clone`: the cause is an equal one (the same OS error code, or the same kind and
    /// text), so that `kind()` tells a closed pipe, a full disk, ... as the original would.
    #[must_use]
    pub(crate) fn caused_by_io(self, err: &std::io::Error) -> Error {
        self.caused_by(copy_io(err))
    }

    /// The typed cause, if any (the same as [`std::error::Error::source`]).
    pub fn cause(&self) -> Option<&Cause> {
        self.more.as_ref().and_then(|m| m.source.as_deref())
    }

    #[cfg(test)]
    /// Whether the cause, or a cause of it, is an I/O error of kind `kind` (e.g.
    /// [`std::io::ErrorKind::BrokenPipe`]).
    pub(crate) fn is_io(&self, kind: std::io::ErrorKind) -> bool {
        let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(self);
        while let Some(e) = next {
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == kind)
            {
                return true;
            }
            next = e.source();
        }
        false
    }

    /// An error about a place in a file.
    pub fn at(kind: ErrorKind, location: Location, message: impl Into<String>) -> Error {
        Error {
            location: Some(location),
            ..Error::new(kind, message)
        }
    }

    /// Adds what to do about it.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// Why an I/O operation failed, in plain words and without the temporary or internal
    /// paths some wrappers add: "the disk is full", "permission denied", ...
    pub fn io_reason(err: &std::io::Error) -> String {
        use std::io::ErrorKind as K;
        match err.kind() {
            K::StorageFull => "the disk is full".to_string(),
            K::PermissionDenied => "permission denied".to_string(),
            K::ReadOnlyFilesystem => "the file system is read-only".to_string(),
            K::NotFound => "no such file or folder".to_string(),
            K::QuotaExceeded => "the disk quota is exceeded".to_string(),
            K::IsADirectory => "it is a folder".to_string(),
            K::BrokenPipe => "the reader closed the pipe".to_string(),
            _ => match err.raw_os_error() {
                Some(code) => {
                    let text = std::io::Error::from_raw_os_error(code).to_string();
                    match text.rfind(" (os error ") {
                        Some(i) => text[..i].to_string(),
                        None => text,
                    }
                }
                None => err.to_string(),
            },
        }
    }

    /// An I/O failure on `path`, worded for people.
    pub fn io(kind: ErrorKind, path: &Path, action: &str, err: &std::io::Error) -> Error {
        let (what, hint) = match err.kind() {
            std::io::ErrorKind::NotFound => (
                "no such file or folder".to_string(),
                "check the path and its spelling",
            ),
            std::io::ErrorKind::PermissionDenied => (
                "permission denied".to_string(),
                "check the file's permissions",
            ),
            _ => (err.to_string(), "check that the file is readable"),
        };
        Error::at(
            kind,
            Location::file(path),
            format!("cannot {action}: {what}"),
        )
        .hint(hint)
        .caused_by_io(err)
    }
}

/// An I/O error equal to `err`: the same OS error code, or the same kind and text.
pub(crate) fn copy_io(err: &std::io::Error) -> std::io::Error {
    match err.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::new(err.kind(), err.to_string()),
    }
}

/// Writes `s` with line breaks, other control characters and bidirectional controls in their
/// visible form ([`crate::escape`]), so that an error is always one line, and shows as it
/// reads, even when it quotes a value or a file name that holds such characters.
fn write_one_line(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    crate::escape::write(f, s)
}

impl fmt::Display for Error {
    /// One line: `file:line:col: message (hint: ...)`; with a code, the line is a whole
    /// diagnostic, `error[TV0102]: file:line:col: message (hint: ...)`. An error that stands
    /// for several problems writes each on its line, then `error: N problems in FILE`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.problems().is_empty() {
            for p in self.problems() {
                if p.code().is_none() {
                    f.write_str("error: ")?;
                }
                writeln!(f, "{p}")?;
            }
            f.write_str("error: ")?;
            return write_one_line(f, &self.message);
        }
        if let Some(code) = self.code() {
            write!(f, "error[{code}]: ")?;
        }
        if let Some(loc) = &self.location {
            write_one_line(f, &loc.to_string())?;
            f.write_str(": ")?;
        }
        write_one_line(f, &self.message)?;
        if let Some(hint) = &self.hint {
            f.write_str(" (hint: ")?;
            write_one_line(f, hint)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}

/// The problems found in one file, collected so that all of them are reported, not only the
/// first: each check pushes its error and the validation goes on with the next field, entry
/// or rule.
#[derive(Debug)]
pub(crate) struct Diagnostics {
    kind: ErrorKind,
    /// The files, as shown to users, in the order their problems are listed.
    paths: Vec<String>,
    problems: Vec<Error>,
}

impl Diagnostics {
    /// No problems yet in the file `path` (errors of kind `kind`).
    pub(crate) fn new(kind: ErrorKind, path: &Path) -> Diagnostics {
        Diagnostics::for_files(kind, vec![display_path(path)])
    }

    /// No problems yet in the files `paths` (as shown to users), checked together (the files
    /// of one registry import): their problems are listed file by file, in this order.
    pub(crate) fn for_files(kind: ErrorKind, paths: Vec<String>) -> Diagnostics {
        Diagnostics {
            kind,
            paths,
            problems: Vec::new(),
        }
    }

    /// Records a problem. An error that already stands for several adds each of them.
    pub(crate) fn push(&mut self, err: Error) {
        self.problems.extend(err.into_problems());
    }

    /// The value, or `None` once its error is recorded.
    pub(crate) fn ok<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// How many problems were recorded.
    pub(crate) fn len(&self) -> usize {
        self.problems.len()
    }

    /// Whether no problem was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// Stops here when there are problems: `Ok` when none was recorded, else the error
    /// [`Diagnostics::finish`] gives for them (and the collector is empty again). For a
    /// problem the rest cannot be checked without (a CSV header).
    pub(crate) fn check(&mut self) -> Result<()> {
        Diagnostics {
            kind: self.kind,
            paths: self.paths.clone(),
            problems: std::mem::take(&mut self.problems),
        }
        .finish(())
    }

    /// `value` when the file had no problem; the one error when it had one; else an error
    /// that holds every problem, in the order of the file, and counts them.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T> {
        match self.problems.len() {
            0 => Ok(value),
            1 => Err(self.problems.remove(0)),
            n => {
                let paths = &self.paths;
                self.problems.sort_by_key(|e| {
                    e.location.as_ref().map(|l| {
                        (
                            paths
                                .iter()
                                .position(|p| *p == l.path)
                                .unwrap_or(usize::MAX),
                            l.line.unwrap_or(0),
                            l.column.unwrap_or(0),
                        )
                    })
                });
                let files = match self.paths.as_slice() {
                    [] => "the input".to_string(),
                    [one] => one.clone(),
                    [init @ .., last] => format!("{} and {last}", init.join(", ")),
                };
                let mut e = Error::at(
                    self.kind,
                    Location {
                        path: self.paths.first().cloned().unwrap_or_default(),
                        line: None,
                        column: None,
                    },
                    format!("{n} problems in {files}"),
                );
                e.more.get_or_insert_with(Box::default).problems = self.problems;
                Err(e)
            }
        }
    }
}

/// The stable codes of validation problems: `TV01xx` policy files, `TV02xx` waivers files,
/// `TV03xx` registry import files. A code, once released, keeps its meaning and is never
/// reused; every code is documented in the README's table of error codes (a test checks it).
pub mod code {
    // Policy files.
    /// The policy file is not valid TOML or does not have the policy's shape.
    pub(crate) const POLICY_SYNTAX: &str = "TV0101";
    /// A policy or rule id is not a valid id.
    pub(crate) const POLICY_ID: &str = "TV0102";
    /// The jurisdiction is not a country code or EU.
    pub(crate) const POLICY_JURISDICTION: &str = "TV0103";
    /// The policy cites no legal basis.
    pub(crate) const POLICY_NO_BASIS: &str = "TV0104";
    /// The policy has no rules.
    pub(crate) const POLICY_NO_RULES: &str = "TV0105";
    /// A date is not a calendar date.
    pub(crate) const POLICY_DATE: &str = "TV0106";
    /// A confidence is not `confirmed` or `weak`.
    pub(crate) const POLICY_CONFIDENCE: &str = "TV0107";
    /// Two rules have the same id.
    pub(crate) const POLICY_DUPLICATE_RULE: &str = "TV0108";
    /// A rule lacks a key its kind needs.
    pub(crate) const POLICY_MISSING_KEY: &str = "TV0109";
    /// A rule has a key its kind does not take.
    pub(crate) const POLICY_KEY_NOT_FOR_KIND: &str = "TV0110";
    /// A rule names a list the registry does not have.
    pub(crate) const POLICY_UNKNOWN_LIST: &str = "TV0111";
    /// A rule names an unknown country group.
    pub(crate) const POLICY_UNKNOWN_GROUP: &str = "TV0112";
    /// A country code is not ISO 3166-1 alpha-2.
    pub(crate) const POLICY_COUNTRY: &str = "TV0113";
    /// A rule names an unknown territory.
    pub(crate) const POLICY_UNKNOWN_TERRITORY: &str = "TV0114";
    /// A rule names an entity the registry does not have.
    pub(crate) const POLICY_UNKNOWN_ENTITY: &str = "TV0115";
    /// A rule's kind is unknown.
    pub(crate) const POLICY_UNKNOWN_KIND: &str = "TV0116";
    /// A domain, network or category is not in its vocabulary.
    pub(crate) const POLICY_UNKNOWN_WORD: &str = "TV0117";
    /// A domains, networks or categories list is empty.
    pub(crate) const POLICY_EMPTY_LIST: &str = "TV0118";
    /// Two keys of a rule do not go together, or one needs another.
    pub(crate) const POLICY_CONFLICT: &str = "TV0119";
    /// `phase_out_years` is out of range.
    pub(crate) const POLICY_RANGE: &str = "TV0120";
    /// A deadline is before the rule's effective date.
    pub(crate) const POLICY_DEADLINE: &str = "TV0121";
    /// A severity is not `violation` or `review`.
    pub(crate) const POLICY_SEVERITY: &str = "TV0122";
    /// `unknown_domain` or `unknown_purpose` is not `apply` or `review`.
    pub(crate) const POLICY_UNKNOWN_MODE: &str = "TV0123";

    // Waivers files.
    /// The waivers file is not valid TOML or does not have the waivers' shape.
    pub(crate) const WAIVER_SYNTAX: &str = "TV0201";
    /// A waiver's id is empty.
    pub(crate) const WAIVER_EMPTY_ID: &str = "TV0202";
    /// Two waivers have the same id.
    pub(crate) const WAIVER_DUPLICATE_ID: &str = "TV0203";
    /// A required or scope value is empty.
    pub(crate) const WAIVER_EMPTY_VALUE: &str = "TV0204";
    /// `scope` has another value than `all`.
    pub(crate) const WAIVER_SCOPE_VALUE: &str = "TV0205";
    /// A waiver's selector matches every item without `scope = "all"`.
    pub(crate) const WAIVER_TOO_BROAD: &str = "TV0206";
    /// A waiver says `scope = "all"` and selects all the same.
    pub(crate) const WAIVER_SCOPE_CONFLICT: &str = "TV0207";
    /// `expires` is not a calendar date.
    pub(crate) const WAIVER_DATE: &str = "TV0208";
    /// A model selector is not a valid glob.
    pub(crate) const WAIVER_GLOB: &str = "TV0209";
    /// The file holds no waivers.
    pub(crate) const WAIVER_EMPTY_FILE: &str = "TV0210";

    // Registry import files.
    /// The file is not valid TOML or does not have the registry's shape.
    pub(crate) const REGISTRY_SYNTAX: &str = "TV0301";
    /// An id is not a valid id.
    pub(crate) const REGISTRY_ID: &str = "TV0302";
    /// A country code is not ISO 3166-1 alpha-2, or a jurisdiction not one or EU.
    pub(crate) const REGISTRY_COUNTRY: &str = "TV0303";
    /// A country is still the skeleton's placeholder `TODO`.
    pub(crate) const REGISTRY_PLACEHOLDER: &str = "TV0304";
    /// A date is not a calendar date.
    pub(crate) const REGISTRY_DATE: &str = "TV0305";
    /// A required value is empty or missing.
    pub(crate) const REGISTRY_EMPTY: &str = "TV0306";
    /// A confidence or scope has an unknown value.
    pub(crate) const REGISTRY_VALUE: &str = "TV0307";
    /// A model pattern is empty or not a valid glob.
    pub(crate) const REGISTRY_PATTERN: &str = "TV0308";
    /// A value is not an FCC grantee code.
    pub(crate) const REGISTRY_GRANTEE_CODE: &str = "TV0309";
    /// Dates or keys of an entry contradict each other.
    pub(crate) const REGISTRY_CONFLICT: &str = "TV0310";
    /// An entry, listing or code is defined twice.
    pub(crate) const REGISTRY_DUPLICATE: &str = "TV0311";
    /// A reference (parent, list, affiliate, listing's vendor) names nothing.
    pub(crate) const REGISTRY_REFERENCE: &str = "TV0312";
    /// Parents form a cycle.
    pub(crate) const REGISTRY_CYCLE: &str = "TV0313";
    /// The CSV header or a row's shape is wrong.
    pub(crate) const REGISTRY_CSV_SHAPE: &str = "TV0314";
    /// A CSV cell is malformed (quoting, a multi-valued cell, a cell of another kind).
    pub(crate) const REGISTRY_CSV_CELL: &str = "TV0315";
    /// The file holds no entries.
    pub(crate) const REGISTRY_EMPTY_FILE: &str = "TV0316";

    /// Every code, for the documentation test.
    pub const ALL: &[&str] = &[
        POLICY_SYNTAX,
        POLICY_ID,
        POLICY_JURISDICTION,
        POLICY_NO_BASIS,
        POLICY_NO_RULES,
        POLICY_DATE,
        POLICY_CONFIDENCE,
        POLICY_DUPLICATE_RULE,
        POLICY_MISSING_KEY,
        POLICY_KEY_NOT_FOR_KIND,
        POLICY_UNKNOWN_LIST,
        POLICY_UNKNOWN_GROUP,
        POLICY_COUNTRY,
        POLICY_UNKNOWN_TERRITORY,
        POLICY_UNKNOWN_ENTITY,
        POLICY_UNKNOWN_KIND,
        POLICY_UNKNOWN_WORD,
        POLICY_EMPTY_LIST,
        POLICY_CONFLICT,
        POLICY_RANGE,
        POLICY_DEADLINE,
        POLICY_SEVERITY,
        POLICY_UNKNOWN_MODE,
        WAIVER_SYNTAX,
        WAIVER_EMPTY_ID,
        WAIVER_DUPLICATE_ID,
        WAIVER_EMPTY_VALUE,
        WAIVER_SCOPE_VALUE,
        WAIVER_TOO_BROAD,
        WAIVER_SCOPE_CONFLICT,
        WAIVER_DATE,
        WAIVER_GLOB,
        WAIVER_EMPTY_FILE,
        REGISTRY_SYNTAX,
        REGISTRY_ID,
        REGISTRY_COUNTRY,
        REGISTRY_PLACEHOLDER,
        REGISTRY_DATE,
        REGISTRY_EMPTY,
        REGISTRY_VALUE,
        REGISTRY_PATTERN,
        REGISTRY_GRANTEE_CODE,
        REGISTRY_CONFLICT,
        REGISTRY_DUPLICATE,
        REGISTRY_REFERENCE,
        REGISTRY_CYCLE,
        REGISTRY_CSV_SHAPE,
        REGISTRY_CSV_CELL,
        REGISTRY_EMPTY_FILE,
    ];
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A parser message on one line: internal line breaks become "; ".
pub fn one_line(msg: &str) -> String {
    msg.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The 1-based line and column of byte offset `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_column_and_hint() {
        let e = Error::at(
            ErrorKind::Inventory,
            Location::at("a.csv", 3, 7),
            "bad thing",
        )
        .hint("fix it");
        assert_eq!(e.to_string(), "a.csv:3:7: bad thing (hint: fix it)");
        let e = Error::at(ErrorKind::Inventory, Location::line("a.csv", 3), "x");
        assert_eq!(e.to_string(), "a.csv:3: x");
    }

    #[test]
    fn errors_quoting_line_breaks_stay_on_one_line() {
        let e = Error::at(
            ErrorKind::Inventory,
            Location::line("a.csv", 2),
            "quantity '1\n2' is bad",
        )
        .hint("write\r\nit");
        assert_eq!(
            e.to_string(),
            "a.csv:2: quantity '1\\n2' is bad (hint: write\\r\\nit)"
        );
    }

    #[test]
    fn an_io_failure_keeps_the_io_error_as_its_source() {
        use std::error::Error as _;
        let io = std::io::Error::from_raw_os_error(32); // EPIPE
        let e = Error::io(ErrorKind::Output, Path::new("r.json"), "write", &io);
        let src = e.source().expect("a source");
        let io_src = src.downcast_ref::<std::io::Error>().expect("an io::Error");
        assert_eq!(io_src.kind(), std::io::ErrorKind::BrokenPipe);
        assert!(e.is_io(std::io::ErrorKind::BrokenPipe));
        // The message is unchanged, a clone keeps the cause, equality ignores it.
        let plain = Error::at(
            ErrorKind::Output,
            Location::file("r.json"),
            e.message.clone(),
        )
        .hint(e.hint.clone().unwrap_or_default());
        assert_eq!(e, plain);
        assert!(plain.source().is_none());
        assert!(e.clone().source().is_some());
        let other = std::io::Error::new(std::io::ErrorKind::StorageFull, "full");
        let e = Error::new(ErrorKind::Output, "x").caused_by_io(&other);
        assert!(e.is_io(std::io::ErrorKind::StorageFull));
        assert!(!e.is_io(std::io::ErrorKind::BrokenPipe));
    }

    #[test]
    fn errors_show_escape_and_bidi_characters_visibly() {
        let e = Error::at(
            ErrorKind::Inventory,
            Location::line("a\u{1b}[31m\nb.csv", 2),
            "vendor '\u{202e}iewauH\u{7}'",
        );
        assert_eq!(
            e.to_string(),
            "a\\u{1b}[31m\\nb.csv:2: vendor '\\u{202e}iewauH\\u{7}'"
        );
    }

    #[test]
    fn a_code_leads_the_line_and_several_problems_are_counted() {
        let e = Error::at(ErrorKind::Policy, Location::at("p.toml", 3, 7), "bad")
            .hint("fix it")
            .with_code(code::POLICY_DATE);
        assert_eq!(
            e.to_string(),
            "error[TV0106]: p.toml:3:7: bad (hint: fix it)"
        );
        let mut d = Diagnostics::new(ErrorKind::Policy, Path::new("p.toml"));
        assert_eq!(d.ok(Ok::<_, Error>(1)), Some(1));
        assert!(d.is_empty());
        d.push(
            Error::at(ErrorKind::Policy, Location::at("p.toml", 9, 1), "later")
                .with_code(code::POLICY_ID),
        );
        assert_eq!(d.ok::<u8>(Err(e.clone())), None);
        let all = d.finish(()).expect_err("two problems");
        assert_eq!(all.problems().len(), 2);
        assert_eq!(all.code(), None);
        assert_eq!(all.problems()[0].code(), Some("TV0106"));
        assert_eq!(
            all.to_string(),
            "error[TV0106]: p.toml:3:7: bad (hint: fix it)\nerror[TV0102]: p.toml:9:1: later\nerror: 2 problems in p.toml"
        );
        let mut one = Diagnostics::new(ErrorKind::Policy, Path::new("p.toml"));
        one.push(e.clone());
        assert_eq!(one.finish(()), Err(e));
    }

    #[test]
    fn codes_are_unique_and_numbered_by_area() {
        let mut seen = std::collections::HashSet::new();
        for c in code::ALL {
            assert!(seen.insert(*c), "{c} twice");
            assert_eq!(c.len(), 6, "{c}");
            assert!(
                c.starts_with("TV01") || c.starts_with("TV02") || c.starts_with("TV03"),
                "{c}"
            );
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.find('f').unwrap()), (3, 1));
        assert_eq!(line_col(t, t.len()), (3, 2));
        let e_acute_end = t.find('\u{e9}').unwrap() + 2;
        assert_eq!(line_col(t, e_acute_end), (2, 4));
    }
}
