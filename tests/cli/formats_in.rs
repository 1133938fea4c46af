//! Inventories as they really arrive: workbooks (.xlsx, .ods, .xls), CycloneDX BOMs, JSON
//! arrays and JSON Lines, mislabelled files and folders of mixed formats.

use std::io::Write;

use crate::support::{repo, Env};

const AS_OF: &str = "2026-11-21";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(path)).unwrap()
}

fn check(env: &Env, args: &[&str]) -> crate::support::Out {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", AS_OF, "--format", "json"]);
    env.run(&all)
}

/// (line, asset_id, vendor, verdict) of every finding.
fn findings(r: &serde_json::Value) -> Vec<(u64, String, String, String)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["asset_id"].as_str().unwrap_or("").to_string(),
                f["vendor"].as_str().unwrap_or("").to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(line: u64, asset: &str, vendor: &str, verdict: &str) -> (u64, String, String, String) {
    (line, asset.into(), vendor.into(), verdict.into())
}

/// A minimal .xlsx (stored zip, inline strings; cells that parse as numbers are numbers).
fn tiny_xlsx(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut data = String::new();
    for (r, cells) in rows.iter().enumerate() {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in cells.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let col = (b'A' + c as u8) as char;
            if v.parse::<f64>().is_ok() {
                data.push_str(&format!("<c r=\"{col}{}\"><v>{v}</v></c>", r + 1));
            } else {
                data.push_str(&format!(
                    "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{v}</t></is></c>",
                    r + 1
                ));
            }
        }
        data.push_str("</row>");
    }
    let files = [
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string()),
        ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string()),
        ("xl/workbook.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"{sheet}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string()),
        ("xl/worksheets/sheet1.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{data}</sheetData></worksheet>")),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in files {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

// ---------------------------------------------------------------- workbooks

#[test]
fn xlsx_findings_point_to_the_sheet_row() {
    let env = Env::new();
    env.file("two-sheets.xlsx", fixture("workbooks/two-sheets.xlsx"));
    let out = check(&env, &["two-sheets.xlsx", "--all"]);
    // The cover sheet has rows but no header: not read, so the run is incomplete (exit 2).
    let r = out.code(2).json();
    // The hidden Lists sheet is read too; Cover (rows but no header row) is named as not read.
    assert_eq!(r["inputs"][0]["format"], "xlsx");
    assert_eq!(r["inputs"][0]["items"], 5);
    assert_eq!(
        findings(&r),
        vec![
            row(4, "C1", "Huawei", "violation"),
            row(5, "C2", "Ericsson", "ok"),
            row(7, "C3", "Hikvision", "review"),
            row(2, "", "Huawei", "violation"),
            row(3, "", "ZTE", "violation"),
        ]
    );
    assert_eq!(r["findings"][3]["sheet"], "Lists");
    assert_eq!(r["skipped_rows"]["count"], 1);
    assert!(r["skipped_rows"]["shown"][0]
        .as_str()
        .unwrap()
        .starts_with("two-sheets.xlsx: sheet 'Cover' was not read: it has no header row"));
    let huawei = &r["findings"][0];
    assert_eq!(huawei["file"], "two-sheets.xlsx");
    assert_eq!(huawei["serial"], "000123");
    assert_eq!(huawei["installed"], "2019-06-14");
    assert_eq!(huawei["quantity"], 2);
    assert_eq!(huawei["domain"], "core");
    assert_eq!(r["findings"][2]["serial"], "2102311");
    assert_eq!(
        r["findings"][2]["extra"]["Notes"],
        "serial stored as a number"
    );
}

#[test]
fn ods_and_xls_read_like_xlsx() {
    for (name, format) in [("two-sheets.ods", "ods"), ("two-sheets.xls", "xls")] {
        let env = Env::new();
        env.file(name, fixture(&format!("workbooks/{name}")));
        // The cover sheet has rows but no header: not read, so the run is incomplete (exit 2).
        let r = check(&env, &[name]).code(2).json();
        assert_eq!(r["inputs"][0]["format"], format, "{name}");
        assert_eq!(
            findings(&r),
            vec![
                row(4, "C1", "Huawei", "violation"),
                row(7, "C3", "Hikvision", "review"),
                row(2, "", "Huawei", "violation"),
                row(3, "", "ZTE", "violation"),
            ],
            "{name}"
        );
        assert_eq!(r["findings"][0]["serial"], "000123", "{name}");
        assert_eq!(r["findings"][0]["installed"], "2019-06-14", "{name}");
    }
}

#[test]
fn workbooks_made_from_csv_keep_text_serials_dates_and_whole_numbers() {
    for ext in ["xlsx", "ods", "xls"] {
        let env = Env::new();
        let name = format!("inventory.{ext}");
        env.file(&name, fixture(&format!("workbooks/{name}")));
        let r = check(&env, &[&name]).code(1).json();
        assert_eq!(
            findings(&r),
            vec![
                row(2, "P1", "Huawei", "violation"),
                row(4, "P3", "Hikvision", "review"),
            ],
            "{name}"
        );
        let f = &r["findings"][0];
        assert_eq!(f["serial"], "000123", "{name}");
        assert_eq!(f["installed"], "2019-06-14", "{name}");
        assert_eq!(f["extra"]["Rack"], "12", "{name}");
    }
}

#[test]
fn ericsson_only_workbook_has_no_findings() {
    let env = Env::new();
    env.file(
        "ok.xlsx",
        tiny_xlsx(
            "Sheet1",
            &[
                &["Vendor", "Model"],
                &["Ericsson", "AIR 6449"],
                &["Nokia", "AirScale"],
            ],
        ),
    );
    let r = check(&env, &["ok.xlsx"]).code(0).json();
    assert_eq!(r["summary"]["items"], 2);
    assert_eq!(r["findings"], serde_json::json!([]));
}

#[test]
fn header_below_a_title_and_column_overrides_work_in_workbooks() {
    let env = Env::new();
    env.file(
        "inv.xlsx",
        tiny_xlsx(
            "Bestand",
            &[
                &["Netzinventar 2026"],
                &[],
                &["Hersteller", "Modell"],
                &["ZTE", "ZXR10"],
            ],
        ),
    );
    let r = check(&env, &["inv.xlsx", "--column", "vendor=Hersteller"])
        .code(1)
        .json();
    assert_eq!(findings(&r), vec![row(4, "", "ZTE", "violation")]);
}

#[test]
fn workbook_without_a_vendor_column_lists_its_sheets() {
    let env = Env::new();
    env.file("no-vendor.xlsx", fixture("workbooks/no-vendor.xlsx"));
    check(&env, &["no-vendor.xlsx"]).error(&[
        "error: no-vendor.xlsx: no sheet of the workbook has a header row with a vendor column in its first 20 rows; looked for a column named vendor, manufacturer, make, brand, supplier; the sheets are 'no-vendor' (first row 'Site', 'Equipment', 'Count') (hint: name the vendor column one of these (any case), map it with --column vendor=HEADER, or pick the sheet with --sheet NAME)",
    ]);
}

#[test]
fn bad_quantity_keeps_the_row_and_its_value() {
    let env = Env::new();
    env.file(
        "inv.xlsx",
        tiny_xlsx(
            "Site list",
            &[&["Vendor", "Qty"], &["ZTE", "2"], &["Huawei", "lots"]],
        ),
    );
    let r = check(&env, &["inv.xlsx"]).code(1).json();
    assert_eq!(r["findings"][1]["sheet"], "Site list");
    assert_eq!(r["findings"][1]["line"], 3);
    assert!(r["findings"][1]["quantity"].is_null());
    assert_eq!(r["findings"][1]["extra"]["Qty"], "lots");
}

#[test]
fn password_protected_workbook_is_a_clear_error() {
    let env = Env::new();
    env.file("locked.xlsx", fixture("workbooks/password.xlsx"));
    check(&env, &["locked.xlsx"]).error(&[
        "error: locked.xlsx: the workbook is password-protected (encrypted), so its cells cannot be read (hint: save an unprotected copy (remove the password to open) or export the inventory as CSV)",
    ]);
}

#[test]
fn damaged_workbooks_are_clear_errors() {
    let env = Env::new();
    let whole = fixture("workbooks/two-sheets.xlsx");
    env.file("cut.xlsx", &whole[..whole.len() / 2]);
    check(&env, &["cut.xlsx"]).error(&[
        "cut.xlsx: the workbook is damaged or cannot be read: not a readable zip archive",
        "(hint: open it in a spreadsheet program and save it again, or export the inventory as CSV)",
    ]);
    let whole = fixture("workbooks/two-sheets.xls");
    env.file("cut.xls", &whole[..700]);
    check(&env, &["cut.xls"]).error(&["cut.xls: the workbook is damaged or cannot be read: "]);
    env.file("empty.ods", "");
    check(&env, &["empty.ods"]).error(&["empty.ods: the file is empty (hint: "]);
}

#[test]
fn mislabelled_files_say_what_they_are() {
    let env = Env::new();
    env.file("inv.csv", fixture("workbooks/inventory.xlsx"));
    check(&env, &["inv.csv"]).error(&[
        "error: inv.csv: mislabelled file, not CSV text: the file is an Excel workbook (.xlsx) (hint: rename it to .xlsx (tvcheck reads workbooks), or pass --input-format xlsx)",
    ]);
    env.file("old.csv", fixture("workbooks/inventory.xls"));
    check(&env, &["old.csv"]).error(&[
        "old.csv: mislabelled file, not CSV text: the file is an Excel 97-2003 workbook (.xls)",
    ]);
    env.file("inv.json", fixture("workbooks/inventory.ods"));
    check(&env, &["inv.json"]).error(&[
        "inv.json: mislabelled file, not a JSON inventory: the file is an OpenDocument spreadsheet (.ods)",
    ]);
    env.file("text.xlsx", "vendor,model\nZTE,F660\n");
    check(&env, &["text.xlsx"]).error(&[
        "error: text.xlsx: mislabelled file, not an Excel workbook (.xlsx): the file is plain text (such as CSV) (hint: if it is CSV, rename it to .csv (or pass --input-format csv); otherwise open it in a spreadsheet program and save it as .xlsx)",
    ]);
    env.file(
        "web.xls",
        "<html><body><table><tr><td>Vendor</td></tr></table></body></html>",
    );
    check(&env, &["web.xls"]).error(&[
        "web.xls: mislabelled file, not an Excel 97-2003 workbook (.xls): the file is an HTML page",
    ]);
    // A workbook named with another workbook extension is read by its content.
    env.file("really-xlsx.xls", fixture("workbooks/two-sheets.xlsx"));
    // The cover sheet has rows but no header: not read, so the run is incomplete (exit 2).
    let r = check(&env, &["really-xlsx.xls"]).code(2).json();
    assert_eq!(r["summary"]["items"], 5);
}

// ---------------------------------------------------------------- CycloneDX

#[test]
fn cyclonedx_devices_and_nested_parts_are_found() {
    let env = Env::new();
    env.file("hbom.json", fixture("cyclonedx/hbom-1.6.json"));
    let r = check(&env, &["hbom.json", "--all"]).code(1).json();
    assert_eq!(r["inputs"][0]["format"], "cyclonedx");
    assert_eq!(
        findings(&r),
        vec![
            row(3, "radio-1", "Ericsson", "ok"),
            row(11, "switch-1", "Cisco", "ok"),
            row(11, "switch-1", "Hikvision", "review"),
            row(29, "router-1", "Huawei", "violation"),
            row(79, "cabinet", "Teltonika", "ok"),
        ]
    );
    let part = &r["findings"][2];
    assert_eq!(part["model"], "DS-2CD2143G2-I");
    assert_eq!(part["extra"]["part_of"], "Catalyst 9300 (bom-ref switch-1)");
    assert_eq!(part["extra"]["part_bom_ref"], "cam-module");
    assert_eq!(part["extra"]["part_line"], "14");
    let reason = part["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "component Catalyst 9300 (bom-ref switch-1) contains a part by 'Hikvision': "
        ),
        "{reason}"
    );
    let router = &r["findings"][3];
    assert_eq!(router["model"], "NetEngine 8000 M8");
    assert_eq!(router["quantity"], 2);
    assert_eq!(router["domain"], "core");
    assert_eq!(router["country"], "CN");
    assert_eq!(router["extra"]["version"], "V800R022");
    assert_eq!(router["extra"]["supplier"], "Huawei Technologies Co., Ltd.");
}

