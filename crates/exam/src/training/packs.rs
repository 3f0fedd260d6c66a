//! Where exercise packs are, and every pack found there checked against its manual.
//!
//! The folders come from `docexam_files` ([`PackSearch::dirs`]): the one `--packs DIR` names,
//! else `$DOCEXAM_PACKS`, else the shipped packs of a source tree; then, always, the user's packs
//! folder, where `docexam exercise new` copies trainers' packs. A folder holds packs as subfolders with a
//! `key.toml`, or is itself a pack.
//!
//! [`PackShelf::scan`] loads every pack and checks its key against the manual it names. A broken
//! pack (unreadable or malformed key, missing image, key invalid against its manual, an id already
//! taken) is listed with its problems and never takes the others down.

use std::path::{Path, PathBuf};

use super::{KEY_FILE, KeyProblem, Pack, PackError, load_pack};
use crate::digest::sha256_hex;
use crate::manual::ManualLibrary;
pub use docexam_files::{PackSearch, PacksDir, PacksSource};

/// The language whose manual a key is checked against (every translation has the same items).
pub const KEY_LANGUAGE: &str = "en";

/// What is wrong with a pack.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackProblem {
    /// The key cannot be read or parsed, or an image is missing.
    #[error("{0}")]
    Load(#[from] PackError),
    /// The manual the key names is not usable.
    #[error("the key's manual cannot be used: {0}")]
    Manual(String),
    /// The key is invalid against its manual.
    #[error("{0}")]
    Key(#[from] KeyProblem),
    /// Another pack found earlier has the same id.
    #[error("pack id {id:?} is already taken by {}; this one is not used", other.display())]
    DuplicateId {
        /// The id.
        id: String,
        /// The pack that has it.
        other: PathBuf,
    },
}

/// A usable pack.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPack {
    /// The pack (folder and key).
    pub pack: Pack,
    /// SHA-256 of its `key.toml` bytes (sessions keep it, so reports see a changed key).
    pub key_sha256: String,
    /// Which folder it was found in.
    pub source: PacksSource,
}

/// A pack that cannot be used, with everything wrong with it.
#[derive(Debug)]
pub struct BrokenPack {
    /// Its folder.
    pub dir: PathBuf,
    /// Its id, when the key could be read.
    pub id: Option<String>,
    /// Which folder it was found in.
    pub source: PacksSource,
    /// At least one problem.
    pub problems: Vec<PackProblem>,
}

/// Every pack of some folders: the usable ones and the broken ones.
#[derive(Debug, Default)]
pub struct PackShelf {
    /// Usable packs, sorted by id.
    pub packs: Vec<FoundPack>,
    /// Broken packs, in the order found.
    pub broken: Vec<BrokenPack>,
    /// Folders that could not be read at all, and why.
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

/// Loads the pack in `dir` and checks its key against its manual from `manuals`: the pack and the
/// SHA-256 of its key file, or every problem found.
pub fn check_pack(dir: &Path, manuals: &ManualLibrary) -> Result<(Pack, String), (Option<String>, Vec<PackProblem>)> {
    let pack = load_pack(dir).map_err(|e| (None, vec![PackProblem::Load(e)]))?;
    let id = Some(pack.key.id.clone());
    let key_path = dir.join(KEY_FILE);
    let key_sha256 = match super::read_key_file(&key_path) {
        Ok(bytes) => sha256_hex(&bytes),
        Err(error) => return Err((id, vec![PackProblem::Load(error)])),
    };
    let manual = match manuals.select(&pack.key.manual, KEY_LANGUAGE) {
        Ok(selection) => selection.manual,
        Err(e) => return Err((id, vec![PackProblem::Manual(e.to_string())])),
    };
    let problems = pack.key.validate(&manual.manual);
    if problems.is_empty() { Ok((pack, key_sha256)) } else { Err((id, problems.into_iter().map(Into::into).collect())) }
}

impl PackShelf {
    /// Loads every pack in `dirs` (see the module docs), checking each key against `manuals`.
    /// The first pack with an id wins; a later one with the same id is broken.
    pub fn scan(dirs: &[PacksDir], manuals: &ManualLibrary) -> Self {
        let mut shelf = Self::default();
        for packs_dir in dirs {
            let pack_dirs = match pack_dirs_in(&packs_dir.dir) {
                Ok(found) => found,
                Err(e) => {
                    shelf.unreadable.push((packs_dir.dir.clone(), e));
                    continue;
                }
            };
            for dir in pack_dirs {
                shelf.add(dir, packs_dir.source, manuals);
            }
        }
        shelf.packs.sort_by(|a, b| a.pack.key.id.cmp(&b.pack.key.id));
        shelf
    }

    fn add(&mut self, dir: PathBuf, source: PacksSource, manuals: &ManualLibrary) {
        match check_pack(&dir, manuals) {
            Ok((pack, key_sha256)) => {
                if let Some(other) = self.find(&pack.key.id) {
                    let problem = PackProblem::DuplicateId { id: pack.key.id.clone(), other: other.pack.dir.clone() };
                    self.broken.push(BrokenPack { dir, id: Some(pack.key.id), source, problems: vec![problem] });
                } else {
                    self.packs.push(FoundPack { pack, key_sha256, source });
                }
            }
            Err((id, problems)) => self.broken.push(BrokenPack { dir, id, source, problems }),
        }
    }

    /// The usable pack with this id.
    pub fn find(&self, id: &str) -> Option<&FoundPack> {
        self.packs.iter().find(|p| p.pack.key.id == id)
    }

    /// The broken packs whose key names this id.
    pub fn broken_with_id(&self, id: &str) -> impl Iterator<Item = &BrokenPack> {
        self.broken.iter().filter(move |b| b.id.as_deref() == Some(id))
    }
}

/// The pack folders in `dir`: `dir` itself when it holds a key, else its subfolders that do
/// (hidden ones skipped), sorted.
fn pack_dirs_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.join(KEY_FILE).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && path.is_dir() && path.join(KEY_FILE).exists() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}
