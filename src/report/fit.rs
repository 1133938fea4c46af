//! Fitting a text table to a width: column widths from the cells, words wrapped whole (never
//! broken inside a word), columns that cannot be split kept on one line, and the least needed
//! columns left out when even that does not fit; plus the first clause of a reason.
//!
//! Widths are display columns (`unicode-width`), so wide CJK characters count twice. The cells
//! handed in are already in their visible form ([`crate::escape`]): they hold no line breaks,
//! so every line break in the result is one this module made.

use unicode_width::UnicodeWidthStr;

/// How a column's cells may be split over lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    /// At spaces, after a `/`, and at a hyphen between two letters (`non-member-manufacturer`).
    Words,
    /// Never: the cell stays on one line (a `file:line` location, a count).
    Never,
}

/// One column: its header, how it wraps, and whether it may be left out to fit (`Some(rank)`:
/// lower ranks go first).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The header text.
    pub header: &'static str,
    /// How its cells may be split over lines.
    pub wrap: Wrap,
    /// `Some(rank)`: may be left out to fit, lower ranks first.
    pub drop: Option<u8>,
}

impl Column {
    /// A column whose cells wrap at word boundaries.
    pub const fn words(header: &'static str) -> Column {
        Column {
            header,
            wrap: Wrap::Words,
            drop: None,
        }
    }

    /// A column whose cells stay on one line.
    pub const fn never(header: &'static str) -> Column {
        Column {
            header,
            wrap: Wrap::Never,
            drop: None,
        }
    }

    /// This column may be left out (lower `rank` first) when the table cannot fit otherwise.
    pub const fn optional(self, rank: u8) -> Column {
        Column {
            drop: Some(rank),
            ..self
        }
    }
}

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The pieces of `s` that may not be split, each with the text that joins it to the previous
/// one (`" "` at a space, `""` after a `/` or a hyphen).
fn pieces(s: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    for (i, word) in s.split(' ').filter(|w| !w.is_empty()).enumerate() {
        let mut glue = if i == 0 { "" } else { " " };
        let mut start = 0;
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        for (k, &(at, c)) in chars.iter().enumerate() {
            let end = at + c.len_utf8();
            let next = chars.get(k + 1).map(|&(_, n)| n);
            let breaks = match c {
                '/' => next.is_some(),
                '-' => {
                    k > 0 && chars[k - 1].1.is_alphabetic() && next.is_some_and(char::is_alphabetic)
                }
                _ => false,
            };
            if breaks {
                out.push((glue, &word[start..end]));
                glue = "";
                start = end;
            }
        }
        if start < word.len() {
            out.push((glue, &word[start..]));
        }
    }
    out
}

/// The narrowest a column can be: its widest unsplittable piece (the whole cell for
/// [`Wrap::Never`]).
fn min_width(s: &str, wrap: Wrap) -> usize {
    match wrap {
        Wrap::Never => width(s),
        Wrap::Words => pieces(s).iter().map(|(_, p)| width(p)).max().unwrap_or(0),
    }
}

/// `piece` cut into parts at most `w` columns wide (only for a word wider than its column).
fn split_long(piece: &str, w: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for (i, c) in piece.char_indices() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if at + cw > w.max(1) && i > start {
            parts.push(&piece[start..i]);
            start = i;
            at = 0;
        }
        at += cw;
    }
    parts.push(&piece[start..]);
    parts
}

