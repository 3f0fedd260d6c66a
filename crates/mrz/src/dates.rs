//! Calendar dates, the six-character MRZ date (`YYMMDD`, unknown parts as `<`) and the century
//! policy. ICAO 9303 has no century rule; ours is explicit, takes the reference date as input (the
//! core never reads the clock) and is stated in every report.

use std::fmt;

use serde::Serialize;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    /// Full year, e.g. 1974.
    pub year: i32,
    /// 1-12.
    pub month: u8,
    /// 1-31.
    pub day: u8,
}

impl CalendarDate {
    /// A date, if it exists in the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        (1..=12)
            .contains(&month)
            .then_some(())
            .and_then(|()| (day >= 1 && day <= days_in_month(year, month)).then_some(Self { year, month, day }))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse::<i32>().ok()?;
        let month = parts.next()?.parse::<u8>().ok()?;
        let day = parts.next()?.parse::<u8>().ok()?;
        Self::new(year, month, day)
    }

    /// The UTC date of a Unix timestamp (seconds since 1970-01-01T00:00:00Z).
    pub fn from_unix_seconds(seconds: i64) -> Self {
        civil_from_days(seconds.div_euclid(86_400))
    }

    /// Days since 1970-01-01 (proleptic Gregorian; negative before): the inverse of
    /// `civil_from_days`, after Howard Hinnant's `days_from_civil`.
    pub fn days_since_unix_epoch(self) -> i64 {
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month outside 1-12.
pub const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a calendar date.
fn civil_from_days(days: i64) -> CalendarDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    CalendarDate { year, month, day }
}

/// Which date of the document a six-character date is; the century rule differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    /// Date of birth: never after the reference date.
    Birth,
    /// Date of expiry: within a window around the reference date.
    Expiry,
}

/// How two-digit years become full years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DatePolicy {
    /// "Today" for the purpose of the check (expiry, century of birth).
    pub reference_date: CalendarDate,
    /// Expiry years are placed in `[reference year - this, reference year - this + 99]`.
    pub expiry_years_back: i32,
}

impl DatePolicy {
    /// The default policy for a reference date: expiry window from 70 years before to 29 years
    /// after the reference year.
    pub fn new(reference_date: CalendarDate) -> Self {
        Self { reference_date, expiry_years_back: 70 }
    }

    /// The first year of the expiry window.
    pub fn expiry_window_start(&self) -> i32 {
        self.reference_date.year - self.expiry_years_back
    }

    /// The century rule in words, for reports.
    pub fn describe(&self) -> String {
        let start = self.expiry_window_start();
        format!(
            "date of birth: the latest year not after {}; date of expiry: a year in {}-{}",
            self.reference_date,
            start,
            start + 99
        )
    }

    /// The full year for two digits `yy` (0-99) of a date with the given role. `month_day` is the
    /// month and day when both are known; it decides births in the reference year.
    pub fn resolve_year(&self, role: DateRole, yy: i32, month_day: Option<(u8, u8)>) -> i32 {
        let reference = self.reference_date;
        match role {
            DateRole::Birth => {
                let century = reference.year.div_euclid(100) * 100;
                let candidate = century + yy;
                let in_future = match month_day {
                    Some((month, day)) => (candidate, month, day) > (reference.year, reference.month, reference.day),
                    None => candidate > reference.year,
                };
                if in_future { candidate - 100 } else { candidate }
            }
            DateRole::Expiry => {
                let start = self.expiry_window_start();
                start + (yy - start).rem_euclid(100)
            }
        }
    }
}

/// How complete a six-character MRZ date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateForm {
    /// Year, month and day all known and the date exists.
    Complete,
    /// Some parts are `<` (allowed for the date of birth).
    PartlyUnknown,
    /// All six characters are `<`.
    Unknown,
    /// Not a date: a character other than a digit or `<`, half-unknown pairs, month 13, 30 February.
    Invalid,
}

/// A six-character MRZ date, decoded under a [`DatePolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrzDate {
    /// Full year, when the year digits are known.
    pub year: Option<i32>,
    /// Month, when known and 1-12.
    pub month: Option<u8>,
    /// Day, when known.
    pub day: Option<u8>,
    /// How complete and plausible the date is.
    pub form: DateForm,
}

