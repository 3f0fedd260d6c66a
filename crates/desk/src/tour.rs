//! A scripted walk through the main screens for `scripts/screenshots` (`docexam gui
//! --screenshots DIR`): it feeds the same [`Command`]s a user's keys and clicks would, waits for
//! the workers, saves a PNG of each screen, prints timing figures, and closes the window.
//!
//! Timing: the wall-clock time of the first frame is printed (the script subtracts the launch
//! time), and the CPU time of every frame while OCR runs (logic plus drawing; the software
//! renderer's painting comes on top and is reported separately as frame-to-frame intervals).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::document::{Recording, ScanState};
use super::supervisor::{Section, SupervisorCommand};
use super::{Command, DeskState};

/// One step of the tour.
pub enum TourStep {
    /// Apply a command.
    Do(Command),
    /// Wait until the state satisfies the condition (at most the duration).
    Until(&'static str, fn(&DeskState) -> bool, Duration),
    /// Let a few frames settle (layout, fonts).
    Frames(u32),
    /// Save a screenshot under this file name.
    Shot(&'static str),
    /// Answer every item still open with this answer (what an officer's keys would do).
    AnswerRemaining(docexam_exam::inspection::Answer),
    /// While a training run is on, answer each document's open items "pass" and admit it (a
    /// careless trainee, so the report has missed defects to show).
    AdmitEveryTrainingDocument,
}

type Pending = Arc<Mutex<Option<Arc<egui::ColorImage>>>>;

/// The tour in progress.
pub struct Tour {
    steps: VecDeque<TourStep>,
    out_dir: PathBuf,
    waiting_since: Option<Instant>,
    frames_left: u32,
    shot: Option<(&'static str, Pending)>,
    first_frame_printed: bool,
    finished: bool,
    last_frame: Option<Instant>,
    /// CPU milliseconds of frames drawn while OCR ran.
    pub busy_frame_ms: Vec<f64>,
    /// Milliseconds between frames while OCR ran.
    pub busy_interval_ms: Vec<f64>,
    /// Milliseconds between frames while it did not (the renderer's own pace, for comparison).
    pub idle_interval_ms: Vec<f64>,
}

impl Tour {
    /// A tour that saves its screenshots in `out_dir`.
    pub fn new(out_dir: PathBuf, steps: Vec<TourStep>) -> Self {
        Self {
            steps: steps.into(),
            out_dir,
            waiting_since: None,
            frames_left: 0,
            shot: None,
            first_frame_printed: false,
            finished: false,
            last_frame: None,
            busy_frame_ms: Vec::new(),
            busy_interval_ms: Vec::new(),
            idle_interval_ms: Vec::new(),
        }
    }

    /// Called once per frame before the commands are applied; returns the commands to apply.
    pub fn advance(&mut self, ctx: &egui::Context, state: &DeskState) -> Vec<Command> {
        if !self.first_frame_printed {
            self.first_frame_printed = true;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            eprintln!("tour: first frame at unix time {:.3} s", now.as_secs_f64());
        }
        ctx.request_repaint();
        if let Some((name, pending)) = &self.shot {
            let image = pending.lock().ok().and_then(|mut slot| slot.take());
            let Some(image) = image else { return Vec::new() };
            self.save(name, &image);
            self.shot = None;
        }
        if self.frames_left > 0 {
            self.frames_left -= 1;
            return Vec::new();
        }
        let mut commands = Vec::new();
        while let Some(step) = self.steps.pop_front() {
            match step {
                TourStep::Do(command) => commands.push(command),
                TourStep::AnswerRemaining(answer) => {
                    let open = state
                        .document
                        .as_ref()
                        .map(|d| d.inspection.unanswered().map(|i| i.id.clone()).collect::<Vec<_>>());
                    for item in open.unwrap_or_default() {
                        commands.push(Command::Answer { item, answer });
                    }
                }
                TourStep::AdmitEveryTrainingDocument => {
                    if state.training.run.is_none() {
                        continue;
                    }
                    let ready = state
                        .document
                        .as_ref()
                        .filter(|d| d.recording == Recording::NotYet && matches!(d.scan, ScanState::Done { .. }));
                    if let Some(document) = ready {
                        for item in document.inspection.unanswered() {
                            let answer = docexam_exam::inspection::Answer::Pass;
                            commands.push(Command::Answer { item: item.id.clone(), answer });
                        }
                        commands.push(Command::ChooseOutcome(docexam_exam::inspection::Outcome::Admit));
                        commands.push(Command::DecideAndRecord);
                    }
                    self.steps.push_front(TourStep::AdmitEveryTrainingDocument);
                    break;
                }
                TourStep::Frames(n) => {
                    self.frames_left = n;
                    break;
                }
                TourStep::Until(what, done, limit) => {
                    if done(state) {
                        self.waiting_since = None;
                        continue;
                    }
                    let since = *self.waiting_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > limit {
                        eprintln!("tour: gave up waiting for {what}");
                        self.waiting_since = None;
                        continue;
                    }
                    self.steps.push_front(TourStep::Until(what, done, limit));
                    break;
                }
                TourStep::Shot(name) => {
                    let pending: Pending = Arc::default();
                    let slot = Arc::clone(&pending);
                    let repaint = ctx.clone();
                    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::ScreenshotCallback::new(
                        move |image| {
                            if let Ok(mut slot) = slot.lock() {
                                *slot = Some(image);
                            }
                            repaint.request_repaint();
                        },
                    )));
                    self.shot = Some((name, pending));
                    break;
                }
            }
        }
        if self.steps.is_empty() && self.shot.is_none() && self.frames_left == 0 && !self.finished {
            self.finished = true;
            self.report();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        commands
    }

    /// Records a frame's CPU time when OCR was running during it.
    pub fn frame_done(&mut self, state: &DeskState, started: Instant) {
        let busy = state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Running(_)));
        let interval = self.last_frame.map(|last| started.duration_since(last).as_secs_f64() * 1000.0);
        if busy {
            self.busy_frame_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            self.busy_interval_ms.extend(interval);
        } else if self.shot.is_none() {
            self.idle_interval_ms.extend(interval);
        }
        self.last_frame = Some(started);
    }

