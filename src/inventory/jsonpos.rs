//! Where values start in a JSON text: byte offsets by path, and offsets as lines and columns.
//!
//! serde_json parses values but forgets where they were. This scanner walks a text that
//! serde_json has already accepted and records the byte offset at which selected values start
//! (their opening `{`, `[`, `"` or first digit), so that items can name the line of their
//! object and errors the line and column of a value. It never panics: on anything unexpected
//! it stops and returns what it found so far.

use std::collections::HashMap;

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// A member of an object.
    Key(String),
    /// An element of an array (0-based).
    Index(usize),
}

/// Byte offsets of the values whose path `want` accepts.
pub(crate) type Offsets = HashMap<Vec<Seg>, usize>;

/// Deepest nesting followed (serde_json refuses deeper documents anyway).
const MAX_DEPTH: usize = 256;

struct Scanner<'a, F> {
    b: &'a [u8],
    pos: usize,
    want: F,
    out: Offsets,
    /// Whether to look for duplicate keys (the scan stops at the first).
    dups: bool,
    dup: Option<DuplicateKey>,
}

/// A key that appears twice in one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The key, unescaped.
    pub key: String,
    /// Byte offset of the first occurrence's opening quote.
    pub first: usize,
    /// Byte offset of the second occurrence's opening quote.
    pub second: usize,
}

/// The first key that appears twice in one object of `text` (a text serde_json accepted), in
/// any object at any depth. Keys are compared unescaped (`"na\u006de"` is `"name"`).
pub(crate) fn duplicate_key(text: &str) -> Option<DuplicateKey> {
    let mut s = Scanner {
        b: text.as_bytes(),
        pos: 0,
        want: |_: &[Seg]| false,
        out: HashMap::new(),
        dups: true,
        dup: None,
    };
    let mut path = Vec::new();
    s.value(&mut path);
    s.dup
}

/// Scans `text` and returns the start offsets of the values whose path `want` accepts.
pub(crate) fn offsets(text: &str, want: impl FnMut(&[Seg]) -> bool) -> Offsets {
    let mut s = Scanner {
        b: text.as_bytes(),
        pos: 0,
        want,
        out: HashMap::new(),
        dups: false,
        dup: None,
    };
    let mut path = Vec::new();
    s.value(&mut path);
    s.out
}

impl<F: FnMut(&[Seg]) -> bool> Scanner<'_, F> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
        // A UTF-8 byte-order mark at the very start.
        if self.pos == 0 && self.b.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
            self.ws();
        }
    }

    /// Skips a string starting at `pos` (a `"`); returns its raw contents.
    fn string(&mut self) -> Option<&str> {
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match self.b.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        std::str::from_utf8(self.b.get(start..i)?).ok()
    }

    /// Returns false when the text ends or is not as expected.
    fn value(&mut self, path: &mut Vec<Seg>) -> bool {
        if path.len() > MAX_DEPTH {
            return false;
        }
        self.ws();
        let Some(&c) = self.b.get(self.pos) else {
            return false;
        };
        if (self.want)(path) {
            self.out.insert(path.clone(), self.pos);
        }
        match c {
            b'{' => {
                self.pos += 1;
                self.ws();
                if self.b.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return true;
                }
                let mut seen: HashMap<String, usize> = HashMap::new();
                loop {
                    self.ws();
                    if self.b.get(self.pos) != Some(&b'"') {
                        return false;
                    }
                    let key_at = self.pos;
                    let Some(raw) = self.string() else {
                        return false;
                    };
                    let key = if raw.contains('\\') {
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string())
                    } else {
                        raw.to_string()
                    };
                    if self.dups {
                        if let Some(&first) = seen.get(&key) {
                            self.dup = Some(DuplicateKey {
                                key,
                                first,
                                second: key_at,
                            });
                            return false;
                        }
                        seen.insert(key.clone(), key_at);
                    }
                    self.ws();
                    if self.b.get(self.pos) != Some(&b':') {
                        return false;
                    }
                    self.pos += 1;
                    path.push(Seg::Key(key));
                    let ok = self.value(path);
                    path.pop();
                    if !ok {
                        return false;
                    }
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return true;
                        }
                        _ => return false,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.ws();
                if self.b.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return true;
                }
                let mut i = 0;
                loop {
                    path.push(Seg::Index(i));
                    let ok = self.value(path);
                    path.pop();
                    if !ok {
                        return false;
                    }
                    i += 1;
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return true;
                        }
                        _ => return false,
                    }
                }
            }
            b'"' => self.string().is_some(),
            _ => {
                // A number, true, false or null: up to the next delimiter.
                let start = self.pos;
                while self.b.get(self.pos).is_some_and(|c| {
                    !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                self.pos > start
            }
        }
    }
}

