//! Human-readable rendering: a summary line per input, the findings grouped by entry and rule
//! with their counts, the first rows of each group, and the totals.
//!
//! Every string taken from the report is shown with control and bidirectional characters in
//! their visible form ([`crate::escape`]), so no value or file name can write to the terminal
//! or add a line of its own.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table};

use super::fit::{self, Column};
use super::{Counts, Report};
use crate::escape::{visible, Visible as V};
use crate::model::Verdict;

/// How the table is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour verdicts (the CLI sets it only for a terminal, and never when `NO_COLOR` is set).
    pub color: bool,
    /// Width in columns to fit the tables and lines to; `None`: `COLUMNS`, else
    /// [`DEFAULT_WIDTH`] ([`width_of`]).
    pub width: Option<u16>,
    /// The output is a terminal.
    pub tty: bool,
}

/// The width tables are fitted to when no width is given and `COLUMNS` is not set: a file or
/// a pipe, whose reader's width is unknown.
pub const DEFAULT_WIDTH: u16 = 160;

/// The width to fit to: the style's, else `COLUMNS`, else [`DEFAULT_WIDTH`]; at least
/// [`MIN_WIDTH`].
pub(crate) fn width_of(style: Style) -> u16 {
    style
        .width
        .or_else(columns_env)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// The width lines of text are wrapped to: the width given or `COLUMNS` (a terminal's), else
/// none, so that a report file or a pipe keeps each line whole for `grep`.
pub fn prose_width(style: Style) -> usize {
    match style.width.or_else(columns_env) {
        Some(_) => usize::from(width_of(style)),
        None => usize::MAX,
    }
}

/// `COLUMNS`, when it holds a positive number.
pub fn columns_env() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&c| c > 0)
}

/// The narrowest width tables are fitted to (a smaller `COLUMNS` is raised to it).
pub(crate) const MIN_WIDTH: u16 = 40;

/// The text, with control characters visible ([`crate::escape`]), or `-` when absent or empty.
fn or_dash(s: Option<&str>) -> String {
    visible(s.filter(|s| !s.is_empty()).unwrap_or("-")).into_owned()
}

/// "1 violation", "2 violations".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 violation, 2 reviews, 0 waived, 3 ok".
fn verdicts_text(c: &Counts) -> String {
    format!(
        "{}, {}, {} waived, {} ok",
        plural(c.violations, "violation", "violations"),
        plural(c.reviews, "review", "reviews"),
        c.waived,
        c.ok
    )
}

/// The line every human-readable report shows when the registry was not verified.
pub(crate) const UNVERIFIED: &str = "warning: the registry was not verified against its change log (--no-verify-registry): its content may have been changed outside tvcheck";

/// The findings table's columns; the optional ones are left out, lowest rank first, on a
/// narrow terminal.
const FINDING_COLUMNS: [Column; 9] = [
    Column::never("location"),
    Column::words("asset").optional(2),
    Column::words("vendor"),
    Column::words("model").optional(3),
    Column::words("entry").optional(1),
    Column::words("policy/rule").optional(5),
    Column::words("verdict"),
    Column::words("deadline").optional(4),
    Column::words("why"),
];

const GROUP_COLUMNS: [Column; 7] = [
    Column::words("entry"),
    Column::words("policy/rule"),
    Column::never("violations"),
    Column::never("reviews"),
    Column::never("waived").optional(2),
    Column::never("ok").optional(1),
    Column::never("shown").optional(3),
];

const SINCE_COLUMNS: [Column; 7] = [
    Column::never("location"),
    Column::words("asset").optional(1),
    Column::words("vendor"),
    Column::words("policy"),
    Column::never("before"),
    Column::never("now"),
    Column::words("why"),
];

