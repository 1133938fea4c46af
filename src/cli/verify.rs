//! `tvcheck report verify`: recomputes the digests a JSON report records and says what changed.

use std::io::Write;
use std::path::{Path, PathBuf};
use tvcheck::escape::Visible as V;

use serde::Deserialize;
use tvcheck::{Error, ErrorKind, Location, Registry};

use super::ExitStatus;

#[derive(Deserialize)]
struct Recorded {
    #[serde(default)]
    tool: Option<RecordedTool>,
    registry: RecordedRegistry,
    #[serde(default)]
    policies: Vec<RecordedPolicy>,
    waivers: Option<RecordedFile>,
    inputs: Vec<RecordedFile>,
}

#[derive(Deserialize)]
struct RecordedTool {
    /// The configuration file (absent in reports made without one, or before they existed).
    #[serde(default)]
    config: Option<RecordedFile>,
}

#[derive(Deserialize)]
struct RecordedRegistry {
    source: String,
    sha256: String,
    /// Present when the check used a signed snapshot (`check --registry-snapshot`).
    #[serde(default)]
    snapshot: Option<RecordedSnapshot>,
}

#[derive(Deserialize)]
struct RecordedSnapshot {
    sha256: String,
}

#[derive(Deserialize)]
struct RecordedPolicy {
    id: String,
    origin: String,
    sha256: String,
}

#[derive(Deserialize)]
struct RecordedFile {
    path: String,
    sha256: String,
}

enum State {
    Same,
    Changed(String),
    Missing(String),
}

/// Hashes a file the report names, streaming (inventories may be large), and only when it is
/// a regular file: a FIFO or device put in its place would hang or never end.
fn file_state(path: &str, want: &str) -> State {
    let path = Path::new(path);
    let hashed = tvcheck::source::check_regular(path, "file", ErrorKind::Usage)
        .map_err(|e| e.message)
        .and_then(|_| std::fs::File::open(path).map_err(|e| e.to_string()))
        .and_then(|f| {
            let mut r = tvcheck::source::digest::HashingReader::new(f);
            std::io::copy(&mut r, &mut std::io::sink()).map_err(|e| e.to_string())?;
            Ok(r.finish().0)
        });
    match hashed {
        Ok(got) if got == want => State::Same,
        Ok(got) => State::Changed(format!("sha256 is now {got}")),
        Err(e) => State::Missing(e),
    }
}

/// Reads the report from standard input (`-`), within the same size limit as a file.
fn read_stdin() -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let limit = tvcheck::source::REPORT_LIMIT;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::new(
                ErrorKind::Usage,
                format!(
                    "cannot read the report from standard input: {}",
                    Error::io_reason(&e)
                ),
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "the report on standard input is larger than {}",
                tvcheck::source::size_text(limit)
            ),
        )
        .hint("pass the report's file instead")
        .into());
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(ErrorKind::Usage, "standard input is empty: no report to verify")
            .hint("pipe a report written by `tvcheck check --format json` into `tvcheck report verify -`, or name its file")
            .into());
    }
    Ok(bytes)
}

pub fn run(report: PathBuf, db: Option<PathBuf>) -> anyhow::Result<ExitStatus> {
    // `-` is standard input: the report's digests name the files it was made from, so the
    // report itself need not be a file.
    let bytes = if report == Path::new("-") {
        read_stdin()?
    } else {
        tvcheck::source::read_regular_file(
            &report,
            tvcheck::source::REPORT_LIMIT,
            "report",
            ErrorKind::Usage,
        )?
    };
    let rec: Recorded = serde_json::from_slice(&bytes).map_err(|e| {
        Error::at(
            ErrorKind::Usage,
            Location::at(&report, e.line() as u64, e.column() as u64),
            format!("not a tvcheck JSON report: {e}"),
        )
        .hint("pass a report written by `tvcheck check --format json`")
    })?;
    let mut lines: Vec<(String, State)> = Vec::new();
    for i in &rec.inputs {
        lines.push((format!("input {}", i.path), file_state(&i.path, &i.sha256)));
    }
    let registry_state = if rec.registry.source == "embedded" && db.is_none() {
        let reg = Registry::embedded()?;
        if reg.digest == rec.registry.sha256 {
            State::Same
        } else {
            State::Changed(format!(
                "this build's embedded registry has sha256 {}",
                reg.digest
            ))
        }
    } else if let (Some(snap), None) = (&rec.registry.snapshot, &db) {
        // The snapshot file's signed part, as `check --registry-snapshot` recorded it.
        match tvcheck::source::read_regular_file(
            Path::new(&rec.registry.source),
            tvcheck::registry::snapshot::SIZE_LIMIT,
            "registry snapshot",
            ErrorKind::Registry,
        ) {
            Ok(bytes) => match tvcheck::registry::snapshot::signed_digest(&bytes) {
                Some(d) if d == snap.sha256 => State::Same,
                Some(d) => State::Changed(format!("its snapshot sha256 is now {d}")),
                None => State::Changed("it is no longer a registry snapshot".into()),
            },
            Err(e) => State::Missing(e.to_string()),
        }
    } else {
        let path = db.unwrap_or_else(|| rec.registry.source.clone().into());
        match Registry::open(&path) {
            Ok(reg) if reg.digest == rec.registry.sha256 => State::Same,
            Ok(reg) => State::Changed(format!("its content sha256 is now {}", reg.digest)),
            Err(e) => State::Missing(e.to_string()),
        }
    };
    lines.push((format!("registry {}", rec.registry.source), registry_state));
    for p in &rec.policies {
        if p.origin == "built-in" {
            continue;
        }
        let state = match p.origin.strip_prefix("embedded:") {
            Some(path) => match tvcheck::policy::embedded()
                .iter()
                .find(|(name, _)| *name == path)
            {
                Some((_, text))
                    if tvcheck::source::digest::sha256_hex(text.as_bytes()) == p.sha256 =>
                {
                    State::Same
                }
                Some(_) => State::Changed("this build embeds a different version".into()),
                None => State::Missing("this build does not embed it".into()),
            },
            None => file_state(&p.origin, &p.sha256),
        };
        lines.push((format!("policy {} ({})", p.id, p.origin), state));
    }
    if let Some(c) = rec.tool.as_ref().and_then(|t| t.config.as_ref()) {
        lines.push((
            format!("configuration {}", c.path),
            file_state(&c.path, &c.sha256),
        ));
    }
    if let Some(w) = &rec.waivers {
        lines.push((
            format!("waivers {}", w.path),
            file_state(&w.path, &w.sha256),
        ));
    }
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    for (what, state) in &lines {
        match state {
            State::Same => writeln!(out, "unchanged  {}", V(what))?,
            State::Changed(how) => {
                changed += 1;
                writeln!(out, "CHANGED    {}: {}", V(what), V(how))?;
            }
            State::Missing(why) => {
                changed += 1;
                writeln!(out, "MISSING    {}: {}", V(what), V(why))?;
            }
        }
    }
    let name = if report == Path::new("-") {
        "the report on standard input".to_string()
    } else {
        tvcheck::error::display_path(Path::new(&report))
    };
    if changed == 0 {
        writeln!(
            out,
            "{}: everything it was made from is unchanged",
            V(&name)
        )?;
        Ok(ExitStatus::Success)
    } else {
        writeln!(
            out,
            "{}: {changed} of {} sources changed or missing since the report was made",
            V(&name),
            lines.len()
        )?;
        Ok(ExitStatus::Findings)
    }
}
