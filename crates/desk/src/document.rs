//! The document on the desk: where it came from, what OCR made of it, the MRZ as shown, the
//! inspection and the decision being prepared. Plain data and rules over core types; the panels
//! read it, and only `DeskApp::apply` changes it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::scan_worker::JobId;
use docexam_exam::inspection::{
    Answer, AnsweredBy, DecisionRequest, DocumentSource, Inspection, ItemRecord, MrzInput, Outcome, RefusalReason,
    Setup, Timestamp,
};
use docexam_exam::manual::{Level, LoadedManual};
use docexam_mrz as mrz;
use docexam_mrz::dates::DatePolicy;
use docexam_mrz::report::MrzReport;

/// Where the OCR of the document's image stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanState {
    /// Nothing to read (typed MRZ).
    NoImage,
    /// OCR running for this job; results of any other job are stale.
    Running(JobId),
    /// Read (the MRZ, or the fact that none was found).
    Done {
        /// Milliseconds the worker took.
        timing_ms: u64,
    },
    /// The officer cancelled the reading.
    Cancelled,
    /// The image could not be read.
    Failed(String),
}

/// Where recording the decision stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    /// Not decided yet.
    NotYet,
    /// Sent to the audit log, waiting for the commit.
    Sending(crate::audit_worker::RequestId),
    /// Committed as this record number.
    Recorded(u64),
    /// The log refused or could not record it; the decision is kept for a retry.
    Failed(String),
}

/// The decision the officer is preparing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionForm {
    /// Chosen outcome.
    pub outcome: Option<Outcome>,
    /// Refusal grounds ticked.
    pub reasons: BTreeSet<RefusalReason>,
    /// Written justification.
    pub justification: String,
}

impl DecisionForm {
    /// The request for `Inspection::decide`, if an outcome is chosen.
    pub fn request(&self) -> Option<DecisionRequest> {
        let justification = Some(self.justification.trim().to_owned()).filter(|j| !j.is_empty());
        self.outcome.map(|outcome| DecisionRequest {
            outcome,
            refusal_reasons: self.reasons.iter().copied().collect(),
            justification,
        })
    }

    /// The form filled from a saved request (drafts).
    pub fn from_request(request: &DecisionRequest) -> Self {
        Self {
            outcome: Some(request.outcome),
            reasons: request.refusal_reasons.iter().copied().collect(),
            justification: request.justification.clone().unwrap_or_default(),
        }
    }
}

/// An item answer waiting for the officer's reason (overriding the machine needs one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOverride {
    /// Item id.
    pub item: String,
    /// The officer's answer.
    pub answer: Answer,
}

/// One document being examined.
#[derive(Debug, Clone)]
pub struct Document {
    /// The image, if any.
    pub image: Option<PathBuf>,
    /// OCR state.
    pub scan: ScanState,
    /// The MRZ as shown and edited (one line per MRZ line).
    pub mrz_text: String,
    /// Whether the officer edited the MRZ after OCR (the report is then of the typed text).
    pub typed: bool,
    /// The check of `mrz_text`, or of the OCR reading (with its corrections) while not edited.
    pub report: Option<MrzReport>,
    /// The inspection (re-started, keeping the officer's answers, whenever the MRZ changes).
    pub inspection: Inspection,
    /// Index into the visible items.
    pub selected: usize,
    /// An override waiting for its reason.
    pub pending_override: Option<PendingOverride>,
    /// The decision being prepared.
    pub decision: DecisionForm,
    /// Rules the last attempt to decide broke, explained.
    pub violations: Vec<String>,
    /// Recording state.
    pub recording: Recording,
    /// Why the MRZ is missing, when it is (shown and recorded).
    pub mrz_missing_reason: Option<String>,
    /// Officer answers that no longer applied after the MRZ changed (shown once).
    pub dropped_answers: Vec<String>,
    /// Manual-only training: the machine reads nothing and shows nothing; the trainee examines
    /// the MRZ by eye.
    pub manual_only: bool,
}

/// Why a manual-only training document has no machine reading (shown and stored).
pub const MANUAL_ONLY_REASON: &str = "manual-only training: the machine reads nothing";

