//! Install dates as people write them: `2019-06-14`, `2019/06/14`, `2019.06.14`, `14.06.2019`
//! (day first, as Lithuanian and German write it), `14/06/2019` and `06/14/2019` (a day over
//! 12 says which is which), and spreadsheet serial day numbers.
//!
//! A date is read once, when its item is read ([`normalize`]): a date written in another form
//! than `YYYY-MM-DD` is replaced in the item's `installed` field by its `YYYY-MM-DD` form (what
//! the reports show and the engine judges), and the written form is kept among the item's
//! other columns under `<column> as written`. A `YYYY-MM-DD` date (with or without a time) is
//! left exactly as written, so the item's digest does not change. A slashed date that reads
//! both ways (`03/04/2019`), a day that does not exist (`31.02.2019`) and a value that is not a
//! date (`last spring`) are kept as written, judged as an unknown date, and warned about with
//! the column named; `--date-format dmy|mdy|ymd` decides every ambiguous date.

use std::sync::Arc;

use crate::date::Date;
use crate::model::Item;

/// The order of day, month and year in a date whose form does not say it (`--date-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day, month, year: `03/04/2019` is 3 April 2019.
    Dmy,
    /// Month, day, year: `03/04/2019` is 4 March 2019.
    Mdy,
    /// Year, month, day: `19/04/03` is 3 April 2019.
    Ymd,
}

impl DateOrder {
    /// Parses `dmy`, `mdy` or `ymd` (any case).
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            "ymd" => Some(DateOrder::Ymd),
            _ => None,
        }
    }

    /// `dmy`, `mdy` or `ymd`.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }
}

/// What a written install date reads as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Already `YYYY-MM-DD` (optionally with a time): kept as written.
    Iso(Date),
    /// A date written in another form, read unambiguously (or as `--date-format` says).
    Date(Date),
    /// Day and month could be either way round (`03/04/2019`): day first, then month first.
    Ambiguous(Date, Date),
    /// The year has two digits (`03/04/19`): only `--date-format` can say which part is which.
    TwoDigitYear,
    /// Shaped like a date, but the day does not exist (`31.02.2019`, `29.02.2019`).
    NoSuchDay,
    /// Not a date.
    NotADate,
}

/// Reads a written install date; `order` decides an ambiguous one.
pub fn read(written: &str, order: Option<DateOrder>) -> Reading {
    let t = written.trim();
    if let Some(d) = parse(t) {
        return Reading::Iso(d);
    }
    // A time of day after the date is ignored: `14.06.2019 10:30`.
    let token = t.split(char::is_whitespace).next().unwrap_or(t);
    let Some(sep) = token.chars().find(|c| !c.is_ascii_digit()) else {
        return Reading::NotADate;
    };
    if !matches!(sep, '-' | '/' | '.') {
        return Reading::NotADate;
    }
    // `2019.06.14.` (a closing dot, as Lithuanian sometimes writes it).
    let token = if sep == '.' {
        token.strip_suffix('.').unwrap_or(token)
    } else {
        token
    };
    let parts: Vec<&str> = token.split(sep).collect();
    let [a, b, c] = parts[..] else {
        return Reading::NotADate;
    };
    if [a, b, c]
        .iter()
        .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|x| x.is_ascii_digit()))
    {
        return Reading::NotADate;
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (na, nb, nc) = (num(a), num(b), num(c));
    let make = |y: u32, m: u32, d: u32| -> Reading {
        match (
            i32::try_from(y),
            u8::try_from(m).ok().filter(|m| *m <= 12),
            u8::try_from(d).ok().filter(|d| *d <= 31),
        ) {
            (Ok(y), Some(m), Some(d)) => {
                Date::new(y, m, d).map_or(Reading::NoSuchDay, Reading::Date)
            }
            _ => Reading::NoSuchDay,
        }
    };
    let short = |p: &str| p.len() <= 2;
    if a.len() == 4 && short(b) && short(c) {
        // Year first: always year, month, day.
        return make(na, nb, nc);
    }
    if c.len() == 4 && short(a) && short(b) {
        if sep == '.' {
            // Dotted with the year last: day first (14.06.2019).
            return make(nc, nb, na);
        }
        if na == nb {
            // 03/03/2019 reads the same either way.
            return make(nc, nb, na);
        }
        return match (na > 12, nb > 12) {
            (true, false) => make(nc, nb, na),
            (false, true) => make(nc, na, nb),
            (true, true) => Reading::NoSuchDay,
            (false, false) => match order {
                Some(DateOrder::Dmy) => make(nc, nb, na),
                Some(DateOrder::Mdy) => make(nc, na, nb),
                // The year is not first: --date-format ymd does not decide it.
                Some(DateOrder::Ymd) | None => match (make(nc, nb, na), make(nc, na, nb)) {
                    (Reading::Date(dmy), Reading::Date(mdy)) => Reading::Ambiguous(dmy, mdy),
                    _ => Reading::NoSuchDay,
                },
            },
        };
    }
    if short(a) && short(b) && short(c) {
        let year = |yy: u32| if yy < 70 { 2000 + yy } else { 1900 + yy };
        return match order {
            Some(DateOrder::Dmy) => make(year(nc), nb, na),
            Some(DateOrder::Mdy) => make(year(nc), na, nb),
            Some(DateOrder::Ymd) => make(year(na), nb, nc),
            None => Reading::TwoDigitYear,
        };
    }
    Reading::NotADate
}

