//! What the supervisor screen shows ([`SupervisorState`], changed only by `apply` and
//! `audit_replied`) and its edit buffers ([`SupervisorViews`]).

use std::cmp::Ordering;
use std::path::PathBuf;

use crate::audit_worker::RequestId;
use docexam_audit::VerifyReport;
use docexam_audit::entry::{Actor, Settings};
use docexam_audit::export::{ExportFormat, ExportSummary};
use docexam_audit::purge::Purged;
use docexam_audit::query::{GroupBy, ListFilter, ListedRecord, Stats};
use docexam_mrz::dates::CalendarDate;

/// Records listed when the supervisor does not say otherwise.
pub const DEFAULT_LIMIT: usize = 500;
/// The most records one listing holds (the table stays responsive; filters narrow it down).
pub const MAX_LIMIT: usize = 100_000;
/// The groupings the Statistics section shows, one request each.
pub const STATS_GROUPS: [GroupBy; 5] =
    [GroupBy::Day, GroupBy::Hour, GroupBy::Outcome, GroupBy::FraudType, GroupBy::RefusalReason];

/// The parts of the screen, shown one at a time once signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// The record table and the detail of one record.
    #[default]
    Records,
    /// Verification of the whole log.
    Integrity,
    /// Export with a proof file.
    Export,
    /// Retention purge of personal data.
    Purge,
    /// Counts and plots.
    Statistics,
}

impl Section {
    /// Every section, in tab order.
    pub const ALL: [Section; 5] =
        [Section::Records, Section::Integrity, Section::Export, Section::Purge, Section::Statistics];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Section::Records => "Records",
            Section::Integrity => "Integrity",
            Section::Export => "Export",
            Section::Purge => "Purge",
            Section::Statistics => "Statistics",
        }
    }
}

/// Table columns that sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// Record time (then desk and record number).
    #[default]
    Date,
    /// Officer id.
    Officer,
    /// Decision outcome.
    Outcome,
    /// Nationality from the MRZ.
    Nationality,
    /// Document code from the MRZ (P, ID, V, ...).
    Document,
}

impl SortColumn {
    /// The value a record sorts by (the date column sorts by time alone).
    fn key(self, record: &ListedRecord) -> Option<&str> {
        match self {
            SortColumn::Date => Some(record.at.as_str()),
            SortColumn::Officer => record.officer.as_deref(),
            SortColumn::Outcome => record.outcome.as_deref(),
            SortColumn::Nationality => record.nationality.as_deref(),
            SortColumn::Document => record.document_code.as_deref(),
        }
    }
}

/// How the table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// By which column.
    pub column: SortColumn,
    /// Largest (latest) first.
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first, as the worker lists them.
    fn default() -> Self {
        Self { column: SortColumn::Date, descending: true }
    }
}

/// Orders two records by `sort`; ties go by time, desk and record number in the same direction.
fn compare(sort: Sort, a: &ListedRecord, b: &ListedRecord) -> Ordering {
    let primary = match sort.column {
        SortColumn::Date => Ordering::Equal,
        column => column.key(a).cmp(&column.key(b)),
    };
    let ordering =
        primary.then_with(|| a.at.cmp(&b.at)).then_with(|| a.desk.cmp(&b.desk)).then_with(|| a.seq.cmp(&b.seq));
    if sort.descending { ordering.reverse() } else { ordering }
}

/// Whether a record's officer, nationality or document code contains `needle` (lower case).
fn matches_text(record: &ListedRecord, needle: &str) -> bool {
    needle.is_empty()
        || [&record.officer, &record.nationality, &record.document_code]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(needle))
}

/// One record opened in the detail pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordView {
    /// The desk whose log holds it.
    pub desk: String,
    /// Its position in that log.
    pub seq: u64,
    /// The request reading it, while it runs.
    pub request: Option<RequestId>,
    /// Its stored leaf, laid out for reading.
    pub leaf_json: Option<String>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// The record table: what was asked for, what came back, and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTable {
    /// The filter of the last listing asked for.
    pub filter: ListFilter,
    /// At most this many records are listed.
    pub limit: usize,
    /// The listing running.
    pub request: Option<RequestId>,
    /// Whether a listing came back since signing in.
    pub loaded: bool,
    /// The most recent records passing the filter, newest first (as listed).
    pub records: Vec<ListedRecord>,
    /// How many records pass the filter in all.
    pub total: u64,
    /// Why the last listing failed or was not sent.
    pub error: Option<String>,
    /// The sort order.
    pub sort: Sort,
    /// Text the officer, nationality or document code must contain.
    pub text: String,
    /// Indices into `records` that pass the text filter, in sort order (computed when the
    /// records, the sort or the text change, never per frame).
    pub visible: Vec<usize>,
    /// The record opened in the detail pane.
    pub detail: Option<RecordView>,
}

