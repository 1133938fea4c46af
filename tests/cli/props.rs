//! Property tests (proptest): name normalisation, the CSV and TOML inventory readers on
//! arbitrary bytes, a CSV round trip with physical line numbers, dates, and the registry's
//! CSV export round trip.
//!
//! Cases are few (at most 256 per property) and the seed is fixed, so the file runs in a few
//! seconds and gives the same cases on every run; set `PROPTEST_RNG_SEED=N` to explore others
//! and `PROPTEST_CASES=N` for more. The fuzz targets in `fuzz/` explore the same code for
//! longer (see CONTRIBUTING.md).

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use tvcheck::date::DateError;
use tvcheck::inventory::{discover, ReadOptions, Reader};
use tvcheck::matcher::normalize::normalize;
use tvcheck::{Date, ErrorKind, Item};

use crate::support::Env;

/// `cases` cases from a fixed seed, unless `PROPTEST_RNG_SEED` names another. No failure
/// files are written: a failure prints its minimal input.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(0x0074_7663_6865_636b);
    }
    c
}

/// Pieces that exercise normalisation: legal forms, dotted acronyms, camel case,
/// full-width and accented letters, CJK legal suffixes, Cyrillic, punctuation and spaces.
const NAME_PIECES: &[&str] = &[
    "Huawei",
    "ZTE",
    "Z.T.E.",
    "Co.",
    "Ltd",
    "GmbH",
    "KGaA",
    "S.A.",
    "s.r.o.",
    "Oyj",
    "UAB",
    "ООО",
    "АО",
    "«",
    "»",
    "有限公司",
    "股份有限公司",
    "公司",
    "华为",
    "株式会社",
    "주식회사",
    "ＨＵＡＷＥＩ",
    "Škoda",
    "Telefónica",
    "İ",
    "ǅ",
    "ß",
    "ﬁ",
    "HuaweiTe",
    "DahuaTech",
    " ",
    "  ",
    "\t",
    "\u{a0}",
    "\u{3000}",
    ".",
    ",",
    "-",
    "_",
    "(",
    ")",
    "&",
    "'",
    "\u{301}",
    "a",
    "B",
    "7",
];

/// CJK legal-form suffixes, written without spaces after a name.
const CJK_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "公司",
];

/// Strings made of normalisation pieces, CJK names with legal suffixes, or any string.
fn names() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(NAME_PIECES), 0..8).prop_map(|v| v.concat()),
        (
            "[a-zA-Z华为中兴 ]{0,3}",
            prop::collection::vec(prop::sample::select(CJK_SUFFIXES), 0..3),
        )
            .prop_map(|(name, suffixes)| name + &suffixes.concat()),
        any::<String>(),
    ]
}

/// Bytes that look like CSV: delimiters, quotes, line ends, letters, digits and now and
/// then any byte, after one of a few headers.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let head = prop::sample::select(vec![
        &b""[..],
        b"vendor,model,quantity\n",
        b"vendor;model;qty\r\n",
        b"\xef\xbb\xbfManufacturer\tPart Number\tSerial\n",
        b"\"vendor\",\"model\"\n",
        b"model,serial\n",
    ]);
    let byte = prop_oneof![
        4 => prop::sample::select(b",;\t\"\n\r  ".to_vec()),
        4 => b'a'..=b'z',
        1 => b'0'..=b'9',
        1 => any::<u8>(),
    ];
    (head, prop::collection::vec(byte, 0..160)).prop_map(|(h, body)| [h, &body[..]].concat())
}

/// Bytes that look like a TOML inventory.
fn toml_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        &b"[[asset]]\n"[..],
        b"[asset]\n",
        b"vendor = \"ZTE\"\n",
        b"model = 'F660'\n",
        b"quantity = 2\n",
        b"qty = \"1_000\"\n",
        b"quantity = -1\n",
        b"installed = 2020-01-01\n",
        b"asset_id = 7\n",
        b"owner = [1, 2]\n",
        b"\"we\\nird\" = {}\n",
        b"asset = [{vendor = \"Nokia\"}]\n",
        b"vendor = 42\n",
        b"\"",
        b"=",
        b"\n",
        b"\xff",
        b"#",
    ]);
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// Pieces of registry text that a CSV must carry: the multi-value separator and its escape,
/// formula characters and the apostrophe that protects them, quotes, commas, line ends,
/// tabs, non-breaking and other spaces, non-ASCII letters and glob characters.
const REGISTRY_PIECES: &[&str] = &[
    "a", "Z", "7", " ", "  ", "|", "||", "\\", "\\|", "'", "=", "+", "-", "@", "\"", ",", "\n",
    "\r\n", "\r", "\t", "\u{a0}", "é", "华", "#", "*", "?",
];

