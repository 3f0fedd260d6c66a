//! [`AuditLog`]: the one writer of a desk's audit database.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction that reads the chain head, appends the record
//! (and its personal data, if any), signs a checkpoint over the new head and commits. A record is
//! reported as recorded only after `COMMIT` returned; with WAL and `synchronous=FULL` it then
//! survives a crash or a power cut. Any error rolls the whole transaction back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::chain::{GENESIS, checkpoint_message, leaf_hash, next_link};
use super::entry::{
    Actor, AuthFailed, EntryKind, EnvelopeOut, InspectionEntry, LEAF_VERSION, LogCreated, PersonalData, Role, Settings,
};
use super::schema::{self, Access};
use super::signing::{DeskKey, key_path_for};
use super::{AuditError, supervisor};
use docexam_exam::digest::{sha256, to_hex};
use docexam_exam::inspection::{Inspection, Timestamp};

/// How to open a log for writing.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long a write waits for another process's write to finish.
    pub busy_timeout: Duration,
    /// The desk id for a new log (default: `desk-` and 8 hex digits of the key's fingerprint).
    pub desk_id: Option<String>,
    /// The signing key file (default: beside the database, see [`key_path_for`]).
    pub key_path: Option<PathBuf>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self { busy_timeout: Duration::from_secs(5), desk_id: None, key_path: None }
    }
}

/// A committed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Its position (0-based).
    pub seq: u64,
    /// The chain head after it.
    pub head: [u8; 32],
}

/// A desk's audit log, open for writing. Owns its connection: one per thread (the GUI keeps one
/// on a worker thread).
pub struct AuditLog {
    conn: Connection,
    path: PathBuf,
    key: DeskKey,
    desk: String,
    busy_timeout: Duration,
    /// Secret for document number hashes, derived from the desk key.
    number_key: [u8; 32],
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog").field("path", &self.path).field("desk", &self.desk).finish_non_exhaustive()
    }
}

/// The time the log stamps on what it writes, to the second (the chain order, not the time, is
/// authoritative). The log's own: shells read their clock themselves.
pub(crate) fn now() -> Timestamp {
    Timestamp::from_system_time(std::time::SystemTime::now())
}

/// A desk id: letters, digits, `-`, `_`, `.`; 1 to 64 characters.
pub fn valid_desk_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

impl AuditLog {
    /// Opens the log at `path`, creating the database, the desk key and the first record if they
    /// do not exist yet.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Self, AuditError> {
        let conn = schema::open(path, Access::ReadWrite, options.busy_timeout)?;
        let key_path = options.key_path.clone().unwrap_or_else(|| key_path_for(path));
        let created = read_log_created(&conn, path)?;
        let (key, desk) = match created {
            Some(created) => {
                let key = DeskKey::load(&key_path)?;
                if key.public_hex() != created.public_key {
                    return Err(AuditError::Key {
                        path: key_path,
                        problem: format!(
                            "not the key this log was started with (log {}, key {}): use the desk's own key file",
                            created.public_key,
                            key.public_hex()
                        ),
                    });
                }
                (key, created.desk)
            }
            None => {
                let key = match DeskKey::create(&key_path) {
                    Ok(key) => key,
                    // A key left by an earlier, deleted database, or created by a process racing us.
                    Err(AuditError::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {
                        load_or_replace_empty_key(&key_path)?
                    }
                    Err(e) => return Err(e),
                };
                let desk = match &options.desk_id {
                    Some(id) if valid_desk_id(id) => id.clone(),
                    Some(id) => {
                        return Err(AuditError::Rejected {
                            reasons: vec![format!("desk id {id:?}: use 1-64 letters, digits, '-', '_' or '.'")],
                        });
                    }
                    None => format!("desk-{}", &to_hex(&sha256(&key.public()))[..8]),
                };
                (key, desk)
            }
        };
        // Ed25519 signatures are deterministic, so this is a stable secret only the key holder has.
        let number_key =
            sha256(&[b"docexam document-number key v1".as_slice(), &key.sign(b"document-number")].concat());
        let mut log = Self { conn, path: path.to_owned(), key, desk, busy_timeout: options.busy_timeout, number_key };
        if read_log_created(&log.conn, path)?.is_none() {
            log.create_first_record()?;
        }
        Ok(log)
    }

