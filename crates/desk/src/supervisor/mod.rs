//! The supervisor screen, behind the supervisor passphrase: the audit log as a filterable,
//! sortable table with a record detail view, integrity verification, export with a proof file,
//! the retention purge of personal data, and statistics with plots.
//!
//! Like the rest of the desk, nothing here touches SQLite or a file: every action becomes an
//! [`AuditRequest`] to the audit worker, sent from [`apply`]; the replies come back through
//! [`audit_replied`], matched by the request ids kept in [`SupervisorState`] (a reply whose id is
//! no longer kept, e.g. after signing out, is dropped). The panels ([`draw`]) read the state and
//! push [`SupervisorCommand`]s; their edit buffers live in [`SupervisorViews`]. The save dialog
//! blocks, so it runs on its own thread and sends its answer back as a command.

mod records;
mod state;
mod stats;
mod view;

use std::path::PathBuf;

use crate::audit_worker::{AuditReply, AuditRequest, RequestId};
use docexam_audit::entry::Actor;
use docexam_audit::export::ExportFormat;
use docexam_audit::query::{GroupBy, ListFilter};
use docexam_exam::inspection::Outcome;
use docexam_mrz::dates::CalendarDate;

use std::sync::mpsc::Sender;

use super::{Command, Severity};
use crate::outbox::{Effect, Outbox};

pub use state::{
    DEFAULT_LIMIT, ExportJob, MAX_LIMIT, PurgeJob, RecordTable, RecordView, STATS_GROUPS, Section, Sort, SortColumn,
    StatsBoard, SupervisorState, SupervisorViews,
};
pub(crate) use stats::still_plot;
pub use view::draw;

/// What a passphrase check is recorded as being for (shown in `auth_failed` records).
const SIGN_IN_ACTION: &str = "open the supervisor screen";

/// The word that confirms a purge.
pub const PURGE_CONFIRMATION: &str = "PURGE";

/// Supervisor actions.
pub enum SupervisorCommand {
    /// Read the log's settings (whether a passphrase is set up, whether personal data is kept).
    LoadSettings,
    /// Check the passphrase; on success the supervisor is signed in.
    LogIn {
        /// The passphrase typed (never shown by `Debug`).
        passphrase: String,
        /// The supervisor's name or id (may be empty).
        name: String,
    },
    /// Sign out: forget the supervisor and everything read from the log.
    LogOut,
    /// Show a section (opening Statistics the first time asks for them).
    ShowSection(Section),
    /// List records.
    List {
        /// Written on or after this day (YYYY-MM-DD; empty: any day).
        since: String,
        /// Only inspections with these outcomes (empty: every record).
        outcomes: Vec<Outcome>,
        /// At most this many.
        limit: usize,
    },
    /// Sort by a column (the same column again reverses the order).
    SortBy(SortColumn),
    /// The text filter changed.
    FilterText(String),
    /// Show one record's stored leaf.
    OpenRecord {
        /// Its desk.
        desk: String,
        /// Its position.
        seq: u64,
    },
    /// Close the detail pane.
    CloseRecord,
    /// Verify the whole log.
    Verify,
    /// Ask for the export file with the system save dialog (on its own thread).
    ChooseExportFile {
        /// The format.
        format: ExportFormat,
        /// With personal data.
        personal_data: bool,
    },
    /// Export to a file.
    ExportTo {
        /// The new file (never overwritten).
        path: PathBuf,
        /// The format.
        format: ExportFormat,
        /// With personal data (only when the log keeps it).
        personal_data: bool,
    },
    /// Remove the personal data of inspections recorded before a day.
    Purge {
        /// The first day kept (YYYY-MM-DD).
        before: String,
        /// Must be [`PURGE_CONFIRMATION`].
        confirmation: String,
    },
    /// Ask for the statistics again.
    RefreshStats {
        /// Inspections decided on or after this day (YYYY-MM-DD; empty: all).
        since: String,
    },
}