/// What the inspection needs that does not change while the document is on the desk.
#[derive(Debug, Clone)]
pub struct DocumentSetup {
    /// Examination level.
    pub level: Level,
    /// Officer id.
    pub officer: String,
    /// Station.
    pub station: String,
    /// When the document was opened.
    pub started_at: Timestamp,
}

impl Document {
    /// A document opened from an image: OCR is about to run; the checklist can start at once.
    pub fn from_image(
        manual: &LoadedManual,
        setup: &DocumentSetup,
        path: PathBuf,
        job: JobId,
    ) -> Result<Self, docexam_exam::inspection::StartError> {
        Self::image(manual, setup, path, job, false)
    }

    /// A manual-only training document: the image is shown (the worker only decodes it), the
    /// MRZ items stay for the trainee to answer by eye.
    pub fn manual_only(
        manual: &LoadedManual,
        setup: &DocumentSetup,
        path: PathBuf,
        job: JobId,
    ) -> Result<Self, docexam_exam::inspection::StartError> {
        Self::image(manual, setup, path, job, true)
    }

    fn image(
        manual: &LoadedManual,
        setup: &DocumentSetup,
        path: PathBuf,
        job: JobId,
        manual_only: bool,
    ) -> Result<Self, docexam_exam::inspection::StartError> {
        let source = DocumentSource::Image { path: path.display().to_string(), sha256: String::new() };
        let reason = if manual_only { MANUAL_ONLY_REASON } else { "the MRZ is being read" };
        let inspection = start(manual, setup, source, MrzInput::NotRead { reason })?;
        let mut document = Self::with(inspection, Some(path), ScanState::Running(job), Some(reason.to_owned()));
        document.manual_only = manual_only;
        Ok(document)
    }

    /// A document whose MRZ the officer types (no image).
    pub fn typed(manual: &LoadedManual, setup: &DocumentSetup) -> Result<Self, docexam_exam::inspection::StartError> {
        let reason = "no MRZ typed yet";
        let inspection = start(manual, setup, DocumentSource::Text, MrzInput::NotRead { reason })?;
        Ok(Self::with(inspection, None, ScanState::NoImage, Some(reason.to_owned())))
    }

    fn with(inspection: Inspection, image: Option<PathBuf>, scan: ScanState, missing: Option<String>) -> Self {
        Self {
            image,
            scan,
            mrz_text: String::new(),
            typed: false,
            report: None,
            inspection,
            selected: 0,
            pending_override: None,
            decision: DecisionForm::default(),
            violations: Vec::new(),
            recording: Recording::NotYet,
            mrz_missing_reason: missing,
            dropped_answers: Vec::new(),
            manual_only: false,
        }
    }

    /// A document restored from a draft.
    pub fn from_draft(draft: crate::store::Draft, policy: &DatePolicy) -> Self {
        let report = (!draft.mrz_text.trim().is_empty()).then(|| check(&draft.mrz_text, policy));
        let scan = if draft.image.is_some() { ScanState::Done { timing_ms: 0 } } else { ScanState::NoImage };
        let mut document = Self::with(draft.inspection, draft.image, scan, None);
        document.mrz_text = draft.mrz_text;
        document.typed = true;
        document.report = report;
        document.decision = draft.decision.as_ref().map(DecisionForm::from_request).unwrap_or_default();
        document
    }

    /// The draft to save.
    pub fn draft(&self) -> crate::store::Draft {
        crate::store::Draft {
            inspection: self.inspection.clone(),
            mrz_text: self.mrz_text.clone(),
            image: self.image.clone(),
            decision: self.decision.request(),
        }
    }

    /// Whether anything the officer did would be lost by closing it.
    pub fn has_officer_work(&self) -> bool {
        self.typed
            || self.decision.outcome.is_some()
            || self.inspection.items().iter().any(|i| i.answered_by == Some(AnsweredBy::Officer) || i.note.is_some())
    }

