//! Control characters made visible: the one notation every text rendering and message uses, so
//! that a value read from an inventory, a registry or a file name can never reach a terminal
//! raw, move its cursor, recolour it, reorder what it shows or forge a line of a report.
//!
//! The notation is Rust's: a line feed is `\n`, a carriage return `\r`, a tab `\t`, and every
//! other escaped character is `\u{…}` with its code point in lowercase hexadecimal (ESC is
//! `\u{1b}`, BEL `\u{7}`, the C1 CSI `\u{9b}`, RIGHT-TO-LEFT OVERRIDE `\u{202e}`). Escaped are
//! all C0 and C1 control characters and DEL ([`char::is_control`]), the bidirectional
//! embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the bidirectional marks
//! (U+200E, U+200F, U+061C) and the Unicode line and paragraph separators (U+2028, U+2029),
//! which some viewers break lines at. A backslash is not escaped: text without any of these
//! characters is shown exactly as it is, so `\n` in a rendering is either an escaped line feed
//! or the two characters `\` `n`; the JSON report keeps the exact text.
//!
//! JSON keeps the exact text too, but written so that it is safe on a terminal: its grammar
//! escapes the C0 controls, and [`json_to_writer_pretty`] (serde_json's pretty layout) writes
//! DEL, the C1 controls and the bidirectional characters above as `\u` escapes as well.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` is shown escaped (see the module documentation).
pub(crate) fn is_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Whether `s` holds a character that is shown escaped.
pub(crate) fn needs_escape(s: &str) -> bool {
    // Fast path: printable ASCII (one vectorisable pass) holds no escaped character.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return false;
    }
    s.chars().any(is_escaped)
}

/// Writes the visible form of the one character `c`, which must be [`is_escaped`].
fn write_char<W: fmt::Write + ?Sized>(out: &mut W, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    }
}

/// Appends `c` to `out`: as it is, or in its visible form when it [`is_escaped`].
pub fn push(out: &mut String, c: char) {
    if is_escaped(c) {
        // Writing into a String cannot fail.
        let _ = write_char(out, c);
    } else {
        out.push(c);
    }
}

/// Writes `s` to `out` with every escaped character in its visible form.
pub fn write<W: fmt::Write + ?Sized>(out: &mut W, s: &str) -> fmt::Result {
    if !needs_escape(s) {
        return out.write_str(s);
    }
    let mut rest = s;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_escaped(c)) {
        out.write_str(&rest[..i])?;
        write_char(out, c)?;
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// `s` with every escaped character in its visible form; borrowed when there is none.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !needs_escape(s) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    // Writing into a String cannot fail.
    let _ = write(&mut o, s);
    Cow::Owned(o)
}

/// Displays a string in its visible form: `format!("{}", Visible(name))`.
#[derive(Clone, Copy, Debug)]
pub struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Padding counts the visible form's characters.
            return f.pad(&visible(self.0));
        }
        write(f, self.0)
    }
}

/// Writes a fragment of a JSON string (serde_json has escaped the C0 controls, `"` and `\`)
/// with every other [`is_escaped`] character as a `\uXXXX` escape (all of them are in the
/// Basic Multilingual Plane).
pub(crate) fn write_json_fragment<W: ?Sized + std::io::Write>(
    w: &mut W,
    fragment: &str,
) -> std::io::Result<()> {
    // Fast path: every character left to escape here is DEL or outside ASCII (both tests run
    // a word or a vector at a time).
    if fragment.is_ascii() && memchr::memchr(0x7f, fragment.as_bytes()).is_none() {
        return w.write_all(fragment.as_bytes());
    }
    let mut rest = fragment;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_escaped(c)) {
        w.write_all(&rest.as_bytes()[..i])?;
        write!(w, "\\u{:04x}", c as u32)?;
        rest = &rest[i + c.len_utf8()..];
    }
    w.write_all(rest.as_bytes())
}