impl std::fmt::Debug for SupervisorCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SupervisorCommand::LoadSettings => f.write_str("LoadSettings"),
            // Commands can end up in logs and panic messages: the passphrase must not.
            SupervisorCommand::LogIn { passphrase: _, name } => {
                f.debug_struct("LogIn").field("passphrase", &"<hidden>").field("name", name).finish()
            }
            SupervisorCommand::LogOut => f.write_str("LogOut"),
            SupervisorCommand::ShowSection(section) => f.debug_tuple("ShowSection").field(section).finish(),
            SupervisorCommand::List { since, outcomes, limit } => {
                f.debug_struct("List").field("since", since).field("outcomes", outcomes).field("limit", limit).finish()
            }
            SupervisorCommand::SortBy(column) => f.debug_tuple("SortBy").field(column).finish(),
            SupervisorCommand::FilterText(text) => f.debug_tuple("FilterText").field(text).finish(),
            SupervisorCommand::OpenRecord { desk, seq } => {
                f.debug_struct("OpenRecord").field("desk", desk).field("seq", seq).finish()
            }
            SupervisorCommand::CloseRecord => f.write_str("CloseRecord"),
            SupervisorCommand::Verify => f.write_str("Verify"),
            SupervisorCommand::ChooseExportFile { format, personal_data } => f
                .debug_struct("ChooseExportFile")
                .field("format", format)
                .field("personal_data", personal_data)
                .finish(),
            SupervisorCommand::ExportTo { path, format, personal_data } => f
                .debug_struct("ExportTo")
                .field("path", path)
                .field("format", format)
                .field("personal_data", personal_data)
                .finish(),
            SupervisorCommand::Purge { before, confirmation } => {
                f.debug_struct("Purge").field("before", before).field("confirmation", confirmation).finish()
            }
            SupervisorCommand::RefreshStats { since } => f.debug_struct("RefreshStats").field("since", since).finish(),
        }
    }
}

/// A `YYYY-MM-DD` field: `Ok(None)` when empty, `Err` with a message when not a date.
fn parse_day(text: &str, what: &str) -> Result<Option<CalendarDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    CalendarDate::parse_iso(text).map(Some).ok_or_else(|| format!("{what}: {text:?} is not a date; write YYYY-MM-DD"))
}

/// Applies a supervisor command to `supervisor`; requests go out through `outbox`. Everything
/// but reading the settings and signing in needs a signed-in supervisor.
pub fn apply(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, command: SupervisorCommand) {
    match command {
        SupervisorCommand::LoadSettings => load_settings(supervisor, outbox),
        SupervisorCommand::LogIn { passphrase, name } => log_in(supervisor, outbox, passphrase, &name),
        SupervisorCommand::LogOut => {
            // Late replies to the dropped requests find no id and are ignored.
            let settings = supervisor.settings.take();
            *supervisor = SupervisorState { settings, ..SupervisorState::default() };
            outbox.push(Effect::ClearSupervisorForms);
            outbox.notify(Severity::Info, "supervisor signed out");
        }
        other => match supervisor.actor.clone() {
            Some(actor) => signed_in(supervisor, outbox, actor, other),
            None => outbox.notify(Severity::Warning, "sign in as supervisor first"),
        },
    }
}

fn load_settings(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>) {
    if supervisor.settings_request.is_none() {
        supervisor.settings_error = None;
        supervisor.settings_request = outbox.send_audit(AuditRequest::Settings);
    }
}

fn log_in(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, passphrase: String, name: &str) {
    if supervisor.authenticating.is_some() || supervisor.actor.is_some() {
        return;
    }
    if passphrase.is_empty() {
        supervisor.login_error = Some("type the supervisor passphrase".into());
        return;
    }
    let name = Some(name.trim()).filter(|n| !n.is_empty()).map(str::to_owned);
    let request = AuditRequest::Authenticate { passphrase, action: SIGN_IN_ACTION.into(), name };
    supervisor.login_error = None;
    supervisor.authenticating = outbox.send_audit(request);
}

