//! Markdown rendering for pull-request comments and tickets: a heading, one line of
//! provenance, a summary table, a table per policy and a findings table (GitHub-flavoured
//! tables).
//!
//! Every string taken from the report is escaped so that it shows as the same text and can
//! never become markup: Markdown punctuation (`\` `` ` `` `*` `_` `[` `]` `<` `>` `|` `&` `~`
//! `$`) is backslash-escaped, a `#` that would start a line too, and line breaks and other
//! control or bidirectional characters are written in their visible form ([`crate::escape`]:
//! `\n`, `\u{1b}`, ...; a backslash before a letter is no Markdown escape, so they render as
//! written), so a cell stays on its line and nothing reaches a terminal raw. The `:` of
//! `scheme://` and the `.` of `www.` are escaped as well, so that GitHub does not turn
//! inventory text into links. No raw HTML is written.

use std::io::Write;

use super::{FindingRow, Report};

/// Escapes text for a Markdown table cell or an inline run of text.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    let mut at_line_start = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Keep GitHub from turning `scheme://...` and `www.` text into links.
            ':' if chars.peek() == Some(&'/') => o.push_str("\\:"),
            '.' if o
                .as_bytes()
                .get(o.len().saturating_sub(3)..)
                .is_some_and(|t| t.eq_ignore_ascii_case(b"www")) =>
            {
                o.push_str("\\.")
            }
            // Line breaks and other control characters are shown, not obeyed: the cell stays
            // on one line, so what follows does not start a line.
            c if crate::escape::is_escaped(c) => crate::escape::push(&mut o, c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '$' => {
                o.push('\\');
                o.push(c);
            }
            '#' if at_line_start => o.push_str("\\#"),
            c => o.push(c),
        }
        at_line_start = false;
    }
    o
}

