//! The library's error type: what went wrong, where (file, line, column) and what to do about it.
//!
//! Every error that reaches a user names the file it concerns and, where there is one, the
//! line and column, says in plain words what is wrong, and carries a hint. The binary prints
//! it on one line and exits with status 2.

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

/// The typed cause of an [`Error`]. It is held in an `Arc` (so that the error stays `Clone`)
/// of a `Box` (a thin pointer, so that the error stays small).
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error with its location and a hint saying what to do, and the typed cause it came from
/// (an [`std::io::Error`], a parser's error, ...), which [`std::error::Error::source`] returns:
/// the binary tells a reader that closed the pipe from a real failure by it. Two errors are
/// equal when they say the same (kind, location, message and hint), whatever their causes.
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
    /// What caused it, when it wraps another error (see [`Error::caused_by`]).
    source: Option<Arc<Cause>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind
            && self.location == other.location
            && self.message == other.message
            && self.hint == other.hint
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
            source: None,
        }
    }

    /// Keeps `cause` as the typed cause, returned by [`std::error::Error::source`]; the
    /// message still says in plain words what went wrong.
    #[must_use]
    pub fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(Box::new(cause)));
        self
    }

    /// Keeps an I/O error as the typed cause (see [`Error::caused_by`]). `std::io::Error` is
    /// not `Clone`: the cause is an equal one (the same OS error code, or the same kind and
    /// text), so that `kind()` tells a closed pipe, a full disk, ... as the original would.
    #[must_use]
    pub fn caused_by_io(self, err: &std::io::Error) -> Error {
        self.caused_by(copy_io(err))
    }

    /// The typed cause, if any (the same as [`std::error::Error::source`]).
    pub fn cause(&self) -> Option<&Cause> {
        self.source.as_deref()
    }

    /// Whether the cause, or a cause of it, is an I/O error of kind `kind` (e.g.
    /// [`std::io::ErrorKind::BrokenPipe`]).
    pub fn is_io(&self, kind: std::io::ErrorKind) -> bool {
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
pub fn copy_io(err: &std::io::Error) -> std::io::Error {
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
        self.source
            .as_deref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
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
