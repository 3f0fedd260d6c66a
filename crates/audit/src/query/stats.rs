//! Statistics over inspections: what they are grouped by, the per-grouping partial parse of a
//! leaf, and the counting (on every core).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;

use serde::{Deserialize, Serialize};

use super::fields::{DecisionFields, DocumentFields, Text};
use super::{AuditReader, seconds, start_of_day};
use crate::AuditError;
use crate::export::neutralise_cell;
use docexam_exam::inspection::Outcome;
use docexam_mrz::dates::CalendarDate;

/// What `audit stats` groups inspections by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// Decision outcome.
    Outcome,
    /// Failure codes of the failed items; an inspection counts once per code, `none` without a
    /// failed item.
    FraudType,
    /// Nationality from the MRZ.
    Nationality,
    /// Officer id.
    Officer,
    /// Hour of the day (UTC) the inspection was decided.
    Hour,
    /// Day (UTC) the inspection was decided, `YYYY-MM-DD`; days without inspections have no row.
    Day,
    /// Refusal grounds of the decision (`A` to `I`); an inspection counts once per ground, `none`
    /// without one.
    RefusalReason,
}

impl GroupBy {
    /// Every grouping, in the order `audit stats --by` lists them.
    pub const ALL: [GroupBy; 7] = [
        GroupBy::Outcome,
        GroupBy::FraudType,
        GroupBy::Nationality,
        GroupBy::Officer,
        GroupBy::Hour,
        GroupBy::Day,
        GroupBy::RefusalReason,
    ];

    /// The spelling `audit stats --by` accepts.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Outcome => "outcome",
            GroupBy::FraudType => "fraud-type",
            GroupBy::Nationality => "nationality",
            GroupBy::Officer => "officer",
            GroupBy::Hour => "hour",
            GroupBy::Day => "day",
            GroupBy::RefusalReason => "refusal-reason",
        }
    }

    /// What the grouping counts, in a line of help text.
    pub fn help(self) -> &'static str {
        match self {
            GroupBy::Outcome => "Decision outcome",
            GroupBy::FraudType => {
                "Failure codes of failed items (CF, FG-PS, ...); an inspection counts once per code, \"none\" without a failure"
            }
            GroupBy::Nationality => "Nationality from the MRZ",
            GroupBy::Officer => "Officer id",
            GroupBy::Hour => "Hour of the day (UTC) the inspection was decided",
            GroupBy::Day => {
                "Day (UTC) the inspection was decided, YYYY-MM-DD, in date order (days without inspections are left out)"
            }
            GroupBy::RefusalReason => {
                "Refusal grounds A-I of the decision; an inspection counts once per ground, \"none\" without one"
            }
        }
    }

    /// The name of the key column.
    pub fn key_name(self) -> &'static str {
        match self {
            GroupBy::Outcome => "outcome",
            GroupBy::FraudType => "fraud_type",
            GroupBy::Nationality => "nationality",
            GroupBy::Officer => "officer",
            GroupBy::Hour => "hour",
            GroupBy::Day => "day",
            GroupBy::RefusalReason => "refusal_reason",
        }
    }
}

impl std::fmt::Display for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for GroupBy {
    type Err = String;

    /// The grouping spelled [`GroupBy::name`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        GroupBy::ALL.into_iter().find(|by| by.name() == text).ok_or_else(|| {
            let names: Vec<&str> = GroupBy::ALL.iter().map(|by| by.name()).collect();
            format!("{text:?} is not a grouping; use one of {}", names.join(", "))
        })
    }
}

/// The key of inspections without a failed item (fraud types).
pub const NO_FRAUD_TYPE: &str = "none";
/// The key of inspections whose decision gives no refusal ground.
pub const NO_REFUSAL_REASON: &str = "none";
/// The key of inspections that do not say (no nationality read, no officer id).
pub const UNKNOWN_KEY: &str = "(unknown)";

/// One group of inspections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    /// The group (an outcome key, a failure code, a nationality, an officer id, an hour `00`-`23`,
    /// a day `YYYY-MM-DD`, a refusal ground `A`-`I`).
    pub key: String,
    /// Inspections in it.
    pub count: u64,
}

/// Inspections counted by group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// How they were grouped.
    #[serde(skip)]
    pub by: GroupBy,
    /// Inspections counted (the total; with fraud types, groups can add up to more).
    pub inspections: u64,
    /// The groups, in display order: outcomes in their usual order (all five, even at zero),
    /// hours from 00, days from the earliest, everything else by count, largest first. Hours and
    /// days that cannot be told sort first as `(unknown)`.
    pub rows: Vec<StatsRow>,
}

