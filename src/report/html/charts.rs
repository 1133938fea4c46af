//! The HTML page's charts: horizontal stacked bars of verdict counts, as inline SVG with a
//! title per bar and a description per chart.

use std::io::Write;

use super::{counts_text, escape, plural, ORDER, TOP_VENDORS};
use crate::report::Report;

/// Shortens a chart label to `max` characters.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Listed items per vendor (the matched entry's name, else the vendor as written), counted
/// once each by their worst listed verdict; the `TOP_VENDORS` vendors with most items.
pub(super) fn vendor_rows(report: &Report) -> Vec<(String, String, [u64; 4])> {
    let per = report.finding_groups.vendor_items();
    let mut rows: Vec<(String, String, [u64; 4])> = per
        .into_iter()
        .map(|(label, c)| (label.clone(), label, c))
        .collect();
    // Most items first, then most violations, reviews, waived; then by name (stable sort).
    rows.sort_by(|a, b| {
        let ta: u64 = a.2.iter().sum();
        let tb: u64 = b.2.iter().sum();
        tb.cmp(&ta)
            .then(b.2[0].cmp(&a.2[0]))
            .then(b.2[1].cmp(&a.2[1]))
            .then(b.2[2].cmp(&a.2[2]))
    });
    rows.truncate(TOP_VENDORS);
    rows
}

/// A horizontal stacked bar chart: one bar per row (label, full name, counts in `ORDER`).
pub(super) fn chart(
    out: &mut dyn Write,
    id: &str,
    title: &str,
    caption: &str,
    rows: &[(String, String, [u64; 4])],
) -> std::io::Result<()> {
    const LABEL_W: u64 = 250;
    const BAR_W: u64 = 560;
    const TOTAL_W: u64 = 1160;
    const ROW_H: u64 = 30;
    const BAR_H: u64 = 20;
    const TOP: u64 = 6;
    writeln!(out, "<figure>")?;
    writeln!(
        out,
        "<figcaption id=\"{id}-caption\">{} <span>({})</span></figcaption>",
        escape(title),
        escape(caption)
    )?;
    if rows.is_empty() {
        writeln!(out, "<p class=\"small\">Nothing listed.</p>")?;
        return writeln!(out, "</figure>");
    }
    let max = rows
        .iter()
        .map(|r| r.2.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = TOP * 2 + ROW_H * rows.len() as u64;
    let desc = rows
        .iter()
        .map(|(_, name, c)| format!("{name}: {}", counts_text(*c)))
        .collect::<Vec<_>>()
        .join("; ");
    writeln!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {TOTAL_W} {height}\" width=\"{TOTAL_W}\" height=\"{height}\" aria-labelledby=\"{id}-title {id}-desc\">"
    )?;
    writeln!(out, "<title id=\"{id}-title\">{}</title>", escape(title))?;
    writeln!(out, "<desc id=\"{id}-desc\">{}</desc>", escape(&desc))?;
    writeln!(
        out,
        "<line class=\"axis\" x1=\"{LABEL_W}\" y1=\"0\" x2=\"{LABEL_W}\" y2=\"{height}\"/>"
    )?;
    for (i, (label, name, counts)) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as u64;
        let bar_y = y + (ROW_H - BAR_H) / 2;
        let text_y = y + ROW_H / 2 + 5;
        writeln!(out, "<g>")?;
        writeln!(
            out,
            "<title>{}</title>",
            escape(&format!("{name}: {}", counts_text(*counts)))
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 8,
            escape(&truncate(label, 34))
        )?;
        let mut x = LABEL_W;
        for (k, (_, vname)) in ORDER.iter().enumerate() {
            let n = counts[k];
            if n == 0 {
                continue;
            }
            let w = (n * BAR_W).div_ceil(max).max(2);
            writeln!(
                out,
                "<rect class=\"{vname}\" x=\"{x}\" y=\"{bar_y}\" width=\"{w}\" height=\"{BAR_H}\"><title>{}: {}</title></rect>",
                escape(name),
                match *vname {
                    "violation" => plural(n, "violation", "violations"),
                    "review" => plural(n, "review", "reviews"),
                    other => format!("{n} {other}"),
                }
            )?;
            if w >= 9 * (n.to_string().len() as u64) + 8 {
                writeln!(
                    out,
                    "<text class=\"in\" x=\"{}\" y=\"{text_y}\" text-anchor=\"middle\">{n}</text>",
                    x + w / 2
                )?;
            }
            x += w;
        }
        writeln!(
            out,
            "<text class=\"tot\" x=\"{}\" y=\"{text_y}\">{}</text>",
            LABEL_W + BAR_W + 12,
            escape(&counts_text(*counts))
        )?;
        writeln!(out, "</g>")?;
    }
    writeln!(out, "</svg>")?;
    writeln!(out, "</figure>")
}