#[test]
fn cyclonedx_1_5_uses_the_supplier() {
    let env = Env::new();
    env.file("hbom.cdx.json", fixture("cyclonedx/hbom-1.5.json"));
    let r = check(&env, &["hbom.cdx.json"]).code(1).json();
    assert_eq!(
        findings(&r),
        vec![
            row(11, "switch-1", "Hikvision", "review"),
            row(26, "router-1", "Huawei Technologies Co., Ltd.", "violation"),
        ]
    );
}

#[test]
fn official_cyclonedx_hbom_example_has_no_designated_parts() {
    let env = Env::new();
    env.file(
        "bom.json",
        fixture("cyclonedx/pcie-sata-adapter-board.json"),
    );
    let r = check(&env, &["bom.json", "--all"]).code(0).json();
    assert_eq!(r["inputs"][0]["format"], "cyclonedx");
    assert_eq!(r["summary"]["items"], 7);
    assert_eq!(r["summary"]["violations"], 0);
    let lines: Vec<u64> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![8, 17, 52, 90, 124, 158, 192]);
    assert_eq!(r["findings"][2]["vendor"], "Molex");
    assert_eq!(r["findings"][2]["quantity"], 8);
}

#[test]
fn software_only_bom_is_an_error_named_and_skipped_in_a_folder() {
    let env = Env::new();
    let sbom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "openssl"}]}"#;
    env.file("sbom.json", sbom);
    check(&env, &["sbom.json"]).error(&[
        "error: sbom.json: the CycloneDX 1.6 BOM lists 1 component but none of type device, so it describes no equipment (hint: tvcheck checks hardware: pass a BOM whose equipment has \"type\": \"device\")",
    ]);
    env.file("dir/sbom.json", sbom);
    env.file("dir/inv.csv", "vendor\nZTE\n");
    let r = check(&env, &["dir"]).code(1).json();
    assert_eq!(r["skipped"][0]["path"], "dir/sbom.json");
}

