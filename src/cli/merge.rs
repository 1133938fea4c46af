//! `tvcheck report merge`: one evidence report from the JSON reports of many shards.

use std::io::Write;

use tvcheck::escape::Visible as V;
use tvcheck::report::merge;
use tvcheck::report::output::{AtomicFile, Spill};
use tvcheck::source::Protected;

use super::ExitStatus;

pub fn run(
    reports: Vec<std::path::PathBuf>,
    output: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitStatus> {
    let merged = match &output {
        Some(path) => {
            let protected: Vec<Protected> = reports
                .iter()
                .filter_map(|r| Protected::new("a report being merged", r))
                .collect();
            tvcheck::source::guard_outputs(&[path.as_path()], &protected)?;
            let mut file = AtomicFile::create(path)?;
            let merged = merge::merge(&reports, &mut file)?;
            file.flush().map_err(|e| file.error(&e))?;
            file.commit()?;
            merged
        }
        None => {
            // Held back until the merge succeeded: a failed merge prints no half report.
            let mut spill = Spill::new(tvcheck::report::output::SPILL_MEMORY);
            let merged = merge::merge(&reports, &mut spill)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if let Err(e) = spill.copy_to(&mut out).and_then(|()| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(anyhow::Error::from(e).context("cannot write the merged report"));
                }
            }
            merged
        }
    };
    let s = &merged.report.summary;
    eprintln!(
        "merged {} reports: {} inputs, {} items, {} violations, {} reviews, {} findings{}",
        reports.len(),
        merged.report.inputs.len(),
        s.items,
        s.violations,
        s.reviews,
        merged.findings,
        match &output {
            Some(p) => format!(" -> {}", V(&p.display().to_string())),
            None => String::new(),
        }
    );
    if merged.report.status == tvcheck::report::RunStatus::Incomplete {
        eprintln!("note: the merged report is incomplete: some shard could not read all of its inputs (see its failed_inputs and skipped_rows)");
    }
    Ok(ExitStatus::Success)
}
