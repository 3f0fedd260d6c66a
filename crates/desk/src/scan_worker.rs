//! [`ScanWorker`]: one thread that owns a [`Scanner`] (one Tesseract handle, loaded once) and reads
//! images for an interactive shell (the desk app). The UI never blocks: it submits jobs, replies come
//! back on a channel, and a `notify` callback (the GUI passes its repaint request) wakes it.
//!
//! Made for an officer loading image after image: when the thread picks up work, every job queued
//! before the newest is answered [`ScanReply::Superseded`] without being read, so nobody waits for
//! stale OCR. [`ScanWorker::cancel`] stops a job before it starts, or, while it runs, at the next
//! stage boundary (an OCR call in progress is finished first, then thrown away).
//!
//! Every job gets exactly one reply, in submission order, whatever happens: a file that cannot be
//! read, a damaged image, an OCR engine that would not start, a worker thread that could not be
//! started, even a bug that panics while one image is read.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::RgbaImage;

use docexam_exam::digest::sha256_hex;
use docexam_imaging::decode::decode_with_preview;
use docexam_mrz::dates::DatePolicy;
use docexam_scan::{ScanOptions, ScanResult, Scanner};

/// Longest side of [`ScanOutput::preview`], in pixels: enough for a desk screen, a few MB at most.
pub const PREVIEW_MAX_SIDE: u32 = 1600;

/// Numbers jobs in submission order, from 1, so replies can be matched to them.
pub type JobId = u64;

/// The final answer to one job (each job gets exactly one).
#[derive(Debug)]
pub enum ScanReply {
    /// The image was read (which includes "no MRZ found": see [`ScanResult::lines`]).
    Done(Box<ScanOutput>),
    /// The job could not be done; `error` is one sentence naming the file and the problem.
    Failed {
        /// What went wrong, e.g. "cannot read /scans/a.png: No such file or directory (os error 2)".
        error: String,
    },
    /// [`ScanWorker::cancel`] stopped it, before it started or while it ran.
    Cancelled,
    /// A newer job was submitted before this one started, so it was never read.
    Superseded,
}

/// Everything the desk shows and records about one image read.
#[derive(Debug, Clone)]
pub struct ScanOutput {
    /// What the scan found.
    pub result: ScanResult,
    /// SHA-256 of the file's bytes, lower-case hex ([`docexam_exam::digest::sha256_hex`]), as inspection
    /// records name the image.
    pub sha256: String,
    /// The file read, or `None` for bytes submitted directly.
    pub path: Option<PathBuf>,
    /// What to call the image: the path as given, or the label submitted with the bytes.
    pub label: String,
    /// "PNG", "JPEG", "TIFF", "BMP" or "WebP", from the content.
    pub format: &'static str,
    /// Width and height of the upright image at full resolution, in pixels.
    pub image_size: [u32; 2],
    /// The image for display: upright like the scan (EXIF orientation applied), colour, longest
    /// side at most [`PREVIEW_MAX_SIDE`].
    pub preview: RgbaImage,
    /// The MRZ band that gave the reading, as four corners `[x, y]` in [`ScanOutput::preview`]
    /// pixels (top-left, top-right, bottom-right, bottom-left as the text reads); `None` when no
    /// MRZ was found. The same outline at full resolution is [`ScanResult::band`].
    pub band_in_preview: Option<[[f32; 2]; 4]>,
    /// Time from picking up the job to the reply (reading, decoding, locating, OCR), milliseconds.
    pub timing_ms: f64,
}

/// What a job reads.
enum Source {
    File(PathBuf),
    Bytes { label: String, bytes: Vec<u8> },
}

impl Source {
    /// What replies call it.
    fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Bytes { label, .. } => label.clone(),
        }
    }
}

struct Job {
    id: JobId,
    source: Source,
    want: Want,
}

/// What a job asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Find and read the MRZ, checking dates under the worker's policy.
    Mrz,
    /// Find and read the MRZ, checking dates under this policy (a training pack is keyed to the
    /// day it was made: its expired documents must stay expired and its genuine ones valid).
    MrzAsOf(DatePolicy),
    /// Decode, hash and preview only: no OCR (manual-only training shows the machine's nothing).
    PreviewOnly,
}

