//! CSV rendering: one row per finding, for spreadsheets, with formula injection neutralised.
//!
//! The columns are `file,line,sheet,asset_id,vendor,model,serial,site,domain,quantity,country,
//! installed,purpose,network,category,origin,policy,rule,verdict,deadline,days_left,waiver,
//! entry,entry_name,match,tier,score,confidence,reason`: every item field as written, then the
//! finding; absent values are
//! empty cells; records end with `\n`. Every text cell that a spreadsheet could read as a
//! formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
//! The numbers tvcheck writes itself (`line`, `quantity`, `days_left`, `score`) are left as
//! they are, so a negative `days_left` stays a number.
//!
//! Line breaks, other control characters and bidirectional controls in text cells are written
//! in their visible form ([`crate::escape`]: `\n`, `\u{1b}`, ...): a quoted line break is legal
//! CSV, but every record is then exactly one line, so no value can forge a row for a reader
//! that splits lines, and nothing reaches a terminal raw. The formula check looks at the cell
//! as written.

use std::io::Write;

use super::{Report, Row};

/// The header row.
pub const HEADER: [&str; 29] = [
    "file",
    "line",
    "sheet",
    "asset_id",
    "vendor",
    "model",
    "serial",
    "site",
    "domain",
    "quantity",
    "country",
    "installed",
    "purpose",
    "network",
    "category",
    "origin",
    "policy",
    "rule",
    "verdict",
    "deadline",
    "days_left",
    "waiver",
    "entry",
    "entry_name",
    "match",
    "tier",
    "score",
    "confidence",
    "reason",
];

/// The CSV writer every rendering uses: records end with `\n`.
fn writer<W: Write>(out: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Writes `report.findings` as CSV.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = writer(out);
    w.write_record(HEADER)?;
    for f in &report.findings {
        w.write_record(record(f))?;
    }
    w.flush()
}

/// The header row, as [`render`] writes it (for streamed findings).
pub fn head(out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = writer(out);
    w.write_record(HEADER)?;
    w.flush()
}

/// One finding's CSV record, as [`render`] writes it (for streamed findings).
pub fn finding(f: &Row, out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut w = writer(out);
    w.write_record(record(f))?;
    w.flush()
}

/// One finding's cells, in [`HEADER`] order.
fn record(f: &Row) -> Vec<String> {
    let text = |s: &str| neutralise(&crate::escape::visible(s));
    let opt = |s: Option<&str>| s.map(text).unwrap_or_default();
    vec![
        text(&f.file),
        f.line.to_string(),
        opt(f.sheet.as_deref()),
        opt(f.asset_id.as_deref()),
        text(&f.vendor),
        opt(f.model.as_deref()),
        opt(f.serial.as_deref()),
        opt(f.site.as_deref()),
        opt(f.domain.as_deref()),
        f.quantity.map(|q| q.to_string()).unwrap_or_default(),
        opt(f.country.as_deref()),
        opt(f.installed.as_deref()),
        opt(f.purpose.as_deref()),
        opt(f.network.as_deref()),
        opt(f.category.as_deref()),
        opt(f.origin.as_deref()),
        opt(f.policy.as_deref()),
        opt(f.rule.as_deref()),
        text(f.verdict.as_str()),
        f.deadline.map(|d| text(&d.to_string())).unwrap_or_default(),
        f.days_left.map(|d| d.to_string()).unwrap_or_default(),
        opt(f.waiver.as_deref()),
        opt(f.entry.as_deref()),
        opt(f.entry_name.as_deref()),
        f.match_kind.map(|m| text(m.as_str())).unwrap_or_default(),
        f.tier.map(|t| text(t.as_str())).unwrap_or_default(),
        f.score.map(score).unwrap_or_default(),
        f.confidence.map(|c| text(c.as_str())).unwrap_or_default(),
        text(&f.reason),
    ]
}

/// A score as JSON writes it (`1.0`, `0.85`), so the two formats agree.
fn score(s: f64) -> String {
    serde_json::to_string(&s).unwrap_or_default()
}

/// Prefixes `'` to a cell that a spreadsheet would take for a formula (OWASP "CSV injection").
pub(crate) fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_leading_quote() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+1+1"), "'+1+1");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("\r=1"), "'\r=1");
    }

    #[test]
    fn ordinary_cells_are_unchanged() {
        assert_eq!(neutralise("Huawei"), "Huawei");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(" =1"), " =1");
        assert_eq!(neutralise("'=1"), "'=1");
        assert_eq!(neutralise("Telefónica"), "Telefónica");
    }

    /// The index of the column `name`.
    fn col(name: &str) -> usize {
        HEADER.iter().position(|h| *h == name).unwrap()
    }

    #[test]
    fn control_characters_are_visible_and_every_record_is_one_line() {
        let mut r = super::super::html::tests::sample_report();
        r.findings.truncate(1);
        r.findings[0].vendor = "Hua\nwei\r\u{1b}[31m\u{9b}\u{202e}".into();
        r.findings[0].site = Some("=1+1\n2,x".into());
        let mut out = Vec::new();
        render(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text
            .chars()
            .any(|c| c != '\n' && crate::escape::is_escaped(c)));
        let mut rows = ::csv::Reader::from_reader(text.as_bytes());
        let row = rows.records().next().unwrap().unwrap();
        assert_eq!(
            &row[col("vendor")],
            "Hua\\nwei\\r\\u{1b}[31m\\u{9b}\\u{202e}"
        );
        assert_eq!(&row[col("site")], "'=1+1\\n2,x");
    }

    #[test]
    fn numbers_tvcheck_writes_are_not_quoted() {
        let mut r = super::super::html::tests::sample_report();
        r.findings.truncate(1);
        r.findings[0].days_left = Some(-152);
        r.findings[0].vendor = "-Huawei".into();
        let mut out = Vec::new();
        render(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut rows = ::csv::Reader::from_reader(text.as_bytes());
        let row = rows.records().next().unwrap().unwrap();
        assert_eq!(&row[col("vendor")], "'-Huawei");
        assert_eq!(&row[col("days_left")], "-152");
        assert_eq!(&row[col("score")], "1.0");
        assert_eq!(rows.headers().unwrap().len(), HEADER.len());
    }
}
