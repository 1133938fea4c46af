//! Characters that disguise a name: invisible code points, bidi overrides and look-alike letters.
//!
//! Three ways a vendor string can read as a listed name to a person while differing from it
//! byte for byte, and how each is undone before matching:
//! - **default-ignorable code points** (Unicode `Default_Ignorable_Code_Point`: zero-width space
//!   and joiners, soft hyphen, word joiner, bidi controls, variation selectors, BOM, tag
//!   characters, ...) are removed ([`strip_ignorables`]);
//! - **bidi overrides**: a string with explicit right-to-left overrides, embeddings or
//!   isolates is also read in the order a person sees it ([`visual_order`], the Unicode
//!   Bidirectional Algorithm on a left-to-right line);
//! - **look-alike letters** of other scripts (Cyrillic `Н`, Greek `Ζ`, Armenian `օ`, Cherokee
//!   `Ꮋ`, ...) are read as the Latin letter they are confusable with (UTS #39 confusables,
//!   [`latin_lookalike`]): in a word that mixes scripts, and in a word written only with such
//!   letters ([`lookalike_form`]). Latin letters and digits are never changed, so model
//!   numbers and real Latin names keep their spelling; genuine names in other scripts are
//!   still matched as written (this is an additional reading, not a replacement).
//!
//! The Unicode data comes from `unicode-security` (confusables, default-ignorables, UTS #39
//! script sets), `unicode-script` and `unicode-bidi`. Pure-ASCII strings have none of these and
//! are returned untouched at the cost of one scan.

use std::borrow::Cow;
use std::fmt;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

/// One change made to a string's characters before matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CharMapping {
    /// A default-ignorable (invisible) code point was removed.
    Ignorable(char),
    /// The string is shown in another order than it is stored (bidi controls): what a person
    /// sees.
    Visual(String),
    /// A letter of another script was read as the Latin letter it looks like.
    Confusable {
        /// The letter in the string.
        from: char,
        /// The Latin letter it is confusable with.
        to: char,
    },
    /// A letter of one script among the letters of another in a word (a Latin `o` in a
    /// Cyrillic name), which looks like the letter it stands for.
    Foreign {
        /// The letter in the string.
        letter: char,
        /// The script of the word's other letters.
        among: Script,
    },
    /// Letters of another script transliterated to Latin (`any_ascii`): "华为" read as
    /// "HuaWei", "Касперский" as "Kasperskiy". A weaker reading than a look-alike: a match
    /// found on it is for review only.
    Transliterated(String),
}

impl fmt::Display for CharMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CharMapping::Ignorable(c) => {
                write!(f, "invisible U+{:04X} removed", u32::from(*c))
            }
            CharMapping::Visual(shown) => write!(f, "displays as '{shown}' (bidi override)"),
            CharMapping::Confusable { from, to } => write!(
                f,
                "{} '{from}' (U+{:04X}) read as Latin '{to}'",
                from.script().full_name(),
                u32::from(*from)
            ),
            CharMapping::Foreign { letter, among } => write!(
                f,
                "{} '{letter}' (U+{:04X}) among {} letters",
                letter.script().full_name(),
                u32::from(*letter),
                among.full_name()
            ),
            CharMapping::Transliterated(latin) => write!(f, "transliterated to Latin as '{latin}'"),
        }
    }
}

/// A form of a vendor string to match, and the mappings that made it from the string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The text to match.
    pub text: String,
    /// What was changed, in order; empty for the string as written.
    pub mappings: Vec<CharMapping>,
    /// Whether a word of it mixes scripts (UTS #39) and had letters mapped: itself evidence of
    /// a disguise.
    pub mixed_script: bool,
}

impl Reading {
    /// The mappings in plain words ("Cyrillic 'Н' (U+041D) read as Latin 'H'; ..."), each
    /// named once.
    pub fn describe(&self) -> String {
        describe(&self.mappings)
    }
}