#[test]
fn malformed_cyclonedx_names_line_and_column() {
    let env = Env::new();
    env.file(
        "bad.json",
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"components\": [\n    {\"type\": \"device\" \"name\": \"x\"}\n  ]\n}\n",
    );
    check(&env, &["bad.json"]).error(&[
        "error: bad.json:4:23: invalid JSON: expected `,` or `}` (hint: check the JSON syntax here (a missing comma, quote or bracket?))",
    ]);
}

// ---------------------------------------------------------------- JSON and JSON Lines

#[test]
fn json_array_items_carry_the_line_of_their_object() {
    let env = Env::new();
    env.file(
        "inv.json",
        "[\n  {\"asset_id\": \"J1\", \"vendor\": \"Ericsson\", \"model\": \"AIR 6449\"},\n  {\n    \"asset_id\": \"J2\",\n    \"Manufacturer\": \"Hikvision\",\n    \"model\": \"DS-2CD2143G2-I\",\n    \"qty\": 3,\n    \"serial\": 1234,\n    \"owner\": \"security\"\n  }\n]\n",
    );
    // Hikvision's listings cover some purposes only; none is stated, so: review (exit 0).
    let r = check(&env, &["inv.json"]).code(0).json();
    assert_eq!(r["inputs"][0]["format"], "json");
    assert_eq!(findings(&r), vec![row(3, "J2", "Hikvision", "review")]);
    let f = &r["findings"][0];
    assert_eq!(f["quantity"], 3);
    assert_eq!(f["serial"], "1234");
    assert_eq!(f["extra"]["owner"], "security");
}

