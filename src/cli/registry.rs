//! `tvcheck registry ...`: import files into a database, list entries, show one entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use tvcheck::registry::import::{merge_and_validate, read_import_file};
use tvcheck::registry::{RegistryData, Store};
use tvcheck::{Error, ErrorKind, Registry};

use super::args::{FormatArg, RegistryCommand};
use super::ExitStatus;

pub fn run(cmd: RegistryCommand) -> anyhow::Result<ExitStatus> {
    match cmd {
        RegistryCommand::Import { files, db } => import(&files, db.as_deref()),
        RegistryCommand::List { db, format } => list(db.as_deref(), format),
        RegistryCommand::Show { id, db, format } => show(&id, db.as_deref(), format),
    }
}

fn import(files: &[PathBuf], db: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let Some(db) = db else {
        return Err(Error::new(
            ErrorKind::Usage,
            "registry import needs a database to write: the embedded registry is read-only",
        )
        .hint("pass --db PATH (created if it does not exist) or set TVCHECK_DB")
        .into());
    };
    let mut parsed = Vec::with_capacity(files.len());
    for f in files {
        parsed.push(read_import_file(f)?);
    }
    let existing = if db.exists() {
        Store::open(db, true)?.load()?
    } else {
        RegistryData::default()
    };
    let merged = merge_and_validate(&existing, &parsed)?;
    let mut store = Store::create_or_open(db)?;
    store.upsert(&merged)?;
    let after = store.load()?;
    let vendors: usize = parsed.iter().map(|f| f.data.vendors.len()).sum();
    let lists: usize = parsed.iter().map(|f| f.data.lists.len()).sum();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "imported {vendors} vendor entries and {lists} list definitions from {} file{} into {}",
        parsed.len(),
        if parsed.len() == 1 { "" } else { "s" },
        tvcheck::error::display_path(db)
    )?;
    writeln!(
        out,
        "registry now holds {} vendors and {} listings (sha256 {})",
        after.vendors.len(),
        after.listing_count(),
        after.digest()
    )?;
    Ok(ExitStatus::Success)
}

fn list(db: Option<&Path>, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let reg = Registry::open_or_embedded(db)?;
    let mut out = std::io::stdout().lock();
    match format {
        FormatArg::Json => {
            serde_json::to_writer_pretty(&mut out, &reg.data).context("cannot write the list")?;
            writeln!(out)?;
        }
        FormatArg::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(160)
                .set_header(vec!["id", "name", "country", "parent", "listings"]);
            for v in &reg.data.vendors {
                let listings: Vec<String> = v
                    .listings
                    .iter()
                    .map(|l| format!("{}@{}", l.list, l.listed_on))
                    .collect();
                t.add_row(vec![
                    v.id.clone(),
                    v.name.clone(),
                    v.country.clone().unwrap_or_else(|| "-".into()),
                    v.parent.clone().map_or_else(
                        || "-".into(),
                        |p| match v.parent_until {
                            Some(u) => format!("{p} (until {u})"),
                            None => p,
                        },
                    ),
                    if listings.is_empty() {
                        "-".into()
                    } else {
                        listings.join(", ")
                    },
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(
                out,
                "{} vendors, {} listings, {} lists · registry {} · sha256 {}",
                reg.data.vendors.len(),
                reg.data.listing_count(),
                reg.data.lists.len(),
                reg.source,
                reg.digest
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

fn show(id: &str, db: Option<&Path>, format: FormatArg) -> anyhow::Result<ExitStatus> {
    let reg = Registry::open_or_embedded(db)?;
    let Some(v) = reg.vendor(id) else {
        let close: Vec<&str> = reg
            .data
            .vendors
            .iter()
            .filter(|v| v.id.contains(id) || id.contains(v.id.as_str()))
            .map(|v| v.id.as_str())
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            "run `tvcheck registry list` to see the ids".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        bail!(Error::new(
            ErrorKind::Usage,
            format!("no registry entry with id '{id}'")
        )
        .hint(hint));
    };
    let mut out = std::io::stdout().lock();
    if format == FormatArg::Json {
        serde_json::to_writer_pretty(&mut out, v).context("cannot write the entry")?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "{} ({})", v.name, v.id)?;
    let country = v.country.as_deref().map_or_else(
        || "unknown".to_string(),
        |c| format!("{c} ({})", tvcheck::countries::name(c).unwrap_or("?")),
    );
    writeln!(out, "  country of registration: {country}")?;
    if !v.aliases.is_empty() {
        writeln!(out, "  aliases: {}", v.aliases.join("; "))?;
    }
    if !v.model_patterns.is_empty() {
        writeln!(out, "  model patterns: {}", v.model_patterns.join(", "))?;
    }
    if let Some(p) = &v.parent {
        let name = reg.vendor(p).map_or("?", |p| p.name.as_str());
        let mut line = format!("  controlled by: {name} ({p})");
        if let Some(s) = v.parent_since {
            line.push_str(&format!(" since {s}"));
        }
        if let Some(u) = v.parent_until {
            line.push_str(&format!(" until {u}"));
        }
        writeln!(out, "{line}")?;
    }
    let children: Vec<&str> = reg
        .data
        .vendors
        .iter()
        .filter(|c| c.parent.as_deref() == Some(&v.id))
        .map(|c| c.id.as_str())
        .collect();
    if !children.is_empty() {
        writeln!(out, "  controls: {}", children.join(", "))?;
    }
    writeln!(out, "  confidence: {}", v.confidence.as_str())?;
    for s in &v.sources {
        writeln!(out, "  source: {s}")?;
    }
    if let Some(n) = &v.notes {
        writeln!(out, "  notes: {n}")?;
    }
    if v.listings.is_empty() {
        writeln!(out, "  listings: none")?;
    }
    for l in &v.listings {
        let def = reg.list(&l.list);
        writeln!(
            out,
            "  listed on {} ({}) since {}{}",
            l.list,
            def.map_or("list not defined", |d| d.title.as_str()),
            l.listed_on,
            if l.confidence == tvcheck::registry::Confidence::Weak {
                " [weakly confirmed]"
            } else {
                ""
            }
        )?;
        let basis = l
            .basis
            .as_deref()
            .or(def.map(|d| d.basis.as_str()))
            .unwrap_or("-");
        writeln!(out, "    basis: {basis}")?;
        if let Some(src) = l.source.as_deref().or(def.map(|d| d.source.as_str())) {
            writeln!(out, "    source: {src}")?;
        }
        if l.scope == tvcheck::registry::Scope::PurposeLimited {
            writeln!(out, "    scope: only for {}", l.purposes.join(", "))?;
        }
        if let Some(n) = &l.notes {
            writeln!(out, "    notes: {n}")?;
        }
    }
    Ok(ExitStatus::Success)
}
