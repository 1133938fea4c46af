//! JSON rendering: the report's serde serialisation with a trailing newline, pretty-printed
//! except the findings, which are one compact line each (greppable, and a third of the size).
//! The members come in three parts so that findings can be streamed: the head (what is known
//! before any item is read: tool, dates, registry), the `findings`, and the tail (what the
//! findings refer to by id: `entries` and `lists`; then everything counted: policies, inputs,
//! summary...). Rendered from memory or streamed, the bytes are the same. JSON Lines
//! (`jsonl`) writes the same finding lines without the array, then the head and tail members
//! as one last line.

use std::io::Write;

use serde::Serialize;

use super::{
    BaselineInfo, FailedInput, GroupSummary, InputInfo, PolicySummary, RegistryInfo, Report, Row,
    RunStatus, SinceInfo, SkippedInput, SkippedRows, SummaryOut, ToolInfo, Unidentified,
    WaiverSummary,
};
use crate::date::Date;
use crate::report::dictionary::{EntryInfo, ListInfo};

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
    entries: &'a std::collections::BTreeMap<String, EntryInfo>,
    lists: &'a std::collections::BTreeMap<String, ListInfo>,
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
        finding(f, i == 0, &mut buf)?;
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
    head_as(report, None, out)
}

/// [`head`], with `tool` in place of the report's own `tool` member when given.
pub(crate) fn head_as(
    report: &Report,
    tool: Option<&ToolInfo>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut h = head_of(report);
    if let Some(t) = tool {
        h.tool = t;
    }
    out.write_all(&members(&h, true)?)?;
    out.write_all(b",\n  \"findings\": [")
}

/// One finding as an element of the `findings` array, on a line of its own (`first`: no
/// separating comma).
pub fn finding(f: &Row, first: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    line(f, out)
}

/// One finding as one compact line, without a line end.
pub fn line(f: &Row, out: &mut Vec<u8>) -> std::io::Result<()> {
    crate::escape::json_to_writer_compact(&mut *out, f)?;
    Ok(())
}

/// Closes the `findings` array (`count` elements were written) and writes the tail.
pub fn tail(report: &Report, count: u64, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(if count == 0 { b"],\n" } else { b"\n  ],\n" })?;
    let t = tail_of(report);
    out.write_all(&members(&t, false)?)?;
    out.write_all(b"\n}\n")
}

fn head_of(report: &Report) -> Head<'_> {
    Head {
        tool: &report.tool,
        as_of: report.as_of,
        generated_at: &report.generated_at,
        registry: &report.registry,
        procurement: report.procurement,
    }
}

fn tail_of(report: &Report) -> Tail<'_> {
    Tail {
        entries: &report.entries,
        lists: &report.lists,
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
    }
}

/// Writes `report` as JSON Lines: one finding per line, then [`lines_tail`].
pub(crate) fn render_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for f in &report.findings {
        buf.clear();
        line(f, &mut buf)?;
        buf.push(b'\n');
        out.write_all(&buf)?;
    }
    lines_tail(report, out)
}

/// The last line of a JSON Lines report: every member of the JSON report but `findings`, as
/// one object (it is told from a finding by its `tool` member).
pub(crate) fn lines_tail(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    lines_tail_as(report, None, out)
}

/// [`lines_tail`], with `tool` in place of the report's own `tool` member when given.
pub(crate) fn lines_tail_as(
    report: &Report,
    tool: Option<&ToolInfo>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Whole<'a> {
        #[serde(flatten)]
        head: Head<'a>,
        #[serde(flatten)]
        tail: Tail<'a>,
    }
    let mut buf = Vec::new();
    crate::escape::json_to_writer_compact(
        &mut buf,
        &Whole {
            head: Head {
                tool: tool.unwrap_or(&report.tool),
                ..head_of(report)
            },
            tail: tail_of(report),
        },
    )?;
    buf.push(b'\n');
    out.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_parts_equal_serde_serialisation_of_the_whole_report() {
        for n in [0, 1, 3] {
            let mut r = super::super::html::tests::sample_report();
            assert!(r.findings.len() >= n);
            r.findings.truncate(n);
            let mut parts = Vec::new();
            render(&r, &mut parts).unwrap();
            let text = String::from_utf8(parts).unwrap();
            let got: serde_json::Value = serde_json::from_str(&text).unwrap();
            let want = serde_json::to_value(&r).unwrap();
            assert_eq!(got, want, "{n} findings");
            // Pretty, but one line per finding.
            let finding_lines = text
                .lines()
                .filter(|l| l.contains("\"item_sha256\""))
                .count();
            assert_eq!(finding_lines, n, "{text}");
            assert!(text.starts_with("{\n  \"tool\": {\n"), "{text}");
            // JSON Lines: the same findings, then everything else.
            let mut lines = Vec::new();
            render_lines(&r, &mut lines).unwrap();
            let lines = String::from_utf8(lines).unwrap();
            let values: Vec<serde_json::Value> = lines
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(values.len(), n + 1);
            let mut whole = values[n].clone();
            whole.as_object_mut().unwrap().insert(
                "findings".into(),
                serde_json::Value::Array(values[..n].to_vec()),
            );
            assert_eq!(whole, want, "{n} findings, JSON Lines");
        }
    }
}
