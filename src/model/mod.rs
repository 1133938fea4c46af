//! Shared nouns of the pipeline: an inventory [`Item`] (`item.rs`), the canonical inventory
//! [`Field`]s with their header synonyms (`field.rs`) and a [`Verdict`] (`verdict.rs`).

mod field;
mod item;
mod verdict;

pub(crate) use field::normalize_header;
pub use field::Field;
pub use item::Item;
pub use verdict::Verdict;
