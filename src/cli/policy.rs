//! `tvcheck policy list|show|check`: the shipped policies, one policy in detail, validation.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use tvcheck::escape::Visible as V;
use tvcheck::policy::{self, Policy, RuleKind, Severity};
use tvcheck::Registry;

use super::args::{FormatArg, PolicyCommand};
use super::ExitStatus;

pub fn run(cmd: PolicyCommand) -> anyhow::Result<ExitStatus> {
    match cmd {
        PolicyCommand::List { db } => {
            let reg = Registry::open_or_embedded(db.as_deref())?;
            let all = policy::load_all_embedded(&reg)?;
            let mut out = std::io::stdout().lock();
            for p in &all {
                writeln!(
                    out,
                    "{:<20} {} [{}]",
                    V(&p.id),
                    V(&p.title),
                    V(&p.jurisdiction)
                )?;
            }
            Ok(ExitStatus::Success)
        }
        PolicyCommand::Show { policy, db, format } => {
            let reg = Registry::open_or_embedded(db.as_deref())?;
            let p = policy::load(&policy, &reg)?;
            let mut out = std::io::stdout().lock();
            if format == FormatArg::Json {
                tvcheck::escape::json_to_writer_pretty(&mut out, &p)
                    .context("cannot write the policy")?;
                writeln!(out)?;
            } else {
                show(&p, &mut out)?;
            }
            Ok(ExitStatus::Success)
        }
        PolicyCommand::Check { files, db } => {
            let reg = Registry::open_or_embedded(db.as_deref())?;
            let mut out = std::io::stdout().lock();
            for f in &files {
                let spec = f.to_string_lossy();
                let spec = if Path::new(&*spec).components().count() == 1 && !spec.contains('.') {
                    format!("./{spec}")
                } else {
                    spec.into_owned()
                };
                let p = policy::load(&spec, &reg)?;
                writeln!(
                    out,
                    "{}: valid policy '{}' with {} rule{}",
                    V(&tvcheck::error::display_path(f)),
                    V(&p.id),
                    p.rules.len(),
                    if p.rules.len() == 1 { "" } else { "s" }
                )?;
            }
            Ok(ExitStatus::Success)
        }
    }
}

