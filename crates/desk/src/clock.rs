//! The desk's clock: when a document is opened and when it is decided. Its own, so the audit
//! crate serves the log, not the app's sense of time.

use std::time::SystemTime;

use docexam_exam::inspection::Timestamp;

/// Now, to the second ([`Timestamp::from_system_time`]: a clock set before 1970 or past the year
/// 9999 reads as the Unix epoch, so the inspection still starts and the odd time shows).
pub fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_after_the_desk_was_written() {
        // 2026-01-01T00:00:00Z: any working clock is past it.
        assert!(now().unix_seconds() > 1_767_225_600);
    }
}