    fn save(&self, name: &str, image: &egui::ColorImage) {
        let [width, height] = image.size;
        let bytes: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
        let path = self.out_dir.join(name);
        let saved = image::RgbaImage::from_raw(width as u32, height as u32, bytes)
            .ok_or_else(|| "the screenshot has the wrong size".to_owned())
            .and_then(|img| img.save(&path).map_err(|e| e.to_string()));
        match saved {
            Ok(()) => eprintln!("tour: saved {}", path.display()),
            Err(e) => eprintln!("tour: cannot save {}: {e}", path.display()),
        }
    }

    fn report(&self) {
        let describe = |name: &str, values: &[f64]| {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            match (sorted.get(sorted.len() / 2), sorted.last()) {
                (Some(median), Some(max)) => {
                    eprintln!(
                        "tour: {name} while OCR ran: {} frames, median {median:.2} ms, max {max:.2} ms",
                        sorted.len()
                    )
                }
                _ => eprintln!("tour: {name}: no frames while OCR ran"),
            }
        };
        describe("frame CPU time (logic + ui)", &self.busy_frame_ms);
        describe("frame-to-frame interval", &self.busy_interval_ms);
        let mut idle = self.idle_interval_ms.clone();
        idle.sort_by(f64::total_cmp);
        if let Some(median) = idle.get(idle.len() / 2) {
            eprintln!("tour: frame-to-frame interval without OCR: {} frames, median {median:.2} ms", idle.len());
        }
    }
}

