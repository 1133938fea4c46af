//! JUnit XML rendering, for CI test dashboards: one `<testsuite>` per policy and one
//! `<testcase>` per finding.
//!
//! A violation is a `<failure type="violation">`, a waived finding is `<skipped>` with the
//! waiver, a review is a passing test case whose reason is in `<system-out>`. Each suite ends
//! with one passing test case counting the items without findings under that policy, so no
//! suite is empty. Items listed only because of `--all` (verdict ok, no rule) are counted
//! there, not repeated. All text and attribute values are XML-escaped, control and
//! bidirectional characters other than tab and line breaks are shown escaped
//! ([`crate::escape`]), and characters XML 1.0 does not allow are dropped.
//!
//! The document is valid against the JUnit schema of Jenkins' xUnit plugin
//! (`tests/fixtures/junit/junit-10.xsd`): only the elements and attributes it declares, so no
//! `skipped` count on `<testsuites>` (each `<testsuite>` has one).
//!
//! Test cases are written as findings come, each into its suite's buffer (held in memory up to
//! a limit, then in an anonymous temporary file), and the document is put together at the end,
//! when the counts its elements open with are known: memory does not grow with the findings.

use std::io::Write;

use super::{Report, Row};
use crate::model::Verdict;
use crate::report::output::Spill;

/// Bytes of test cases a suite holds in memory before they move to a temporary file.
const SUITE_MEMORY: usize = 1 << 20;

/// Escapes text for XML 1.0 content and attribute values: `& < > " '` become entities, tab,
/// line feed and carriage return become character references (so attribute values keep
/// them), other control and bidirectional characters are written in their visible form
/// ([`crate::escape`]: `\u{1b}`, ...), and characters XML 1.0 does not allow are dropped.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' => o.push_str("&#9;"),
            '\n' => o.push_str("&#10;"),
            '\r' => o.push_str("&#13;"),
            // Other control and bidirectional characters are shown, not written or dropped.
            c if crate::escape::is_escaped(c) => crate::escape::push(&mut o, c),
            c if allowed(c) => o.push(c),
            _ => {}
        }
    }
    o
}

/// Whether XML 1.0 allows `c` (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]`).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// "file:line asset vendor model", leaving out what the item lacks.
fn case_name(f: &Row<'_>) -> String {
    let mut parts = vec![format!("{}:{}", f.file, f.line)];
    for p in [f.asset_id.as_deref(), Some(&*f.vendor), f.model.as_deref()]
        .into_iter()
        .flatten()
    {
        if !p.trim().is_empty() {
            parts.push(p.trim().to_string());
        }
    }
    parts.join(" ")
}

/// " (deadline 2025-12-31, passed 152 days ago)", or nothing without a deadline.
fn deadline_note(f: &Row<'_>) -> String {
    match (f.deadline, f.days_left) {
        (Some(d), Some(_)) => format!(" (deadline {d}, {})", super::days_left_text(f.days_left)),
        (Some(d), None) => format!(" (deadline {d})"),
        (None, _) => String::new(),
    }
}

/// One suite: a policy id, its properties, the count of its items without findings, and its
/// test cases so far.
#[derive(Debug)]
struct Suite {
    id: String,
    properties: Vec<(&'static str, String)>,
    ok: u64,
    cases: u64,
    violations: u64,
    waived: u64,
    body: Spill,
}

impl Suite {
    fn new(id: &str, properties: Vec<(&'static str, String)>, ok: u64) -> Suite {
        Suite {
            id: id.to_string(),
            properties,
            ok,
            cases: 0,
            violations: 0,
            waived: 0,
            body: Spill::new(SUITE_MEMORY),
        }
    }

    fn tests(&self) -> u64 {
        self.cases + 1
    }
}

/// Writes `report` (with the findings it holds in memory) as JUnit XML.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = Writer::start(report);
    for f in &report.findings {
        w.case(f)?;
    }
    w.finish(report, out)
}

/// A JUnit document put together as findings come: [`Writer::start`], a [`Writer::case`]
/// per finding, then [`Writer::finish`].
#[derive(Debug)]
pub(crate) struct Writer {
    suites: Vec<Suite>,
    /// What fails the run (`--fail-on`, the baseline): exactly those findings are failures.
    gate: super::Gate,
}

impl Writer {
    /// One suite per policy of `report`.
    pub(crate) fn start(report: &Report) -> Writer {
        Writer {
            suites: report
                .policies
                .iter()
                .map(|p| {
                    Suite::new(
                        &p.id,
                        vec![
                            ("title", p.title.clone()),
                            ("jurisdiction", p.jurisdiction.clone()),
                            ("origin", p.origin.clone()),
                            ("sha256", p.sha256.clone()),
                            ("as_of", report.as_of.to_string()),
                            ("registry_sha256", report.registry.sha256.clone()),
                        ],
                        0,
                    )
                })
                .collect(),
            gate: report.gate,
        }
    }

