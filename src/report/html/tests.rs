//! Unit tests of the HTML page, and `sample_report`: the small report with hostile strings
//! that every renderer's unit tests share.

use super::*;
use crate::report::{
    FindingRow, InputInfo, PolicySummary, RegistryInfo, RuleInfo, ToolInfo, WaiverSummary,
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
    // The one script is the page's own.
    assert_eq!(page.to_lowercase().matches("<script").count(), 1, "{page}");
    assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
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
        "script",
    ];
    for tag in tags(&page) {
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        assert!(ALLOWED.contains(&name), "unexpected tag <{tag}>");
        // Values are double-quoted with no raw quote inside: the names are what is left.
        let lower = tag.to_lowercase();
        let names: String = lower.split('"').step_by(2).collect();
        for attr in [
            "src=", "href=", "srcset=", "action=", "xlink:", "url(", " on", " style=",
        ] {
            assert!(!names.contains(attr), "tag <{tag}> has {attr}");
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
fn the_script_is_allowed_by_its_hash_and_nothing_else_runs() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    let page = html(&sample_report());
    let csp = format!(
        "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src {}\"",
        script_hash()
    );
    assert!(page.contains(&csp), "{page}");
    // Nothing in the script reads as a tag or names a remote resource.
    assert!(!SCRIPT.contains('<'));
    assert!(!SCRIPT.contains("http"));
}

#[test]
fn rows_carry_what_the_script_filters_and_sorts_by() {
    let page = html(&sample_report());
    assert!(
            page.contains("<tr class=\"finding\" data-verdict=\"violation\" data-policy=\"lt-5g\" data-site=\"Vilnius\" data-vendor=\"Huawei\" data-entry=\"Huawei Technologies Co., Ltd.\">"),
            "{page}"
        );
    // Hostile values are escaped in attributes too.
    assert!(
        page.contains("data-site=\"&lt;b&gt;Riga&lt;/b&gt;\""),
        "{page}"
    );
    assert!(page.contains("data-vendor=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""));
    assert_eq!(
        page.matches("<div class=\"group\">").count(),
        page.matches("<table class=\"findings\">").count()
    );
}

#[test]
fn every_bar_has_a_title() {
    let page = html(&sample_report());
    let rects = page.matches("<rect ").count();
    assert!(rects >= 4);
    assert_eq!(page.matches("\"><title>").count(), rects);
}
