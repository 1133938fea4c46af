//! JUnit reports against the schema of Jenkins' xUnit plugin (`tests/fixtures/junit/`):
//! validated by `xmllint --schema` where it is installed (required in CI, see
//! `support::external_tool`), and always by a structural check that every element and
//! attribute of the report is one the schema declares, where it allows it, with the required
//! attributes present. The structural check reads the XSD itself, so it cannot drift from it.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;

use crate::support::{external_tool, repo, Env};

/// What the schema says about one element: its attributes (name → required) and the elements
/// it may contain.
#[derive(Debug, Default)]
struct Decl {
    attributes: BTreeMap<String, bool>,
    children: BTreeSet<String>,
}

fn xsd_path() -> std::path::PathBuf {
    repo().join("tests/fixtures/junit/junit-10.xsd")
}

/// The top-level element declarations of the XSD, with the attributes and element references
/// inside each (named complex types that elements use by `type=` are merged in).
fn schema() -> BTreeMap<String, Decl> {
    let text = std::fs::read_to_string(xsd_path()).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut decls: BTreeMap<String, Decl> = BTreeMap::new();
    let mut types: BTreeMap<String, Decl> = BTreeMap::new();
    let mut uses: Vec<(String, String)> = Vec::new();
    // The open top-level declaration: (is a named type, its name), with the nesting depth.
    let mut current: Option<(bool, String)> = None;
    let mut depth = 0usize;
    loop {
        let ev = reader.read_event().unwrap();
        let (e, empty) = match &ev {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                depth -= 1;
                if depth == 1 {
                    current = None;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let tag = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let attr = |k: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == k.as_bytes())
                .map(|a| String::from_utf8(a.value.to_vec()).unwrap())
        };
        if depth == 1 {
            if let Some(name) = attr("name") {
                match tag.as_str() {
                    "xs:element" => {
                        if let Some(t) = attr("type") {
                            uses.push((name.clone(), t));
                        }
                        decls.entry(name.clone()).or_default();
                        current = Some((false, name));
                    }
                    "xs:complexType" => {
                        types.entry(name.clone()).or_default();
                        current = Some((true, name));
                    }
                    _ => {}
                }
            }
        } else if let Some((is_type, name)) = &current {
            let d = if *is_type {
                types.get_mut(name).unwrap()
            } else {
                decls.get_mut(name).unwrap()
            };
            match tag.as_str() {
                "xs:attribute" => {
                    let required = attr("use").is_some_and(|u| u == "required");
                    d.attributes.insert(attr("name").unwrap(), required);
                }
                "xs:element" => {
                    d.children
                        .insert(attr("ref").or_else(|| attr("name")).unwrap());
                }
                _ => {}
            }
        }
        if !empty {
            depth += 1;
        }
    }
    for (element, t) in uses {
        if let Some(td) = types.get(&t) {
            let d = decls.get_mut(&element).unwrap();
            d.attributes.extend(td.attributes.clone());
            d.children.extend(td.children.clone());
        }
    }
    decls
}

/// Every way `xml` leaves the schema's elements and attributes: undeclared elements, elements
/// where their parent does not allow them, undeclared attributes, missing required ones.
fn structural_errors(xml: &str, schema: &BTreeMap<String, Decl>) -> Vec<String> {
    let mut errors = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                errors.push(format!("not well-formed: {e}"));
                break;
            }
        };
        let (e, empty) = match &ev {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let Some(decl) = schema.get(&name) else {
            errors.push(format!("<{name}> is not declared"));
            if !empty {
                stack.push(name);
            }
            continue;
        };
        match stack.last() {
            None if name != "testsuites" && name != "testsuite" => {
                errors.push(format!("<{name}> cannot be the root"))
            }
            Some(parent)
                if !schema
                    .get(parent)
                    .is_some_and(|p| p.children.contains(&name)) =>
            {
                errors.push(format!("<{name}> is not allowed in <{parent}>"))
            }
            _ => {}
        }
        let mut present = BTreeSet::new();
        for a in e.attributes() {
            let a = a.unwrap();
            let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
            if !decl.attributes.contains_key(&key) {
                errors.push(format!(
                    "<{name}> has attribute {key}, which the schema lacks"
                ));
            }
            present.insert(key);
        }
        for (a, required) in &decl.attributes {
            if *required && !present.contains(a) {
                errors.push(format!("<{name}> lacks its required attribute {a}"));
            }
        }
        if !empty {
            stack.push(name);
        }
    }
    errors
}