fn signed_in(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, actor: Actor, command: SupervisorCommand) {
    match command {
        SupervisorCommand::LoadSettings | SupervisorCommand::LogIn { .. } | SupervisorCommand::LogOut => {}
        SupervisorCommand::ShowSection(section) => {
            supervisor.section = section;
            if section == Section::Statistics && !supervisor.stats.requested {
                request_stats(supervisor, outbox, None);
            }
        }
        SupervisorCommand::List { since, outcomes, limit } => match parse_day(&since, "written since") {
            Ok(since) => {
                supervisor.table.filter = ListFilter { since, outcomes };
                supervisor.table.limit = limit.clamp(1, MAX_LIMIT);
                request_list(supervisor, outbox);
            }
            Err(e) => supervisor.table.error = Some(e),
        },
        SupervisorCommand::SortBy(column) => {
            let sort = &mut supervisor.table.sort;
            *sort = if sort.column == column {
                Sort { column, descending: !sort.descending }
            } else {
                // Dates read best newest first; names and codes from A.
                Sort { column, descending: column == SortColumn::Date }
            };
            supervisor.table.refresh_visible();
        }
        SupervisorCommand::FilterText(text) => {
            supervisor.table.text = text;
            supervisor.table.refresh_visible();
        }
        SupervisorCommand::OpenRecord { desk, seq } => {
            let request = outbox.send_audit(AuditRequest::Record { desk: desk.clone(), seq });
            let error = request.is_none().then(|| "the audit log is not open".to_owned());
            supervisor.table.detail = Some(RecordView { desk, seq, request, leaf_json: None, error });
        }
        SupervisorCommand::CloseRecord => supervisor.table.detail = None,
        SupervisorCommand::Verify => {
            if supervisor.verifying.is_none() {
                supervisor.verified = None;
                supervisor.verifying = outbox.send_audit(AuditRequest::Verify);
            }
        }
        SupervisorCommand::ChooseExportFile { format, personal_data } => {
            outbox.push(Effect::ChooseExportFile { format, personal_data });
        }
        SupervisorCommand::ExportTo { path, format, personal_data } => {
            export(supervisor, outbox, actor, path, format, personal_data);
        }
        SupervisorCommand::Purge { before, confirmation } => purge(supervisor, outbox, actor, &before, &confirmation),
        SupervisorCommand::RefreshStats { since } => match parse_day(&since, "statistics since") {
            Ok(since) => request_stats(supervisor, outbox, since),
            Err(e) => supervisor.stats.error = Some(e),
        },
    }
}

/// Asks for the records the table's filter names (a newer listing supersedes a running one).
fn request_list(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>) {
    let table = &mut supervisor.table;
    let sent = outbox.send_audit(AuditRequest::List { filter: table.filter.clone(), limit: table.limit });
    table.request = sent;
    table.error = sent.is_none().then(|| "the audit log is not open".to_owned());
}

/// Asks for every grouping of the Statistics section.
fn request_stats(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, since: Option<CalendarDate>) {
    let mut pending = Vec::with_capacity(STATS_GROUPS.len());
    for by in STATS_GROUPS {
        match outbox.send_audit(AuditRequest::Stats { by, since }) {
            Some(id) => pending.push((id, by)),
            None => break,
        }
    }
    let board = &mut supervisor.stats;
    board.pending = pending;
    board.requested = true;
    board.since = since;
    board.error = None;
}

/// Asks for the export file on a thread of its own (rfd's dialog blocks its caller until the
/// supervisor chooses: never on the UI thread); the choice comes back as
/// [`SupervisorCommand::ExportTo`].
pub(crate) fn choose_export_file(
    format: ExportFormat,
    personal_data: bool,
    sender: Sender<Command>,
    repaint: egui::Context,
) -> std::io::Result<()> {
    let (name, extension) = match format {
        ExportFormat::Csv => ("audit-export.csv", "csv"),
        ExportFormat::Jsonl => ("audit-export.jsonl", "jsonl"),
    };
    std::thread::Builder::new()
        .name("save-dialog".into())
        .spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Export the audit log")
                .set_file_name(name)
                .add_filter(format.as_str(), &[extension])
                .save_file();
            if let Some(path) = picked {
                let _ = sender.send(Command::Supervisor(SupervisorCommand::ExportTo { path, format, personal_data }));
                repaint.request_repaint();
            }
        })
        .map(drop)
}

