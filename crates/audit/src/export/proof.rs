//! The proof file written beside every export, and the signature message it carries.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::with_suffix;
use crate::AuditError;
use docexam_exam::digest::to_hex;
use docexam_files::ReadError;

/// The `format` of every proof file.
pub const PROOF_FORMAT: &str = "docexam-audit-proof";
/// The proof file version this build writes and reads.
pub const PROOF_VERSION: u32 = 1;
/// Largest proof file read (a proof is well under 2 KiB).
pub(super) const MAX_PROOF_BYTES: u64 = 64 * 1024;

/// The proof file written beside every export (all binary values in lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// [`PROOF_VERSION`].
    pub version: u32,
    /// The desk id.
    pub desk: String,
    /// The desk's Ed25519 public key.
    pub public_key: String,
    /// Its fingerprint, for people to compare with the desk's enrolled fingerprint.
    pub key_fingerprint: String,
    /// Records in the export (`0..records`).
    pub records: u64,
    /// The chain head after the last record.
    pub chain_head: String,
    /// The log's stored checkpoint signature at `records`.
    pub checkpoint_signature: String,
    /// When the desk signed that checkpoint.
    pub checkpoint_signed_at: String,
    /// `csv` or `jsonl`.
    pub export_format: String,
    /// The export's file name when it was written (no folders).
    pub export_file: String,
    /// SHA-256 of the export file.
    pub export_sha256: String,
    /// The desk key's signature over [`export_message`].
    pub export_signature: String,
    /// When the export was written (desk clock).
    pub exported_at: String,
    /// docexam version that wrote it.
    pub app_version: String,
    /// The bundled SQLite version.
    pub sqlite_version: String,
}

/// The exact bytes an export signature covers: the desk, the size, the chain head and the file.
pub fn export_message(desk: &str, records: u64, head: &[u8; 32], sha256: &[u8; 32]) -> Vec<u8> {
    format!("docexam audit export v1\nlog {desk}\nsize {records}\nhead {}\nsha256 {}\n", to_hex(head), to_hex(sha256))
        .into_bytes()
}

/// The proof file of the export at `export`: `FILE.proof.json`.
pub fn proof_path_for(export: &Path) -> PathBuf {
    with_suffix(export, ".proof.json")
}

/// Reads a proof file. `Err` when it cannot be read or is from a newer docexam; `Ok(Err(why))`
/// when it is readable but not a well-formed proof (edited or damaged).
pub fn read_proof(path: &Path) -> Result<Result<Proof, String>, AuditError> {
    let bytes = match docexam_files::read_file(path, MAX_PROOF_BYTES, "proof file") {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge { .. }) => {
            return Ok(Err(format!("the proof file is larger than {MAX_PROOF_BYTES} bytes: not a docexam proof")));
        }
        Err(error) => {
            let source = match error {
                ReadError::Io { source, .. } => source,
                other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
            };
            return Err(AuditError::Io { path: path.to_owned(), action: "read the proof file", source });
        }
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => return Ok(Err(format!("the proof file is not readable JSON ({e})"))),
    };
    if let Some(version) = value.get("version").and_then(serde_json::Value::as_u64)
        && version > u64::from(PROOF_VERSION)
        && value.get("format").and_then(serde_json::Value::as_str) == Some(PROOF_FORMAT)
    {
        return Err(AuditError::BadExport {
            path: path.to_owned(),
            detail: format!("proof version {version}; this docexam reads version {PROOF_VERSION}: update docexam"),
        });
    }
    let proof: Proof = match serde_json::from_value(value) {
        Ok(proof) => proof,
        Err(e) => return Ok(Err(format!("the proof file is not a docexam proof ({e})"))),
    };
    if proof.format != PROOF_FORMAT || proof.version != PROOF_VERSION {
        return Ok(Err(format!("the proof file says format {:?} version {}", proof.format, proof.version)));
    }
    Ok(Ok(proof))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::fingerprint;

    fn sample_proof() -> Proof {
        Proof {
            format: PROOF_FORMAT.into(),
            version: PROOF_VERSION,
            desk: "desk-1".into(),
            public_key: "11".repeat(32),
            key_fingerprint: fingerprint(&[0x11; 32]),
            records: 3,
            chain_head: "22".repeat(32),
            checkpoint_signature: "33".repeat(64),
            checkpoint_signed_at: "2026-11-23T10:00:00Z".into(),
            export_format: "jsonl".into(),
            export_file: "out.jsonl".into(),
            export_sha256: "44".repeat(32),
            export_signature: "55".repeat(64),
            exported_at: "2026-11-23T10:00:01Z".into(),
            app_version: "0.1.0".into(),
            sqlite_version: "3.54.1".into(),
        }
    }

    /// A file of its own in a fresh temp folder, removed with the returned guard.
    fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::Builder::new().prefix("docexam-export-unit-").tempdir().unwrap();
        let path = dir.path().join(name);
        (dir, path)
    }

    #[test]
    fn a_proof_round_trips_through_its_file() {
        let (_dir, path) = temp_file("round-trip.proof.json");
        let proof = sample_proof();
        std::fs::write(&path, serde_json::to_vec_pretty(&proof).unwrap()).unwrap();
        assert_eq!(read_proof(&path).unwrap().unwrap(), proof);
        let text = std::fs::read_to_string(&path).unwrap();
        for key in
            ["\"format\": \"docexam-audit-proof\"", "\"records\": 3", "\"checkpoint_signature\"", "\"export_sha256\""]
        {
            assert!(text.contains(key), "{key} missing from {text}");
        }
    }

    #[test]
    fn malformed_proofs_are_findings_and_newer_versions_are_errors() {
        let (_dir, path) = temp_file("bad.proof.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        let mut proof = serde_json::to_value(sample_proof()).unwrap();
        proof["records"] = serde_json::json!("three");
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        proof["records"] = serde_json::json!(3);
        proof["format"] = serde_json::json!("something-else");
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        proof["format"] = serde_json::json!(PROOF_FORMAT);
        proof["version"] = serde_json::json!(2);
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(matches!(read_proof(&path), Err(AuditError::BadExport { .. })));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(read_proof(&path), Err(AuditError::Io { .. })));
    }

    #[test]
    fn the_export_message_binds_desk_size_head_and_file() {
        let message = String::from_utf8(export_message("desk-1", 7, &[0xab; 32], &[0xcd; 32])).unwrap();
        assert_eq!(
            message,
            format!(
                "docexam audit export v1\nlog desk-1\nsize 7\nhead {}\nsha256 {}\n",
                "ab".repeat(32),
                "cd".repeat(32)
            )
        );
        assert_ne!(
            export_message("desk-1", 7, &[0xab; 32], &[0xcd; 32]),
            export_message("desk-1", 8, &[0xab; 32], &[0xcd; 32])
        );
    }
}
