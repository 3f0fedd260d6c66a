//! The desk's Ed25519 signing key: created once per installation beside the database (mode 0600),
//! it signs every checkpoint and every export. The public key is written into the log's first
//! record and into every export's proof file.
//!
//! Honest limit: whoever can read the key file can re-sign a rewritten log. Supervisors who keep
//! the proof of each export (the chain head at that size) detect such a rewrite, and a deleted
//! tail, by verifying later exports against it (`--against`).

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use super::AuditError;
use docexam_exam::digest::{from_hex, sha256, to_hex};

const KEY_FILE_HEADER: &str = "docexam desk signing key v1 (Ed25519 seed, hex); keep private";

/// The key file that belongs to the database at `db`.
pub fn key_path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".signing-key");
    db.with_file_name(name)
}

/// The desk's signing key.
pub struct DeskKey {
    signing: SigningKey,
    path: PathBuf,
}

impl std::fmt::Debug for DeskKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskKey").field("path", &self.path).field("public", &self.public_hex()).finish_non_exhaustive()
    }
}

impl DeskKey {
    /// Creates a new key file at `path` (never overwriting one). The key is written and synced
    /// under a temporary name and then linked into place, so a crash never leaves a half-written
    /// key file behind.
    pub fn create(path: &Path) -> Result<Self, AuditError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| AuditError::Key {
            path: path.to_owned(),
            problem: format!("no randomness from the OS: {e}"),
        })?;
        let signing = SigningKey::from_bytes(&seed);
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".{}.partial", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let io = |action, at: &Path| {
            let at = at.to_owned();
            move |source| AuditError::Io { path: at, action, source }
        };
        let _ = std::fs::remove_file(&temporary); // Left by a killed process with our pid.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)
            .and_then(|mut file| {
                file.write_all(format!("{KEY_FILE_HEADER}\n{}\n", to_hex(&seed)).as_bytes())?;
                file.sync_all()
            })
            .map_err(io("write the signing key", &temporary));
        // `hard_link` fails if the key exists: a key is never replaced.
        let linked =
            written.and_then(|()| std::fs::hard_link(&temporary, path).map_err(io("create the signing key", path)));
        let _ = std::fs::remove_file(&temporary);
        linked?;
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::File::open(folder).and_then(|f| f.sync_all());
        }
        Ok(Self { signing, path: path.to_owned() })
    }

    /// Loads the key file at `path`; refuses one that other users may read.
    pub fn load(path: &Path) -> Result<Self, AuditError> {
        let problem = |problem: String| AuditError::Key { path: path.to_owned(), problem };
        let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                problem("missing: the log can be read and verified but not written without its desk key".into())
            }
            _ => problem(format!("cannot read: {e}")),
        })?;
        if metadata.permissions().mode() & 0o077 != 0 {
            return Err(problem(format!(
                "readable by other users (mode {:o}); run `chmod 600` on it",
                metadata.permissions().mode() & 0o777
            )));
        }
        if metadata.len() > 4096 {
            return Err(problem("not a docexam key file (too large)".into()));
        }
        let text = docexam_files::read_text_file(path, 4096, "signing key").map_err(|e| problem(e.to_string()))?;
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FILE_HEADER) {
            return Err(problem("not a docexam key file".into()));
        }
        let seed: [u8; 32] = lines
            .next()
            .and_then(from_hex)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| problem("damaged: the key line is not 64 hex digits".into()))?;
        Ok(Self { signing: SigningKey::from_bytes(&seed), path: path.to_owned() })
    }

    /// The public half.
    pub fn public(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        to_hex(&self.public())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The key file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Checks `signature` over `message` by `public_key` (strict: no malleable or small-order keys).
pub fn verify_signature(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public_key) else { return false };
    key.verify_strict(message, &Signature::from_bytes(signature)).is_ok()
}

/// A short, readable fingerprint of a public key for people to compare: the first 16 hex digits of
/// its SHA-256 in groups of four.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let hex = to_hex(&sha256(public_key));
    hex.as_bytes().chunks(4).take(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new().prefix(&format!("docexam-key-{name}-")).tempdir().unwrap()
    }

    #[test]
    fn a_created_key_is_private_reloads_and_signs() {
        let dir = temp_dir("create");
        let path = key_path_for(&dir.path().join("audit.sqlite"));
        assert!(path.ends_with("audit.sqlite.signing-key"));
        let key = DeskKey::create(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(DeskKey::create(&path).is_err(), "an existing key is never overwritten");
        let again = DeskKey::load(&path).unwrap();
        assert_eq!(key.public(), again.public());
        let signature = again.sign(b"message");
        assert!(verify_signature(&key.public(), b"message", &signature));
        assert!(!verify_signature(&key.public(), b"messagf", &signature));
        let mut flipped = signature;
        flipped[10] ^= 1;
        assert!(!verify_signature(&key.public(), b"message", &flipped));
        let other = DeskKey::create(&dir.path().join("other.key")).unwrap();
        assert!(!verify_signature(&other.public(), b"message", &signature));
        dir.close().unwrap();
    }

    #[test]
    fn loose_permissions_and_damaged_files_are_refused() {
        let dir = temp_dir("bad");
        let path = dir.path().join("k");
        DeskKey::create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(DeskKey::load(&path).unwrap_err().to_string().contains("chmod 600"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, format!("{KEY_FILE_HEADER}\nnot hex\n")).unwrap();
        assert!(DeskKey::load(&path).unwrap_err().to_string().contains("damaged"));
        assert!(DeskKey::load(&dir.path().join("absent")).unwrap_err().to_string().contains("missing"));
        dir.close().unwrap();
    }

    #[test]
    fn small_order_keys_are_rejected() {
        // The identity point: any signature "verifies" under non-strict checking.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut signature = [0u8; 64];
        signature[0] = 1;
        assert!(!verify_signature(&identity, b"anything", &signature));
    }

    #[test]
    fn fingerprints_are_short_and_stable() {
        let fp = fingerprint(&[7; 32]);
        assert_eq!(fp.len(), 19);
        assert_eq!(fp, fingerprint(&[7; 32]));
        assert_ne!(fp, fingerprint(&[8; 32]));
    }
}
