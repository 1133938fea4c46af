//! `tvcheck registry import|list|show`, and checks against an imported registry.

use crate::support::{repo, Env};

const ACME: &str = r#"
[[list]]
id = "test-list"
title = "Test designation list"
jurisdiction = "LT"
basis = "Test Act 2020, art. 1"
source = "https://example.org/test-list"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "GB"
aliases = ["Acme", "ACME Radio"]
model_patterns = ["AR-*"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2020-01-01

[[vendor]]
id = "acme-labs"
name = "Acme Labs GmbH"
country = "DE"
parent = "acme"
"#;

#[test]
fn import_then_list_show_and_check() {
    let env = Env::new();
    env.file("acme.toml", ACME);
    let out = env.run(&["registry", "import", "acme.toml", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("imported 2 vendor entries and 1 list definitions from 1 file into reg.db"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("registry now holds 2 vendors and 1 listings"),
        "{}",
        out.stdout
    );

    let out = env.run(&["registry", "list", "--db", "reg.db"]);
    out.code(0);
    assert!(out.stdout.contains("acme-labs"), "{}", out.stdout);
    assert!(
        out.stdout.contains("test-list@2020-01-01"),
        "{}",
        out.stdout
    );

    let out = env.run(&["registry", "show", "acme", "--db", "reg.db"]);
    out.code(0);
    assert!(
        out.stdout.starts_with("Acme Radio Ltd (acme)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("country of registration: GB (United Kingdom"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("listed on test-list (Test designation list) since 2020-01-01"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("basis: Test Act 2020, art. 1"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("controls: acme-labs"), "{}", out.stdout);

    env.file(
        "inv.csv",
        "asset_id,vendor,model\nA1,ACME,X\nA2,Acme Labs,Y\nA3,Other,ar-100\nA4,Other,Z\n",
    );
    let r = env
        .run(&[
            "check",
            "inv.csv",
            "--db",
            "reg.db",
            "--as-of",
            "2026-11-21",
            "--format",
            "json",
        ])
        .json();
    let kinds: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["asset_id"].as_str().unwrap(),
                f["match"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("A1", "alias"), ("A2", "parent"), ("A3", "model")]);
    assert_eq!(r["registry"]["vendors"], 2);
}

#[test]
fn import_is_an_upsert() {
    let env = Env::new();
    env.file("acme.toml", ACME);
    env.run(&["registry", "import", "acme.toml", "--db", "reg.db"])
        .code(0);
    env.file(
        "acme2.toml",
        "[[vendor]]\nid = \"acme\"\nname = \"Acme Radio Limited\"\ncountry = \"IE\"\n",
    );
    env.run(&["registry", "import", "acme2.toml", "--db", "reg.db"])
        .code(0);
    let out = env.run(&[
        "registry", "show", "acme", "--db", "reg.db", "--format", "json",
    ]);
    let v = out.json();
    assert_eq!(v["name"], "Acme Radio Limited");
    assert_eq!(v["country"], "IE");
    // Listings are never dropped by an import: they are delisted instead.
    assert_eq!(v["listings"].as_array().unwrap().len(), 1);
    assert_eq!(v["listings"][0]["list"], "test-list");
    let list = env
        .run(&["registry", "list", "--db", "reg.db", "--format", "json"])
        .json();
    assert_eq!(list["vendors"].as_array().unwrap().len(), 2);
}

#[test]
fn csv_import_format() {
    let env = Env::new();
    env.file("lists.toml", "[[list]]\nid = \"test-list\"\ntitle = \"T\"\njurisdiction = \"EU\"\nbasis = \"B\"\nsource = \"S\"\n");
    env.file(
        "reg.csv",
        "id,name,country,aliases,model_patterns,parent,lists\nacme,Acme Radio Ltd,GB,Acme|ACME Radio,AR-*|AX-*,,test-list@2021-05-01\nacme-labs,Acme Labs,DE,,,acme,\n",
    );
    env.run(&[
        "registry",
        "import",
        "lists.toml",
        "reg.csv",
        "--db",
        "reg.db",
    ])
    .code(0);
    let v = env
        .run(&[
            "registry", "show", "acme", "--db", "reg.db", "--format", "json",
        ])
        .json();
    assert_eq!(v["aliases"], serde_json::json!(["ACME Radio", "Acme"]));
    assert_eq!(v["model_patterns"], serde_json::json!(["AR-*", "AX-*"]));
    assert_eq!(v["listings"][0]["list"], "test-list");
    assert_eq!(v["listings"][0]["listed_on"], "2021-05-01");
}

#[test]
fn a_bad_file_imports_nothing() {
    let env = Env::new();
    env.file("acme.toml", ACME);
    env.file(
        "bad.toml",
        "[[vendor]]\nid = \"bad\"\nname = \"Bad\"\nparent = \"nobody\"\n",
    );
    env.run(&[
        "registry",
        "import",
        "acme.toml",
        "bad.toml",
        "--db",
        "reg.db",
    ])
    .error(&["bad.toml:4:10: vendor 'bad' names parent 'nobody', which is not in the registry"]);
    assert!(
        !env.path("reg.db").exists(),
        "a failed first import must not leave a database"
    );
    env.run(&["registry", "import", "acme.toml", "--db", "reg.db"])
        .code(0);
    let before = std::fs::read(env.path("reg.db")).unwrap();
    env.file("bad2.toml", "[[vendor]]\nid = \"new\"\nname = \"New\"\n[[vendor]]\nid = \"x\"\nname = \"X\"\ncountry = \"XX\"\n");
    env.run(&["registry", "import", "bad2.toml", "--db", "reg.db"])
        .error(&["bad2.toml:7:11: 'XX' is not an ISO 3166-1 alpha-2 country code"]);
    let list = env
        .run(&["registry", "list", "--db", "reg.db", "--format", "json"])
        .json();
    let ids: Vec<&str> = list["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme", "acme-labs"]);
    assert_eq!(std::fs::read(env.path("reg.db")).unwrap(), before);
}

#[test]
fn import_errors_name_file_and_line() {
    let env = Env::new();
    env.file(
        "unknown.toml",
        "[[vendor]]\nid = \"a\"\nname = \"A\"\nwebsite = \"x\"\n",
    );
    env.run(&["registry", "import", "unknown.toml", "--db", "reg.db"])
        .error(&["unknown.toml:4:1:", "unknown field `website`"]);
    env.file("date.toml", "[[vendor]]\nid = \"a\"\nname = \"A\"\n[[vendor.listing]]\nlist = \"l\"\nbasis = \"b\"\nlisted_on = \"2021-03-12\"\n");
    env.run(&["registry", "import", "date.toml", "--db", "reg.db"])
        .error(&["date.toml:7:13:"]);
    env.file(
        "dup.toml",
        "[[vendor]]\nid = \"a\"\nname = \"A\"\n\n[[vendor]]\nid = \"a\"\nname = \"B\"\n",
    );
    env.run(&["registry", "import", "dup.toml", "--db", "reg.db"])
        .error(&["dup.toml:5:1: vendor id 'a' is defined twice (first at dup.toml:1:1)"]);
    env.file("cycle.toml", "[[vendor]]\nid = \"a\"\nname = \"A\"\nparent = \"b\"\n[[vendor]]\nid = \"b\"\nname = \"B\"\nparent = \"a\"\n");
    env.run(&["registry", "import", "cycle.toml", "--db", "reg.db"])
        .error(&["cycle.toml:4:10: parent cycle: a → b → a"]);
    env.file(
        "nobasis.csv",
        "id,name,lists\na,A,unknown-list@2020-01-01\n",
    );
    env.run(&["registry", "import", "nobasis.csv", "--db", "reg.db"])
        .error(&["nobasis.csv:2: the listing of 'a' on 'unknown-list' has no legal basis"]);
    assert!(!env.path("reg.db").exists());
}

#[test]
fn import_needs_a_database() {
    let env = Env::new();
    env.file("acme.toml", ACME);
    env.run(&["registry", "import", "acme.toml"])
        .error(&["registry import needs a database to write", "--db PATH"]);
}

#[test]
fn shipped_registry_files_import_into_a_database_with_the_embedded_digest() {
    let env = Env::new();
    let files: Vec<String> = std::fs::read_dir(repo().join("data/registry"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["registry", "import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--db", "reg.db"]);
    env.run(&args).code(0);
    let embedded = env
        .run(&[
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-21",
            &repo()
                .join("data/examples/operator-inventory.csv")
                .to_string_lossy(),
        ])
        .json();
    let from_db = env
        .run(&[
            "check",
            "--db",
            "reg.db",
            "--format",
            "json",
            "--as-of",
            "2026-11-21",
            &repo()
                .join("data/examples/operator-inventory.csv")
                .to_string_lossy(),
        ])
        .json();
    assert_eq!(
        embedded["registry"]["sha256"],
        from_db["registry"]["sha256"]
    );
    assert_eq!(embedded["findings"], from_db["findings"]);
}

#[test]
fn embedded_registry_list_and_show() {
    let env = Env::new();
    let list = env.run(&["registry", "list", "--format", "json"]).json();
    let ids: Vec<&str> = list["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    for id in [
        "huawei",
        "zte",
        "hytera",
        "hikvision",
        "dahua",
        "ezviz",
        "honor",
        "ericsson",
        "nokia",
    ] {
        assert!(ids.contains(&id), "{id} missing from the embedded registry");
    }
    let out = env.run(&["registry", "show", "hikvision"]);
    out.code(0);
    assert!(out.stdout.contains("scope: only for"), "{}", out.stdout);
    assert!(out.stdout.contains("since 2021-03-12"), "{}", out.stdout);
    env.run(&["registry", "show", "huawe"])
        .error(&["no registry entry with id 'huawe'", "did you mean huawei"]);
}
