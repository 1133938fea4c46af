//! Generates `data/ieee/name-index.tsv`, the precomputed index of normalised IEEE organisation
//! names (see `data/ieee/README.md`), with tvcheck's current name normalisation.
//!
//!     cargo run --example ieee_index -- data/ieee/name-index.tsv
//!
//! Run by `scripts/refresh-ieee.sh` after `scripts/ieee_snapshot.py`. Since `src/ieee.rs`
//! embeds `assignments.csv`, the build picks up a freshly written snapshot.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: ieee_index OUTPUT.tsv");
        return ExitCode::from(2);
    };
    let tsv = tvcheck::matcher::ieee::name_index_tsv();
    if let Err(e) = std::fs::write(&path, &tsv) {
        eprintln!("ieee_index: cannot write {}: {e}", path.to_string_lossy());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "ieee_index: {} keys for {} organisations written to {}",
        tsv.lines().count(),
        tvcheck::matcher::ieee::orgs().len(),
        path.to_string_lossy()
    );
    ExitCode::SUCCESS
}
