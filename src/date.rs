//! Calendar dates (proleptic Gregorian, no time zone): parsing, validation and day arithmetic.
//!
//! Legal deadlines and listing dates are whole days, so tvcheck needs nothing more than
//! this small type. Dates are ordered, printed as `YYYY-MM-DD` and serialised as strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date such as 2025-12-31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a string is not a valid date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("'{0}' is not a date of the form YYYY-MM-DD")]
    Format(String),
    /// Well formed, but the day does not exist (2025-02-30).
    #[error("'{0}' is not a real calendar day")]
    NoSuchDay(String),
}

impl Date {
    /// Builds a date, checking that the day exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Number of days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }

    /// The same calendar day `years` later: the end of a period "within N years" counted from
    /// `self` (a 29 February start ends on 28 February of a common year).
    pub(crate) fn plus_years(self, years: u32) -> Date {
        let year = self
            .year
            .saturating_add(i32::try_from(years).unwrap_or(i32::MAX));
        let day = self.day.min(days_in_month(year, self.month));
        Date {
            year,
            month: self.month,
            day,
        }
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days(secs.div_euclid(86_400))
    }

    /// Converts a TOML date value.
    pub(crate) fn from_toml(d: &toml::value::Date) -> Option<Date> {
        Date::new(i32::from(d.year), d.month, d.day)
    }
}

/// Formats a Unix time (seconds) as an RFC 3339 UTC timestamp, e.g. `2026-11-21T16:47:35Z`.
pub fn rfc3339_utc(unix_secs: i64) -> String {
    let day = Date::from_days(unix_secs.div_euclid(86_400));
    let s = unix_secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let t = s.trim();
        let b = t.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(DateError::Format(s.to_string()));
        }
        let num = |r: std::ops::Range<usize>| t[r].parse::<i32>().unwrap_or(0);
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        Date::new(y, m as u8, d as u8).ok_or_else(|| DateError::NoSuchDay(s.to_string()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_years_keeps_the_calendar_day() {
        let d: Date = "2027-03-10".parse().unwrap();
        assert_eq!(d.plus_years(7).to_string(), "2034-03-10");
        let leap: Date = "2028-02-29".parse().unwrap();
        assert_eq!(leap.plus_years(4).to_string(), "2032-02-29");
        assert_eq!(leap.plus_years(1).to_string(), "2029-02-28");
    }

    #[test]
    fn parses_and_prints() {
        let d: Date = "2025-12-31".parse().unwrap();
        assert_eq!(d.to_string(), "2025-12-31");
        assert_eq!((d.year(), d.month(), d.day()), (2025, 12, 31));
    }

    #[test]
    fn rejects_impossible_days_and_bad_shapes() {
        assert_eq!(
            "2025-02-30".parse::<Date>(),
            Err(DateError::NoSuchDay("2025-02-30".into()))
        );
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("25-1-1".parse::<Date>().is_err());
        assert!("2025/01/01".parse::<Date>().is_err());
        assert!("".parse::<Date>().is_err());
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(epoch.to_days(), 0);
        for days in [-800_000, -1, 0, 59, 365, 11_016, 20_000, 2_000_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        let a: Date = "2026-11-21".parse().unwrap();
        let b: Date = "2026-12-31".parse().unwrap();
        assert_eq!(a.days_until(b), 40);
        assert!(a < b);
    }
}