#[test]
fn json_errors_name_line_and_column() {
    let env = Env::new();
    env.file(
        "syntax.json",
        "[\n  {\"vendor\": \"ZTE\"},\n  {\"vendor\": \"ZTE\" \"model\": \"F660\"}\n]\n",
    );
    check(&env, &["syntax.json"]).error(&[
        "error: syntax.json:3:20: invalid JSON: expected `,` or `}` (hint: check the JSON syntax here (a missing comma, quote or bracket?))",
    ]);
    env.file(
        "types.json",
        "[\n  {\"vendor\": \"ZTE\",\n   \"model\": [\"F660\"]}\n]\n",
    );
    check(&env, &["types.json"]).error(&[
        "error: types.json:3:13: 'model' (the model field) must be a string or a number, not an array (hint: write it as \"model\": \"...\")",
    ]);
    env.file("qty.json", "[{\"vendor\": \"ZTE\", \"qty\": 2.5}]");
    let r = check(&env, &["qty.json"]).code(1).json();
    assert_eq!(r["findings"][0]["extra"]["qty"], "2.5");
    env.file("novendor.json", "[\n {\"model\": \"F660\"}\n]");
    check(&env, &["novendor.json"]).error(&[
        "error: novendor.json:2: no vendor key: the keys are 'model' (hint: name a column one of vendor, manufacturer, make, brand, supplier (any case), or map one with --column vendor=HEADER)",
    ]);
    env.file(
        "lines.json",
        "{\"vendor\": \"ZTE\"}\n{\"vendor\": \"Huawei\"}\n",
    );
    check(&env, &["lines.json"]).error(&[
        "error: lines.json:2:1: invalid JSON: trailing characters (hint: the file holds more than one JSON value: wrap the objects in [ ] separated by commas, or name the file .jsonl for one object per line)",
    ]);
    env.file("object.json", "{\"tool\": {\"name\": \"tvcheck\"}}");
    check(&env, &["object.json"])
        .error(&["object.json: a JSON object that is not an inventory (its keys are 'tool')"]);
}

