//! The desk's clock: when a document is opened and when it is decided. Its own, so the audit
//! crate serves the log, not the app's sense of time.

use std::time::{SystemTime, UNIX_EPOCH};

use docexam_exam::inspection::Timestamp;

/// Now, to the second. A system clock set before 1970 or past the year 9999 reads as the Unix
/// epoch: the inspection still starts, and the odd time shows in its record.
pub fn now() -> Timestamp {
    from_system_time(SystemTime::now())
}

fn from_system_time(time: SystemTime) -> Timestamp {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    Timestamp::from_unix_seconds(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn whole_seconds_since_the_epoch_and_the_epoch_when_out_of_range() {
        let later = UNIX_EPOCH + Duration::from_millis(1_700_000_000_900);
        assert_eq!(from_system_time(later).unix_seconds(), 1_700_000_000);
        assert_eq!(from_system_time(UNIX_EPOCH - Duration::from_secs(5)), Timestamp::UNIX_EPOCH);
        let beyond = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(from_system_time(beyond), Timestamp::UNIX_EPOCH);
    }

    #[test]
    fn now_is_after_the_desk_was_written() {
        // 2026-01-01T00:00:00Z: any working clock is past it.
        assert!(now().unix_seconds() > 1_767_225_600);
    }
}
