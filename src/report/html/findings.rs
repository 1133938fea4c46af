//! The HTML page's findings: one table per group of findings (entry and rule, worst first,
//! at most `--rows-per-group` rows each), every row carrying the `data-*` attributes the
//! page's script filters and sorts by.

use std::io::Write;

use super::{counts_text, escape, plural};
use crate::model::Verdict;
use crate::report::{FindingRow, Report};

/// The last component of a path as the report shows it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A verdict's place in a sort, worst first.
fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Violation => 0,
        Verdict::Review => 1,
        Verdict::Waived => 2,
        Verdict::Ok => 3,
    }
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

pub(super) fn findings(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
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
    // Worst groups first; rows keep report order within a group. Each group is a `div` of
    // its own so that the script can hide a group none of whose rows pass the filters.
    for g in groups.sorted() {
        writeln!(out, "<div class=\"group\">")?;
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
            let site = f.site.as_deref().map(str::trim).filter(|s| !s.is_empty());
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
            // What the script filters and sorts by, as attributes (escaped like any text):
            // the row's verdict, policy, site, vendor and matched entry; the location's file
            // and zero-padded line, the verdict's rank (worst first) and the days left.
            writeln!(
                out,
                "<tr class=\"finding\" data-verdict=\"{}\" data-policy=\"{}\" data-site=\"{}\" data-vendor=\"{}\" data-entry=\"{}\">",
                f.verdict.as_str(),
                escape(f.policy.as_deref().unwrap_or("")),
                escape(site.unwrap_or("")),
                escape(&f.vendor),
                escape(f.entry_name.as_deref().unwrap_or(""))
            )?;
            writeln!(
                out,
                "<td class=\"mono\" title=\"{}:{}\" data-sort=\"{} {:010}\">{}:{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td data-sort=\"{}\">{}</td><td data-sort=\"{}\">{}</td><td>{}</td></tr>",
                escape(&f.file),
                f.line,
                escape(&f.file),
                f.line,
                escape(if unique { file_name(&f.file) } else { &f.file }),
                f.line,
                match site {
                    Some(site) => format!("<br><span class=\"small\">{}</span>", escape(site)),
                    None => String::new(),
                },
                dash(f.asset_id.as_deref()),
                vendor,
                dash(f.model.as_deref()),
                rule,
                verdict_rank(f.verdict),
                verdict_cell(f),
                f.days_left.map_or_else(String::new, |d| d.to_string()),
                match f.deadline {
                    Some(d) => format!(
                        "<span class=\"nowrap\">{d}</span><br><span class=\"small\">{}</span>",
                        crate::report::days_left_text(f.days_left)
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
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</section>")?;
    writeln!(out, "</main>")
}