impl Stats {
    /// `count` as a percentage of all inspections counted (0 when there are none).
    pub fn share_percent(&self, count: u64) -> f64 {
        if self.inspections == 0 {
            return 0.0;
        }
        #[allow(clippy::cast_precision_loss)] // Counts stay far below 2^52.
        let share = count as f64 * 100.0 / self.inspections as f64;
        share
    }

    /// Writes the groups as CSV: a header (`KEY,count,share_percent`), one row per group and a
    /// `(total)` row. Cells that a spreadsheet would run as a formula are neutralised
    /// ([`neutralise_cell`]: officer ids are typed by users).
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> Result<(), csv::Error> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([self.by.key_name(), "count", "share_percent"])?;
        for row in &self.rows {
            let count = row.count.to_string();
            let share = format!("{:.1}", self.share_percent(row.count));
            writer.write_record([neutralise_cell(&row.key).as_ref(), &count, &share])?;
        }
        let total = self.inspections.to_string();
        let share = if self.inspections == 0 { "0.0" } else { "100.0" };
        writer.write_record(["(total)", &total, share])?;
        writer.flush()?;
        Ok(())
    }
}

/// An inspection leaf parsed for one grouping: the record time and the body fields `B` names.
/// Statistics over a million records spend their time here, so each grouping parses only its
/// own field (and `ended_at`); serde skips the rest without building anything.
#[derive(Debug, Deserialize)]
struct GroupedLeaf<'a, B> {
    #[serde(borrow)]
    at: Text<'a>,
    body: B,
}

/// The body fields of one grouping.
trait Grouping<'a> {
    /// When the inspection was decided, as the body says.
    fn ended_at(&self) -> Option<&Text<'a>>;
    /// Calls `count` once for every group the inspection counts in.
    fn groups(&self, decided_at: Option<i64>, count: &mut dyn FnMut(&str));
}

#[derive(Debug, Deserialize)]
struct ByOutcome<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    decision: Option<DecisionFields<'a>>,
}

impl<'a> Grouping<'a> for ByOutcome<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, _: Option<i64>, count: &mut dyn FnMut(&str)) {
        count(self.decision.as_ref().map_or(UNKNOWN_KEY, |d| d.outcome.as_str()));
    }
}

#[derive(Debug, Deserialize)]
struct ByNationality<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    document: Option<DocumentFields<'a>>,
}

impl<'a> Grouping<'a> for ByNationality<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, _: Option<i64>, count: &mut dyn FnMut(&str)) {
        let nationality = self.document.as_ref().and_then(|d| d.nationality.as_ref());
        count(nationality.map_or(UNKNOWN_KEY, Text::as_str));
    }
}

#[derive(Debug, Deserialize)]
struct ByOfficer<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    officer: Option<Text<'a>>,
}

impl<'a> Grouping<'a> for ByOfficer<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, _: Option<i64>, count: &mut dyn FnMut(&str)) {
        count(self.officer.as_ref().map_or(UNKNOWN_KEY, Text::as_str));
    }
}

#[derive(Debug, Deserialize)]
struct ByHour<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
}

/// The hour keys, so counting by hour allocates nothing per record.
const HOURS: [&str; 24] = [
    "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "21", "22", "23",
];

impl<'a> Grouping<'a> for ByHour<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, decided_at: Option<i64>, count: &mut dyn FnMut(&str)) {
        let hour = decided_at.and_then(|at| usize::try_from(at.rem_euclid(86_400) / 3600).ok());
        count(hour.and_then(|h| HOURS.get(h).copied()).unwrap_or(UNKNOWN_KEY));
    }
}

#[derive(Debug, Deserialize)]
struct ByFraudType<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    items: FailureCodes<'a>,
}

impl<'a> Grouping<'a> for ByFraudType<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, _: Option<i64>, count: &mut dyn FnMut(&str)) {
        if self.items.0.is_empty() {
            count(NO_FRAUD_TYPE);
        }
        for code in &self.items.0 {
            count(code.as_str());
        }
    }
}

#[derive(Debug, Deserialize)]
struct ByDay<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
}

/// The UTC day of `seconds` as `YYYY-MM-DD`, written into `buffer` (no allocation per record).
pub(super) fn day_key(seconds: i64, buffer: &mut [u8; 10]) -> Option<&str> {
    use std::io::Write as _;
    let mut rest: &mut [u8] = buffer;
    // Fails when the date does not fit: never for the years 1 to 9999 a `Timestamp` holds.
    write!(rest, "{}", CalendarDate::from_unix_seconds(seconds)).ok()?;
    if !rest.is_empty() {
        return None;
    }
    std::str::from_utf8(buffer).ok()
}

