//! `tvcheck explain "VENDOR" [--model M]`: how a vendor string is normalised and weighed, which
//! characters were mapped to read it (invisible code points removed, bidi display order,
//! look-alike letters of other scripts), which registry entries are candidates with what score
//! and evidence, and the decision with its reason.

use std::io::Write;

use anyhow::Context;
use serde_json::json;
use tvcheck::engine::{Evaluator, Timing};
use tvcheck::escape::Visible as V;
use tvcheck::matcher::{chars, normalize, weights, MatchOptions, Matcher};
use tvcheck::{Date, Item, Registry};

use super::args::{ExplainArgs, FormatArg};
use super::ExitStatus;

/// What a candidate can make of the item on its own, and why.
fn grade(c: &tvcheck::matcher::Candidate) -> String {
    use tvcheck::matcher::{MatchKind, WordRole};
    if let Some(why) = &c.review {
        return format!("review at most: {why}");
    }
    let unexplained = c.words.iter().any(|w| w.role == WordRole::Unexplained);
    match c.kind {
        MatchKind::Fuzzy if unexplained => "review at most: the string has every word of the name but adds words the entity does not explain".to_string(),
        MatchKind::Fuzzy => "review at most: an approximate reading (typo, truncation, transliteration or a fragment of a name)".to_string(),
        MatchKind::Model => "strong: the model matches one of the entity's model patterns".to_string(),
        _ if c.score >= 1.0 => "strong: the string is this name or alias".to_string(),
        _ => "strong: every word of the name is in the string and every other word is explained".to_string(),
    }
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    let registry = Registry::open_or_embedded(args.db.as_deref())?;
    let as_of = args.as_of.unwrap_or_else(Date::today_utc);
    let opts = MatchOptions::from_flags(args.strict, args.min_score);
    let mut policies = Vec::new();
    for spec in &args.policies {
        policies.push(tvcheck::policy::load(spec, &registry)?);
    }
    let matcher = Matcher::build(&registry.data, |v| v.active_on(as_of), opts)?;
    let m = matcher.match_item(&args.vendor, args.model.as_deref());
    let ev = Evaluator::with_matching(
        &registry,
        policies,
        Timing {
            as_of,
            procurement: false,
        },
        None,
        opts,
    )?;
    let item = Item {
        file: std::sync::Arc::from("(explain)"),
        line: 1,
        vendor: args.vendor.clone(),
        model: args.model.clone(),
        ..Item::default()
    };
    let a = ev.assess_matched(&item, &m);
    let words: Vec<serde_json::Value> = normalize::tokens(&args.vendor)
        .into_iter()
        .map(|w| {
            json!({
                "weight": (weights::weight(&w) * 100.0).round() / 100.0,
                "generic": weights::is_generic(&w),
                "source": weights::source(&w),
                "word": w,
            })
        })
        .collect();
    let readings = chars::readings(&args.vendor);
    let characters: Vec<serde_json::Value> = readings
        .iter()
        .map(|r| {
            json!({
                "reads_as": r.text,
                "normalized": normalize::normalize(&r.text),
                "mixed_script": r.mixed_script,
                "mappings": r.mappings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    let cands: Vec<serde_json::Value> = m
        .by_vendor
        .iter()
        .chain(m.by_model.iter())
        .map(|c| {
            let v = tvcheck::matcher::entity(&registry.data, c.vendor);
            json!({
                "entry": v.id,
                "name": v.name,
                "match": c.kind,
                "score": c.score,
                "matched": c.matched,
                "evidence": c.note,
                "disguise": c.disguise,
                "words": c.words,
                "grade": grade(c),
            })
        })
        .collect();
    let findings: Vec<serde_json::Value> = a
        .findings
        .iter()
        .map(|f| json!({"policy": f.policy, "rule": f.rule, "verdict": f.verdict, "reason": f.reason}))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.format == FormatArg::Json {
        let v = json!({
            "vendor": args.vendor,
            "model": args.model,
            "normalized": &*m.normalized,
            "words": words,
            "characters": characters,
            "candidates": cands,
            "verdict": a.verdict,
            "findings": findings,
            "as_of": as_of,
            "strict": args.strict,
            "min_score": opts.min_score,
        });
        tvcheck::escape::json_to_writer_pretty(&mut out, &v)
            .context("cannot write the explanation")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "vendor:      '{}'", V(&args.vendor))?;
    if let Some(model) = &args.model {
        writeln!(out, "model:       '{}'", V(model))?;
    }
    writeln!(out, "normalised:  '{}'", V(&m.normalized))?;
    for r in &readings {
        writeln!(
            out,
            "characters:  reads as '{}'{}: {}",
            V(&r.text),
            if r.mixed_script {
                " (a word mixes scripts)"
            } else {
                ""
            },
            V(&r.describe())
        )?;
    }
    let w: Vec<String> = words
        .iter()
        .map(|w| {
            format!(
                "{} ({}, weight {}; {})",
                V(w["word"].as_str().unwrap_or("")),
                if w["generic"] == true {
                    "generic"
                } else {
                    "distinctive"
                },
                w["weight"],
                V(w["source"].as_str().unwrap_or(""))
            )
        })
        .collect();
    writeln!(
        out,
        "words:       {}",
        if w.is_empty() {
            "(none)".to_string()
        } else {
            w.join("; ")
        }
    )?;
    if cands.is_empty() {
        writeln!(
            out,
            "candidates:  none{}",
            if args.strict {
                " (strict: exact matches only)"
            } else {
                ""
            }
        )?;
    } else {
        writeln!(out, "candidates:")?;
        for (i, c) in cands.iter().enumerate() {
            writeln!(
                out,
                "  {}. {} ({}): {} {:.3}; {}",
                i + 1,
                V(c["entry"].as_str().unwrap_or("")),
                V(c["name"].as_str().unwrap_or("")),
                V(c["match"].as_str().unwrap_or("")),
                c["score"].as_f64().unwrap_or(0.0),
                V(c["evidence"].as_str().unwrap_or(""))
            )?;
            if let Some(ws) = c["words"].as_array().filter(|ws| !ws.is_empty()) {
                let parts: Vec<String> = ws
                    .iter()
                    .map(|w| {
                        let word = V(w["word"].as_str().unwrap_or("")).to_string();
                        let role = w["role"].as_str().unwrap_or("");
                        match w["covers"].as_str() {
                            Some(n) if n != word => format!("{word} {role} '{}'", V(n)),
                            _ => format!("{word}: {role}"),
                        }
                    })
                    .collect();
                writeln!(out, "     words: {}", parts.join("; "))?;
            }
            writeln!(out, "     grade: {}", V(c["grade"].as_str().unwrap_or("")))?;
        }
    }
    if a.findings.is_empty() {
        writeln!(
            out,
            "decision:    ok as of {as_of}: {}",
            if m.is_identified() {
                "identified, and no rule applies to it"
            } else {
                "no registry entry matches: no name or alias has all its words in the string"
            }
        )?;
    }
    for f in &a.findings {
        writeln!(
            out,
            "decision:    {} under {}/{} as of {as_of}: {}",
            f.verdict,
            V(&f.policy),
            V(&f.rule),
            V(&f.reason)
        )?;
    }
    Ok(ExitStatus::Success)
}
