//! The HTML report in a real browser: headless Chromium loads the report tvcheck wrote, with
//! the filters in the URL fragment (`#verdict=violation`), and dumps the DOM after the page's
//! script ran. The test checks that the script ran (its Content-Security-Policy hash is right
//! and it threw nothing), that the summary counts are on the page, that each filter leaves
//! exactly the rows it should visible, and that the browser logged no console message.
//!
//! Chromium comes from Debian's `chromium` package, which `.ci/run` installs; where it cannot
//! be found the test says it skipped (and fails instead under
//! `TVCHECK_EXTERNAL_TOOLS=require`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{external_tool, Env};

/// Three policies' worth of findings: lt-5g a violation (P1), a waived finding (P2) and two
/// reviews (P4, P5); de-5g two reviews (P1, P2). Sites Vilnius, Kaunas and Riga.
const INVENTORY: &str = "asset_id,vendor,model,site,domain\n\
P1,Huawei,BBU5900,Vilnius,core\n\
P2,ZTE,F660,Kaunas,core\n\
P3,Ericsson,AIR 6449,Kaunas,ran\n\
P4,Quillon Radio,X,Riga,ran\n\
P5,<script>alert(1)</script>,Y,Riga,core\n";

const WAIVERS: &str = "[[waiver]]\nid = \"W-2026-017\"\nasset_id = \"P2\"\npolicy = \"lt-5g\"\n\
reason = \"r\"\napproved_by = \"x\"\nreference = \"y\"\nexpires = 2026-12-31\n";

/// What Chromium made of the page: the DOM after scripts ran, and what it logged.
struct Rendered {
    dom: String,
    log: String,
}

impl Rendered {
    /// The opening tags of the finding rows that are not hidden.
    fn visible_rows(&self) -> Vec<&str> {
        self.dom
            .match_indices("<tr class=\"finding\"")
            .map(|(i, _)| {
                let end = self.dom[i..].find('>').unwrap();
                &self.dom[i..i + end]
            })
            .filter(|tag| !tag.contains(" hidden"))
            .collect()
    }
}

fn dump(chromium: &Path, profile: &Path, page: &Path, fragment: &str) -> Rendered {
    let url = format!("file://{}{fragment}", page.display());
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium failed on {url}: {:?}\n{log}",
        out.status
    );
    Rendered { dom, log }
}

fn chromium() -> Option<PathBuf> {
    external_tool(
        &["chromium", "chromium-browser", "google-chrome"],
        "chromium",
    )
}

#[test]
fn the_html_report_filters_and_sorts_in_a_browser() {
    let Some(chromium) = chromium() else {
        return;
    };
    let env = Env::new();
    env.file("inv.csv", INVENTORY);
    env.file("waivers.toml", WAIVERS);
    env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "de-5g",
        "--policy",
        "lt-5g",
        "--waivers",
        "waivers.toml",
        "--as-of",
        "2026-06-01",
        "-o",
        "report.html",
        "--quiet",
    ])
    .code(1);
    let page = env.path("report.html");
    let profile = env.path("chromium-profile");
    let all = dump(&chromium, &profile, &page, "");
    // The script ran to its end: the CSP hash admits it and it threw nothing.
    assert!(
        all.dom.contains("<html lang=\"en\" data-script=\"ready\">"),
        "the page's script did not run:\n{}\n{}",
        all.log,
        all.dom
    );
    // No console message at all: no error, no CSP violation, no failed load.
    assert!(
        !all.log.contains("CONSOLE"),
        "the browser logged:\n{}",
        all.log
    );
    // The summary counts are there, in the tiles.
    for tile in [
        "<div class=\"tile items\"><span class=\"n\">5</span>",
        "<div class=\"tile violation\"><span class=\"n\">1</span>",
        "<div class=\"tile review\"><span class=\"n\">3</span>",
        "<div class=\"tile waived\"><span class=\"n\">0</span>",
    ] {
        assert!(all.dom.contains(tile), "{tile}:\n{}", all.dom);
    }
    // The hostile vendor stayed text.
    assert!(all.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(all.dom.matches("<script").count(), 1);
    // Unfiltered: every row, and the filter controls the script added.
    let total = all.visible_rows().len();
    assert_eq!(total, 6, "{}", all.dom);
    assert!(all.dom.contains("id=\"filters\""), "{}", all.dom);
    assert!(
        all.dom.contains("Showing 6 of 6 listed findings."),
        "{}",
        all.dom
    );
    for (fragment, want, every) in [
        ("#verdict=violation", 1, "data-verdict=\"violation\""),
        ("#verdict=waived", 1, "data-verdict=\"waived\""),
        ("#policy=de-5g", 2, "data-policy=\"de-5g\""),
        ("#site=kaunas", 2, "data-site=\"Kaunas\""),
        ("#vendor=zte", 2, "data-vendor=\"ZTE\""),
        ("#verdict=review&policy=lt-5g", 2, "data-policy=\"lt-5g\""),
        ("#vendor=nobody-at-all", 0, ""),
    ] {
        let r = dump(&chromium, &profile, &page, fragment);
        let rows = r.visible_rows();
        assert_eq!(rows.len(), want, "{fragment}: {rows:#?}");
        assert!(
            rows.iter().all(|t| t.contains(every)),
            "{fragment}: {rows:#?}"
        );
        assert!(
            r.dom
                .contains(&format!("Showing {want} of 6 listed findings (filtered).")),
            "{fragment}:\n{}",
            r.dom
        );
        assert!(!r.log.contains("CONSOLE"), "{fragment}:\n{}", r.log);
        // A group none of whose rows pass is hidden with them.
        if want == 0 {
            assert!(!r.dom.contains("<div class=\"group\">"), "{}", r.dom);
        }
    }
    // Sorting (within each group): the group without a registry entry holds P4 (line 5) and
    // P5 (line 6), in report order; sorted by location descending, line 6 comes first.
    let at = |dom: &str, line: &str| {
        dom.find(&format!("data-sort=\"inv.csv 000000000{line}\""))
            .unwrap_or_else(|| panic!("no row for line {line}"))
    };
    assert!(at(&all.dom, "5") < at(&all.dom, "6"));
    let sorted = dump(&chromium, &profile, &page, "#sort=-location");
    assert!(
        at(&sorted.dom, "6") < at(&sorted.dom, "5"),
        "{}",
        sorted.dom
    );
    assert!(sorted.dom.contains(
        "<th aria-sort=\"descending\"><button type=\"button\" class=\"sort\" data-key=\"location\">"
    ));
    assert_eq!(sorted.visible_rows().len(), 6);
    assert!(!sorted.log.contains("CONSOLE"), "{}", sorted.log);
}

/// Without scripting the page is whole: every row is there, none hidden, no control added.
#[test]
fn the_html_report_reads_the_same_without_scripting() {
    let env = Env::new();
    env.file("inv.csv", INVENTORY);
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2026-06-01",
        "--format",
        "html",
    ]);
    out.code(1);
    let html = &out.stdout;
    assert_eq!(html.matches("<tr class=\"finding\"").count(), 4, "{html}");
    assert!(!html.contains(" hidden"), "{html}");
    assert!(!html.contains("id=\"filters\""));
    assert!(!html.contains("<noscript"));
}
