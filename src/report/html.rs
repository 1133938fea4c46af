//! HTML rendering: one self-contained HTML5 page (inline style, inline SVG charts, no scripts,
//! nothing loaded from elsewhere) with provenance, a summary and the findings grouped by site.
//!
//! Everything taken from the report is HTML-escaped (`& < > " '`), so inventory text can never
//! become markup; a Content-Security-Policy that forbids scripts and external loads is a second
//! line of defence. Each chart bar carries a `<title>` and its numbers in text, and each chart
//! a `<desc>` with the same numbers for screen readers.

use std::io::Write;

use super::{Counts, FindingRow, Report};
use crate::model::Verdict;

/// How many vendors the vendor chart shows.
const TOP_VENDORS: usize = 15;

/// Verdicts in chart order (worst first), with their display names.
const ORDER: [(Verdict, &str); 4] = [
    (Verdict::Violation, "violation"),
    (Verdict::Review, "review"),
    (Verdict::Waived, "waived"),
    (Verdict::Ok, "ok"),
];

const STYLE: &str = r#"
:root { --violation: #b3261e; --review: #b45309; --waived: #5b4bb7; --ok: #2e7d32;
        --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 28px 48px; max-width: 1240px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 26px; margin: 0 0 2px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 8px; }
.sub { color: var(--muted); margin: 0 0 18px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
              font-size: 12px; overflow-wrap: anywhere; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 20px; }