/// A cell: escaped text, or `–` when absent or empty.
fn cell(s: Option<&str>) -> String {
    match s.filter(|s| !s.trim().is_empty()) {
        Some(s) => escape(s.trim()),
        None => "–".to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// "2026-12-31 (213 days left)", "2025-12-31 (passed 152 days ago)".
fn deadline(f: &FindingRow) -> String {
    super::deadline_text(f).unwrap_or_else(|| "–".to_string())
}

/// The unidentified items grouped by vendor string, most items first (at most
/// [`super::UNIDENTIFIED_SHOWN`] strings), as a section of its own; nothing when every item
/// was identified.
fn unidentified(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let u = &report.unidentified;
    if u.vendors.is_empty() && u.untracked_items == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### Unidentified vendors")?;
    writeln!(out)?;
    writeln!(
        out,
        "{} under {}, most items first (`--unidentified-out FILE.toml` writes them as a registry skeleton to complete and import):",
        plural(report.summary.unidentified, "item", "items"),
        plural(u.vendors.len() as u64, "vendor string", "vendor strings")
    )?;
    writeln!(out)?;
    writeln!(out, "| vendor | items | where |")?;
    writeln!(out, "|---|---:|---|")?;
    for v in u.vendors.iter().take(super::UNIDENTIFIED_SHOWN) {
        let more = v.items.saturating_sub(v.places.len() as u64);
        let mut places = v
            .places
            .iter()
            .map(|p| escape(p))
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            places.push_str(&format!(", {more} more"));
        }
        writeln!(
            out,
            "| {} | {} | {places} |",
            cell(Some(&v.vendor)),
            v.items
        )?;
    }
    if let Some(rest) = u.rest_text(super::UNIDENTIFIED_SHOWN) {
        writeln!(out)?;
        writeln!(out, "And {} (all in the JSON report).", escape(&rest))?;
    }
    Ok(())
}

/// Writes `report` as Markdown.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let r = &report.registry;
    writeln!(out, "## tvcheck report")?;
    writeln!(out)?;
    writeln!(
        out,
        "tvcheck {} · registry {} (sha256 `{}`, {} vendors) · as of {}{} · generated {}",
        escape(&report.tool.version),
        escape(&r.source),
        escape(short(&r.sha256)),
        r.vendors,
        report.as_of,
        if report.procurement {
            " · procurement mode"
        } else {
            ""
        },
        escape(&report.generated_at)
    )?;
    if !r.verified {
        writeln!(out)?;
        writeln!(out, "> **{}**", escape(super::table::UNVERIFIED))?;
    }
    if let Some(snap) = &r.snapshot {
        writeln!(out)?;
        writeln!(out, "{}", escape(&super::table::snapshot_line(snap)))?;
    }
    writeln!(out)?;
    if let Some(text) = report.incomplete_text() {
        writeln!(out, "**{}**", escape(&text))?;
        writeln!(out)?;
        for line in report.unread() {
            writeln!(out, "- not read: {}", escape(&line))?;
        }
        writeln!(out)?;
    }
    if report.warnings.count > 0 {
        writeln!(
            out,
            "Warnings: {} kept as written",
            plural(report.warnings.count, "value", "values")
        )?;
        writeln!(out)?;
        for w in &report.warnings.shown {
            writeln!(out, "- {}", escape(w))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "### Summary")?;
    writeln!(out)?;
    writeln!(
        out,
        "| items | violations | reviews | waived | ok | unidentified |"
    )?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        s.items, s.violations, s.reviews, s.waived, s.ok, s.unidentified
    )?;
    writeln!(out)?;
    writeln!(out, "Coverage: {}.", s.coverage_text())?;
    writeln!(out)?;
    writeln!(out, "### Policies")?;
    writeln!(out)?;
    writeln!(
        out,
        "| policy | title | jurisdiction | items | violations | reviews | waived | ok | unidentified |"
    )?;
    writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|")?;
    for p in &report.policies {
        let c = &p.counts;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(Some(&p.id)),
            cell(Some(&p.title)),
            cell(Some(&p.jurisdiction)),
            c.items,
            c.violations,
            c.reviews,
            c.waived,
            c.ok,
            c.unidentified
        )?;
    }
    if let Some(w) = &report.waivers {
        writeln!(out)?;
        let mut line = format!(
            "Waivers {} (sha256 `{}`): {} waived",
            escape(&w.path),
            escape(short(&w.sha256)),
            plural(w.applied, "finding", "findings")
        );
        for e in &w.expired {
            line.push_str(&format!(
                "; {} expired on {} ({} no longer waived)",
                escape(&e.id),
                e.expires,
                plural(e.findings, "finding", "findings")
            ));
        }
        if !w.unused.is_empty() {
            line.push_str(&format!(
                "; matched nothing: {}",
                w.unused
                    .iter()
                    .map(|u| escape(u))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        writeln!(out, "{line}.")?;
    }
    if let Some(b) = &report.baseline {
        writeln!(out)?;
        writeln!(
            out,
            "Baseline {} (sha256 `{}`): {} known, {} new.",
            escape(&b.path),
            escape(short(&b.sha256)),
            plural(b.known, "finding", "findings"),
            b.new
        )?;
    }
    unidentified(report, out)?;
    writeln!(out)?;
    writeln!(out, "### Findings")?;
    writeln!(out)?;
    let groups = &report.finding_groups;
    if groups.is_empty() {
        writeln!(out, "No findings.")?;
        return Ok(());
    }
    writeln!(
        out,
        "| entry | policy/rule | violations | reviews | waived | ok | shown |"
    )?;
    writeln!(out, "|---|---|--:|--:|--:|--:|--:|")?;
    for g in groups.sorted() {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} of {} |",
            escape(&g.entry_text()),
            escape(&g.rule_text()),
            g.violations,
            g.reviews,
            g.waived,
            g.ok,
            g.rows.len(),
            g.count()
        )?;
    }
    if groups.untracked > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "And {} findings of further entries and rules, counted only.",
            groups.untracked
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "| location | asset | vendor | model | policy/rule | verdict | deadline | reason |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for f in groups.rows() {
        let verdict = match &f.waiver {
            Some(w) => format!("{} ({})", f.verdict, escape(w)),
            None => f.verdict.to_string(),
        };
        let verdict = match f.verdict {
            crate::model::Verdict::Violation => format!("**{verdict}**"),
            _ => verdict,
        };
        writeln!(
            out,
            "| {}:{} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&f.file),
            f.line,
            cell(f.asset_id.as_deref()),
            cell(Some(&f.vendor)),
            cell(f.model.as_deref()),
            match (&f.policy, &f.rule) {
                (Some(p), Some(r)) => format!("{}/{}", escape(p), escape(r)),
                _ => "–".to_string(),
            },
            verdict,
            deadline(f),
            cell(Some(&f.reason))
        )?;
    }
    if let Some(text) = groups.hidden_text() {
        writeln!(out)?;
        writeln!(out, "{}.", escape(&text))?;
    }
    if groups.sorted().iter().all(|g| g.ok == 0) && s.ok > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "{} ok item{} counted, not listed.",
            s.ok,
            if s.ok == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_punctuation() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
        assert_eq!(escape("`code`"), "\\`code\\`");
        assert_eq!(escape("*bold* _it_"), "\\*bold\\* \\_it\\_");
        assert_eq!(escape("[x](http://y)"), "\\[x\\](http\\://y)");
        assert_eq!(escape("see www.x.org"), "see www\\.x.org");
        assert_eq!(escape("a: b"), "a: b");
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape("&lt;"), "\\&lt;");
        assert_eq!(escape("~~x~~ $x$"), "\\~\\~x\\~\\~ \\$x\\$");
        assert_eq!(escape("Telefónica"), "Telefónica");
    }

    #[test]
    fn hash_is_escaped_only_at_line_start() {
        assert_eq!(escape("# Title"), "\\# Title");
        assert_eq!(escape("Rack #4"), "Rack #4");
    }

    #[test]
    fn newlines_and_controls_become_visible() {
        assert_eq!(escape("a\nb"), "a\\nb");
        assert_eq!(escape("a\r\nb"), "a\\r\\nb");
        assert_eq!(escape("a\rb"), "a\\rb");
        assert_eq!(escape("a\n# b"), "a\\n# b");
        assert_eq!(escape("\u{1b}[31m*x*\u{7}"), "\\u{1b}\\[31m\\*x\\*\\u{7}");
        assert_eq!(escape("\u{202e}iewauH"), "\\u{202e}iewauH");
    }

    #[test]
    fn table_rows_keep_their_shape() {
        let mut r = super::super::html::tests::sample_report();
        r.findings[0].vendor = "Hua|wei\n# x".into();
        r.findings[0].reason = "line one\nline | two".into();
        r.finding_groups = super::super::html::tests::groups_of(&r.findings);
        let mut out = Vec::new();
        render(&r, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("| location"))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(rows.len(), 2 + r.findings.len(), "{md}");
        for row in rows {
            let unescaped_pipes = row.matches('|').count() - row.matches("\\|").count();
            assert_eq!(unescaped_pipes, 9, "{row}");
        }
        assert!(md.contains("Hua\\|wei\\n# x"), "{md}");
        assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
        // Every < and > is escaped, so nothing can be read as raw HTML.
        for (i, c) in md.char_indices() {
            if c == '<' || c == '>' {
                assert_eq!(&md[i - 1..i], "\\", "unescaped {c} at {i}: {md}");
            }
        }
    }
}
