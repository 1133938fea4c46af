//! The `check` pipeline: inventory → matcher (registry) → engine → report, for many inputs.

use std::path::PathBuf;

use crate::date::Date;
use crate::engine::Evaluator;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::inventory::{discover, ReadOptions, Reader};
use crate::model::Verdict;
use crate::registry::Registry;
use crate::report::{Counts, FindingRow, InputInfo, RegistryInfo, Report, ToolInfo};

/// What a check run reads and how it judges.
#[derive(Clone, Debug)]
pub struct CheckConfig {
    /// Files and folders to read.
    pub paths: Vec<PathBuf>,
    /// How inventories are parsed.
    pub read: ReadOptions,
    /// The date the inventory is judged as of.
    pub as_of: Date,
    /// Report ok items too.
    pub all: bool,
}

/// Runs a check and returns the report. Inputs are streamed item by item.
pub fn run(cfg: &CheckConfig, registry: &Registry) -> Result<Report> {
    let inputs = discover(&cfg.paths)?;
    let evaluator = Evaluator::new(registry, cfg.as_of)?;
    let mut report = Report {
        tool: ToolInfo::default(),
        as_of: cfg.as_of,
        registry: RegistryInfo {
            source: registry.source.clone(),
            sha256: registry.digest.clone(),
            vendors: registry.data.vendors.len(),
            listings: registry.data.listing_count(),
            schema_version: registry.schema_version,
        },
        inputs: Vec::with_capacity(inputs.len()),
        summary: Counts::default(),
        findings: Vec::new(),
    };
    for input in &inputs {
        let mut reader = Reader::open(input, &cfg.read)?;
        let mut counts = Counts::default();
        while let Some(item) = reader.next_item()? {
            let a = evaluator.assess(&item);
            counts.add(&a);
            report.summary.add(&a);
            if cfg.all || a.verdict != Verdict::Ok {
                report.findings.push(FindingRow::new(&item, &a));
            }
        }
        if counts.items == 0 {
            return Err(Error::at(
                ErrorKind::Inventory,
                Location::file(&input.path),
                "the inventory has no items",
            )
            .hint("add one row (or [[asset]] table) per piece of equipment"));
        }
        let (sha256, bytes) = reader.digest();
        report.inputs.push(InputInfo {
            path: input.display.to_string(),
            format: input.format.name(),
            sha256,
            bytes,
            counts,
        });
    }
    Ok(report)
}
