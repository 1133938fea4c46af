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
    // The same findings; only the tier differs: compiled in (curated) or imported (user).
    let tiers = |report: &serde_json::Value, tier: &str| {
        let mut f = report["findings"].clone();
        for finding in f.as_array_mut().unwrap() {
            assert_eq!(finding["tier"], tier);
            finding.as_object_mut().unwrap().remove("tier");
        }
        f
    };
    assert_eq!(tiers(&embedded, "curated"), tiers(&from_db, "user"));
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

/// The equivalent of `OLD_CSV` in TOML, with the list definition of `LISTS`.
const OLD_CSV_AS_TOML: &str = r#"
[[list]]
id = "test-list"
title = "T"
jurisdiction = "EU"
basis = "B"
source = "S"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "GB"
aliases = ["Acme", "ACME Radio"]
model_patterns = ["AR-*", "AX-*"]

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2021-05-01

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2023-01-01

[[vendor]]
id = "acme-labs"
name = "Acme Labs"
country = "DE"
parent = "acme"
"#;

const LISTS: &str = "[[list]]\nid = \"test-list\"\ntitle = \"T\"\njurisdiction = \"EU\"\nbasis = \"B\"\nsource = \"S\"\n";

#[test]
fn old_seven_column_csv_still_imports_the_same_content() {
    let env = Env::new();
    env.file("lists.toml", LISTS);
    env.file("same.toml", OLD_CSV_AS_TOML);
    env.run(&["registry", "import", "same.toml", "--db", "toml.db"])
        .code(0);
    // The original format, with CRLF line ends, a blank line, spaces around values and
    // empty values between bars.
    env.file(
        "old.csv",
        "id,name,country,aliases,model_patterns,parent,lists\r\nacme, Acme Radio Ltd ,GB, Acme || ACME Radio ,AR-*|AX-*,,test-list@2021-05-01| test-list@2023-01-01\r\n\r\nacme-labs,Acme Labs,DE,,,acme,\r\n",
    );
    env.run(&[
        "registry",
        "import",
        "lists.toml",
        "old.csv",
        "--db",
        "csv.db",
    ])
    .code(0);
    assert_eq!(
        env.registry_digest(Some("csv.db")),
        env.registry_digest(Some("toml.db"))
    );
    // Columns in another order, only some of them.
    env.file(
        "short.csv",
        "lists,name,id,parent,country,aliases,model_patterns\ntest-list@2021-05-01|test-list@2023-01-01,Acme Radio Ltd,acme,,GB,Acme|ACME Radio,AR-*|AX-*\n",
    );
    env.file(
        "labs.csv",
        "id,name,parent,country\nacme-labs,Acme Labs,acme,DE\n",
    );
    env.run(&[
        "registry",
        "import",
        "lists.toml",
        "short.csv",
        "labs.csv",
        "--db",
        "short.db",
    ])
    .code(0);
    assert_eq!(
        env.registry_digest(Some("short.db")),
        env.registry_digest(Some("toml.db"))
    );
}

#[test]
fn long_csv_with_kind_rows_imports_lists_vendors_and_listings() {
    let env = Env::new();
    env.file(
        "same.toml",
        r#"
[[list]]
id = "test-list"
title = "Test list, with a comma"
jurisdiction = "LT"
authority = "RRT"
basis = "Act 1"
source = "https://example.org/list"
confidence = "weak"
notes = "A note"

[[vendor]]
id = "acme"
name = "Acme Radio Ltd"
country = "GB"
aliases = ["Acme", "A|B"]
sources = ["register", "press"]
confidence = "weak"
notes = "Identity from the register"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2021-05-01
  scope = "purpose-limited"
  purposes = ["public-safety", "national-security"]
  source = "gazette"
  notes = "first"

  [[vendor.listing]]
  list = "test-list"
  listed_on = 2019-01-01

  [[vendor.listing]]
  list = "other-act"
  basis = "Other Act, s.2"
  listed_on = 2020-01-01
  delisted_on = 2022-01-01
  delisted_reason = "Repealed"

[[vendor]]
id = "acme-labs"
name = "Acme Labs"
parent = "acme"
parent_since = 2018-01-01
parent_until = 2024-01-01
retired_on = 2025-01-01
retired_reason = "Dissolved"
"#,
    );
    env.run(&["registry", "import", "same.toml", "--db", "toml.db"])
        .code(0);
    // Columns in any order and any case; a listing row before its vendor row; a vendor row
    // with the short `lists` cell; a listing row in a second file of the same command.
    env.file(
        "long.csv",
        "Kind,vendor,list,listed_on,scope,purposes,id,name,title,jurisdiction,authority,basis,source,country,aliases,sources,confidence,notes,lists\n\
         listing,acme,test-list,2021-05-01,purpose-limited,public-safety|national-security,,,,,,,gazette,,,,,first,\n\
         list,,,,,,test-list,,\"Test list, with a comma\",LT,RRT,Act 1,https://example.org/list,,,,weak,A note,\n\
         vendor,,,,,,acme,Acme Radio Ltd,,,,,,GB,Acme|A\\|B,register|press,weak,Identity from the register,test-list@2019-01-01\n",
    );
    env.file(
        "more.csv",
        "kind,id,name,parent,parent_since,parent_until,retired_on,retired_reason,vendor,list,listed_on,basis,delisted_on,delisted_reason\n\
         listing,,,,,,,,acme,other-act,2020-01-01,\"Other Act, s.2\",2022-01-01,Repealed\n\
         vendor,acme-labs,Acme Labs,acme,2018-01-01,2024-01-01,2025-01-01,Dissolved,,,,,,\n",
    );
    env.run(&[
        "registry", "import", "long.csv", "more.csv", "--db", "csv.db",
    ])
    .code(0);
    assert_eq!(
        env.registry_digest(Some("csv.db")),
        env.registry_digest(Some("toml.db"))
    );
}