impl<'a> Grouping<'a> for ByDay<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, decided_at: Option<i64>, count: &mut dyn FnMut(&str)) {
        let mut buffer = [0u8; 10];
        count(decided_at.and_then(|at| day_key(at, &mut buffer)).unwrap_or(UNKNOWN_KEY));
    }
}

#[derive(Debug, Deserialize)]
struct ByRefusalReason<'a> {
    #[serde(borrow, default)]
    ended_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    decision: Option<RefusalFields<'a>>,
}

#[derive(Debug, Deserialize)]
struct RefusalFields<'a> {
    #[serde(borrow, default)]
    refusal_reasons: Vec<Text<'a>>,
}

impl<'a> Grouping<'a> for ByRefusalReason<'a> {
    fn ended_at(&self) -> Option<&Text<'a>> {
        self.ended_at.as_ref()
    }
    fn groups(&self, _: Option<i64>, count: &mut dyn FnMut(&str)) {
        let reasons = self.decision.as_ref().map_or(&[][..], |d| d.refusal_reasons.as_slice());
        if reasons.is_empty() {
            count(NO_REFUSAL_REASON);
        }
        for (n, reason) in reasons.iter().enumerate() {
            // docexam never records a ground twice; a reader counts each once anyway.
            if !reasons.iter().take(n).any(|r| r.as_str() == reason.as_str()) {
                count(reason.as_str());
            }
        }
    }
}

/// The failure codes of the failed items, each once, read item by item (no list of items is
/// built).
#[derive(Debug, Default)]
struct FailureCodes<'a>(Vec<Text<'a>>);

#[derive(Debug, Deserialize)]
struct ItemFields<'a> {
    #[serde(borrow)]
    answer: Text<'a>,
    #[serde(borrow, default)]
    suggests: Vec<Text<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for FailureCodes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FailureCodes<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of items")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut codes: Vec<Text<'de>> = Vec::new();
                while let Some(item) = items.next_element::<ItemFields<'de>>()? {
                    // Only failed items carry codes when docexam writes them; a reader checks anyway.
                    if item.answer.as_str() != "fail" {
                        continue;
                    }
                    for code in item.suggests {
                        if !codes.iter().any(|c| c.as_str() == code.as_str()) {
                            codes.push(code);
                        }
                    }
                }
                Ok(FailureCodes(codes))
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

/// Counts inspections into groups, one leaf at a time (the pure part of [`AuditReader::stats`]).
#[derive(Debug, Clone)]
pub struct StatsCounter {
    by: GroupBy,
    since: Option<i64>,
    inspections: u64,
    counts: HashMap<String, u64>,
}

impl StatsCounter {
    /// Counts by `by`, only inspections decided on or after `since` (UTC).
    pub fn new(by: GroupBy, since: Option<CalendarDate>) -> Self {
        Self { by, since: since.map(start_of_day), inspections: 0, counts: HashMap::new() }
    }

    fn bump(counts: &mut HashMap<String, u64>, key: &str, by: u64) {
        match counts.get_mut(key) {
            Some(count) => *count += by,
            None => {
                counts.insert(key.to_owned(), by);
            }
        }
    }

    /// Counts one inspection leaf. Returns false (and counts nothing) when it is not a readable
    /// inspection record or was decided before `since`.
    pub fn add(&mut self, leaf: &[u8]) -> bool {
        match self.by {
            GroupBy::Outcome => self.add_as::<ByOutcome<'_>>(leaf),
            GroupBy::FraudType => self.add_as::<ByFraudType<'_>>(leaf),
            GroupBy::Nationality => self.add_as::<ByNationality<'_>>(leaf),
            GroupBy::Officer => self.add_as::<ByOfficer<'_>>(leaf),
            GroupBy::Hour => self.add_as::<ByHour<'_>>(leaf),
            GroupBy::Day => self.add_as::<ByDay<'_>>(leaf),
            GroupBy::RefusalReason => self.add_as::<ByRefusalReason<'_>>(leaf),
        }
    }