/// The notify callback, shareable between the worker thread and the submitting side (which
/// answers jobs itself when the thread could not be started). Locked only to call it.
type Notify = Arc<Mutex<Box<dyn Fn() + Send>>>;

fn call(notify: &Notify) {
    let callback = notify.lock().unwrap_or_else(PoisonError::into_inner);
    callback();
}

/// Makes the scanner on the worker thread (again after a panic); an error becomes every job's
/// `Failed` reply.
type MakeScanner = Box<dyn Fn() -> Result<Scanner, String> + Send>;

/// The worker thread and its channels. Dropping it cancels what is queued, lets the current OCR
/// call finish and joins the thread.
pub struct ScanWorker {
    jobs: Option<Sender<Job>>,
    replies: Receiver<(JobId, ScanReply)>,
    /// Kept so the submitting side can answer when the thread is not running.
    reply_sender: Sender<(JobId, ScanReply)>,
    /// Every job with an id up to this one is cancelled (0: none).
    cancel_up_to: Arc<AtomicU64>,
    notify: Notify,
    next_id: JobId,
    /// Why the thread is not running, when it could not be started.
    not_running: Option<String>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ScanWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanWorker")
            .field("next_id", &self.next_id)
            .field("cancel_up_to", &self.cancel_up_to.load(Ordering::Relaxed))
            .field("not_running", &self.not_running)
            .finish_non_exhaustive()
    }
}

impl ScanWorker {
    /// Starts the thread, which loads the OCR model at once (while the officer picks a file) and
    /// reuses it for every job. `notify` is called after every reply. Never fails: if the thread
    /// or the OCR engine cannot start, every job is answered [`ScanReply::Failed`] saying why.
    pub fn spawn(policy: DatePolicy, options: ScanOptions, notify: impl Fn() + Send + 'static) -> Self {
        let make = move || Scanner::new(policy, options).map_err(|e| format!("cannot read images: {e}"));
        Self::spawn_with(options, Box::new(make), Box::new(notify))
    }

    fn spawn_with(options: ScanOptions, make: MakeScanner, notify: Box<dyn Fn() + Send>) -> Self {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (reply_tx, reply_rx) = mpsc::channel();
        let cancel_up_to = Arc::new(AtomicU64::new(0));
        let notify: Notify = Arc::new(Mutex::new(notify));
        let context = Serve {
            options,
            jobs: job_rx,
            replies: reply_tx.clone(),
            cancel_up_to: Arc::clone(&cancel_up_to),
            notify: Arc::clone(&notify),
        };
        let started = std::thread::Builder::new().name("scan".into()).spawn(move || context.run(make));
        let (thread, not_running) = match started {
            Ok(thread) => (Some(thread), None),
            Err(e) => (None, Some(format!("cannot read images: the scan thread could not be started ({e})"))),
        };
        Self {
            jobs: Some(job_tx),
            replies: reply_rx,
            reply_sender: reply_tx,
            cancel_up_to,
            notify,
            next_id: 1,
            not_running,
            thread,
        }
    }

    /// Queues the image file at `path`; its reply will name it.
    pub fn submit(&mut self, path: PathBuf) -> JobId {
        self.queue(Source::File(path), Want::Mrz)
    }

    /// Queues the image file at `path` for what `want` asks.
    pub fn submit_for(&mut self, path: PathBuf, want: Want) -> JobId {
        self.queue(Source::File(path), want)
    }

    /// Queues image bytes already in memory (dropped data, tests), called `label` in replies.
    pub fn submit_bytes(&mut self, label: impl Into<String>, bytes: Vec<u8>) -> JobId {
        self.queue(Source::Bytes { label: label.into(), bytes }, Want::Mrz)
    }

    fn queue(&mut self, source: Source, want: Want) -> JobId {
        let id = self.next_id;
        self.next_id += 1;
        let sent = match (&self.jobs, &self.not_running) {
            (Some(jobs), None) => jobs.send(Job { id, source, want }).is_ok(),
            _ => false,
        };
        if !sent {
            // The thread is gone (it could not start, or died): answer here so nothing waits.
            let error =
                self.not_running.clone().unwrap_or_else(|| "cannot read images: the scan thread stopped".into());
            let _ = self.reply_sender.send((id, ScanReply::Failed { error }));
            call(&self.notify);
        }
        id
    }

