//! Text encodings of CSV and TOML inventories: which one a file is in (a byte-order mark, the
//! `--encoding` given, UTF-16 told by its NUL bytes, UTF-8 when the text is valid UTF-8, else
//! `chardetng`'s guess), and a streaming decoder to UTF-8 that remembers where it met bytes
//! that are not valid in that encoding.
//!
//! Encodings are `encoding_rs`'s: the WHATWG Encoding Standard, whose labels (`windows-1257`,
//! `latin1`, `iso-8859-13`, `utf-16le`, ...) `--encoding` takes.

use std::collections::VecDeque;
use std::io::{self, Read};

pub use encoding_rs::Encoding;
use encoding_rs::{Decoder, DecoderResult, UTF_16BE, UTF_16LE, UTF_8};

/// Examples of labels, for messages.
pub const LABEL_EXAMPLES: &str =
    "utf-8, windows-1257 (Baltic), windows-1252, latin1, iso-8859-13, windows-1250, utf-16le, utf-16be";

/// The encoding a WHATWG label names (`None` for an unknown label, or one that names no
/// encoding a file can be decoded from, such as `replacement`).
pub fn for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label_no_replacement(label.trim().as_bytes())
}

/// How the encoding of a file was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// The text is valid UTF-8 (the default; nothing to note).
    Utf8,
    /// A byte-order mark declares it.
    Bom,
    /// `--encoding` gave it.
    Given,
    /// Guessed from the content (UTF-16 without a byte-order mark, or chardetng's guess for
    /// text that is not UTF-8).
    Detected,
}

/// The encoding a file is read in, and how it was chosen.
#[derive(Clone, Copy, Debug)]
pub struct Choice {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// How it was chosen.
    pub how: How,
    /// The encoding `--encoding` gave when a byte-order mark overrode it.
    pub overridden: Option<&'static Encoding>,
}

impl Choice {
    /// Whether the bytes go to the parser as they are (UTF-8, with or without a UTF-8
    /// byte-order mark): no decoding, the fast path.
    pub(crate) fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }

    /// The encoding's name as a report shows it (`UTF-8`, `windows-1257`, `UTF-16LE`).
    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }

    /// A provenance note saying how the encoding was chosen, unless it is plain UTF-8.
    pub fn note(&self) -> Option<String> {
        let name = self.name();
        match (self.how, self.overridden) {
            (How::Utf8, _) => None,
            // "CSV UTF-8" exports carry the mark: the default, nothing to note.
            (How::Bom, None) if self.is_utf8() => None,
            (How::Bom, Some(given)) => Some(format!(
                "encoding {name} declared by the file's byte-order mark (used instead of --encoding {})",
                given.name()
            )),
            (How::Bom, None) => Some(format!(
                "encoding {name} declared by the file's byte-order mark"
            )),
            (How::Given, _) => Some(format!("encoding {name} given with --encoding")),
            (How::Detected, _) => Some(format!(
                "encoding {name} detected from the content, not declared (pass --encoding if names look wrong)"
            )),
        }
    }
}

/// Why no encoding could be chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// NUL bytes that are not UTF-16 text: binary data.
    Binary,
}

/// How [`utf16_without_bom`] tells UTF-16 text without a byte-order mark by its NUL bytes.
/// ASCII text in UTF-16 has a NUL in every other byte: at least 80% of the even or of the odd
/// bytes of the sample are NULs (and the sample holds at least 8 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Utf16Nuls {
    /// How many bytes from the start are looked at.
    pub sample: usize,
    /// The other half must also be mostly text: at most 20% of it NULs. Without this, a run
    /// of NULs or ASCII text in UTF-32 counts as UTF-16 too.
    pub other_half_text: bool,
}

impl Utf16Nuls {
    /// Telling a file's format apart ([`super::sniff`]): the first 4,096 bytes, whatever
    /// the other half holds. A file this calls UTF-16 and the decoder does not is refused
    /// as binary data by the reader.
    pub(crate) const FORMAT: Utf16Nuls = Utf16Nuls {
        sample: 4096,
        other_half_text: false,
    };
    /// Choosing the encoding to decode in ([`choose`]): the first 256 bytes, the other half
    /// mostly text.
    pub(crate) const ENCODING: Utf16Nuls = Utf16Nuls {
        sample: 256,
        other_half_text: true,
    };
}

