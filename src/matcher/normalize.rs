//! Name normalisation: the pure functions that turn a manufacturer string into its comparable form.
//!
//! Steps, in order: default-ignorable (invisible) code points removed (see [`super::chars`]),
//! Unicode NFKC (full-width and compatibility forms become plain ones),
//! lowercase, dotted acronyms joined (`Z.T.E.` → `zte`), every character that is not a letter
//! or digit becomes a space, whitespace collapsed, then legal-form words (`co`, `ltd`, `gmbh`,
//! `ооо`, `有限公司`, ...) dropped, unless nothing else would remain.

use unicode_normalization::UnicodeNormalization;

/// Legal-form words dropped from names (already lowercase, NFKC).
const LEGAL_FORMS: &[&str] = &[
    "co",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "kgaa",
    "ab",
    "oy",
    "oyj",
    "as",
    "asa",
    "aps",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "pte",
    "pty",
    "kk",
    "uab",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "pjsc",
    "jsc",
    "ojsc",
    "cjsc",
    "se",
    "sp",
    "zoo",
    "sro",
    "spol",
    "kft",
    "zrt",
    "bhd",
    "sdn",
    "tbk",
    "ltda",
    "cia",
    "sl",
    "sae",
    "srls",
    "eood",
    "ood",
    "dooel",
    "doo",
    "ad",
    "dd",
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
    "тоо",
    "ип",
    "ад",
    "тов",
    "пат",
    "зат",
    "주식회사",
    "유한회사",
];

/// Legal forms written as several words, dropped as a run (after dotted acronyms are joined,
/// so "Sp. z o.o." is `sp z oo` and "spol. s r.o." is `spol s ro`): their single letters are
/// legal-form words only in these runs.
const LEGAL_FORM_RUNS: &[&[&str]] = &[
    &["społka", "z", "ograniczona", "odpowiedzialnoscia"],
    &["spolka", "z", "ograniczona", "odpowiedzialnoscia"],
    &["sp", "z", "oo"],
    &["spol", "s", "ro"],
    &["sp", "j"],
    &["sp", "k"],
    &["s", "ro"],
];

/// Legal-form suffixes written without a space in CJK names (longest first).
const CJK_LEGAL_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "公司",
];

/// Whether `token` (normalised) is a legal-form word.
pub(crate) fn is_legal_form(token: &str) -> bool {
    LEGAL_FORMS.contains(&token)
}

/// Joins dotted acronyms such as `Z.T.E.` or `S.A.` into one word.
fn join_dotted_acronym(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut letters = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            return None;
        }
        letters.push(chars[i]);
        match chars.get(i + 1) {
            Some('.') => i += 2,
            None => i += 1,
            Some(_) => return None,
        }
    }
    (letters.chars().count() >= 2 && word.contains('.')).then_some(letters)
}