/// A report with every kind of test case: failures (violation), skipped (waived), passing
/// reviews with output, a suite per policy, and an unreadable input (its own error suite).
fn reports(env: &Env) -> Vec<(String, String)> {
    env.file(
        "inv.csv",
        "asset_id,vendor,model,site,domain\nP1,Huawei,BBU5900,Vilnius,core\nP2,ZTE,F660,Kaunas,core\n\
         P3,Ericsson,AIR 6449,Kaunas,ran\nP4,<script>x</script>,\"a\u{1b}[31m\",Riga,core\n",
    );
    env.file(
        "waivers.toml",
        "[[waiver]]\nid = \"W-1\"\nasset_id = \"P2\"\npolicy = \"lt-5g\"\nreason = \"r\"\n\
         approved_by = \"x\"\nreference = \"y\"\nexpires = 2026-12-31\n",
    );
    env.file("bad/broken.csv", "foo,bar\n1,2\n");
    let mut out = Vec::new();
    for (what, extra) in [
        ("violations, waived, reviews", vec!["--fail-on", "review"]),
        (
            "with an unreadable input",
            vec!["bad", "--allow-incomplete"],
        ),
        ("no policy", vec!["--all"]),
    ] {
        let mut args = vec![
            "check",
            "inv.csv",
            "--as-of",
            "2026-06-01",
            "--waivers",
            "waivers.toml",
            "--format",
            "junit",
        ];
        if what != "no policy" {
            args.extend(["--policy", "lt-5g", "--policy", "de-5g"]);
        }
        args.extend(extra);
        let run = env.run(&args);
        assert!(run.code == 0 || run.code == 1, "{what}: {run:?}");
        assert!(run.stdout.contains("<testcase "), "{what}: {}", run.stdout);
        if what.contains("unreadable") {
            for element in ["<error ", "<system-out>"] {
                assert!(run.stdout.contains(element), "{what}: {}", run.stdout);
            }
        } else if what.contains("waived") {
            for element in ["<failure ", "<skipped ", "<properties>"] {
                assert!(run.stdout.contains(element), "{what}: {}", run.stdout);
            }
        }
        out.push((what.to_string(), run.stdout));
    }
    out
}

#[test]
fn junit_elements_and_attributes_are_those_the_xunit_schema_declares() {
    let schema = schema();
    // The reading of the XSD itself: what the checks below rely on.
    assert!(schema["testsuite"].attributes["name"]);
    assert!(!schema["testsuites"].attributes.contains_key("skipped"));
    assert!(schema["testcase"].children.contains("failure"));
    let env = Env::new();
    for (what, xml) in reports(&env) {
        assert!(xml.contains("<testsuites "), "{what}: {xml}");
        let errors = structural_errors(&xml, &schema);
        assert!(errors.is_empty(), "{what}:\n{}\n{xml}", errors.join("\n"));
    }
    // The check does find what the schema lacks.
    let bad = "<testsuites skipped=\"1\"><testsuite name=\"a\" tests=\"1\" failures=\"0\"><testcase name=\"x\" weird=\"y\"/><bogus/></testsuite></testsuites>";
    let errors = structural_errors(bad, &schema);
    assert_eq!(errors.len(), 4, "{errors:?}");
}

#[test]
fn junit_reports_validate_with_xmllint_against_the_xunit_schema() {
    let Some(xmllint) = external_tool(&["xmllint"], "libxml2-utils") else {
        return;
    };
    let env = Env::new();
    for (i, (what, xml)) in reports(&env).into_iter().enumerate() {
        let file = env.file(&format!("report-{i}.xml"), &xml);
        let out = std::process::Command::new(&xmllint)
            .arg("--noout")
            .arg("--schema")
            .arg(xsd_path())
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{what}: xmllint says:\n{}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // xmllint does reject what the schema lacks (the old `skipped` on <testsuites>).
    let bad = env.file(
        "bad.xml",
        "<testsuites skipped=\"1\"><testsuite name=\"a\" tests=\"0\" failures=\"0\" errors=\"0\"/></testsuites>",
    );
    let out = std::process::Command::new(&xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(xsd_path())
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
}
