//! JSON rendering: the report's serde serialisation, pretty-printed, with a trailing newline.
//! The members come in three parts so that findings can be streamed: the head (what is known
//! before any item is read: tool, dates, registry), the `findings`, and the tail (everything
//! counted: policies, inputs, summary...). Rendered from memory or streamed, the bytes are the
//! same.

use std::io::Write;

use serde::Serialize;

use super::{
    BaselineInfo, FailedInput, GroupSummary, InputInfo, PolicySummary, RegistryInfo, Report,
    RowRef, RunStatus, SinceInfo, SkippedInput, SkippedRows, SummaryOut, ToolInfo, Unidentified,
    WaiverSummary,
};
use crate::date::Date;

/// The members before `findings`, in [`Report`]'s order.
#[derive(Serialize)]
struct Head<'a> {
    tool: &'a ToolInfo,
    as_of: Date,
    generated_at: &'a str,
    registry: &'a RegistryInfo,
    procurement: bool,
}

/// The members after `findings`, in [`Report`]'s order.
#[derive(Serialize)]
struct Tail<'a> {
    policies: &'a [PolicySummary],
    waivers: &'a Option<WaiverSummary>,
    inputs: &'a [InputInfo],
    groups: &'a [GroupSummary],
    baseline: &'a Option<BaselineInfo>,
    since: &'a Option<SinceInfo>,
    status: RunStatus,
    failed_inputs: &'a [FailedInput],
    skipped: &'a [SkippedInput],
    skipped_rows: &'a SkippedRows,
    warnings: &'a SkippedRows,
    unidentified: &'a Unidentified,
    summary: SummaryOut<'a>,
}

/// Writes `report` (with the findings it holds in memory) as JSON.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    head(report, out)?;
    let mut buf = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        buf.clear();
        finding(&f.view(), i == 0, &mut buf)?;
        out.write_all(&buf)?;
    }
    tail(report, report.findings.len() as u64, out)
}

/// The pretty serialisation of `value`, an object, without its closing `\n}`... and, when
/// `open` is false, without its opening `{\n` either.
fn members(value: &impl Serialize, open: bool) -> std::io::Result<Vec<u8>> {
    let mut v = crate::escape::json_to_vec_pretty(value)?;
    if v.ends_with(b"\n}") {
        v.truncate(v.len() - 2);
    }
    if !open && v.starts_with(b"{\n") {
        v.drain(..2);
    }
    Ok(v)
}

/// Writes the head and opens the `findings` array.
pub fn head(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let h = Head {
        tool: &report.tool,
        as_of: report.as_of,
        generated_at: &report.generated_at,
        registry: &report.registry,
        procurement: report.procurement,
    };
    out.write_all(&members(&h, true)?)?;
    out.write_all(b",\n  \"findings\": [")
}

/// One finding as an element of the `findings` array, indented as the pretty serialisation of
/// the whole report indents it (`first`: no separating comma).
pub fn finding(f: &RowRef, first: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Nested::at(2));
    f.serialize(&mut ser)?;
    Ok(())
}

/// serde_json's pretty layout (two-space indent) for a value nested `level` deep, so that an
/// element of the findings array is written in place, already indented.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Nested {
        Nested {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = b"                                                                ";
        let mut n = self.level * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        crate::escape::write_json_fragment(w, fragment)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Closes the `findings` array (`count` elements were written) and writes the tail.
pub fn tail(report: &Report, count: u64, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(if count == 0 { b"],\n" } else { b"\n  ],\n" })?;
    let t = Tail {
        policies: &report.policies,
        waivers: &report.waivers,
        inputs: &report.inputs,
        groups: &report.groups,
        baseline: &report.baseline,
        since: &report.since,
        status: report.status,
        failed_inputs: &report.failed_inputs,
        skipped: &report.skipped,
        skipped_rows: &report.skipped_rows,
        warnings: &report.warnings,
        unidentified: &report.unidentified,
        summary: SummaryOut::new(&report.summary),
    };
    out.write_all(&members(&t, false)?)?;
    out.write_all(b"\n}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_parts_equal_serde_serialisation_of_the_whole_report() {
        let mut r = super::super::html::tests::sample_report();
        for n in [0, 1, 3] {
            r.findings.truncate(n);
            let mut parts = Vec::new();
            render(&r, &mut parts).unwrap();
            let mut whole = serde_json::to_vec_pretty(&r).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(parts).unwrap(),
                String::from_utf8(whole).unwrap(),
                "{n} findings"
            );
        }
    }
}
