//! CSV inventories: arbitrary bytes as a `.csv` file through `tvcheck::inventory::Reader`,
//! read to the end or the first error. Never panics; errors are one line; items start on
//! increasing physical lines after the header (line 1); the digest covers exactly the file.
//!
//! The decoding path is covered too: bytes that are not UTF-8 go through encoding detection
//! and the streaming decoder, and an input whose first byte is 0xF0..=0xFF is read with
//! `--encoding` (the low four bits pick the label; the rest of the input is the file).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{decode, Format, ReadOptions};
use tvcheck_fuzz::{read_inventory, Lines};

/// Labels `--encoding` may be given: single-byte, multi-byte, stateful and UTF-16.
const LABELS: [&str; 12] = [
    "utf-8",
    "windows-1257",
    "windows-1252",
    "utf-16le",
    "utf-16be",
    "shift_jis",
    "gb18030",
    "iso-2022-jp",
    "big5",
    "euc-kr",
    "koi8-r",
    "x-user-defined",
];

fuzz_target!(|data: &[u8]| {
    let (encoding, file) = match data.split_first() {
        Some((&b, rest)) if b >= 0xF0 => (
            LABELS
                .get(usize::from(b & 0x0F))
                .and_then(|l| decode::for_label(l)),
            rest,
        ),
        _ => (None, data),
    };
    let opts = ReadOptions {
        encoding,
        ..ReadOptions::default()
    };
    let items = read_inventory(file, "fuzz.csv", Format::Csv, &opts, Lines::Increasing);
    for item in &items {
        assert!(item.line >= 2, "item on line {} (the header's)", item.line);
    }
});
