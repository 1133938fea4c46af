//! Reading inventories as they come: header synonyms, delimiters, BOMs, quoting, TOML, folders.

use crate::support::{verdicts, Env};

const AS_OF: &str = "2026-11-21";

fn check_json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", AS_OF, "--format", "json", "--all"]);
    env.run(&all).json()
}

#[test]
fn header_synonyms_in_any_case() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "Inventory ID,MANUFACTURER,Part Number,SN,Location,Network Domain,Qty,Country of Origin,Commissioned\n\
         X1,ZTE,ZXR10,S1,Vilnius,core,3,CN,2020-01-01\n",
    );
    let r = check_json(&env, &["inv.csv"]);
    let f = &r["findings"][0];
    assert_eq!(f["asset_id"], "X1");
    assert_eq!(f["vendor"], "ZTE");
    assert_eq!(f["model"], "ZXR10");
    assert_eq!(f["serial"], "S1");
    assert_eq!(f["site"], "Vilnius");
    assert_eq!(f["domain"], "core");
    assert_eq!(f["quantity"], 3);
    assert_eq!(f["extra"], serde_json::json!({}));
}

#[test]
fn explicit_column_mapping() {
    let env = Env::new();
    env.file("inv.csv", "Hersteller,Modell\nZTE,ZXR10\n");
    let r = check_json(
        &env,
        &[
            "inv.csv",
            "--column",
            "vendor=Hersteller",
            "--column",
            "model=modell",
        ],
    );
    assert_eq!(r["findings"][0]["vendor"], "ZTE");
    assert_eq!(r["findings"][0]["model"], "ZXR10");
    assert_eq!(r["findings"][0]["verdict"], "violation");
}

#[test]
fn semicolon_and_tab_delimiters_are_detected_and_bom_accepted() {
    let env = Env::new();
    env.file(
        "semi.csv",
        "\u{feff}vendor;model;site\nHuawei;\"BBU, 5900\";Vilnius\n",
    );
    let r = check_json(&env, &["semi.csv"]);
    assert_eq!(r["findings"][0]["vendor"], "Huawei");
    assert_eq!(r["findings"][0]["model"], "BBU, 5900");
    assert_eq!(r["findings"][0]["site"], "Vilnius");
    env.file("tab.tsv", "vendor\tmodel\nZTE\tF660\n");
    let r = check_json(&env, &["tab.tsv"]);
    assert_eq!(r["findings"][0]["model"], "F660");
    assert_eq!(r["inputs"][0]["format"], "csv");
}

#[test]
fn delimiter_can_be_forced() {
    let env = Env::new();
    // The header alone would suggest ',', but the data uses '|'.
    env.file("pipe.csv", "vendor|model\nZTE|F660\n");
    let r = check_json(&env, &["pipe.csv", "--delimiter", "|"]);
    assert_eq!(r["findings"][0]["vendor"], "ZTE");
    assert_eq!(r["findings"][0]["model"], "F660");
}

#[test]
fn quoted_fields_with_commas_newlines_and_quotes_keep_line_numbers() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "asset_id,vendor,model,notes\nA1,\"Huawei Technologies Co., Ltd.\",\"line one\nline two\",\"said \"\"hi\"\"\"\nA2,ZTE,F660,x\n",
    );
    let r = check_json(&env, &["inv.csv"]);
    assert_eq!(r["findings"][0]["line"], 2);
    assert_eq!(r["findings"][0]["model"], "line one\nline two");
    assert_eq!(r["findings"][0]["extra"]["notes"], "said \"hi\"");
    assert_eq!(r["findings"][0]["match"], "name");
    // The record after the two-line record starts on physical line 4.
    assert_eq!(r["findings"][1]["line"], 4);
}

#[test]
fn blank_lines_and_blank_rows_are_skipped() {
    let env = Env::new();
    env.file("inv.csv", "vendor,model\n\nZTE,F660\n,\n\nNokia,X\n");
    let r = check_json(&env, &["inv.csv"]);
    assert_eq!(r["summary"]["items"], 2);
    assert_eq!(r["findings"][0]["line"], 3);
    assert_eq!(r["findings"][1]["line"], 6);
}