    fn add_as<'a, B: Grouping<'a> + Deserialize<'a>>(&mut self, leaf: &'a [u8]) -> bool {
        let Ok(leaf) = serde_json::from_slice::<GroupedLeaf<'a, B>>(leaf) else { return false };
        // When it was decided: `ended_at`, else the record time.
        let decided_at = leaf.body.ended_at().and_then(|t| seconds(t.as_str())).or_else(|| seconds(leaf.at.as_str()));
        if let Some(since) = self.since
            && decided_at.is_none_or(|at| at < since)
        {
            return false;
        }
        self.inspections += 1;
        let counts = &mut self.counts;
        leaf.body.groups(decided_at, &mut |key| Self::bump(counts, key, 1));
        true
    }

    /// Adds the counts of `other` (same grouping; counted on another thread).
    pub fn merge(&mut self, other: StatsCounter) {
        self.inspections += other.inspections;
        for (key, count) in other.counts {
            Self::bump(&mut self.counts, &key, count);
        }
    }

    /// The groups in display order (see [`Stats::rows`]).
    pub fn finish(self) -> Stats {
        let mut counts = self.counts;
        let mut rows: Vec<StatsRow> = Vec::with_capacity(counts.len());
        if self.by == GroupBy::Outcome {
            for outcome in Outcome::ALL {
                let count = counts.remove(outcome.key()).unwrap_or(0);
                rows.push(StatsRow { key: outcome.key().to_owned(), count });
            }
        }
        let mut rest: Vec<StatsRow> = counts.into_iter().map(|(key, count)| StatsRow { key, count }).collect();
        if matches!(self.by, GroupBy::Hour | GroupBy::Day) {
            rest.sort_by(|a, b| a.key.cmp(&b.key));
        } else {
            rest.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        }
        rows.extend(rest);
        Stats { by: self.by, inspections: self.inspections, rows }
    }
}

impl AuditReader {
    /// Counts the inspections (own and imported) decided on or after `since`, grouped `by`.
    pub fn stats(&self, by: GroupBy, since: Option<CalendarDate>) -> Result<Stats, AuditError> {
        // This thread reads SQLite; workers parse. Parsing is most of the work, and a million
        // records take seconds, not tens of seconds, only with every core on it.
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let (sender, receiver) = std::sync::mpsc::sync_channel::<LeafBatch>(workers * 2);
        let receiver = Mutex::new(receiver);
        let counter = StatsCounter::new(by, since);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (receiver, mut counter) = (&receiver, counter.clone());
                    scope.spawn(move || {
                        // A poisoned lock means another worker died; join reports that.
                        while let Some(batch) = receiver.lock().ok().and_then(|r| r.recv().ok()) {
                            for leaf in batch.leaves() {
                                counter.add(leaf);
                            }
                        }
                        counter
                    })
                })
                .collect();
            let read = self.send_inspection_leaves(&sender);
            drop(sender);
            let mut total = counter;
            for handle in handles {
                match handle.join() {
                    Ok(counted) => total.merge(counted),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            read.map(|()| total.finish())
        })
    }

    /// Sends the leaves of every inspection (own, then imported) in batches of about 1 MiB.
    fn send_inspection_leaves(&self, sender: &SyncSender<LeafBatch>) -> Result<(), AuditError> {
        let mut batch = LeafBatch::default();
        // Nearly every record is an inspection: one pass over the table beats a lookup per record
        // through the kind index.
        for query in [
            "SELECT leaf FROM log NOT INDEXED WHERE kind = 'inspection'",
            "SELECT leaf FROM imported_record WHERE kind = 'inspection'",
        ] {
            let sql = self.sql("read inspections");
            let mut statement = self.conn.prepare(query).map_err(&sql)?;
            let mut rows = statement.query([]).map_err(&sql)?;
            while let Some(row) = rows.next().map_err(&sql)? {
                batch.push(row.get_ref(0).map_err(&sql)?.as_bytes().unwrap_or_default());
                if batch.bytes.len() >= LeafBatch::TARGET_BYTES {
                    // The workers only stop early by dying; join then reports why.
                    if sender.send(std::mem::take(&mut batch)).is_err() {
                        return Ok(());
                    }
                }
            }
        }
        if !batch.ends.is_empty() {
            let _ = sender.send(batch);
        }
        Ok(())
    }
}

/// Leaves copied out of SQLite, back to back.
#[derive(Debug, Default)]
pub(super) struct LeafBatch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl LeafBatch {
    const TARGET_BYTES: usize = 1 << 20;

    fn push(&mut self, leaf: &[u8]) {
        self.bytes.extend_from_slice(leaf);
        self.ends.push(self.bytes.len());
    }

    fn leaves(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| self.bytes.get(start..end).unwrap_or_default())
    }
}
