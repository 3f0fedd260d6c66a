//! [`FolderWatcher`]: reports image files that appear in a folder (where a desk scanner saves its
//! pages), by polling it on its own thread. Polling needs no platform API and works on network
//! shares, where change notifications are unreliable; a desk adds a page every few seconds at most.
//!
//! A file is reported once, and only when it looks finished: its size and modification time were
//! the same at [`STABLE_POLLS`] polls in a row after it was first seen, and it is not empty. A
//! scanner still writing the file is therefore never read half-written.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// How often the folder is listed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Polls in a row at which a new file must be unchanged before it is reported.
pub const STABLE_POLLS: u32 = 2;

/// File name endings read as images (compared without regard to case).
const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp"];

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// An image file appeared and has stopped changing.
    NewFile(PathBuf),
    /// The folder cannot be listed (removed, unmounted, permission taken away). Said once per
    /// distinct problem; the watcher keeps polling and carries on if the folder comes back.
    Error(String),
}

/// The polling thread and its channel. Stops (and joins the thread) when dropped.
pub struct FolderWatcher {
    dir: PathBuf,
    events: Receiver<WatchEvent>,
    /// Dropping it wakes the thread and ends it.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FolderWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderWatcher").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl FolderWatcher {
    /// Starts watching `dir` every [`POLL_INTERVAL`]. Files already there are never reported.
    /// `notify` is called after every event. Fails if `dir` cannot be listed now or the thread
    /// cannot be started.
    pub fn start(dir: impl Into<PathBuf>, notify: impl Fn() + Send + 'static) -> Result<Self, io::Error> {
        Self::start_with_interval(dir, POLL_INTERVAL, notify)
    }

    /// [`FolderWatcher::start`] with another polling interval (a file is reported about
    /// `STABLE_POLLS` intervals after it stops changing).
    pub fn start_with_interval(
        dir: impl Into<PathBuf>,
        interval: Duration,
        notify: impl Fn() + Send + 'static,
    ) -> Result<Self, io::Error> {
        let dir = dir.into();
        // Listed here, not on the thread, so "present before start" means before this returns.
        let mut tracker = Tracker::default();
        tracker.start(list(&dir)?);
        let (event_tx, event_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let watched = dir.clone();
        let thread = std::thread::Builder::new().name("folder-watch".into()).spawn(move || {
            poll_until_stopped(&watched, interval, tracker, &stop_rx, &event_tx, &notify);
        })?;
        Ok(Self { dir, events: event_rx, stop: Some(stop_tx), thread: Some(thread) })
    }

    /// The folder watched.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An event, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<WatchEvent> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event (tests; the UI uses [`FolderWatcher::try_recv`]).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<WatchEvent> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn poll_until_stopped(
    dir: &Path,
    interval: Duration,
    mut tracker: Tracker,
    stop: &Receiver<()>,
    events: &Sender<WatchEvent>,
    notify: &dyn Fn(),
) {
    let send = |event| {
        let _ = events.send(event);
        notify();
    };
    let mut last_error: Option<String> = None;
    // Nothing is ever sent on `stop`: the sender is dropped, which ends the wait at once.
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(interval) {
        match list(dir) {
            Ok(listing) => {
                last_error = None;
                for path in tracker.poll(listing) {
                    send(WatchEvent::NewFile(path));
                }
            }
            Err(e) => {
                let message = format!("cannot read the watched folder {}: {e}", dir.display());
                if last_error.as_ref() != Some(&message) {
                    send(WatchEvent::Error(message.clone()));
                    last_error = Some(message);
                }
            }
        }
    }
}

/// What one listing says about a file: enough to tell whether it is still being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Observation {
    size: u64,
    modified: Option<SystemTime>,
}

/// The image files in `dir` (not in sub-folders, not hidden), with their size and time. A file
/// that vanishes between the listing and the look at it is left out; the next poll sees it right.
fn list(dir: &Path) -> Result<Vec<(PathBuf, Observation)>, io::Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !is_image_name(&path) {
            continue;
        }
        // Follows symbolic links: a link to an image is an image.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_file() {
            files.push((path, Observation { size: meta.len(), modified: meta.modified().ok() }));
        }
    }
    Ok(files)
}

