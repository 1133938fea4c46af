//! SARIF 2.1.0 rendering, for code-scanning dashboards: one run whose rules are the policies'
//! rules (`policy/rule`) and whose results are the findings, located at the inventory file and
//! line.
//!
//! Levels: violation → `error`, review → `warning`, waived → `note` with an external
//! suppression naming the waiver. Items listed only because of `--all` (verdict ok, no rule)
//! are not results. Each result carries a `tvcheck/v1` partial fingerprint, the SHA-256 of
//! `policy/rule` and the asset id (or `vendor|model|serial|site` when the item has no asset
//! id), so dashboards can follow a finding across runs. With `--baseline`, results carry a
//! `baselineState` (`unchanged` or `new`).
//!
//! The results are written as they are found, one per line, before the rest of the run
//! (`tool` with its rules, `artifacts`, `invocations`), so that a run with millions of findings
//! is written in constant memory. A result's artifact location is its file's URI.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{PolicySummary, Report, Row};
use crate::model::Verdict;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// The members of the run after its `results`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunRest<'a> {
    tool: Tool<'a>,
    artifacts: Vec<Artifact>,
    invocations: Vec<Invocation>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: String,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Text,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    policy: &'a str,
    jurisdiction: &'a str,
    kind: &'a str,
    effective: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<String>,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    length: u64,
    hashes: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

/// A problem of the run itself: an input or a part of one that could not be read (`error`),
/// a value kept as written (`warning`).
#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset_id: Option<&'a str>,
    vendor: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<&'a str>,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    match_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    days_left: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a str>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    as_of: String,
    generated_at: &'a str,
    procurement: bool,
    registry_source: &'a str,
    registry_sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waivers_sha256: Option<&'a str>,
}

