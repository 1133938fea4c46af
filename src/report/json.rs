//! JSON rendering: the report's serde serialisation, pretty-printed, with a trailing newline.
//! Streamed findings (see [`super::stream`]) are spliced in as the last member, `findings`,
//! byte for byte as serde would have written them.

use std::io::Write;

use super::{FindingRow, Report};

/// How the pretty serialisation of a report ends when it has no findings in memory.
const EMPTY_TAIL: &[u8] = b"\"findings\": []\n}";

/// Writes `report` as JSON.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(spill) = report
        .streamed
        .as_ref()
        .and_then(|s| s.get(super::Format::Json))
    else {
        serde_json::to_writer_pretty(&mut *out, report)?;
        return out.write_all(b"\n");
    };
    let head = serde_json::to_vec_pretty(report)?;
    let Some(head) = head.strip_suffix(EMPTY_TAIL) else {
        return Err(std::io::Error::other(
            "internal error: the report's last member is not its findings",
        ));
    };
    out.write_all(head)?;
    if spill.count == 0 {
        return out.write_all(b"\"findings\": []\n}\n");
    }
    out.write_all(b"\"findings\": [\n")?;
    spill.copy_to(out)?;
    out.write_all(b"\n  ]\n}\n")
}

/// One finding as an element of the report's `findings` array: indented as the pretty
/// serialisation of the whole report indents it, preceded by `,\n` unless it is the first.
pub fn finding(f: &FindingRow, first: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
    if !first {
        out.extend_from_slice(b",\n");
    }
    let start = out.len();
    out.extend_from_slice(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        serde_json::ser::PrettyFormatter::with_indent(b"  "),
    );
    serde::Serialize::serialize(f, &mut ser)?;
    // JSON strings never hold a raw line break, so every one starts a line to indent.
    let body = out.split_off(start);
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\n    ");
        }
        out.extend_from_slice(line);
    }
    Ok(())
}
