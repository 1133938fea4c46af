//! Streamed findings: each finding rendered once, as it is found, into the text of every
//! streamed output format, and kept in a bounded memory buffer that moves to an anonymous
//! temporary file once it grows; the renderer then writes the report's head, copies the
//! findings' text and writes its tail. Memory stays constant however many findings there are.
//!
//! Only formats whose findings are a flat run of text between a head and a tail stream (JSON
//! and CSV); the others (table, Markdown, HTML, SARIF, JUnit) group or index findings and keep
//! them in memory.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};

use super::{FindingRow, Format};

/// Bytes of rendered findings kept in memory before they move to a temporary file.
const MEMORY_LIMIT: usize = 8 << 20;

/// Whether findings in `format` can be streamed.
pub fn streamable(format: Format) -> bool {
    matches!(format, Format::Json | Format::Csv)
}

/// The rendered findings of one format.
#[derive(Debug)]
pub struct Spill {
    /// The format they are rendered in.
    pub format: Format,
    /// Findings rendered.
    pub count: u64,
    mem: Vec<u8>,
    file: Option<BufWriter<File>>,
    limit: usize,
}

impl Spill {
    fn new(format: Format, limit: usize) -> Spill {
        Spill {
            format,
            count: 0,
            mem: Vec::new(),
            file: None,
            limit,
        }
    }

    /// Appends one finding.
    fn push(&mut self, f: &FindingRow) -> std::io::Result<()> {
        if let Some(file) = &mut self.file {
            self.mem.clear();
            render(self.format, f, self.count == 0, &mut self.mem)?;
            file.write_all(&self.mem)?;
        } else {
            render(self.format, f, self.count == 0, &mut self.mem)?;
            if self.mem.len() > self.limit {
                let mut file = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
                file.write_all(&self.mem)?;
                self.mem = Vec::with_capacity(4096);
                self.file = Some(file);
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Writes every finding's text, in order, to `out`.
    pub fn copy_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match &self.file {
            None => out.write_all(&self.mem),
            Some(file) => {
                let mut f = file.get_ref();
                f.seek(SeekFrom::Start(0))?;
                std::io::copy(&mut f, out)?;
                Ok(())
            }
        }
    }

    /// Flushes the temporary file.
    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(file) = &mut self.file {
            file.flush()?;
        }
        Ok(())
    }
}

/// Renders one finding as `format` writes it inside the list of findings.
fn render(format: Format, f: &FindingRow, first: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
    match format {
        Format::Json => super::json::finding(f, first, out),
        Format::Csv => super::csv::finding(f, out),
        _ => Err(std::io::Error::other(format!(
            "findings cannot be streamed as {}",
            format.name()
        ))),
    }
}

/// The streamed findings of a run, one [`Spill`] per streamed format.
#[derive(Debug, Default)]
pub struct Streamed {
    spills: Vec<Spill>,
}

impl Streamed {
    /// Streams findings in each of `formats` (each must be [`streamable`]).
    pub fn new(formats: &[Format]) -> Streamed {
        Streamed::with_memory_limit(formats, MEMORY_LIMIT)
    }

    /// Like [`Streamed::new`], moving to a temporary file after `limit` bytes per format.
    pub fn with_memory_limit(formats: &[Format], limit: usize) -> Streamed {
        let mut spills: Vec<Spill> = Vec::new();
        for f in formats {
            if !spills.iter().any(|s| s.format == *f) {
                spills.push(Spill::new(*f, limit));
            }
        }
        Streamed { spills }
    }

    /// Whether any format's findings went to a temporary file.
    pub fn spilled(&self) -> bool {
        self.spills.iter().any(|s| s.file.is_some())
    }

    /// Renders one finding into every format.
    pub fn push(&mut self, f: &FindingRow) -> std::io::Result<()> {
        for s in &mut self.spills {
            s.push(f)?;
        }
        Ok(())
    }

    /// Flushes the temporary files.
    pub fn finish(&mut self) -> std::io::Result<()> {
        for s in &mut self.spills {
            s.finish()?;
        }
        Ok(())
    }

    /// The findings rendered as `format`.
    pub fn get(&self, format: Format) -> Option<&Spill> {
        self.spills.iter().find(|s| s.format == format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{render, Report};

    /// Renders the report's in-memory findings, then the same findings streamed with a memory
    /// `limit`, and returns both renderings.
    fn both(mut report: Report, format: Format, limit: usize) -> (Vec<u8>, Vec<u8>, bool) {
        let mut kept = Vec::new();
        render(&report, format, &mut kept).unwrap();
        let mut s = Streamed::with_memory_limit(&[format, format], limit);
        for f in std::mem::take(&mut report.findings) {
            s.push(&f).unwrap();
        }
        s.finish().unwrap();
        let spilled = s.spilled();
        report.streamed = Some(s);
        let mut streamed = Vec::new();
        render(&report, format, &mut streamed).unwrap();
        (kept, streamed, spilled)
    }

    fn sample(n: usize) -> Report {
        let mut r = crate::report::html::tests::sample_report();
        let rows = r.findings.clone();
        r.findings = rows.iter().cycle().take(n).cloned().collect();
        for (i, f) in r.findings.iter_mut().enumerate() {
            f.line = i as u64 + 2;
            f.vendor = format!("=Vendor \"{i}\"\nline");
        }
        r
    }

    #[test]
    fn streamed_json_and_csv_are_byte_identical_in_memory_and_spilled() {
        for format in [Format::Json, Format::Csv] {
            for (n, limit, spills) in [
                (0, 1, false),
                (1, 1 << 20, false),
                (7, 1 << 20, false),
                (300, 512, true),
            ] {
                let (kept, streamed, spilled) = both(sample(n), format, limit);
                assert_eq!(spilled, spills, "{format:?} n={n}");
                assert_eq!(
                    String::from_utf8(kept).unwrap(),
                    String::from_utf8(streamed).unwrap(),
                    "{format:?} n={n} limit={limit}"
                );
            }
        }
    }

    #[test]
    fn other_formats_refuse_streamed_findings() {
        let mut r = sample(2);
        r.findings.clear();
        r.streamed = Some(Streamed::new(&[Format::Json]));
        let mut out = Vec::new();
        let err = render(&r, Format::Html, &mut out).unwrap_err();
        assert!(
            err.to_string().contains("without a html rendering"),
            "{err}"
        );
    }
}
