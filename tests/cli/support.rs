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
    /// Parses stdout as JSON; a tvcheck report is validated against its schema.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        let v = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        });
        check_report(&v, "standard output");
        v
    }

    /// Parses stdout as a JSON Lines report (findings, then the line with everything else)
    /// and returns it as the JSON report it is equivalent to, validated against the schema.
    #[track_caller]
    pub fn json_lines(&self) -> serde_json::Value {
        json_lines(&self.stdout, "standard output")
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
        assert!(
            line.starts_with("error: ") || is_coded_error(line),
            "stderr: {line}"
        );
        assert_eq!(line.lines().count(), 1, "error is not one line: {line}");
        for f in fragments {
            assert!(line.contains(f), "stderr lacks {f:?}: {line}");
        }
        assert!(!line.contains("panicked"), "{line}");
        self
    }
}

/// Whether `line` starts with a diagnostic's code: `error[TV0102]: `.
pub fn is_coded_error(line: &str) -> bool {
    line.strip_prefix("error[TV")
        .and_then(|r| r.get(..6))
        .is_some_and(|r| r[..4].bytes().all(|b| b.is_ascii_digit()) && &r[4..] == "]:")
}

impl Out {
    /// Asserts an error exit (2) that reports every problem of `file`: one `error[CODE]:` line
    /// per problem, in the order given, each holding its code and its fragment (a location such
    /// as `p.toml:3:5:` and words of the message), then the line `error: N problems in FILE`.
    #[track_caller]
    pub fn problems(&self, file: &str, want: &[(&str, &str)]) -> &Out {
        self.code(2);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            want.len() + 1,
            "wanted {} problems and a count: {}",
            want.len(),
            self.stderr
        );
        for (line, (code, fragment)) in lines.iter().zip(want) {
            assert!(
                line.starts_with(&format!("error[{code}]: ")),
                "wanted {code}: {line}"
            );
            assert!(line.contains(fragment), "lacks {fragment:?}: {line}");
        }
        assert_eq!(
            lines[want.len()],
            format!("error: {} problems in {file}", want.len())
        );
        self
    }

    /// Asserts an error exit (2) whose stderr is exactly `error: {want}` on one line.
    #[track_caller]
    /// A validation problem of a policy, waivers or registry import file carries its code
    /// (`error[TV0102]: {want}`).
    pub fn error_exactly(&self, want: &str) -> &Out {
        self.code(2);
        let line = self.stderr.as_str();
        let rest = match line.strip_prefix("error: ") {
            Some(rest) => rest,
            None => {
                assert!(is_coded_error(line), "stderr: {line}");
                &line[15..]
            }
        };
        assert_eq!(rest, format!("{want}\n"), "stderr: {line}");
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

/// The JSON report schema, compiled once (offline: it refers only to itself).
pub fn report_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(repo().join("schemas/report.schema.json")).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_retriever(Offline)
            .build(&schema)
            .unwrap()
    })
}

/// A retriever that refuses every external reference: schema validation never goes online.
pub struct Offline;

impl jsonschema::Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("offline: will not fetch {uri}").into())
    }
}

/// Asserts that `doc` is valid under `v`, listing every error.
#[track_caller]
pub fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// The one place every JSON report the tests read is checked: a document that is a tvcheck
/// report (its `tool` is tvcheck and it has `findings`) must match `schemas/report.schema.json`.
#[track_caller]
pub fn check_report(doc: &serde_json::Value, what: &str) {
    if doc["tool"]["name"] == "tvcheck" && doc.get("findings").is_some() {
        assert_valid(report_schema(), doc, what);
        // Every id a finding refers to is in the dictionary, and nothing else is.
        let mut entries = std::collections::BTreeSet::new();
        let mut lists = std::collections::BTreeSet::new();
        for f in doc["findings"].as_array().unwrap() {
            entries.extend(f["entry"].as_str());
            for id in f["evidence"]["chain"].as_array().into_iter().flatten() {
                entries.insert(id.as_str().unwrap());
            }
            for l in f["listings"].as_array().into_iter().flatten() {
                entries.insert(l["entity"].as_str().unwrap());
                lists.insert(l["list"].as_str().unwrap());
            }
        }
        let keys = |k: &str| -> std::collections::BTreeSet<&str> {
            doc[k]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect()
        };
        assert_eq!(keys("entries"), entries, "{what}: entries");
        // The lists named by the findings and by the entries' listings; a registry may list on
        // a list it does not define: only defined ones are described.
        for e in doc["entries"].as_object().unwrap().values() {
            for l in e["listings"].as_array().unwrap() {
                lists.insert(l["list"].as_str().unwrap());
            }
        }
        assert!(keys("lists").is_subset(&lists), "{what}: lists");
    }
}

/// Reads a JSON report file (validated like [`Out::json`]).
#[track_caller]
pub fn read_report(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let v = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON ({e}):\n{text}", path.display()));
    check_report(&v, &path.display().to_string());
    v
}

/// A JSON Lines report as the JSON report it is equivalent to, validated: each line but the
/// last is a finding, the last holds every other member.
#[track_caller]
pub fn json_lines(text: &str, what: &str) -> serde_json::Value {
    let mut values: Vec<serde_json::Value> = text
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: not a JSON line ({e}): {l}"))
        })
        .collect();
    let mut whole = values
        .pop()
        .unwrap_or_else(|| panic!("{what}: no summary line"));
    assert!(
        whole.get("tool").is_some(),
        "{what}: the last line is not the summary"
    );
    assert!(values.iter().all(|v| v.get("tool").is_none()), "{what}");
    whole
        .as_object_mut()
        .unwrap()
        .insert("findings".into(), serde_json::Value::Array(values));
    check_report(&whole, what);
    whole
}

/// Finds an external program the tests drive (`xmllint`, `chromium`) on `PATH`, trying each
/// name in turn. When none is found the caller skips, saying so on stderr, unless
/// `TVCHECK_EXTERNAL_TOOLS=require` (set by `.ci/run`, which installs them): then missing is a
/// failure, so CI never passes without running the check.
#[track_caller]
pub fn external_tool(names: &[&str], package: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let required = std::env::var("TVCHECK_EXTERNAL_TOOLS").is_ok_and(|v| v == "require");
    assert!(
        !required,
        "TVCHECK_EXTERNAL_TOOLS=require but none of {names:?} is on PATH (Debian package {package})"
    );
    eprintln!(
        "SKIPPED: none of {names:?} is on PATH (install Debian's {package}, as .ci/run does, to run this check)"
    );
    None
}