/// Registry text made of [`REGISTRY_PIECES`], possibly blank.
fn registry_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(REGISTRY_PIECES), 0..7).prop_map(|v| v.concat())
}

/// Registry text that is not blank.
fn registry_word() -> impl Strategy<Value = String> {
    (registry_text(), registry_text()).prop_map(|(a, b)| format!("{a}x{b}"))
}

/// Line ends in `bytes` as tvcheck counts them: LF, CRLF (once) and a lone CR.
fn line_ends(bytes: &[u8]) -> u64 {
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'\n' || lone_cr(i))
        .count() as u64
}

/// An error, as the CLI prints it, must fit on one line; one that reports several problems of
/// a file is one line per problem, then their count.
fn assert_one_line(e: &tvcheck::Error) {
    let problems = e.problems();
    let mut shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if problems.is_empty() {
        shown.push(e.to_string());
    } else {
        assert_eq!(e.to_string().split('\n').count(), problems.len() + 1, "{e}");
    }
    for s in shown {
        assert!(
            !s.contains('\n') && !s.contains('\r'),
            "error is not one line: {s:?}"
        );
    }
}

/// Reads a file through the library as `tvcheck check` does: to the end, going on after a
/// malformed row, stopping at any other error. Checks that errors are one line, that every
/// present field is trimmed and non-empty, and that reading ends. Returns the items and the
/// number of rows skipped.
fn read_all(path: &Path) -> Result<(Vec<Item>, usize), tvcheck::Error> {
    let size = std::fs::metadata(path).unwrap().len() as usize;
    let inputs = discover(&[path.to_path_buf()])?;
    let mut reader = Reader::open(&inputs[0], &ReadOptions::default())?;
    let mut items = Vec::new();
    let mut skipped = 0;
    loop {
        match reader.next_item() {
            Ok(Some(item)) => {
                assert_eq!(item.vendor.trim(), item.vendor);
                for v in [&item.model, &item.serial, &item.asset_id]
                    .into_iter()
                    .flatten()
                {
                    assert!(!v.is_empty() && v.trim() == v, "field {v:?}");
                }
                items.push(item);
            }
            Ok(None) => return Ok((items, skipped)),
            Err(e) if e.kind == ErrorKind::Row => {
                assert_one_line(&e);
                skipped += 1;
            }
            Err(e) => return Err(e),
        }
        assert!(items.len() + skipped <= size, "more records than bytes");
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn normalize_never_panics_and_is_idempotent(s in names()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone(), "normalize({:?}) = {:?}", s, once);
    }

    #[test]
    fn normalize_output_is_lowercase_and_single_spaced(s in names()) {
        let n = normalize(&s);
        prop_assert!(!n.bytes().any(|b| b.is_ascii_uppercase()), "{:?}", n);
        prop_assert_eq!(n.trim(), n.as_str());
        prop_assert!(!n.contains("  "), "{:?}", n);
        prop_assert!(!n.chars().any(|c| c.is_whitespace() && c != ' '), "{:?}", n);
    }

    #[test]
    fn date_parsing_never_panics(s in ".{0,14}|[0-9-]{8,12}|[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        match s.parse::<Date>() {
            Ok(d) => prop_assert_eq!(d.to_string(), s.trim()),
            Err(DateError::Format(t) | DateError::NoSuchDay(t)) => prop_assert_eq!(t, s),
        }
    }

    #[test]
    fn valid_dates_round_trip(y in 0i32..=9999, m in 1u8..=12, d in 1u8..=31) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        match Date::new(y, m, d) {
            Some(date) => {
                prop_assert_eq!(text.parse::<Date>(), Ok(date));
                prop_assert_eq!(date.to_string(), text.clone());
                prop_assert_eq!(format!(" {text}\n").parse::<Date>(), Ok(date));
                prop_assert_eq!(Date::from_days(date.to_days()), date);
                let next = Date::from_days(date.to_days() + 1);
                prop_assert!(next > date);
                prop_assert_eq!(date.days_until(next), 1);
            }
            None => {
                prop_assert!(d > 28, "{} refused", text);
                prop_assert_eq!(text.parse::<Date>(), Err(DateError::NoSuchDay(text.clone())));
            }
        }
    }

    #[test]
    fn days_round_trip(days in -3_000_000i64..3_000_000) {
        let date = Date::from_days(days);
        prop_assert_eq!(date.to_days(), days);
        prop_assert_eq!(Date::new(date.year(), date.month(), date.day()), Some(date));
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn csv_reader_never_panics_and_errors_are_one_line(bytes in csv_bytes()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inv.csv");
        std::fs::write(&path, &bytes).unwrap();
        let lines = line_ends(&bytes) + 1;
        match read_all(&path) {
            Ok((items, _)) => {
                let mut last = 1;
                for item in &items {
                    prop_assert!(item.line > last && item.line <= lines,
                        "item on line {} after line {}, file of {} lines", item.line, last, lines);
                    last = item.line;
                }
            }
            Err(e) => assert_one_line(&e),
        }
    }

    #[test]
    fn toml_reader_never_panics_and_errors_are_one_line(bytes in toml_bytes()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inv.toml");
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = read_all(&path) {
            assert_one_line(&e);
        }
    }

    #[test]
    fn csv_round_trip_keeps_trimmed_values_and_physical_lines(
        rows in prop::collection::vec(
            ("[ -~]{0,10}|[ a-zA-Z,;\"\t\n\r]{0,10}|[Š华ä \u{a0}]{0,4}", "[ -~]{0,10}", "[ -~\n]{0,6}"),
            0..8,
        ),
        delimiter in prop::sample::select(vec![b',', b';', b'\t']),
        crlf in any::<bool>(),
    ) {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        w.write_record(["vendor", "model", "serial"]).unwrap();
        w.flush().unwrap();
        let mut starts = Vec::new();
        for (vendor, model, serial) in &rows {
            starts.push(w.get_ref().len());
            w.write_record([vendor, model, serial]).unwrap();
            w.flush().unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inv.csv");
        std::fs::write(&path, &bytes).unwrap();

        let (items, skipped) = read_all(&path).unwrap();
        prop_assert_eq!(skipped, 0);
        let blank = |s: &str| s.bytes().all(|b| b.is_ascii_whitespace());
        let opt = |s: &str| Some(s.trim().to_string()).filter(|t| !t.is_empty());
        let want: Vec<(u64, String, Option<String>, Option<String>)> = rows
            .iter()
            .zip(&starts)
            .filter(|((v, m, s), _)| !(blank(v) && blank(m) && blank(s)))
            .map(|((v, m, s), &start)| {
                let line = 1 + line_ends(&bytes[..start]);
                (line, v.trim().to_string(), opt(m), opt(s))
            })
            .collect();
        let got: Vec<(u64, String, Option<String>, Option<String>)> = items
            .into_iter()
            .map(|i| (i.line, i.vendor, i.model, i.serial))
            .collect();
        prop_assert_eq!(got, want, "file: {:?}", String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Whatever survives a TOML export and import survives a CSV export and import with the
    /// same digest, and exporting the result again gives the same bytes.
    #[test]
    fn registry_csv_export_round_trips_what_toml_does(
        words in prop::collection::vec(registry_word(), 8),
        texts in prop::collection::vec(registry_text(), 6),
        many in prop::collection::vec(prop::collection::vec(registry_text(), 0..4), 4),
        weak in any::<bool>(),
        delisted in any::<bool>(),
    ) {
        use tvcheck::registry::export::{to_csv, to_toml};
        use tvcheck::registry::import::{merge_and_validate, parse_csv, parse_toml};
        use tvcheck::registry::{Confidence, ListDef, Listing, RegistryData, Scope, Vendor};
        let opt = |s: &String| Some(s.clone());
        let date = |y: i32| Date::new(y, 1, 1);
        let confidence = if weak { Confidence::Weak } else { Confidence::Confirmed };
        let b = Vendor {
            id: "b".into(),
            name: "B".into(),
            country: None,
            aliases: Vec::new(),
            model_patterns: Vec::new(),
            fcc_grantee_codes: Vec::new(),
            affiliates: Vec::new(),
            parent: None,
            parent_since: None,
            parent_until: None,
            confidence: Confidence::Confirmed,
            sources: Vec::new(),
            notes: None,
            listings: Vec::new(),
            retired_on: None,
            retired_reason: None,
        };
        let mut purposes = many[3].clone();
        purposes.push("p".into());
        let raw = RegistryData {
            lists: vec![ListDef {
                id: "l".into(),
                title: words[0].clone(),
                jurisdiction: "EU".into(),
                authority: opt(&texts[0]),
                basis: words[1].clone(),
                source: words[2].clone(),
                confidence,
                notes: opt(&texts[1]),
                binding: !weak,
                reaches_affiliates: weak,
            }],
            vendors: vec![
                Vendor {
                    id: "a".into(),
                    name: words[3].clone(),
                    aliases: many[0].clone(),
                    model_patterns: many[1].clone(),
                    fcc_grantee_codes: if weak { vec!["SS3".into(), "2ANDR".into()] } else { Vec::new() },
                    affiliates: if weak { vec!["b".into()] } else { Vec::new() },
                    parent: Some("b".into()),
                    parent_since: date(2019),
                    parent_until: date(2020),
                    confidence,
                    sources: many[2].clone(),
                    notes: opt(&texts[2]),
                    listings: vec![Listing {
                        list: "l".into(),
                        basis: opt(&texts[3]),
                        source: opt(&texts[4]),
                        listed_on: date(2021).unwrap(),
                        scope: Scope::PurposeLimited,
                        purposes,
                        confidence,
                        notes: opt(&texts[5]),
                        delisted_on: if delisted { date(2022) } else { None },
                        delisted_reason: delisted.then(|| words[4].clone()),
                    }],
                    retired_on: date(2024),
                    retired_reason: opt(&words[5]),
                    ..b.clone()
                },
                b,
            ],
        };
        let empty = RegistryData::default();
        let toml = to_toml(&raw);
        let data = parse_toml(Path::new("r.toml"), &toml).and_then(|f| merge_and_validate(&empty, &[f]));
        // Model patterns that are not globs are refused by either format.
        prop_assume!(data.is_ok());
        let data = data.unwrap();
        let csv = to_csv(&data).unwrap();
        let back = parse_csv(Path::new("r.csv"), &csv).and_then(|f| merge_and_validate(&empty, &[f]));
        let text = String::from_utf8_lossy(&csv).into_owned();
        prop_assert!(back.is_ok(), "{} in {}", back.unwrap_err(), text);
        let back = back.unwrap();
        prop_assert_eq!(back.digest(), data.digest(), "{}", text);
        prop_assert_eq!(to_csv(&back).unwrap(), csv);
    }
}

proptest! {
    // The real binary: slower, so only a few cases.
    #![proptest_config(config(12))]

    #[test]
    fn cli_check_on_arbitrary_csv_exits_cleanly(bytes in csv_bytes()) {
        let env = Env::new();
        env.file("inv.csv", &bytes);
        let out = env.run(&["check", "inv.csv", "--as-of", "2026-01-01", "--format", "json"]);
        match out.code {
            0 | 1 => {
                out.json();
            }
            // An incomplete run writes its report and names each part it could not read.
            2 if !out.stdout.is_empty() => {
                prop_assert_eq!(&out.json()["status"], "incomplete");
                prop_assert!(out.stderr.contains("inv.csv:"), "{}", out.stderr);
            }
            _ => {
                out.error(&["inv.csv"]);
            }
        }
    }
}

/// The reproducers that fuzzing saved under `fuzz/regressions/<target>/`, run through the
/// library code of their target: none may panic. (Add a reproducer together with its fix.)
#[test]
fn fuzz_regressions_do_not_panic() {
    let root = crate::support::repo().join("fuzz/regressions");
    let registry = tvcheck::Registry::embedded().unwrap();
    let matcher = tvcheck::matcher::Matcher::new(&registry.data).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue; // README.md
        }
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&target).unwrap() {
            let file = file.unwrap().path();
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let p = Path::new("regression");
            count += 1;
            match name.as_str() {
                "csv_inventory" | "toml_inventory" => {
                    let ext = if name == "csv_inventory" {
                        "csv"
                    } else {
                        "toml"
                    };
                    let copy = dir.path().join(format!("r{count}.{ext}"));
                    std::fs::write(&copy, &bytes).unwrap();
                    let _ = read_all(&copy);
                }
                "registry_import" => {
                    let files: Vec<_> = [
                        tvcheck::registry::import::parse_toml(p, &text).ok(),
                        tvcheck::registry::import::parse_csv(p, &bytes).ok(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    let empty = tvcheck::registry::RegistryData::default();
                    let _ = tvcheck::registry::import::merge_and_validate(&empty, &files);
                }
                "policy" => {
                    let _ = tvcheck::policy::parse_policy(p, &text, &registry, "regression");
                }
                "waivers" => {
                    let _ = tvcheck::policy::waiver::Waivers::parse(p, &text);
                }
                "normalize_match" => {
                    normalize(&normalize(&text));
                    matcher.match_item(&text, Some(&text));
                }
                other => panic!("fuzz/regressions/{other}: no such fuzz target"),
            }
        }
    }
    assert!(count > 0, "no reproducers found under {}", root.display());
}

/// Copies one of the saved reproducers into `dir` (to be read as an inventory).
fn regression(dir: &Path, target: &str, file: &str) -> std::path::PathBuf {
    let from = crate::support::repo()
        .join("fuzz/regressions")
        .join(target)
        .join(file);
    let path = dir.join(file);
    std::fs::copy(from, &path).unwrap();
    path
}

/// The first error (of a row or of the file) reading `path` gives.
fn first_error(path: &Path) -> Option<tvcheck::Error> {
    let inputs = discover(&[path.to_path_buf()]).unwrap();
    let mut reader = match Reader::open(&inputs[0], &ReadOptions::default()) {
        Ok(r) => r,
        Err(e) => return Some(e),
    };
    loop {
        match reader.next_item() {
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(e) => return Some(e),
        }
    }
}

/// Found by fuzzing: errors echoed a header, a value, a TOML key or a registry CSV column with
/// its line breaks, and printed on several lines.
#[test]
fn errors_that_echo_line_breaks_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (target, file) in [
        ("csv_inventory", "multiline-error-header.csv"),
        ("toml_inventory", "multiline-error-key.toml"),
    ] {
        let e = first_error(&regression(dir.path(), target, file)).unwrap();
        assert!(!e.to_string().contains('\n'), "{file}: {e}");
    }
    // A quantity that is not a whole number no longer makes an error: the row is kept, the
    // value carried as written (with its line break), and a warning names it.
    let path = regression(dir.path(), "csv_inventory", "multiline-error-quantity.csv");
    assert!(first_error(&path).is_none());
    let bytes = std::fs::read(
        crate::support::repo().join("fuzz/regressions/registry_import/multiline-error-column.csv"),
    )
    .unwrap();
    let e = tvcheck::registry::import::parse_csv(Path::new("r.csv"), &bytes).unwrap_err();
    // Every problem of the header is reported, each on one line, the column's line break
    // shown escaped.
    assert_one_line(&e);
    assert!(
        e.problems()
            .iter()
            .any(|p| p.to_string().contains("unknown column 'a\\nb'")),
        "{e}"
    );
}

/// Found by fuzzing: with lone-CR line ends (old Mac, Excel for Mac) every item was reported
/// on line 1.
#[test]
fn lone_cr_line_ends_count_as_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (items, _) = read_all(&regression(
        dir.path(),
        "csv_inventory",
        "cr-only-line-ends.csv",
    ))
    .unwrap();
    let lines: Vec<u64> = items.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![2]);
    let path = dir.path().join("mac.csv");
    std::fs::write(&path, "vendor,model\rHuawei,BBU\rZTE,F660\r").unwrap();
    let (items, _) = read_all(&path).unwrap();
    let lines: Vec<u64> = items.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![2, 3]);
    // Mixed line ends, and a quoted value holding a lone CR (a line break of its own).
    std::fs::write(
        &path,
        "vendor,model\r\nHuawei,\"a\rb\"\rZTE,F660\nNokia,\"c\r\nd\"\r\nCisco,x",
    )
    .unwrap();
    let (items, _) = read_all(&path).unwrap();
    let lines: Vec<u64> = items.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![2, 4, 5, 7]);
}

