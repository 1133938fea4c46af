//! TOML inventories: arbitrary bytes as a `.toml` file through `tvcheck::inventory::Reader`.
//! Never panics; errors are one line; items come in file order within the file's lines.
//! Bytes that are not UTF-8 go through encoding detection and decoding; an input whose first
//! byte is 0xF0..=0xFF is read with `--encoding` (windows-1257, UTF-16LE, Shift_JIS, ...).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{decode, Format, ReadOptions};
use tvcheck_fuzz::{read_inventory, Lines};

const LABELS: [&str; 6] = [
    "windows-1257",
    "utf-16le",
    "utf-16be",
    "shift_jis",
    "gb18030",
    "utf-8",
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
    read_inventory(file, "fuzz.toml", Format::Toml, &opts, Lines::NonDecreasing);
});