/// `s` wrapped to `w` columns, greedily, at the break points of [`Wrap::Words`]; a piece wider
/// than `w` (only when [`fit`] had to make the column narrower than its longest word) is cut
/// into parts of `w` columns, each on a line of its own.
pub fn wrap(s: &str, w: usize, how: Wrap) -> String {
    if how == Wrap::Never || width(s) <= w {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut line = 0;
    let all: Vec<(&str, &str)> = pieces(s)
        .into_iter()
        .flat_map(|(glue, piece)| {
            split_long(piece, w)
                .into_iter()
                .enumerate()
                .map(move |(k, p)| (if k == 0 { glue } else { "" }, p))
        })
        .collect();
    for (glue, piece) in all {
        let pw = width(piece);
        if line > 0 && line + glue.len() + pw <= w {
            out.push_str(glue);
            out.push_str(piece);
            line += glue.len() + pw;
        } else {
            if line > 0 {
                out.push('\n');
            }
            out.push_str(piece);
            line = pw;
        }
    }
    out
}

/// `line` wrapped at spaces only (a path, a `file:line` or a URL stays whole) to `w` columns,
/// continuation lines indented by two spaces more than the line's own indentation.
pub fn wrap_line(line: &str, w: usize) -> String {
    if width(line) <= w {
        return line.to_string();
    }
    let body = line.trim_start_matches(' ');
    let indent = " ".repeat(line.len() - body.len() + 2);
    let mut out = String::with_capacity(line.len() + 16);
    out.push_str(&line[..line.len() - body.len()]);
    let mut at = width(&out);
    let mut first = true;
    // Runs of spaces are kept (split gives the empty words between them).
    for word in body.split(' ') {
        let ww = width(word);
        if first {
            out.push_str(word);
            at += ww;
            first = false;
        } else if at + 1 + ww <= w {
            out.push(' ');
            out.push_str(word);
            at += 1 + ww;
        } else if !word.is_empty() {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('\n');
            out.push_str(&indent);
            out.push_str(word);
            at = indent.len() + ww;
        }
    }
    out
}

/// A writer that wraps every line longer than its width at spaces ([`wrap_line`]), except the
/// lines of tables (drawn with box characters, fitted already), which pass unchanged.
pub(crate) struct Wrapping<'a> {
    out: &'a mut dyn std::io::Write,
    width: usize,
    line: Vec<u8>,
}

impl<'a> Wrapping<'a> {
    /// Wraps what is written to `out` at `width` columns.
    pub(crate) fn new(out: &'a mut dyn std::io::Write, width: usize) -> Wrapping<'a> {
        Wrapping {
            out,
            width,
            line: Vec::new(),
        }
    }

    fn emit(&mut self) -> std::io::Result<()> {
        let line = String::from_utf8_lossy(&self.line);
        let table = line.starts_with(['┌', '│', '╞', '├', '└', '\u{1b}']);
        if table || width(&line) <= self.width {
            self.out.write_all(&self.line)?;
        } else {
            self.out
                .write_all(wrap_line(&line, self.width).as_bytes())?;
        }
        self.line.clear();
        Ok(())
    }

    /// Writes what is left of an unfinished last line.
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.emit()?;
        }
        self.out.flush()
    }
}

