//! Judging on several threads (`--jobs`): batches are judged in any order and written in
//! reading order, so every report is byte for byte the one a single judging thread writes.

use crate::support::Env;

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1790000000");

/// An inventory of `n` rows (several batches of the reader) with listed, unlisted and unknown
/// vendors, install dates in two notations, quantities that cannot be read (warnings) and
/// records with too many fields (unreadable rows).
fn inventory(n: usize) -> String {
    let vendors = [
        "Huawei",
        "Nokia",
        "ZTE Corp",
        "Acme Widgets",
        "Hikvision",
        "Ericsson",
    ];
    let mut s = String::from("asset_id,vendor,model,site,domain,quantity,installed,owner\n");
    for i in 0..n {
        let vendor = vendors[i % vendors.len()];
        let installed = if i % 3 == 0 {
            format!("{:02}.06.2019", 1 + i % 28)
        } else {
            format!("2020-01-{:02}", 1 + i % 28)
        };
        let quantity = if i % 97 == 0 {
            "a few".to_string()
        } else {
            (1 + i % 5).to_string()
        };
        if i % 1500 == 7 {
            s.push_str(&format!(
                "A{i},{vendor},M-{i},Site,core,1,2020-01-01,x,extra\n"
            ));
            continue;
        }
        s.push_str(&format!(
            "A{i},{vendor},M-{},Site-{},{},{quantity},{installed},team {}\n",
            i % 400,
            i % 17,
            ["core", "ran", "transport"][i % 3],
            i % 5
        ));
    }
    s
}

#[test]
fn reports_do_not_depend_on_the_number_of_judging_threads() {
    let env = Env::new();
    env.file("inv.csv", inventory(5000));
    // An earlier report, for --since-registry (compared item by item as the run goes).
    env.run_env(
        &[
            "check",
            "inv.csv",
            "--policy",
            "lt-5g",
            "--as-of",
            "2019-01-01",
            "--allow-incomplete",
            "-o",
            "json=earlier.json",
        ],
        &[EPOCH],
    );
    let run = |jobs: &str| {
        let out = env.run_env(
            &[
                "check",
                "inv.csv",
                "--policy",
                "lt-5g",
                "--policy",
                "us-fcc-covered",
                "--as-of",
                "2026-06-01",
                "--allow-incomplete",
                "--since-registry",
                "earlier.json",
                "--jobs",
                jobs,
                "-o",
                &format!("json=r{jobs}.json"),
                "-o",
                &format!("csv=r{jobs}.csv"),
                "-o",
                &format!("sarif=r{jobs}.sarif"),
                "-o",
                &format!("markdown=r{jobs}.md"),
                "--format",
                "table",
            ],
            &[EPOCH],
        );
        out.code(1);
        out.stdout.clone()
    };
    let one = run("1");
    let read = |name: String| std::fs::read(env.path(&name)).unwrap();
    let report = crate::support::read_report(&env.path("r1.json"));
    // The inventory exercises what the threads must keep in order.
    assert_eq!(report["summary"]["items"], 5000 - 4);
    assert_eq!(report["skipped_rows"]["count"], 4);
    assert!(report["summary"]["violations"].as_u64().unwrap() > 1000);
    assert!(report["warnings"]["count"].as_u64().unwrap() > 40);
    assert!(report["since"]["changes"].as_array().unwrap().len() > 1000);
    for jobs in ["2", "7"] {
        assert_eq!(run(jobs), one, "table with --jobs {jobs}");
        for ext in ["json", "csv", "sarif", "md"] {
            assert!(
                read(format!("r{jobs}.{ext}")) == read(format!("r1.{ext}")),
                "{ext} with --jobs {jobs} differs from --jobs 1"
            );
        }
    }
}

#[test]
fn jobs_must_be_at_least_one() {
    let env = Env::new();
    env.file("inv.csv", inventory(10));
    let out = env.run(&["check", "inv.csv", "--jobs", "0", "--as-of", "2026-06-01"]);
    out.code(2);
    assert!(
        out.stderr.contains("'0' for '--jobs <N>'"),
        "{}",
        out.stderr
    );
}
