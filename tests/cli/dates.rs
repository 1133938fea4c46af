//! Install dates as people write them: the unambiguous forms are read (and the verdict that
//! depends on the date follows them), an ambiguous slashed date is a warning naming the column
//! and judged as unknown until `--date-format` decides, a spreadsheet serial day number becomes
//! its date, and a value that is not a date is kept as written with a warning.

use crate::support::Env;
use crate::workbook_fail_closed::{sheet, xlsx};

/// lt-5g on 2025-06-01: equipment installed from 2021-05-25 on is banned at once (a
/// violation); equipment installed before it, or whose install date is unknown, has until
/// 2025-12-31 (a review).
fn lt5g(env: &Env, file: &str, more: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "check",
        file,
        "--policy",
        "lt-5g",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(more);
    let out = env.run(&args);
    // 1 with a violation, 0 with reviews alone.
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    out.json()
}

/// (asset id, installed as the report shows it, verdict) of every finding.
fn rows(r: &serde_json::Value) -> Vec<(String, String, String)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap().to_string(),
                f["installed"].as_str().unwrap_or("-").to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(asset: &str, installed: &str, verdict: &str) -> (String, String, String) {
    (asset.into(), installed.into(), verdict.into())
}

fn warnings(r: &serde_json::Value) -> Vec<String> {
    r["warnings"]["shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dotted_and_slashed_dates_flip_the_verdict_as_iso_dates_do() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,Installed\n\
         ISO-BEFORE,Huawei,core,2021-05-24\n\
         ISO-ON,Huawei,core,2021-05-25\n\
         DOT-BEFORE,Huawei,core,24.05.2021\n\
         DOT-ON,Huawei,core,25.05.2021\n\
         YMD-SLASH,Huawei,core,2021/05/25\n\
         YMD-DOT,Huawei,core,2021.05.24\n\
         DMY-SLASH,Huawei,core,25/05/2021\n\
         MDY-SLASH,Huawei,core,05/24/2021\n\
         OLD,Huawei,core,14.06.2019\n\
         NEW,Huawei,core,14.06.2022\n",
    );
    let r = lt5g(&env, "inv.csv", &[]);
    assert_eq!(
        rows(&r),
        vec![
            row("ISO-BEFORE", "2021-05-24", "review"),
            row("ISO-ON", "2021-05-25", "violation"),
            row("DOT-BEFORE", "2021-05-24", "review"),
            row("DOT-ON", "2021-05-25", "violation"),
            row("YMD-SLASH", "2021-05-25", "violation"),
            row("YMD-DOT", "2021-05-24", "review"),
            row("DMY-SLASH", "2021-05-25", "violation"),
            row("MDY-SLASH", "2021-05-24", "review"),
            row("OLD", "2019-06-14", "review"),
            row("NEW", "2022-06-14", "violation"),
        ]
    );
    // Every form is read: no warning. ISO dates are left as written; the others keep the
    // written form among the finding's other columns, and the input's provenance says so.
    assert_eq!(r["warnings"]["count"], 0, "{}", r["warnings"]);
    let f = &r["findings"];
    assert_eq!(f[0]["extra"], serde_json::json!({}));
    assert_eq!(
        f[2]["extra"],
        serde_json::json!({"Installed as written": "24.05.2021"})
    );
    assert_eq!(
        f[7]["extra"],
        serde_json::json!({"Installed as written": "05/24/2021"})
    );
    let notes = r["inputs"][0]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().starts_with(
            "8 install dates not written as YYYY-MM-DD were read and shown as YYYY-MM-DD (column 'Installed': '24.05.2021' is 2021-05-24)"
        )),
        "{notes:?}"
    );
}

#[test]
fn an_iso_date_keeps_its_item_digest() {
    // The digest covers `installed`: an ISO date is not rewritten, so a baseline made before
    // dates were normalised still matches.
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\nA,Huawei,core,2022-06-14\nB,Huawei,core,2022-06-14 10:30\n",
    );
    let r = lt5g(&env, "inv.csv", &[]);
    assert_eq!(r["findings"][0]["installed"], "2022-06-14");
    assert_eq!(r["findings"][1]["installed"], "2022-06-14 10:30");
    env.file("base.json", serde_json::to_vec(&r).unwrap());
    let again = lt5g(&env, "inv.csv", &["--baseline", "base.json"]);
    assert!(again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["in_baseline"] == true));
}

