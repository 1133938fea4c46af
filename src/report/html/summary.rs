//! The HTML page's text sections: the summary (tiles, coverage, charts, per-policy and
//! per-folder tables), the unidentified vendors, the policies with their legal basis, and the
//! provenance block.

use std::io::Write;

use super::charts::{chart, vendor_rows};
use super::{count_of, counts_text, escape, plural, ORDER, TOP_VENDORS};
use crate::report::Report;

pub(super) fn summary(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
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
            "<tr><td class=\"nowrap\"><strong>{}</strong></td><td>{}</td><td>{}</td>{}</tr>",
            escape(&p.id),
            escape(&p.title),
            escape(&p.jurisdiction),
            count_cells(c)
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
                "<tr><td>{}</td><td class=\"num\">{}</td>{}</tr>",
                escape(&g.group),
                g.files,
                count_cells(c)
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    unidentified(report, out)?;
    writeln!(out, "</section>")
}

/// The unidentified items grouped by vendor string, most items first (at most
/// [`crate::report::UNIDENTIFIED_SHOWN`] strings); nothing when every item was identified.
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
    for v in u.vendors.iter().take(crate::report::UNIDENTIFIED_SHOWN) {
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
    if let Some(rest) = u.rest_text(crate::report::UNIDENTIFIED_SHOWN) {
        writeln!(
            out,
            "<p class=\"small\">And {} (all in the JSON report).</p>",
            escape(&rest)
        )?;
    }
    Ok(())
}

pub(super) fn policies(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
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

pub(super) fn provenance(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
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

/// The count cells of a summary row: items, violations, reviews, waived, ok, unidentified.
fn count_cells(c: &crate::report::Counts) -> String {
    [
        c.items,
        c.violations,
        c.reviews,
        c.waived,
        c.ok,
        c.unidentified,
    ]
    .iter()
    .map(|n| format!("<td class=\"num\">{n}</td>"))
    .collect()
}