    fn create_first_record(&mut self) -> Result<(), AuditError> {
        let body = LogCreated {
            desk: self.desk.clone(),
            public_key: self.key.public_hex(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            sqlite_version: rusqlite::version().to_owned(),
        };
        let path = self.path.clone();
        let tx = begin(&mut self.conn, &path, self.busy_timeout)?;
        // Another process may have created the log between our check and our lock.
        if read_head(&tx, &path)?.0 > 0 {
            return Ok(());
        }
        let appended = write_record(&tx, &path, &self.desk, EntryKind::LogCreated, &body, None)?;
        sign_checkpoint(&tx, &path, &self.key, &self.desk, appended)?;
        tx.commit().map_err(|e| AuditError::sqlite(&path, "commit", e).with_wait(self.busy_timeout))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The desk id.
    pub fn desk(&self) -> &str {
        &self.desk
    }

    /// The desk's public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public()
    }

    /// The connection, for the read queries of the other audit modules.
    #[allow(dead_code)] // Used by export, import and query (being built).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The desk key (exports are signed with it).
    #[allow(dead_code)] // Used by export (being built).
    pub(crate) fn key(&self) -> &DeskKey {
        &self.key
    }

    /// Number of records.
    pub fn size(&self) -> Result<u64, AuditError> {
        read_head(&self.conn, &self.path).map(|(size, _)| size)
    }

    /// The current settings: the last settings record, or the defaults (no personal data, no
    /// supervisor passphrase yet).
    pub fn settings(&self) -> Result<Settings, AuditError> {
        current_settings(&self.conn, &self.path)
    }

    /// The keyed hash of a document number: SHA-256 over a secret derived from the desk key and
    /// the number. Stable on this desk; useless to anyone without the key file.
    pub fn document_number_hash(&self, number: &str) -> String {
        to_hex(&sha256(&[self.number_key.as_slice(), number.as_bytes()].concat()))
    }

    /// Records a decided inspection. Personal data is kept (apart, purgeable) only when the
    /// station settings enable it.
    pub fn record_inspection(&mut self, inspection: &Inspection) -> Result<Appended, AuditError> {
        let (mut entry, personal) =
            InspectionEntry::from_inspection(inspection, &|number| self.document_number_hash(number))
                .map_err(|reasons| AuditError::Rejected { reasons })?;
        let keep_personal = self.settings()?.personal_data;
        let personal = match personal {
            Some(data) if keep_personal => Some(seal_personal_data(&data)?),
            _ => None,
        };
        if let Some(sealed) = &personal {
            entry.personal_data_sha256 = Some(to_hex(&sealed.commitment));
        }
        self.append_with(EntryKind::Inspection, &entry, personal.as_ref(), |_, _| Ok(()))
    }

    /// Appends one record of `kind` with `body`.
    pub fn append<B: Serialize>(&mut self, kind: EntryKind, body: &B) -> Result<Appended, AuditError> {
        self.append_with(kind, body, None, |_, _| Ok(()))
    }

    /// Appends one record, runs `also` in the same transaction (with the new seq), signs a
    /// checkpoint and commits: all of it or nothing.
    pub(crate) fn append_with<B: Serialize>(
        &mut self,
        kind: EntryKind,
        body: &B,
        personal: Option<&SealedPersonalData>,
        also: impl FnOnce(&Transaction<'_>, u64) -> Result<(), AuditError>,
    ) -> Result<Appended, AuditError> {
        let path = self.path.clone();
        let tx = begin(&mut self.conn, &path, self.busy_timeout)?;
        let appended = write_record(&tx, &path, &self.desk, kind, body, personal)?;
        also(&tx, appended.seq)?;
        sign_checkpoint(&tx, &path, &self.key, &self.desk, appended)?;
        tx.commit().map_err(|e| AuditError::sqlite(&path, "commit", e).with_wait(self.busy_timeout))?;
        Ok(appended)
    }

    /// Runs `write` in one `BEGIN IMMEDIATE` transaction of its own and commits: all of it or
    /// nothing. For the tables apart from the chain (training results): no record is appended and
    /// no checkpoint signed.
    pub(crate) fn write_apart<T>(
        &mut self,
        write: impl FnOnce(&Transaction<'_>, &Path) -> Result<T, AuditError>,
    ) -> Result<T, AuditError> {
        let path = self.path.clone();
        let tx = begin(&mut self.conn, &path, self.busy_timeout)?;
        let value = write(&tx, &path)?;
        tx.commit().map_err(|e| AuditError::sqlite(&path, "commit", e).with_wait(self.busy_timeout))?;
        Ok(value)
    }

    /// Appends many records in one transaction with one checkpoint (bulk loads and benchmarks;
    /// the chain and the verifier do not care how records were batched).
    pub fn append_batch<B: Serialize>(
        &mut self,
        records: impl IntoIterator<Item = (EntryKind, B)>,
    ) -> Result<Option<Appended>, AuditError> {
        let path = self.path.clone();
        let tx = begin(&mut self.conn, &path, self.busy_timeout)?;
        let mut last = None;
        for (kind, body) in records {
            last = Some(write_record(&tx, &path, &self.desk, kind, &body, None)?);
        }
        if let Some(appended) = last {
            sign_checkpoint(&tx, &path, &self.key, &self.desk, appended)?;
            tx.commit().map_err(|e| AuditError::sqlite(&path, "commit", e).with_wait(self.busy_timeout))?;
        }
        Ok(last)
    }

    /// Checks a supervisor passphrase. A wrong one is itself recorded (an `auth_failed` record)
    /// before the error is returned; with no passphrase set up yet, says how to set one.
    pub fn authenticate_supervisor(
        &mut self,
        passphrase: &str,
        action: &str,
        name: Option<&str>,
    ) -> Result<Actor, AuditError> {
        let actor = Actor { role: Role::Supervisor, name: name.map(str::to_owned) };
        let Some(hash) = self.settings()?.supervisor_passphrase else {
            return Err(AuditError::Auth(
                "no supervisor passphrase is set up on this desk yet: run `docexam audit passphrase` first".into(),
            ));
        };
        if supervisor::verify_passphrase(passphrase, &hash) {
            return Ok(actor);
        }
        self.append(EntryKind::AuthFailed, &AuthFailed { action: action.to_owned(), by: actor })?;
        Err(AuditError::Auth(format!("wrong supervisor passphrase; {action} refused (the attempt is recorded)")))
    }

    /// Changes the settings (a settings record with the full new settings). Setting the first
    /// supervisor passphrase needs no authentication; everything else needs `by` to be an
    /// authenticated supervisor (see [`AuditLog::authenticate_supervisor`]).
    pub fn change_settings(
        &mut self,
        by: Actor,
        personal_data: Option<bool>,
        new_passphrase: Option<&str>,
    ) -> Result<Appended, AuditError> {
        let mut settings = self.settings()?;
        let mut changed = Vec::new();
        if let Some(on) = personal_data
            && on != settings.personal_data
        {
            settings.personal_data = on;
            changed.push(format!("personal data {}", if on { "kept" } else { "not kept" }));
        }
        if let Some(passphrase) = new_passphrase {
            supervisor::check_strength(passphrase).map_err(|reason| AuditError::Rejected { reasons: vec![reason] })?;
            let first = settings.supervisor_passphrase.is_none();
            settings.supervisor_passphrase = Some(supervisor::hash_passphrase(passphrase)?);
            changed.push(if first { "supervisor passphrase set" } else { "supervisor passphrase changed" }.to_owned());
        }
        if changed.is_empty() {
            return Err(AuditError::Rejected { reasons: vec!["nothing to change".into()] });
        }
        settings.changed = changed;
        settings.by = by;
        self.append(EntryKind::Settings, &settings)
    }
}

/// Starts a write: `BEGIN IMMEDIATE` takes the write lock now (waiting up to the busy timeout),
/// so reading the head and appending can never hit SQLITE_BUSY half-way.
fn begin<'c>(conn: &'c mut Connection, path: &Path, wait: Duration) -> Result<Transaction<'c>, AuditError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| AuditError::sqlite(path, "begin a write", e).with_wait(wait))
}

/// Loads the key of a log that has no record yet. An empty key file (left by a docexam before 0.1
/// that was killed while creating it; keys are now linked into place whole) signed nothing, so it
/// is replaced rather than blocking the log.
fn load_or_replace_empty_key(key_path: &Path) -> Result<DeskKey, AuditError> {
    match DeskKey::load(key_path) {
        Err(AuditError::Key { .. }) if std::fs::metadata(key_path).is_ok_and(|m| m.len() == 0) => {
            std::fs::remove_file(key_path).map_err(|source| AuditError::Io {
                path: key_path.to_owned(),
                action: "remove an empty signing key file",
                source,
            })?;
            DeskKey::create(key_path)
        }
        other => other,
    }
}

/// Personal data ready to store: the bytes, the salt and the commitment the leaf carries.
#[derive(Debug, Clone)]
pub(crate) struct SealedPersonalData {
    pub salt: [u8; 32],
    pub data: Vec<u8>,
    pub commitment: [u8; 32],
}

fn seal_personal_data(data: &PersonalData) -> Result<SealedPersonalData, AuditError> {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| AuditError::Rejected { reasons: vec![format!("no randomness: {e}")] })?;
    let data = serde_json::to_vec(data).map_err(|e| AuditError::Rejected { reasons: vec![e.to_string()] })?;
    let commitment = personal_data_commitment(&salt, &data);
    Ok(SealedPersonalData { salt, data, commitment })
}