/// `mappings` in plain words, each distinct mapping once, joined by "; ".
pub fn describe(mappings: &[CharMapping]) -> String {
    let mut seen: Vec<&CharMapping> = Vec::new();
    for m in mappings {
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    seen.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `s` transliterated to Latin letters, when it holds letters of another script (and so reads
/// differently); `None` for Latin text.
pub(crate) fn transliterate(s: &str) -> Option<String> {
    if !s
        .chars()
        .any(|c| c.is_alphabetic() && !c.is_ascii() && c.script() != Script::Latin)
    {
        return None;
    }
    let latin = any_ascii::any_ascii(s);
    (latin.trim() != s.trim()).then_some(latin)
}

/// Whether `c` is a Unicode `Default_Ignorable_Code_Point` (invisible when displayed).
///
/// `unicode-security` keeps the property's table private but applies it in the UTS #39
/// skeleton, which drops exactly these code points (no other character has an empty
/// skeleton); the table is its, not ours.
pub fn is_default_ignorable(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 4];
    let empty = unicode_security::skeleton(c.encode_utf8(&mut buf))
        .next()
        .is_none();
    empty
}

/// `s` without its default-ignorable code points, and the code points removed (in order).
pub(crate) fn strip_ignorables(s: &str) -> (Cow<'_, str>, Vec<CharMapping>) {
    if s.is_ascii() || !s.chars().any(is_default_ignorable) {
        return (Cow::Borrowed(s), Vec::new());
    }
    let mut removed = Vec::new();
    let text = s
        .chars()
        .filter(|&c| {
            let ignorable = is_default_ignorable(c);
            if ignorable {
                removed.push(CharMapping::Ignorable(c));
            }
            !ignorable
        })
        .collect();
    (Cow::Owned(text), removed)
}

/// Whether `c` is an explicit bidi formatting character that changes the order of what
/// follows: LRE, RLE, PDF, LRO, RLO (U+202A..U+202E) and LRI, RLI, FSI, PDI (U+2066..U+2069).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The order in which a left-to-right display shows `s`, when `s` holds explicit bidi
/// controls and that order differs from the stored one (controls and other invisible code
/// points removed from both); `None` otherwise.
pub(crate) fn visual_order(s: &str) -> Option<String> {
    if s.is_ascii() || !s.chars().any(is_bidi_control) {
        return None;
    }
    let info = unicode_bidi::BidiInfo::new(s, Some(unicode_bidi::Level::ltr()));
    let mut shown = String::with_capacity(s.len());
    for para in &info.paragraphs {
        shown.push_str(&info.reorder_line(para, para.range.clone()));
    }
    let shown = strip_ignorables(&shown).0.into_owned();
    (shown != strip_ignorables(s).0).then_some(shown)
}

/// The Latin letter that `c`, a letter of another script, is confusable with (UTS #39
/// confusables; a prototype with only combining marks after the letter counts as the letter,
/// as diacritics are folded for Latin letters). `None` for ASCII, for letters of the Latin
/// script, for characters that are not letters, and for letters whose look-alike is a digit
/// or something other than one ASCII letter (Cyrillic `З` looks like `3`: not mapped, so
/// model numbers are never changed).
pub(crate) fn latin_lookalike(c: char) -> Option<char> {
    if c.is_ascii() || !c.is_alphabetic() || c.script() == Script::Latin {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut proto = unicode_security::skeleton(c.encode_utf8(&mut buf));
    let first = proto.next()?;
    if !first.is_ascii_alphabetic() || !proto.all(is_combining_mark) {
        return None;
    }
    // A prototype stands for a class of look-alikes ('l' for l, I, 1, |): read the letter as
    // the ASCII letter of its own case in that class (Greek capital iota as 'I', not 'l').
    let upper = c.is_uppercase();
    Some(
        ascii_classes()
            .iter()
            .find(|&&(p, l)| p == first && l.is_ascii_uppercase() == upper)
            .map_or(first, |&(_, l)| l),
    )
}

/// Each ASCII letter whose UTS #39 prototype is one ASCII letter, with that prototype.
fn ascii_classes() -> &'static [(char, char)] {
    static CLASSES: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    CLASSES.get_or_init(|| {
        ('A'..='Z')
            .chain('a'..='z')
            .filter_map(|l| {
                let mut buf = [0u8; 4];
                let mut proto = unicode_security::skeleton(l.encode_utf8(&mut buf));
                match (proto.next(), proto.next()) {
                    (Some(p), None) if p.is_ascii_alphabetic() => Some((p, l)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// Whether a character belongs to a word (letters, digits and the marks on them).
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The Latin look-alike reading of `s` (after NFKC: full-width and mathematical letters are
/// plain ones by then), when it differs from `s`: the letters mapped (see [`latin_lookalike`])
/// are those of words that mix scripts (UTS #39: "Нuawei", "HUАWЕI"), and of words written
/// only with letters that all have a Latin look-alike ("ΖΤΕ"). Other words (genuine
/// Cyrillic, Greek or Chinese names) are kept as written. Returns the text, the mappings and
/// whether a mixed-script word was mapped.
pub fn lookalike_form(s: &str) -> Option<(String, Vec<CharMapping>, bool)> {
    if s.is_ascii() {
        return None;
    }
    let s: String = s.nfkc().collect();
    let mut out = String::with_capacity(s.len());
    let mut mappings = Vec::new();
    let mut mixed_any = false;
    let mut rest = s.as_str();
    while let Some(start) = rest.find(in_word) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !in_word(c)).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if word.is_ascii() {
            out.push_str(word);
            continue;
        }
        let mixed = !word.is_single_script();
        let letters = || word.chars().filter(|c| c.is_alphabetic());
        let all_lookalike = letters().next().is_some()
            && letters().all(|c| latin_lookalike(c).is_some() || c.is_ascii_alphabetic());
        if !mixed && !all_lookalike {
            out.push_str(word);
            continue;
        }
        let before = mappings.len();
        for c in word.chars() {
            match latin_lookalike(c) {
                Some(to) => {
                    mappings.push(CharMapping::Confusable { from: c, to });
                    out.push(to);
                }
                None => out.push(c),
            }
        }
        mixed_any |= mixed && mappings.len() > before;
    }
    out.push_str(rest);
    (!mappings.is_empty()).then_some((out, mappings, mixed_any))
}

/// `s` (after NFKC) with every letter that has a Latin look-alike read as Latin, whatever the
/// word: the form in which registry names written in other scripts are indexed, so that a
/// string spelling one with some Latin letters ("Kaсперский") is recognised. `None` when
/// nothing changes.
pub(crate) fn lookalike_all(s: &str) -> Option<(String, Vec<CharMapping>)> {
    if s.is_ascii() {
        return None;
    }
    let mut mappings = Vec::new();
    let text = s
        .nfkc()
        .map(|c| match latin_lookalike(c) {
            Some(to) => {
                mappings.push(CharMapping::Confusable { from: c, to });
                to
            }
            None => c,
        })
        .collect();
    (!mappings.is_empty()).then_some((text, mappings))
}

/// The letters of words that mix scripts which are not of the word's main script (the one most
/// of its letters are written in): what disguises a name written in another script.
pub(crate) fn foreign_letters(s: &str) -> Vec<CharMapping> {
    let mut out = Vec::new();
    if s.is_ascii() {
        return out;
    }
    for word in s.split(|c: char| !in_word(c)).filter(|w| !w.is_ascii()) {
        if word.is_single_script() {
            continue;
        }
        let scripts: Vec<Script> = word
            .chars()
            .filter(|c| c.is_alphabetic())
            .map(|c| c.script())
            .filter(|s| !matches!(s, Script::Common | Script::Inherited | Script::Unknown))
            .collect();
        let Some(&main) = scripts
            .iter()
            .max_by_key(|s| scripts.iter().filter(|t| t == s).count())
        else {
            continue;
        };
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            let script = c.script();
            if script != main && !matches!(script, Script::Common | Script::Inherited) {
                out.push(CharMapping::Foreign {
                    letter: c,
                    among: main,
                });
            }
        }
    }
    out
}

/// Every reading of a vendor string besides the string as written: the string without
/// invisible code points (when it had any), the order it displays in (bidi controls), and the
/// Latin look-alike form of each. Empty for a pure-ASCII string and for a string none of this
/// changes.
pub fn readings(s: &str) -> Vec<Reading> {
    if s.is_ascii() {
        return Vec::new();
    }
    let (stripped, removed) = strip_ignorables(s);
    let mut bases = vec![Reading {
        text: stripped.into_owned(),
        mappings: removed.clone(),
        mixed_script: false,
    }];
    if let Some(shown) = visual_order(s) {
        let mut mappings = vec![CharMapping::Visual(shown.clone())];
        mappings.extend(removed);
        bases.push(Reading {
            text: shown,
            mappings,
            mixed_script: false,
        });
    }
    let mut out = Vec::new();
    for base in bases {
        let lookalike = lookalike_form(&base.text);
        let changed = !base.mappings.is_empty();
        if let Some((text, confusables, mixed)) = lookalike {
            let mut mappings = base.mappings.clone();
            mappings.extend(confusables);
            if changed {
                out.push(base);
            }
            out.push(Reading {
                text,
                mappings,
                mixed_script: mixed,
            });
        } else if changed {
            out.push(base);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ignorables_are_removed() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{00AD}',
            '\u{2060}',
            '\u{202E}',
            '\u{2066}',
            '\u{FE0F}',
            '\u{FEFF}',
            '\u{E0041}',
            '\u{180E}',
            '\u{3164}',
        ] {
            assert!(is_default_ignorable(c), "U+{:04X}", u32::from(c));
        }
        for c in [
            'a', ' ', '-', 'Н', 'é', '华', '\u{0301}', '\u{00A0}', '\u{3000}',
        ] {
            assert!(!is_default_ignorable(c), "U+{:04X}", u32::from(c));
        }
        let (s, removed) = strip_ignorables("Hua\u{200B}we\u{00AD}i\u{FEFF}");
        assert_eq!(s, "Huawei");
        assert_eq!(
            removed,
            [
                CharMapping::Ignorable('\u{200B}'),
                CharMapping::Ignorable('\u{00AD}'),
                CharMapping::Ignorable('\u{FEFF}')
            ]
        );
        assert!(matches!(strip_ignorables("Huawei").0, Cow::Borrowed(_)));
        assert!(matches!(strip_ignorables("华为").0, Cow::Borrowed(_)));
    }

    #[test]
    fn bidi_overrides_are_read_as_displayed() {
        assert_eq!(visual_order("\u{202E}iewauH").as_deref(), Some("Huawei"));
        assert_eq!(
            visual_order("Acme \u{202E}iewauH\u{202C} Ltd").as_deref(),
            Some("Acme Huawei Ltd")
        );
        // An isolate reverses too; an embedding alone does not reorder Latin letters.
        assert_eq!(visual_order("\u{2067}\u{202E}ETZ").as_deref(), Some("ZTE"));
        assert_eq!(visual_order("\u{202B}Huawei\u{202C}"), None);
        assert_eq!(visual_order("Huawei"), None);
        assert_eq!(visual_order("Hua\u{200B}wei"), None);
    }

    #[test]
    fn lookalike_letters_of_other_scripts_become_latin() {
        assert_eq!(latin_lookalike('Н'), Some('H'));
        assert_eq!(latin_lookalike('һ'), Some('h'));
        assert_eq!(latin_lookalike('о'), Some('o'));
        assert_eq!(latin_lookalike('Ζ'), Some('Z'));
        assert_eq!(latin_lookalike('Т'), Some('T'));
        // The letter of the same case in the look-alike class: capital iota is 'I', not 'l'.
        assert_eq!(latin_lookalike('Ι'), Some('I'));
        assert_eq!(latin_lookalike('І'), Some('I'));
        assert_eq!(latin_lookalike('і'), Some('i'));
        assert_eq!(latin_lookalike('ο'), Some('o'));
        assert_eq!(latin_lookalike('օ'), Some('o'), "Armenian");
        assert_eq!(latin_lookalike('Ꮋ'), Some('H'), "Cherokee");
        // Never Latin letters, digits or letters whose look-alike is a digit.
        for c in ['l', 'I', '0', '1', 'm', 'é', 'З', 'б', 'Я', '华'] {
            assert_eq!(latin_lookalike(c), None, "{c}");
        }
    }

    #[test]
    fn mixed_words_and_all_lookalike_words_are_mapped() {
        let form = |s: &str| lookalike_form(s).map(|f| (f.0, f.2));
        assert_eq!(form("Нuawei"), Some(("Huawei".into(), true)));
        assert_eq!(form("HUАWЕI"), Some(("HUAWEI".into(), true)));
        assert_eq!(form("Hikvisiоn"), Some(("Hikvision".into(), true)));
        assert_eq!(form("ZТЕ"), Some(("ZTE".into(), true)));
        assert_eq!(form("ΖΤΕ"), Some(("ZTE".into(), false)));
        assert_eq!(form("ΟΤΕ"), Some(("OTE".into(), false)));
        assert_eq!(
            form("Нuawei Technologies"),
            Some(("Huawei Technologies".into(), true))
        );
        // Genuine names in other scripts, Latin names and digits stay as written.
        for s in [
            "Яндекс",
            "Ростелеком",
            "Сбер",
            "Касперский",
            "华为技术有限公司",
            "Huawei",
            "DS-2CD2143G0-I",
            "Škoda",
            "ООО «Лаборатория Касперского»",
        ] {
            let mapped = lookalike_form(s).map(|f| f.0);
            assert!(
                mapped.is_none() || s.split_whitespace().count() > 1,
                "{s} -> {mapped:?}"
            );
        }
        assert_eq!(
            describe(&foreign_letters("AO «Лабoратория Касперского»")),
            "Latin 'o' (U+006F) among Cyrillic letters"
        );
        assert!(foreign_letters("Лаборатория Касперского").is_empty());
        // Only the all-look-alike word of a genuine name is read as Latin.
        assert_eq!(
            lookalike_form("ООО Сбер").map(|f| f.0).as_deref(),
            Some("OOO Сбер")
        );
    }

    #[test]
    fn readings_combine_the_mappings() {
        assert!(readings("Huawei").is_empty());
        assert!(readings("Касперский").is_empty());
        let r = readings("\u{202E}iewauH");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "iewauH");
        assert_eq!(r[1].text, "Huawei");
        assert_eq!(
            r[1].describe(),
            "displays as 'Huawei' (bidi override); invisible U+202E removed"
        );
        let r = readings("Нuawei");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].text, "Huawei");
        assert!(r[0].mixed_script);
        assert_eq!(r[0].describe(), "Cyrillic 'Н' (U+041D) read as Latin 'H'");
        let r = readings("HUАWЕI");
        assert_eq!(
            r[0].describe(),
            "Cyrillic 'А' (U+0410) read as Latin 'A'; Cyrillic 'Е' (U+0415) read as Latin 'E'"
        );
    }
}
