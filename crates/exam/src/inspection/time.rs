//! UTC timestamps for inspection records. The core never reads the clock: the shell passes "now"
//! in as a [`Timestamp`], so every record built in a test is reproducible.

use std::fmt;

use serde::{Deserialize, Serialize};

use docexam_mrz::dates::CalendarDate;

/// The first second of 0001-01-01 UTC.
const MIN_UNIX_SECONDS: i64 = -62_135_596_800;
/// The last second of 9999-12-31 UTC.
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// A UTC instant to the second, between the years 1 and 9999.
///
/// JSON: an RFC 3339 string in UTC with a `Z`, e.g. `"2026-11-23T09:41:07Z"` (sortable as text).
/// Reading also accepts a numeric offset (`+01:00`, converted to UTC) and fractional seconds
/// (dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix_seconds: i64,
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp { unix_seconds: 0 };

    /// The instant `seconds` after 1970-01-01T00:00:00Z, if it lies in the years 1 to 9999.
    pub const fn from_unix_seconds(seconds: i64) -> Option<Self> {
        if seconds < MIN_UNIX_SECONDS || seconds > MAX_UNIX_SECONDS {
            None
        } else {
            Some(Self { unix_seconds: seconds })
        }
    }

    /// `time` (read by a shell's clock) to the second. A time before 1970 or past the year 9999
    /// becomes the Unix epoch: the work goes on, and the odd time shows in its record.
    pub fn from_system_time(time: std::time::SystemTime) -> Self {
        let seconds = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Self::from_unix_seconds(seconds).unwrap_or(Self::UNIX_EPOCH)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// The UTC calendar date.
    pub fn date(self) -> CalendarDate {
        CalendarDate::from_unix_seconds(self.unix_seconds)
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space for the
    /// `T` are accepted as RFC 3339 allows).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
            return None;
        }
        let year = i32::try_from(digits(b, 0, 4)?).ok()?;
        let month = u8::try_from(digits(b, 5, 2)?).ok()?;
        let day = u8::try_from(digits(b, 8, 2)?).ok()?;
        let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
        // A leap second (60) is read as the last second of its minute.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let date = CalendarDate::new(year, month, day)?;
        let mut rest = b.get(19..)?;
        if let Some((b'.', fraction)) = rest.split_first() {
            let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if count == 0 {
                return None;
            }
            rest = fraction.get(count..)?;
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (h, m) = (digits(rest, 1, 2)?, digits(rest, 4, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = h * 60 + m;
                if *sign == b'+' { minutes } else { -minutes }
            }
            _ => return None,
        };
        let local = date.days_since_unix_epoch() * 86_400 + hour * 3600 + minute * 60 + second.min(59);
        Self::from_unix_seconds(local - offset * 60)
    }
}

/// The value of `len` ASCII digits at `at`.
fn digits(bytes: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(at..at + len)?;
    slice.iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.date();
        let seconds = self.unix_seconds.rem_euclid(86_400);
        write!(f, "{date}T{:02}:{:02}:{:02}Z", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not an RFC 3339 time such as 2026-11-23T09:41:07Z"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(seconds: i64) -> Timestamp {
        Timestamp::from_unix_seconds(seconds).expect("in range")
    }

    #[test]
    fn a_system_time_is_whole_seconds_and_the_epoch_when_out_of_range() {
        use std::time::{Duration, UNIX_EPOCH};
        let later = UNIX_EPOCH + Duration::from_millis(1_700_000_000_900);
        assert_eq!(Timestamp::from_system_time(later).unix_seconds(), 1_700_000_000);
        assert_eq!(Timestamp::from_system_time(UNIX_EPOCH - Duration::from_secs(5)), Timestamp::UNIX_EPOCH);
        let beyond = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(Timestamp::from_system_time(beyond), Timestamp::UNIX_EPOCH);
    }

    #[test]
    fn formats_as_rfc3339_utc() {
        assert_eq!(ts(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(ts(1_795_427_267).to_string(), "2026-11-23T09:47:47Z");
        assert_eq!(ts(-1).to_string(), "1969-12-31T23:59:59Z");
        assert_eq!(ts(951_782_400).to_string(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parses_what_it_formats_across_the_range() {
        for seconds in [MIN_UNIX_SECONDS, -1, 0, 1, 951_782_399, 1_795_427_267, MAX_UNIX_SECONDS] {
            let text = ts(seconds).to_string();
            assert_eq!(Timestamp::parse_rfc3339(&text), Some(ts(seconds)), "{text}");
        }
        let mut seconds = MIN_UNIX_SECONDS;
        while seconds < MAX_UNIX_SECONDS {
            let text = ts(seconds).to_string();
            assert_eq!(Timestamp::parse_rfc3339(&text).map(Timestamp::unix_seconds), Some(seconds), "{text}");
            seconds += 7_777_777;
        }
    }

    #[test]
    fn converts_offsets_and_drops_fractions() {
        let utc = Timestamp::parse_rfc3339("2026-11-23T09:47:47Z");
        assert_eq!(Timestamp::parse_rfc3339("2026-11-23T10:47:47+01:00"), utc);
        assert_eq!(Timestamp::parse_rfc3339("2026-11-23T04:17:47-05:30"), utc);
        assert_eq!(Timestamp::parse_rfc3339("2026-11-23T09:47:47.999Z"), utc);
        assert_eq!(Timestamp::parse_rfc3339("2026-11-23t09:47:47z"), utc);
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for text in [
            "",
            "2026-11-23",
            "2026-11-23T09:47:47",
            "2026-02-30T09:47:47Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T09:47:47.Z",
            "2026-11-23T09:47:47+0100",
            "2026-11-23T09:47:47 Z",
            "+2026-11-23T09:47:47Z",
            "2026-11-23T09:47:47Zjunk",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(text), None, "{text:?}");
        }
        assert_eq!(Timestamp::from_unix_seconds(MAX_UNIX_SECONDS + 1), None);
        assert_eq!(Timestamp::from_unix_seconds(MIN_UNIX_SECONDS - 1), None);
    }

    #[test]
    fn serde_round_trip() {
        let json = serde_json::to_string(&ts(1_795_427_267)).expect("serialise");
        assert_eq!(json, "\"2026-11-23T09:47:47Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).expect("parse"), ts(1_795_427_267));
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }
}
