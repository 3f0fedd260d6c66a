//! Reading the log: records listed one by one or the latest page of them, one record's stored leaf,
//! and statistics over inspections.
//!
//! [`AuditReader`] reads the desk's own records and the imported desks' records through a
//! read-only connection. It parses only the fields it shows, leniently (unknown keys ignored, so
//! a newer docexam's records still list), and never reads the `personal_data` table: nothing it
//! returns is personal data.
//!
//! Statistics count only records of kind `inspection` in `log` and `imported_record`: training
//! sessions keep their own tables and never count.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::{Deserialize, Serialize};

use super::AuditError;
use super::entry::{
    Actor, AuthFailed, EntryKind, Envelope, ExportEvent, ImportEvent, ImportRefused, LogCreated, PurgeEvent, Role,
    Settings,
};
use super::export::{neutralise_cell, text_column};
use super::log::read_log_created;
use super::schema::{self, Access};
use docexam_exam::inspection::{Outcome, Timestamp};
use docexam_mrz::dates::CalendarDate;

/// The first second of `date` (UTC), in seconds since 1970.
fn start_of_day(date: CalendarDate) -> i64 {
    date.days_since_unix_epoch() * 86_400
}

/// A record time, in seconds since 1970 (`None` when it is not RFC 3339).
fn seconds(text: &str) -> Option<i64> {
    Timestamp::parse_rfc3339(text).map(Timestamp::unix_seconds)
}

/// Which records [`AuditReader::for_each_record`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only records written on or after this day (UTC).
    pub since: Option<CalendarDate>,
    /// Only inspections with one of these outcomes (empty: every record of every kind).
    pub outcomes: Vec<Outcome>,
}

/// One record as listed: what it is and who did it, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedRecord {
    /// The desk whose log holds the record.
    pub desk: String,
    /// Whether it came from another desk's export.
    pub imported: bool,
    /// Its position in that desk's log.
    pub seq: u64,
    /// When it was written (the desk clock, RFC 3339).
    pub at: String,
    /// Kind (`inspection`, `purge`, ...).
    pub kind: String,
    /// Officer id (inspections).
    pub officer: Option<String>,
    /// Document code from the MRZ (inspections).
    pub document_code: Option<String>,
    /// Issuing state (inspections).
    pub issuer: Option<String>,
    /// Nationality (inspections).
    pub nationality: Option<String>,
    /// MRZ verdict: valid, invalid or unreadable (inspections whose MRZ was read).
    pub mrz_verdict: Option<String>,
    /// Decision outcome key, e.g. `refer_second_line` (inspections).
    pub outcome: Option<String>,
    /// What an administrative record says, in words.
    pub description: Option<String>,
}

impl ListFilter {
    /// Whether a record that passed the date filter passes the outcome filter too.
    fn wants_outcome_of(&self, record: &ListedRecord) -> bool {
        self.outcomes.is_empty()
            || record.outcome.as_deref().is_some_and(|o| self.outcomes.iter().any(|w| w.key() == o))
    }
}

/// A page of the most recent records ([`AuditReader::latest_records`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestRecords {
    /// At most the `limit` asked for, newest first.
    pub records: Vec<ListedRecord>,
    /// How many records pass the filter in all.
    pub total: u64,
}

/// The order [`AuditReader`] walks the stored records in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Own records by seq, then imported ones by desk and seq.
    Listing,
    /// Own records from the last back, then imported ones, desks in reverse name order, each from
    /// its last record back.
    NewestFirst,
}

/// A stored record, borrowed from its row, before its leaf is parsed.
struct StoredRecord<'r> {
    desk: &'r str,
    imported: bool,
    seq: u64,
    at: &'r str,
    kind: &'r str,
    leaf: &'r [u8],
}

impl StoredRecord<'_> {
    /// The record as listed (parses the leaf).
    fn describe(&self) -> ListedRecord {
        let record = ListedRecord {
            desk: self.desk.to_owned(),
            imported: self.imported,
            seq: self.seq,
            at: self.at.to_owned(),
            kind: self.kind.to_owned(),
            officer: None,
            document_code: None,
            issuer: None,
            nationality: None,
            mrz_verdict: None,
            outcome: None,
            description: None,
        };
        describe(record, self.leaf)
    }
}

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