/// A serde_json error's message without serde_json's own " at line L column C" suffix.
pub fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// What a JSON value is, for messages.
pub(crate) fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::lines::LineIndex;

    #[test]
    fn finds_objects_by_path() {
        let text = "[\n  {\"a\": 1, \"b\": [true, {\"c\": \"x\\\"}\"}]},\n  {\"a\":\n 2}\n]\n";
        let o = offsets(text, |p| p.len() == 1);
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(o[&vec![Seg::Index(0)]]), (2, 3));
        assert_eq!(li.line_col(o[&vec![Seg::Index(1)]]), (3, 3));
        let o = offsets(text, |p| p.last() == Some(&Seg::Key("a".into())));
        assert_eq!(
            li.line_col(o[&vec![Seg::Index(1), Seg::Key("a".into())]]),
            (4, 2)
        );
        let o = offsets(text, |p| p.len() == 4);
        let c = o[&vec![
            Seg::Index(0),
            Seg::Key("b".into()),
            Seg::Index(1),
            Seg::Key("c".into()),
        ]];
        assert_eq!(&text[c..c + 3], "\"x\\");
    }

    #[test]
    fn escaped_keys_and_bom() {
        let text = "\u{feff}{\"com\\u0070onents\": [{}]}";
        let o = offsets(text, |p| p.len() == 2);
        assert!(o.contains_key(&vec![Seg::Key("components".into()), Seg::Index(0)]));
    }

    #[test]
    fn finds_duplicate_keys_at_any_depth() {
        assert_eq!(duplicate_key("[{\"a\": 1, \"b\": {\"a\": 2}}]"), None);
        assert_eq!(duplicate_key("{}"), None);
        let text = "{\"components\": [\n {\"manufacturer\": {\"name\": \"Huawei\",\n   \"name\": \"Nokia\"}}]}";
        let d = duplicate_key(text).unwrap();
        assert_eq!(d.key, "name");
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(d.first), (2, 20));
        assert_eq!(li.line_col(d.second), (3, 4));
        // Escapes are undone before comparing.
        let d = duplicate_key("[{\"vendor\": \"ZTE\", \"vend\\u006fr\": \"Huawei\"}]").unwrap();
        assert_eq!((d.key.as_str(), d.first, d.second), ("vendor", 2, 19));
        // A key repeated in sibling objects is no duplicate.
        assert_eq!(duplicate_key("[{\"a\": 1}, {\"a\": 1}]"), None);
        for t in ["{\"a\"", "{\"a\": 1, \"a\"", "[{\"a\":1,\"a\":"] {
            let _ = duplicate_key(t);
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for t in [
            "", "{", "[1,", "{\"a\"", "{\"a\":}", "\"abc", "[[[[", "{\"a\\", "]",
        ] {
            let _ = offsets(t, |_| true);
        }
        let deep = "[".repeat(10_000);
        let _ = offsets(&deep, |_| true);
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\n\u{e9}\u{e9}x";
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(text.find('x').unwrap()), (2, 3));
        assert_eq!(li.offset(2, 5), text.find('x').unwrap());
        assert_eq!(li.line(0), 1);
        assert_eq!(li.line(text.len()), 2);
    }
}
