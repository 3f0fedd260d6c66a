//! Where docexam's files are: the manuals folder, the exercise-pack folders, the audit database
//! and the desk's settings folder.
//!
//! One set of inputs, [`Places`], read from the process in one place ([`Places::of_process`]:
//! the environment variables, the running binary, and the OS folders from the `directories`
//! crate, which follows the XDG base directory rules on Linux), and every search rule as a pure
//! function of it, so each rule is tested with made-up inputs. The layer crates take the paths
//! found here as arguments; only the shells (the CLI and the desk) call [`Places::of_process`].
//!
//! The rules, alike for every kind of file: a path named on the command line wins, then the
//! kind's environment variable; a named path is used as it is, even when missing, so the problem
//! is reported rather than silently replaced. Otherwise the kind's defaults, in order.

use std::path::{Path, PathBuf};

/// The environment variable naming the manuals folder.
pub const MANUALS_ENV: &str = "DOCEXAM_MANUALS";
/// The environment variable naming the packs folder.
pub const PACKS_ENV: &str = "DOCEXAM_PACKS";
/// The environment variable naming the audit database.
pub const DB_ENV: &str = "DOCEXAM_DB";

/// How many folders above the binary's own are searched for `manuals/` and the shipped packs (so
/// that `target/release/docexam` finds the repository's folders).
pub const PARENT_LEVELS: usize = 3;
/// The system-wide manuals folder (Debian: read-only data under `/usr/share`).
pub const SYSTEM_MANUALS_DIR: &str = "/usr/share/docexam/manuals";
/// The shipped packs' folder, relative to a source tree.
pub const SHIPPED_PACKS: &str = "test-images/training";
/// The audit database's file name in the user's data folder.
pub const DATABASE_FILE: &str = "audit.sqlite";

/// Everything the search rules start from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// The running binary.
    pub exe: Option<PathBuf>,
    /// `DOCEXAM_MANUALS`.
    pub manuals_env: Option<PathBuf>,
    /// `DOCEXAM_PACKS`.
    pub packs_env: Option<PathBuf>,
    /// `DOCEXAM_DB`.
    pub db_env: Option<PathBuf>,
    /// docexam's folder in the user's data folder (`~/.local/share/docexam` on Linux, or under
    /// an absolute `$XDG_DATA_HOME`).
    pub data_dir: Option<PathBuf>,
    /// docexam's folder in the user's configuration folder (`~/.config/docexam` on Linux).
    pub config_dir: Option<PathBuf>,
}