/// `SHA-256(salt ‖ data)`: the random salt keeps low-entropy data (a passport number, a birth
/// date) from being confirmed by guessing once the row is purged.
pub fn personal_data_commitment(salt: &[u8], data: &[u8]) -> [u8; 32] {
    sha256(&[salt, data].concat())
}

/// Records so far and the chain head.
pub(crate) fn read_head(conn: &Connection, path: &Path) -> Result<(u64, [u8; 32]), AuditError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, chain FROM log ORDER BY seq DESC LIMIT 1", [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
        .map_err(|e| AuditError::sqlite(path, "read the chain head", e))?;
    match last {
        None => Ok((0, GENESIS)),
        Some((seq, chain)) => {
            let head: [u8; 32] = chain.try_into().map_err(|_| AuditError::Inconsistent {
                path: path.to_owned(),
                detail: format!("record {seq} has a damaged chain value"),
            })?;
            let size = u64::try_from(seq).ok().and_then(|s| s.checked_add(1)).ok_or_else(|| {
                AuditError::Inconsistent { path: path.to_owned(), detail: format!("record number {seq}") }
            })?;
            Ok((size, head))
        }
    }
}

fn write_record<B: Serialize>(
    tx: &Transaction<'_>,
    path: &Path,
    desk: &str,
    kind: EntryKind,
    body: &B,
    personal: Option<&SealedPersonalData>,
) -> Result<Appended, AuditError> {
    let (seq, previous) = read_head(tx, path)?;
    let at = now();
    let leaf = serde_json::to_vec(&EnvelopeOut { v: LEAF_VERSION, log: desk, seq, kind, at, body })
        .map_err(|e| AuditError::Rejected { reasons: vec![format!("cannot serialise the record: {e}")] })?;
    let head = next_link(&previous, &leaf_hash(&leaf));
    let seq_sql = i64::try_from(seq)
        .map_err(|_| AuditError::Inconsistent { path: path.to_owned(), detail: "the log is full".into() })?;
    tx.prepare_cached("INSERT INTO log (seq, kind, at, leaf, chain) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut insert| insert.execute(params![seq_sql, kind.as_str(), at.to_string(), leaf, head.as_slice()]))
        .map_err(|e| AuditError::sqlite(path, "append a record", e))?;
    if let Some(sealed) = personal {
        tx.prepare_cached("INSERT INTO personal_data (seq, salt, data) VALUES (?1, ?2, ?3)")
            .and_then(|mut insert| insert.execute(params![seq_sql, sealed.salt.as_slice(), sealed.data]))
            .map_err(|e| AuditError::sqlite(path, "store personal data", e))?;
    }
    Ok(Appended { seq, head })
}

fn sign_checkpoint(
    tx: &Transaction<'_>,
    path: &Path,
    key: &DeskKey,
    desk: &str,
    appended: Appended,
) -> Result<(), AuditError> {
    let size = appended.seq + 1;
    let signature = key.sign(&checkpoint_message(desk, size, &appended.head));
    let size_sql = i64::try_from(size)
        .map_err(|_| AuditError::Inconsistent { path: path.to_owned(), detail: "the log is full".into() })?;
    tx.prepare_cached("INSERT INTO checkpoint (size, head, signed_at, signature) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut insert| {
            insert.execute(params![size_sql, appended.head.as_slice(), now().to_string(), signature.as_slice()])
        })
        .map_err(|e| AuditError::sqlite(path, "sign a checkpoint", e))?;
    Ok(())
}

