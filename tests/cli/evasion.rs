//! No evasion by characters: vendor strings that display as a designated vendor's name but
//! differ byte for byte (look-alike letters of other scripts, invisible code points, bidi
//! overrides) are found and say how they were disguised; genuine names in other scripts and
//! Latin names with digits are not flagged.

use crate::support::{verdicts, Env};

const AS_OF: &str = "2026-11-21";

/// (asset id, vendor string, entry, words the reason must contain).
const DISGUISED: &[(&str, &str, &str, &[&str])] = &[
    (
        "D1",
        "\u{41d}uawei",
        "huawei",
        &["Cyrillic '\u{41d}' (U+041D) read as Latin 'H'"],
    ),
    (
        "D2",
        "\u{4ba}uawei",
        "huawei",
        &["Cyrillic '\u{4ba}' (U+04BA) read as Latin 'h'"],
    ),
    (
        "D3",
        "HU\u{410}W\u{415}I",
        "huawei",
        &["(U+0410) read as Latin 'A'", "(U+0415) read as Latin 'E'"],
    ),
    (
        "D4",
        "\u{396}\u{3a4}\u{395}",
        "zte",
        &[
            "Greek '\u{396}' (U+0396) read as Latin 'Z'",
            "(U+03A4)",
            "(U+0395)",
        ],
    ),
    (
        "D5",
        "Hikvisi\u{43e}n",
        "hikvision",
        &["Cyrillic '\u{43e}' (U+043E) read as Latin 'o'"],
    ),
    (
        "D6",
        "Hua\u{200b}wei",
        "huawei",
        &["invisible U+200B removed"],
    ),
    (
        "D7",
        "\u{202e}iewauH",
        "huawei",
        &["displays as 'Huawei' (bidi override)", "U+202E removed"],
    ),
    (
        "D8",
        "Z\u{422}\u{415}",
        "zte",
        &["(U+0422) read as Latin 'T'", "(U+0415) read as Latin 'E'"],
    ),
];

/// (asset id, vendor string): companies that are not in the registry, some in other scripts.
const GENUINE: &[(&str, &str)] = &[
    ("N1", "\u{42f}\u{43d}\u{434}\u{435}\u{43a}\u{441}"), // Яндекс
    (
        "N2",
        "\u{420}\u{43e}\u{441}\u{442}\u{435}\u{43b}\u{435}\u{43a}\u{43e}\u{43c}", // Ростелеком
    ),
    ("N3", "\u{39f}\u{3a4}\u{395}"), // ΟΤΕ, Greek OTE: must not become ZTE
    ("N4", "\u{421}\u{431}\u{435}\u{440}"), // Сбер
    ("N5", "Unicom"),
    ("N6", "3Com"),
    ("N7", "Zyxel NWA50AX"),
    ("N8", "Teltonika RUT950"),
    ("N9", "\u{41e}\u{41e}\u{41e} \u{421}\u{431}\u{435}\u{440}"), // ООО Сбер
    ("N10", "Ericsson"),
];

/// The inventory: every item used for public safety, so that the listings limited to some
/// purposes (Hikvision's, Dahua's, Hytera's) apply as fully as the others.
fn inventory() -> String {
    let mut csv = String::from("asset_id,vendor,model,purpose\n");
    for (id, vendor, _, _) in DISGUISED {
        csv.push_str(&format!("{id},\"{vendor}\",X100,public-safety\n"));
    }
    for (id, vendor) in GENUINE {
        csv.push_str(&format!("{id},\"{vendor}\",X100,public-safety\n"));
    }
    csv
}

#[test]
fn disguised_vendor_strings_are_violations_that_say_how_they_were_disguised() {
    let env = Env::new();
    let inv = env.file("inventory.csv", inventory());
    let out = env.run(&[
        "check",
        inv.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    out.code(1);
    let r = out.json();
    let v = verdicts(&r);
    let findings = r["findings"].as_array().unwrap();
    for (id, vendor, entry, words) in DISGUISED {
        let pos = v
            .iter()
            .position(|t| t.0 == *id)
            .unwrap_or_else(|| panic!("{id} ({vendor:?}) is not flagged: {v:?}"));
        assert_eq!(v[pos].1, "violation", "{id} ({vendor:?}): {:?}", v[pos]);
        assert_eq!(v[pos].2, *entry, "{id} ({vendor:?})");
        assert!(
            matches!(v[pos].3.as_str(), "name" | "alias"),
            "{id}: {:?}",
            v[pos]
        );
        assert_eq!(findings[pos]["score"], 1.0, "{id}");
        let reason = findings[pos]["reason"].as_str().unwrap();
        assert!(reason.contains("disguised: "), "{id}: {reason}");
        for w in *words {
            assert!(reason.contains(w), "{id}: reason lacks {w:?}: {reason}");
        }
    }
    for (id, vendor) in GENUINE {
        assert!(
            !v.iter().any(|t| t.0 == *id),
            "{id} ({vendor:?}) is flagged: {v:?}"
        );
    }
    assert_eq!(r["summary"]["violations"], DISGUISED.len());
    assert_eq!(r["summary"]["reviews"], 0);
    assert_eq!(r["summary"]["ok"], GENUINE.len());
}

#[test]
fn a_mixed_script_near_match_is_a_review() {
    let env = Env::new();
    // Cyrillic Н and е, and a typo: "Huawel".
    let inv = env.file(
        "inventory.csv",
        "asset_id,vendor\nR1,\"\u{41d}uaw\u{435}l\"\nR2,\"\u{39f}\u{3a4}\u{395} S.A.\"\n",
    );
    let out = env.run(&[
        "check",
        inv.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--fail-on",
        "review",
    ]);
    out.code(1);
    let r = out.json();
    let v = verdicts(&r);
    assert_eq!(
        v,
        [(
            "R1".to_string(),
            "review".to_string(),
            "huawei".to_string(),
            "fuzzy".to_string()
        )]
    );
    let reason = r["findings"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("the string is disguised: Cyrillic '\u{41d}' (U+041D) read as Latin 'H'"),
        "{reason}"
    );
}

#[test]
fn explain_shows_the_character_mappings() {
    let env = Env::new();
    let out = env.run(&["explain", "HU\u{410}W\u{415}I\u{200b}", "--as-of", AS_OF]);
    out.code(0);
    assert!(
        out.stdout.contains(
            "characters:  reads as 'HUAWEI' (a word mixes scripts): invisible U+200B removed; \
             Cyrillic '\u{410}' (U+0410) read as Latin 'A'; Cyrillic '\u{415}' (U+0415) read as \
             Latin 'E'"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("decision:    violation under any-list/listed"),
        "{}",
        out.stdout
    );
    let out = env.run(&[
        "explain",
        "\u{202e}iewauH",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    out.code(0);
    let j = out.json();
    let chars = j["characters"].as_array().unwrap();
    assert!(
        chars.iter().any(|c| c["reads_as"] == "Huawei"
            && c["mappings"][0] == "displays as 'Huawei' (bidi override)"),
        "{chars:?}"
    );
    assert_eq!(j["candidates"][0]["entry"], "huawei");
    assert!(j["candidates"][0]["disguise"]
        .as_str()
        .unwrap()
        .contains("bidi override"));
    // A plain ASCII string has no character readings.
    let out = env.run(&["explain", "Huawei", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(out.json()["characters"], serde_json::json!([]));
    assert_eq!(
        out.json()["candidates"][0]["disguise"],
        serde_json::Value::Null
    );
}