/// A leaf (or any JSON) laid out for reading: two-space indents, keys in their stored order and
/// every value exactly as stored (re-serialising through a map would sort the keys). Bytes that
/// are not JSON come back as they are (invalid UTF-8 replaced).
pub fn pretty_json(json: &[u8]) -> String {
    let text = String::from_utf8_lossy(json);
    if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
        return text.into_owned();
    }
    fn new_line(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(text.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
                // An empty object or list stays on its line.
                if let Some(close) = chars.next_if(|c| matches!(c, '}' | ']')) {
                    out.push(close);
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                new_line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            // The text is valid JSON: whitespace outside strings carries nothing.
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// A string field of a leaf, borrowed from the leaf when it has no escapes.
#[derive(Debug)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

fn owned(text: Option<&Text<'_>>) -> Option<String> {
    text.map(|t| t.as_str().to_owned())
}

/// The inspection fields a listing shows; everything else in the leaf is skipped.
#[derive(Debug, Deserialize)]
struct InspectionLeaf<'a> {
    #[serde(borrow)]
    body: InspectionFields<'a>,
}

#[derive(Debug, Deserialize)]
struct InspectionFields<'a> {
    #[serde(borrow, default)]
    officer: Option<Text<'a>>,
    #[serde(borrow, default)]
    document: Option<DocumentFields<'a>>,
    #[serde(borrow, default)]
    mrz: Option<MrzFields<'a>>,
    #[serde(borrow, default)]
    decision: Option<DecisionFields<'a>>,
}

#[derive(Debug, Deserialize)]
struct DocumentFields<'a> {
    #[serde(borrow, default)]
    code: Option<Text<'a>>,
    #[serde(borrow, default)]
    issuer: Option<Text<'a>>,
    #[serde(borrow, default)]
    nationality: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
struct MrzFields<'a> {
    #[serde(borrow, default)]
    verdict: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
struct DecisionFields<'a> {
    #[serde(borrow)]
    outcome: Text<'a>,
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
    document: Option<NationalityField<'a>>,
}

#[derive(Debug, Deserialize)]
struct NationalityField<'a> {
    #[serde(borrow, default)]
    nationality: Option<Text<'a>>,
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
fn day_key(seconds: i64, buffer: &mut [u8; 10]) -> Option<&str> {
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

/// The log opened for reading: listing and statistics.
pub struct AuditReader {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for AuditReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditReader").field("path", &self.path).finish_non_exhaustive()
    }
}

impl AuditReader {
    /// Opens the log at `path` read-only (it must exist).
    pub fn open(path: &Path) -> Result<Self, AuditError> {
        let conn = schema::open(path, Access::ReadOnly, Duration::from_secs(5))?;
        Ok(Self { conn, path: path.to_owned() })
    }

    /// The read-only connection and the database path, for the other audit modules' reads.
    pub(crate) fn connection(&self) -> (&Connection, &Path) {
        (&self.conn, &self.path)
    }

