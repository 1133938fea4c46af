//! Workbooks: arbitrary bytes as an `.xlsx` file (the content decides: a zip is read as
//! `.xlsx` or `.ods`, a compound file as `.xls`) through `tvcheck::inventory::Reader`, read as
//! `check` does (going on past unread sheets and rows). Never panics, never aborts on an
//! allocation (parts are held to their inflated-size limits, cells to their count); errors
//! are one line; items name their sheet and a row from 1.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use tvcheck::inventory::{Format, Input, ReadOptions, Reader};
use tvcheck::ErrorKind;
use tvcheck_fuzz::{assert_one_line, write_scratch};

fuzz_target!(|data: &[u8]| {
    let input = Input {
        path: write_scratch("fuzz.xlsx", data),
        display: Arc::from("fuzz.xlsx"),
        format: Format::Xlsx,
        from_folder: false,
    };
    let mut reader = match Reader::open(&input, &ReadOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            assert_one_line(&e);
            return;
        }
    };
    let mut parts = 0usize;
    loop {
        match reader.next_item() {
            Ok(Some(item)) => {
                assert!(item.line >= 1, "row 0");
                assert!(item.sheet.is_some(), "an item without its sheet");
                parts += 1;
            }
            Ok(None) => break,
            Err(e) if e.kind == ErrorKind::Row => {
                assert_one_line(&e);
                parts += 1;
            }
            Err(e) => {
                assert_one_line(&e);
                break;
            }
        }
        assert!(parts <= 20_000_000, "more items than cells");
    }
    for note in reader.provenance().notes {
        assert!(!note.contains('\n'), "a note on several lines: {note:?}");
    }
});
