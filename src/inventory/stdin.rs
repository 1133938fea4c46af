//! Standard input as an inventory: `-` as a path (`nmap -oX - ... | tvcheck check -`).
//!
//! Standard input is read once, whole and bounded ([`STDIN_MAX_BYTES`]), however often the
//! paths are expanded; the input is shown as `-` in reports and messages. Its format is the
//! one given with `--input-format`, or else recognised from its content ([`sniff_format`]);
//! an empty standard input, or one whose format can be neither given nor told, is an error.
//! The readers read files, so the bytes are spooled to a temporary file that lives as long
//! as the reader; errors name `-`, not the temporary file.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::discover::Format;
use super::sniff::{self, Content, ZipKind};
use crate::error::{Error, ErrorKind, Location, Result};

/// The path that stands for standard input, and how it is shown.
pub const NAME: &str = "-";

/// The largest standard input read (it is held in memory and spooled to a temporary file).
pub(crate) const STDIN_MAX_BYTES: u64 = 256 << 20;

/// Whether a path given on the command line stands for standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == NAME
}

static STDIN: OnceLock<std::result::Result<Arc<[u8]>, Error>> = OnceLock::new();

/// The bytes of standard input, read on the first call.
pub fn bytes() -> Result<Arc<[u8]>> {
    STDIN
        .get_or_init(|| read_from(std::io::stdin().lock()))
        .clone()
}

/// Reads an inventory from `r`, refusing one that is empty or too large.
pub(crate) fn read_from(r: impl Read) -> Result<Arc<[u8]>> {
    let mut buf = Vec::new();
    r.take(STDIN_MAX_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| {
            Error::io(
                ErrorKind::Inventory,
                Path::new(NAME),
                "read standard input",
                &e,
            )
        })?;
    if buf.len() as u64 > STDIN_MAX_BYTES {
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::file(NAME),
            format!(
                "standard input is larger than {}, the most tvcheck reads from it",
                crate::source::size_text(STDIN_MAX_BYTES)
            ),
        )
        .hint("save the inventory to a file and pass that"));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::at(
            ErrorKind::Inventory,
            Location::file(NAME),
            "standard input is empty: '-' reads the inventory from it",
        )
        .hint("pipe an inventory in (e.g. nmap -oX - ... | tvcheck check -), or pass a file"));
    }
    Ok(Arc::from(buf))
}

/// The format of an inventory told from its content: workbooks by their container, an nmap
/// scan by its `<nmaprun>` root, TOML by a leading `[[` table, CycloneDX by its `bomFormat`,
/// JSON Lines by a first line that is a whole object with more after it, other JSON by its
/// `{` or `[`, and CSV by a first line holding a comma, semicolon or tab. `None` when none of
/// these fits.
pub(crate) fn sniff_format(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(sniff::HEAD_BYTES as usize)];
    match sniff::sniff(head) {
        Content::Zip(ZipKind::Xlsx) => Some(Format::Xlsx),
        Content::Zip(ZipKind::Ods) => Some(Format::Ods),
        Content::Cfb { encrypted: false } => Some(Format::Xls),
        Content::Utf16 => Some(Format::Csv),
        Content::Text { first: b'<' } => super::nmap::looks_nmap(head).then_some(Format::Nmap),
        Content::Text { first: b'[' } => {
            let t = String::from_utf8_lossy(head);
            if t.trim_start().starts_with("[[")
                && !t.trim_start()[2..]
                    .trim_start()
                    .starts_with(['{', '[', '"'])
            {
                Some(Format::Toml)
            } else {
                Some(Format::Json)
            }
        }
        Content::Text { first: b'{' } => {
            if sniff::looks_cyclonedx(head) {
                return Some(Format::CycloneDx);
            }
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim_start();
            let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
            let one_object =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first).is_ok();
            Some(if one_object && !rest.trim().is_empty() {
                Format::JsonLines
            } else {
                Format::Json
            })
        }
        Content::Text { .. } => {
            let t = String::from_utf8_lossy(head);
            let line = t.trim_start().lines().next().unwrap_or("");
            line.contains([',', ';', '\t']).then_some(Format::Csv)
        }
        Content::Empty | Content::Binary | Content::Zip(ZipKind::Other) | Content::Cfb { .. } => {
            None
        }
    }
}

/// The error for a standard input whose format cannot be told.
pub(crate) fn unknown_format() -> Error {
    Error::at(
        ErrorKind::Inventory,
        Location::file(NAME),
        "cannot tell the format of standard input from its content",
    )
    .hint(format!("name it with --input-format ({})", Format::names()))
}

/// Writes `bytes` to a temporary file for a reader, named with `format`'s extension.
pub(crate) fn spool(bytes: &[u8], format: Format) -> Result<tempfile::TempPath> {
    let fail = |e: std::io::Error| {
        Error::io(
            ErrorKind::Inventory,
            Path::new(NAME),
            "keep standard input in a temporary file",
            &e,
        )
    };
    let mut f = tempfile::Builder::new()
        .prefix(".tvcheck-stdin-")
        .suffix(&format!(".{}", format.name()))
        .tempfile()
        .map_err(fail)?;
    std::io::Write::write_all(&mut f, bytes).map_err(fail)?;
    std::io::Write::flush(&mut f).map_err(fail)?;
    Ok(f.into_temp_path())
}

/// Shows an error about the temporary file `spooled` as one about standard input.
pub(crate) fn rename_error(mut e: Error, spooled: &str) -> Error {
    if let Some(loc) = e.location.as_mut() {
        if loc.path == spooled {
            loc.path = NAME.to_string();
        }
    }
    if e.message.contains(spooled) {
        e.message = e.message.replace(spooled, NAME);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_told_from_content() {
        let cases: &[(&[u8], Option<Format>)] = &[
            (b"vendor,model\nZTE,A\n", Some(Format::Csv)),
            (b"vendor;model\n", Some(Format::Csv)),
            (b"[[asset]]\nvendor = \"ZTE\"\n", Some(Format::Toml)),
            (b"[{\"vendor\": \"ZTE\"}]", Some(Format::Json)),
            (b"{\"count\": 1, \"results\": []}", Some(Format::Json)),
            (
                b"{\"vendor\": \"ZTE\"}\n{\"vendor\": \"Nokia\"}\n",
                Some(Format::JsonLines),
            ),
            (b"{\"bomFormat\": \"CycloneDX\"}", Some(Format::CycloneDx)),
            (b"<?xml version=\"1.0\"?>\n<nmaprun>", Some(Format::Nmap)),
            (b"<html>", None),
            (b"just words\n", None),
            (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                sniff_format(bytes),
                *want,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn empty_or_blank_input_is_refused() {
        for input in [&b""[..], b" \n\t\n"] {
            let e = read_from(input).unwrap_err();
            assert!(e.message.contains("standard input is empty"), "{e}");
            assert_eq!(e.location.unwrap().path, "-");
        }
        assert_eq!(&*read_from(&b"a,b\n"[..]).unwrap(), b"a,b\n");
    }
}