#[test]
fn json_lines_are_streamed_with_their_lines() {
    let env = Env::new();
    env.file(
        "inv.jsonl",
        "{\"asset_id\": \"L1\", \"vendor\": \"Huawei\", \"model\": \"BBU5900\"}\n\n{\"asset_id\": \"L2\", \"vendor\": \"Ericsson\"}\r\n{\"asset_id\": \"L3\", \"brand\": \"Hikvision\", \"quantity\": \"2\"}\n",
    );
    let r = check(&env, &["inv.jsonl"]).code(1).json();
    assert_eq!(r["inputs"][0]["format"], "jsonl");
    assert_eq!(
        findings(&r),
        vec![
            row(1, "L1", "Huawei", "violation"),
            row(4, "L3", "Hikvision", "review"),
        ]
    );
    env.file("inv.ndjson", "{\"vendor\": \"Ericsson\"}\n");
    check(&env, &["inv.ndjson"]).code(0);
}

#[test]
fn json_lines_errors_name_line_and_column() {
    let env = Env::new();
    env.file(
        "bad.jsonl",
        "{\"vendor\": \"Ericsson\"}\n{\"vendor\": \"ZTE\", \"model\" \"F660\"}\n",
    );
    check(&env, &["bad.jsonl"]).error(&[
        "error: bad.jsonl:2:27: invalid JSON: expected `:` (hint: check the JSON syntax here (a missing comma, quote or bracket?))",
    ]);
    env.file(
        "split.jsonl",
        "{\"vendor\": \"ZTE\",\n \"model\": \"F660\"}\n",
    );
    check(&env, &["split.jsonl"]).error(&[
        "error: split.jsonl:1:18: invalid JSON: EOF while parsing a value (hint: in JSON Lines every object must be complete on its own line; for objects spread over several lines use a .json file holding an array)",
    ]);
    env.file("array.jsonl", "[{\"vendor\": \"ZTE\"}]\n");
    check(&env, &["array.jsonl"])
        .error(&["error: array.jsonl:1:1: the line holds an array, not an item object"]);
}

