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

mod describe;
mod fields;
mod stats;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;

use super::AuditError;
use super::export::text_column;
use super::log::read_log_created;
use super::schema::{self, Access};
use describe::describe;
pub use describe::pretty_json;
use docexam_exam::inspection::{Outcome, Timestamp};
use docexam_mrz::dates::CalendarDate;
pub use stats::{GroupBy, NO_FRAUD_TYPE, NO_REFUSAL_REASON, Stats, StatsCounter, StatsRow, UNKNOWN_KEY};

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
}

#[cfg(test)]
mod tests {
    use super::describe::describe_admin;
    use super::stats::day_key;
    use super::*;
    use crate::entry::EntryKind;
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
        let dir = tempfile::Builder::new().prefix("docexam-query-imported-").tempdir().unwrap();
        let path = dir.path().join("audit.sqlite");
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
        dir.close().unwrap();
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

    #[test]
    fn every_grouping_parses_from_its_name_and_nothing_else_does() {
        for by in GroupBy::ALL {
            assert_eq!(by.name().parse::<GroupBy>(), Ok(by));
            assert_eq!(by.to_string(), by.name());
        }
        assert!("fraud_type".parse::<GroupBy>().is_err());
        assert!("".parse::<GroupBy>().is_err());
    }
}