/// A table of `rows` (cells in their visible form, `colors` the colour of each row's
/// `color_column` cell) fitted to the style's width: words wrapped whole, unsplittable columns
/// on one line, optional columns left out when needed. Returns the table and the headers of
/// the columns left out.
fn fitted_table(
    columns: &[Column],
    rows: &[Vec<String>],
    colors: &[Option<Color>],
    color_column: usize,
    style: Style,
) -> (Table, Vec<&'static str>) {
    let width = usize::from(width_of(style));
    let fitted = fit::fit(columns, rows, width);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    let headers: Vec<String> = fitted
        .kept
        .iter()
        .zip(&fitted.widths)
        .map(|(&i, &w)| fit::wrap(columns[i].header, w, fit::Wrap::Words))
        .collect();
    t.set_header(headers);
    for (r, row) in rows.iter().enumerate() {
        let cells = fitted.row(columns, row);
        t.add_row(
            cells
                .into_iter()
                .zip(&fitted.kept)
                .map(|(text, &i)| {
                    let cell = Cell::new(text);
                    match colors.get(r).copied().flatten() {
                        Some(c) if style.color && i == color_column => cell.fg(c),
                        _ => cell,
                    }
                })
                .collect::<Vec<_>>(),
        );
    }
    (t, fitted.left_out(columns))
}

/// Says which columns were left out to fit, if any.
fn left_out_note(out: &mut dyn Write, left_out: &[&str], style: Style) -> std::io::Result<()> {
    if left_out.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "(left out to fit {} columns: {}; a wider terminal or COLUMNS shows them, and every file format has them)",
        width_of(style),
        left_out.join(", ")
    )
}

/// The last component of a path as the report shows it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Writes `report` as plain text tables (no colour, [`DEFAULT_WIDTH`] columns; for files and
/// pipes).
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    render_styled(report, out, Style::default())
}

/// The first line of every text rendering: tool, registry and as-of date.
fn heading(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "tvcheck {} · registry {} ({} vendors, sha256 {}) · as of {}",
        report.tool.version,
        V(&report.registry.source),
        report.registry.vendors,
        &report.registry.sha256[..12.min(report.registry.sha256.len())],
        report.as_of
    )?;
    if !report.registry.verified {
        writeln!(out, "{UNVERIFIED}")?;
    }
    if let Some(snap) = &report.registry.snapshot {
        writeln!(out, "{}", snapshot_line(snap))?;
    }
    Ok(())
}

/// The line that says which signed snapshot the registry came from.
pub(crate) fn snapshot_line(s: &crate::registry::snapshot::SnapshotInfo) -> String {
    format!(
        "registry snapshot: revision {} published {} by {}, signed with key {} (snapshot sha256 {})",
        s.revision,
        V(&s.published_at),
        V(&s.publisher),
        V(&s.signer),
        &s.sha256[..12.min(s.sha256.len())]
    )
}

/// "total: 5 items in 1 file: 1 violation, 3 reviews, 0 waived, 1 ok (2 unidentified)".
fn total_line(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "total: {} in {}: {} ({} unidentified)",
        plural(s.items, "item", "items"),
        plural(report.inputs.len() as u64, "file", "files"),
        verdicts_text(s),
        s.unidentified
    )
}

fn policy_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for p in &report.policies {
        writeln!(out, "policy {}: {}", V(&p.id), verdicts_text(&p.counts))?;
    }
    Ok(())
}

/// The one-screen summary shown on the terminal when every report goes to a file: the
/// heading, whether the run is incomplete, each policy's counts, the coverage and the totals.
/// Its length does not grow with the inputs or the findings.
pub fn render_summary(report: &Report, out: &mut dyn Write, style: Style) -> std::io::Result<()> {
    let mut w = fit::Wrapping::new(out, prose_width(style));
    summary_lines(report, &mut w)?;
    w.finish()
}

fn summary_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    heading(report, out)?;
    if let Some(text) = report.incomplete_text() {
        writeln!(out, "status: {text}")?;
    }
    policy_lines(report, out)?;
    let s = &report.summary;
    if s.items > 0 {
        writeln!(out, "coverage: {}", s.coverage_text())?;
    }
    total_line(report, out)
}

/// Writes `report` as text tables in the given style: tables fitted to its width and, when a
/// width was given (a terminal's, or `COLUMNS`), every other line wrapped at spaces to it.
pub fn render_styled(report: &Report, out: &mut dyn Write, style: Style) -> std::io::Result<()> {
    let mut w = fit::Wrapping::new(out, prose_width(style));
    body(report, &mut w, style)?;
    w.finish()
}