impl Default for RecordTable {
    fn default() -> Self {
        Self {
            filter: ListFilter::default(),
            limit: DEFAULT_LIMIT,
            request: None,
            loaded: false,
            records: Vec::new(),
            total: 0,
            error: None,
            sort: Sort::default(),
            text: String::new(),
            visible: Vec::new(),
            detail: None,
        }
    }
}

impl RecordTable {
    /// Recomputes `visible` from the records, the text filter and the sort.
    pub(super) fn refresh_visible(&mut self) {
        let needle = self.text.trim().to_lowercase();
        let records = &self.records;
        let mut visible: Vec<usize> = (0..records.len()).filter(|&i| matches_text(&records[i], &needle)).collect();
        let sort = self.sort;
        visible.sort_by(|&a, &b| compare(sort, &records[a], &records[b]));
        self.visible = visible;
    }

    /// The records shown, in order.
    pub fn shown(&self) -> impl Iterator<Item = &ListedRecord> {
        self.visible.iter().filter_map(|&i| self.records.get(i))
    }
}

/// An export: its progress and its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportJob {
    /// The export running.
    pub request: Option<RequestId>,
    /// The file being written.
    pub target: Option<PathBuf>,
    /// Records read so far, of how many.
    pub progress: Option<(u64, u64)>,
    /// The last export that finished.
    pub summary: Option<ExportSummary>,
    /// Why the last export failed.
    pub error: Option<String>,
}

/// A purge: its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeJob {
    /// The purge running.
    pub request: Option<RequestId>,
    /// What the last purge did.
    pub purged: Option<Purged>,
    /// Why the last purge failed or was not sent.
    pub error: Option<String>,
}

/// The statistics: one reply per grouping in [`STATS_GROUPS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsBoard {
    /// Requests running, with the grouping each asked for.
    pub pending: Vec<(RequestId, GroupBy)>,
    /// Whether they were asked for since signing in (opening the section asks once).
    pub requested: bool,
    /// Only inspections decided on or after this day were counted.
    pub since: Option<CalendarDate>,
    /// Inspections per day (UTC).
    pub per_day: Option<Stats>,
    /// Inspections per hour of the day (UTC).
    pub per_hour: Option<Stats>,
    /// Inspections per outcome.
    pub outcomes: Option<Stats>,
    /// Inspections per failure code of a failed item.
    pub fraud_types: Option<Stats>,
    /// Inspections per refusal ground.
    pub refusal_reasons: Option<Stats>,
    /// Why the last request failed.
    pub error: Option<String>,
}

impl StatsBoard {
    pub(super) fn slot(&mut self, by: GroupBy) -> Option<&mut Option<Stats>> {
        match by {
            GroupBy::Day => Some(&mut self.per_day),
            GroupBy::Hour => Some(&mut self.per_hour),
            GroupBy::Outcome => Some(&mut self.outcomes),
            GroupBy::FraudType => Some(&mut self.fraud_types),
            GroupBy::RefusalReason => Some(&mut self.refusal_reasons),
            GroupBy::Nationality | GroupBy::Officer => None,
        }
    }
}

/// Everything the supervisor screen shows. Only [`apply`] and [`audit_replied`] change it.
#[derive(Debug, Default)]
pub struct SupervisorState {
    /// The signed-in supervisor; `None`: only the sign-in form is shown.
    pub actor: Option<Actor>,
    /// The passphrase check running.
    pub authenticating: Option<RequestId>,
    /// Why the last sign-in failed.
    pub login_error: Option<String>,
    /// The log's settings (the passphrase hash withheld), once read: whether a passphrase is set
    /// up, whether personal data is kept.
    pub settings: Option<Settings>,
    /// The settings request running.
    pub settings_request: Option<RequestId>,
    /// Why the settings could not be read.
    pub settings_error: Option<String>,
    /// The section shown.
    pub section: Section,
    /// The record table.
    pub table: RecordTable,
    /// The verification running.
    pub verifying: Option<RequestId>,
    /// The last verification.
    pub verified: Option<VerifyReport>,
    /// Export.
    pub export: ExportJob,
    /// Purge.
    pub purge: PurgeJob,
    /// Statistics.
    pub stats: StatsBoard,
}

