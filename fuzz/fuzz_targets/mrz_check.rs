//! The MRZ parser on arbitrary bytes: never panics; a valid verdict never has a failed check;
//! the report always serialises.
#![no_main]

use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::MrzReport;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let policy = DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 });
    let result = docexam_mrz::check_text(text, &policy);
    if let Ok(checked) = &result {
        assert!(!checked.is_valid() || checked.failed_checks().next().is_none());
    }
    let report = MrzReport::from_result(&result, &policy);
    let _ = serde_json::to_string(&report);
});
