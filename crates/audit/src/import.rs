//! Importing other desks' verified exports into this desk's database.
//!
//! An import keeps another desk's records exactly as exported (`imported_record`, with their
//! chain values) and the export's final signed checkpoint (`imported_checkpoint`, with the desk's
//! public key), so `audit verify` checks every imported desk's chain on its own.
//!
//! Rules, in order:
//! - the export must verify completely ([`super::export`]);
//! - never this desk's own export;
//! - a desk's key is pinned on its first import: the same desk id with another key is refused;
//! - the records imported before must be a prefix of the export (else it is a fork: the other
//!   desk's log was rewritten);
//! - only the new records are added, together with the checkpoint and an `import` record, in one
//!   transaction. Importing the same export again changes nothing.
//!
//! A refused import is itself logged (`import_refused`).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};

use super::AuditError;
use super::entry::{Actor, EntryKind, ImportEvent, ImportRefused};
use super::export::{ExportExamination, Proof, examine_export, proof_path_for, read_proof};
use super::log::{Appended, AuditLog};
use super::signing::fingerprint;
use super::verify::VerifyReport;
use docexam_exam::digest::{from_hex, to_hex};

/// Why an import was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The export does not verify: it was altered.
    Tampered,
    /// The export is this desk's own.
    OwnDesk,
    /// The desk was imported before with another public key.
    KeyChanged,
    /// The export disagrees with the records imported before.
    Fork,
}