.tile { flex: 1 1 140px; border: 1px solid var(--line); border-top: 6px solid var(--muted);
        border-radius: 6px; padding: 8px 14px; background: #fff; }
.tile .n { display: block; font-size: 30px; font-weight: 700; line-height: 1.15; }
.tile .l { color: var(--muted); font-weight: 600; }
.tile.violation { border-top-color: var(--violation); } .tile.violation .n { color: var(--violation); }
.incomplete { border: 2px solid var(--violation); padding: 8px 12px; margin: 8px 0 16px; }
.incomplete strong { color: var(--violation); }
.tile.review { border-top-color: var(--review); } .tile.review .n { color: var(--review); }
.tile.waived { border-top-color: var(--waived); } .tile.waived .n { color: var(--waived); }
.tile.ok { border-top-color: var(--ok); } .tile.ok .n { color: var(--ok); }
.charts { display: grid; grid-template-columns: 1fr; gap: 18px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
figcaption { font-weight: 700; margin-bottom: 6px; }
figcaption span { font-weight: 400; color: var(--muted); }
svg.chart { display: block; width: 100%; max-width: 1160px; height: auto; }
svg.chart text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; fill: var(--ink); }
svg.chart text.in { fill: #fff; font-weight: 700; }
svg.chart text.tot { fill: var(--muted); }
svg.chart .violation { fill: var(--violation); } svg.chart .review { fill: var(--review); }
svg.chart .waived { fill: var(--waived); } svg.chart .ok { fill: var(--ok); }
svg.chart line.axis { stroke: var(--line); }
.legend { display: flex; flex-wrap: wrap; gap: 18px; list-style: none; padding: 0; margin: 4px 0 10px; font-weight: 600; }
.legend li { display: flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
.sw.violation { background: var(--violation); } .sw.review { background: var(--review); }
.sw.waived { background: var(--waived); } .sw.ok { background: var(--ok); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap, .nowrap { white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-weight: 700;
         font-size: 12px; white-space: nowrap; }
.badge.violation { background: var(--violation); } .badge.review { background: var(--review); }
.badge.waived { background: var(--waived); } .badge.ok { background: var(--ok); }
.small { font-size: 12px; color: var(--muted); }
section.prov { border: 1px solid var(--line); border-radius: 6px; background: var(--soft);
               padding: 8px 14px 10px; margin: 0 0 8px; font-size: 13px; }
section.prov h2 { font-size: 13px; margin: 0 0 6px; padding: 0; border: 0; color: var(--muted);
                  text-transform: uppercase; letter-spacing: .04em; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; }
dl.prov code { color: var(--muted); }
table.findings { table-layout: fixed; }
table.findings { font-size: 13px; }
col.c-loc { width: 84px; } col.c-asset { width: 60px; } col.c-vendor { width: 140px; }
col.c-model { width: 90px; } col.c-rule { width: 140px; } col.c-verdict { width: 112px; }
col.c-deadline { width: 132px; }
table.findings td { overflow-wrap: anywhere; }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
summary { font-weight: 600; cursor: pointer; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print { body { max-width: none; padding: 0; } figure, table { break-inside: avoid; } }
"#;

/// Escapes text for HTML content and attribute values: the five markup characters become
/// entities, and line breaks, other control characters and bidirectional controls are written
/// in their visible form ([`crate::escape`]: `\n`, `\u{1b}`, ...), so the page shows that a
/// value holds them (a raw line break would show as a space, an ESC as nothing) and the HTML
/// stays free of characters it does not allow.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => crate::escape::push(&mut o, c),
        }
    }
    o
}

fn count_of(c: &Counts, v: Verdict) -> u64 {
    match v {
        Verdict::Violation => c.violations,
        Verdict::Review => c.reviews,
        Verdict::Waived => c.waived,
        Verdict::Ok => c.ok,
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 violation, 2 reviews, 0 waived, 3 ok".
fn counts_text(c: [u64; 4]) -> String {
    format!(
        "{}, {}, {} waived, {} ok",
        plural(c[0], "violation", "violations"),
        plural(c[1], "review", "reviews"),
        c[2],
        c[3]
    )
}

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

/// Writes `report` as one self-contained HTML page.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<meta name=\"referrer\" content=\"no-referrer\">")?;
    writeln!(
        out,
        "<title>tvcheck report · as of {} · {}</title>",
        report.as_of,
        escape(&counts_text([s.violations, s.reviews, s.waived, s.ok]))
    )?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>tvcheck report</h1>")?;
    writeln!(
        out,
        "<p class=\"sub\">Inventory checked as of <strong>{}</strong>{} against {} with registry {} · generated {}</p>",
        report.as_of,
        if report.procurement {
            " as new purchases (procurement mode)"
        } else {
            ""
        },
        escape(
            &report
                .policies
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        escape(&report.registry.source),
        escape(&report.generated_at)
    )?;
    if !report.registry.verified {
        writeln!(
            out,
            "<p class=\"sub\"><strong>{}</strong></p>",
            escape(super::table::UNVERIFIED)
        )?;
    }
    if let Some(snap) = &report.registry.snapshot {
        writeln!(
            out,
            "<p class=\"sub\">{}</p>",
            escape(&super::table::snapshot_line(snap))
        )?;
    }
    provenance(report, out)?;
    writeln!(out, "</header>")?;
    summary(report, out)?;
    findings(report, out)?;
    policies(report, out)?;
    writeln!(
        out,
        "<footer>Made by {} {}. Items whose verdict is ok are counted{}.</footer>",
        escape(&report.tool.name),
        escape(&report.tool.version),
        if report.finding_groups.lists_ok() {
            " and listed"
        } else {
            ", not listed (run with --all to list them)"
        }
    )?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

fn summary(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(out, "<main>")?;
    writeln!(out, "<section id=\"summary\">")?;
    writeln!(out, "<h2>Summary</h2>")?;
    if let Some(text) = report.incomplete_text() {
        writeln!(
            out,
            "<div class=\"incomplete\" role=\"alert\"><strong>{}</strong><ul>",
            escape(&text)
        )?;
        for line in report.unread() {
            writeln!(out, "<li>not read: {}</li>", escape(&line))?;
        }
        writeln!(out, "</ul></div>")?;
    }
    if report.warnings.count > 0 {
        writeln!(
            out,
            "<details class=\"warnings\"><summary>{} kept as written</summary><ul>",
            plural(report.warnings.count, "value", "values")
        )?;
        for w in &report.warnings.shown {
            writeln!(out, "<li>{}</li>", escape(w))?;
        }
        writeln!(out, "</ul></details>")?;
    }
    writeln!(out, "<div class=\"tiles\">")?;
    let tiles = [
        ("items", s.items, "items checked"),
        ("violation", s.violations, "violations"),
        ("review", s.reviews, "to review"),
        ("waived", s.waived, "waived"),
        ("ok", s.ok, "ok"),
        ("unidentified", s.unidentified, "unidentified"),
    ];
    for (class, n, label) in tiles {
        writeln!(
            out,
            "<div class=\"tile {class}\"><span class=\"n\">{n}</span><span class=\"l\">{label}</span></div>"
        )?;
    }
    writeln!(out, "</div>")?;
    writeln!(
        out,
        "<p class=\"small\">Items are counted once, by their worst verdict under any policy; {} no registry entry.</p>",
        plural(s.unidentified, "item matches", "items match")
    )?;
    writeln!(
        out,
        "<p class=\"coverage\"><strong>Coverage:</strong> {}.</p>",
        escape(&s.coverage_text())
    )?;

    writeln!(out, "<ul class=\"legend\" aria-label=\"legend\">")?;
    for (_, name) in ORDER {
        writeln!(out, "<li><span class=\"sw {name}\"></span>{name}</li>")?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "<div class=\"charts\">")?;
    let rows: Vec<(String, String, [u64; 4])> = report
        .policies
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                format!("{}: {}", p.id, p.title),
                ORDER.map(|(v, _)| count_of(&p.counts, v)),
            )
        })
        .collect();
    chart(
        out,
        "chart-policies",
        "Verdicts per policy",
        "items, by their worst verdict under each policy",
        &rows,
    )?;
    let vendors = vendor_rows(report);
    chart(
        out,
        "chart-vendors",
        "Verdicts per manufacturer",
        &format!(
            "listed items, by their worst verdict, top {TOP_VENDORS} manufacturers (registry name, else the inventory's vendor)"
        ),
        &vendors,
    )?;
    writeln!(out, "</div>")?;

    writeln!(out, "<h3>Per policy</h3>")?;
    writeln!(out, "<table>")?;
    writeln!(
        out,
        "<thead><tr><th>policy</th><th>title</th><th>jurisdiction</th><th class=\"num\">items</th><th class=\"num\">violations</th><th class=\"num\">reviews</th><th class=\"num\">waived</th><th class=\"num\">ok</th><th class=\"num\">unidentified</th></tr></thead>"
    )?;
    writeln!(out, "<tbody>")?;
    for p in &report.policies {
        let c = &p.counts;
        writeln!(
            out,
            "<tr><td class=\"nowrap\"><strong>{}</strong></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.id),
            escape(&p.title),
            escape(&p.jurisdiction),
            c.items,
            c.violations,
            c.reviews,
            c.waived,
            c.ok,
            c.unidentified
        )?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    if !report.groups.is_empty() {
        writeln!(out, "<h3>Per folder</h3>")?;
        writeln!(out, "<table>")?;
        writeln!(
            out,
            "<thead><tr><th>folder</th><th class=\"num\">files</th><th class=\"num\">items</th><th class=\"num\">violations</th><th class=\"num\">reviews</th><th class=\"num\">waived</th><th class=\"num\">ok</th><th class=\"num\">unidentified</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for g in &report.groups {
            let c = &g.counts;
            writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&g.group),
                g.files,
                c.items,
                c.violations,
                c.reviews,
                c.waived,
                c.ok,
                c.unidentified
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    unidentified(report, out)?;
    writeln!(out, "</section>")
}

/// The unidentified items grouped by vendor string, most items first (at most
/// [`super::UNIDENTIFIED_SHOWN`] strings); nothing when every item was identified.
fn unidentified(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let u = &report.unidentified;
    if u.vendors.is_empty() && u.untracked_items == 0 {
        return Ok(());
    }
    writeln!(out, "<h3 id=\"unidentified\">Unidentified vendors</h3>")?;
    writeln!(
        out,
        "<p class=\"small\">{} under {}, most items first. <code>--unidentified-out FILE.toml</code> writes them as a registry skeleton to complete and import.</p>",
        plural(report.summary.unidentified, "item", "items"),
        plural(u.vendors.len() as u64, "vendor string", "vendor strings")
    )?;
    writeln!(out, "<table>")?;
    writeln!(
        out,
        "<thead><tr><th>vendor</th><th class=\"num\">items</th><th>where</th></tr></thead>"
    )?;
    writeln!(out, "<tbody>")?;
    for v in u.vendors.iter().take(super::UNIDENTIFIED_SHOWN) {
        let more = v.items.saturating_sub(v.places.len() as u64);
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}{}</td></tr>",
            escape(&v.vendor),
            v.items,
            escape(&v.places.join(", ")),
            if more > 0 {
                format!(", {more} more")
            } else {
                String::new()
            }
        )?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    if let Some(rest) = u.rest_text(super::UNIDENTIFIED_SHOWN) {
        writeln!(
            out,
            "<p class=\"small\">And {} (all in the JSON report).</p>",
            escape(&rest)
        )?;
    }
    Ok(())
}

/// Listed items per vendor (the matched entry's name, else the vendor as written), counted
/// once each by their worst listed verdict; the `TOP_VENDORS` vendors with most items.
fn vendor_rows(report: &Report) -> Vec<(String, String, [u64; 4])> {
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
fn chart(
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

/// The last component of a path as the report shows it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn verdict_cell(f: &FindingRow) -> String {
    let v = f.verdict.as_str();
    let mut s = format!("<span class=\"badge {v}\">{v}</span>");
    if let Some(w) = &f.waiver {
        s.push_str(&format!(
            "<br><span class=\"small nowrap\">by {}</span>",
            escape(w)
        ));
    }
    if f.in_baseline {
        s.push_str("<br><span class=\"small\">in baseline</span>");
    }
    s
}

fn findings(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "<section id=\"findings\">")?;
    writeln!(out, "<h2>Findings by entry and rule</h2>")?;
    let groups = &report.finding_groups;
    if groups.is_empty() {
        writeln!(out, "<p>No findings.</p>")?;
        writeln!(out, "</section>")?;
        return writeln!(out, "</main>");
    }
    // Locations show the file name alone (the full path as a tooltip) unless two inputs share
    // a file name.
    let names: Vec<&str> = report.inputs.iter().map(|i| file_name(&i.path)).collect();
    let unique = names
        .iter()
        .all(|n| names.iter().filter(|m| *m == n).count() == 1);
    if groups.untracked > 0 {
        writeln!(
            out,
            "<p class=\"small\">{} of further entries and rules are counted, not grouped (all in the JSON report).</p>",
            plural(groups.untracked, "finding", "findings")
        )?;
    }
    // Worst groups first; rows keep report order within a group.
    for g in groups.sorted() {
        let c = [g.violations, g.reviews, g.waived, g.ok];
        let rows = &g.rows;
        writeln!(
            out,
            "<h3>{} <span class=\"small\">· {} · {} · {}</span></h3>",
            escape(&g.entry_text()),
            escape(&g.rule_text()),
            plural(g.count(), "finding", "findings"),
            escape(&counts_text(c))
        )?;
        writeln!(out, "<table class=\"findings\">")?;
        writeln!(
            out,
            "<colgroup><col class=\"c-loc\"><col class=\"c-asset\"><col class=\"c-vendor\"><col class=\"c-model\"><col class=\"c-rule\"><col class=\"c-verdict\"><col class=\"c-deadline\"><col></colgroup>"
        )?;
        writeln!(
            out,
            "<thead><tr><th>location</th><th>asset</th><th>vendor</th><th>model</th><th>policy / rule</th><th>verdict</th><th>deadline<br><span class=\"small\">days left</span></th><th>reason</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for f in rows {
            let dash = |s: Option<&str>| match s.filter(|s| !s.is_empty()) {
                Some(s) => escape(s),
                None => "–".to_string(),
            };
            let vendor = match (&f.entry_name, f.vendor.is_empty()) {
                (Some(n), false) if *n != f.vendor => format!(
                    "{}<br><span class=\"small\">{}</span>",
                    escape(&f.vendor),
                    escape(n)
                ),
                (Some(n), true) => escape(n),
                (_, true) => "–".to_string(),
                _ => escape(&f.vendor),
            };
            let rule = match (&f.policy, &f.rule) {
                (Some(p), Some(r)) => format!("{}/<wbr>{}", escape(p), escape(r)),
                _ => "–".to_string(),
            };
            writeln!(
                out,
                "<tr><td class=\"mono\" title=\"{}:{}\">{}:{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.file),
                f.line,
                escape(if unique { file_name(&f.file) } else { &f.file }),
                f.line,
                match f.site.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    Some(site) => format!("<br><span class=\"small\">{}</span>", escape(site)),
                    None => String::new(),
                },
                dash(f.asset_id.as_deref()),
                vendor,
                dash(f.model.as_deref()),
                rule,
                verdict_cell(f),
                match f.deadline {
                    Some(d) => format!(
                        "<span class=\"nowrap\">{d}</span><br><span class=\"small\">{}</span>",
                        super::days_left_text(f.days_left)
                    ),
                    None => "–".to_string(),
                },
                escape(&f.reason)
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
        if g.more() > 0 {
            writeln!(
                out,
                "<p class=\"small\">And {} more {} (at most {} shown per group; all in the JSON, JSON Lines and CSV reports).</p>",
                g.more(),
                if g.more() == 1 { "finding" } else { "findings" },
                groups.rows_per_group
            )?;
        }
    }
    writeln!(out, "</section>")?;
    writeln!(out, "</main>")
}

fn policies(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "<section id=\"policies\">")?;
    writeln!(out, "<h2>Policies and legal basis</h2>")?;
    for p in &report.policies {
        writeln!(out, "<details>")?;
        writeln!(
            out,
            "<summary>{} · {} ({})</summary>",
            escape(&p.id),
            escape(&p.title),
            escape(&p.jurisdiction)
        )?;
        if !p.basis.is_empty() {
            writeln!(out, "<p><strong>Legal basis</strong></p>")?;
            writeln!(out, "<ul>")?;
            for b in &p.basis {
                let weak = matches!(b.confidence, crate::registry::Confidence::Weak);
                writeln!(
                    out,
                    "<li>{} ({}){}<br><span class=\"small\">source: {}</span>{}</li>",
                    escape(&b.citation),
                    b.date,
                    if weak { " · weakly confirmed" } else { "" },
                    escape(&b.source),
                    b.notes
                        .as_deref()
                        .map(|n| format!("<br><span class=\"small\">{}</span>", escape(n)))
                        .unwrap_or_default()
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        if !p.rules.is_empty() {
            writeln!(out, "<table>")?;
            writeln!(
                out,
                "<thead><tr><th>rule</th><th>title</th><th>kind</th><th>effective</th><th>deadline</th><th>remedy</th></tr></thead>"
            )?;
            writeln!(out, "<tbody>")?;
            for r in &p.rules {
                writeln!(
                    out,
                    "<tr><td class=\"nowrap\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
                    escape(&r.id),
                    escape(&r.title),
                    escape(&r.kind),
                    r.effective,
                    r.deadline.map_or_else(|| "–".to_string(), |d| d.to_string()),
                    escape(&r.remedy)
                )?;
            }
            writeln!(out, "</tbody>")?;
            writeln!(out, "</table>")?;
        }
        writeln!(out, "</details>")?;
    }
    writeln!(out, "</section>")
}

fn provenance(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let r = &report.registry;
    writeln!(out, "<section id=\"provenance\" class=\"prov\">")?;
    writeln!(out, "<h2>Provenance</h2>")?;
    writeln!(out, "<dl class=\"prov\">")?;
    let mut item = |k: &str, v: String| writeln!(out, "<dt>{}</dt><dd>{v}</dd>", escape(k));
    item(
        "tool",
        format!(
            "{} {}",
            escape(&report.tool.name),
            escape(&report.tool.version)
        ),
    )?;
    item("generated at", escape(&report.generated_at))?;
    item(
        "as of",
        format!(
            "{}{}",
            report.as_of,
            if report.procurement {
                " · procurement mode (every item judged as a new purchase)"
            } else {
                ""
            }
        ),
    )?;
    item(
        "registry",
        format!(
            "{} · {} vendors · {} listings · schema {} · <code>sha256 {}</code>",
            escape(&r.source),
            r.vendors,
            r.listings,
            r.schema_version,
            escape(&r.sha256)
        ),
    )?;
    for p in &report.policies {
        item(
            "policy",
            format!(
                "<strong>{}</strong> · {} · <code>sha256 {}</code>",
                escape(&p.id),
                escape(&p.origin),
                if p.sha256.is_empty() {
                    "– (built in)".to_string()
                } else {
                    escape(&p.sha256)
                }
            ),
        )?;
    }
    match &report.waivers {
        Some(w) => {
            let mut v = format!(
                "<strong>{}</strong> · {} waived · <code>sha256 {}</code>",
                escape(&w.path),
                plural(w.applied, "finding", "findings"),
                escape(&w.sha256)
            );
            for e in &w.expired {
                v.push_str(&format!(
                    "<br>waiver {} expired on {} ({} no longer waived)",
                    escape(&e.id),
                    e.expires,
                    plural(e.findings, "finding", "findings")
                ));
            }
            for u in &w.unused {
                v.push_str(&format!("<br>waiver {} matched nothing", escape(u)));
            }
            item("waivers", v)?;
        }
        None => item("waivers", "none".to_string())?,
    }
    if let Some(b) = &report.baseline {
        item(
            "baseline",
            format!(
                "<strong>{}</strong> · {} known, {} new · <code>sha256 {}</code>",
                escape(&b.path),
                b.known,
                b.new,
                escape(&b.sha256)
            ),
        )?;
    }
    for i in &report.inputs {
        item(
            "input",
            format!(
                "<strong>{}</strong> · {} · {} bytes · {}, {} · <code>sha256 {}</code>",
                escape(&i.path),
                escape(&i.format),
                i.bytes,
                plural(i.counts.items, "item", "items"),
                escape(&counts_text([
                    i.counts.violations,
                    i.counts.reviews,
                    i.counts.waived,
                    i.counts.ok
                ])),
                escape(&i.sha256)
            ),
        )?;
    }
    for s in &report.skipped {
        item(
            "skipped",
            format!(
                "<strong>{}</strong> · not an inventory ({})",
                escape(&s.path),
                escape(&s.reason)
            ),
        )?;
    }
    writeln!(out, "</dl>")?;
    writeln!(out, "</section>")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::{
        InputInfo, PolicySummary, RegistryInfo, RuleInfo, ToolInfo, WaiverSummary,
    };

    fn date(s: &str) -> crate::date::Date {
        s.parse().unwrap()
    }

    /// A small report with a violation, a review, a waived finding and hostile strings; shared
    /// by the renderers' unit tests.
    pub(crate) fn sample_report() -> Report {
        let row = |asset: &str, vendor: &str, site: Option<&str>, verdict: Verdict| FindingRow {
            file: "inv.csv".into(),
            line: 2,
            sheet: None,
            asset_id: Some(asset.to_string().into()),
            vendor: vendor.to_string().into(),
            model: Some("BBU5900".into()),
            serial: None,
            site: site.map(|s| s.to_string().into()),
            domain: Some("core".into()),
            quantity: Some(2),
            country: None,
            installed: None,
            purpose: None,
            network: None,
            category: None,
            origin: None,
            policy: Some("lt-5g".into()),
            rule: Some("non-member-manufacturer".into()),
            verdict,
            deadline: Some(date("2025-12-31")),
            days_left: Some(-152),
            waiver: (verdict == Verdict::Waived).then(|| "W-2026-017".into()),
            entry: Some("huawei".into()),
            entry_name: Some("Huawei Technologies Co., Ltd.".into()),
            match_kind: Some(crate::matcher::MatchKind::Alias),
            tier: Some(crate::matcher::Tier::Curated),
            score: Some(1.0),
            evidence: None,
            listings: Vec::new().into(),
            reason: format!("vendor '{vendor}' is an alias of Huawei").into(),
            confidence: Some(crate::registry::Confidence::Confirmed),
            extra: Default::default(),
            in_baseline: false,
            item_sha256: crate::report::ItemDigest([0; 32]),
        };
        let mut findings = vec![
            row("P1", "Huawei", Some("Vilnius"), Verdict::Violation),
            row("P2", "ZTE", Some("Kaunas"), Verdict::Waived),
            row("P5", "<script>alert(1)</script>", None, Verdict::Review),
            row(
                "P6",
                "\"><img src=x onerror=alert(1)>",
                Some("<b>Riga</b>"),
                Verdict::Review,
            ),
        ];
        for (i, f) in findings.iter_mut().enumerate() {
            f.line = i as u64 + 2;
        }
        findings[2].entry = None;
        findings[2].entry_name = None;
        findings[3].entry = None;
        findings[3].entry_name = None;
        let counts = Counts {
            items: 5,
            violations: 1,
            reviews: 2,
            waived: 1,
            ok: 1,
            unidentified: 2,
            identified_curated: 3,
            identified_ieee: 0,
            not_in_service: 0,
        };
        Report {
            tool: ToolInfo::default(),
            as_of: date("2026-06-01"),
            generated_at: "2026-11-18T11:06:40Z".into(),
            registry: RegistryInfo {
                source: "embedded".into(),
                sha256: "591397af2d4695413fc9c1d0782594918ebd84f514bce959214881195183557c".into(),
                vendors: 36,
                listings: 27,
                schema_version: 1,
                revision: 1,
                last_change: None,
                verified: true,
                snapshot: None,
            },
            procurement: false,
            policies: vec![PolicySummary {
                id: "lt-5g".into(),
                title: "Lithuania: reliable manufacturers in 5G networks".into(),
                jurisdiction: "LT".into(),
                origin: "embedded:policies/lt-5g.toml".into(),
                sha256: "d2754267c687c9c8dc2b93f8964897756a751d42e3cbc7be8bc45cca2b7d7fa9".into(),
                basis: vec![crate::policy::Citation {
                    citation: "Law on Electronic Communications <No. IX-2135>".into(),
                    date: date("2021-05-25"),
                    source: "Seimas & press".into(),
                    confidence: crate::registry::Confidence::Weak,
                    notes: None,
                }],
                rules: vec![RuleInfo {
                    id: "non-member-manufacturer".into(),
                    title: "Manufacturer registered outside the EU, NATO, EFTA and OECD".into(),
                    kind: "country-test".into(),
                    effective: date("2021-05-25"),
                    deadline: Some(date("2025-12-31")),
                    remedy: "must be replaced".into(),
                }],
                counts: counts.clone(),
            }],
            waivers: Some(WaiverSummary {
                path: "waivers.toml".into(),
                sha256: "9b027e0fcd5f58208ac6a15cdbd881c133db33c0751600113a0af6b88ba54b6c".into(),
                applied: 1,
                unused: Vec::new(),
                expired: Vec::new(),
            }),
            inputs: vec![InputInfo {
                path: "inv.csv".into(),
                format: "csv".into(),
                sha256: "27f8d62a8e74fb59474f925e39b5e3f2135385e676b5c3c7b8e6fb4db435fea3".into(),
                bytes: 203,
                counts: counts.clone(),
                rows_skipped: 0,
                complete: true,
                encoding: Some("UTF-8".into()),
                notes: Vec::new(),
                warnings: 0,
            }],
            groups: Vec::new(),
            baseline: None,
            since: None,
            status: super::super::RunStatus::Complete,
            failed_inputs: Vec::new(),
            skipped: Vec::new(),
            skipped_rows: super::super::SkippedRows::default(),
            warnings: super::super::SkippedRows::default(),
            unidentified: super::super::Unidentified {
                vendors: vec![super::super::UnidentifiedVendor {
                    vendor: "Teltonika <b>".into(),
                    items: 2,
                    places: vec!["inv.csv:4".into(), "inv.csv:6".into()],
                }],
                untracked_items: 0,
            },
            summary: counts,
            finding_groups: groups_of(&findings),
            findings,
            entries: Default::default(),
            lists: Default::default(),
            gate: Default::default(),
        }
    }

    fn html(r: &Report) -> String {
        let mut out = Vec::new();
        render(r, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The start of every tag in `html`: name and attribute text.
    fn tags(html: &str) -> Vec<&str> {
        html.split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Telefónica"), "Telefónica");
    }

    #[test]
    fn control_characters_are_shown_not_written() {
        assert_eq!(
            escape("a\nb\u{1b}[31m\u{7}\u{9b}\u{202e}<"),
            "a\\nb\\u{1b}[31m\\u{7}\\u{9b}\\u{202e}&lt;"
        );
    }

    #[test]
    fn hostile_strings_appear_only_escaped() {
        let page = html(&sample_report());
        assert!(!page.to_lowercase().contains("<script"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("<b>Riga"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("&lt;b&gt;Riga&lt;/b&gt;"));
        assert!(page.contains("Law on Electronic Communications &lt;No. IX-2135&gt;"));
        assert!(page.contains("Seimas &amp; press"));
    }

    #[test]
    fn nothing_is_loaded_from_elsewhere() {
        let page = html(&sample_report());
        const ALLOWED: &[&str] = &[
            "!DOCTYPE",
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "header",
            "h1",
            "h2",
            "h3",
            "p",
            "strong",
            "main",
            "section",
            "div",
            "span",
            "figure",
            "figcaption",
            "svg",
            "desc",
            "line",
            "g",
            "text",
            "rect",
            "ul",
            "li",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "br",
            "wbr",
            "code",
            "details",
            "summary",
            "dl",
            "dt",
            "dd",
            "footer",
            "colgroup",
            "col",
        ];
        for tag in tags(&page) {
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("");
            assert!(ALLOWED.contains(&name), "unexpected tag <{tag}>");
            let lower = tag.to_lowercase();
            for attr in [
                "src=", "href=", "srcset=", "action=", "xlink:", "url(", " on",
            ] {
                assert!(!lower.contains(attr), "tag <{tag}> has {attr}");
            }
        }
        assert!(!page.contains("@import"));
        assert!(!page.contains("url("));
        // The only "http" is the CSP meta's attribute name.
        assert_eq!(page.matches("http").count(), 1, "{page}");
    }

    /// The groups of `findings`, as a check run gathers them.
    pub(crate) fn groups_of(findings: &[FindingRow]) -> crate::report::groups::FindingGroups {
        let mut g = crate::report::groups::FindingGroups::default();
        for f in findings {
            g.push(f);
        }
        g
    }

    #[test]
    fn groups_worst_first_with_their_sites() {
        let page = html(&sample_report());
        let headings: Vec<&str> = page.lines().filter(|l| l.starts_with("<h3>")).collect();
        assert!(!headings.is_empty(), "{page}");
        // Groups with violations come before groups with reviews only.
        let first_without = headings
            .iter()
            .position(|h| h.contains("· 0 violations"))
            .unwrap_or(headings.len());
        assert!(first_without > 0, "{headings:?}");
        assert!(
            headings[first_without..]
                .iter()
                .all(|h| h.contains("· 0 violations")),
            "{headings:?}"
        );
        // Each row shows its site under its location.
        assert!(
            page.contains("<span class=\"small\">Kaunas</span>"),
            "{page}"
        );
    }

    #[test]
    fn every_bar_has_a_title() {
        let page = html(&sample_report());
        let rects = page.matches("<rect ").count();
        assert!(rects >= 4);
        assert_eq!(page.matches("\"><title>").count(), rects);
    }
}