impl std::io::Write for Wrapping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for part in buf.split_inclusive(|&b| b == b'\n') {
            match part.strip_suffix(b"\n") {
                Some(rest) => {
                    self.line.extend_from_slice(rest);
                    self.emit()?;
                    self.out.write_all(b"\n")?;
                }
                None => self.line.extend_from_slice(part),
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The result of fitting: which columns are kept (indexes into the columns given) and the
/// width of the text of each kept column.
#[derive(Debug, PartialEq, Eq)]
pub struct Fitted {
    /// The indexes of the columns kept, in order.
    pub kept: Vec<usize>,
    /// The text width of each kept column.
    pub widths: Vec<usize>,
}

impl Fitted {
    /// The headers of the columns left out.
    pub(crate) fn left_out(&self, columns: &[Column]) -> Vec<&'static str> {
        (0..columns.len())
            .filter(|i| !self.kept.contains(i))
            .map(|i| columns[i].header)
            .collect()
    }

    /// The kept cells of `row`, each wrapped to its column's width.
    pub fn row(&self, columns: &[Column], row: &[String]) -> Vec<String> {
        self.kept
            .iter()
            .zip(&self.widths)
            .map(|(&i, &w)| wrap(row.get(i).map_or("", String::as_str), w, columns[i].wrap))
            .collect()
    }
}

/// The narrowest a word-wrapped column is made by splitting words that are longer.
const FLOOR: usize = 10;

/// Columns, border characters and padding of a table drawn with `n` columns in the
/// `UTF8_FULL_CONDENSED` style: `│ a ┆ b │` is 3 per column and 1.
fn chrome(n: usize) -> usize {
    3 * n + 1
}

/// Chooses the columns and their widths so that the table is at most `total` columns wide:
/// every column at least as wide as its widest unsplittable piece (header words included),
/// optional columns left out (lowest rank first) while that is too wide, and the room left
/// shared out so that narrow columns get their whole text first. When even the required
/// columns do not fit, words longer than [`FLOOR`] in word-wrapped columns are split as a
/// last resort; columns that never split (`file:line`) stay whole, even if the table is then
/// wider than `total`.
pub fn fit(columns: &[Column], rows: &[Vec<String>], total: usize) -> Fitted {
    let cell = |r: &Vec<String>, i: usize| r.get(i).map_or("", String::as_str).to_string();
    let mins: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| min_width(&cell(r, i), c.wrap))
                .chain(std::iter::once(min_width(c.header, Wrap::Words)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let maxs: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| width(&cell(r, i)))
                .chain(std::iter::once(width(c.header)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let need = |kept: &[usize], mins: &[usize]| {
        chrome(kept.len()) + kept.iter().map(|&i| mins[i]).sum::<usize>()
    };
    let mut optional: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i].drop.is_some())
        .collect();
    optional.sort_by_key(|&i| (columns[i].drop, i));
    for i in optional {
        if need(&kept, &mins) <= total {
            break;
        }
        kept.retain(|&k| k != i);
    }
    // Still too wide: a word longer than its column can be (a long vendor string with no
    // space) is the only thing ever split, from the widest such column down to `FLOOR`.
    let mut mins = mins;
    let mut over = need(&kept, &mins).saturating_sub(total);
    while over > 0 {
        let Some(&i) = kept
            .iter()
            .filter(|&&i| columns[i].wrap == Wrap::Words && mins[i] > FLOOR)
            .max_by_key(|&&i| (mins[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        mins[i] -= 1;
        over -= 1;
    }
    let mut widths: Vec<usize> = kept.iter().map(|&i| mins[i]).collect();
    let mut room = total.saturating_sub(need(&kept, &mins));
    // Water filling: the columns that need least more are satisfied first; the others share
    // what is left evenly.
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&k| (maxs[kept[k]] - mins[kept[k]], k));
    for (n, &k) in order.iter().enumerate() {
        let want = maxs[kept[k]] - widths[k];
        let share = room / (order.len() - n);
        let give = want.min(share);
        widths[k] += give;
        room -= give;
    }
    Fitted { kept, widths }
}

/// The first clause of a reason: up to its first `; `, `: ` or ` [` outside a quoted value
/// (`vendor 'a; b'`) and outside parentheses (`(list-a since D; list-b since E)`), with `…` when something was left out, and ` [weakly confirmed]` kept
/// when the reason says so. The full text is in `explain` and the file formats.
pub(crate) fn first_clause(reason: &str) -> std::borrow::Cow<'_, str> {
    let b = reason.as_bytes();
    let mut quoted = false;
    let mut depth = 0usize;
    let mut end = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            b'\'' if !quoted && (i == 0 || matches!(b[i - 1], b' ' | b'(')) => quoted = true,
            b'\''
                if quoted
                    && b.get(i + 1)
                        .is_none_or(|n| matches!(n, b' ' | b',' | b';' | b':' | b')')) =>
            {
                quoted = false
            }
            b';' | b':' if !quoted && depth == 0 && b.get(i + 1) == Some(&b' ') => {
                end = Some(i);
                break;
            }
            b'[' if !quoted && depth == 0 && i > 0 && b[i - 1] == b' ' => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    match end {
        None => reason.into(),
        Some(end) => {
            let mut s = reason[..end].trim_end().to_string();
            s.push('…');
            if reason[end..].contains("[weakly confirmed") {
                s.push_str(" [weakly confirmed]");
            }
            s.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_at_spaces_slashes_and_hyphens_between_letters_only() {
        let p: Vec<&str> = pieces("lt-5g/non-member-manufacturer 2025-12-31 a/b")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            p,
            [
                "lt-5g/",
                "non-",
                "member-",
                "manufacturer",
                "2025-12-31",
                "a/",
                "b"
            ]
        );
        assert_eq!(
            wrap("vendor 'Huawei' is an alias", 12, Wrap::Words),
            "vendor\n'Huawei' is\nan alias"
        );
        assert_eq!(wrap("inv.csv:12", 3, Wrap::Never), "inv.csv:12");
        // A piece wider than the column (only when nothing else fits) is cut.
        assert_eq!(
            wrap("a verylongword b", 4, Wrap::Words),
            "a\nvery\nlong\nword\nb"
        );
    }

    #[test]
    fn fits_the_width_and_leaves_out_optional_columns_first() {
        let cols = [
            Column::never("location"),
            Column::words("entry").optional(1),
            Column::words("why"),
        ];
        let rows = vec![vec![
            "inventory.csv:10".to_string(),
            "huawei (Huawei Technologies)".to_string(),
            "one two three four five six seven eight nine ten".to_string(),
        ]];
        let wide = fit(&cols, &rows, 200);
        assert_eq!(wide.kept, [0, 1, 2]);
        assert_eq!(wide.widths, [16, 28, 48]);
        let narrow = fit(&cols, &rows, 50);
        assert_eq!(narrow.kept, [0, 1, 2]);
        assert!(narrow.widths.iter().sum::<usize>() + chrome(3) <= 50);
        // Too narrow for the entry's longest word beside the rest: it goes.
        let tiny = fit(&cols, &rows, 30);
        assert_eq!(tiny.kept, [0, 2]);
        assert_eq!(tiny.left_out(&cols), ["entry"]);
        assert!(tiny.widths.iter().sum::<usize>() + chrome(2) <= 30);
        for (cell, w) in tiny.row(&cols, &rows[0]).iter().zip(&tiny.widths) {
            assert!(cell.lines().all(|l| width(l) <= *w), "{cell}");
        }
    }

    #[test]
    fn prose_lines_wrap_at_spaces_with_a_hanging_indent() {
        assert_eq!(
            wrap_line("  1  Quillon Radio  (data/inv.csv:2, data/inv.csv:3)", 30),
            "  1  Quillon Radio\n    (data/inv.csv:2,\n    data/inv.csv:3)"
        );
        let mut out = Vec::new();
        let mut w = Wrapping::new(&mut out, 10);
        std::io::Write::write_all(
            &mut w,
            "one two three\n│ a very long table line │\nfour".as_bytes(),
        )
        .unwrap();
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "one two\n  three\n│ a very long table line │\nfour"
        );
    }

    #[test]
    fn the_first_clause_ends_outside_quotes() {
        assert_eq!(
            first_clause("vendor 'Huawei' is an alias of Huawei Technologies Co., Ltd.; must go by 2025-12-31"),
            "vendor 'Huawei' is an alias of Huawei Technologies Co., Ltd.…"
        );
        assert_eq!(
            first_clause("unidentified manufacturer: vendor 'a; b: c' is not in the registry"),
            "unidentified manufacturer…"
        );
        assert_eq!(
            first_clause("vendor 'a; b' is the name of X; rest"),
            "vendor 'a; b' is the name of X…"
        );
        assert_eq!(
            first_clause("the item's country is unknown; x [weakly confirmed: see the notes]"),
            "the item's country is unknown… [weakly confirmed]"
        );
        assert_eq!(first_clause("no clause here"), "no clause here");
        assert_eq!(
            first_clause("alias of X (a since 2018; b since 2020); must go"),
            "alias of X (a since 2018; b since 2020)…"
        );
        assert_eq!(
            first_clause("Honor is not known [weakly confirmed: see the notes]"),
            "Honor is not known… [weakly confirmed]"
        );
    }
}