/// Found by fuzzing: every ragged row with a quoted line break rescanned the rest of the file
/// for an unclosed quote, so reading took quadratic time (100,000 such rows, 1.2 MB: 87 s).
/// 20,000 rows took 17 s in a debug build; linear reading takes well under a second.
#[test]
fn ragged_rows_with_line_breaks_are_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ragged.csv");
    let mut text = String::from("vendor,model\n");
    for _ in 0..20_000 {
        text.push_str("ZTE,\"x\ny\",z\n");
    }
    std::fs::write(&path, text).unwrap();
    let started = std::time::Instant::now();
    let (items, skipped) = read_all(&path).unwrap();
    assert_eq!((items.len(), skipped), (0, 20_000));
    let took = started.elapsed();
    assert!(took.as_secs() < 8, "reading took {took:?}");
}

/// Found by fuzzing: one CJK legal suffix was stripped per pass, so normalising again changed
/// the name (`a公司公司` → `a公司` → `a`; `股份有限公司股份有限公司` → `股份有限公司` → `股份`).
#[test]
fn normalize_is_idempotent_on_repeated_cjk_suffixes() {
    for s in [
        "a公司公司",
        "华为有限公司有限公司",
        "x株式会社公司",
        "et有限責任公司有限責任公司",
        "股份有限公司股份有限公司",
    ] {
        let once = normalize(s);
        assert_eq!(normalize(&once), once, "{s}");
    }
}
