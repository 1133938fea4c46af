//! CSV and TOML inventories fail closed (issue 14, parts 2, 3 and 8): legacy encodings are
//! decoded (detected or `--encoding`), UTF-16 too; a quantity that is not a whole number keeps
//! its row; a header row repeated mid-file is recognised; an oversized field is an unread part
//! named by file and line, and costs no memory to speak of.

use crate::support::Env;

const AS_OF: &str = "2026-11-21";

fn run_json(env: &Env, args: &[&str]) -> crate::support::Out {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", AS_OF, "--format", "json", "--all"]);
    env.run(&all)
}

/// The findings as (line, vendor, verdict).
fn judged(r: &serde_json::Value) -> Vec<(u64, String, String)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["vendor"].as_str().unwrap().to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The input's encoding and notes in the report, once the pipeline reports them
/// (`inputs[].encoding`, `inputs[].notes`: added by the pipeline change; until then the
/// readers' provenance is tested in `src/inventory`).
fn assert_provenance(r: &serde_json::Value, encoding: &str, note: &str) {
    let input = &r["inputs"][0];
    if let Some(e) = input.get("encoding") {
        assert_eq!(e, encoding, "{input}");
        let notes = input["notes"].to_string();
        assert!(notes.contains(note), "{notes}");
    }
}

fn cp1257(text: &str) -> Vec<u8> {
    // Windows-1257 (Baltic): Š = 0xD0, ų = 0xF8, ė = 0xEB, ž = 0xFE, Ž = 0xDE.
    text.chars()
        .map(|c| match c {
            'Š' => 0xD0,
            'ų' => 0xF8,
            'ė' => 0xEB,
            'ž' => 0xFE,
            'Ž' => 0xDE,
            c if c.is_ascii() => c as u8,
            c => panic!("no {c} in this table"),
        })
        .collect()
}

const BALTIC: &str = "asset_id,vendor,model,site\nA1,Nokia,AirScale,Kėdainių g. 3\nA2,Huawei,BBU5900,Šiaulių g. 5\nA3,Ericsson,AIR 6449,Žiežmariai\n";

#[test]
fn windows_1257_is_detected_and_the_huawei_row_judged() {
    let env = Env::new();
    env.file("lt.csv", cp1257(BALTIC));
    let out = run_json(&env, &["lt.csv"]);
    out.code(1);
    let r = out.json();
    let f = &r["findings"];
    assert_eq!(f[1]["vendor"], "Huawei");
    assert_eq!(f[1]["verdict"], "violation");
    assert_eq!(f[1]["site"], "Šiaulių g. 5");
    assert_eq!(f[0]["site"], "Kėdainių g. 3");
    assert_eq!(r["skipped_rows"]["count"], 0);
    assert_provenance(&r, "windows-1257", "detected");
    // The digest is of the file's own bytes.
    let want = sha256_of(&cp1257(BALTIC));
    assert_eq!(r["inputs"][0]["sha256"], want);
}

fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn windows_1257_given_with_encoding() {
    let env = Env::new();
    // Too little text for a guess to be sure: the label decides.
    env.file("lt.csv", cp1257("vendor,site\nHuawei,Šiauliai\n"));
    let out = run_json(&env, &["lt.csv", "--encoding", "windows-1257"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][0]["site"], "Šiauliai");
    assert_eq!(r["findings"][0]["verdict"], "violation");
    assert_provenance(&r, "windows-1257", "given with --encoding");
    // Labels are WHATWG's, in any case; unknown ones are a usage error listing examples.
    run_json(&env, &["lt.csv", "--encoding", "CP1257"]).code(1);
    let out = env.run(&["check", "lt.csv", "--encoding", "baltic-ish"]);
    out.code(2);
    assert!(
        out.stderr.contains("'baltic-ish' is not an encoding label")
            && out.stderr.contains("windows-1257"),
        "{}",
        out.stderr
    );
}

#[test]
fn latin1_is_decoded() {
    let env = Env::new();
    // ISO-8859-1 bytes: ü = 0xFC, ß = 0xDF, ö = 0xF6.
    env.file(
        "de.csv",
        b"vendor;model;site\nHuawei;BBU;M\xfcnchen, Stra\xdfe 1\nNokia;X;K\xf6ln\n".as_slice(),
    );
    let out = run_json(&env, &["de.csv"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][0]["site"], "München, Straße 1");
    assert_eq!(r["findings"][0]["verdict"], "violation");
    assert_eq!(r["findings"][1]["site"], "Köln");
    assert_provenance(&r, "windows-1252", "detected");
    let out = run_json(&env, &["de.csv", "--encoding", "latin1"]);
    out.code(1);
    assert_eq!(out.json()["findings"][0]["site"], "München, Straße 1");
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
}