impl Places {
    /// The inputs of this process. The only code in docexam that reads these environment
    /// variables or asks where the binary and the user's folders are.
    pub fn of_process() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dirs = directories::ProjectDirs::from("org", "docexam", "docexam");
        Self {
            exe: std::env::current_exe().ok(),
            manuals_env: var(MANUALS_ENV),
            packs_env: var(PACKS_ENV),
            db_env: var(DB_ENV),
            data_dir: dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
            config_dir: dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
        }
    }

    /// The binary's folder and up to [`PARENT_LEVELS`] folders above it, nearest first.
    fn near_binary(&self) -> impl Iterator<Item = &Path> {
        self.exe.as_deref().and_then(Path::parent).into_iter().flat_map(|dir| dir.ancestors().take(PARENT_LEVELS + 1))
    }

    /// The manuals folders to try, in order: the one `option` (`--manuals`) or `DOCEXAM_MANUALS`
    /// names as the only candidate; else `manuals/` next to the binary or above it, the user's
    /// data folder, then the system's.
    pub fn manuals_candidates(&self, option: Option<&Path>) -> Vec<ManualsDir> {
        let candidate = |dir: PathBuf, source| ManualsDir { dir, source };
        if let Some(dir) = option {
            return vec![candidate(dir.to_path_buf(), ManualsSource::Option)];
        }
        if let Some(dir) = &self.manuals_env {
            return vec![candidate(dir.clone(), ManualsSource::Environment)];
        }
        let mut candidates: Vec<ManualsDir> =
            self.near_binary().map(|dir| candidate(dir.join("manuals"), ManualsSource::NextToBinary)).collect();
        if let Some(data) = &self.data_dir {
            candidates.push(candidate(data.join("manuals"), ManualsSource::UserData));
        }
        candidates.push(candidate(PathBuf::from(SYSTEM_MANUALS_DIR), ManualsSource::SystemData));
        candidates
    }

    /// The first manuals candidate that `is_dir` accepts; a folder the user named is returned as
    /// it is.
    pub fn manuals_dir(
        &self,
        option: Option<&Path>,
        is_dir: impl Fn(&Path) -> bool,
    ) -> Result<ManualsDir, NoManualsDir> {
        let candidates = self.manuals_candidates(option);
        if let [only @ ManualsDir { source: ManualsSource::Option | ManualsSource::Environment, .. }] =
            candidates.as_slice()
        {
            return Ok(only.clone());
        }
        let searched: Vec<PathBuf> = candidates.iter().map(|c| c.dir.clone()).collect();
        candidates.into_iter().find(|c| is_dir(&c.dir)).ok_or(NoManualsDir { searched })
    }

    /// Where `docexam exercise new` puts trainers' packs: `packs/` in the user's data folder.
    pub fn user_packs_dir(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|dir| dir.join("packs"))
    }

    /// The pack folders to read, in order: the one `option` (`--packs`) or `DOCEXAM_PACKS` names
    /// (used as given, even when missing, so the problem is reported), else the first shipped
    /// folder `is_dir` accepts; then the user's packs folder when `is_dir` accepts it.
    pub fn pack_dirs(&self, option: Option<&Path>, is_dir: impl Fn(&Path) -> bool) -> Vec<PacksDir> {
        let mut dirs = Vec::new();
        if let Some(dir) = option {
            dirs.push(PacksDir { dir: dir.to_path_buf(), source: PacksSource::Option });
        } else if let Some(dir) = &self.packs_env {
            dirs.push(PacksDir { dir: dir.clone(), source: PacksSource::Environment });
        } else if let Some(dir) = self.near_binary().map(|d| d.join(SHIPPED_PACKS)).find(|d| is_dir(d)) {
            dirs.push(PacksDir { dir, source: PacksSource::NextToBinary });
        }
        if let Some(user) = self.user_packs_dir().filter(|d| is_dir(d))
            && !dirs.iter().any(|d| d.dir == user)
        {
            dirs.push(PacksDir { dir: user, source: PacksSource::UserData });
        }
        dirs
    }

    /// The audit database: `option` (`--db`), else `DOCEXAM_DB`, else [`DATABASE_FILE`] in the
    /// user's data folder. The signing key sits beside it.
    pub fn database(&self, option: Option<&Path>) -> Result<PathBuf, NoHomeFolder> {
        if let Some(path) = option {
            return Ok(path.to_path_buf());
        }
        if let Some(path) = &self.db_env {
            return Ok(path.clone());
        }
        self.data_dir.as_ref().map(|dir| dir.join(DATABASE_FILE)).ok_or(NoHomeFolder)
    }

    /// The desk's settings and draft folder.
    pub fn settings_dir(&self) -> Option<PathBuf> {
        self.config_dir.clone()
    }
}

/// The manuals folder of this process: [`Places::manuals_dir`] over [`Places::of_process`].
pub fn find_manuals_dir(option: Option<&Path>) -> Result<ManualsDir, NoManualsDir> {
    Places::of_process().manuals_dir(option, Path::is_dir)
}

/// The audit database of this process: [`Places::database`] over [`Places::of_process`].
pub fn database_path(option: Option<&Path>) -> Result<PathBuf, NoHomeFolder> {
    Places::of_process().database(option)
}

/// The pack folders of one command or desk session: an optional `--packs` folder and the places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackSearch {
    /// `--packs DIR`.
    pub option: Option<PathBuf>,
    /// The rest of the inputs.
    pub places: Places,
}

impl PackSearch {
    /// `option` with the places of this process.
    pub fn from_environment(option: Option<&Path>) -> Self {
        Self { option: option.map(Path::to_path_buf), places: Places::of_process() }
    }

    /// [`Places::pack_dirs`].
    pub fn dirs(&self, is_dir: impl Fn(&Path) -> bool) -> Vec<PacksDir> {
        self.places.pack_dirs(self.option.as_deref(), is_dir)
    }

    /// [`Places::user_packs_dir`].
    pub fn user_packs_dir(&self) -> Option<PathBuf> {
        self.places.user_packs_dir()
    }
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
    /// `manuals/` in the user's data folder.
    UserData,
    /// [`SYSTEM_MANUALS_DIR`].
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

/// How a packs folder was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacksSource {
    /// `--packs DIR`.
    Option,
    /// The `DOCEXAM_PACKS` environment variable.
    Environment,
    /// [`SHIPPED_PACKS`] next to the binary or in a folder above it.
    NextToBinary,
    /// `packs/` in the user's data folder (trainers' packs).
    UserData,
}

impl std::fmt::Display for PacksSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Option => "given by --packs",
            Self::Environment => "given by DOCEXAM_PACKS",
            Self::NextToBinary => "shipped",
            Self::UserData => "trainers' packs",
        })
    }
}

/// A folder of packs and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacksDir {
    /// The folder.
    pub dir: PathBuf,
    /// How it was chosen.
    pub source: PacksSource,
}

