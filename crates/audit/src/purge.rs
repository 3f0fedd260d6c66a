//! Retention: removing personal data by a logged purge.
//!
//! A purge is one write transaction: the `purge` record (who, the date, the range of records
//! covered, how many rows went), the matching `purge_range` row (the only thing the
//! `personal_data` delete trigger accepts), and the deletes. The log rows are never touched: each
//! inspection keeps its `personal_data_sha256`, and `verify` accepts the missing row because a
//! logged purge covers it.
//!
//! `secure_delete` zeroes the deleted bytes in the database pages; the purge then checkpoints and
//! truncates the write-ahead log, so no copy of the data stays in the `-wal` file either.

use rusqlite::params;

use super::AuditError;
use super::entry::{Actor, EntryKind, PurgeEvent};
use super::log::{Appended, AuditLog};
use docexam_exam::inspection::Timestamp;
use docexam_mrz::dates::CalendarDate;

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    /// The purge record.
    pub appended: Appended,
    /// Its body.
    pub event: PurgeEvent,
    /// Whether the write-ahead log was emptied afterwards. False when another process was reading
    /// the log at that moment: old copies of the data may stay in the `-wal` file until the next
    /// write checkpoints it.
    pub wal_truncated: bool,
}

/// The records whose personal data a purge before `before` removes: those with a personal data
/// row whose record time (`at`) is before that day (UTC), in seq order. Records with an unreadable
/// time are kept, never guessed at.
pub fn covered_records(rows: impl IntoIterator<Item = (u64, String)>, before: CalendarDate) -> Vec<u64> {
    let cutoff = before.days_since_unix_epoch() * 86_400;
    let mut seqs: Vec<u64> = rows
        .into_iter()
        .filter(|(_, at)| Timestamp::parse_rfc3339(at).is_some_and(|t| t.unix_seconds() < cutoff))
        .map(|(seq, _)| seq)
        .collect();
    seqs.sort_unstable();
    seqs
}

impl AuditLog {
    /// Removes the personal data of inspections recorded before `before` (UTC), as one logged
    /// action by `by` (an authenticated supervisor, see [`AuditLog::authenticate_supervisor`]).
    /// With nothing to remove, the purge is still recorded (range `None`, 0 purged).
    pub fn purge_personal_data(&mut self, before: CalendarDate, by: Actor) -> Result<Purged, AuditError> {
        let path = self.path().to_owned();
        let sql = |action: &'static str| {
            let path = path.clone();
            move |e| AuditError::sqlite(&path, action, e)
        };
        let rows = {
            let mut statement = self
                .connection()
                .prepare("SELECT p.seq, l.at FROM personal_data p JOIN log l ON l.seq = p.seq ORDER BY p.seq")
                .map_err(sql("read personal data"))?;
            statement
                .query_map([], |row| Ok((u64::try_from(row.get::<_, i64>(0)?).unwrap_or(u64::MAX), row.get(1)?)))
                .map_err(sql("read personal data"))?
                .collect::<Result<Vec<(u64, String)>, _>>()
                .map_err(sql("read personal data"))?
        };
        let covered = covered_records(rows, before);
        let range = covered.first().zip(covered.last()).map(|(&first, &last)| (first, last));
        let event = PurgeEvent { before: before.to_string(), range, purged: covered.len() as u64, by };

        // Records appended since the rows were read have higher seqs, so they are outside the
        // range. Only another purge can remove rows meanwhile: then the count differs and the whole
        // transaction rolls back.
        let appended = self.append_with(EntryKind::Purge, &event, None, |tx, purge_seq| {
            let Some((first, last)) = range else { return Ok(()) };
            let as_sql = |seq: u64| {
                i64::try_from(seq).map_err(|_| AuditError::Inconsistent {
                    path: path.clone(),
                    detail: format!("record number {seq}"),
                })
            };
            tx.execute(
                "INSERT INTO purge_range (purge_seq, from_seq, to_seq) VALUES (?1, ?2, ?3)",
                params![as_sql(purge_seq)?, as_sql(first)?, as_sql(last)?],
            )
            .map_err(sql("record the purge range"))?;
            let mut delete =
                tx.prepare_cached("DELETE FROM personal_data WHERE seq = ?1").map_err(sql("purge personal data"))?;
            let mut deleted = 0usize;
            for &seq in &covered {
                deleted += delete.execute([as_sql(seq)?]).map_err(sql("purge personal data"))?;
            }
            if deleted != covered.len() {
                return Err(AuditError::Rejected {
                    reasons: vec![
                        "another purge ran at the same time; nothing was purged by this one: run it again".into(),
                    ],
                });
            }
            Ok(())
        })?;

        // Copy the zeroed pages into the database and empty the write-ahead log, which still holds
        // the pages as they were when the data was written.
        let busy: i64 = self
            .connection()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))
            .map_err(sql("checkpoint the write-ahead log"))?;
        Ok(Purged { appended, event, wal_truncated: busy == 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CalendarDate {
        CalendarDate::parse_iso(text).unwrap()
    }

    #[test]
    fn records_before_the_day_are_covered_and_the_day_itself_is_not() {
        let rows = vec![
            (7, "2026-03-02T00:00:00Z".to_owned()),
            (3, "2026-03-01T23:59:59Z".to_owned()),
            (5, "2026-02-01T10:00:00Z".to_owned()),
            (9, "not a time".to_owned()),
        ];
        assert_eq!(covered_records(rows, date("2026-03-02")), vec![3, 5]);
    }

    #[test]
    fn a_date_before_everything_covers_nothing() {
        let rows = vec![(1, "2026-03-02T08:00:00Z".to_owned())];
        assert!(covered_records(rows, date("2000-01-01")).is_empty());
    }

    #[test]
    fn a_backward_clock_leaves_a_later_record_inside_the_range_uncovered() {
        // Record 2 was written after the clock was set back: it is covered, 3 (later day) is not,
        // 4 is covered again. The range is 2..=4 and record 3 keeps its data.
        let rows = vec![
            (2, "2026-01-05T00:00:00Z".to_owned()),
            (3, "2026-02-05T00:00:00Z".to_owned()),
            (4, "2026-01-06T00:00:00Z".to_owned()),
        ];
        assert_eq!(covered_records(rows, date("2026-02-01")), vec![2, 4]);
    }

    fn temp_log(name: &str) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::Builder::new().prefix(&format!("docexam-purge-{name}-")).tempdir().unwrap();
        let path = dir.path().join("audit.sqlite");
        let log = AuditLog::open(&path, &super::super::OpenOptions::default()).unwrap();
        (dir, log)
    }

    #[test]
    fn an_empty_purge_is_recorded_with_no_range_and_the_log_verifies() {
        let (dir, mut log) = temp_log("empty");
        let by = Actor { role: super::super::entry::Role::Supervisor, name: Some("sup".into()) };
        let purged = log.purge_personal_data(date("2000-01-01"), by).unwrap();
        assert_eq!(purged.appended.seq, 1);
        assert_eq!((purged.event.range, purged.event.purged), (None, 0));
        assert!(purged.wal_truncated);
        let report = super::super::verify_database(log.path()).unwrap();
        assert!(report.intact(), "{:?}", report.findings);
        drop(log);
        dir.close().unwrap();
    }
}