    /// Cancels `job` and every job submitted before it. One not started yet is answered
    /// [`ScanReply::Cancelled`] when its turn comes; one running stops at its next stage (after
    /// the OCR call in progress) and is answered `Cancelled`; one already answered is unaffected.
    pub fn cancel(&self, job: JobId) {
        self.cancel_up_to.fetch_max(job, Ordering::SeqCst);
    }

    /// A reply, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<(JobId, ScanReply)> {
        self.replies.try_recv().ok()
    }

    /// Waits up to `timeout` for the next reply (tests and command-line use; the UI uses
    /// [`ScanWorker::try_recv`]).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<(JobId, ScanReply)> {
        self.replies.recv_timeout(timeout).ok()
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        // Nobody will read the answers: cancel everything so the thread stops at its next stage,
        // and close the channel, which ends its loop once the queue is empty.
        self.cancel_up_to.store(u64::MAX, Ordering::SeqCst);
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the worker thread owns.
struct Serve {
    options: ScanOptions,
    jobs: Receiver<Job>,
    replies: Sender<(JobId, ScanReply)>,
    cancel_up_to: Arc<AtomicU64>,
    notify: Notify,
}

impl Serve {
    fn run(self, make: MakeScanner) {
        let mut scanner = make();
        while let Ok(mut job) = self.jobs.recv() {
            // Only the newest queued job is worth reading.
            while let Ok(newer) = self.jobs.try_recv() {
                let reply = if self.cancelled(job.id) { ScanReply::Cancelled } else { ScanReply::Superseded };
                self.reply(job.id, reply);
                job = newer;
            }
            if self.cancelled(job.id) {
                self.reply(job.id, ScanReply::Cancelled);
                continue;
            }
            let (id, label) = (job.id, job.source.label());
            let stop = || self.cancelled(id);
            let outcome = match &mut scanner {
                Ok(scanner) => catch_unwind(AssertUnwindSafe(|| run_job(scanner, job, &self.options, &stop))),
                Err(error) => Ok(ScanReply::Failed { error: error.clone() }),
            };
            let reply = outcome.unwrap_or_else(|_| {
                // A bug, not the image's fault: the scanner may be half-way through a call, so the
                // next job gets a fresh one.
                scanner = make();
                ScanReply::Failed {
                    error: format!("{label}: docexam failed while reading this image (an internal error)"),
                }
            });
            self.reply(id, reply);
        }
    }

    fn cancelled(&self, job: JobId) -> bool {
        job <= self.cancel_up_to.load(Ordering::SeqCst)
    }

    fn reply(&self, id: JobId, reply: ScanReply) {
        let _ = self.replies.send((id, reply));
        call(&self.notify);
    }
}