    /// The OCR result arrived: show its MRZ (or why there is none) and re-start the inspection
    /// with it, keeping what the officer already answered.
    pub fn scanned(
        &mut self,
        manual: &LoadedManual,
        setup: &DocumentSetup,
        sha256: String,
        report: Option<MrzReport>,
        timing_ms: u64,
    ) -> Result<(), docexam_exam::inspection::StartError> {
        self.scan = ScanState::Done { timing_ms };
        let path = self.image.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let source = DocumentSource::Image { path, sha256 };
        if !self.typed && !self.manual_only {
            self.mrz_text = report.as_ref().map(|r| r.lines.join("\n")).unwrap_or_default();
            self.report = report;
        }
        self.restart(manual, setup, source)
    }

    /// The image could not be read or the officer cancelled: the MRZ can still be typed. The
    /// record then names no image (its bytes were never hashed); the reason is kept.
    pub fn scan_stopped(
        &mut self,
        manual: &LoadedManual,
        setup: &DocumentSetup,
        state: ScanState,
    ) -> Result<(), docexam_exam::inspection::StartError> {
        self.scan = state;
        self.restart(manual, setup, DocumentSource::Text)
    }

    /// The officer typed in the MRZ box: re-check and re-start the inspection.
    pub fn mrz_edited(
        &mut self,
        manual: &LoadedManual,
        setup: &DocumentSetup,
        text: String,
        policy: &DatePolicy,
    ) -> Result<(), String> {
        if self.manual_only {
            return Err("manual-only training: the MRZ is examined by eye, not typed in".to_owned());
        }
        self.report = (!text.trim().is_empty()).then(|| check(&text, policy));
        self.mrz_text = text;
        self.typed = true;
        let source = self.inspection.source().clone();
        self.restart(manual, setup, source).map_err(|e| e.to_string())
    }

    /// Re-starts the inspection from the current MRZ and replays the officer's answers; an
    /// answer the new machine result contradicts is dropped and listed in `dropped_answers`.
    fn restart(
        &mut self,
        manual: &LoadedManual,
        setup: &DocumentSetup,
        source: DocumentSource,
    ) -> Result<(), docexam_exam::inspection::StartError> {
        let not_found;
        let input = match &self.report {
            _ if self.manual_only => {
                self.mrz_missing_reason = Some(MANUAL_ONLY_REASON.to_owned());
                MrzInput::NotRead { reason: MANUAL_ONLY_REASON }
            }
            Some(report) => {
                self.mrz_missing_reason = None;
                MrzInput::Report(report)
            }
            None => {
                not_found = match &self.scan {
                    ScanState::Done { .. } => "no MRZ was found on the image".to_owned(),
                    ScanState::Running(_) => "the MRZ is being read".to_owned(),
                    ScanState::Failed(reason) => format!("the image could not be read: {reason}"),
                    ScanState::Cancelled => "reading the image was cancelled".to_owned(),
                    ScanState::NoImage => "no MRZ typed yet".to_owned(),
                };
                self.mrz_missing_reason = Some(not_found.clone());
                if matches!(self.scan, ScanState::Done { .. }) && !self.typed {
                    MrzInput::NotFound { reason: &not_found }
                } else {
                    MrzInput::NotRead { reason: &not_found }
                }
            }
        };
        let mut fresh = start(manual, setup, source, input)?;
        self.dropped_answers.clear();
        for old in self.inspection.items().iter().filter(|i| i.answered_by == Some(AnsweredBy::Officer)) {
            let replayed = match &old.override_ {
                Some(o) if fresh.item(&old.id).and_then(|i| i.machine.as_ref()).is_some() => {
                    fresh.override_answer(&old.id, old.answer, &o.reason, old.note.clone())
                }
                _ => fresh.answer(&old.id, old.answer, old.note.clone()),
            };
            if let Err(violation) = replayed {
                self.dropped_answers.push(format!("{}: {violation}", old.id));
            }
        }
        self.inspection = fresh;
        self.selected = self.selected.min(self.visible_count().saturating_sub(1));
        Ok(())
    }

    /// The visible items in manual order.
    pub fn visible(&self) -> Vec<&ItemRecord> {
        self.inspection.visible_items().collect()
    }

    fn visible_count(&self) -> usize {
        self.inspection.visible_items().count()
    }

