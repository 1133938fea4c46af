//! Human-readable rendering: a summary line per input, the findings grouped by entry and rule
//! with their counts, the first rows of each group, and the totals.
//!
//! Every string taken from the report is shown with control and bidirectional characters in
//! their visible form ([`crate::escape`]), so no value or file name can write to the terminal
//! or add a line of its own.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table};

use super::Report;
use crate::escape::{visible, Visible as V};
use crate::model::Verdict;

/// How the table is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour verdicts (only for a terminal, and never when `NO_COLOR` is set).
    pub color: bool,
    /// Width in columns; `None`: the terminal's width when drawing to one, else `COLUMNS` or 160.
    pub width: Option<u16>,
    /// The output is a terminal.
    pub tty: bool,
}

/// The text, with control characters visible ([`crate::escape`]), or `-` when absent or empty.
fn or_dash(s: Option<&str>) -> String {
    visible(s.filter(|s| !s.is_empty()).unwrap_or("-")).into_owned()
}

/// The line every human-readable report shows when the registry was not verified.
pub const UNVERIFIED: &str = "warning: the registry was not verified against its change log (--no-verify-registry): its content may have been changed outside tvcheck";

/// Styles and sizes a table for `style`: the given width, the terminal's, or 160 columns.
fn size(t: &mut Table, style: Style) {
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    match (style.width, terminal_width()) {
        (Some(w), _) => {
            t.set_width(w);
        }
        (None, Some((w, _))) => {
            t.set_width(w);
        }
        (None, None) if style.tty => {
            // A terminal that reports no usable size (some pseudo-terminals say 0).
            if t.width().is_none_or(|w| w < 60) {
                t.set_width(120);
            }
        }
        (None, None) => {
            t.set_width(160);
        }
    }
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

/// Writes `report` as plain text tables (no colour; for files and pipes).
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    render_styled(report, out, Style::default())
}

