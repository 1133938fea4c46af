//! HTML rendering: one self-contained HTML5 page (inline style, inline SVG charts, one inline
//! script, nothing loaded from elsewhere) with provenance, a summary and the findings grouped
//! by entry and rule. This module owns the page's frame (head, Content-Security-Policy, body
//! order) and the escaping every part uses; `summary.rs` the summary, unidentified vendors,
//! policies and provenance sections, `charts.rs` the SVG charts, `findings.rs` the findings
//! tables, `style.css` and `script.js` the inline style and script.
//!
//! Everything taken from the report is HTML-escaped (`& < > " '`), so inventory text can never
//! become markup. The Content-Security-Policy allows no external load and only the one inline
//! script, by its SHA-256 hash, as a second line of defence. The script sorts and filters the
//! findings (by verdict, policy, site and vendor; also from the URL fragment, e.g.
//! `#verdict=violation&site=Kaunas`); without it the page is complete and readable, every row
//! shown. Each chart bar carries a `<title>` and its numbers in text, and each chart a
//! `<desc>` with the same numbers for screen readers.

use std::io::Write;

use super::{Counts, Report};
use crate::model::Verdict;

mod charts;
mod findings;
mod summary;

/// How many vendors the vendor chart shows.
const TOP_VENDORS: usize = 15;

/// Verdicts in chart order (worst first), with their display names.
const ORDER: [(Verdict, &str); 4] = [
    (Verdict::Violation, "violation"),
    (Verdict::Review, "review"),
    (Verdict::Waived, "waived"),
    (Verdict::Ok, "ok"),
];

/// The page's style sheet.
const STYLE: &str = include_str!("style.css");

/// The page's one script: sorting and filtering of the findings. It writes no markup from
/// the report (it reads `data-*` attributes and sets `hidden`), and the page reads the same
/// without it.
pub(crate) const SCRIPT: &str = include_str!("script.js");

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

pub(super) fn count_of(c: &Counts, v: Verdict) -> u64 {
    match v {
        Verdict::Violation => c.violations,
        Verdict::Review => c.reviews,
        Verdict::Waived => c.waived,
        Verdict::Ok => c.ok,
    }
}

pub(super) fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 violation, 2 reviews, 0 waived, 3 ok".
pub(super) fn counts_text(c: [u64; 4]) -> String {
    format!(
        "{}, {}, {} waived, {} ok",
        plural(c[0], "violation", "violations"),
        plural(c[1], "review", "reviews"),
        c[2],
        c[3]
    )
}

/// The Content-Security-Policy `script-src` source of [`SCRIPT`]: `'sha256-…'`, its hash in
/// base64.
fn script_hash() -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(SCRIPT.as_bytes());
    format!("'sha256-{}'", base64(&digest))
}

/// Standard base64 with padding (RFC 4648), for the script's hash.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src {}\">",
        script_hash()
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
    writeln!(out, "<style>\n{STYLE}</style>")?;
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
    summary::provenance(report, out)?;
    writeln!(out, "</header>")?;
    summary::summary(report, out)?;
    findings::findings(report, out)?;
    summary::policies(report, out)?;
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
    // Last, so that the page is whole before it runs; with scripting disabled nothing changes.
    writeln!(out, "<script>{SCRIPT}</script>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

#[cfg(test)]
pub(crate) mod tests;
