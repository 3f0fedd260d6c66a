//! Shared helpers of the desk app's kittest flows: a desk on temporary files, and driving it
//! frame by frame while its workers answer on their own threads.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use docexam::app::{AppConfig, DeskApp};
use docexam::mrz::dates::CalendarDate;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docexam-gui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The app's configuration: settings, drafts and the audit log in `dir`, the shipped manuals.
pub fn config(dir: &Path) -> AppConfig {
    AppConfig {
        reference_date: CalendarDate { year: 2026, month: 11, day: 23 },
        store_dir: Some(dir.join("state")),
        manuals_dir: Some(repo("manuals")),
        database: Some(dir.join("audit.sqlite")),
        open: None,
        watch: None,
        tour: None,
    }
}

/// The desk app with `config`, headless.
pub fn desk_with(config: AppConfig) -> Harness<'static, DeskApp> {
    Harness::builder().with_size([1400.0, 1000.0]).build_eframe(move |cc| DeskApp::new(&cc.egui_ctx, config))
}

/// The desk app on the files in `dir`.
pub fn desk(dir: &Path) -> Harness<'static, DeskApp> {
    desk_with(config(dir))
}

/// Steps frames until `done` holds (workers answer on their own threads), or fails after `limit`.
pub fn step_until(harness: &mut Harness<'_, DeskApp>, limit: Duration, what: &str, done: impl Fn(&DeskApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(2);
}

/// Types into the focused text box.
pub fn type_text(harness: &mut Harness<'_, DeskApp>, text: &str) {
    harness.event(Event::Text(text.to_owned()));
    harness.run_steps(2);
}

/// Presses a key.
pub fn press(harness: &mut Harness<'_, DeskApp>, key: Key) {
    harness.key_press(key);
    harness.run_steps(2);
}

/// Presses Ctrl (Cmd on macOS) and a key.
pub fn press_command(harness: &mut Harness<'_, DeskApp>, key: Key) {
    harness.key_press_modifiers(Modifiers::COMMAND, key);
    harness.run_steps(2);
}
