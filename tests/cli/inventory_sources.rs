//! Inventories users already have: nmap XML scans (written by the real nmap), NetBox's device
//! CSV export and REST API device list, and standard input (`-`).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{check_report, repo, Env, Out};

const AS_OF: &str = "2026-11-21";

fn fixture(path: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures").join(path)).unwrap()
}

fn check(env: &Env, args: &[&str]) -> Out {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", AS_OF, "--format", "json"]);
    env.run(&all)
}

/// Runs `tvcheck check ARGS --as-of ... --format json` with `input` on standard input.
fn check_stdin(env: &Env, args: &[&str], input: &[u8]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tvcheck"))
        .current_dir(env.path(""))
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF, "--format", "json"])
        .env_remove("TVCHECK_DB")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The binary may refuse before reading all of it: a closed pipe is not a failure here.
    let _ = stdin.write_all(input);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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

fn t(line: u64, asset: &str, vendor: &str, verdict: &str) -> (u64, String, String, String) {
    (line, asset.into(), vendor.into(), verdict.into())
}

#[test]
fn nmap_scan_hosts_are_items_with_mac_and_vendor() {
    let env = Env::new();
    env.file("scan.xml", fixture("nmap/segment-veth.xml"));
    let out = check(&env, &["scan.xml"]);
    out.code(1);
    let r = out.json();
    assert_eq!(
        findings(&r),
        [
            t(13, "10.231.7.10", "Huawei Technologies", "violation"),
            t(20, "10.231.8.20", "zte", "violation"),
        ]
    );
    let input = &r["inputs"][0];
    assert_eq!(input["format"], "nmap");
    assert_eq!(input["items"], 3);
    assert_eq!(input["complete"], true);
    // The scanning host's own address has no MAC: read, counted, unidentified.
    assert_eq!(r["summary"]["unidentified"], 1);
    let notes = input["notes"].to_string();
    assert!(
        notes.contains("1 of 3 hosts without a MAC address"),
        "{notes}"
    );
}

#[test]
fn nmap_mac_alone_identifies_the_maker() {
    // nmap's own vendor guess taken out: the MAC address's IEEE block still names Huawei.
    let env = Env::new();
    let scan = fixture("nmap/segment-veth.xml")
        .replace(" vendor=\"Huawei Technologies\"", "")
        .replace(" vendor=\"zte\"", "");
    env.file("scan.xml", scan);
    let out = check(&env, &["--all", "scan.xml"]);
    let r = out.json();
    let huawei = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset_id"] == "10.231.7.10")
        .unwrap_or_else(|| panic!("no finding for the Huawei host: {}", out.stdout));
    assert_eq!(huawei["entry"], "huawei", "{huawei}");
    assert_eq!(huawei["verdict"], "violation", "{huawei}");
}

#[test]
fn nmap_os_match_is_the_model_and_hints_are_not_items() {
    let env = Env::new();
    env.file("os.xml", fixture("nmap/os-veth.xml"));
    let r = check(&env, &["os.xml"]).code(1).json();
    assert_eq!(r["inputs"][0]["items"], 1);
    let f = &r["findings"][0];
    assert_eq!(f["model"], "Linux 5.3 - 5.4");
    assert_eq!(f["category"], "general purpose");
    assert_eq!(f["line"], 15);
}

#[test]
fn nmap_loopback_scans_without_mac_are_read() {
    let env = Env::new();
    env.file("ping.xml", fixture("nmap/ping-localhost.xml"));
    env.file("sv.xml", fixture("nmap/services-localhost.xml"));
    let r = check(&env, &["ping.xml", "sv.xml"]).code(0).json();
    assert_eq!(r["summary"]["items"], 3);
    assert_eq!(r["summary"]["unidentified"], 3);
    assert!(r["inputs"][1]["notes"]
        .to_string()
        .contains("2 of 2 hosts without a MAC address"));
}

#[test]
fn malformed_or_cut_short_nmap_xml_is_an_error_at_its_place() {
    let env = Env::new();
    let real = fixture("nmap/segment-veth.xml");
    // Line 17 (the Huawei host's hostnames) closed with the wrong tag.
    let lines: Vec<&str> = real.lines().collect();
    assert_eq!(lines[16], "</hostnames>");
    let mut bad = lines.clone();
    bad[16] = "</hostname>";
    env.file("bad.xml", bad.join("\n"));
    check(&env, &["bad.xml"]).error(&["bad.xml:17:1: invalid XML"]);
    // Interrupted: no closing </nmaprun>.
    let cut = lines[..20].join("\n");
    env.file("cut.xml", cut);
    check(&env, &["cut.xml"]).error(&["cut.xml:", "cut short", "</nmaprun>"]);
    // XML of another kind named on the command line.
    env.file("other.xml", "<?xml version=\"1.0\"?>\n<svg/>\n");
    check(&env, &["other.xml"]).error(&["other.xml:2:1", "not an nmap scan"]);
    // An nmap scan under a .csv name is mislabelled.
    env.file("scan.csv", &real);
    check(&env, &["scan.csv"]).error(&["scan.csv", "an nmap XML scan", "--input-format nmap"]);
    // Forced, it is read.
    check(&env, &["--input-format", "nmap", "scan.csv"]).code(1);
}

