//! Telling file formats apart by their first bytes, so that a mislabelled file (a workbook
//! saved as `.csv`, a CSV text named `.xlsx`, a CycloneDX BOM named `.json`) gets a clear
//! message instead of a parser's confusion.

use std::io::Read;
use std::path::Path;

use super::decode::{utf16_without_bom, Utf16Nuls};

/// How many bytes are looked at.
pub(crate) const HEAD_BYTES: u64 = 64 * 1024;

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Nothing but whitespace (or nothing at all).
    Empty,
    /// A zip archive: `.xlsx`, `.ods`, `.docx`, ...
    Zip(ZipKind),
    /// An OLE compound file: `.xls`, or an encrypted (password-protected) Office document.
    Cfb {
        /// It carries an `EncryptionInfo` stream: a password-protected OOXML document.
        encrypted: bool,
    },
    /// UTF-16 text: a UTF-16 byte-order mark, or NUL bytes as
    /// [`super::decode::utf16_without_bom`] tells them with [`Utf16Nuls::FORMAT`].
    Utf16,
    /// Binary data of some other kind (NUL bytes).
    Binary,
    /// Text; `first` is the first byte that is not whitespace (after a UTF-8 byte-order mark).
    Text {
        /// The first significant byte.
        first: u8,
    },
}

/// What kind of zip archive it looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZipKind {
    /// Office Open XML spreadsheet.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// A zip that is no spreadsheet (a Word document, an archive of files, ...).
    Other,
}

/// Reads at most [`HEAD_BYTES`] from the start of `path`.
pub(crate) fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)?
        .take(HEAD_BYTES)
        .read_to_end(&mut head)?;
    Ok(head)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// `EncryptionInfo` in UTF-16LE, as a compound-file directory entry names it.
const ENCRYPTION_INFO_UTF16: &[u8] = b"E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0";

/// The magic number of OLE compound files.
pub(crate) const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Classifies a file by its first bytes.
pub(crate) fn sniff(head: &[u8]) -> Content {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let kind = if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            ZipKind::Ods
        } else if contains(head, b"xl/") || contains(head, b"[Content_Types].xml") {
            // An OOXML package; `word/` or `ppt/` parts mean another Office document.
            if contains(head, b"word/") || contains(head, b"ppt/") {
                ZipKind::Other
            } else {
                ZipKind::Xlsx
            }
        } else {
            ZipKind::Other
        };
        return Content::Zip(kind);
    }
    if head.starts_with(CFB_MAGIC) {
        return Content::Cfb {
            encrypted: contains(head, ENCRYPTION_INFO_UTF16),
        };
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Content::Utf16;
    }
    let sample = &head[..head.len().min(4096)];
    if sample.contains(&0) {
        if utf16_without_bom(head, Utf16Nuls::FORMAT).is_some() {
            return Content::Utf16;
        }
        return Content::Binary;
    }
    let body = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Content::Empty,
        Some(&first) => Content::Text { first },
    }
}

