//! Where the manuals folder is: the rule as a pure function of its inputs (`ManualSearch::locate`),
//! and the one place that reads those inputs from the process (`ManualSearch::from_environment`).

use std::path::{Path, PathBuf};

/// The environment variable naming the manuals folder.
pub const MANUALS_ENV: &str = "DOCEXAM_MANUALS";

/// How many folders above the binary's own are searched for `manuals/` (so that
/// `target/release/docexam` finds the repository's folder).
pub const PARENT_LEVELS: usize = 3;

/// The system-wide data folder.
pub const SYSTEM_MANUALS_DIR: &str = "/usr/share/docexam/manuals";

/// What the search for the manuals folder starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualSearch {
    /// `--manuals DIR`.
    pub option: Option<PathBuf>,
    /// `DOCEXAM_MANUALS`.
    pub env: Option<PathBuf>,
    /// The running binary.
    pub exe: Option<PathBuf>,
    /// `XDG_DATA_HOME`.
    pub xdg_data_home: Option<PathBuf>,
    /// `HOME`.
    pub home: Option<PathBuf>,
}

/// Where the manuals folder was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualsSource {
    /// `--manuals DIR`.
    Option,
    /// The `DOCEXAM_MANUALS` environment variable.
    Environment,
    /// `manuals/` next to the binary or in a folder above it.
    NextToBinary,
    /// `$XDG_DATA_HOME/docexam/manuals` (default `~/.local/share/docexam/manuals`).
    UserData,
    /// `/usr/share/docexam/manuals`.
    SystemData,
}

impl std::fmt::Display for ManualsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Option => "given by --manuals",
            Self::Environment => "given by DOCEXAM_MANUALS",
            Self::NextToBinary => "found next to the binary",
            Self::UserData => "the user data folder",
            Self::SystemData => "the system data folder",
        })
    }
}

/// A manuals folder and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualsDir {
    /// The folder.
    pub dir: PathBuf,
    /// How it was chosen.
    pub source: ManualsSource,
}

/// No manuals folder anywhere docexam looks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no manuals folder found; give one with --manuals DIR or {MANUALS_ENV}, or install one (looked in: {})", searched_list(.searched))]
pub struct NoManualsDir {
    /// Every folder tried, in order.
    pub searched: Vec<PathBuf>,
}

fn searched_list(searched: &[PathBuf]) -> String {
    searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

impl ManualSearch {
    /// The inputs of this process: `option` from the command line, the environment, the binary.
    pub fn from_environment(option: Option<&Path>) -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Self {
            option: option.map(Path::to_path_buf),
            env: var(MANUALS_ENV),
            exe: std::env::current_exe().ok(),
            xdg_data_home: var("XDG_DATA_HOME"),
            home: var("HOME"),
        }
    }

    /// The folders to try, in order. A folder named by `--manuals` or `DOCEXAM_MANUALS` is the
    /// only candidate: what the user names is used or reported, never silently replaced.
    pub fn candidates(&self) -> Vec<ManualsDir> {
        let candidate = |dir: PathBuf, source| ManualsDir { dir, source };
        if let Some(dir) = &self.option {
            return vec![candidate(dir.clone(), ManualsSource::Option)];
        }
        if let Some(dir) = &self.env {
            return vec![candidate(dir.clone(), ManualsSource::Environment)];
        }
        let mut candidates = Vec::new();
        if let Some(exe_dir) = self.exe.as_deref().and_then(Path::parent) {
            for dir in exe_dir.ancestors().take(PARENT_LEVELS + 1) {
                candidates.push(candidate(dir.join("manuals"), ManualsSource::NextToBinary));
            }
        }
        // The XDG base directory spec says a relative XDG_DATA_HOME is to be ignored.
        let data_home = match &self.xdg_data_home {
            Some(dir) if dir.is_absolute() => Some(dir.clone()),
            _ => self.home.as_ref().map(|home| home.join(".local/share")),
        };
        if let Some(data_home) = data_home {
            candidates.push(candidate(data_home.join("docexam/manuals"), ManualsSource::UserData));
        }
        candidates.push(candidate(PathBuf::from(SYSTEM_MANUALS_DIR), ManualsSource::SystemData));
        candidates
    }

    /// The first candidate that `is_dir` accepts; a folder the user named is returned as it is.
    pub fn locate(&self, is_dir: impl Fn(&Path) -> bool) -> Result<ManualsDir, NoManualsDir> {
        let candidates = self.candidates();
        if let [only @ ManualsDir { source: ManualsSource::Option | ManualsSource::Environment, .. }] =
            candidates.as_slice()
        {
            return Ok(only.clone());
        }
        let searched: Vec<PathBuf> = candidates.iter().map(|c| c.dir.clone()).collect();
        candidates.into_iter().find(|c| is_dir(&c.dir)).ok_or(NoManualsDir { searched })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search() -> ManualSearch {
        ManualSearch {
            option: None,
            env: None,
            exe: Some(PathBuf::from("/repo/target/release/docexam")),
            xdg_data_home: None,
            home: Some(PathBuf::from("/home/officer")),
        }
    }

    #[test]
    fn order_is_binary_then_three_parents_then_user_then_system() {
        let dirs: Vec<String> = search().candidates().iter().map(|c| c.dir.display().to_string()).collect();
        assert_eq!(
            dirs,
            [
                "/repo/target/release/manuals",
                "/repo/target/manuals",
                "/repo/manuals",
                "/manuals",
                "/home/officer/.local/share/docexam/manuals",
                "/usr/share/docexam/manuals",
            ]
        );
    }

    #[test]
    fn cargo_run_from_target_release_finds_the_repository_folder() {
        let found = search().locate(|dir| dir == Path::new("/repo/manuals")).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/repo/manuals"), source: ManualsSource::NextToBinary });
    }

    #[test]
    fn option_wins_over_environment_and_is_not_second_guessed() {
        let mut inputs = search();
        inputs.env = Some(PathBuf::from("/from/env"));
        inputs.option = Some(PathBuf::from("/from/option"));
        let found = inputs.locate(|_| false).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/from/option"), source: ManualsSource::Option });
        inputs.option = None;
        let found = inputs.locate(|_| false).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/from/env"), source: ManualsSource::Environment });
    }

    #[test]
    fn xdg_data_home_replaces_the_default_only_when_absolute() {
        let mut inputs = search();
        inputs.xdg_data_home = Some(PathBuf::from("/data"));
        let found = inputs.locate(|dir| dir.starts_with("/data")).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/data/docexam/manuals"), source: ManualsSource::UserData });
        inputs.xdg_data_home = Some(PathBuf::from("relative"));
        let found = inputs.locate(|dir| dir.starts_with("/home")).unwrap();
        assert_eq!(found.dir, PathBuf::from("/home/officer/.local/share/docexam/manuals"));
    }

    #[test]
    fn system_folder_is_the_last_resort_and_failure_lists_every_folder() {
        let found = search().locate(|dir| dir == Path::new(SYSTEM_MANUALS_DIR)).unwrap();
        assert_eq!(found.source, ManualsSource::SystemData);
        let err = search().locate(|_| false).unwrap_err();
        assert_eq!(err.searched.len(), 6);
        assert!(err.to_string().contains("/repo/manuals"), "{err}");
    }
}