/// Reads, decodes and scans one image, checking `should_stop` between stages.
fn run_job(scanner: &mut Scanner, job: Job, options: &ScanOptions, should_stop: &dyn Fn() -> bool) -> ScanReply {
    let start = Instant::now();
    let (path, label, bytes) = match job.source {
        Source::File(path) => match read_image_file(&path, options.limits.max_file_bytes) {
            Ok(bytes) => (Some(path.clone()), path.display().to_string(), bytes),
            Err(error) => return ScanReply::Failed { error },
        },
        Source::Bytes { label, bytes } => (None, label, bytes),
    };
    if should_stop() {
        return ScanReply::Cancelled;
    }
    let (decoded, preview) = match decode_with_preview(&bytes, &options.limits, PREVIEW_MAX_SIDE) {
        Ok(decoded) => decoded,
        Err(e) => return ScanReply::Failed { error: format!("{label}: {e}") },
    };
    if should_stop() {
        return ScanReply::Cancelled;
    }
    let scanned = match job.want {
        Want::Mrz => scanner.scan_image_until(&decoded.gray, should_stop),
        Want::MrzAsOf(policy) => {
            let usual = scanner.replace_policy(policy);
            let scanned = scanner.scan_image_until(&decoded.gray, should_stop);
            scanner.replace_policy(usual);
            scanned
        }
        Want::PreviewOnly => Ok(Some(ScanResult::none(0))),
    };
    let result = match scanned {
        Ok(Some(result)) => result,
        Ok(None) => return ScanReply::Cancelled,
        Err(e) => return ScanReply::Failed { error: format!("{label}: {e}") },
    };
    // A cancel that came during the last OCR call: the result is no longer wanted.
    if should_stop() {
        return ScanReply::Cancelled;
    }
    let (width, height) = decoded.gray.dimensions();
    let (sx, sy) = (preview.width() as f32 / width.max(1) as f32, preview.height() as f32 / height.max(1) as f32);
    ScanReply::Done(Box::new(ScanOutput {
        band_in_preview: result.band.map(|band| band.scaled(sx, sy)),
        result,
        sha256: sha256_hex(&bytes),
        path,
        label,
        format: decoded.format,
        image_size: [width, height],
        preview,
        timing_ms: start.elapsed().as_secs_f64() * 1000.0,
    }))
}