/// The date of a spreadsheet serial day number in the 1900 date system (Excel, LibreOffice):
/// 1 is 1900-01-01, and 60 is the 29 February 1900 that Excel counts but that never was
/// (`None`), so from 61 on a serial is one day more than the days since 1899-12-31. A fraction
/// (the time of day) is dropped. `None` below 1 or after 9999-12-31 (2958465).
pub(crate) fn excel_serial(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let n = serial.floor() as i64;
    let base = Date::new(1899, 12, 31)?.to_days();
    match n {
        60 => None,
        1..=59 => Some(Date::from_days(base + n)),
        _ => Some(Date::from_days(base + n - 1)),
    }
}

/// The smallest number a workbook's install-date column reads as a serial day number
/// (1927-05-18): a smaller number is more likely a year (`2019`) than a date, and is kept as
/// written (with a warning).
pub(crate) const EXCEL_SERIAL_MIN: f64 = 10_000.0;

/// The name of the column an item's install date came from (`installed` when the reader did
/// not say).
pub(crate) fn column_of(item: &Item) -> &str {
    item.installed_column.as_deref().unwrap_or("installed")
}

/// The key under which an item's other columns keep the written form of a date that was
/// read in another form than `YYYY-MM-DD`.
pub(crate) fn as_written_key(column: &str) -> Arc<str> {
    Arc::from(format!("{column} as written"))
}

/// Parses an install date as items carry it once read (`YYYY-MM-DD`, optionally followed by
/// a time): the form [`normalize`] gives every date it can read.
pub fn parse(s: &str) -> Option<Date> {
    s.trim().get(..10).and_then(|d| d.parse().ok())
}