impl SupervisorState {
    /// Whether personal data may be exported (the log keeps it).
    pub fn personal_data_kept(&self) -> bool {
        self.settings.as_ref().is_some_and(|s| s.personal_data)
    }

    /// Whether the log has a supervisor passphrase (`None`: not known yet).
    pub fn passphrase_set_up(&self) -> Option<bool> {
        self.settings.as_ref().map(|s| s.supervisor_passphrase.is_some())
    }
}

/// Supervisor edit buffers: what is being typed, before it becomes a command.
#[derive(Debug)]
pub struct SupervisorViews {
    /// The passphrase being typed (taken out when sent).
    pub passphrase: String,
    /// The supervisor's name or id (optional; recorded with exports, purges and failures).
    pub name: String,
    /// Records written since (YYYY-MM-DD).
    pub since: String,
    /// Outcome filter, in [`Outcome::ALL`] order.
    pub outcomes: [bool; 5],
    /// Records listed at most.
    pub limit: usize,
    /// The text filter over officer, nationality and document code.
    pub text: String,
    /// Export format.
    pub export_format: ExportFormat,
    /// Export personal data too.
    pub export_personal: bool,
    /// Export file path.
    pub export_path: String,
    /// Purge before (YYYY-MM-DD).
    pub purge_before: String,
    /// The purge confirmation word.
    pub purge_confirm: String,
    /// Statistics since (YYYY-MM-DD).
    pub stats_since: String,
}

impl Default for SupervisorViews {
    fn default() -> Self {
        Self {
            passphrase: String::new(),
            name: String::new(),
            since: String::new(),
            outcomes: [false; 5],
            limit: DEFAULT_LIMIT,
            text: String::new(),
            export_format: ExportFormat::Csv,
            export_personal: false,
            export_path: String::new(),
            purge_before: String::new(),
            purge_confirm: String::new(),
            stats_since: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, at: &str, officer: Option<&str>, nationality: Option<&str>) -> ListedRecord {
        ListedRecord {
            desk: "d".into(),
            imported: false,
            seq,
            at: at.into(),
            kind: "inspection".into(),
            officer: officer.map(str::to_owned),
            document_code: Some("P".into()),
            issuer: None,
            nationality: nationality.map(str::to_owned),
            mrz_verdict: None,
            outcome: Some("admit".into()),
            description: None,
        }
    }

    fn table() -> RecordTable {
        let mut table = RecordTable {
            records: vec![
                record(3, "2026-01-03T00:00:00Z", Some("off-b"), Some("UTO")),
                record(2, "2026-01-02T00:00:00Z", Some("off-a"), None),
                record(1, "2026-01-01T00:00:00Z", Some("off-b"), Some("D")),
            ],
            ..RecordTable::default()
        };
        table.refresh_visible();
        table
    }

    fn seqs(table: &RecordTable) -> Vec<u64> {
        table.shown().map(|r| r.seq).collect()
    }

    #[test]
    fn sorting_orders_by_the_column_then_by_time_and_the_text_filter_narrows() {
        let mut table = table();
        assert_eq!(seqs(&table), [3, 2, 1], "newest first by default");
        table.sort = Sort { column: SortColumn::Officer, descending: false };
        table.refresh_visible();
        assert_eq!(seqs(&table), [2, 1, 3], "off-a, then off-b oldest first");
        table.sort = Sort { column: SortColumn::Nationality, descending: false };
        table.refresh_visible();
        assert_eq!(seqs(&table), [2, 1, 3], "unknown nationality first, then D, UTO");
        table.text = " ut ".into();
        table.refresh_visible();
        assert_eq!(seqs(&table), [3], "case-insensitive, trimmed");
        table.text = "OFF-B".into();
        table.refresh_visible();
        assert_eq!(seqs(&table), [1, 3]);
    }
}
