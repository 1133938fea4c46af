//! Streamed reports: findings rendered once, as they are found, straight into each output, so
//! memory stays constant however many findings there are. A report file is written through an
//! [`AtomicFile`] (a temporary file renamed into place only when the whole run succeeded); a
//! report for standard output goes into a bounded memory buffer that moves to an anonymous
//! temporary file once it grows, and is copied out only when the run succeeded, so a failed
//! run never prints half a report.
//!
//! Every format streams. JSON, JSON Lines, CSV and SARIF write each finding as it comes,
//! between a head and a tail; JUnit writes each into its suite's buffer (memory, then a
//! temporary file) and puts the document together at the end. Table, Markdown and HTML show
//! the findings grouped, with the first rows of each group, which the report gathers in
//! bounded memory while the check runs ([`super::groups`]): they are written whole at the end.

use std::io::Write;
use std::path::Path;

use super::{Format, Report, Row};
use crate::error::{Error, ErrorKind, Result};
use crate::report::output::{AtomicFile, Spill};

/// Whether findings in `format` can be streamed.
pub fn streamable(format: Format) -> bool {
    Format::ALL.contains(&format)
}

/// Where a streamed report goes.
#[derive(Debug)]
enum Target {
    /// A report file.
    File(AtomicFile),
    /// Standard output, held back until the run is over.
    Stdout(Spill),
}

/// One streamed report.
#[derive(Debug)]
struct Sink {
    format: Format,
    target: Target,
    /// Findings written.
    count: u64,
    /// Reused buffer for one finding's text.
    buf: Vec<u8>,
    /// How a table is drawn.
    style: super::table::Style,
    /// The SARIF log's state (rule indexes), once started.
    sarif: Option<super::sarif::Writer>,
    /// The JUnit document's suites, once started.
    junit: Option<super::junit::Writer>,
}

impl Sink {
    fn out(&mut self) -> &mut dyn Write {
        match &mut self.target {
            Target::File(f) => f,
            Target::Stdout(s) => s,
        }
    }

    /// The error for a failed write.
    fn error(&self, e: &std::io::Error) -> Error {
        match &self.target {
            Target::File(f) => f.error(e),
            Target::Stdout(_) => Error::new(
                ErrorKind::Output,
                format!(
                    "cannot hold the report back in a temporary file: {}",
                    Error::io_reason(e)
                ),
            )
            .hint("free some disk space in the temporary folder, point TMPDIR at another one, or write the report to a file with -o")
            .caused_by_io(e),
        }
    }

    /// Writes the head; `tool` replaces the report's own `tool` member when given.
    fn start(&mut self, report: &Report, tool: Option<&super::ToolInfo>) -> std::io::Result<()> {
        let format = self.format;
        if format == Format::Junit {
            self.junit = Some(super::junit::Writer::start(report));
            return Ok(());
        }
        if format == Format::Sarif {
            let w = super::sarif::Writer::start(report, self.out())?;
            self.sarif = Some(w);
            return Ok(());
        }
        let out = self.out();
        match format {
            Format::Json => super::json::head_as(report, tool, out),
            Format::Csv => super::csv::head(out),
            Format::Jsonl | Format::Table | Format::Markdown | Format::Html => Ok(()),
            _ => Err(unstreamable(format)),
        }
    }

    fn push(&mut self, f: &Row) -> std::io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        match self.format {
            Format::Json => super::json::finding(f, self.count == 0, &mut buf)?,
            Format::Jsonl => {
                super::json::line(f, &mut buf)?;
                buf.push(b'\n');
            }
            Format::Csv => super::csv::finding(f, &mut buf)?,
            Format::Sarif => match &mut self.sarif {
                Some(w) => w.result(f, &mut buf)?,
                None => return Err(unstreamable(self.format)),
            },
            Format::Junit => {
                self.buf = buf;
                self.count += 1;
                return match &mut self.junit {
                    Some(w) => w.case(f),
                    None => Err(unstreamable(self.format)),
                };
            }
            // Grouped formats take their rows from the report's groups at the end.
            Format::Table | Format::Markdown | Format::Html => {
                self.buf = buf;
                self.count += 1;
                return Ok(());
            }
        }
        self.out().write_all(&buf)?;
        self.buf = buf;
        self.count += 1;
        Ok(())
    }

    /// Writes the tail; `tool` replaces the report's own `tool` member when given.
    fn finish(&mut self, report: &Report, tool: Option<&super::ToolInfo>) -> std::io::Result<()> {
        let (format, count, style) = (self.format, self.count, self.style);
        let sarif = self.sarif.take();
        let junit = self.junit.take();
        let out = self.out();
        match format {
            Format::Json => super::json::tail(report, count, out)?,
            Format::Jsonl => super::json::lines_tail_as(report, tool, out)?,
            Format::Csv => {}
            Format::Table => super::table::render_styled(report, out, style)?,
            Format::Markdown | Format::Html => super::render(report, format, out)?,
            Format::Sarif => match sarif {
                Some(w) => w.finish(report, out)?,
                None => return Err(unstreamable(format)),
            },
            Format::Junit => match junit {
                Some(w) => w.finish(report, out)?,
                None => return Err(unstreamable(format)),
            },
        }
        out.flush()
    }
}