fn body(report: &Report, out: &mut dyn Write, style: Style) -> std::io::Result<()> {
    heading(report, out)?;
    for i in &report.inputs {
        writeln!(
            out,
            "{}: {}, {}, {} unidentified",
            V(&i.path),
            plural(i.counts.items, "item", "items"),
            verdicts_text(&i.counts),
            i.counts.unidentified
        )?;
    }
    if let Some(text) = report.incomplete_text() {
        writeln!(out, "status: {text}")?;
        for line in report.unread() {
            writeln!(out, "  not read: {}", V(&line))?;
        }
    }
    if report.warnings.count > 0 {
        writeln!(
            out,
            "warnings: {} kept as written",
            plural(report.warnings.count, "value", "values")
        )?;
        for w in &report.warnings.shown {
            writeln!(out, "  {}", V(w))?;
        }
    }
    for s in &report.skipped {
        writeln!(
            out,
            "{}: skipped, not an inventory ({})",
            V(&s.path),
            V(&s.reason)
        )?;
    }
    let groups = &report.finding_groups;
    if !groups.is_empty() {
        let rows: Vec<Vec<String>> = groups
            .sorted()
            .into_iter()
            .map(|grp| {
                vec![
                    visible(&grp.entry_text()).into_owned(),
                    visible(&grp.rule_text()).into_owned(),
                    grp.violations.to_string(),
                    grp.reviews.to_string(),
                    grp.waived.to_string(),
                    grp.ok.to_string(),
                    format!("{} of {}", grp.rows.len(), grp.count()),
                ]
            })
            .collect();
        let (g, left_out) = fitted_table(&GROUP_COLUMNS, &rows, &[], usize::MAX, style);
        writeln!(out, "findings by entry and rule:")?;
        writeln!(out, "{g}")?;
        left_out_note(out, &left_out, style)?;
        if groups.untracked > 0 {
            writeln!(
                out,
                "  and {} of further entries and rules, counted only",
                plural(groups.untracked, "finding", "findings")
            )?;
        }
        // Locations show the file name alone (the input lines above give the paths) unless
        // two inputs share a file name.
        let names: Vec<&str> = report.inputs.iter().map(|i| file_name(&i.path)).collect();
        let unique = names
            .iter()
            .all(|n| names.iter().filter(|m| *m == n).count() == 1);
        let mut rows = Vec::new();
        let mut colors = Vec::new();
        let mut shortened = false;
        for f in groups.rows() {
            let verdict = match &f.waiver {
                Some(w) => format!("waived ({})", V(w)),
                None => f.verdict.to_string(),
            };
            colors.push(Some(match f.verdict {
                Verdict::Violation => Color::Red,
                Verdict::Review => Color::Yellow,
                Verdict::Waived => Color::Blue,
                Verdict::Ok => Color::Green,
            }));
            let file = if unique { file_name(&f.file) } else { &f.file };
            let location = match &f.sheet {
                Some(sheet) => format!(
                    "{}:{}!{}",
                    V(file),
                    V(&crate::inventory::workbook::sheet_ref(sheet)),
                    f.line
                ),
                None => format!("{}:{}", V(file), f.line),
            };
            let rule = match (&f.policy, &f.rule) {
                (Some(p), Some(r)) => format!("{}/{}", V(p), V(r)),
                _ => "-".to_string(),
            };
            let why = fit::first_clause(&f.reason);
            shortened |= why.len() != f.reason.len();
            rows.push(vec![
                location,
                or_dash(f.asset_id.as_deref()),
                or_dash(Some(&f.vendor)),
                or_dash(f.model.as_deref()),
                or_dash(f.entry.as_deref()),
                rule,
                verdict,
                super::deadline_text(f).unwrap_or_else(|| "-".to_string()),
                visible(&why).into_owned(),
            ]);
        }
        let (t, left_out) = fitted_table(&FINDING_COLUMNS, &rows, &colors, 6, style);
        writeln!(out, "{t}")?;
        left_out_note(out, &left_out, style)?;
        if shortened {
            writeln!(
                out,
                "(why: the first clause of each reason; `tvcheck explain VENDOR` and the JSON, CSV, Markdown and HTML reports give it in full)"
            )?;
        }
        if let Some(text) = groups.hidden_text() {
            writeln!(out, "{text}")?;
        }
    }
    if let Some(since) = &report.since {
        writeln!(
            out,
            "since {}: {} changed",
            V(&since.against),
            plural(since.changes.len() as u64, "item verdict", "item verdicts")
        )?;
        if !since.changes.is_empty() {
            let rows: Vec<Vec<String>> = since
                .changes
                .iter()
                .map(|c| {
                    vec![
                        format!("{}:{}", V(&c.file), c.line),
                        or_dash(c.asset_id.as_deref()),
                        visible(&c.vendor).into_owned(),
                        visible(&c.policy).into_owned(),
                        c.before.to_string(),
                        c.after.to_string(),
                        visible(&fit::first_clause(&c.reason)).into_owned(),
                    ]
                })
                .collect();
            let (t, left_out) = fitted_table(&SINCE_COLUMNS, &rows, &[], usize::MAX, style);
            writeln!(out, "{t}")?;
            left_out_note(out, &left_out, style)?;
        }
    }
    for g in &report.groups {
        writeln!(
            out,
            "group {}: {}, {}, {}, {} unidentified",
            V(&g.group),
            plural(g.files, "file", "files"),
            plural(g.counts.items, "item", "items"),
            verdicts_text(&g.counts),
            g.counts.unidentified
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "baseline {}: {} already known, {} new",
            V(&b.path),
            plural(b.known, "finding", "findings"),
            b.new
        )?;
    }
    policy_lines(report, out)?;
    if let Some(w) = &report.waivers {
        writeln!(
            out,
            "waivers {}: {} waived",
            V(&w.path),
            plural(w.applied, "finding", "findings")
        )?;
        for e in &w.expired {
            writeln!(
                out,
                "  waiver {} expired on {} ({} no longer waived)",
                V(&e.id),
                e.expires,
                plural(e.findings, "finding", "findings")
            )?;
        }
        for u in &w.unused {
            writeln!(out, "  waiver {} matched nothing", V(u))?;
        }
    }
    let s = &report.summary;
    unidentified(report, out)?;
    if s.items > 0 {
        writeln!(out, "coverage: {}", s.coverage_text())?;
    }
    if s.not_in_service > 0 {
        writeln!(
            out,
            "not in service: {} installed after {} (counted as ok, not judged)",
            plural(s.not_in_service, "item", "items"),
            report.as_of
        )?;
    }
    total_line(report, out)
}