/// Whether `head` looks like UTF-16 text without a byte-order mark, as `test` tells it:
/// `Some(little_endian)` (little-endian when the odd bytes hold more NULs: 'v' 0 'e' 0 ...).
/// The one UTF-16 detection of the inventory readers.
pub(crate) fn utf16_without_bom(head: &[u8], test: Utf16Nuls) -> Option<bool> {
    let sample = &head[..head.len().min(test.sample)];
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    let one_half_nuls = half >= 4 && nul_even.max(nul_odd) * 10 >= half * 8;
    let other_half_text = !test.other_half_text || nul_even.min(nul_odd) * 10 <= half * 2;
    (one_half_nuls && other_half_text).then_some(nul_odd > nul_even)
}

/// Chooses the encoding of a file from its first bytes `head` (`whole`: they are the whole
/// file) and the encoding given with `--encoding`, if any. A byte-order mark wins over
/// everything; then the given encoding; then UTF-16 told by its NUL bytes; NUL bytes otherwise
/// are binary data; then UTF-8 when the head is valid UTF-8 (a sequence cut at the head's end
/// is fine); else chardetng's guess from the head.
pub fn choose(
    head: &[u8],
    whole: bool,
    given: Option<&'static Encoding>,
) -> Result<Choice, Refusal> {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return Ok(Choice {
            encoding,
            how: How::Bom,
            overridden: given.filter(|g| *g != encoding),
        });
    }
    if let Some(encoding) = given {
        return Ok(Choice {
            encoding,
            how: How::Given,
            overridden: None,
        });
    }
    if let Some(little) = utf16_without_bom(head, Utf16Nuls::ENCODING) {
        return Ok(Choice {
            encoding: if little { UTF_16LE } else { UTF_16BE },
            how: How::Detected,
            overridden: None,
        });
    }
    if head.iter().take(4096).any(|&b| b == 0) {
        return Err(Refusal::Binary);
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut in the middle of a sequence at the end of the head: valid so far.
        Err(e) => !whole && e.error_len().is_none(),
    };
    if utf8 {
        return Ok(Choice {
            encoding: UTF_8,
            how: How::Utf8,
            overridden: None,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, whole);
    Ok(Choice {
        encoding: detector.guess(None, chardetng::Utf8Detection::Deny),
        how: How::Detected,
        overridden: None,
    })
}

/// Decodes `bytes` (a whole file) in `encoding`, a byte-order mark of that encoding removed,
/// and returns the text with the byte offsets (in the text) where bytes not valid in the
/// encoding were replaced by U+FFFD.
pub(crate) fn decode_whole(bytes: &[u8], choice: &Choice) -> (String, Vec<usize>) {
    let mut decoder = decoder_for(choice);
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut bad = Vec::new();
    let mut input = bytes;
    loop {
        let (res, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = &input[read..];
        match res {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(input.len().max(16) * 3),
            DecoderResult::Malformed(_, _) => {
                bad.push(out.len());
                out.push('\u{fffd}');
            }
        }
    }
    (out, bad)
}

fn decoder_for(choice: &Choice) -> Decoder {
    // The byte-order mark of the chosen encoding is removed; a file whose mark names another
    // encoding was given that one by `choose`.
    choice.encoding.new_decoder_with_bom_removal()
}

/// Capacity of the decoder's input and output buffers.
const CHUNK: usize = 64 * 1024;
/// Room kept at the end of the output buffer for a U+FFFD (three bytes in UTF-8).
const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();

/// A reader that decodes its inner reader's bytes to UTF-8, replacing bytes not valid in the
/// encoding by U+FFFD and remembering where (offsets in its own output), so that the record
/// holding them can be refused rather than read with a character made up.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    done: bool,
    out: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    /// Output offset of `out[0]`.
    out_base: u64,
    malformed: VecDeque<u64>,
}

impl<R: Read> DecodingReader<R> {
    /// Decodes `inner` as `choice` says.
    pub(crate) fn new(inner: R, choice: &Choice) -> DecodingReader<R> {
        DecodingReader {
            inner,
            decoder: decoder_for(choice),
            input: vec![0; CHUNK].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            done: false,
            out: vec![0; CHUNK].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            out_base: 0,
            malformed: VecDeque::new(),
        }
    }

    /// The inner reader.
    pub(crate) fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Whether output bytes before `end` include a replaced (malformed) sequence; forgets the
    /// places before `end`.
    pub(crate) fn malformed_before(&mut self, end: u64) -> bool {
        let mut any = false;
        while let Some(&p) = self.malformed.front() {
            if p >= end {
                break;
            }
            any = true;
            self.malformed.pop_front();
        }
        any
    }

    /// Decodes the next output chunk into `out` (which is empty).
    fn fill(&mut self) -> io::Result<()> {
        self.out_base += self.out_end as u64;
        self.out_start = 0;
        self.out_end = 0;
        while !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let room = self.out.len() - REPLACEMENT.len();
            if self.out_end >= room {
                return Ok(());
            }
            let (res, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.out[self.out_end..room],
                self.eof,
            );
            self.in_start += read;
            self.out_end += written;
            match res {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.done = true;
                    } else if self.out_end > 0 {
                        return Ok(());
                    }
                }
                DecoderResult::OutputFull => return Ok(()),
                DecoderResult::Malformed(_, _) => {
                    self.malformed
                        .push_back(self.out_base + self.out_end as u64);
                    self.out[self.out_end..self.out_end + REPLACEMENT.len()]
                        .copy_from_slice(REPLACEMENT);
                    self.out_end += REPLACEMENT.len();
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_start == self.out_end {
            self.fill()?;
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_stream(bytes: &[u8], choice: &Choice, step: usize) -> (Vec<u8>, Vec<u64>) {
        let mut r = DecodingReader::new(bytes, choice);
        let mut out = Vec::new();
        let mut buf = vec![0; step];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let bad: Vec<u64> = r.malformed.iter().copied().collect();
        (out, bad)
    }

    #[test]
    fn chooses_by_bom_given_nuls_utf8_and_guess() {
        let c = choose(b"\xEF\xBB\xBFvendor\n", true, None).unwrap();
        assert_eq!((c.name(), c.how), ("UTF-8", How::Bom));
        let c = choose(b"\xFF\xFEv\0", true, for_label("windows-1257")).unwrap();
        assert_eq!((c.name(), c.how), ("UTF-16LE", How::Bom));
        assert!(c
            .note()
            .unwrap()
            .contains("instead of --encoding windows-1257"));
        let c = choose(b"vendor\nZTE\n", true, for_label("latin1")).unwrap();
        assert_eq!((c.name(), c.how), ("windows-1252", How::Given));
        let c = choose(b"v\0e\0n\0d\0o\0r\0\n\0Z\0", true, None).unwrap();
        assert_eq!((c.name(), c.how), ("UTF-16LE", How::Detected));
        let c = choose(b"\0v\0e\0n\0d\0o\0r\0\n\0Z", true, None).unwrap();
        assert_eq!(c.name(), "UTF-16BE");
        assert_eq!(
            choose(b"ab\0\x01\x02\x03\x04\x05\x06", true, None).unwrap_err(),
            Refusal::Binary
        );
        let c = choose("vendor,site\nZTE,Šiauliai\n".as_bytes(), true, None).unwrap();
        assert_eq!((c.name(), c.how, c.note()), ("UTF-8", How::Utf8, None));
        // A head cut inside a sequence is still UTF-8; a whole file so cut is not.
        let cut = &"é".as_bytes()[..1];
        assert!(choose(cut, false, None).unwrap().is_utf8());
        let latin1 = b"vendor,site\nHuawei,M\xfcnchen Stra\xdfe\nZTE,K\xf6ln\n";
        let c = choose(latin1, true, None).unwrap();
        assert_eq!((c.name(), c.how), ("windows-1252", How::Detected));
        assert!(c.note().unwrap().contains("detected"));
        assert_eq!(for_label("replacement"), None);
        assert_eq!(for_label("klingon"), None);
        assert_eq!(for_label(" UTF-16 ").unwrap().name(), "UTF-16LE");
    }

    /// `n` times the two bytes `pair`.
    fn pairs(pair: &[u8; 2], n: usize) -> Vec<u8> {
        pair.repeat(n)
    }

    #[test]
    fn utf16_by_nul_bytes_at_the_edges() {
        let utf32le = b"v\0\0\0e\0\0\0n\0\0\0d\0\0\0".to_vec();
        // 300 bytes of ASCII, then UTF-16LE to byte 4,096 (and the reverse).
        let ascii_then_utf16 = [b"a".repeat(300), pairs(b"v\0", 1898)].concat();
        let utf16_then_ascii = [pairs(b"v\0", 128), b"a".repeat(3840)].concat();
        let mut other_half_20 = pairs(b"v\0", 10);
        other_half_20[0] = 0;
        other_half_20[2] = 0;
        let mut other_half_30 = other_half_20.clone();
        other_half_30[4] = 0;
        // (case, head, as FORMAT tells it, as ENCODING tells it)
        type Case = (&'static str, Vec<u8>, Option<bool>, Option<bool>);
        let cases: Vec<Case> = vec![
            (
                "LE, 8 bytes",
                b"v\0e\0n\0d\0".to_vec(),
                Some(true),
                Some(true),
            ),
            (
                "BE, 8 bytes",
                b"\0v\0e\0n\0d".to_vec(),
                Some(false),
                Some(false),
            ),
            ("7 bytes: too short", b"v\0e\0n\0d".to_vec(), None, None),
            ("no NULs", b"vendor,model\n".to_vec(), None, None),
            // 8 of 10 odd bytes NUL is enough, 7 is not.
            (
                "80% NULs",
                b"a\0b\0c\0d\0e\0f\0g\0h\0ij".to_vec(),
                Some(true),
                Some(true),
            ),
            (
                "70% NULs",
                b"a\0b\0c\0d\0e\0f\0g\0hxij".to_vec(),
                None,
                None,
            ),
            // The other half: 20% NULs still text, 30% not (for the decoder).
            ("other half 20% NULs", other_half_20, Some(true), Some(true)),
            ("other half 30% NULs", other_half_30, Some(true), None),
            // Only the format test takes these for UTF-16.
            ("all NULs", vec![0; 8], Some(false), None),
            ("UTF-32LE", utf32le, Some(true), None),
            // Each looks at its own sample: 4,096 bytes and 256.
            ("ASCII then UTF-16", ascii_then_utf16, Some(true), None),
            ("UTF-16 then ASCII", utf16_then_ascii, None, Some(true)),
        ];
        for (case, head, format, encoding) in cases {
            assert_eq!(
                utf16_without_bom(&head, Utf16Nuls::FORMAT),
                format,
                "{case}: FORMAT"
            );
            assert_eq!(
                utf16_without_bom(&head, Utf16Nuls::ENCODING),
                encoding,
                "{case}: ENCODING"
            );
            // What the decoder makes of it.
            let chosen = choose(&head, true, None).map(|c| (c.name(), c.how));
            let expected = match encoding {
                Some(true) => Ok(("UTF-16LE", How::Detected)),
                Some(false) => Ok(("UTF-16BE", How::Detected)),
                None if head.contains(&0) => Err(Refusal::Binary),
                None => Ok(("UTF-8", How::Utf8)),
            };
            assert_eq!(chosen, expected, "{case}: choose");
        }
    }

    #[test]
    fn decodes_in_chunks_of_any_size_and_marks_bad_bytes() {
        let text = "vendor,site\nHuawei,Šiaulių\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1257.encode(text);
        let choice = Choice {
            encoding: encoding_rs::WINDOWS_1257,
            how: How::Given,
            overridden: None,
        };
        for step in [1, 2, 3, 7, 4096] {
            let (out, bad) = decode_stream(&bytes, &choice, step);
            assert_eq!(String::from_utf8(out).unwrap(), text);
            assert!(bad.is_empty());
        }
        assert_eq!(decode_whole(&bytes, &choice).0, text);
        // UTF-16 with a lone surrogate: replaced, and its place remembered.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in [u16::from(b'a'), 0xD800, u16::from(b'b')] {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let choice = choose(&utf16, true, None).unwrap();
        let (out, bad) = decode_stream(&utf16, &choice, 5);
        assert_eq!(String::from_utf8(out).unwrap(), "a\u{fffd}b");
        assert_eq!(bad, vec![1]);
        let (text, bad) = decode_whole(&utf16, &choice);
        assert_eq!((text.as_str(), bad), ("a\u{fffd}b", vec![1]));
        let mut r = DecodingReader::new(&utf16[..], &choice);
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        assert!(!r.malformed_before(1));
        assert!(r.malformed_before(2));
        assert!(!r.malformed_before(100));
    }

    #[test]
    fn large_inputs_cross_buffer_boundaries() {
        let line = "Huawei,Šiaulių gatvė 1\n";
        let text = line.repeat(20_000);
        let (bytes, _, _) = encoding_rs::WINDOWS_1257.encode(&text);
        let choice = choose(&bytes[..64 * 1024], false, None).unwrap();
        assert_eq!(choice.how, How::Detected);
        let (out, bad) = decode_stream(&bytes, &choice, 8192);
        assert!(bad.is_empty());
        assert_eq!(out.len(), text.len());
    }
}