#[test]
fn crlf_line_ends_and_blank_lines_keep_physical_line_numbers() {
    let env = Env::new();
    env.file(
        "inv.csv",
        "vendor,model\r\n\r\nZTE,F660\r\n\r\n\r\nNokia,\"two\r\nlines\"\r\nHuawei,X\r\n",
    );
    let r = check_json(&env, &["inv.csv"]);
    let lines: Vec<u64> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 6, 8]);
}

#[test]
fn toml_inventory_lines_are_the_asset_headers() {
    let env = Env::new();
    env.file(
        "inv.toml",
        "# lab\n\n[[asset]]\nasset_id = \"L1\"\nvendor = \"Dahua Technology\"\nmodel = \"IPC-HFW1230S-S4\"\nquantity = 2\nrack = \"R1\"\ninstalled = 2020-09-01\n\n[[asset]]\nmanufacturer = \"Ericsson\"\nserial_number = 12345\n",
    );
    let r = check_json(&env, &["inv.toml"]);
    let f = &r["findings"];
    assert_eq!(f[0]["line"], 3);
    // Dahua's listings cover some purposes only, and none is stated.
    assert_eq!(f[0]["verdict"], "review");
    assert_eq!(f[0]["quantity"], 2);
    assert_eq!(f[0]["extra"], serde_json::json!({"rack": "R1"}));
    assert_eq!(f[1]["line"], 11);
    assert_eq!(f[1]["vendor"], "Ericsson");
    assert_eq!(f[1]["serial"], "12345");
    assert_eq!(r["inputs"][0]["format"], "toml");
}

#[test]
fn folders_are_walked_sorted_skipping_hidden_and_other_files() {
    let env = Env::new();
    env.file("ops/b-operator/inv.csv", "vendor\nZTE\n");
    env.file("ops/a-operator/z.toml", "[[asset]]\nvendor = \"Huawei\"\n");
    env.file("ops/a-operator/a.csv", "vendor\nNokia\n");
    env.file("ops/a-operator/readme.txt", "not an inventory");
    env.file("ops/.hidden/inv.csv", "vendor\nZTE\n");
    env.file("ops/a-operator/.secret.csv", "vendor\nZTE\n");
    let r = check_json(&env, &["ops"]);
    let paths: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "ops/a-operator/a.csv",
            "ops/a-operator/z.toml",
            "ops/b-operator/inv.csv"
        ]
    );
    let v = verdicts(&r);
    assert_eq!(v.iter().filter(|t| t.1 == "violation").count(), 2);
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_folders_are_not_followed() {
    let env = Env::new();
    env.file("ops/inv.csv", "vendor\nZTE\n");
    std::os::unix::fs::symlink(env.path("ops"), env.path("ops/loop")).unwrap();
    let r = check_json(&env, &["ops"]);
    assert_eq!(r["inputs"].as_array().unwrap().len(), 1);
}

#[test]
fn registry_from_env_variable() {
    let env = Env::new();
    env.file(
        "reg.toml",
        "[[vendor]]\nid = \"acme\"\nname = \"Acme Radio Ltd\"\ncountry = \"GB\"\n[[vendor.listing]]\nlist = \"test-list\"\nbasis = \"Test Act 2020\"\nlisted_on = 2020-01-01\n",
    );
    env.run(&["registry", "import", "reg.toml", "--db", "reg.db"])
        .code(0);
    env.file("inv.csv", "vendor\nACME RADIO LIMITED\nZTE\n");
    let out = env.run_env(
        &["check", "inv.csv", "--as-of", AS_OF, "--format", "json"],
        &[("TVCHECK_DB", "reg.db")],
    );
    out.code(1);
    let r = out.json();
    assert_eq!(r["registry"]["source"], "reg.db");
    let v = verdicts(&r);
    assert_eq!(v.len(), 1, "ZTE is unknown to this registry: {v:?}");
    assert_eq!(v[0].2, "acme");
}
