//! The README's runnable examples, run against the built binary so that the README cannot
//! drift from what tvcheck does. A fenced ```sh or ```console block right after a line
//! `<!-- test: run -->` is runnable (see CONTRIBUTING.md):
//!
//! - a block after `<!-- test: run, same folder -->` runs in the folder of the runnable block
//!   before it (a key pair made there, a database imported there);
//! - every command runs with `sh` in one temporary folder per block holding a copy of
//!   `data/examples/` and `data/registry/`, with the built `tvcheck` first on `PATH`;
//! - a command exits 0 unless it ends with the shell comment `# exit N`;
//! - in a ```sh block every line is a command (blank lines and comment lines skipped, a
//!   trailing `\` continues a line), and its output is not compared;
//! - in a ```console block a line starting with `$ ` is a command and the lines up to the next
//!   one are its output (standard output and standard error together), compared line by line:
//!   `...` stands for any text within a line, and a line that is only `...` for any lines;
//! - a `tvcheck check` or `tvcheck explain` command must pass `--as-of` (no test depends on
//!   today's date).

use std::path::Path;

use crate::support::{repo, Env};

const MARKER: &str = "<!-- test: run -->";

/// The marker of a block that goes on in the folder of the runnable block before it (keys and
/// databases made there are still there).
const MARKER_SAME_FOLDER: &str = "<!-- test: run, same folder -->";

/// One runnable block: its first line in the README, its language and its lines.
struct Block {
    line: usize,
    lang: String,
    lines: Vec<String>,
    /// Runs in the folder of the block before it.
    same_folder: bool,
}

/// One command with the exit status and output it should have (`None`: not compared).
struct Command {
    text: String,
    exit: i32,
    output: Option<Vec<String>>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let same_folder = lines[i].trim() == MARKER_SAME_FOLDER;
        if lines[i].trim() != MARKER && !same_folder {
            i += 1;
            continue;
        }
        let fence = lines.get(i + 1).copied().unwrap_or("");
        let lang = fence.trim_start_matches('`').trim().to_string();
        assert!(
            fence.starts_with("```") && (lang == "sh" || lang == "console"),
            "README.md:{}: {MARKER} is not followed by a ```sh or ```console block",
            i + 1
        );
        let start = i + 2;
        let end = (start..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("README.md:{}: the block is not closed", i + 2));
        assert!(
            !same_folder || !out.is_empty(),
            "README.md:{}: {MARKER_SAME_FOLDER} has no runnable block before it",
            i + 1
        );
        out.push(Block {
            line: i + 2,
            lang,
            lines: lines[start..end].iter().map(|l| l.to_string()).collect(),
            same_folder,
        });
        i = end + 1;
    }
    out
}

/// The exit status a command's trailing `# exit N` comment names, else 0.
fn expected_exit(cmd: &str) -> i32 {
    cmd.rsplit_once("# exit ")
        .and_then(|(_, n)| {
            n.split_whitespace()
                .next()?
                .trim_end_matches(':')
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn commands(block: &Block) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    if block.lang == "sh" {
        let mut pending = String::new();
        for l in &block.lines {
            let t = l.trim();
            if pending.is_empty() && (t.is_empty() || t.starts_with('#')) {
                continue;
            }
            if let Some(head) = t.strip_suffix('\\') {
                pending.push_str(head);
                pending.push(' ');
                continue;
            }
            pending.push_str(t);
            let text = std::mem::take(&mut pending);
            out.push(Command {
                exit: expected_exit(&text),
                text,
                output: None,
            });
        }
        return out;
    }
    for l in &block.lines {
        if let Some(cmd) = l.strip_prefix("$ ") {
            out.push(Command {
                text: cmd.to_string(),
                exit: expected_exit(cmd),
                output: Some(Vec::new()),
            });
        } else {
            let last = out.last_mut().unwrap_or_else(|| {
                panic!(
                    "README.md:{}: a console block must start with a `$ ` command line",
                    block.line
                )
            });
            last.output.as_mut().unwrap().push(l.trim_end().to_string());
        }
    }
    out
}

/// Whether `text` matches `pattern`, in which `...` stands for any text.
fn line_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the output lines match the expected ones (a line `...` stands for any lines).
fn lines_match(want: &[String], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|k| lines_match(rest, &got[k..])),
        Some((w, rest)) => got
            .split_first()
            .is_some_and(|(g, more)| line_matches(w, g) && lines_match(rest, more)),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_readme_examples_marked_runnable_run_as_shown() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(blocks.len() >= 3, "only {} runnable blocks", blocks.len());
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_tvcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut folder: Option<Env> = None;
    for block in &blocks {
        let env = match folder.take() {
            Some(env) if block.same_folder => env,
            _ => {
                let env = Env::new();
                for d in ["examples", "registry"] {
                    copy_dir(&repo().join("data").join(d), &env.path("data").join(d));
                }
                env
            }
        };
        let cmds = commands(block);
        assert!(!cmds.is_empty(), "README.md:{}: no command", block.line);
        for c in cmds {
            let words: Vec<&str> = c.text.split_whitespace().collect();
            if words
                .windows(2)
                .any(|w| w[0] == "tvcheck" && (w[1] == "check" || w[1] == "explain"))
            {
                assert!(
                    c.text.contains("--as-of"),
                    "README.md:{}: `{}` must pass --as-of to be run by the test",
                    block.line,
                    c.text
                );
            }
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("exec 2>&1\n{}", c.text))
                .current_dir(env.path(""))
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env_remove("TVCHECK_DB")
                .output()
                .unwrap();
            let got = String::from_utf8_lossy(&out.stdout).into_owned();
            assert_eq!(
                out.status.code(),
                Some(c.exit),
                "README.md:{}: `{}` exited {:?}, the README says {}; its output:\n{got}",
                block.line,
                c.text,
                out.status.code(),
                c.exit
            );
            if let Some(want) = &c.output {
                let got_lines: Vec<&str> = got.lines().map(str::trim_end).collect();
                assert!(
                    lines_match(want, &got_lines),
                    "README.md:{}: `{}` printed\n{got}\nbut the README shows\n{}",
                    block.line,
                    c.text,
                    want.join("\n")
                );
            }
        }
        folder = Some(env);
    }
}

#[test]
fn wildcards_match_as_documented() {
    assert!(line_matches("a ... c", "a b c"));
    assert!(line_matches("a (...); b (...)", "a (x; y); b (z)"));
    assert!(!line_matches("a ... c", "a b d"));
    assert!(!line_matches("ab...ba", "aba"));
    let want: Vec<String> = ["x", "...", "z"].iter().map(|s| s.to_string()).collect();
    assert!(lines_match(&want, &["x", "z"]));
    assert!(lines_match(&want, &["x", "y", "y", "z"]));
    assert!(!lines_match(&want, &["x", "y"]));
    assert_eq!(expected_exit("tvcheck check x   # exit 1: violations"), 1);
    assert_eq!(expected_exit("tvcheck check x"), 0);
}
