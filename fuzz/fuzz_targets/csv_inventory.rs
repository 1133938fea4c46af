//! CSV inventories: arbitrary bytes as a `.csv` file through `tvcheck::inventory::Reader`,
//! read to the end or the first error. Never panics; errors are one line; items start on
//! increasing physical lines after the header (line 1); the digest covers exactly the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{Format, ReadOptions};
use tvcheck_fuzz::{read_inventory, Lines};

fuzz_target!(|data: &[u8]| {
    let items = read_inventory(
        data,
        "fuzz.csv",
        Format::Csv,
        &ReadOptions::default(),
        Lines::Increasing,
    );
    for item in &items {
        assert!(item.line >= 2, "item on line {} (the header's)", item.line);
    }
});
