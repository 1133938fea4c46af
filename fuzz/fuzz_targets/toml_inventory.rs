//! TOML inventories: arbitrary bytes as a `.toml` file through `tvcheck::inventory::Reader`.
//! Never panics; errors are one line; items come in file order within the file's lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{Format, ReadOptions};
use tvcheck_fuzz::{read_inventory, Lines};

fuzz_target!(|data: &[u8]| {
    read_inventory(
        data,
        "fuzz.toml",
        Format::Toml,
        &ReadOptions::default(),
        Lines::NonDecreasing,
    );
});