fn export(
    supervisor: &mut SupervisorState,
    outbox: &mut Outbox<'_>,
    by: Actor,
    path: PathBuf,
    format: ExportFormat,
    personal_data: bool,
) {
    if supervisor.export.request.is_some() {
        return outbox.notify(Severity::Warning, "an export is already running");
    }
    if path.as_os_str().is_empty() {
        supervisor.export.error = Some("say which file to export to".into());
        return;
    }
    // The checkbox is offered only when the log keeps personal data; a stale command cannot ask more.
    let personal_data = personal_data && supervisor.personal_data_kept();
    let request = AuditRequest::Export { format, out: path.clone(), personal_data, by };
    let sent = outbox.send_audit(request);
    supervisor.export = ExportJob { request: sent, target: Some(path), progress: None, summary: None, error: None };
}

fn purge(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, by: Actor, before: &str, confirmation: &str) {
    let job = &mut supervisor.purge;
    if job.request.is_some() {
        return;
    }
    if confirmation.trim() != PURGE_CONFIRMATION {
        job.error = Some(format!("type {PURGE_CONFIRMATION} to confirm the purge"));
        return;
    }
    let before = match parse_day(before, "purge before") {
        Ok(Some(day)) => day,
        Ok(None) => {
            job.error = Some("say before which day (YYYY-MM-DD) personal data is removed".into());
            return;
        }
        Err(e) => {
            job.error = Some(e);
            return;
        }
    };
    let sent = outbox.send_audit(AuditRequest::Purge { before, by });
    *job = PurgeJob { request: sent, purged: None, error: None };
}

/// Which of the supervisor's requests a reply answers.
#[derive(Debug, Clone, Copy)]
enum Pending {
    LogIn,
    Settings,
    List,
    Record,
    Verify,
    Export,
    Purge,
    Stats(GroupBy),
}

impl SupervisorState {
    fn pending(&self, id: RequestId) -> Option<Pending> {
        let is = |request: Option<RequestId>| request == Some(id);
        Some(if is(self.authenticating) {
            Pending::LogIn
        } else if is(self.settings_request) {
            Pending::Settings
        } else if is(self.table.request) {
            Pending::List
        } else if self.table.detail.as_ref().is_some_and(|d| is(d.request)) {
            Pending::Record
        } else if is(self.verifying) {
            Pending::Verify
        } else if is(self.export.request) {
            Pending::Export
        } else if is(self.purge.request) {
            Pending::Purge
        } else {
            let (_, by) = self.stats.pending.iter().find(|(request, _)| *request == id)?;
            Pending::Stats(*by)
        })
    }
}