fn unstreamable(format: Format) -> std::io::Error {
    std::io::Error::other(format!(
        "internal error: findings cannot be streamed as {}",
        format.name()
    ))
}

/// The streamed reports of a run. The check pipeline (`check::run`) calls `start` once the report's
/// provenance is known, `push` for every finding and `finish` with the final counts; the caller
/// then calls [`Streamed::commit`].
#[derive(Debug)]
pub struct Streamed {
    sinks: Vec<Sink>,
    /// Bytes a standard-output report holds in memory before it moves to a temporary file.
    limit: usize,
    /// The configuration file the caller read ([`Streamed::config`]), written into the
    /// report's `tool` member.
    config: Option<super::ConfigInfo>,
}

impl Default for Streamed {
    fn default() -> Streamed {
        Streamed::with_memory_limit(crate::report::output::SPILL_MEMORY)
    }
}

impl Streamed {
    /// No streamed reports yet.
    pub fn new() -> Streamed {
        Streamed::default()
    }

    /// Like [`Streamed::new`], holding standard-output reports in memory up to `limit` bytes.
    pub(crate) fn with_memory_limit(limit: usize) -> Streamed {
        Streamed {
            sinks: Vec::new(),
            limit,
            config: None,
        }
    }

    /// Records the configuration file the run's settings came from: the reports name it
    /// (the JSON reports in `tool.config`), as the report returned by the run should.
    pub fn config(&mut self, config: Option<super::ConfigInfo>) {
        self.config = config;
    }

    /// Adds a report file (`format` must be [`streamable`]); its temporary file is created now.
    pub fn file(&mut self, format: Format, path: &Path) -> Result<()> {
        self.sinks.push(Sink {
            format,
            target: Target::File(AtomicFile::create(path)?),
            count: 0,
            buf: Vec::new(),
            style: super::table::Style::default(),
            sarif: None,
            junit: None,
        });
        Ok(())
    }

    /// Adds a report for standard output (`format` must be [`streamable`]).
    pub fn stdout(&mut self, format: Format) {
        self.stdout_styled(format, super::table::Style::default());
    }

    /// Adds a report for standard output, a table drawn in `style`.
    pub fn stdout_styled(&mut self, format: Format, style: super::table::Style) {
        self.sinks.push(Sink {
            format,
            target: Target::Stdout(Spill::new(self.limit)),
            count: 0,
            buf: Vec::new(),
            style,
            sarif: None,
            junit: None,
        });
    }

    /// Writes the heads: what comes before the findings.
    pub fn start(&mut self, report: &Report) -> Result<()> {
        let tool = self.tool(report);
        for s in &mut self.sinks {
            s.start(report, tool.as_ref()).map_err(|e| s.error(&e))?;
        }
        Ok(())
    }

    /// The report's `tool` with the configuration file of [`Streamed::config`], when it
    /// differs from the report's own.
    fn tool(&self, report: &Report) -> Option<super::ToolInfo> {
        match &self.config {
            Some(c) if report.tool.config.as_ref() != Some(c) => Some(super::ToolInfo {
                config: Some(c.clone()),
                ..report.tool.clone()
            }),
            _ => None,
        }
    }

    /// Writes one finding into every report.
    pub fn push(&mut self, f: &Row) -> Result<()> {
        for s in &mut self.sinks {
            s.push(f).map_err(|e| s.error(&e))?;
        }
        Ok(())
    }