/// Whether a JSON text's first bytes declare a CycloneDX BOM (`"bomFormat": "CycloneDX"`).
pub(crate) fn looks_cyclonedx(head: &[u8]) -> bool {
    let Some(p) = head.windows(11).position(|w| w == b"\"bomFormat\"") else {
        return false;
    };
    let rest = &head[p + 11..];
    let rest = trim_start(rest);
    let Some(rest) = rest.strip_prefix(b":") else {
        return false;
    };
    trim_start(rest).starts_with(b"\"CycloneDX\"")
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Plain words for what a file is, for "this is not what its name says" messages.
pub fn describe(content: Content, head: &[u8]) -> &'static str {
    match content {
        Content::Empty => "an empty file",
        Content::Zip(ZipKind::Xlsx) => "an Excel workbook (.xlsx)",
        Content::Zip(ZipKind::Ods) => "an OpenDocument spreadsheet (.ods)",
        Content::Zip(ZipKind::Other) => "a zip archive that holds no spreadsheet",
        Content::Cfb { encrypted: true } => "a password-protected (encrypted) Office document",
        Content::Cfb { encrypted: false } => "an Excel 97-2003 workbook (.xls)",
        Content::Utf16 => "UTF-16 text",
        Content::Binary => "binary data",
        Content::Text { first } => {
            let lower: Vec<u8> = head.iter().take(1024).map(u8::to_ascii_lowercase).collect();
            if first == b'<' && (contains(&lower, b"<html") || contains(&lower, b"<table")) {
                "an HTML page"
            } else if first == b'<' {
                "XML text"
            } else if first == b'{' && looks_cyclonedx(head) {
                "a CycloneDX JSON BOM"
            } else if first == b'{' || first == b'[' {
                "JSON text"
            } else {
                "plain text (such as CSV)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_first_bytes() {
        assert_eq!(sniff(b""), Content::Empty);
        assert_eq!(sniff(b" \n\t"), Content::Empty);
        assert_eq!(sniff(b"\xEF\xBB\xBFvendor"), Content::Text { first: b'v' });
        assert_eq!(sniff(b"  [{}]"), Content::Text { first: b'[' });
        assert_eq!(sniff(b"\xFF\xFEv\0e\0"), Content::Utf16);
        assert_eq!(sniff(b"v\0e\0n\0d\0o\0r\0,\0m\0"), Content::Utf16);
        assert_eq!(sniff(b"ab\0\x01\x02\x03\x04\x05\x06\x07"), Content::Binary);
        assert_eq!(
            sniff(b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
            Content::Zip(ZipKind::Ods)
        );
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"),
            Content::Zip(ZipKind::Xlsx)
        );
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....word/document.xml"),
            Content::Zip(ZipKind::Other)
        );
        let mut cfb = CFB_MAGIC.to_vec();
        assert_eq!(sniff(&cfb), Content::Cfb { encrypted: false });
        cfb.extend_from_slice(ENCRYPTION_INFO_UTF16);
        assert_eq!(sniff(&cfb), Content::Cfb { encrypted: true });
    }

    #[test]
    fn utf16_or_binary_at_the_edges() {
        // What the format test calls UTF-16 and the decoder does not (the CSV and TOML
        // readers then refuse it as binary data), and the reverse; see
        // `decode::tests::utf16_by_nul_bytes_at_the_edges`.
        let cases: Vec<(&str, Vec<u8>, Content)> = vec![
            ("all NULs", vec![0; 8], Content::Utf16),
            ("7 NULs: too short", vec![0; 7], Content::Binary),
            ("UTF-32LE", b"v\0\0\0e\0\0\0".to_vec(), Content::Utf16),
            (
                "ASCII then UTF-16",
                [b"a".repeat(300), b"v\0".repeat(1898)].concat(),
                Content::Utf16,
            ),
            (
                "UTF-16 then ASCII",
                [b"v\0".repeat(128), b"a".repeat(3840)].concat(),
                Content::Binary,
            ),
            // A NUL after the first 4,096 bytes is not looked at.
            (
                "NUL past 4 KiB",
                [b"a".repeat(4096), vec![0; 8]].concat(),
                Content::Text { first: b'a' },
            ),
            ("BOM LE", b"\xFF\xFE".to_vec(), Content::Utf16),
            ("BOM BE", b"\xFE\xFF\0v".to_vec(), Content::Utf16),
        ];
        for (case, head, expected) in cases {
            assert_eq!(sniff(&head), expected, "{case}");
        }
    }

    #[test]
    fn recognises_cyclonedx_by_content() {
        assert!(looks_cyclonedx(b"{\n  \"bomFormat\" :\n \"CycloneDX\", "));
        assert!(looks_cyclonedx(
            b"{\"$schema\":\"x\",\"bomFormat\":\"CycloneDX\"}"
        ));
        assert!(!looks_cyclonedx(b"{\"bomFormat\": \"SPDX\"}"));
        assert!(!looks_cyclonedx(b"[{\"vendor\": \"CycloneDX\"}]"));
    }

    #[test]
    fn describes_text() {
        let h = b"<html><table>";
        assert_eq!(describe(sniff(h), h), "an HTML page");
        let h = b"vendor,model\n";
        assert_eq!(describe(sniff(h), h), "plain text (such as CSV)");
    }
}