/// An audit reply that is not the desk's own: handled when it answers a request this screen
/// still waits for, dropped otherwise.
pub fn audit_replied(supervisor: &mut SupervisorState, outbox: &mut Outbox<'_>, id: RequestId, reply: AuditReply) {
    let Some(pending) = supervisor.pending(id) else { return };
    match (pending, reply) {
        (Pending::Export, AuditReply::ExportProgress { done, total }) => {
            supervisor.export.progress = Some((done, total));
        }
        (Pending::LogIn, AuditReply::Authenticated(actor)) => {
            supervisor.authenticating = None;
            supervisor.login_error = None;
            supervisor.actor = Some(actor);
            // Fresh settings (personal data may have been switched on) and the table.
            supervisor.settings_request = None;
            load_settings(supervisor, outbox);
            request_list(supervisor, outbox);
        }
        (Pending::LogIn, AuditReply::Failed(e)) => {
            supervisor.authenticating = None;
            supervisor.login_error = Some(e.to_string());
        }
        (Pending::Settings, AuditReply::Settings(settings)) => {
            supervisor.settings_request = None;
            supervisor.settings = Some(settings);
        }
        (Pending::Settings, AuditReply::Failed(e)) => {
            supervisor.settings_request = None;
            supervisor.settings_error = Some(e.to_string());
        }
        (Pending::List, AuditReply::Listed { records, total }) => {
            let table = &mut supervisor.table;
            table.request = None;
            table.loaded = true;
            table.error = None;
            table.records = records;
            table.total = total;
            table.refresh_visible();
        }
        (Pending::List, AuditReply::Failed(e)) => {
            supervisor.table.request = None;
            supervisor.table.error = Some(format!("the records could not be listed: {e}"));
        }
        (Pending::Record, reply) => {
            if let Some(detail) = &mut supervisor.table.detail {
                detail.request = None;
                match reply {
                    AuditReply::RecordDetail { leaf_json } => detail.leaf_json = Some(leaf_json),
                    AuditReply::Failed(e) => detail.error = Some(e.to_string()),
                    other => detail.error = Some(format!("unexpected audit reply: {other:?}")),
                }
            }
        }
        (Pending::Verify, AuditReply::Verified(report)) => {
            supervisor.verifying = None;
            supervisor.verified = Some(report);
        }
        (Pending::Verify, AuditReply::Failed(e)) => {
            supervisor.verifying = None;
            outbox.notify(Severity::Error, format!("verification could not run: {e}"));
        }
        (Pending::Export, AuditReply::Exported(summary)) => {
            // Notifications stay short (they float over the window); the section shows the paths.
            let text = format!("exported {} records", summary.records);
            supervisor.export.request = None;
            supervisor.export.progress = None;
            supervisor.export.summary = Some(summary);
            outbox.notify(Severity::Info, text);
            // The export is itself a record: show it.
            request_list(supervisor, outbox);
        }
        (Pending::Export, AuditReply::Failed(e)) => {
            supervisor.export.request = None;
            supervisor.export.progress = None;
            supervisor.export.error = Some(e.to_string());
            outbox.notify(Severity::Error, "the export failed: the Export section says why");
        }
        (Pending::Purge, AuditReply::Purged(purged)) => {
            let text = format!("personal data of {} record(s) purged", purged.event.purged);
            supervisor.purge.request = None;
            supervisor.purge.purged = Some(purged);
            outbox.notify(Severity::Info, text);
            request_list(supervisor, outbox);
        }
        (Pending::Purge, AuditReply::Failed(e)) => {
            supervisor.purge.request = None;
            supervisor.purge.error = Some(e.to_string());
            outbox.notify(Severity::Error, "the purge failed: the Purge section says why");
        }
        (Pending::Stats(by), reply) => {
            let board = &mut supervisor.stats;
            board.pending.retain(|(request, _)| *request != id);
            match reply {
                AuditReply::Stats(stats) => {
                    if let Some(slot) = board.slot(by) {
                        *slot = Some(stats);
                    }
                }
                AuditReply::Failed(e) => board.error = Some(format!("statistics by {}: {e}", by.key_name())),
                other => board.error = Some(format!("unexpected audit reply: {other:?}")),
            }
        }
        (pending, other) => {
            // The request is answered either way: stop waiting for it.
            match pending {
                Pending::LogIn => supervisor.authenticating = None,
                Pending::Settings => supervisor.settings_request = None,
                Pending::List => supervisor.table.request = None,
                Pending::Verify => supervisor.verifying = None,
                Pending::Export => supervisor.export.request = None,
                Pending::Purge => supervisor.purge.request = None,
                Pending::Record | Pending::Stats(_) => {}
            }
            outbox.notify(Severity::Warning, format!("unexpected audit reply: {other:?}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuditStatus;
    use docexam_audit::entry::{Role, Settings};

    fn supervisor(name: &str) -> Actor {
        Actor { role: Role::Supervisor, name: Some(name.to_owned()) }
    }

    /// Applies `command` with no audit log open; returns the effects asked for.
    fn apply_without_log(state: &mut SupervisorState, command: SupervisorCommand) -> Vec<Effect> {
        let status = AuditStatus::Failed("the disk is gone".into());
        let mut outbox = Outbox::new(None, &status);
        apply(state, &mut outbox, command);
        outbox.into_effects()
    }

    fn notes(effects: &[Effect]) -> Vec<(Severity, &str)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Notify(severity, text) => Some((*severity, text.as_str())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn before_sign_in_only_the_settings_and_the_sign_in_are_taken() {
        let mut state = SupervisorState::default();
        let effects = apply_without_log(&mut state, SupervisorCommand::Verify);
        assert_eq!(notes(&effects), [(Severity::Warning, "sign in as supervisor first")]);
        assert!(state.verifying.is_none() && state.verified.is_none());

        // A request that cannot go says why, and nothing waits for it.
        let login = SupervisorCommand::LogIn { passphrase: "words".into(), name: " sam ".into() };
        let effects = apply_without_log(&mut state, login);
        assert_eq!(notes(&effects), [(Severity::Error, "the audit log cannot take requests: the disk is gone")]);
        assert!(state.authenticating.is_none() && state.login_error.is_none());
        let effects =
            apply_without_log(&mut state, SupervisorCommand::LogIn { passphrase: String::new(), name: "".into() });
        assert!(effects.is_empty());
        assert_eq!(state.login_error.as_deref(), Some("type the supervisor passphrase"));
    }

    #[test]
    fn signing_out_forgets_everything_but_the_settings_and_clears_the_forms() {
        let settings =
            Settings { personal_data: true, supervisor_passphrase: None, changed: Vec::new(), by: supervisor("setup") };
        let mut state = SupervisorState {
            actor: Some(supervisor("sam")),
            settings: Some(settings.clone()),
            section: Section::Purge,
            verifying: Some(4),
            ..SupervisorState::default()
        };
        state.table.text = "off-1".into();
        let effects = apply_without_log(&mut state, SupervisorCommand::LogOut);
        assert!(state.actor.is_none() && state.verifying.is_none() && state.table.text.is_empty());
        assert_eq!((state.settings, state.section), (Some(settings), Section::Records));
        assert!(matches!(effects.first(), Some(Effect::ClearSupervisorForms)), "{effects:?}");
        assert_eq!(notes(&effects), [(Severity::Info, "supervisor signed out")]);
    }

    #[test]
    fn a_signed_in_supervisor_sorts_and_filters_without_the_log_and_a_bad_day_is_explained() {
        let mut state = SupervisorState { actor: Some(supervisor("sam")), ..SupervisorState::default() };
        for (column, descending) in
            [(SortColumn::Officer, false), (SortColumn::Officer, true), (SortColumn::Date, true)]
        {
            assert!(apply_without_log(&mut state, SupervisorCommand::SortBy(column)).is_empty());
            assert_eq!(state.table.sort, Sort { column, descending });
        }
        let list = SupervisorCommand::List { since: "23.11.2026".into(), outcomes: Vec::new(), limit: 5 };
        assert!(apply_without_log(&mut state, list).is_empty());
        assert!(state.table.error.as_deref().is_some_and(|e| e.contains("YYYY-MM-DD")));
        assert!(state.table.request.is_none());
        let effects = apply_without_log(
            &mut state,
            SupervisorCommand::ChooseExportFile { format: ExportFormat::Csv, personal_data: false },
        );
        assert!(matches!(effects[..], [Effect::ChooseExportFile { format: ExportFormat::Csv, personal_data: false }]));
    }

    #[test]
    fn the_passphrase_never_shows_in_debug() {
        let command = SupervisorCommand::LogIn { passphrase: "secret words here".into(), name: "sam".into() };
        let text = format!("{command:?}");
        assert!(!text.contains("secret") && text.contains("sam"), "{text}");
    }

    #[test]
    fn days_parse_or_say_how_to_write_them() {
        assert_eq!(parse_day(" ", "x"), Ok(None));
        assert_eq!(parse_day("2026-02-03", "x"), Ok(Some(CalendarDate { year: 2026, month: 2, day: 3 })));
        assert!(parse_day("3.2.2026", "since").is_err_and(|e| e.contains("YYYY-MM-DD") && e.starts_with("since")));
    }
}