#[test]
fn an_ambiguous_date_is_a_warning_until_date_format_decides() {
    let env = Env::new();
    // 05/06/2021: 5 June (after 2021-05-25: banned at once) or May 6 (before it).
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,Commissioned\nAMB,Huawei,core,05/06/2021\nSAME,Huawei,core,06/06/2021\n",
    );
    let r = lt5g(&env, "inv.csv", &[]);
    // Judged as unknown: a review (the transition applies), the value kept as written.
    assert_eq!(
        rows(&r),
        vec![
            row("AMB", "05/06/2021", "review"),
            row("SAME", "2021-06-06", "violation")
        ]
    );
    assert_eq!(
        warnings(&r),
        vec!["inv.csv:2: column 'Commissioned': install date '05/06/2021' is ambiguous: 2021-06-05 if the day is first, 2021-05-06 if the month is; it is judged as unknown until --date-format dmy|mdy|ymd says how the inventory writes dates (dmy: day first)".to_string()]
    );
    let out = env.run(&[
        "check",
        "inv.csv",
        "--policy",
        "lt-5g",
        "--as-of",
        "2025-06-01",
    ]);
    assert!(
        out.stderr.contains(
            "warning: inv.csv:2: column 'Commissioned': install date '05/06/2021' is ambiguous"
        ),
        "{}",
        out.stderr
    );

    let dmy = lt5g(&env, "inv.csv", &["--date-format", "dmy"]);
    assert_eq!(rows(&dmy)[0], row("AMB", "2021-06-05", "violation"));
    assert_eq!(dmy["warnings"]["count"], 0);
    assert_eq!(
        dmy["findings"][0]["extra"],
        serde_json::json!({"Commissioned as written": "05/06/2021"})
    );
    let mdy = lt5g(&env, "inv.csv", &["--date-format", "mdy"]);
    assert_eq!(rows(&mdy)[0], row("AMB", "2021-05-06", "review"));
    assert_eq!(mdy["warnings"]["count"], 0);

    // A two-digit year is read only as --date-format says.
    env.file(
        "short.csv",
        "asset_id,vendor,domain,installed\nY,Huawei,core,21/06/05\n",
    );
    let r = lt5g(&env, "short.csv", &[]);
    assert_eq!(rows(&r), vec![row("Y", "21/06/05", "review")]);
    assert!(warnings(&r)[0].contains("has a two-digit year"), "{r}");
    let r = lt5g(&env, "short.csv", &["--date-format", "ymd"]);
    assert_eq!(rows(&r), vec![row("Y", "2021-06-05", "violation")]);
}

#[test]
fn a_bad_date_format_is_refused() {
    let env = Env::new();
    env.file("inv.csv", "vendor\nNokia\n");
    let out = env.run(&[
        "check",
        "inv.csv",
        "--as-of",
        "2025-06-01",
        "--date-format",
        "iso",
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("'iso' is not a date format; use dmy"),
        "{}",
        out.stderr
    );
}

#[test]
fn days_that_do_not_exist_and_words_are_warnings_kept_as_written() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,domain,installed\n\
         FEB31,Huawei,core,31.02.2022\n\
         LEAP,Huawei,core,29.02.2024\n\
         NOLEAP,Huawei,core,29.02.2023\n\
         WORDS,Huawei,core,last spring\n",
    );
    let r = lt5g(&env, "inv.csv", &[]);
    assert_eq!(
        rows(&r),
        vec![
            row("FEB31", "31.02.2022", "review"),
            row("LEAP", "2024-02-29", "violation"),
            row("NOLEAP", "29.02.2023", "review"),
            row("WORDS", "last spring", "review"),
        ]
    );
    assert_eq!(
        warnings(&r),
        vec![
            "inv.csv:2: column 'installed': install date '31.02.2022' is not a real calendar day; it is judged as unknown".to_string(),
            "inv.csv:4: column 'installed': install date '29.02.2023' is not a real calendar day; it is judged as unknown".to_string(),
            "inv.csv:5: column 'installed': install date 'last spring' is not a date tvcheck reads (YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY); it is judged as unknown".to_string(),
        ]
    );
    assert_eq!(r["status"], "complete");
}

#[test]
fn a_workbook_serial_day_number_is_read_as_its_date() {
    let env = Env::new();
    // 43630 is 2019-06-14 and 44726 is 2022-06-14 in the 1900 date system (a number cell whose
    // date format was lost); 2019 is more likely a year than a day number, kept as written.
    env.file(
        "inv.xlsx",
        xlsx(&[sheet(
            "Equipment",
            &[
                &["Asset ID", "Vendor", "Domain", "Installed"],
                &["OLD", "Huawei", "core", "43630"],
                &["NEW", "Huawei", "core", "44726"],
                &["YEAR", "Huawei", "core", "2019"],
                &["DOT", "Huawei", "core", "14.06.2022"],
            ],
        )]),
    );
    let r = lt5g(&env, "inv.xlsx", &[]);
    assert_eq!(
        rows(&r),
        vec![
            row("OLD", "2019-06-14", "review"),
            row("NEW", "2022-06-14", "violation"),
            row("YEAR", "2019", "review"),
            row("DOT", "2022-06-14", "violation"),
        ]
    );
    assert_eq!(
        r["findings"][0]["extra"],
        serde_json::json!({"Installed as written": "43630"})
    );
    assert_eq!(
        warnings(&r),
        vec!["inv.xlsx:Equipment!4: column 'Installed': install date '2019' is not a date tvcheck reads (YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY); it is judged as unknown".to_string()]
    );
}