#[test]
fn registry_csv_errors_name_file_line_and_column() {
    let env = Env::new();
    let import = |name: &str, text: &str| {
        env.file(name, text);
        env.run(&["registry", "import", name, "--db", "reg.db"])
    };
    const HEAD: &str = "kind,id,name,vendor,list,listed_on,basis,scope,purposes,title\n";
    const ACME: &str = "vendor,acme,Acme,,,,,,,\n";
    import("kind.csv", &format!("{HEAD}{ACME}vendors,x,X,,,,,,,\n")).error_exactly(
        "kind.csv:3:1: kind 'vendors' is not 'list', 'vendor' or 'listing' (hint: each row is a list definition, a vendor or one listing of a vendor)",
    );
    import("unknown.csv", &format!("{HEAD}{ACME}listing,,,zte,l,2021-01-01,Act,,,\n")).error_exactly(
        "unknown.csv:3:11: a listing row for vendor 'zte', which no vendor row of this import defines (hint: add a vendor row (kind vendor, id zte) to this file, or import the file that has it in the same command)",
    );
    import("cell.csv", &format!("{HEAD}vendor,acme,Acme,,,,,,,Chief\n")).error_exactly(
        "cell.csv:2:24: the 'title' cell of a vendor row must be empty (hint: a vendor row uses the columns id,name,country,aliases,model_patterns,parent,lists,parent_since,parent_until,confidence,sources,notes,retired_on,retired_reason,affiliates,fcc_grantee_codes)",
    );
    import("cell2.csv", &format!("{HEAD}{ACME}listing,,Acme,acme,l,2021-01-01,Act,,,\n")).error_exactly(
        "cell2.csv:3:10: the 'name' cell of a listing row must be empty (hint: a listing row uses the columns vendor,list,listed_on,basis,source,scope,purposes,confidence,notes,delisted_on,delisted_reason)",
    );
    import("escape.csv", "id,name,aliases\nacme,Acme,Acme|C:\\Acme\n").error_exactly(
        "escape.csv:2:11: bad escape '\\A' in 'aliases': a backslash must be followed by \\ or | (hint: values are separated by |; inside a value write \\| for a bar and \\\\ for a backslash)",
    );
    import("escape2.csv", &format!("{HEAD}{ACME}listing,,,acme,l,2021-01-01,Act,purpose-limited,a|b\\,\n")).error_exactly(
        "escape2.csv:3:49: bad escape '\\' in 'purposes': a backslash must be followed by \\ or | (hint: values are separated by |; inside a value write \\| for a bar and \\\\ for a backslash)",
    );
    import("date.csv", &format!("{HEAD}{ACME}listing,,,acme,l,2025-02-30,Act,,,\n")).error_exactly(
        "date.csv:3:18: 'listed_on': '2025-02-30' is not a real calendar day (hint: write a calendar date as YYYY-MM-DD, e.g. 2021-03-12)",
    );
    import("date2.csv", "id,name,parent,parent_since\nacme,Acme,x,2025-13-01\n").error_exactly(
        "date2.csv:2:13: 'parent_since': '2025-13-01' is not a real calendar day (hint: write a calendar date as YYYY-MM-DD, e.g. 2021-03-12)",
    );
    import("scope.csv", &format!("{HEAD}{ACME}listing,,,acme,l,2021-01-01,Act,some,,\n")).error_exactly(
        "scope.csv:3:33: scope 'some' is not 'all' or 'purpose-limited' (hint: leave it empty for all, or write purpose-limited and name the purposes)",
    );
    import("dup.csv", &format!("{HEAD}listing,,,acme,l,2021-01-01,Act,,,\n{ACME}listing,,,acme,l,2021-01-01,Other Act,,,\n")).error_exactly(
        "dup.csv:4:16: vendor 'acme' is listed on 'l' on 2021-01-01 twice (hint: give each vendor, list and listed_on one listing)",
    );
    import(
        "nobasis.csv",
        &format!("{HEAD}{ACME}listing,,,acme,l,2021-01-01,,,,\n"),
    )
    .error(&["nobasis.csv:3:16: the listing of 'acme' on 'l' has no legal basis"]);
    import("nokind.csv", "id,name,listed_on\nacme,Acme,2021-01-01\n").error_exactly(
        "nokind.csv:1:3: unknown column 'listed_on' in a registry CSV (hint: 'listed_on' belongs to list or listing rows: add a 'kind' column saying what each row is (list, vendor or listing))",
    );
    assert!(!env.path("reg.db").exists());
    // A listing row must name a vendor of the same import, not one already in the database.
    import("acme.csv", "id,name\nacme,Acme\n").code(0);
    import("later.csv", "kind,vendor,list,listed_on,basis\nlisting,acme,l,2021-01-01,Act\n")
        .error(&["later.csv:2:9: a listing row for vendor 'acme', which no vendor row of this import defines"]);
}