/// Neither an explicit path nor a home folder to put the file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot find the home folder for the audit log (set {DB_ENV} or pass --db)")]
pub struct NoHomeFolder;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a failed expectation is a failed test.

    use super::*;

    fn places() -> Places {
        Places {
            exe: Some(PathBuf::from("/repo/target/release/docexam")),
            data_dir: Some(PathBuf::from("/home/officer/.local/share/docexam")),
            config_dir: Some(PathBuf::from("/home/officer/.config/docexam")),
            ..Places::default()
        }
    }

    #[test]
    fn manuals_order_is_binary_then_three_parents_then_user_then_system() {
        let dirs: Vec<String> = places().manuals_candidates(None).iter().map(|c| c.dir.display().to_string()).collect();
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
        let found = places().manuals_dir(None, |dir| dir == Path::new("/repo/manuals")).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/repo/manuals"), source: ManualsSource::NextToBinary });
    }

    #[test]
    fn an_option_wins_over_the_environment_and_is_not_second_guessed() {
        let mut inputs = places();
        inputs.manuals_env = Some(PathBuf::from("/from/env"));
        let found = inputs.manuals_dir(Some(Path::new("/from/option")), |_| false).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/from/option"), source: ManualsSource::Option });
        let found = inputs.manuals_dir(None, |_| false).unwrap();
        assert_eq!(found, ManualsDir { dir: PathBuf::from("/from/env"), source: ManualsSource::Environment });
    }

    #[test]
    fn the_system_folder_is_the_last_resort_and_failure_lists_every_folder() {
        let found = places().manuals_dir(None, |dir| dir == Path::new(SYSTEM_MANUALS_DIR)).unwrap();
        assert_eq!(found.source, ManualsSource::SystemData);
        let err = places().manuals_dir(None, |_| false).unwrap_err();
        assert_eq!(err.searched.len(), 6);
        assert!(err.to_string().contains("/repo/manuals"), "{err}");
    }

    fn pack_dirs(places: &Places, option: Option<&str>, existing: &[&str]) -> Vec<(String, PacksSource)> {
        places
            .pack_dirs(option.map(Path::new), |d| existing.iter().any(|e| Path::new(e) == d))
            .into_iter()
            .map(|d| (d.dir.display().to_string(), d.source))
            .collect()
    }

    #[test]
    fn the_shipped_packs_are_found_above_the_binary_and_the_user_folder_always_follows() {
        let user = "/home/officer/.local/share/docexam/packs";
        let found = pack_dirs(&places(), None, &["/repo/test-images/training", user]);
        assert_eq!(
            found,
            [
                ("/repo/test-images/training".to_owned(), PacksSource::NextToBinary),
                (user.to_owned(), PacksSource::UserData),
            ]
        );
        assert_eq!(pack_dirs(&places(), None, &[]), [], "nothing exists: nothing to read");
        let too_far = Places { exe: Some(PathBuf::from("/a/b/c/d/e/docexam")), ..places() };
        assert_eq!(pack_dirs(&too_far, None, &["/a/test-images/training"]), []);
        assert_eq!(pack_dirs(&too_far, None, &["/a/b/test-images/training"]).len(), 1, "three folders up");
    }

    #[test]
    fn a_named_packs_folder_replaces_the_shipped_one_and_is_kept_even_when_missing() {
        let user = "/home/officer/.local/share/docexam/packs";
        let mut inputs = places();
        inputs.packs_env = Some(PathBuf::from("/from/env"));
        let shipped = ["/repo/test-images/training"];
        assert_eq!(pack_dirs(&inputs, None, &shipped), [("/from/env".to_owned(), PacksSource::Environment)]);
        assert_eq!(pack_dirs(&inputs, Some("/from/option"), &[]), [("/from/option".to_owned(), PacksSource::Option)]);
        let same = pack_dirs(&inputs, Some(user), &[user]);
        assert_eq!(same, [(user.to_owned(), PacksSource::Option)], "the user folder named explicitly is read once");
        let search = PackSearch { option: None, places: places() };
        assert_eq!(search.user_packs_dir(), Some(PathBuf::from(user)));
        assert_eq!(
            search.dirs(|d| d == Path::new(user)),
            [PacksDir { dir: user.into(), source: PacksSource::UserData }]
        );
    }

    #[test]
    fn the_database_is_the_option_then_the_environment_then_the_data_folder() {
        let mut inputs = places();
        assert_eq!(inputs.database(None).unwrap(), PathBuf::from("/home/officer/.local/share/docexam/audit.sqlite"));
        inputs.db_env = Some(PathBuf::from("/env/a.sqlite"));
        assert_eq!(inputs.database(None).unwrap(), PathBuf::from("/env/a.sqlite"));
        assert_eq!(inputs.database(Some(Path::new("/x/a.sqlite"))).unwrap(), PathBuf::from("/x/a.sqlite"));
        assert_eq!(Places::default().database(None), Err(NoHomeFolder));
        assert_eq!(places().settings_dir(), Some(PathBuf::from("/home/officer/.config/docexam")));
    }
}