/// The tour of the main screens: start, a valid passport, an invalid one (both recorded), the
/// supervisor's records, statistics and verification (signing in with `passphrase`), settings.
pub fn main_screens(images: &std::path::Path, passphrase: Option<String>) -> Vec<TourStep> {
    use TourStep::{Do, Frames, Shot, Until};
    fn scanned(state: &DeskState) -> bool {
        state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. } | ScanState::Failed(_)))
    }
    fn audit_open(state: &DeskState) -> bool {
        !matches!(state.audit, super::AuditStatus::Opening)
    }
    fn recorded(state: &DeskState) -> bool {
        state.document.as_ref().is_some_and(|d| !matches!(d.recording, Recording::NotYet | Recording::Sending(_)))
    }
    fn signed_in(state: &DeskState) -> bool {
        state.supervisor.actor.is_some() || state.supervisor.login_error.is_some()
    }
    fn listed(state: &DeskState) -> bool {
        state.supervisor.table.loaded
    }
    fn counted(state: &DeskState) -> bool {
        let stats = &state.supervisor.stats;
        stats.requested && stats.pending.is_empty()
    }
    fn verified(state: &DeskState) -> bool {
        state.supervisor.verified.is_some()
    }
    let wait = Duration::from_secs(60);
    let answer = |answer| Do(Command::AnswerSelected(answer));
    let down = || Do(Command::MoveSelection(1));
    let steps = vec![
        Until("the audit log", audit_open, wait),
        Frames(3),
        Shot("01-start.png"),
        Do(Command::StartShift {
            officer: "off-042".into(),
            station: "FRA-T1-desk3".into(),
            manual: "first-line-quick".into(),
            level: docexam_exam::manual::Level::First,
        }),
        Do(Command::OpenImage(images.join("td3_clean_0000.png"))),
        Frames(2),
        Until("the OCR of a valid passport", scanned, wait),
        down(),
        down(),
        answer(docexam_exam::inspection::Answer::Pass),
        answer(docexam_exam::inspection::Answer::Pass),
        Frames(3),
        Shot("02-desk-valid.png"),
        TourStep::AnswerRemaining(docexam_exam::inspection::Answer::Pass),
        Do(Command::ChooseOutcome(docexam_exam::inspection::Outcome::Admit)),
        Do(Command::SetJustification("tour: specimen document".into())),
        Do(Command::DecideAndRecord),
        Until("the first record", recorded, wait),
        Do(Command::OpenImage(images.join("td2_wrong_check_0000.png"))),
        Frames(2),
        Until("the OCR of a document with a wrong check digit", scanned, wait),
        Do(Command::ChooseOutcome(docexam_exam::inspection::Outcome::Refuse)),
        Do(Command::ToggleReason(docexam_exam::inspection::RefusalReason::B)),
        Frames(3),
        Shot("03-desk-invalid.png"),
    ];
    let mut steps = steps;
    steps.extend([
        TourStep::AnswerRemaining(docexam_exam::inspection::Answer::Pass),
        Do(Command::DecideAndRecord),
        Until("the second record", recorded, wait),
    ]);
    if let Some(passphrase) = passphrase {
        let section = |section| Do(Command::Supervisor(SupervisorCommand::ShowSection(section)));
        steps.extend([
            Do(Command::ShowTab(super::Tab::Supervisor)),
            Do(Command::Supervisor(SupervisorCommand::LogIn { passphrase, name: "sup-1".into() })),
            Until("the supervisor", signed_in, wait),
            section(Section::Records),
            Until("the record list", listed, wait),
            Frames(3),
            Shot("04-supervisor-records.png"),
            section(Section::Statistics),
            Until("the statistics", counted, wait),
            Frames(3),
            Shot("05-supervisor-statistics.png"),
            section(Section::Integrity),
            Do(Command::Supervisor(SupervisorCommand::Verify)),
            Until("the verification", verified, wait),
            Frames(3),
            Shot("06-supervisor-verified.png"),
        ]);
    }
    steps.extend([Do(Command::ShowTab(super::Tab::Settings)), Frames(3), Shot("07-settings.png")]);
    steps.extend(training_screens());
    steps
}

/// A manual-only training run on the shipped pack: the trainee's desk, then the report.
fn training_screens() -> Vec<TourStep> {
    use super::training::TrainingCommand;
    use TourStep::{Do, Frames, Shot, Until};
    fn training_document(state: &DeskState) -> bool {
        state.training.run.is_none()
            || state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. } | ScanState::Failed(_)))
    }
    fn report_drawn(state: &DeskState) -> bool {
        state.training.run.is_none()
            && state.training.report.as_ref().is_none_or(|r| r.image_ready || r.image_error.is_some())
    }
    let wait = Duration::from_secs(120);
    vec![
        Do(Command::ShowTab(super::Tab::Training)),
        Do(Command::Training(TrainingCommand::Start {
            pack: "falsedoc-basics".into(),
            trainee: "trainee-1".into(),
            manual_only: true,
        })),
        Frames(2),
        Until("the first training document", training_document, wait),
        Frames(3),
        Shot("08-training-desk.png"),
        TourStep::AdmitEveryTrainingDocument,
        Until("the training report", report_drawn, wait),
        Frames(3),
        Shot("09-training-report.png"),
    ]
}