/// Splits camel-case words written without spaces ("HuaweiTe", "DahuaTech") by inserting a
/// space before an uppercase letter that follows a lowercase one and is followed by one
/// (so "GmbH" and "KGaA" stay whole).
fn split_camel(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if c.is_uppercase() && prev_lower && next_lower {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Removes diacritics from Latin letters (é → e, Š → S) by canonical decomposition; letters of
/// other scripts (Cyrillic й, CJK) are kept as they are.
pub(crate) fn fold_diacritics(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let decomposed: Vec<char> = std::iter::once(c).collect::<String>().nfd().collect();
        match decomposed.split_first() {
            Some((base, marks))
                if base.is_ascii_alphabetic() && marks.iter().all(|m| is_combining_mark(*m)) =>
            {
                out.push(*base);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a token is written in a script without spaces between words (CJK).
pub(crate) fn is_cjk(token: &str) -> bool {
    token.chars().any(|c| {
        matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
    })
}

/// The comparable tokens of a name.
pub fn tokens(name: &str) -> Vec<String> {
    tokens_with(name, true)
}

/// The comparable tokens of a name, camel-case words kept whole ("HiSilicon" is one word).
pub(crate) fn tokens_unsplit(name: &str) -> Vec<String> {
    tokens_with(name, false)
}

/// `name` in NFKC, camel-case words split when `camel`, Latin diacritics removed, lower-case.
/// ASCII is its own NFKC form and has no diacritics, so most names skip the Unicode tables
/// (a property test checks that both ways agree on ASCII).
fn folded(name: &str, camel: bool) -> String {
    if name.is_ascii() {
        let mut s = if camel {
            split_camel(name)
        } else {
            name.to_string()
        };
        s.make_ascii_lowercase();
        s
    } else {
        folded_unicode(name, camel)
    }
}

/// [`folded`] through the Unicode tables, whatever `name` holds.
fn folded_unicode(name: &str, camel: bool) -> String {
    let nfkc: String = name.nfkc().collect::<String>();
    let nfkc = if camel { split_camel(&nfkc) } else { nfkc };
    fold_diacritics(&nfkc).to_lowercase()
}

fn tokens_with(name: &str, camel: bool) -> Vec<String> {
    let name = super::chars::strip_ignorables(name).0;
    let nfkc = folded(&name, camel);
    let mut out: Vec<String> = Vec::new();
    for word in nfkc.split_whitespace() {
        if let Some(acronym) = join_dotted_acronym(word.trim_end_matches([',', ';'])) {
            out.push(acronym);
            continue;
        }
        let mut cur = String::new();
        for c in word.chars() {
            if c.is_alphanumeric() {
                cur.push(c);
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    // Strip CJK legal suffixes until none is left, so that normalising twice changes nothing.
    for t in &mut out {
        while let Some(suffix) = CJK_LEGAL_SUFFIXES
            .iter()
            .find(|s| t.len() > s.len() && t.ends_with(*s))
        {
            t.truncate(t.len() - suffix.len());
        }
    }
    let mut kept: Vec<String> = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        if let Some(run) = LEGAL_FORM_RUNS.iter().find(|run| {
            out.len() - i >= run.len() && run.iter().zip(&out[i..]).all(|(a, b)| *a == b)
        }) {
            i += run.len();
            continue;
        }
        if !is_legal_form(&out[i]) {
            kept.push(out[i].clone());
        }
        i += 1;
    }
    if kept.is_empty() {
        out
    } else {
        kept
    }
}

/// A looser comparison key that keeps legal forms: NFKC, lowercase, letters and digits only.
pub(crate) fn loose(name: &str) -> String {
    let name = super::chars::strip_ignorables(name).0;
    if name.is_ascii() {
        // ASCII is its own NFKC form.
        return name
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    name.nfkc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The normalised form of a name: its tokens joined by single spaces.
pub fn normalize(name: &str) -> String {
    tokens(name).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_takes_a_short_cut_to_the_same_result(name in "[ -~]{0,40}", camel: bool) {
            proptest::prop_assert_eq!(folded(&name, camel), folded_unicode(&name, camel));
            let unicode: String = name
                .nfkc()
                .collect::<String>()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            proptest::prop_assert_eq!(loose(&name), unicode);
        }
    }

    #[test]
    fn case_punctuation_and_spacing() {
        assert_eq!(normalize("  HUAWEI   TECHNOLOGIES "), "huawei technologies");
        assert_eq!(normalize("Hik-Vision"), "hik vision");
        assert_eq!(normalize("Dahua_Technology"), "dahua technology");
    }

    #[test]
    fn nfkc_folds_full_width_forms() {
        assert_eq!(normalize("ＨＵＡＷＥＩ"), "huawei");
        assert_eq!(normalize("ＺＴＥ　Ｃｏｒｐ．"), "zte");
    }

    #[test]
    fn legal_forms_are_dropped() {
        assert_eq!(
            normalize("HUAWEI TECHNOLOGIES CO.,LTD"),
            "huawei technologies"
        );
        assert_eq!(
            normalize("Huawei Technologies Co., Ltd."),
            "huawei technologies"
        );
        assert_eq!(
            normalize("Telefonaktiebolaget LM Ericsson"),
            "telefonaktiebolaget lm ericsson"
        );
        assert_eq!(normalize("Nokia Oyj"), "nokia");
        assert_eq!(normalize("AO Kaspersky Lab"), "kaspersky lab");
        assert_eq!(normalize("ООО Касперский"), "касперский");
        assert_eq!(normalize("Siemens AG"), "siemens");
        assert_eq!(normalize("UAB Telia"), "telia");
        assert_eq!(normalize("华为技术有限公司"), "华为技术");
    }

    #[test]
    fn dotted_acronyms_are_joined() {
        assert_eq!(normalize("Z.T.E."), "zte");
        assert_eq!(normalize("Z.T.E. Corporation"), "zte");
        assert_eq!(normalize("Ericsson S.A."), "ericsson");
    }

    #[test]
    fn camel_case_and_diacritics() {
        assert_eq!(normalize("HuaweiTe"), "huawei te");
        assert_eq!(normalize("DahuaTech"), "dahua tech");
        assert_eq!(normalize("Telefónica"), "telefonica");
        assert_eq!(normalize("Acme Labs GmbH"), "acme labs");
        assert_eq!(normalize("Siemens KGaA"), "siemens");
        assert_eq!(normalize("Škoda s.r.o."), "skoda");
        assert_eq!(
            normalize("АО «Лаборатория Касперского»"),
            "лаборатория касперского"
        );
        assert!(is_cjk("华为"));
        assert!(!is_cjk("huawei"));
    }

    #[test]
    fn invisible_code_points_are_removed() {
        assert_eq!(normalize("Hua\u{200b}wei"), "huawei");
        assert_eq!(normalize("Hik\u{00ad}vision\u{2060} Co."), "hikvision");
        assert_eq!(normalize("\u{feff}ZTE\u{fe0f}"), "zte");
        assert_eq!(loose("Hua\u{200d}wei Co."), "huaweico");
    }

    #[test]
    fn legal_forms_of_several_words_are_dropped() {
        assert_eq!(
            normalize("Przykład Sieci Sp. z o.o."),
            normalize("Przykład Sieci")
        );
        assert_eq!(
            normalize("Przyklad Spółka z ograniczoną odpowiedzialnością"),
            "przyklad"
        );
        assert_eq!(normalize("Vyrobce spol. s r.o."), "vyrobce");
        assert_eq!(normalize("Example Sp.k."), "example");
        // Outside a run a single letter stays: "Z" is a word of its own here.
        assert_eq!(normalize("Plan Z Networks"), "plan z networks");
    }

    #[test]
    fn a_name_made_only_of_legal_forms_is_kept() {
        assert_eq!(normalize("Company"), "company");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("..."), "");
    }

    #[test]
    fn idempotent_on_samples() {
        for s in [
            "HUAWEI TECHNOLOGIES CO.,LTD",
            "Z.T.E.",
            "ＨＵＡＷＥＩ",
            "华为技术有限公司",
            "Ab Co",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s}");
        }
    }
}