/// An image by its name: one of [`IMAGE_EXTENSIONS`], and not hidden (programs often write a
/// hidden file and rename it when done).
fn is_image_name(path: &Path) -> bool {
    let hidden = path.file_name().and_then(|n| n.to_str()).is_none_or(|n| n.starts_with('.'));
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    !hidden && IMAGE_EXTENSIONS.iter().any(|known| extension.eq_ignore_ascii_case(known))
}

/// The decision, apart from the file system and the clock so it can be tested exactly.
#[derive(Debug, Default)]
struct Tracker {
    /// Present at the start or already reported: never reported (again) while they stay.
    known: HashSet<PathBuf>,
    /// New files not yet reported: last observation and how many polls in a row it held.
    pending: HashMap<PathBuf, (Observation, u32)>,
}

impl Tracker {
    fn start(&mut self, listing: Vec<(PathBuf, Observation)>) {
        self.known = listing.into_iter().map(|(path, _)| path).collect();
    }

    /// Takes one listing; returns the files to report now, in name order.
    fn poll(&mut self, listing: Vec<(PathBuf, Observation)>) -> Vec<PathBuf> {
        let present: HashSet<&PathBuf> = listing.iter().map(|(path, _)| path).collect();
        // A file that went away and comes back under the same name is a new file.
        self.known.retain(|path| present.contains(path));
        self.pending.retain(|path, _| present.contains(path));
        let mut ready = Vec::new();
        for (path, seen) in listing {
            if self.known.contains(&path) {
                continue;
            }
            let steady = match self.pending.get(&path) {
                Some((before, steady)) if *before == seen => steady + 1,
                _ => 0,
            };
            if steady >= STABLE_POLLS && seen.size > 0 {
                self.pending.remove(&path);
                self.known.insert(path.clone());
                ready.push(path);
            } else {
                self.pending.insert(path, (seen, steady));
            }
        }
        ready.sort();
        ready
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tempfile::TempDir;

    use super::*;

    fn seen(size: u64) -> Observation {
        Observation { size, modified: None }
    }

    fn at(name: &str, size: u64) -> (PathBuf, Observation) {
        (PathBuf::from(name), seen(size))
    }

    #[test]
    fn a_new_file_is_reported_once_after_two_unchanged_polls() {
        let mut tracker = Tracker::default();
        tracker.start(vec![at("old.png", 10)]);
        assert!(tracker.poll(vec![at("old.png", 10), at("new.png", 5)]).is_empty(), "first sight");
        assert!(tracker.poll(vec![at("old.png", 10), at("new.png", 5)]).is_empty(), "unchanged once");
        assert_eq!(tracker.poll(vec![at("old.png", 10), at("new.png", 5)]), [PathBuf::from("new.png")]);
        for _ in 0..5 {
            assert!(tracker.poll(vec![at("old.png", 12), at("new.png", 5)]).is_empty(), "reported again");
        }
    }

    #[test]
    fn a_growing_file_waits_until_it_stops_growing() {
        let mut tracker = Tracker::default();
        tracker.start(Vec::new());
        for size in [0, 0, 0, 100, 200, 300, 300] {
            assert!(tracker.poll(vec![at("scan.tif", size)]).is_empty(), "reported at {size} bytes");
        }
        assert_eq!(tracker.poll(vec![at("scan.tif", 300)]), [PathBuf::from("scan.tif")]);
        // The same size but a new time is still a file being written.
        let mut tracker = Tracker::default();
        let t = |s| Observation { size: 9, modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(s)) };
        let a = PathBuf::from("a.png");
        for second in [1, 2, 3, 3] {
            assert!(tracker.poll(vec![(a.clone(), t(second))]).is_empty(), "reported at t={second}");
        }
        assert_eq!(tracker.poll(vec![(a.clone(), t(3))]), [a]);
    }

