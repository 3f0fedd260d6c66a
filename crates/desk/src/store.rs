//! What the desk keeps between runs: the officer's settings and the draft of an unfinished
//! inspection. Both are small JSON files in the OS config folder (or a folder given for tests),
//! written atomically (temporary file, then rename) so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use docexam_exam::inspection::{DecisionRequest, Inspection};
use docexam_exam::manual::Level;

/// Text size presets (points for body text).
pub const FONT_SIZES: [f32; 4] = [14.0, 17.0, 21.0, 26.0];

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The officer's remembered choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskSettings {
    /// Officer id.
    pub officer: String,
    /// Station (desk) name.
    pub station: String,
    /// Manual id last used.
    pub manual: String,
    /// Examination level.
    pub level: Level,
    /// Language of the manual text.
    pub language: String,
    /// Body text size in points.
    pub font_size: f32,
    /// Colour theme.
    pub theme: ThemeChoice,
    /// The audit database; `None` uses the default location.
    pub database: Option<PathBuf>,
    /// A folder a scanner writes into: new images there open as the next document.
    pub watch_folder: Option<PathBuf>,
}

impl Default for DeskSettings {
    fn default() -> Self {
        Self {
            officer: String::new(),
            station: String::new(),
            manual: "first-line-quick".to_owned(),
            level: Level::First,
            language: "en".to_owned(),
            font_size: FONT_SIZES[1],
            theme: ThemeChoice::System,
            database: None,
            watch_folder: None,
        }
    }
}

/// An unfinished inspection, saved after every change so closing the app loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The inspection as far as it got.
    pub inspection: Inspection,
    /// The MRZ text as shown (typed or read).
    pub mrz_text: String,
    /// The image, if the document came from one.
    pub image: Option<PathBuf>,
    /// The decision being prepared, once an outcome is chosen.
    pub decision: Option<DecisionRequest>,
}

/// Where the desk keeps its files.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// A file the store could not read or write.
#[derive(Debug, thiserror::Error)]
#[error("{action} {path}: {reason}")]
pub struct StoreError {
    action: &'static str,
    path: PathBuf,
    reason: String,
}

impl Store {
    /// The store in `dir` (created when first written).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The OS config folder (`~/.config/docexam` on Linux), if the OS names one.
    pub fn default_dir() -> Option<PathBuf> {
        docexam_files::Places::of_process().settings_dir()
    }

    fn settings_path(&self) -> PathBuf {
        self.dir.join("settings.json")
    }

    fn draft_path(&self) -> PathBuf {
        self.dir.join("draft.json")
    }

    /// The saved settings; defaults when there are none. A damaged file is reported and
    /// the defaults are used (the file is left for the officer to look at).
    pub fn load_settings(&self) -> (DeskSettings, Option<StoreError>) {
        match read_json(&self.settings_path()) {
            Ok(Some(settings)) => (settings, None),
            Ok(None) => (DeskSettings::default(), None),
            Err(e) => (DeskSettings::default(), Some(e)),
        }
    }

    /// Saves the settings.
    pub fn save_settings(&self, settings: &DeskSettings) -> Result<(), StoreError> {
        write_json(&self.settings_path(), settings)
    }

    /// The draft left by an earlier run, if any.
    pub fn load_draft(&self) -> Result<Option<Draft>, StoreError> {
        read_json(&self.draft_path())
    }

    /// Saves the draft (replacing the previous one).
    pub fn save_draft(&self, draft: &Draft) -> Result<(), StoreError> {
        write_json(&self.draft_path(), draft)
    }

    /// Removes the draft (the inspection was recorded or discarded).
    pub fn delete_draft(&self) -> Result<(), StoreError> {
        let path = self.draft_path();
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError { action: "cannot remove", path, reason: e.to_string() }),
        }
    }
}

/// Settings and drafts are a few kilobytes; anything much larger is not ours.
const MAX_STORE_FILE: u64 = 16 * 1024 * 1024;

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, StoreError> {
    let error = |reason: String| StoreError { action: "cannot read", path: path.to_path_buf(), reason };
    let bytes = match docexam_files::read::read_file(path, MAX_STORE_FILE, "desk file") {
        Err(docexam_files::read::ReadError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(docexam_files::read::ReadError::Io { source, .. }) => return Err(error(source.to_string())),
        Err(e) => return Err(error(e.to_string())),
        Ok(bytes) => bytes,
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| error(e.to_string()))
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let error = |reason: String| StoreError { action: "cannot write", path: path.to_path_buf(), reason };
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| error(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| error(e.to_string()))?;
    }
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, &bytes).map_err(|e| error(e.to_string()))?;
    std::fs::rename(&temporary, path).map_err(|e| error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use tempfile::TempDir;

    use super::*;

    /// A store in a folder that does not exist yet (it is made on the first save), inside a
    /// scratch folder removed on drop.
    fn temp_store() -> (Store, PathBuf, TempDir) {
        let scratch = TempDir::new().unwrap();
        let dir = scratch.path().join("store");
        (Store::new(dir.clone()), dir, scratch)
    }

    #[test]
    fn settings_round_trip_and_a_damaged_file_falls_back_to_defaults_without_deleting_it() {
        let (store, dir, _scratch) = temp_store();
        assert_eq!(store.load_settings().0, DeskSettings::default());
        let settings = DeskSettings { officer: "off-7".into(), font_size: 26.0, ..DeskSettings::default() };
        store.save_settings(&settings).unwrap();
        let (loaded, error) = store.load_settings();
        assert!(error.is_none());
        assert_eq!(loaded, settings);
        std::fs::write(dir.join("settings.json"), b"{ not json").unwrap();
        let (loaded, error) = store.load_settings();
        assert_eq!(loaded, DeskSettings::default());
        assert!(error.unwrap().to_string().contains("settings.json"));
        assert_eq!(std::fs::read(dir.join("settings.json")).unwrap(), b"{ not json");
    }

    #[test]
    fn a_missing_draft_is_none_and_deleting_it_twice_is_fine() {
        let (store, dir, _scratch) = temp_store();
        assert!(store.load_draft().unwrap().is_none());
        store.delete_draft().unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("draft.json"), b"[]").unwrap();
        assert!(store.load_draft().is_err());
        store.delete_draft().unwrap();
        assert!(store.load_draft().unwrap().is_none());
    }
}