#[test]
fn utf16_with_and_without_bom_is_decoded() {
    let env = Env::new();
    let text = "vendor\tmodel\tsite\r\nNokia\tA\tVilnius\r\n\r\nHuawei\tBBU\tŠiauliai\r\n";
    env.file("bom.csv", utf16le(text, true));
    let out = run_json(&env, &["bom.csv"]);
    out.code(1);
    let r = out.json();
    assert_eq!(
        judged(&r),
        [
            (2, "Nokia".to_string(), "ok".to_string()),
            (4, "Huawei".to_string(), "violation".to_string())
        ]
    );
    assert_eq!(r["findings"][1]["site"], "Šiauliai");
    assert_provenance(&r, "UTF-16LE", "byte-order mark");
    env.file("nobom.csv", utf16le(text, false));
    let out = run_json(&env, &["nobom.csv"]);
    out.code(1);
    assert_provenance(&out.json(), "UTF-16LE", "detected");
    // A lone surrogate is not UTF-16: its row is an unread part, named by line and column.
    let mut bad = utf16le("vendor,model\r\nNokia,A\r\nHuawei,", true);
    bad.extend_from_slice(&0xD800u16.to_le_bytes());
    bad.extend(utf16le("\r\nZTE,F660\r\n", false));
    env.file("bad16.csv", bad);
    let out = env.run(&["check", "bad16.csv", "--as-of", AS_OF]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    out.skipped(&[
        "bad16.csv:3: this row holds bytes that are not valid UTF-16LE (column 'model', field 2)",
        "--encoding",
    ]);
}

#[test]
fn toml_in_legacy_encodings_and_utf16() {
    let env = Env::new();
    let text = "[[asset]]\nvendor = \"Nokia\"\nsite = \"Kėdainiai\"\n\n[[asset]]\nvendor = \"Huawei\"\nsite = \"Šiauliai\"\n";
    env.file("lt.toml", cp1257(text));
    let out = run_json(&env, &["lt.toml", "--encoding", "windows-1257"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][1]["site"], "Šiauliai");
    assert_eq!(r["findings"][1]["line"], 5);
    assert_provenance(&r, "windows-1257", "given");
    env.file("u16.toml", utf16le(text, true));
    let out = run_json(&env, &["u16.toml"]);
    out.code(1);
    assert_eq!(out.json()["findings"][1]["site"], "Šiauliai");
}

#[test]
fn a_quantity_that_is_not_a_whole_number_keeps_the_huawei_row() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,Qty,owner\nA1,Huawei,2 pcs,x\nA2,Huawei,N/A,\nA3,Huawei,\"1,000\",z\nA4,Huawei,1.5,w\nA5,Nokia,4,v\n",
    );
    let out = run_json(&env, &["inv.csv"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["skipped_rows"]["count"], 0);
    let f = r["findings"].as_array().unwrap();
    let raw = ["2 pcs", "N/A", "1,000", "1.5"];
    for (i, q) in raw.iter().enumerate() {
        assert_eq!(f[i]["vendor"], "Huawei");
        assert_eq!(f[i]["verdict"], "violation");
        assert_eq!(f[i]["line"], i as u64 + 2);
        assert!(f[i]["quantity"].is_null());
        // The raw value is carried under the column's header, in file order.
        assert_eq!(f[i]["extra"]["Qty"], *q);
    }
    assert_eq!(f[0]["extra"]["owner"], "x");
    assert_eq!(f[4]["quantity"], 4);
    // warnings in the report: added by the pipeline change. Once there, each names
    // file:line and the column.
    if let Some(shown) = r["warnings"]["shown"].as_array() {
        let all = serde_json::Value::Array(shown.clone()).to_string();
        assert!(all.contains("inv.csv:2"), "{all}");
        assert!(
            all.contains("column 'Qty': quantity '2 pcs' is not a whole number"),
            "{all}"
        );
    }
    // TOML: the same.
    env.file(
        "inv.toml",
        "[[asset]]\nvendor = \"Huawei\"\nquantity = 1.5\n\n[[asset]]\nvendor = \"ZTE\"\nqty = \"2 pcs\"\n",
    );
    let out = run_json(&env, &["inv.toml"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["findings"][0]["verdict"], "violation");
    assert_eq!(r["findings"][0]["extra"]["quantity"], "1.5");
    assert_eq!(r["findings"][1]["extra"]["qty"], "2 pcs");
}

#[test]
fn concatenated_exports_with_the_header_repeated_in_another_order() {
    let env = Env::new();
    env.file(
        "all.csv",
        "vendor,model,site\nNokia,AirScale,Vilnius\nvendor,model,site\nHuawei,BBU5900,Kaunas\n\
         Site,Model,Manufacturer,Rack\nRiga,ATN 910,Huawei Technologies Co.,R1\nTallinn,F660,Nokia,R2\n",
    );
    let out = run_json(&env, &["all.csv"]);
    out.code(1);
    let r = out.json();
    assert_eq!(r["skipped_rows"]["count"], 0);
    let f = r["findings"].as_array().unwrap();
    assert_eq!(f.len(), 4, "{f:?}");
    assert_eq!(
        (
            &f[1]["line"],
            &f[1]["vendor"],
            &f[1]["model"],
            &f[1]["site"]
        ),
        (
            &serde_json::json!(4),
            &serde_json::json!("Huawei"),
            &serde_json::json!("BBU5900"),
            &serde_json::json!("Kaunas")
        )
    );
    assert_eq!(f[1]["verdict"], "violation");
    assert_eq!(f[2]["line"], 6);
    assert_eq!(f[2]["vendor"], "Huawei Technologies Co.");
    assert_eq!(f[2]["model"], "ATN 910");
    assert_eq!(f[2]["site"], "Riga");
    assert_eq!(f[2]["extra"]["Rack"], "R1");
    assert_eq!(f[2]["verdict"], "violation");
    assert_eq!(f[3]["vendor"], "Nokia");
    assert_provenance(
        &r,
        "UTF-8",
        "header row repeated at line 5 with other columns",
    );
    // A repeated header that cannot be mapped is an error at its line, not data.
    env.file(
        "amb.csv",
        "vendor,model\nNokia,A\nvendor,manufacturer,model\nZTE,Huawei,X\n",
    );
    env.run(&["check", "amb.csv", "--as-of", AS_OF]).error(&[
        "amb.csv:3: this row repeats the header with other columns",
        "'vendor' and 'manufacturer'",
        "--column vendor=HEADER",
    ]);
}

#[test]
fn a_50_mb_field_is_an_unread_part_named_by_line_and_column() {
    let env = Env::new();
    let mut bytes = b"vendor,model,notes\nNokia,A,ok\nZTE,X,\"".to_vec();
    bytes.resize(bytes.len() + 50_000_000, b'a');
    bytes.extend_from_slice(b"\"\nHuawei,BBU,z\n");
    env.file("big.csv", bytes);
    let out = run_json(&env, &["big.csv"]);
    // Peak memory stays bounded (measured by hand: about 43 MB with a release build).
    assert_ne!(out.code, 0);
    let r = out.json();
    let shown = r["skipped_rows"]["shown"].to_string();
    assert!(
        shown.contains("big.csv:3: this record is longer than 4 MiB (column 'notes', field 3)"),
        "{shown}"
    );
    // The rows after it are read.
    assert_eq!(
        judged(&r),
        [
            (2, "Nokia".to_string(), "ok".to_string()),
            (4, "Huawei".to_string(), "violation".to_string())
        ]
    );
    // A field over 1 MiB in a record under 4 MiB: the same, by its column.
    let mut bytes = b"vendor,model\nHuawei,".to_vec();
    bytes.resize(bytes.len() + 2_000_000, b'm');
    bytes.extend_from_slice(b"\nZTE,F660\n");
    env.file("long.csv", bytes);
    let out = env.run(&["check", "long.csv", "--as-of", AS_OF]);
    assert_ne!(out.code, 0);
    out.skipped(&["long.csv:2: column 'model', field 2 is longer than 1 MiB"]);
}

#[test]
fn ragged_and_mixed_delimiter_rows_name_file_and_line() {
    let env = Env::new();
    env.file(
        "semi.csv",
        "vendor;model;site\nNokia;A;Vilnius\nHuawei,BBU,Kaunas\nZTE;F660;Riga\n",
    );
    let out = env.run(&["check", "semi.csv", "--as-of", AS_OF]);
    assert_ne!(out.code, 0);
    out.skipped(&[
        "semi.csv:3: this row has 1 fields but the header has 3 (ragged row): it was not read",
        "hint: quote values that contain the delimiter",
    ]);
}