/// Writes `report` as text tables in the given style.
pub fn render_styled(report: &Report, out: &mut dyn Write, style: Style) -> std::io::Result<()> {
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
    for i in &report.inputs {
        writeln!(
            out,
            "{}: {} items, {} violations, {} reviews, {} waived, {} ok, {} unidentified",
            V(&i.path),
            i.counts.items,
            i.counts.violations,
            i.counts.reviews,
            i.counts.waived,
            i.counts.ok,
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
            "warnings: {} value{} kept as written",
            report.warnings.count,
            if report.warnings.count == 1 { "" } else { "s" }
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
        let mut g = Table::new();
        g.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "entry",
                "policy/rule",
                "violations",
                "reviews",
                "waived",
                "ok",
                "shown",
            ]);
        size(&mut g, style);
        for grp in groups.sorted() {
            g.add_row(vec![
                visible(&grp.entry_text()).into_owned(),
                visible(&grp.rule_text()).into_owned(),
                grp.violations.to_string(),
                grp.reviews.to_string(),
                grp.waived.to_string(),
                grp.ok.to_string(),
                format!("{} of {}", grp.rows.len(), grp.count()),
            ]);
        }
        writeln!(out, "findings by entry and rule:")?;
        writeln!(out, "{g}")?;
        if groups.untracked > 0 {
            writeln!(
                out,
                "  and {} findings of further entries and rules, counted only",
                groups.untracked
            )?;
        }
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "location",
                "asset",
                "vendor",
                "model",
                "entry",
                "policy/rule",
                "verdict",
                "deadline",
                "why",
            ]);
        size(&mut t, style);
        for f in groups.rows() {
            let verdict_cell = {
                let text = match &f.waiver {
                    Some(w) => format!("waived ({})", V(w)),
                    None => f.verdict.to_string(),
                };
                let cell = Cell::new(text);
                if style.color {
                    cell.fg(match f.verdict {
                        Verdict::Violation => Color::Red,
                        Verdict::Review => Color::Yellow,
                        Verdict::Waived => Color::Blue,
                        Verdict::Ok => Color::Green,
                    })
                } else {
                    cell
                }
            };
            let location = match &f.sheet {
                Some(sheet) => format!(
                    "{}:{}!{}",
                    V(&f.file),
                    V(&crate::inventory::workbook::sheet_ref(sheet)),
                    f.line
                ),
                None => format!("{}:{}", V(&f.file), f.line),
            };
            let vendor = or_dash(Some(&f.vendor));
            let rule = match (&f.policy, &f.rule) {
                (Some(p), Some(r)) => format!("{}/{}", V(p), V(r)),
                _ => "-".to_string(),
            };
            let deadline = super::deadline_text(f).unwrap_or_else(|| "-".to_string());
            t.add_row(vec![
                Cell::new(location),
                Cell::new(or_dash(f.asset_id.as_deref())),
                Cell::new(vendor),
                Cell::new(or_dash(f.model.as_deref())),
                Cell::new(or_dash(f.entry.as_deref())),
                Cell::new(rule),
                verdict_cell,
                Cell::new(deadline),
                Cell::new(visible(&f.reason)),
            ]);
        }
        writeln!(out, "{t}")?;
        if let Some(text) = groups.hidden_text() {
            writeln!(out, "{text}")?;
        }
    }
    if let Some(since) = &report.since {
        writeln!(
            out,
            "since {}: {} item verdict{} changed",
            V(&since.against),
            since.changes.len(),
            if since.changes.len() == 1 { "" } else { "s" }
        )?;
        if !since.changes.is_empty() {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .force_no_tty()
                .set_width(style.width.unwrap_or(160))
                .set_header(vec![
                    "location", "asset", "vendor", "policy", "before", "now", "why",
                ]);
            for c in &since.changes {
                t.add_row(vec![
                    format!("{}:{}", V(&c.file), c.line),
                    or_dash(c.asset_id.as_deref()),
                    visible(&c.vendor).into_owned(),
                    visible(&c.policy).into_owned(),
                    c.before.to_string(),
                    c.after.to_string(),
                    visible(&c.reason).into_owned(),
                ]);
            }
            writeln!(out, "{t}")?;
        }
    }
    for g in &report.groups {
        writeln!(
            out,
            "group {}: {} file{}, {} items, {} violations, {} reviews, {} waived, {} ok, {} unidentified",
            V(&g.group),
            g.files,
            if g.files == 1 { "" } else { "s" },
            g.counts.items,
            g.counts.violations,
            g.counts.reviews,
            g.counts.waived,
            g.counts.ok,
            g.counts.unidentified
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "baseline {}: {} findings already known, {} new",
            V(&b.path),
            b.known,
            b.new
        )?;
    }
    for p in &report.policies {
        writeln!(
            out,
            "policy {}: {} violations, {} reviews, {} waived, {} ok",
            V(&p.id),
            p.counts.violations,
            p.counts.reviews,
            p.counts.waived,
            p.counts.ok
        )?;
    }
    if let Some(w) = &report.waivers {
        writeln!(out, "waivers {}: {} findings waived", V(&w.path), w.applied)?;
        for e in &w.expired {
            writeln!(
                out,
                "  waiver {} expired on {} ({} findings no longer waived)",
                V(&e.id),
                e.expires,
                e.findings
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
            "not in service: {} item{} installed after {} (counted as ok, not judged)",
            s.not_in_service,
            if s.not_in_service == 1 { "" } else { "s" },
            report.as_of
        )?;
    }
    writeln!(
        out,
        "total: {} items in {} file{}: {} violations, {} reviews, {} waived, {} ok ({} unidentified)",
        s.items,
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" },
        s.violations,
        s.reviews,
        s.waived,
        s.ok,
        s.unidentified
    )
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

fn terminal_width() -> Option<(u16, u16)> {
    let cols = std::env::var("COLUMNS").ok()?.parse::<u16>().ok()?;
    Some((cols.max(60), 0))
}