/// Percent-encodes a report path as a URI reference: backslashes become `/`, and every byte
/// outside the unreserved set (letters, digits, `-._~`) and `/` is encoded, spaces as `%20`.
/// An absolute path becomes a `file://` URI (keeping a drive letter's `:`).
pub(crate) fn path_uri(path: &str) -> (String, Option<&'static str>) {
    let p = path.replace('\\', "/");
    let absolute = p.starts_with('/') || p.as_bytes().get(1) == Some(&b':');
    let mut uri = String::with_capacity(p.len() + 8);
    for b in p.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (absolute && b == b':');
        if keep {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    if absolute {
        let sep = if uri.starts_with('/') { "" } else { "/" };
        (format!("file://{sep}{uri}"), None)
    } else {
        (uri, Some(SRCROOT))
    }
}

/// The `tvcheck/v1` fingerprint of a finding.
pub(crate) fn fingerprint(f: &Row<'_>) -> String {
    let mut h = Sha256::new();
    h.update(f.policy.as_deref().unwrap_or("").as_bytes());
    h.update(b"/");
    h.update(f.rule.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    match f.asset_id.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => h.update(a.as_bytes()),
        None => {
            let parts = [
                &*f.vendor,
                f.model.as_deref().unwrap_or(""),
                f.serial.as_deref().unwrap_or(""),
                f.site.as_deref().unwrap_or(""),
            ];
            h.update(parts.join("|").as_bytes());
        }
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

fn help(p: &PolicySummary, r: &super::RuleInfo) -> String {
    let mut t = String::new();
    t.push_str(&format!("{} ({}).", p.title, p.jurisdiction));
    if !p.basis.is_empty() {
        t.push_str(" Legal basis:");
        for b in &p.basis {
            let weak = matches!(b.confidence, crate::registry::Confidence::Weak);
            t.push_str(&format!(
                " {} ({}{}; source: {});",
                b.citation,
                b.date,
                if weak { ", weakly confirmed" } else { "" },
                b.source
            ));
        }
        t.pop();
        t.push('.');
    }
    t.push_str(&format!(
        " Rule: {} (in force from {}).",
        r.title, r.effective
    ));
    if !r.remedy.is_empty() {
        t.push_str(&format!(" Remedy: {}.", r.remedy));
    }
    if let Some(d) = r.deadline {
        t.push_str(&format!(" Deadline: {d}."));
    }
    t
}

/// Writes `report` (with the findings it holds in memory) as a SARIF 2.1.0 log.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = Writer::start(report, out)?;
    let mut buf = Vec::new();
    for f in &report.findings {
        buf.clear();
        w.result(f, &mut buf)?;
        out.write_all(&buf)?;
    }
    w.finish(report, out)
}

/// A SARIF log written as it goes: [`Writer::start`], a [`Writer::result`] per finding, then
/// [`Writer::finish`].
#[derive(Debug)]
pub(crate) struct Writer {
    /// Each rule's index in the driver's `rules`, by (policy, rule).
    index: BTreeMap<(String, String), usize>,
    /// A baseline is in use: results say whether they are new.
    baseline: bool,
    /// Results written.
    count: u64,
}

impl Writer {
    /// Writes the log up to the opening of the run's `results`.
    pub(crate) fn start(report: &Report, out: &mut dyn Write) -> std::io::Result<Writer> {
        let mut index = BTreeMap::new();
        for p in &report.policies {
            for r in &p.rules {
                let at = index.len();
                index.insert((p.id.clone(), r.id.clone()), at);
            }
        }
        write!(
            out,
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"results\": ["
        )?;
        Ok(Writer {
            index,
            baseline: report.baseline.is_some(),
            count: 0,
        })
    }

    /// Appends one finding's result, on a line of its own, to `buf` (nothing for an ok item
    /// listed with `--all`).
    pub(crate) fn result(&mut self, f: &Row<'_>, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let (Some(policy), Some(rule)) = (f.policy.as_deref(), f.rule.as_deref()) else {
            return Ok(());
        };
        let level = match f.verdict {
            Verdict::Violation => "error",
            Verdict::Review => "warning",
            Verdict::Waived => "note",
            Verdict::Ok => return Ok(()),
        };
        let suppressions = match (f.verdict, f.waiver.as_deref()) {
            (Verdict::Waived, w) => vec![Suppression {
                kind: "external",
                justification: format!("waived by {}", w.unwrap_or("a waiver")),
            }],
            _ => Vec::new(),
        };
        let (uri, uri_base_id) = path_uri(&f.file);
        let result = SarifResult {
            rule_id: format!("{policy}/{rule}"),
            rule_index: self
                .index
                .get(&(policy.to_string(), rule.to_string()))
                .copied(),
            level,
            message: Text {
                text: f.reason.to_string(),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri,
                        uri_base_id,
                        index: None,
                    },
                    region: Region {
                        start_line: f.line.max(1),
                    },
                },
            }],
            partial_fingerprints: BTreeMap::from([("tvcheck/v1", fingerprint(f))]),
            suppressions,
            baseline_state: self.baseline.then_some(if f.in_baseline {
                "unchanged"
            } else {
                "new"
            }),
            properties: ResultProperties {
                verdict: f.verdict.as_str(),
                asset_id: f.asset_id.as_deref(),
                vendor: &f.vendor,
                model: f.model.as_deref(),
                site: f.site.as_deref(),
                entry: f.entry.as_deref(),
                match_kind: f.match_kind.map(|m| m.as_str()),
                score: f.score,
                deadline: f.deadline.map(|d| d.to_string()),
                days_left: f.days_left,
                waiver: f.waiver.as_deref(),
            },
        };
        buf.extend_from_slice(if self.count == 0 {
            b"\n        "
        } else {
            b",\n        "
        });
        crate::escape::json_to_writer_compact(&mut *buf, &result)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the results and writes the rest of the run: the rules, the artifacts (each input
    /// with its SHA-256), the invocation with what could not be read, the properties.
    pub(crate) fn finish(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let mut rules = Vec::new();
        for p in &report.policies {
            for r in &p.rules {
                rules.push(Rule {
                    id: format!("{}/{}", p.id, r.id),
                    name: &r.id,
                    short_description: Text {
                        text: r.title.clone(),
                    },
                    full_description: Text {
                        text: p.title.clone(),
                    },
                    help: Text { text: help(p, r) },
                    properties: RuleProperties {
                        policy: &p.id,
                        jurisdiction: &p.jurisdiction,
                        kind: &r.kind,
                        effective: r.effective.to_string(),
                        deadline: r.deadline.map(|d| d.to_string()),
                        tags: vec!["tvcheck", &p.id, &p.jurisdiction],
                    },
                });
            }
        }
        let artifacts = report
            .inputs
            .iter()
            .map(|i| {
                let (uri, uri_base_id) = path_uri(&i.path);
                Artifact {
                    location: ArtifactLocation {
                        uri,
                        uri_base_id,
                        index: None,
                    },
                    length: i.bytes,
                    hashes: BTreeMap::from([("sha-256", i.sha256.clone())]),
                }
            })
            .collect();
        let rest = RunRest {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    rules,
                },
            },
            artifacts,
            invocations: vec![Invocation {
                execution_successful: report.status == super::RunStatus::Complete,
                tool_execution_notifications: report
                    .incomplete_text()
                    .into_iter()
                    .chain(report.unread().map(|l| format!("not read: {l}")))
                    .map(|text| Notification {
                        level: "error",
                        message: Text { text },
                    })
                    .chain(report.warnings.shown.iter().map(|w| Notification {
                        level: "warning",
                        message: Text { text: w.clone() },
                    }))
                    .collect(),
            }],
            properties: RunProperties {
                as_of: report.as_of.to_string(),
                generated_at: &report.generated_at,
                procurement: report.procurement,
                registry_source: &report.registry.source,
                registry_sha256: &report.registry.sha256,
                waivers_sha256: report.waivers.as_ref().map(|w| w.sha256.as_str()),
            },
        };
        out.write_all(if self.count == 0 {
            b"],\n"
        } else {
            b"\n      ],\n"
        })?;
        // The pretty members of the rest of the run, without their braces, indented to sit in
        // the run object.
        let text = crate::escape::json_to_vec_pretty(&rest)?;
        let text = String::from_utf8_lossy(&text);
        let inner = text
            .strip_prefix("{\n")
            .and_then(|t| t.strip_suffix("\n}"))
            .unwrap_or(&text);
        for (i, line) in inner.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"    ")?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n    }\n  ]\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sarif(r: &Report) -> serde_json::Value {
        let mut out = Vec::new();
        render(r, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_uri("inv.csv"), ("inv.csv".into(), Some(SRCROOT)));
        assert_eq!(
            path_uri("sites\\Main Site/inv #1.csv"),
            ("sites/Main%20Site/inv%20%231.csv".into(), Some(SRCROOT))
        );
        assert_eq!(path_uri("ó.csv").0, "%C3%B3.csv");
        assert_eq!(
            path_uri("/tmp/a b.csv"),
            ("file:///tmp/a%20b.csv".into(), None)
        );
        assert_eq!(path_uri("C:\\x.csv"), ("file:///C:/x.csv".into(), None));
    }

    #[test]
    fn levels_suppressions_and_fingerprints() {
        let r = super::super::html::tests::sample_report();
        let v = sarif(&r);
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["id"],
            "lt-5g/non-member-manufacturer"
        );
        assert!(run["tool"]["driver"].get("informationUri").is_none());
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), r.findings.len());
        let levels: Vec<&str> = results
            .iter()
            .map(|x| x["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "note", "warning", "warning"]);
        assert_eq!(
            results[1]["suppressions"],
            serde_json::json!([{"kind": "external", "justification": "waived by W-2026-017"}])
        );
        assert!(results[0].get("suppressions").is_none());
        assert_eq!(results[0]["ruleIndex"], 0);
        let fp = results[0]["partialFingerprints"]["tvcheck/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 64);
        let want = Sha256::digest(b"lt-5g/non-member-manufacturer\nP1");
        assert_eq!(
            fp,
            want.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        assert_ne!(
            fp,
            results[1]["partialFingerprints"]["tvcheck/v1"]
                .as_str()
                .unwrap()
        );
        assert!(results[0]["properties"].get("serial").is_none());
        assert_eq!(results[0]["properties"]["days_left"], -152);
    }

    #[test]
    fn fingerprint_without_asset_id_uses_the_item_fields() {
        let mut r = super::super::html::tests::sample_report();
        r.findings[0].asset_id = None;
        let want = Sha256::digest(b"lt-5g/non-member-manufacturer\nHuawei|BBU5900||Vilnius");
        assert_eq!(
            fingerprint(&r.findings[0]),
            want.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
    }

    #[test]
    fn ok_rows_are_not_results() {
        let mut r = super::super::html::tests::sample_report();
        r.findings[0].verdict = Verdict::Ok;
        r.findings[0].policy = None;
        r.findings[0].rule = None;
        let v = sarif(&r);
        assert_eq!(
            v["runs"][0]["results"].as_array().unwrap().len(),
            r.findings.len() - 1
        );
    }
}