/// The body of record 0, if the log has one.
pub(crate) fn read_log_created(conn: &Connection, path: &Path) -> Result<Option<LogCreated>, AuditError> {
    let leaf: Option<Vec<u8>> = conn
        .query_row("SELECT leaf FROM log WHERE seq = 0", [], |row| row.get(0))
        .optional()
        .map_err(|e| AuditError::sqlite(path, "read the first record", e))?;
    let Some(leaf) = leaf else { return Ok(None) };
    let envelope: super::entry::Envelope<LogCreated> = serde_json::from_slice(&leaf).map_err(|e| {
        AuditError::Inconsistent { path: path.to_owned(), detail: format!("the first record is damaged: {e}") }
    })?;
    Ok(Some(envelope.body))
}

/// The last settings record's body, or the defaults.
pub(crate) fn current_settings(conn: &Connection, path: &Path) -> Result<Settings, AuditError> {
    let leaf: Option<Vec<u8>> = conn
        .query_row("SELECT leaf FROM log WHERE kind = 'settings' ORDER BY seq DESC LIMIT 1", [], |row| row.get(0))
        .optional()
        .map_err(|e| AuditError::sqlite(path, "read the settings", e))?;
    match leaf {
        None => Ok(Settings {
            personal_data: false,
            supervisor_passphrase: None,
            changed: Vec::new(),
            by: Actor { role: Role::Supervisor, name: None },
        }),
        Some(leaf) => serde_json::from_slice::<super::entry::Envelope<Settings>>(&leaf)
            .map(|e| e.body)
            .map_err(|e| AuditError::Inconsistent { path: path.to_owned(), detail: format!("a settings record: {e}") }),
    }
}