    /// Writes the tails: what comes after the findings (the counts).
    pub fn finish(&mut self, report: &Report) -> Result<()> {
        let tool = self.tool(report);
        for s in &mut self.sinks {
            s.finish(report, tool.as_ref()).map_err(|e| s.error(&e))?;
        }
        Ok(())
    }

    /// Renames the report files into place and copies the standard-output report to `stdout`.
    pub fn commit(self, stdout: &mut dyn Write) -> Result<()> {
        // Everything that can fail on a full disk first (flush and sync of every file), then
        // the renames, then what cannot be taken back (FIFOs, devices, standard output): a
        // failure leaves as little as possible half-done.
        let mut prepared = Vec::new();
        let mut spills = Vec::new();
        for s in self.sinks {
            match s.target {
                Target::File(f) => prepared.push(f.prepare()?),
                Target::Stdout(spill) => spills.push(spill),
            }
        }
        let (direct, renamed): (Vec<_>, Vec<_>) = prepared.into_iter().partition(|p| p.is_direct());
        for p in renamed.into_iter().chain(direct) {
            p.persist()?;
        }
        for mut spill in spills {
            spill
                .copy_to(stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Output,
                        format!("cannot write the report: {}", Error::io_reason(&e)),
                    )
                    .caused_by(e)
                })?;
        }
        Ok(())
    }

    #[cfg(test)]
    /// Whether a standard-output report moved to a temporary file.
    pub(crate) fn spilled(&self) -> bool {
        self.sinks
            .iter()
            .any(|s| matches!(&s.target, Target::Stdout(sp) if sp.spilled()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{render, Report};

    /// Renders the report's in-memory findings, then the same findings streamed to standard
    /// output with a memory `limit`, and returns both renderings.
    fn both(mut report: Report, format: Format, limit: usize) -> (String, String, bool) {
        let mut kept = Vec::new();
        render(&report, format, &mut kept).unwrap();
        let mut s = Streamed::with_memory_limit(limit);
        s.stdout(format);
        s.start(&report).unwrap();
        for f in std::mem::take(&mut report.findings) {
            s.push(&f).unwrap();
        }
        s.finish(&report).unwrap();
        let spilled = s.spilled();
        let mut streamed = Vec::new();
        s.commit(&mut streamed).unwrap();
        (
            String::from_utf8(kept).unwrap(),
            String::from_utf8(streamed).unwrap(),
            spilled,
        )
    }

    fn sample(n: usize) -> Report {
        let mut r = crate::report::html::tests::sample_report();
        let rows = r.findings.clone();
        r.findings = rows.iter().cycle().take(n).cloned().collect();
        for (i, f) in r.findings.iter_mut().enumerate() {
            f.line = i as u64 + 2;
            f.vendor = format!("=Vendor \"{i}\"\nline").into();
        }
        r
    }

    #[test]
    fn streamed_json_and_csv_are_byte_identical_to_rendering_from_memory() {
        for format in [Format::Json, Format::Jsonl, Format::Csv] {
            for (n, limit, spills) in [
                (0, 1 << 20, false),
                (1, 1 << 20, false),
                (7, 1 << 20, false),
                (300, 512, true),
            ] {
                let (kept, streamed, spilled) = both(sample(n), format, limit);
                assert_eq!(spilled, spills, "{format:?} n={n}");
                assert_eq!(kept, streamed, "{format:?} n={n} limit={limit}");
            }
        }
    }

    #[test]
    fn streamed_json_is_the_report_with_every_member() {
        let (kept, _, _) = both(sample(3), Format::Json, 1 << 20);
        let v: serde_json::Value = serde_json::from_str(&kept).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
        let mut want: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut got = keys.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn a_report_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let r = sample(2);
        let mut s = Streamed::new();
        s.file(Format::Csv, &path).unwrap();
        s.start(&r).unwrap();
        for f in &r.findings {
            s.push(f).unwrap();
        }
        s.finish(&r).unwrap();
        assert!(!path.exists());
        s.commit(&mut std::io::sink()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let records = ::csv::Reader::from_reader(text.as_bytes())
            .records()
            .count();
        assert_eq!(records, 2, "{text}");
        // Dropped without a commit (a failed run): nothing is left.
        let other = dir.path().join("other.json");
        let mut s = Streamed::new();
        s.file(Format::Json, &other).unwrap();
        s.start(&r).unwrap();
        drop(s);
        assert!(!other.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