fn show(p: &Policy, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}) · jurisdiction {}",
        V(&p.title),
        V(&p.id),
        V(&p.jurisdiction)
    )?;
    if let Some(s) = &p.summary {
        writeln!(out, "  {}", V(s))?;
    }
    writeln!(out, "  legal basis:")?;
    for b in &p.basis {
        let weak = if b.confidence == tvcheck::registry::Confidence::Weak {
            " [weakly confirmed]"
        } else {
            ""
        };
        writeln!(
            out,
            "    - {} ({}){weak}",
            V(&b.citation),
            V(&b.date.to_string())
        )?;
        writeln!(out, "      source: {}", V(&b.source))?;
    }
    writeln!(
        out,
        "  items without a known domain: {}; purpose-limited listings without a stated purpose: {}",
        match p.unknown_domain {
            policy::Unknown::Apply => "rules apply",
            policy::Unknown::Review => "review",
        },
        match p.unknown_purpose {
            policy::Unknown::Apply => "apply",
            policy::Unknown::Review => "review",
        }
    )?;
    writeln!(out, "  rules:")?;
    for r in &p.rules {
        writeln!(out, "    {}: {}", V(&r.id), V(&r.title))?;
        let what = match &r.kind {
            RuleKind::ListedEntity { lists } => format!(
                "designated on {}",
                lists
                    .as_ref()
                    .map_or("any list".to_string(), |l| l.join(", "))
            ),
            RuleKind::CountryTest { member_of } => format!(
                "manufacturer or controller registered outside {}",
                member_of.join(", ").to_uppercase()
            ),
            RuleKind::NamedCountries {
                countries,
                territories,
            } => {
                let mut text = format!(
                    "manufacturer or controller registered in {}",
                    countries.join(", ")
                );
                if !territories.is_empty() {
                    let names: Vec<&str> = territories
                        .iter()
                        .filter_map(|t| tvcheck::countries::territory(t))
                        .map(|t| t.name.as_str())
                        .collect();
                    text.push_str(&format!(
                        "; or the item or its maker from {} (by the inventory's country or origin)",
                        names.join(", ")
                    ));
                }
                text
            }
            RuleKind::NamedEntities { entities } => format!(
                "made by {} (or an entity they control)",
                entities.join(", ")
            ),
            RuleKind::ForeignProduced { produced_outside } => format!(
                "produced at least in part (design, development, manufacturing or assembly) outside {}, by the item's origin column, whoever the maker (items without one: review)",
                produced_outside.join(", ")
            ),
        };
        writeln!(out, "      tests: {}", V(&what))?;
        let domains = r.domains.as_ref().map_or("all domains".to_string(), |d| {
            d.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
        });
        let networks = r.networks.as_ref().map_or(String::new(), |n| {
            format!(
                " of {} networks only (items whose network is not stated: review)",
                n.iter()
                    .map(|n| n.as_str().to_uppercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        let categories = r.categories.as_ref().map_or(String::new(), |c| {
            format!(
                "; equipment categories {} only (items whose category is not stated or not in the vocabulary: not judged; a doubtful one: review)",
                c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            )
        });
        if r.new_from_listing && !matches!(r.kind, RuleKind::ForeignProduced { .. }) {
            writeln!(
                out,
                "      scope: {}{networks}{categories}; dated {}, applies to each producer from its listing",
                V(&domains),
                r.effective
            )?;
        } else {
            writeln!(
                out,
                "      scope: {}{networks}{categories}; in force from {}",
                V(&domains),
                r.effective
            )?;
        }
        if let Some(d) = r.deadline {
            writeln!(
                out,
                "      deadline: {} by {d} (the last day on which it may still be present)",
                V(&r.remedy)
            )?;
        }
        if r.new_from_listing {
            if matches!(r.kind, RuleKind::ForeignProduced { .. }) {
                writeln!(
                    out,
                    "      equipment acquired on or after the entry ({}): violation; earlier: review (previously authorised equipment may still be used)",
                    r.effective
                )?;
            } else if let Some(years) = r.phase_out_years {
                writeln!(
                    out,
                    "      equipment acquired on or after its producer's listing: violation; earlier: {} within {years} years of the listing (review until then, violation after)",
                    V(&r.remedy)
                )?;
            } else {
                writeln!(
                    out,
                    "      equipment acquired on or after its producer's listing: violation; earlier: review"
                )?;
            }
        }
        if let Some(d) = r.new_from {
            writeln!(out, "      new installations banned from {d}")?;
        }
        if r.new_only {
            writeln!(
                out,
                "      restricts acquisitions made from {} on",
                r.effective
            )?;
        }
        if let Some(e) = &r.exceptions {
            writeln!(
                out,
                "      exceptions: a violation unless {}; an item whose inventory states an exception (column 'exception' or 'approval') is for review",
                V(e)
            )?;
        }
        if r.severity == Severity::Review {
            match &r.review_because {
                Some(why) => writeln!(out, "      review only: {}", V(why))?,
                None => writeln!(
                    out,
                    "      advisory: breaches are for review, not violations"
                )?,
            }
        }
        writeln!(
            out,
            "      confidence: {}",
            match r.confidence {
                tvcheck::registry::Confidence::Confirmed => "confirmed",
                tvcheck::registry::Confidence::Weak => "weakly confirmed (findings say so)",
            }
        )?;
        if let Some(n) = &r.notes {
            writeln!(out, "      notes: {}", V(n))?;
        }
    }
    writeln!(
        out,
        "  source file: {} (sha256 {})",
        V(&p.origin.to_string()),
        V(&p.sha256)
    )
}