#[test]
fn verify_warns_when_a_listed_chinese_or_russian_entity_has_no_native_name() {
    let env = Env::new();
    let reg = |cn_alias: &str| {
        format!(
            r#"
[[list]]
id = "ban-list"
title = "A ban"
jurisdiction = "LT"
basis = "Act of 2020"
source = "https://example.org/ban"

[[vendor]]
id = "acme-cn"
name = "Acme Radio Co., Ltd."
country = "CN"
aliases = [{cn_alias}]
  [[vendor.listing]]
  list = "ban-list"
  listed_on = 2020-01-01

[[vendor]]
id = "acme-ru"
name = "OOO Acme"
country = "RU"
aliases = ["ООО Акме"]
  [[vendor.listing]]
  list = "ban-list"
  listed_on = 2020-01-01
"#
        )
    };
    env.file("gap.toml", reg(""));
    env.run(&["registry", "import", "gap.toml", "--db", "gap.db"])
        .code(0);
    let out = env.run(&["registry", "verify", "--db", "gap.db"]);
    // A data-quality warning, not an integrity failure.
    out.code(0);
    assert!(
        out.stdout.contains("warning: 'acme-cn' (Acme Radio Co., Ltd.) is listed and registered in CN but has no Chinese name or alias"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("acme-ru"), "{}", out.stdout);
    env.file("full.toml", reg("\"阿克米无线电有限公司\""));
    env.run(&["registry", "import", "full.toml", "--db", "full.db"])
        .code(0);
    let out = env.run(&["registry", "verify", "--db", "full.db"]);
    out.code(0);
    assert!(!out.stdout.contains("warning:"), "{}", out.stdout);
}

#[test]
fn every_problem_of_a_registry_toml_file_is_reported_with_its_code() {
    let env = Env::new();
    env.file(
        "r.toml",
        r#"[[list]]
id = "Bad List"
title = "T"
jurisdiction = "Lithuania"
basis = "Act"
source = "gazette"
[[vendor]]
id = "acme"
name = "Acme"
country = "XX"
model_patterns = ["[abc"]
parent_since = 2020-01-01T10:00:00
[[vendor]]
id = "beta"
name = "Beta"
country = "TODO"
"#,
    );
    env.run(&["registry", "import", "r.toml", "--db", "reg.db"])
        .problems(
            "r.toml",
            &[
                ("TV0302", "r.toml:2:6: 'Bad List' is not a valid list id"),
                (
                    "TV0303",
                    "r.toml:4:16: jurisdiction 'Lithuania' is not an ISO 3166-1 alpha-2 code or EU",
                ),
                (
                    "TV0310",
                    "r.toml:7:1: vendor 'acme' has parent dates but no parent",
                ),
                (
                    "TV0303",
                    "r.toml:10:11: 'XX' is not an ISO 3166-1 alpha-2 country code",
                ),
                (
                    "TV0308",
                    "r.toml:11:19: model pattern '[abc' is not a valid glob",
                ),
                (
                    "TV0305",
                    "r.toml:12:16: 'parent_since' must be a calendar date",
                ),
                (
                    "TV0304",
                    "r.toml:16:11: the country is still the placeholder 'TODO'",
                ),
            ],
        );
    assert!(!env.path("reg.db").exists(), "nothing was imported");
    // The checks of the whole import report every problem too.
    env.file(
        "refs.toml",
        "[[vendor]]\nid = \"x\"\nname = \"X\"\nparent = \"nobody\"\n[[vendor]]\nid = \"y\"\nname = \"Y\"\naffiliates = [\"ghost\"]\n[[vendor]]\nid = \"x\"\nname = \"X again\"\n",
    );
    env.run(&["registry", "import", "refs.toml", "--db", "reg.db"])
        .problems(
            "refs.toml",
            &[
                ("TV0312", "refs.toml:4:10: vendor 'x' names parent 'nobody', which is not in the registry"),
                ("TV0312", "refs.toml:5:1: vendor 'y' names affiliate 'ghost', which is not in the registry"),
                ("TV0311", "refs.toml:9:1: vendor id 'x' is defined twice (first at refs.toml:1:1)"),
            ],
        );
    // Problems between the files of one import: listed file by file, counted for all.
    env.file(
        "a.toml",
        "[[vendor]]\nid = \"x\"\nname = \"X\"\nparent = \"nobody\"\n",
    );
    env.file(
        "b.toml",
        "[[vendor]]\nid = \"x\"\nname = \"X\"\naffiliates = [\"ghost\"]\n",
    );
    env.run(&["registry", "import", "b.toml", "a.toml", "--db", "reg.db"])
        .problems(
            "b.toml and a.toml",
            &[
                ("TV0312", "b.toml:1:1: vendor 'x' names affiliate 'ghost'"),
                (
                    "TV0311",
                    "a.toml:1:1: vendor id 'x' is defined twice (first at b.toml:1:1)",
                ),
                ("TV0312", "a.toml:4:10: vendor 'x' names parent 'nobody'"),
            ],
        );
    // A file that is not TOML is one error.
    env.file("syntax.toml", "[[vendor]\nid = \"x\"\n");
    env.run(&["registry", "import", "syntax.toml", "--db", "reg.db"])
        .error(&["error[TV0301]: syntax.toml:1:", "invalid registry file"]);
}

#[test]
fn every_problem_of_a_registry_csv_file_is_reported_with_its_code() {
    let env = Env::new();
    env.file(
        "r.csv",
        "id,name,country,parent,parent_since\n\
         acme,Acme,XX,,\n\
         Beta,,GB,,\n\
         gamma,Gamma,CN,acme,2020-02-30\n\
         delta,Delta,SE\n",
    );
    env.run(&["registry", "import", "r.csv", "--db", "reg.db"])
        .problems(
            "r.csv",
            &[
                (
                    "TV0303",
                    "r.csv:2:11: 'XX' is not an ISO 3166-1 alpha-2 country code",
                ),
                ("TV0302", "r.csv:3:1: 'Beta' is not a valid vendor id"),
                ("TV0306", "r.csv:3:6: vendor 'Beta' has an empty name"),
                ("TV0305", "r.csv:4:21: 'parent_since':"),
                (
                    "TV0314",
                    "r.csv:5: this row has 3 fields but the header has 5",
                ),
            ],
        );
    assert!(!env.path("reg.db").exists(), "nothing was imported");
    // Every problem of the header; the rows are not read under a wrong header.
    env.file("h.csv", "id,nam,colour,id\nacme,Acme,red,x\n");
    env.run(&["registry", "import", "h.csv", "--db", "reg.db"])
        .problems(
            "h.csv",
            &[
                ("TV0314", "h.csv:1: the column 'id' appears twice"),
                ("TV0314", "h.csv:1: the registry CSV has no 'name' column"),
                (
                    "TV0314",
                    "h.csv:1:2: unknown column 'nam' in a registry CSV",
                ),
                (
                    "TV0314",
                    "h.csv:1:3: unknown column 'colour' in a registry CSV",
                ),
            ],
        );
}
