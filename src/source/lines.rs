//! Line starts of a text read whole, for turning byte offsets into the 1-based lines and
//! columns that errors name (shared by the inventory readers and the registry import).

/// The start of every line of a text, for turning byte offsets into lines and columns in
/// logarithmic time.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> u64 {
        self.starts.partition_point(|&s| s <= offset) as u64
    }

    /// The 1-based line and column (in characters) of a byte offset, as
    /// [`crate::error::line_col`] gives them.
    pub(crate) fn line_col(&self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.text.len());
        let line = self.line(offset);
        let start = self
            .starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0)
            .min(offset);
        let column = String::from_utf8_lossy(&self.text.as_bytes()[start..offset])
            .chars()
            .count() as u64
            + 1;
        (line, column)
    }

    /// The byte offset of a 1-based line and a 1-based *byte* column (as serde_json counts).
    pub(crate) fn offset(&self, line: usize, byte_col: usize) -> usize {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        (start + byte_col.saturating_sub(1)).min(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\nčd\n\nx";
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(0), (1, 1));
        assert_eq!(li.line_col(2), (1, 3));
        assert_eq!(li.line_col(3), (2, 1));
        // "č" is two bytes and one character.
        assert_eq!(li.line_col(5), (2, 2));
        assert_eq!(li.line_col(7), (3, 1));
        assert_eq!(li.line_col(8), (4, 1));
        // Past the end: the end.
        assert_eq!(li.line_col(99), (4, 2));
        assert_eq!(li.line(8), 4);
        assert_eq!(li.offset(2, 2), 4);
        assert_eq!(li.offset(9, 1), text.len());
        for offset in 0..=text.len() {
            assert_eq!(
                li.line_col(offset),
                crate::error::line_col(text, offset),
                "{offset}"
            );
        }
    }
}
