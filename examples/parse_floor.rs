//! The "parse floor" of the benchmarks: the least work any CSV checker must do.
//!
//! ```sh
//! cargo run --release --example parse_floor -- inventory.csv
//! cargo run --release --example parse_floor -- --print-names   # its names, as CSV
//! ```
//!
//! Reads the file with the csv crate into one reused `ByteRecord`, finds the `vendor` column
//! in the header, and for every row makes one `HashMap` lookup of the trimmed, ASCII-lowercased
//! vendor field in a table of designated vendors' plain names. It prints the row and hit
//! counts, so nothing can be optimised away. No normalisation, no model patterns, no report:
//! tvcheck's target is to stay within 1.5 times this.

mod bench_common;

use std::collections::HashMap;
use std::fs::File;

use bench_common::{Res, LISTED_NAMES};

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--print-names") {
        // A one-column CSV file for sqlite3's `.import --csv` (names hold commas, no quotes).
        println!("name");
        for n in LISTED_NAMES {
            println!("\"{n}\"");
        }
        return Ok(());
    }
    let [path] = args.as_slice() else {
        return Err("usage: parse_floor FILE | parse_floor --print-names".into());
    };
    let table: HashMap<Vec<u8>, u32> = LISTED_NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_bytes().to_vec(), i as u32))
        .collect();
    let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(file);
    let vendor = rdr
        .byte_headers()?
        .iter()
        .position(|h| h.eq_ignore_ascii_case(b"vendor"))
        .ok_or("no vendor column")?;
    let mut rec = csv::ByteRecord::new();
    let mut key: Vec<u8> = Vec::with_capacity(64);
    let (mut rows, mut hits) = (0u64, 0u64);
    while rdr.read_byte_record(&mut rec)? {
        rows += 1;
        let field = rec.get(vendor).unwrap_or_default().trim_ascii();
        key.clear();
        key.extend(field.iter().map(u8::to_ascii_lowercase));
        if table.contains_key(key.as_slice()) {
            hits += 1;
        }
    }
    println!("rows={rows} hits={hits}");
    Ok(())
}
