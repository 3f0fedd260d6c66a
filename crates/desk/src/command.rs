//! [`Command`]: the one way the desk's state changes. Panels and keyboard shortcuts push
//! commands; worker replies become commands too; `DeskApp::apply` handles every one of them in
//! one place, so every change can be found, tested and replayed.

use std::path::PathBuf;

use crate::audit_worker::{AuditReply, RequestId};
use crate::scan_worker::{JobId, ScanReply};
use docexam_exam::inspection::{Answer, Outcome, RefusalReason};

use super::store::DeskSettings;
use super::supervisor::SupervisorCommand;
use super::training::TrainingCommand;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Officer: the inspection desk.
    Desk,
    /// Supervisor: the audit log, behind the passphrase.
    Supervisor,
    /// Trainer: exercise packs, trainee sessions and their reports.
    Training,
    /// Settings.
    Settings,
}

/// How loud a notification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something worked.
    Info,
    /// Something needs attention but nothing was lost.
    Warning,
    /// Something failed.
    Error,
}

/// Everything that can change the desk.
#[derive(Debug)]
pub enum Command {
    /// Start (or change) the officer's shift: who, where, which manual, which level.
    StartShift {
        /// Officer id.
        officer: String,
        /// Station.
        station: String,
        /// Manual id.
        manual: String,
        /// Examination level.
        level: docexam_exam::manual::Level,
    },
    /// Back to the start screen (the current document stays as a draft).
    EndShift,
    /// Show a screen.
    ShowTab(Tab),
    /// A new document whose MRZ the officer types (no image).
    NewTypedDocument,
    /// Open an image as the next document.
    OpenImage(PathBuf),
    /// Ask for an image with the system file dialog (on its own thread).
    ChooseImage,
    /// Stop reading the current image.
    CancelScan,
    /// The scan worker answered.
    ScanReplied(JobId, ScanReply),
    /// The MRZ box changed.
    EditMrz(String),
    /// Select a checklist item (index among the visible items).
    SelectItem(usize),
    /// Move the selection up (-1) or down (+1).
    MoveSelection(isize),
    /// Answer the selected item.
    AnswerSelected(Answer),
    /// Answer an item.
    Answer {
        /// Item id.
        item: String,
        /// The answer.
        answer: Answer,
    },
    /// Confirm the pending override with its reason.
    ConfirmOverride(String),
    /// Drop the pending override.
    CancelOverride,
    /// Attach a note to an item.
    SetNote {
        /// Item id.
        item: String,
        /// The note.
        note: String,
    },
    /// Choose the outcome.
    ChooseOutcome(Outcome),
    /// Tick or untick a refusal ground.
    ToggleReason(RefusalReason),
    /// The justification text changed.
    SetJustification(String),
    /// Decide and record.
    DecideAndRecord,
    /// Send the decided record again after a failure.
    RetryRecording,
    /// Put the document away (its draft is removed).
    DiscardDocument,
    /// The audit worker answered.
    AuditReplied(RequestId, AuditReply),
    /// Continue the inspection left by an earlier run.
    ResumeDraft,
    /// Throw that draft away.
    DiscardDraft,
    /// Show a notification.
    Notify(Severity, String),
    /// Close a notification.
    Dismiss(u64),
    /// Save new settings (and apply them).
    ApplySettings(Box<DeskSettings>),
    /// A file appeared in the watched scan folder.
    WatchedFile(PathBuf),
    /// The watched folder failed.
    WatchFailed(String),
    /// A supervisor action.
    Supervisor(SupervisorCommand),
    /// A trainer or trainee action.
    Training(TrainingCommand),
}