// ---------------------------------------------------------------- folders

#[test]
fn folders_are_walked_for_every_format() {
    let env = Env::new();
    env.file("ops/a.csv", "vendor,model\nEricsson,AIR 6449\n");
    env.file("ops/b.xlsx", fixture("workbooks/inventory.xlsx"));
    env.file("ops/c.ods", fixture("workbooks/two-sheets.ods"));
    env.file("ops/d.json", "[{\"vendor\": \"ZTE\"}]");
    env.file("ops/e.jsonl", "{\"vendor\": \"Nokia\"}\n");
    env.file("ops/f.cdx.json", fixture("cyclonedx/hbom-1.6.json"));
    env.file("ops/g.xls", fixture("workbooks/inventory.xls"));
    // An office lock file, and an earlier JSON report: neither is an inventory.
    env.file("ops/~$b.xlsx", [0u8, 1, 2]);
    env.file(
        "ops/report.json",
        "{\"tool\": {\"name\": \"tvcheck\"}, \"findings\": []}",
    );
    // The cover sheet has rows but no header: not read, so the run is incomplete (exit 2).
    let r = check(&env, &["ops"]).code(2).json();
    let inputs: Vec<(String, String)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                i["format"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("ops/a.csv", "csv"),
        ("ops/b.xlsx", "xlsx"),
        ("ops/c.ods", "ods"),
        ("ops/d.json", "json"),
        ("ops/e.jsonl", "jsonl"),
        ("ops/f.cdx.json", "cyclonedx"),
        ("ops/g.xls", "xls"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(inputs, want);
    assert_eq!(r["skipped"][0]["path"], "ops/report.json");
    env.file("empty/notes.txt", "x");
    check(&env, &["empty"]).error(&[
        "error: empty: the folder holds no inventory files (.csv, .tsv, .toml, .json, .jsonl, .ndjson, .xlsx, .xlsm, .xls, .ods or .xml (nmap))",
    ]);
}

#[test]
fn sheet_and_input_format_options_on_the_command_line() {
    let env = Env::new();
    env.file("two.xlsx", fixture("workbooks/two-sheets.xlsx"));
    let all = check(&env, &["two.xlsx", "--sheet", "Equipment"]).json();
    let sheets: Vec<&str> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["sheet"].as_str().unwrap())
        .collect();
    assert!(
        !sheets.is_empty() && sheets.iter().all(|s| *s == "Equipment"),
        "{sheets:?}"
    );
    assert_eq!(all["skipped_rows"]["count"], 0);
    check(&env, &["two.xlsx", "--sheet", "Cover"]).error(&["two.xlsx"]);
    let table = env.run(&["check", "two.xlsx", "--as-of", AS_OF]);
    assert!(
        table.stdout.contains("two.xlsx:Equipment!"),
        "{}",
        table.stdout
    );
    // A CSV saved without an extension, read with --input-format.
    env.file("inventory-export", "vendor,model\nZTE,F660\n");
    check(&env, &["inventory-export"]).error(&["inventory-export: unsupported inventory format"]);
    let r = check(&env, &["inventory-export", "--input-format", "csv"])
        .code(1)
        .json();
    assert_eq!(r["inputs"][0]["format"], "csv");
    assert_eq!(r["findings"][0]["vendor"], "ZTE");
    env.run(&["check", "inventory-export", "--input-format", "pdf"])
        .code(2);
}
