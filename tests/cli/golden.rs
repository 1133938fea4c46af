//! The shipped example inventories rendered in every report format, kept as snapshots: any
//! change of what a user sees, in any format, shows as a snapshot diff to review (a
//! refactoring must leave them byte-identical).

use crate::support::{repo, Env};

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1795000000");

const FORMATS: [&str; 8] = [
    "table", "json", "jsonl", "csv", "markdown", "html", "sarif", "junit",
];

/// The examples, each with the policies the README runs it with and its exit status.
const EXAMPLES: [(&str, &[&str], i32); 2] = [
    ("operator-inventory.csv", &["--policy", "lt-5g"], 1),
    ("lab-equipment.toml", &["--policy", "us-fcc-covered"], 0),
];

#[test]
fn the_examples_in_every_format() {
    let env = Env::new();
    for (name, policies, code) in EXAMPLES {
        let text = std::fs::read(repo().join("data/examples").join(name)).unwrap();
        env.file(name, text);
        let render = |format: &str| {
            let mut args = vec!["check", name, "--as-of", "2026-06-01", "--format", format];
            args.extend_from_slice(policies);
            let out = env.run_env(&args, &[EPOCH, ("COLUMNS", "160")]);
            out.code(code);
            assert!(!out.stdout.is_empty(), "{name} {format}: empty output");
            out.stdout
        };
        let json: serde_json::Value = serde_json::from_str(&render("json")).unwrap();
        for format in FORMATS {
            let text = crate::formats::redact(&render(format), &json);
            assert!(!text.contains(&*env.path("").to_string_lossy()), "{format}");
            let stem = name.split('.').next().unwrap();
            insta::assert_snapshot!(format!("{stem}_{format}"), text);
        }
    }
}