/// Reads `item`'s install date as [`read`] does: a date in another form is replaced by its
/// `YYYY-MM-DD` form (the written form kept in `extra` under `<column> as written`); one that
/// cannot be read is kept as written, with a warning naming the column. Returns whether the
/// date is not as written (rewritten here, or a workbook's serial day number read as a date).
pub fn normalize(item: &mut Item, order: Option<DateOrder>) -> bool {
    let Some(written) = item.installed.as_deref() else {
        return false;
    };
    let reading = read(written, order);
    let column = column_of(item);
    let value = crate::escape::Visible(written.trim());
    let warning = match reading {
        // A workbook's serial day number was read as its date already.
        Reading::Iso(_) => {
            return item
                .extra
                .iter()
                .any(|(k, _)| k.strip_suffix(" as written") == Some(column))
        }
        Reading::Date(d) => {
            let key = as_written_key(column);
            let written = item.installed.replace(d.to_string()).unwrap_or_default();
            item.extra.push((key, written));
            return true;
        }
        Reading::Ambiguous(dmy, mdy) => format!(
            "column '{column}': install date '{value}' is ambiguous: {dmy} if the day is first, {mdy} if the month is; it is judged as unknown until --date-format dmy|mdy|ymd says how the inventory writes dates (dmy: day first)"
        ),
        Reading::TwoDigitYear => format!(
            "column '{column}': install date '{value}' has a two-digit year, so which part is the day, the month and the year is not known; it is judged as unknown until --date-format dmy|mdy|ymd says how the inventory writes dates (or write it as YYYY-MM-DD)"
        ),
        Reading::NoSuchDay => format!(
            "column '{column}': install date '{value}' is not a real calendar day; it is judged as unknown"
        ),
        Reading::NotADate => {
            let serial = written
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (20_000..=80_000).contains(n))
                .and_then(|n| excel_serial(f64::from(n)))
                .map(|d| format!(" (if it is a spreadsheet serial day number, it is {d}: format the cell as a date)"))
                .unwrap_or_default();
            format!(
                "column '{column}': install date '{value}' is not a date tvcheck reads (YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY){serial}; it is judged as unknown"
            )
        }
    };
    item.warnings.push(warning);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// What `written` reads as, in a short form: the date, `ambiguous A B`, `two-digit`,
    /// `no such day` or `not a date`.
    fn show(written: &str, order: Option<DateOrder>) -> String {
        match read(written, order) {
            Reading::Iso(d) => format!("iso {d}"),
            Reading::Date(d) => d.to_string(),
            Reading::Ambiguous(a, b) => format!("ambiguous {a} {b}"),
            Reading::TwoDigitYear => "two-digit".into(),
            Reading::NoSuchDay => "no such day".into(),
            Reading::NotADate => "not a date".into(),
        }
    }

    #[test]
    fn reads_dates_as_people_write_them() {
        let dmy = Some(DateOrder::Dmy);
        let mdy = Some(DateOrder::Mdy);
        let ymd = Some(DateOrder::Ymd);
        let table: &[(&str, Option<DateOrder>, &str)] = &[
            // ISO, kept as written (with a time too).
            ("2019-06-14", None, "iso 2019-06-14"),
            (" 2019-06-14 ", None, "iso 2019-06-14"),
            ("2019-06-14 10:30", None, "iso 2019-06-14"),
            ("2019-06-14T10:30:00", None, "iso 2019-06-14"),
            ("2019-06-14", mdy, "iso 2019-06-14"),
            // Year first, other separators.
            ("2019/06/14", None, "2019-06-14"),
            ("2019.06.14", None, "2019-06-14"),
            ("2019.06.14.", None, "2019-06-14"),
            ("2019/6/4", None, "2019-06-04"),
            ("2019/06/14", dmy, "2019-06-14"),
            // Dotted, year last: day first.
            ("14.06.2019", None, "2019-06-14"),
            ("03.04.2019", None, "2019-04-03"),
            ("3.4.2019", None, "2019-04-03"),
            ("14.06.2019 10:30", None, "2019-06-14"),
            // Slashed, a day over 12 decides.
            ("14/06/2019", None, "2019-06-14"),
            ("06/14/2019", None, "2019-06-14"),
            ("14-06-2019", None, "2019-06-14"),
            ("14/06/2019", mdy, "2019-06-14"),
            ("06/14/2019", dmy, "2019-06-14"),
            // The same either way.
            ("03/03/2019", None, "2019-03-03"),
            // Both sides of ambiguity.
            ("03/04/2019", None, "ambiguous 2019-04-03 2019-03-04"),
            ("03/04/2019", dmy, "2019-04-03"),
            ("03/04/2019", mdy, "2019-03-04"),
            ("03/04/2019", ymd, "ambiguous 2019-04-03 2019-03-04"),
            ("12/01/2020", None, "ambiguous 2020-01-12 2020-12-01"),
            // Two-digit years: only --date-format says.
            ("03/04/19", None, "two-digit"),
            ("03/04/19", dmy, "2019-04-03"),
            ("03/04/19", mdy, "2019-03-04"),
            ("19/04/03", ymd, "2019-04-03"),
            ("03/04/98", dmy, "1998-04-03"),
            // Days that do not exist.
            ("31.02.2019", None, "no such day"),
            ("2019/02/30", None, "no such day"),
            ("2019-02-30", None, "no such day"),
            ("13/13/2019", None, "no such day"),
            ("00.06.2019", None, "no such day"),
            ("14.13.2019", None, "no such day"),
            ("31/04/2019", None, "no such day"),
            // Leap days.
            ("29.02.2020", None, "2020-02-29"),
            ("29.02.2019", None, "no such day"),
            ("29.02.1900", None, "no such day"),
            ("29.02.2000", None, "2000-02-29"),
            ("2024/02/29", None, "2024-02-29"),
            ("02/29/2024", None, "2024-02-29"),
            ("29/02/2023", None, "no such day"),
            // Not dates.
            ("last spring", None, "not a date"),
            ("2019", None, "not a date"),
            ("43630", None, "not a date"),
            ("14 June 2019", None, "not a date"),
            ("14/06", None, "not a date"),
            ("1.2.3.4", None, "not a date"),
            ("14.06/2019", None, "not a date"),
            ("123/06/2019", None, "not a date"),
            ("N/A", None, "not a date"),
            ("", None, "not a date"),
        ];
        for (written, order, want) in table {
            assert_eq!(show(written, *order), *want, "{written:?} with {order:?}");
        }
    }

    #[test]
    fn reads_spreadsheet_serial_days() {
        let table: &[(f64, Option<&str>)] = &[
            (1.0, Some("1900-01-01")),
            (59.0, Some("1900-02-28")),
            // Excel's 29 February 1900 never was.
            (60.0, None),
            (61.0, Some("1900-03-01")),
            (43630.0, Some("2019-06-14")),
            (43630.75, Some("2019-06-14")),
            (43845.0, Some("2020-01-15")),
            (43890.0, Some("2020-02-29")),
            (2_958_465.0, Some("9999-12-31")),
            (2_958_466.0, None),
            (0.0, None),
            (-5.0, None),
            (f64::NAN, None),
        ];
        for (serial, want) in table {
            assert_eq!(
                excel_serial(*serial).map(|d| d.to_string()).as_deref(),
                *want,
                "{serial}"
            );
        }
    }

    #[test]
    fn normalizes_items_and_keeps_the_written_form() {
        let item = |v: &str| Item {
            installed: Some(v.to_string()),
            installed_column: Some(Arc::from("Įrengta")),
            ..Item::default()
        };
        let mut it = item("14.06.2019");
        assert!(normalize(&mut it, None));
        assert_eq!(it.installed.as_deref(), Some("2019-06-14"));
        assert_eq!(
            it.extra,
            vec![(Arc::from("Įrengta as written"), "14.06.2019".to_string())]
        );
        assert!(it.warnings.is_empty());

        let mut it = item("2019-06-14 10:30");
        assert!(!normalize(&mut it, None));
        assert_eq!(it.installed.as_deref(), Some("2019-06-14 10:30"));
        assert!(it.extra.is_empty() && it.warnings.is_empty());

        let mut it = item("03/04/2019");
        assert!(!normalize(&mut it, None));
        assert_eq!(it.installed.as_deref(), Some("03/04/2019"));
        assert_eq!(it.warnings.len(), 1);
        assert!(
            it.warnings[0].starts_with(
                "column 'Įrengta': install date '03/04/2019' is ambiguous: 2019-04-03 if the day is first, 2019-03-04 if the month is"
            ),
            "{}",
            it.warnings[0]
        );
        assert!(it.warnings[0].contains("--date-format dmy|mdy|ymd"));

        let mut it = item("03/04/2019");
        assert!(normalize(&mut it, Some(DateOrder::Mdy)));
        assert_eq!(it.installed.as_deref(), Some("2019-03-04"));

        let mut it = item("31.02.2019");
        normalize(&mut it, None);
        assert_eq!(it.installed.as_deref(), Some("31.02.2019"));
        assert!(it.warnings[0].contains("'31.02.2019' is not a real calendar day"));

        let mut it = item("last spring");
        normalize(&mut it, None);
        assert_eq!(it.installed.as_deref(), Some("last spring"));
        assert!(it.warnings[0].starts_with(
            "column 'Įrengta': install date 'last spring' is not a date tvcheck reads"
        ));

        let mut it = item("43630");
        normalize(&mut it, None);
        assert!(
            it.warnings[0].contains("it is 2019-06-14"),
            "{}",
            it.warnings[0]
        );

        let mut it = Item::default();
        assert!(!normalize(&mut it, None));
        assert!(it.warnings.is_empty());

        let mut it = Item {
            installed: Some("x".into()),
            ..Item::default()
        };
        normalize(&mut it, None);
        assert!(it.warnings[0].starts_with("column 'installed': "));
    }

    #[test]
    fn date_orders_parse() {
        assert_eq!(DateOrder::parse("DMY"), Some(DateOrder::Dmy));
        assert_eq!(DateOrder::parse("mdy"), Some(DateOrder::Mdy));
        assert_eq!(DateOrder::parse("ymd"), Some(DateOrder::Ymd));
        assert_eq!(DateOrder::parse("iso"), None);
        assert_eq!(d("2019-06-14").to_string(), "2019-06-14");
    }
}
