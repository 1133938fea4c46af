//! JSON inventories and CycloneDX BOMs: arbitrary bytes as a `.json` file (an array of item
//! objects, or a BOM when it says `"bomFormat": "CycloneDX"`) and as a `.jsonl` file, through
//! `tvcheck::inventory::Reader`. Never panics; errors are one line; items come in file order
//! within the file's lines (JSON Lines: on increasing lines); a key twice in one object is an
//! error, never an item.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{Format, ReadOptions};
use tvcheck_fuzz::{read_inventory, Lines};

fuzz_target!(|data: &[u8]| {
    read_inventory(
        data,
        "fuzz.json",
        Format::Json,
        &ReadOptions::default(),
        Lines::NonDecreasing,
    );
    read_inventory(
        data,
        "fuzz.jsonl",
        Format::JsonLines,
        &ReadOptions::default(),
        Lines::Increasing,
    );
});