/// Reads an image file (a regular file of at most `max_bytes`).
pub(crate) fn read_image_file(path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    docexam_files::read::read_file(path, max_bytes as u64, "image").map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use docexam_mrz::dates::CalendarDate;

    /// A clean TD3 specimen and its truth (test-images/scan/truth.jsonl).
    const TD3: &str = "test-images/scan/td3_clean_0000.png";
    const TD3_LINES: [&str; 2] =
        ["PDPLWDARTAGNAN<<CHLOE<<<<<<<<<<<<<<<<<<<<<<<", "PM00781546PLW7708165F3004146<<<<<<<<<<<<<<<0"];
    /// Generous: a debug build on a slow, busy machine.
    const PATIENCE: Duration = Duration::from_secs(60);

    fn td3_path() -> PathBuf {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(TD3)
    }

    fn policy() -> DatePolicy {
        DatePolicy::new(CalendarDate::new(2026, 11, 23).unwrap())
    }

    fn counting() -> (Arc<AtomicUsize>, Box<dyn Fn() + Send>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        (count, Box::new(move || _ = counter.fetch_add(1, Ordering::SeqCst)))
    }

    /// A worker whose thread does not take its first job until `open` is sent or dropped, so a
    /// test can queue jobs behind it deterministically.
    fn gated_worker(notify: Box<dyn Fn() + Send>) -> (ScanWorker, Sender<()>) {
        let (open, gate) = mpsc::channel::<()>();
        let make = move || {
            let _ = gate.recv();
            Scanner::new(policy(), ScanOptions::default()).map_err(|e| e.to_string())
        };
        (ScanWorker::spawn_with(ScanOptions::default(), Box::new(make), notify), open)
    }

    fn next(worker: &ScanWorker) -> (JobId, ScanReply) {
        worker.recv_timeout(PATIENCE).expect("a reply within the time allowed")
    }

    /// The next reply, which must answer `job`.
    fn reply_to(worker: &ScanWorker, job: JobId) -> ScanReply {
        let (id, reply) = next(worker);
        assert_eq!(id, job, "{reply:?}");
        reply
    }

    fn failure(reply: ScanReply) -> String {
        match reply {
            ScanReply::Failed { error } => error,
            other => panic!("expected Failed, got {other:?}"),
        }
    }

    #[test]
    fn only_the_newest_queued_job_is_read_and_its_output_is_complete() {
        let (notified, notify) = counting();
        let (mut worker, open) = gated_worker(notify);
        let missing = worker.submit(PathBuf::from("/nonexistent/docexam/missing.png"));
        let corrupt = worker.submit_bytes("corrupt.png", b"\x89PNG\r\n\x1a\nnot really".to_vec());
        let newest = worker.submit(td3_path());
        drop(open);
        let replies: Vec<_> = (0..3).map(|_| next(&worker)).collect();
        let ids: Vec<JobId> = replies.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [missing, corrupt, newest], "one reply per job, in order");
        let mut replies = replies.into_iter().map(|(_, reply)| reply);
        assert!(matches!(replies.next(), Some(ScanReply::Superseded)));
        assert!(matches!(replies.next(), Some(ScanReply::Superseded)));
        let Some(ScanReply::Done(output)) = replies.next() else { panic!("the newest job is read") };

        let bytes = std::fs::read(td3_path()).unwrap();
        assert_eq!(output.sha256, sha256_hex(&bytes));
        assert_eq!(output.sha256.len(), 64);
        assert_eq!(output.path.as_deref(), Some(td3_path().as_path()));
        assert_eq!(output.label, td3_path().display().to_string());
        assert_eq!(output.result.lines.as_deref(), Some(&TD3_LINES.map(String::from)[..]));
        assert_eq!(output.result.valid(), Some(true));
        let report = output.result.report.as_ref().unwrap();
        assert!(report.valid && report.failed_checks.is_empty(), "{report:?}");
        assert_eq!((output.format, output.image_size), ("PNG", [1712, 1271]));
        // 1712 x 1271 scaled to a longest side of 1600.
        assert_eq!(output.preview.dimensions(), (1600, 1188));
        assert!(output.timing_ms > 0.0);

        // The outline sits inside the preview, along the bottom of the page (where a passport's
        // MRZ is), reads left to right, and is the full-size outline scaled.
        let outline = output.band_in_preview.unwrap();
        let (w, h) = (1600.0, 1188.0);
        for [x, y] in outline {
            assert!((0.0..=w).contains(&x) && (0.0..=h).contains(&y), "corner {x},{y} outside the preview");
        }
        let [top_left, top_right, bottom_right, bottom_left] = outline;
        assert!(top_right[0] - top_left[0] > 0.6 * w, "as wide as the MRZ: {outline:?}");
        assert!((top_right[1] - top_left[1]).abs() < 0.02 * h, "level: {outline:?}");
        assert!(bottom_left[1] > top_left[1] && bottom_right[1] > top_right[1], "upright: {outline:?}");
        assert!(top_left[1] > 0.6 * h, "in the lower part of the page: {outline:?}");
        let full = output.result.band.unwrap().corners;
        for (small, big) in outline.iter().zip(&full) {
            assert!((small[0] - big[0] * 1600.0 / 1712.0).abs() < 0.01, "{outline:?} vs {full:?}");
            assert!((small[1] - big[1] * 1188.0 / 1271.0).abs() < 0.01, "{outline:?} vs {full:?}");
        }
        assert!(worker.try_recv().is_none(), "no second reply to any job");
        drop(worker);
        assert_eq!(notified.load(Ordering::SeqCst), 3, "one notification per reply");
    }

    #[test]
    fn unreadable_files_fail_with_a_message_naming_the_file_and_the_problem() {
        let (notified, notify) = counting();
        let make = || Scanner::new(policy(), ScanOptions::default()).map_err(|e| e.to_string());
        let mut worker = ScanWorker::spawn_with(ScanOptions::default(), Box::new(make), notify);
        // One at a time, so none supersedes another.
        let missing = PathBuf::from("/nonexistent/docexam/missing.png");
        let id = worker.submit(missing.clone());
        let error = failure(reply_to(&worker, id));
        assert!(error.contains("/nonexistent/docexam/missing.png") && error.contains("No such file"), "{error}");

        let bytes = std::fs::read(td3_path()).unwrap();
        let id = worker.submit_bytes("half.png", bytes[..bytes.len() / 2].to_vec());
        let error = failure(reply_to(&worker, id));
        assert!(error.starts_with("half.png: ") && error.contains("damaged or incomplete"), "{error}");

        let id = worker.submit_bytes("notes.txt", b"Dear officer, this is a letter.".to_vec());
        let error = failure(reply_to(&worker, id));
        assert!(error.starts_with("notes.txt: ") && error.contains("not an image"), "{error}");
        drop(worker);
        assert_eq!(notified.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_job_cancelled_before_it_starts_is_answered_cancelled_and_later_jobs_still_run() {
        let (notified, notify) = counting();
        let (mut worker, open) = gated_worker(notify);
        let cancelled = worker.submit(td3_path());
        worker.cancel(cancelled);
        drop(open);
        let reply = reply_to(&worker, cancelled);
        assert!(matches!(reply, ScanReply::Cancelled), "{reply:?}");
        // Cancelling job 1 does not cancel job 2.
        let later = worker.submit_bytes("empty.png", Vec::new());
        assert!(failure(reply_to(&worker, later)).contains("empty"));
        drop(worker);
        assert_eq!(notified.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_preview_only_job_reads_no_mrz_and_a_dated_job_checks_expiry_on_its_own_day() {
        let (_, notify) = counting();
        let (mut worker, open) = gated_worker(notify);
        drop(open);
        let preview = worker.submit_for(td3_path(), Want::PreviewOnly);
        let reply = reply_to(&worker, preview);
        let ScanReply::Done(output) = reply else { panic!("preview only: {reply:?}") };
        assert_eq!((output.result.lines.as_ref(), output.result.ocr_calls), (None, 0), "no OCR at all");
        assert!(output.result.report.is_none() && output.band_in_preview.is_none());
        assert_eq!(output.preview.dimensions(), (1600, 1188));
        assert_eq!(output.sha256, sha256_hex(&std::fs::read(td3_path()).unwrap()));

        // The specimen expires 2030-04-14: expired on a pack's day in 2031, valid under the
        // worker's own 2026 policy, before and after.
        let later = DatePolicy::new(CalendarDate::new(2031, 1, 1).unwrap());
        let jobs = [Want::Mrz, Want::MrzAsOf(later), Want::Mrz];
        let mut expired = Vec::new();
        for want in jobs {
            worker.submit_for(td3_path(), want);
            let (_, reply) = next(&worker);
            let ScanReply::Done(output) = reply else { panic!("{want:?}: {reply:?}") };
            let report = output.result.report.unwrap();
            assert_eq!(report.lines, TD3_LINES.map(String::from));
            expired.push(report.summary.expired);
        }
        assert_eq!(expired, [Some(false), Some(true), Some(false)]);
    }

    #[test]
    fn a_running_job_stops_at_each_stage_boundary_without_reading() {
        let mut scanner = Scanner::new(policy(), ScanOptions::default()).unwrap();
        // Checks: 1 after reading the file, 2 after decoding, 3 after locating the bands (inside
        // the scanner), 4 before the first OCR call.
        for stop_at in 1..=4 {
            let asked = AtomicUsize::new(0);
            let stop = || asked.fetch_add(1, Ordering::SeqCst) + 1 >= stop_at;
            let job = Job { id: 1, source: Source::File(td3_path()), want: Want::Mrz };
            let reply = run_job(&mut scanner, job, &ScanOptions::default(), &stop);
            assert!(matches!(reply, ScanReply::Cancelled), "stop at check {stop_at}: {reply:?}");
            assert_eq!(asked.load(Ordering::SeqCst), stop_at, "checks made before stopping");
        }
    }

    #[test]
    fn an_ocr_engine_that_cannot_start_fails_every_job_with_the_reason() {
        let (notified, notify) = counting();
        let make = || Err("cannot read images: the OCR engine could not start".to_owned());
        let mut worker = ScanWorker::spawn_with(ScanOptions::default(), Box::new(make), notify);
        let first = worker.submit(td3_path());
        assert_eq!(failure(reply_to(&worker, first)), "cannot read images: the OCR engine could not start");
        let second = worker.submit_bytes("x.png", vec![1, 2, 3]);
        assert!(failure(reply_to(&worker, second)).contains("OCR engine could not start"));
        drop(worker);
        assert_eq!(notified.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn dropping_the_worker_answers_every_queued_job() {
        let (notified, notify) = counting();
        let (mut worker, open) = gated_worker(notify);
        let bytes = std::fs::read(td3_path()).unwrap();
        for n in 0..3 {
            worker.submit_bytes(format!("page {n}"), bytes.clone());
        }
        drop(open);
        // Cancels what is queued and joins: every reply and notification has happened.
        drop(worker);
        assert_eq!(notified.load(Ordering::SeqCst), 3);
    }
}