    fn sql(&self, action: &'static str) -> impl Fn(rusqlite::Error) -> AuditError + '_ {
        move |e| AuditError::sqlite(&self.path, action, e)
    }

    /// Runs `read` on one snapshot of the log: records written meanwhile by other processes are
    /// not seen, so two passes over the records (widths, then rows) agree.
    pub fn snapshot<T, E: From<AuditError>>(&self, read: impl FnOnce(&Self) -> Result<T, E>) -> Result<T, E> {
        // The connection is read-only, so this deferred transaction never needs the write lock.
        let snapshot = self.conn.unchecked_transaction(); // read-only snapshot
        let snapshot = snapshot.map_err(self.sql("begin a read"))?;
        let result = read(self);
        snapshot.finish().map_err(self.sql("end a read"))?;
        result
    }

    /// Whether records of other desks were imported.
    pub fn has_imported(&self) -> Result<bool, AuditError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM imported_record)", [], |row| row.get(0))
            .map_err(self.sql("read imported records"))
    }

    /// Calls `visit` with every record that passes `filter`: the desk's own records by seq, then
    /// the imported desks' records by desk and seq. Returns how many were visited.
    pub fn for_each_record<E: From<AuditError>>(
        &self,
        filter: &ListFilter,
        mut visit: impl FnMut(&ListedRecord) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut visited = 0u64;
        self.for_each_stored::<E>(filter, Order::Listing, |stored| {
            let record = stored.describe();
            if filter.wants_outcome_of(&record) {
                visit(&record)?;
                visited += 1;
            }
            Ok(())
        })?;
        Ok(visited)
    }

    /// The `limit` most recent records that pass `filter`, newest first, and how many pass in
    /// all. Most recent in log order, not by the clock: the desk's own records from its last one
    /// back, then the imported desks' records, each desk from its last one back (desks in reverse
    /// name order). Run it in one [`AuditReader::snapshot`] when other processes may import
    /// meanwhile.
    pub fn latest_records(&self, filter: &ListFilter, limit: usize) -> Result<LatestRecords, AuditError> {
        // Preallocate for a page of a list, not for whatever `limit` says.
        let mut records = Vec::with_capacity(limit.min(1024));
        let mut total = 0u64;
        self.for_each_stored(filter, Order::NewestFirst, |stored| {
            // Without an outcome filter every stored record matches: only the ones kept need their
            // leaf parsed, which is most of the work.
            if filter.outcomes.is_empty() {
                if records.len() < limit {
                    records.push(stored.describe());
                }
            } else {
                let record = stored.describe();
                if !filter.wants_outcome_of(&record) {
                    return Ok(());
                }
                if records.len() < limit {
                    records.push(record);
                }
            }
            total += 1;
            Ok::<(), AuditError>(())
        })?;
        Ok(LatestRecords { records, total })
    }

    /// The stored leaf (the exact bytes hashed) of record `seq` of `desk`: the desk's own log or
    /// an imported desk. `None` when there is no such record.
    pub fn record_leaf(&self, desk: &str, seq: u64) -> Result<Option<Vec<u8>>, AuditError> {
        let Ok(seq) = i64::try_from(seq) else { return Ok(None) };
        let own_desk = read_log_created(&self.conn, &self.path)?.map(|c| c.desk);
        let sql = self.sql("read a record");
        if own_desk.as_deref() == Some(desk) {
            self.conn.query_row("SELECT leaf FROM log WHERE seq = ?1", [seq], |row| row.get(0)).optional().map_err(sql)
        } else {
            self.conn
                .query_row("SELECT leaf FROM imported_record WHERE desk = ?1 AND seq = ?2", params![desk, seq], |row| {
                    row.get(0)
                })
                .optional()
                .map_err(sql)
        }
    }

    /// Calls `each` with every stored record written on or after `filter.since` (only
    /// inspections when the filter names outcomes; the outcomes themselves are left to `each`),
    /// in `order`.
    fn for_each_stored<E: From<AuditError>>(
        &self,
        filter: &ListFilter,
        order: Order,
        mut each: impl FnMut(&StoredRecord<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let own_desk = read_log_created(&self.conn, &self.path)?.map(|c| c.desk).unwrap_or_default();
        let only_inspections = if filter.outcomes.is_empty() { "" } else { " WHERE kind = 'inspection'" };
        let since = filter.since.map(start_of_day);
        // Backwards along the primary keys, so newest first needs no sort.
        let (own_order, imported_order) = match order {
            Order::Listing => ("seq", "desk, seq"),
            Order::NewestFirst => ("seq DESC", "desk DESC, seq DESC"),
        };
        let queries = [
            (false, format!("SELECT ?1, seq, kind, at, leaf FROM log{only_inspections} ORDER BY {own_order}")),
            (
                true,
                format!(
                    "SELECT desk, seq, kind, at, leaf FROM imported_record{only_inspections} ORDER BY {imported_order}"
                ),
            ),
        ];
        for (imported, query) in queries {
            let sql = self.sql("read the log");
            let mut statement = self.conn.prepare(&query).map_err(&sql)?;
            let parameters: &[&dyn rusqlite::ToSql] = if imported { &[] } else { &[&own_desk] };
            let mut rows = statement.query(parameters).map_err(&sql)?;
            while let Some(row) = rows.next().map_err(&sql)? {
                let at = row.get_ref(3).map_err(&sql)?.as_str().unwrap_or_default();
                if let Some(since) = since
                    && seconds(at).is_none_or(|at| at < since)
                {
                    continue;
                }
                let stored = StoredRecord {
                    desk: text_column(row, 0).map_err(&sql)?,
                    imported,
                    seq: u64::try_from(row.get::<_, i64>(1).map_err(&sql)?).unwrap_or(u64::MAX),
                    at,
                    kind: text_column(row, 2).map_err(&sql)?,
                    leaf: row.get_ref(4).map_err(&sql)?.as_bytes().unwrap_or_default(),
                };
                each(&stored)?;
            }
        }
        Ok(())
    }

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
struct LeafBatch {
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

/// Fills in what `leaf` says.
fn describe(mut record: ListedRecord, leaf: &[u8]) -> ListedRecord {
    let kind = EntryKind::parse(&record.kind);
    if kind == Some(EntryKind::Inspection) {
        return match serde_json::from_slice::<InspectionLeaf<'_>>(leaf) {
            Ok(inspection) => {
                let body = inspection.body;
                let document = body.document.as_ref();
                record.officer = owned(body.officer.as_ref());
                record.document_code = owned(document.and_then(|d| d.code.as_ref()));
                record.issuer = owned(document.and_then(|d| d.issuer.as_ref()));
                record.nationality = owned(document.and_then(|d| d.nationality.as_ref()));
                record.mrz_verdict = owned(body.mrz.as_ref().and_then(|m| m.verdict.as_ref()));
                record.outcome = body.decision.map(|d| d.outcome.as_str().to_owned());
                record
            }
            Err(_) => {
                record.description = Some("unreadable inspection record (run `docexam audit verify`)".into());
                record
            }
        };
    }
    record.description = Some(match kind {
        Some(kind) => describe_admin(kind, leaf)
            .unwrap_or_else(|| format!("unreadable {} record (run `docexam audit verify`)", kind.as_str())),
        None => format!("a {:?} record (a kind this docexam does not know)", record.kind),
    });
    record
}

fn body<B: serde::de::DeserializeOwned>(leaf: &[u8]) -> Option<B> {
    serde_json::from_slice::<Envelope<B>>(leaf).ok().map(|e| e.body)
}

fn actor(actor: &Actor) -> String {
    let role = match actor.role {
        Role::Officer => "officer",
        Role::Supervisor => "supervisor",
        Role::Trainer => "trainer",
    };
    match &actor.name {
        Some(name) => format!("{role} {name}"),
        None => role.to_owned(),
    }
}

/// An administrative record in words (never the passphrase hash).
fn describe_admin(kind: EntryKind, leaf: &[u8]) -> Option<String> {
    Some(match kind {
        EntryKind::LogCreated => {
            let created: LogCreated = body(leaf)?;
            format!("log created for desk {} (docexam {})", created.desk, created.app_version)
        }
        EntryKind::Settings => {
            let settings: Settings = body(leaf)?;
            let changed = if settings.changed.is_empty() { "recorded".into() } else { settings.changed.join(", ") };
            format!("settings: {changed}; by {}", actor(&settings.by))
        }
        EntryKind::Export => {
            let export: ExportEvent = body(leaf)?;
            format!(
                "export of {} records as {}{} to {}; by {}",
                export.records,
                export.format,
                if export.personal_data { " with personal data" } else { "" },
                export.file,
                actor(&export.by)
            )
        }
        EntryKind::Purge => {
            let purge: PurgeEvent = body(leaf)?;
            match purge.range {
                Some((from, to)) => format!(
                    "purge before {}: personal data of {} record(s) in #{from}-#{to} removed; by {}",
                    purge.before,
                    purge.purged,
                    actor(&purge.by)
                ),
                None => format!("purge before {}: nothing to remove; by {}", purge.before, actor(&purge.by)),
            }
        }
        EntryKind::Import => {
            let import: ImportEvent = body(leaf)?;
            format!(
                "import of desk {} records #{}-#{}; by {}",
                import.desk,
                import.range.0,
                import.range.1,
                actor(&import.by)
            )
        }
        EntryKind::ImportRefused => {
            let refused: ImportRefused = body(leaf)?;
            format!("import of {} refused: {}; by {}", refused.file, refused.reason, actor(&refused.by))
        }
        EntryKind::AuthFailed => {
            let failed: AuthFailed = body(leaf)?;
            format!("wrong supervisor passphrase to {}; by {}", failed.action, actor(&failed.by))
        }
        EntryKind::Inspection => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inspection_leaf(
        at: &str,
        officer: Option<&str>,
        nationality: Option<&str>,
        outcome: &str,
        failed: &[&[&str]],
    ) -> Vec<u8> {
        let mut items = vec![json!({"id": "C01", "answer": "pass", "by": "machine"})];
        for (n, codes) in failed.iter().enumerate() {
            items.push(json!({"id": format!("X{n}"), "answer": "fail", "by": "officer", "suggests": codes}));
        }
        // A passed item with codes is not a failure (readers must look at the answer).
        items.push(json!({"id": "Y01", "answer": "pass", "by": "officer", "suggests": ["IM"]}));
        serde_json::to_vec(&json!({
            "v": 1, "log": "desk-t", "seq": 1, "kind": "inspection", "at": at,
            "body": {
                "record_version": 1, "officer": officer, "station": "s", "started_at": at, "ended_at": at,
                "document": {"code": "P", "issuer": "UTO", "nationality": nationality, "number_hash": "ab"},
                "mrz": {"status": "read", "verdict": "valid", "failed_checks": []},
                "items": items,
                "decision": {"outcome": outcome, "refusal_reasons": [], "justification": null, "suggested": "admit"},
                "personal_data_sha256": null,
                "a_field_of_a_newer_docexam": {"x": [1, 2]}
            }
        }))
        .unwrap()
    }

    fn counted(by: GroupBy, since: Option<&str>, leaves: &[Vec<u8>]) -> Stats {
        let mut counter = StatsCounter::new(by, since.and_then(CalendarDate::parse_iso));
        for leaf in leaves {
            counter.add(leaf);
        }
        counter.finish()
    }

    fn keyed(stats: &Stats) -> Vec<(&str, u64)> {
        stats.rows.iter().map(|r| (r.key.as_str(), r.count)).collect()
    }

    fn sample() -> Vec<Vec<u8>> {
        vec![
            inspection_leaf("2026-01-01T08:15:00Z", Some("off-1"), Some("UTO"), "admit", &[]),
            inspection_leaf("2026-01-02T08:59:59Z", Some("off-2"), Some("UTO"), "refuse", &[&["AD"]]),
            inspection_leaf(
                "2026-01-03T23:00:00Z",
                Some("off-1"),
                Some("D<<"),
                "refer_second_line",
                &[&["FG-DA", "CF", "OCR"], &["FG-DA"]],
            ),
            inspection_leaf("2026-01-04T00:30:00Z", None, None, "admit", &[]),
        ]
    }

    #[test]
    fn outcomes_list_all_five_in_order_with_zeros() {
        let stats = counted(GroupBy::Outcome, None, &sample());
        assert_eq!(stats.inspections, 4);
        assert_eq!(
            keyed(&stats),
            vec![("admit", 2), ("refer_second_line", 1), ("refuse", 1), ("seize", 0), ("send_to_laboratory", 0)]
        );
        assert!((stats.share_percent(2) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn fraud_types_count_each_code_once_per_inspection_and_none_without_a_failure() {
        let stats = counted(GroupBy::FraudType, None, &sample());
        // FG-DA failed twice in one inspection: counted once. The passed item's IM is not counted.
        assert_eq!(keyed(&stats), vec![("none", 2), ("AD", 1), ("CF", 1), ("FG-DA", 1), ("OCR", 1)]);
        assert_eq!(stats.inspections, 4);
    }

    #[test]
    fn nationality_officer_and_hour_groups_with_unknowns() {
        let leaves = sample();
        assert_eq!(
            keyed(&counted(GroupBy::Nationality, None, &leaves)),
            vec![("UTO", 2), ("(unknown)", 1), ("D<<", 1)]
        );
        assert_eq!(
            keyed(&counted(GroupBy::Officer, None, &leaves)),
            vec![("off-1", 2), ("(unknown)", 1), ("off-2", 1)]
        );
        assert_eq!(keyed(&counted(GroupBy::Hour, None, &leaves)), vec![("00", 1), ("08", 2), ("23", 1)]);
    }

    /// `leaf` with the decision's refusal grounds set to `reasons`.
    fn with_refusal_reasons(leaf: &[u8], reasons: &[&str]) -> Vec<u8> {
        let mut value: serde_json::Value = serde_json::from_slice(leaf).unwrap();
        value["body"]["decision"]["refusal_reasons"] = json!(reasons);
        serde_json::to_vec(&value).unwrap()
    }

    #[test]
    fn days_come_in_date_order_and_the_day_is_the_utc_day_of_the_decision() {
        let mut leaves = sample();
        // Decided 00:30 on the 4th at +01:00: the 3rd in UTC. No `ended_at`: the record time counts.
        leaves.push(inspection_leaf("2026-01-04T00:30:00+01:00", None, None, "admit", &[]));
        let mut undated: serde_json::Value = serde_json::from_slice(&sample()[0]).unwrap();
        undated["body"]["ended_at"] = serde_json::Value::Null;
        undated["at"] = json!("2025-12-31T23:59:59Z");
        leaves.push(serde_json::to_vec(&undated).unwrap());
        let stats = counted(GroupBy::Day, None, &leaves);
        assert_eq!(
            keyed(&stats),
            vec![("2025-12-31", 1), ("2026-01-01", 1), ("2026-01-02", 1), ("2026-01-03", 2), ("2026-01-04", 1)]
        );
        assert_eq!(stats.inspections, 6);
        assert_eq!(
            keyed(&counted(GroupBy::Day, Some("2026-01-03"), &leaves)),
            vec![("2026-01-03", 2), ("2026-01-04", 1)]
        );
        let mut buffer = [0u8; 10];
        assert_eq!(day_key(-1, &mut buffer), Some("1969-12-31"));
        assert_eq!(day_key(253_402_300_799, &mut buffer), Some("9999-12-31"));
        assert_eq!(day_key(253_402_300_800, &mut buffer), None, "five-digit years do not fit");
    }

    #[test]
    fn refusal_reasons_count_each_ground_once_per_inspection_and_none_without_one() {
        let leaves = sample();
        let leaves = vec![
            leaves[0].clone(),
            with_refusal_reasons(&leaves[1], &["A", "B"]),
            with_refusal_reasons(&leaves[2], &["B", "B"]),
            with_refusal_reasons(&leaves[3], &[]),
        ];
        let stats = counted(GroupBy::RefusalReason, None, &leaves);
        assert_eq!(keyed(&stats), vec![("B", 2), ("none", 2), ("A", 1)]);
        assert_eq!((stats.inspections, stats.by.key_name()), (4, "refusal_reason"));
    }

    #[test]
    fn pretty_json_keeps_the_stored_order_and_values_and_leaves_non_json_alone() {
        let leaf =
            br#"{"v":1,"log":"d","seq":2,"kind":"x","at":"t","body":{"z":[],"a":{},"s":"a,b:{\"c\"}\\","n":[1.50,-2e3]}}"#;
        let pretty = pretty_json(leaf);
        assert_eq!(
            pretty,
            "{\n  \"v\": 1,\n  \"log\": \"d\",\n  \"seq\": 2,\n  \"kind\": \"x\",\n  \"at\": \"t\",\n  \"body\": {\n    \"z\": [],\n    \"a\": {},\n    \"s\": \"a,b:{\\\"c\\\"}\\\\\",\n    \"n\": [\n      1.50,\n      -2e3\n    ]\n  }\n}"
        );
        let reparsed: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(reparsed, serde_json::from_slice::<serde_json::Value>(leaf).unwrap());
        assert_eq!(pretty_json(b"{\"v\":1"), "{\"v\":1");
        assert_eq!(pretty_json(b"not json \xff"), "not json \u{fffd}");
    }

    #[test]
    fn since_counts_inspections_decided_on_or_after_the_day() {
        let stats = counted(GroupBy::Outcome, Some("2026-01-03"), &sample());
        assert_eq!(stats.inspections, 2);
        assert_eq!(stats.rows[0], StatsRow { key: "admit".into(), count: 1 });
        assert_eq!(stats.rows[1], StatsRow { key: "refer_second_line".into(), count: 1 });
    }

    #[test]
    fn a_leaf_that_is_not_an_inspection_counts_nothing() {
        let mut counter = StatsCounter::new(GroupBy::Outcome, None);
        assert!(!counter.add(b"{\"v\":1,\"body\":{\"items\":7}}"));
        assert!(!counter.add(b"not json"));
        assert!(counter.add(&sample()[0]));
        assert_eq!(counter.finish().inspections, 1);
    }

    #[test]
    fn escaped_strings_are_read_too() {
        let leaf = inspection_leaf("2026-01-01T08:15:00Z", Some("o\"ff\\1"), Some("UTO"), "admit", &[]);
        assert_eq!(keyed(&counted(GroupBy::Officer, None, &[leaf])), vec![("o\"ff\\1", 1)]);
    }

    #[test]
    fn csv_neutralises_formulas_and_ends_with_the_total() {
        let leaves = vec![
            inspection_leaf("2026-01-01T08:15:00Z", Some("=HYPERLINK(\"x\")"), Some("UTO"), "admit", &[]),
            inspection_leaf("2026-01-01T08:15:00Z", Some("-2+3"), Some("UTO"), "admit", &[]),
            inspection_leaf("2026-01-01T08:15:00Z", Some("off,1"), Some("UTO"), "admit", &[]),
        ];
        let mut out = Vec::new();
        counted(GroupBy::Officer, None, &leaves).write_csv(&mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        assert_eq!(reader.headers().unwrap(), vec!["officer", "count", "share_percent"]);
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(
            rows,
            vec![
                vec!["'-2+3", "1", "33.3"],
                vec!["'=HYPERLINK(\"x\")", "1", "33.3"],
                vec!["off,1", "1", "33.3"],
                vec!["(total)", "3", "100.0"],
            ]
        );
    }

    #[test]
    fn imported_desks_are_listed_after_the_own_records_and_counted_but_only_their_inspections() {
        let dir = std::env::temp_dir().join(format!("docexam-query-imported-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.sqlite");
        let log = super::super::AuditLog::open(&path, &super::super::OpenOptions::default()).unwrap();
        let at = "2026-01-02T08:59:59Z";
        let imported = [
            ("desk-b", 1, "inspection", inspection_leaf(at, Some("off-b"), Some("PLW"), "seize", &[&["CF"]])),
            // Not an inspection, though its body reads as one: listed, never counted.
            ("desk-b", 2, "export", inspection_leaf(at, Some("off-b"), Some("PLW"), "admit", &[])),
            ("desk-a", 5, "inspection", inspection_leaf(at, Some("off-a"), Some("UTO"), "admit", &[])),
        ];
        for (desk, seq, kind, leaf) in &imported {
            log.connection()
                .execute(
                    "INSERT INTO imported_record (desk, seq, kind, at, leaf, chain) VALUES (?1, ?2, ?3, ?4, ?5, zeroblob(32))",
                    rusqlite::params![desk, seq, kind, at, leaf],
                )
                .unwrap();
        }
        let own_desk = log.desk().to_owned();
        drop(log);

        let reader = AuditReader::open(&path).unwrap();
        assert!(reader.has_imported().unwrap());
        let mut listed = Vec::new();
        let count = reader
            .for_each_record(&ListFilter::default(), |r| -> Result<(), AuditError> {
                listed.push((r.desk.clone(), r.imported, r.seq, r.kind.clone(), r.outcome.clone()));
                Ok(())
            })
            .unwrap();
        assert_eq!(count, 4);
        assert_eq!(
            listed,
            vec![
                (own_desk.clone(), false, 0, "log_created".into(), None),
                ("desk-a".into(), true, 5, "inspection".into(), Some("admit".into())),
                ("desk-b".into(), true, 1, "inspection".into(), Some("seize".into())),
                ("desk-b".into(), true, 2, "export".into(), None),
            ]
        );
        let seized = ListFilter { since: None, outcomes: vec![Outcome::Seize] };
        let mut only = Vec::new();
        reader
            .for_each_record(&seized, |r| -> Result<(), AuditError> {
                only.push((r.desk.clone(), r.seq, r.nationality.clone(), r.officer.clone()));
                Ok(())
            })
            .unwrap();
        assert_eq!(only, vec![("desk-b".to_owned(), 1, Some("PLW".to_owned()), Some("off-b".to_owned()))]);

        // Newest first: the own records from the last back, then the imported desks'.
        let latest = reader.latest_records(&ListFilter::default(), 3).unwrap();
        let page: Vec<(&str, u64)> = latest.records.iter().map(|r| (r.desk.as_str(), r.seq)).collect();
        assert_eq!((page, latest.total), (vec![(own_desk.as_str(), 0), ("desk-b", 2), ("desk-b", 1)], 4));
        let latest = reader.latest_records(&seized, 5).unwrap();
        assert_eq!(latest.total, 1);
        assert_eq!((latest.records[0].desk.as_str(), latest.records[0].imported), ("desk-b", true));
        assert_eq!(reader.record_leaf("desk-a", 5).unwrap(), Some(imported[2].3.clone()));
        assert_eq!(reader.record_leaf("desk-a", 1).unwrap(), None);
        assert_eq!(reader.record_leaf("desk-z", 5).unwrap(), None);
        assert!(reader.record_leaf(&own_desk, 0).unwrap().is_some_and(|leaf| leaf.starts_with(b"{\"v\":1,")));

        let stats = reader.stats(GroupBy::Outcome, None).unwrap();
        assert_eq!(stats.inspections, 2);
        assert_eq!(
            keyed(&stats)[..],
            [("admit", 1), ("refer_second_line", 0), ("refuse", 0), ("seize", 1), ("send_to_laboratory", 0)]
        );
        let fraud = reader.stats(GroupBy::FraudType, None).unwrap();
        assert_eq!(keyed(&fraud), vec![("CF", 1), ("none", 1)]);
        drop(reader);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn admin_records_are_described_without_secrets() {
        let settings = serde_json::to_vec(&json!({
            "v": 1, "log": "d", "seq": 3, "kind": "settings", "at": "2026-01-01T00:00:00Z",
            "body": {"personal_data": true, "supervisor_passphrase": "$argon2id$v=19$secret",
                     "changed": ["personal data kept"], "by": {"role": "supervisor", "name": "sup-1"}}
        }))
        .unwrap();
        let text = describe_admin(EntryKind::Settings, &settings).unwrap();
        assert_eq!(text, "settings: personal data kept; by supervisor sup-1");
        let purge = serde_json::to_vec(&json!({
            "v": 1, "log": "d", "seq": 9, "kind": "purge", "at": "2026-01-01T00:00:00Z",
            "body": {"before": "2026-01-01", "range": [2, 7], "purged": 4, "by": {"role": "supervisor", "name": null}}
        }))
        .unwrap();
        assert_eq!(
            describe_admin(EntryKind::Purge, &purge).unwrap(),
            "purge before 2026-01-01: personal data of 4 record(s) in #2-#7 removed; by supervisor"
        );
        assert_eq!(describe_admin(EntryKind::Purge, b"{}"), None);
    }
}