    /// Writes one finding's test case into its policy's suite (nothing for an ok item listed
    /// with `--all`: it is counted in the suite's last case).
    pub(crate) fn case(&mut self, f: &Row<'_>) -> std::io::Result<()> {
        let Some(policy) = f.policy.as_deref() else {
            return Ok(());
        };
        if f.verdict == Verdict::Ok {
            return Ok(());
        }
        let at = match self.suites.iter().position(|s| s.id == policy) {
            Some(at) => at,
            None => {
                self.suites.push(Suite::new(policy, Vec::new(), 0));
                self.suites.len() - 1
            }
        };
        let s = &mut self.suites[at];
        s.cases += 1;
        let out = &mut s.body;
        let classname = format!("{}/{}", policy, f.rule.as_deref().unwrap_or(""));
        let open = format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape(&classname),
            escape(&case_name(f))
        );
        if self.gate.fails(f) {
            // Exactly the findings that fail the run (`--fail-on`, not in the baseline).
            s.violations += 1;
            let kind = f.verdict.as_str();
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                "      <failure message=\"{}\" type=\"{kind}\">{}</failure>",
                escape(&format!("{kind} of {classname}{}", deadline_note(f))),
                escape(&f.reason)
            )?;
            writeln!(out, "    </testcase>")?;
            return Ok(());
        }
        match f.verdict {
            Verdict::Waived => {
                s.waived += 1;
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    escape(&format!(
                        "waived by {}",
                        f.waiver.as_deref().unwrap_or("a waiver")
                    ))
                )?;
                writeln!(out, "    </testcase>")?;
            }
            Verdict::Violation | Verdict::Review | Verdict::Ok => {
                let why = if f.in_baseline {
                    " (already in the baseline)"
                } else if f.verdict == Verdict::Violation {
                    " (not failing: --fail-on never)"
                } else {
                    ""
                };
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    "      <system-out>{}{}</system-out>",
                    escape(&format!(
                        "{}{why}{}: ",
                        f.verdict.as_str(),
                        deadline_note(f)
                    )),
                    escape(&f.reason)
                )?;
                writeln!(out, "    </testcase>")?;
            }
        }
        Ok(())
    }

    /// Writes the document: the totals, a suite of what could not be read, then each policy's
    /// suite with its test cases and its items without findings.
    pub(crate) fn finish(mut self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        for s in &mut self.suites {
            if let Some(p) = report.policies.iter().find(|p| p.id == s.id) {
                s.ok = p.counts.ok;
            }
        }
        let suites = &mut self.suites;
        let tests: u64 = suites.iter().map(Suite::tests).sum();
        let failures: u64 = suites.iter().map(|s| s.violations).sum();

        // Each input or part of one that could not be read is an error of its own, in a suite
        // of its own: an incomplete run never looks green in a CI dashboard.
        let unread: Vec<std::borrow::Cow<'_, str>> = report.unread().collect();
        let errors = unread.len() as u64;
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"tvcheck\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
            tests + errors
        )?;
        if errors > 0 {
            writeln!(
                out,
                "  <testsuite name=\"inputs\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\" skipped=\"0\">"
            )?;
            for line in &unread {
                writeln!(
                    out,
                    "    <testcase classname=\"inputs\" name=\"{}\">",
                    escape(line)
                )?;
                writeln!(
                    out,
                    "      <error message=\"not read\" type=\"incomplete\">{}</error>",
                    escape(line)
                )?;
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        for s in suites.iter_mut() {
            writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
                escape(&s.id),
                s.tests(),
                s.violations,
                s.waived
            )?;
            if !s.properties.is_empty() {
                writeln!(out, "    <properties>")?;
                for (k, v) in &s.properties {
                    writeln!(
                        out,
                        "      <property name=\"{k}\" value=\"{}\"/>",
                        escape(v)
                    )?;
                }
                writeln!(out, "    </properties>")?;
            }
            s.body.copy_to(out)?;
            writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{} without findings\"/>",
                escape(&s.id),
                if s.ok == 1 {
                    "1 item".to_string()
                } else {
                    format!("{} items", s.ok)
                }
            )?;
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a b="c" d='e'>&</a>"#),
            "&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("Telefónica 中兴"), "Telefónica 中兴");
    }

    #[test]
    fn keeps_whitespace_and_drops_what_xml_forbids() {
        assert_eq!(escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
        assert_eq!(
            escape("a\u{0}b\u{1b}c\u{7}d\u{9b}\u{202e}"),
            "a\\u{0}b\\u{1b}c\\u{7}d\\u{9b}\\u{202e}"
        );
        assert_eq!(escape("x\u{FFFE}\u{FFFF}y"), "xy");
        assert_eq!(escape("\u{1F600}"), "\u{1F600}");
    }

    #[test]
    fn report_is_well_formed_and_counted() {
        let mut r = super::super::html::tests::sample_report();
        r.findings[0].reason = "bad\u{0}char <tag> & \"quotes\"".into();
        let mut out = Vec::new();
        render(&r, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tvcheck\" tests=\"5\" failures=\"1\" errors=\"0\">"), "{xml}");
        assert!(xml.contains("<failure message=\"violation of lt-5g/non-member-manufacturer (deadline 2025-12-31, passed 152 days ago)\" type=\"violation\">bad\\u{0}char &lt;tag&gt; &amp; &quot;quotes&quot;</failure>"), "{xml}");
        assert!(
            xml.contains("<skipped message=\"waived by W-2026-017\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("name=\"inv.csv:4 P5 &lt;script&gt;alert(1)&lt;/script&gt; BBU5900\""),
            "{xml}"
        );
        assert!(xml.contains("<testcase classname=\"lt-5g\" name=\"1 item without findings\"/>"));
        assert!(!xml.contains('\u{0}'));
        assert!(!xml.contains("<script"));
        assert!(!xml.contains("<img"));
    }
}
