//! MRZ throughput. Target (issue): at least 1 million TD3 parses per second on one core, for the
//! full check (`td3/check_text`: normalise, layout, every check digit, typed dates, name
//! integrity, verdict). Every benchmark measures one MRZ per iteration (`Throughput::Elements(1)`),
//! so criterion prints elements/s = parses per second.
//!
//! Run: `cargo bench --bench mrz_parse`. `td3/mrz_crate_0.9.1` runs the same specimen through the
//! independent `mrz` crate (`parse_td3` + `valid()`) for a side-by-side figure.
//!
//! The figures are recorded in the README (Benchmarks), with the date and machine.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::MrzReport;
// `mrz` below is docexam's engine; the independent crate is `::mrz`.
use docexam_mrz::{self as mrz, Verdict};

const TD3_LINE1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const TD3_LINE2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
/// The TD3 specimen with its document-number check digit broken (6 -> 7).
const TD3_INVALID: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10";
const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

fn policy() -> DatePolicy {
    DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
}

/// The verdict of `text`; `Unreadable` when it is no MRZ. For the sanity checks.
fn verdict(text: &str, policy: &DatePolicy) -> Verdict {
    mrz::check_text(text, policy).map_or(Verdict::Unreadable, |c| c.verdict())
}

fn sanity_checks(policy: &DatePolicy) {
    // A benchmark of the wrong outcome measures nothing useful: fail loudly instead.
    assert_eq!(verdict(TD3, policy), Verdict::Valid);
    assert_eq!(verdict(TD1, policy), Verdict::Valid);
    assert_eq!(verdict(TD3_INVALID, policy), Verdict::Invalid);
    assert!(::mrz::parse_td3(TD3_LINE1, TD3_LINE2).is_ok_and(|d| d.valid()));
}

fn td3(c: &mut Criterion) {
    let policy = policy();
    sanity_checks(&policy);

    let mut group = c.benchmark_group("td3");
    group.throughput(Throughput::Elements(1));
    group.bench_function("check_text", |b| {
        b.iter(|| mrz::check_text(black_box(TD3), black_box(&policy)).map(|c| c.verdict()))
    });
    group.bench_function("check_text+report", |b| {
        b.iter(|| mrz::check_text(black_box(TD3), black_box(&policy)).map(|c| MrzReport::from_checked(&c)))
    });
    group.bench_function("invalid", |b| {
        b.iter(|| mrz::check_text(black_box(TD3_INVALID), black_box(&policy)).map(|c| c.verdict()))
    });
    group.bench_function("mrz_crate_0.9.1", |b| {
        b.iter(|| ::mrz::parse_td3(black_box(TD3_LINE1), black_box(TD3_LINE2)).map(|d| d.valid()))
    });
    group.finish();

    let mut group = c.benchmark_group("td1");
    group.throughput(Throughput::Elements(1));
    group.bench_function("check_text", |b| {
        b.iter(|| mrz::check_text(black_box(TD1), black_box(&policy)).map(|c| c.verdict()))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = td3
}
criterion_main!(benches);