#[test]
fn folders_read_nmap_scans_and_pass_over_other_xml() {
    let env = Env::new();
    env.file("net/scan.xml", fixture("nmap/segment-veth.xml"));
    env.file("net/pom.xml", "<project/>\n");
    let r = check(&env, &["net"]).code(1).json();
    assert_eq!(r["summary"]["items"], 3);
    assert!(
        r.to_string().contains("XML file that is not an nmap scan"),
        "{r}"
    );
}

#[test]
fn netbox_csv_export_maps_its_columns() {
    let env = Env::new();
    env.file("devices.csv", fixture("netbox/devices.csv"));
    let out = check(&env, &["--all", "devices.csv"]);
    let r = out.code(1).json();
    assert_eq!(
        findings(&r),
        [
            t(2, "vln-bbu-01", "Huawei", "violation"),
            t(3, "LT-000417", "Nokia", "ok"),
            t(4, "LT-000982", "ZTE", "violation"),
            t(5, "LT-001203", "Cisco", "ok"),
        ]
    );
    let f = &r["findings"][0];
    assert_eq!(f["model"], "BBU5900");
    assert_eq!(f["serial"], "2102311TUB10N8000123");
    assert_eq!(f["site"], "Vilnius-Zirmunai");
    assert_eq!(f["extra"]["Role"], "RAN baseband", "{f}");
}

#[test]
fn netbox_api_device_list_maps_nested_fields() {
    let env = Env::new();
    env.file("devices.json", fixture("netbox/devices-api.json"));
    let r = check(&env, &["--all", "devices.json"]).code(1).json();
    assert_eq!(
        findings(&r),
        [
            t(6, "vln-bbu-01", "Huawei", "violation"),
            t(55, "LT-000417", "Nokia", "ok"),
            t(80, "LT-000982", "ZTE", "violation"),
        ]
    );
    let f = &r["findings"][0];
    assert_eq!(f["model"], "BBU5900");
    assert_eq!(f["site"], "Vilnius-Zirmunai");
    assert_eq!(f["extra"]["role"], "RAN baseband", "{f}");
    // One page of several is refused: the inventory would be incomplete.
    let page = fixture("netbox/devices-api.json").replacen(
        "\"next\": null",
        "\"next\": \"https://netbox.example.lt/api/dcim/devices/?limit=3&offset=3\"",
        1,
    );
    env.file(
        "page.json",
        page.replacen("\"count\": 3", "\"count\": 7", 1),
    );
    check(&env, &["page.json"]).error(&["page.json:3:", "3 of 7 devices", "limit=0"]);
}

#[test]
fn standard_input_is_read_with_or_without_input_format() {
    let env = Env::new();
    let scan = fixture("nmap/segment-veth.xml");
    let r = check_stdin(&env, &["-"], scan.as_bytes()).code(1).json();
    assert_eq!(r["inputs"][0]["path"], "-");
    assert_eq!(r["inputs"][0]["format"], "nmap");
    assert_eq!(r["findings"][0]["file"], "-");
    let csv = b"vendor,model\nHuawei,BBU5900\n";
    let r = check_stdin(&env, &["--input-format", "csv", "-"], csv)
        .code(1)
        .json();
    assert_eq!(r["inputs"][0]["format"], "csv");
    check_report(&r, "stdin csv");
    let r = check_stdin(&env, &["-"], csv).code(1).json();
    assert_eq!(r["inputs"][0]["format"], "csv");
    // With a file besides.
    env.file("more.csv", "vendor\nNokia\n");
    let r = check_stdin(&env, &["more.csv", "-"], csv).code(1).json();
    assert_eq!(r["summary"]["items"], 2);
}

#[test]
fn standard_input_fails_closed() {
    let env = Env::new();
    check_stdin(&env, &["-"], b"").error(&["-: standard input is empty"]);
    check_stdin(&env, &["-"], b"  \n").error(&["standard input is empty"]);
    check_stdin(&env, &["-"], b"just some words\n")
        .error(&["-: cannot tell the format", "--input-format"]);
    check_stdin(&env, &["-", "-"], b"vendor,model\nZTE,A\n").error(&["given twice"]);
    let broken =
        "<nmaprun>\n<host>\n<address addr=\"10.0.0.1\" addrtype=\"ipv4\">\n</host>\n</nmaprun>\n";
    check_stdin(&env, &["-"], broken.as_bytes()).error(&["-:4:1: invalid XML"]);
}