    /// The selected item.
    pub fn selected_item(&self) -> Option<&ItemRecord> {
        self.inspection.visible_items().nth(self.selected)
    }

    /// Moves the selection by `delta`, staying inside the list.
    pub fn move_selection(&mut self, delta: isize) {
        let last = self.visible_count().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Answers an item. Contradicting the machine needs a reason: that answer becomes a
    /// pending override (returns `Ok(false)`) until [`Document::confirm_override`].
    pub fn answer(&mut self, item: &str, answer: Answer) -> Result<bool, String> {
        let machine = self.inspection.item(item).and_then(|i| i.machine.as_ref()).map(|m| m.answer);
        if self.manual_only && machine == Some(Answer::NotChecked) && answer != Answer::NotChecked {
            // Nothing was read on purpose: the trainee's eye replaces "not checked", as in
            // `docexam exercise run --manual-only`.
            self.pending_override = None;
            self.inspection
                .override_answer(item, answer, docexam_exam::training::answers::MACHINE_DID_NOT_CHECK, None)
                .map_err(|e| e.to_string())?;
            return Ok(true);
        }
        if machine.is_some_and(|m| m != answer) {
            self.pending_override = Some(PendingOverride { item: item.to_owned(), answer });
            return Ok(false);
        }
        self.pending_override = None;
        self.inspection.answer(item, answer, None).map_err(|e| e.to_string())?;
        Ok(true)
    }

    /// Records the pending override with the officer's reason.
    pub fn confirm_override(&mut self, reason: &str) -> Result<(), String> {
        let Some(pending) = self.pending_override.clone() else {
            return Err("there is no answer waiting for a reason".to_owned());
        };
        self.inspection.override_answer(&pending.item, pending.answer, reason, None).map_err(|e| e.to_string())?;
        self.pending_override = None;
        Ok(())
    }

    /// Attaches a note to an answered item (keeping its answer and any override reason).
    pub fn set_note(&mut self, item: &str, note: String) -> Result<(), String> {
        let Some(record) = self.inspection.item(item) else {
            return Err(format!("no item {item}"));
        };
        if record.answered_by.is_none() {
            return Err(format!("answer {item} first (P, F or N), then add the note"));
        }
        let (answer, reason) = (record.answer, record.override_.as_ref().map(|o| o.reason.clone()));
        let result = match reason {
            Some(reason) => self.inspection.override_answer(item, answer, &reason, Some(note)),
            None => self.inspection.answer(item, answer, Some(note)),
        };
        result.map_err(|e| e.to_string())
    }

    /// Decides with the prepared form. On success the inspection is ready to record.
    pub fn decide(&mut self, now: Timestamp) -> bool {
        if matches!(self.scan, ScanState::Running(_)) {
            self.violations = vec!["the MRZ is still being read: wait for it, or cancel it (Esc)".to_owned()];
            return false;
        }
        let Some(request) = self.decision.request() else {
            self.violations = vec!["choose an outcome first (keys 1-5)".to_owned()];
            return false;
        };
        match self.inspection.decide(request, now) {
            Ok(_) => {
                self.violations.clear();
                true
            }
            Err(violations) => {
                self.violations = violations.0.iter().map(ToString::to_string).collect();
                false
            }
        }
    }

    /// Answered and total visible items.
    pub fn progress(&self) -> (usize, usize) {
        let visible = self.visible();
        (visible.iter().filter(|i| i.answered_by.is_some()).count(), visible.len())
    }
}

fn start(
    manual: &LoadedManual,
    setup: &DocumentSetup,
    source: DocumentSource,
    input: MrzInput<'_>,
) -> Result<Inspection, docexam_exam::inspection::StartError> {
    let setup = Setup {
        level: setup.level,
        officer: Some(setup.officer.clone()),
        station: Some(setup.station.clone()),
        started_at: setup.started_at,
        source,
    };
    Inspection::start(&manual.manual, &manual.content_hash, setup, input)
}

/// The full check of typed MRZ text (microseconds: fine on every keystroke).
pub fn check(text: &str, policy: &DatePolicy) -> MrzReport {
    MrzReport::from_result(&mrz::check_text(text, policy), policy)
}