impl Refusal {
    /// Whether the refusal means the export was tampered with (rather than foreign or forked).
    pub fn is_tampering(self) -> bool {
        self == Refusal::Tampered
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// New records were added.
    Imported {
        /// The other desk.
        desk: String,
        /// First and last seq added (inclusive).
        range: (u64, u64),
        /// That desk's chain head after the import.
        head: [u8; 32],
        /// The `import` record.
        recorded: Appended,
    },
    /// Every record of the export was imported before: nothing changed, nothing logged.
    AlreadyImported {
        /// The other desk.
        desk: String,
        /// Records of that desk held here.
        records: u64,
    },
    /// Refused; the refusal is logged.
    Refused {
        /// Why, in brief.
        refusal: Refusal,
        /// Why, in words.
        reason: String,
        /// The verification report, when the export did not verify.
        report: Option<Box<VerifyReport>>,
        /// The `import_refused` record.
        recorded: Appended,
    },
}

/// What this database holds of one other desk.
#[derive(Debug, Default)]
struct Imported {
    /// Records held (`0..size`).
    size: u64,
    /// The chain value of the last one.
    head: Option<[u8; 32]>,
    /// The pinned public key.
    public_key: Option<Vec<u8>>,
}

fn imported_state(conn: &Connection, db: &Path, desk: &str) -> Result<Imported, AuditError> {
    let sql = |e| AuditError::sqlite(db, "read imported records", e);
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, chain FROM imported_record WHERE desk = ?1 ORDER BY seq DESC LIMIT 1",
            params![desk],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    let public_key: Option<Vec<u8>> = conn
        .query_row(
            "SELECT public_key FROM imported_checkpoint WHERE desk = ?1 ORDER BY size DESC LIMIT 1",
            params![desk],
            |row| row.get(0),
        )
        .optional()
        .map_err(sql)?;
    let (size, head) = match last {
        None => (0, None),
        Some((seq, chain)) => (u64::try_from(seq).unwrap_or(0).saturating_add(1), <[u8; 32]>::try_from(chain).ok()),
    };
    Ok(Imported { size, head, public_key })
}

fn imported_chain_at(conn: &Connection, db: &Path, desk: &str, seq: u64) -> Result<Option<Vec<u8>>, AuditError> {
    conn.query_row(
        "SELECT chain FROM imported_record WHERE desk = ?1 AND seq = ?2",
        params![desk, i64::try_from(seq).unwrap_or(i64::MAX)],
        |row| row.get(0),
    )
    .optional()
    .map_err(|e| AuditError::sqlite(db, "read imported records", e))
}

/// Imports the export at `file` (with `FILE.proof.json`) into `log`'s database, by `by` (an
/// authenticated supervisor). `Err` when a file cannot be read or the database cannot be written;
/// refusals are `Ok(ImportOutcome::Refused)` and are logged.
pub fn import_export(log: &mut AuditLog, file: &Path, by: Actor) -> Result<ImportOutcome, AuditError> {
    let db = log.path().to_owned();
    // The desk the proof claims, to find what is held of it; verification confirms the claim.
    let claimed_desk = read_proof(&proof_path_for(file))?.ok().map(|proof| proof.desk);
    let held = match &claimed_desk {
        Some(desk) => imported_state(log.connection(), &db, desk)?,
        None => Imported::default(),
    };
    let mut head_at_held = None;
    let examination = examine_export(file, &mut |record, chain| {
        if record.seq + 1 == held.size {
            head_at_held = Some(*chain);
        }
        Ok(())
    })?;
    let sha256 = examination.sha256;
    let refuse = |log: &mut AuditLog, refusal: Refusal, reason: String, report: Option<VerifyReport>| {
        let body = ImportRefused {
            file: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: to_hex(&sha256),
            reason: reason.clone(),
            by: by.clone(),
        };
        let recorded = log.append(EntryKind::ImportRefused, &body)?;
        Ok(ImportOutcome::Refused { refusal, reason, report: report.map(Box::new), recorded })
    };

    let (proof, desk, public_key) = match verified_parts(&examination, claimed_desk.as_deref()) {
        Ok(parts) => parts,
        Err(reason) => return refuse(log, Refusal::Tampered, reason, Some(examination.report)),
    };
    if desk == log.desk() {
        let reason = format!("this is an export of this desk ({desk}); only other desks' exports are imported");
        return refuse(log, Refusal::OwnDesk, reason, None);
    }
    if let Some(pinned) = &held.public_key
        && pinned.as_slice() != public_key.as_slice()
    {
        let pinned = <[u8; 32]>::try_from(pinned.as_slice()).map(|k| fingerprint(&k)).unwrap_or_default();
        let reason = format!(
            "desk {desk} was imported before with key {pinned}; this export is signed by key {}: refused",
            fingerprint(&public_key)
        );
        return refuse(log, Refusal::KeyChanged, reason, None);
    }
    if held.size > 0 {
        let consistent = if examination.records >= held.size {
            head_at_held.is_some() && head_at_held == held.head
        } else {
            let seq = examination.records.saturating_sub(1);
            imported_chain_at(log.connection(), &db, &desk, seq)?.as_deref() == Some(examination.head.as_slice())
        };
        if !consistent {
            let reason = format!(
                "desk {desk}'s export differs from the {} records imported before: a fork (that desk's log was rewritten)",
                held.size
            );
            return refuse(log, Refusal::Fork, reason, None);
        }
        if examination.records <= held.size {
            return Ok(ImportOutcome::AlreadyImported { desk, records: held.size });
        }
    }

    let range = (held.size, examination.records.saturating_sub(1));
    let event = ImportEvent {
        desk: desk.clone(),
        range,
        head: to_hex(&examination.head),
        sha256: to_hex(&sha256),
        by: by.clone(),
    };
    let recorded = log.append_with(EntryKind::Import, &event, None, |tx, _| {
        insert_records(tx, &db, file, &desk, held.size, &examination, &proof)
    })?;
    Ok(ImportOutcome::Imported { desk, range, head: examination.head, recorded })
}

/// The proof, desk and key of an export that verified; the reason otherwise.
fn verified_parts(
    examination: &ExportExamination,
    claimed_desk: Option<&str>,
) -> Result<(Proof, String, [u8; 32]), String> {
    if let Some(first) = examination.report.findings.first() {
        return Err(format!("the export does not verify: {first}"));
    }
    match (&examination.proof, &examination.desk, examination.public_key) {
        (Some(proof), Some(desk), Some(key)) if claimed_desk == Some(desk.as_str()) => {
            Ok((proof.clone(), desk.clone(), key))
        }
        _ => Err("the export does not verify: its proof or first record is missing".into()),
    }
}

/// Inside the import transaction: reads the export again (it is only trusted as read now), adds
/// records `from..` and the export's checkpoint. Any difference from the first reading aborts
/// the whole import.
fn insert_records(
    tx: &Transaction<'_>,
    db: &Path,
    file: &Path,
    desk: &str,
    from: u64,
    verified: &ExportExamination,
    proof: &Proof,
) -> Result<(), AuditError> {
    let sql = |action| move |e| AuditError::sqlite(db, action, e);
    if imported_state(tx, db, desk)?.size != from {
        return Err(AuditError::Rejected {
            reasons: vec![format!("another import of desk {desk} ran at the same time; nothing imported: try again")],
        });
    }
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO imported_record (desk, seq, kind, at, leaf, chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(sql("import records"))?;
    let again = examine_export(file, &mut |record, chain| {
        if record.seq >= from {
            let seq = i64::try_from(record.seq).unwrap_or(i64::MAX);
            insert
                .execute(params![desk, seq, record.kind, record.at, record.leaf.as_bytes(), chain.as_slice()])
                .map_err(sql("import records"))?;
        }
        Ok(())
    })?;
    if !again.report.intact()
        || again.sha256 != verified.sha256
        || again.records != verified.records
        || again.head != verified.head
    {
        return Err(AuditError::BadExport {
            path: file.to_owned(),
            detail: "the export changed while it was being imported; nothing imported".into(),
        });
    }
    let signature = from_hex(&proof.checkpoint_signature).unwrap_or_default();
    let public_key = from_hex(&proof.public_key).unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO imported_checkpoint (desk, size, head, signed_at, signature, public_key) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut insert| {
        insert.execute(params![
            desk,
            i64::try_from(verified.records).unwrap_or(i64::MAX),
            verified.head.as_slice(),
            proof.checkpoint_signed_at,
            signature,
            public_key
        ])
    })
    .map_err(sql("import the checkpoint"))?;
    Ok(())
}