/// The unidentified items grouped by vendor string, most items first: one line each with
/// the count and the first places, at most [`super::UNIDENTIFIED_SHOWN`].
fn unidentified(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let u = &report.unidentified;
    if u.vendors.is_empty() && u.untracked_items == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "unidentified vendors ({} item{} under {} vendor string{}, most items first; --unidentified-out FILE.toml writes them as a registry skeleton to complete and import):",
        report.summary.unidentified,
        if report.summary.unidentified == 1 { "" } else { "s" },
        u.vendors.len(),
        if u.vendors.len() == 1 { "" } else { "s" }
    )?;
    let width = u
        .vendors
        .iter()
        .map(|v| v.items.to_string().len())
        .max()
        .unwrap_or(1);
    for v in u.vendors.iter().take(super::UNIDENTIFIED_SHOWN) {
        let more = v.items.saturating_sub(v.places.len() as u64);
        writeln!(
            out,
            "  {:>width$}  {}  ({}{})",
            v.items,
            V(&v.vendor),
            V(&v.places.join(", ")),
            if more > 0 {
                format!(", {more} more")
            } else {
                String::new()
            }
        )?;
    }
    if let Some(rest) = u.rest_text(super::UNIDENTIFIED_SHOWN) {
        writeln!(out, "  ... and {rest} (all in the JSON report)")?;
    }
    Ok(())
}
