//! JSON rendering: the report's serde serialisation, pretty-printed, with a trailing newline.

use std::io::Write;

use super::Report;

/// Writes `report` as JSON.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