impl MrzDate {
    /// Decodes `YYMMDD` (exactly six bytes, else invalid).
    pub fn decode(raw: &[u8], role: DateRole, policy: &DatePolicy) -> Self {
        let invalid = Self { year: None, month: None, day: None, form: DateForm::Invalid };
        let [y1, y2, m1, m2, d1, d2] = raw else { return invalid };
        let (Some(yy), Some(mm), Some(dd)) = (pair(*y1, *y2), pair(*m1, *m2), pair(*d1, *d2)) else {
            return invalid;
        };
        let month_day = match (mm, dd) {
            (Some(m), Some(d)) => Some((m as u8, d as u8)),
            _ => None,
        };
        let year = yy.map(|yy| policy.resolve_year(role, yy, month_day));
        let month = mm.map(|m| m as u8);
        let day = dd.map(|d| d as u8);
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Self { year, month, day, form: DateForm::Invalid };
        }
        if let Some(d) = day {
            // With the year or month unknown, allow the longest month that could apply.
            let max = match (year, month) {
                (Some(y), Some(m)) => days_in_month(y, m),
                (None, Some(m)) => days_in_month(2000, m),
                _ => 31,
            };
            if d == 0 || d > max {
                return Self { year, month, day, form: DateForm::Invalid };
            }
        }
        let form = match (year, month, day) {
            (Some(_), Some(_), Some(_)) => DateForm::Complete,
            (None, None, None) => DateForm::Unknown,
            _ => DateForm::PartlyUnknown,
        };
        Self { year, month, day, form }
    }

    /// The calendar date, when complete.
    pub fn calendar_date(&self) -> Option<CalendarDate> {
        CalendarDate::new(self.year?, self.month?, self.day?)
    }

    /// The date as ISO text with `??` for unknown parts ("1974-08-??"), or `None` when invalid.
    pub fn iso(&self) -> Option<String> {
        if self.form == DateForm::Invalid {
            return None;
        }
        let year = self.year.map_or_else(|| "????".to_owned(), |y| format!("{y:04}"));
        let month = self.month.map_or_else(|| "??".to_owned(), |m| format!("{m:02}"));
        let day = self.day.map_or_else(|| "??".to_owned(), |d| format!("{d:02}"));
        Some(format!("{year}-{month}-{day}"))
    }
}

/// Two characters as a number 0-99 (`Some(Some(n))`), fully unknown (`Some(None)`), or malformed.
fn pair(a: u8, b: u8) -> Option<Option<i32>> {
    match (a, b) {
        (b'<', b'<') => Some(None),
        (b'0'..=b'9', b'0'..=b'9') => Some(Some(i32::from(a - b'0') * 10 + i32::from(b - b'0'))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> DatePolicy {
        DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
    }

    #[test]
    fn unix_seconds_to_dates() {
        assert_eq!(CalendarDate::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(CalendarDate::from_unix_seconds(951_782_400).to_string(), "2000-02-29");
        assert_eq!(CalendarDate::from_unix_seconds(-86_400).to_string(), "1969-12-31");
        assert_eq!(CalendarDate::from_unix_seconds(1_795_392_000).to_string(), "2026-11-23");
    }

    #[test]
    fn days_since_the_epoch_invert_the_date_of_a_timestamp() {
        for days in [-719_468 - 365, -1, 0, 1, 11_016, 20_415, 2_932_896] {
            let date = CalendarDate::from_unix_seconds(days * 86_400);
            assert_eq!(date.days_since_unix_epoch(), days, "{date}");
        }
    }

    #[test]
    fn birth_century_never_in_the_future() {
        let p = policy();
        assert_eq!(p.resolve_year(DateRole::Birth, 74, Some((8, 12))), 1974);
        assert_eq!(p.resolve_year(DateRole::Birth, 20, Some((12, 31))), 2020);
        assert_eq!(p.resolve_year(DateRole::Birth, 26, Some((11, 23))), 2026);
        assert_eq!(p.resolve_year(DateRole::Birth, 26, Some((11, 24))), 1926);
        assert_eq!(p.resolve_year(DateRole::Birth, 27, None), 1927);
    }

    #[test]
    fn expiry_window() {
        let p = policy();
        assert_eq!(p.resolve_year(DateRole::Expiry, 12, None), 2012);
        assert_eq!(p.resolve_year(DateRole::Expiry, 55, None), 2055);
        assert_eq!(p.resolve_year(DateRole::Expiry, 56, None), 1956);
        assert_eq!(p.resolve_year(DateRole::Expiry, 95, None), 1995);
    }

    #[test]
    fn decodes_complete_partial_unknown_and_invalid() {
        let p = policy();
        let d = MrzDate::decode(b"740812", DateRole::Birth, &p);
        assert_eq!(d.form, DateForm::Complete);
        assert_eq!(d.iso().as_deref(), Some("1974-08-12"));
        let d = MrzDate::decode(b"7408<<", DateRole::Birth, &p);
        assert_eq!((d.form, d.iso().as_deref()), (DateForm::PartlyUnknown, Some("1974-08-??")));
        let d = MrzDate::decode(b"<<<<<<", DateRole::Birth, &p);
        assert_eq!((d.form, d.iso().as_deref()), (DateForm::Unknown, Some("????-??-??")));
        for bad in [&b"741312"[..], b"740230", b"7408<1", b"74O812", b"74081", b"740800"] {
            assert_eq!(MrzDate::decode(bad, DateRole::Birth, &p).form, DateForm::Invalid, "{bad:?}");
        }
        assert_eq!(MrzDate::decode(b"000229", DateRole::Birth, &p).form, DateForm::Complete);
        assert_eq!(MrzDate::decode(b"010229", DateRole::Birth, &p).form, DateForm::Invalid);
    }

    #[test]
    fn iso_parsing() {
        assert_eq!(CalendarDate::parse_iso("2026-11-23"), Some(CalendarDate { year: 2026, month: 11, day: 23 }));
        assert_eq!(CalendarDate::parse_iso("2026-02-30"), None);
        assert_eq!(CalendarDate::parse_iso("yesterday"), None);
    }
}
