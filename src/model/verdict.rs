//! The [`Verdict`] on an item, ordered from best to worst.

use std::fmt;

use serde::Serialize;

/// The outcome for one item, ordered from best to worst.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing against it.
    Ok,
    /// In breach, but covered by an approved waiver.
    Waived,
    /// A person must look at it.
    Review,
    /// In breach.
    Violation,
}

impl Verdict {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Waived => "waived",
            Verdict::Review => "review",
            Verdict::Violation => "violation",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