    #[test]
    fn a_file_that_was_there_at_the_start_is_new_once_it_has_gone_and_come_back() {
        let mut tracker = Tracker::default();
        tracker.start(vec![at("page.png", 10)]);
        for _ in 0..3 {
            assert!(tracker.poll(vec![at("page.png", 10)]).is_empty());
        }
        assert!(tracker.poll(Vec::new()).is_empty());
        let mut reported = Vec::new();
        for _ in 0..3 {
            reported.extend(tracker.poll(vec![at("page.png", 11)]));
        }
        assert_eq!(reported, [PathBuf::from("page.png")]);
    }

    #[test]
    fn only_visible_image_names_count() {
        for name in ["a.png", "b.JPG", "c.jpeg", "d.Tif", "e.tiff", "f.BMP", "g.webp", "dir/h.png"] {
            assert!(is_image_name(Path::new(name)), "{name}");
        }
        for name in ["notes.txt", "scan.png.part", ".scan.png", "png", "a.pdf", "tiff"] {
            assert!(!is_image_name(Path::new(name)), "{name}");
        }
    }

    fn counting() -> (Arc<AtomicUsize>, impl Fn() + Send + 'static) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        (count, move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
    }

    const FAST: Duration = Duration::from_millis(40);
    /// Far more than the few polls a report takes, for a loaded machine.
    const PATIENCE: Duration = Duration::from_secs(20);

    #[test]
    fn the_watcher_reports_a_new_image_once_and_ignores_old_files_and_other_names() {
        let dir = TempDir::new().unwrap();
        std::fs::write(dir.path().join("before.png"), b"old page").unwrap();
        let (notified, notify) = counting();
        let watcher = FolderWatcher::start_with_interval(dir.path(), FAST, notify).unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"not an image").unwrap();
        std::fs::write(dir.path().join("page.PNG"), b"new page").unwrap();
        assert_eq!(watcher.recv_timeout(PATIENCE), Some(WatchEvent::NewFile(dir.path().join("page.PNG"))));
        // Many more polls: nothing else (not the old file, not the text file, not the same again).
        std::thread::sleep(FAST * 10);
        assert_eq!(watcher.try_recv(), None);
        drop(watcher);
        assert_eq!(notified.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_watcher_waits_for_a_file_still_being_written() {
        let dir = TempDir::new().unwrap();
        // Slower polls here: the writer below must append well within two of them.
        let interval = Duration::from_millis(250);
        let watcher = FolderWatcher::start_with_interval(dir.path(), interval, || {}).unwrap();
        let path = dir.path().join("scan.jpg");
        let mut file = std::fs::File::create(&path).unwrap();
        for _ in 0..12 {
            file.write_all(&[0xAB; 1000]).unwrap();
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(watcher.try_recv(), None, "reported while growing");
        }
        drop(file);
        assert_eq!(watcher.recv_timeout(PATIENCE), Some(WatchEvent::NewFile(path.clone())));
        // Reported only once it was complete.
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 12_000);
    }

    #[test]
    fn a_folder_that_goes_away_is_an_error_event_said_once() {
        let dir = TempDir::new().unwrap();
        let watched = dir.path().join("inbox");
        std::fs::create_dir_all(&watched).unwrap();
        let watcher = FolderWatcher::start_with_interval(&watched, FAST, || {}).unwrap();
        std::fs::remove_dir_all(&watched).unwrap();
        match watcher.recv_timeout(PATIENCE) {
            Some(WatchEvent::Error(message)) => assert!(message.contains("inbox"), "{message}"),
            other => panic!("expected an error, got {other:?}"),
        }
        std::thread::sleep(FAST * 5);
        assert_eq!(watcher.try_recv(), None, "the same error repeated");
        // It comes back: new files are reported again.
        std::fs::create_dir_all(&watched).unwrap();
        std::fs::write(watched.join("later.webp"), b"x").unwrap();
        assert_eq!(watcher.recv_timeout(PATIENCE), Some(WatchEvent::NewFile(watched.join("later.webp"))));
    }

    #[test]
    fn a_missing_folder_cannot_be_watched() {
        let dir = TempDir::new().unwrap();
        let error = FolderWatcher::start(dir.path().join("nope"), || {}).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