/// serde_json's pretty layout, with the strings written by [`write_json_fragment`].
struct JsonPretty(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for JsonPretty {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_json_fragment(w, fragment)
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// serde_json's compact layout, with strings escaped terminal-safe ([`write_json_fragment`]).
struct JsonCompact;

impl serde_json::ser::Formatter for JsonCompact {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_json_fragment(w, fragment)
    }
}

/// `serde_json::to_writer` (one line), with DEL, C1 and bidirectional characters as `\u`
/// escapes.
pub(crate) fn json_to_writer_compact<W: std::io::Write, T: serde::Serialize + ?Sized>(
    w: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, JsonCompact);
    value.serialize(&mut ser)
}

/// `serde_json::to_writer_pretty`, with DEL, C1 and bidirectional characters as `\u` escapes.
pub fn json_to_writer_pretty<W: std::io::Write, T: serde::Serialize + ?Sized>(
    w: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        w,
        JsonPretty(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)
}

/// `serde_json::to_vec_pretty`, with DEL, C1 and bidirectional characters as `\u` escapes.
pub(crate) fn json_to_vec_pretty<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<Vec<u8>> {
    let mut v = Vec::with_capacity(128);
    json_to_writer_pretty(&mut v, value)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_characters_become_visible() {
        assert_eq!(visible("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(visible("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(visible("x\u{9b}2J\u{7f}\0"), "x\\u{9b}2J\\u{7f}\\u{0}");
        assert_eq!(visible("\u{202e}iewauH"), "\\u{202e}iewauH");
        assert_eq!(
            visible("\u{202a}\u{202d}\u{2066}\u{2069}\u{200f}\u{2028}"),
            "\\u{202a}\\u{202d}\\u{2066}\\u{2069}\\u{200f}\\u{2028}"
        );
    }

    #[test]
    fn other_text_is_unchanged_and_borrowed() {
        for s in [
            "",
            "Huawei",
            "Telefónica \\n",
            "华为",
            "Hua\u{200b}wei",
            "a\u{a0}b",
        ] {
            assert!(matches!(visible(s), Cow::Borrowed(t) if t == s), "{s:?}");
        }
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = visible("\u{1b}]0;title\u{7}\n").into_owned();
        assert_eq!(visible(&once), once);
        assert!(!needs_escape(&once));
    }

    #[test]
    fn json_escapes_c1_and_bidi_and_keeps_the_text() {
        let s = "a\u{1b}[31m\u{9b}2J\u{7f}\u{202e}é华\n";
        let v = serde_json::json!({ "k": s, "n": [1, 2] });
        let text = String::from_utf8(json_to_vec_pretty(&v).unwrap()).unwrap();
        assert!(
            text.contains(r#""a\u001b[31m\u009b2J\u007f\u202eé华\n""#),
            "{text}"
        );
        assert!(!text.chars().any(|c| c != '\n' && is_escaped(c)), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        // DEL in an otherwise ASCII string (the fast path's test).
        let del = serde_json::json!({ "k": "ab\u{7f}c" });
        let text = String::from_utf8(json_to_vec_pretty(&del).unwrap()).unwrap();
        assert!(text.contains(r#""ab\u007fc""#), "{text}");
        // Without such characters: serde_json's own pretty output, byte for byte.
        let plain = serde_json::json!({ "k": "Huawei \"x\" \\", "n": [1, {"a": null}], "e": {} });
        assert_eq!(
            json_to_vec_pretty(&plain).unwrap(),
            serde_json::to_vec_pretty(&plain).unwrap()
        );
    }

    #[test]
    fn display_escapes_and_pads() {
        assert_eq!(format!("{}", Visible("a\u{1b}")), "a\\u{1b}");
        assert_eq!(format!("[{:<8}]", Visible("a\n")), "[a\\n     ]");
        let mut s = String::new();
        push(&mut s, '\u{202e}');
        push(&mut s, 'x');
        assert_eq!(s, "\\u{202e}x");
    }
}
