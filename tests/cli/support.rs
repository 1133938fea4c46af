//! Test support: a temporary folder with files, and a runner for the real binary.

use std::path::PathBuf;
use std::process::Command;

/// A temporary working folder.
pub struct Env {
    dir: tempfile::TempDir,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, want: i32) -> &Out {
        assert_eq!(
            self.code, want,
            "exit code {} (wanted {want})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts an error exit (2) whose single stderr line contains every fragment (an
    /// incomplete run's closing summary line aside: an input that failed after other items
    /// were judged leaves a report marked incomplete).
    #[track_caller]
    pub fn error(&self, fragments: &[&str]) -> &Out {
        self.code(2);
        let kept: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.starts_with("error: the run is incomplete: "))
            .collect();
        let line = kept.join("\n");
        let line = line.trim_end();
        assert!(line.starts_with("error: "), "stderr: {line}");
        assert_eq!(line.lines().count(), 1, "error is not one line: {line}");
        for f in fragments {
            assert!(line.contains(f), "stderr lacks {f:?}: {line}");
        }
        assert!(!line.contains("panicked"), "{line}");
        self
    }
}

impl Out {
    /// Asserts an error exit (2) whose stderr is exactly `error: {want}` on one line.
    #[track_caller]
    pub fn error_exactly(&self, want: &str) -> &Out {
        self.code(2);
        assert_eq!(self.stderr, format!("error: {want}\n"));
        self
    }

    /// Asserts that a part of an input was not read, named by an error on standard error, and
    /// that the run says it is incomplete (exit 2 unless --allow-incomplete was given).
    #[track_caller]
    pub fn skipped(&self, fragments: &[&str]) -> &Out {
        let line = self
            .stderr
            .lines()
            .find(|l| l.contains(": not read: "))
            .unwrap_or_else(|| panic!("no not-read message in stderr: {}", self.stderr));
        assert!(
            self.stderr.contains(": the run is incomplete: "),
            "no incomplete-run message in stderr: {}",
            self.stderr
        );
        for f in fragments {
            assert!(line.contains(f), "warning lacks {f:?}: {line}");
        }
        self
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }

    /// Runs tvcheck in the folder with `args`.
    pub fn run(&self, args: &[&str]) -> Out {
        self.run_env(args, &[])
    }

    /// The content digest `registry status` reports for the database `db`, or for the
    /// embedded registry when `db` is `None`.
    #[track_caller]
    pub fn registry_digest(&self, db: Option<&str>) -> String {
        let mut args = vec!["registry", "status", "--format", "json"];
        if let Some(db) = db {
            args.extend(["--db", db]);
        }
        let out = self.run(&args);
        out.code(0);
        out.json()["sha256"]
            .as_str()
            .unwrap_or_else(|| panic!("no sha256 in {}", out.stdout))
            .to_string()
    }

    /// Runs tvcheck with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tvcheck"));
        cmd.current_dir(self.dir.path())
            .args(args)
            .env_remove("TVCHECK_DB")
            .env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run tvcheck");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The repository root (for the shipped data and examples).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The findings of a JSON report, as (asset_id, verdict, entry, match) tuples.
pub fn verdicts(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("asset_id"), s("verdict"), s("entry"), s("match"))
        })
        .collect()
}
