//! Inventory reading: turns files and folders into a stream of [`Item`]s with their locations.
//!
//! Each supported format has its own module; [`Reader`] dispatches on the detected format.

pub mod columns;
pub mod csv;
pub mod digest;
pub mod discover;
pub mod toml;

use crate::error::Result;
use crate::model::Item;

pub use self::columns::ColumnOverride;
pub use self::csv::CsvOptions;
pub use self::discover::{discover, Format, Input};

/// How inventories are read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// CSV settings (delimiter, column overrides).
    pub csv: CsvOptions,
}

/// A streaming reader over one inventory file of any supported format.
pub enum Reader {
    /// A CSV file.
    Csv(Box<self::csv::CsvReader>),
    /// A TOML file.
    Toml(self::toml::TomlReader),
}

impl Reader {
    /// Opens an input for reading.
    pub fn open(input: &Input, opts: &ReadOptions) -> Result<Reader> {
        let file = std::sync::Arc::clone(&input.display);
        Ok(match input.format {
            Format::Csv => Reader::Csv(Box::new(self::csv::CsvReader::open(
                &input.path,
                file,
                &opts.csv,
            )?)),
            Format::Toml => Reader::Toml(self::toml::TomlReader::open(
                &input.path,
                file,
                &opts.csv.columns,
            )?),
        })
    }

    /// The next item, `Ok(None)` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        match self {
            Reader::Csv(r) => r.next_item(),
            Reader::Toml(r) => Ok(r.next_item()),
        }
    }

    /// SHA-256 (hex) and byte size of the file; complete once the last item was read.
    pub fn digest(&self) -> (String, u64) {
        match self {
            Reader::Csv(r) => r.digest(),
            Reader::Toml(r) => r.digest(),
        }
    }
}
