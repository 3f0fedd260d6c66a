//! The SQL side of an export: the last checkpoint and the records it covers, read and checked in
//! one read transaction.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

use rusqlite::params;
use rusqlite::types::ValueRef;

use super::PROGRESS_RECORDS;
use super::pipeline::{BATCH_RECORDS, Batch};
use super::rows::RecordOut;
use crate::AuditError;
use crate::chain::checkpoint_message;
use crate::log::{AuditLog, personal_data_commitment};
use crate::signing::verify_signature;
use crate::verify::{Finding, RecordCheck, personal_data_commitment_in};
use docexam_exam::digest::to_hex;

/// Reads the last checkpoint and the records it covers in one read transaction, checks them on the
/// way and sends them on in batches; calls `progress(read, records)` every [`PROGRESS_RECORDS`].
pub(super) fn read_snapshot(
    log: &AuditLog,
    personal_data: bool,
    out: &Path,
    formatters: &[SyncSender<Batch>],
    spare_batches: &Receiver<Batch>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Snapshot, AuditError> {
    let db = log.path();
    let sql = |action| move |e| AuditError::sqlite(db, action, e);
    let inconsistent = |detail: String| AuditError::Inconsistent { path: db.to_owned(), detail };
    let writer_stopped = || AuditError::Io {
        path: out.to_owned(),
        action: "write the export",
        source: std::io::Error::other("the export writer stopped"),
    };
    let tx = log.connection().unchecked_transaction().map_err(sql("begin reading the log"))?; // read-only snapshot
    let (size, checkpoint_head, signed_at, signature): (i64, Vec<u8>, String, Vec<u8>) = tx
        .query_row("SELECT size, head, signed_at, signature FROM checkpoint ORDER BY size DESC LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .map_err(sql("read the last checkpoint"))?;
    let records = u64::try_from(size).map_err(|_| inconsistent(format!("a checkpoint at size {size}")))?;
    let signature: [u8; 64] =
        signature.try_into().map_err(|_| inconsistent("the last checkpoint's signature is damaged".into()))?;

    let records_sql = if personal_data {
        "SELECT l.seq, l.kind, l.at, l.leaf, l.chain, p.salt, p.data FROM log l \
         LEFT JOIN personal_data p ON p.seq = l.seq WHERE l.seq < ?1 ORDER BY l.seq"
    } else {
        "SELECT seq, kind, at, leaf, chain, NULL, NULL FROM log WHERE seq < ?1 ORDER BY seq"
    };
    let mut statement = tx.prepare(records_sql).map_err(sql("read the log"))?;
    let mut rows = statement.query(params![size]).map_err(sql("read the log"))?;
    let mut check = RecordCheck::new(Some(log.desk()));
    let mut personal_data_rows = 0u64;
    let not_verified =
        |finding: Finding| inconsistent(format!("{finding}; nothing exported (run `docexam audit verify`)"));
    let mut batch = Batch::default();
    let mut next_formatter = formatters.iter().cycle();
    let mut send = |batch: Batch| match next_formatter.next() {
        Some(formatter) => formatter.send(batch).map_err(|_| writer_stopped()),
        None => Err(writer_stopped()),
    };
    while let Some(row) = rows.next().map_err(sql("read the log"))? {
        let seq = u64::try_from(row.get::<_, i64>(0).map_err(sql("read the log"))?).unwrap_or(u64::MAX);
        let kind = text_column(row, 1).map_err(sql("read the log"))?;
        let at = text_column(row, 2).map_err(sql("read the log"))?;
        let leaf = blob_column(row, 3).map_err(sql("read the log"))?;
        let stored_chain = blob_column(row, 4).map_err(sql("read the log"))?;
        let salt = optional_blob_column(row, 5).map_err(sql("read personal data"))?;
        let data = optional_blob_column(row, 6).map_err(sql("read personal data"))?;
        let chain = check.push(seq, kind, at, leaf, Some(stored_chain)).map_err(not_verified)?;
        let leaf = std::str::from_utf8(leaf).map_err(|_| inconsistent(format!("record {seq} is not UTF-8 text")))?;
        let personal = match (salt, data) {
            (Some(salt), Some(data)) => {
                let commitment = personal_data_commitment_in(leaf.as_bytes());
                if commitment.as_deref() != Some(to_hex(&personal_data_commitment(salt, data)).as_str()) {
                    return Err(inconsistent(format!(
                        "record {seq}: the personal data does not match its record; nothing exported"
                    )));
                }
                let data = std::str::from_utf8(data)
                    .map_err(|_| inconsistent(format!("record {seq}: the personal data is not UTF-8 text")))?;
                personal_data_rows += 1;
                Some((salt, data))
            }
            _ => None,
        };
        batch.push(&RecordOut { seq, kind, at, leaf, chain: &chain, personal });
        // The pipeline behind holds only a few batches, so records read is close to records written.
        if check.size().is_multiple_of(PROGRESS_RECORDS) {
            progress(check.size(), records);
        }
        if batch.records.len() >= BATCH_RECORDS {
            let next = spare_batches.try_recv().unwrap_or_default();
            send(std::mem::replace(&mut batch, next))?;
        }
    }
    if !batch.records.is_empty() {
        send(batch)?;
    }
    if check.size() != records || checkpoint_head.as_slice() != check.head().as_slice() {
        return Err(inconsistent(format!(
            "the last checkpoint (size {records}) does not match the {} records read; nothing exported \
             (run `docexam audit verify`)",
            check.size()
        )));
    }
    let message = checkpoint_message(log.desk(), records, &check.head());
    if !verify_signature(&log.public_key(), &message, &signature) {
        return Err(inconsistent(
            "the last checkpoint's signature is not the desk key's; nothing exported (run `docexam audit verify`)"
                .into(),
        ));
    }
    Ok(Snapshot {
        records,
        head: check.head(),
        checkpoint_signature: signature,
        checkpoint_signed_at: signed_at,
        personal_data_rows,
    })
}

/// A TEXT column, borrowed; any other value fails exactly as `row.get::<_, String>` does.
pub(crate) fn text_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(index)?;
    value.as_str().map_err(|_| column_error(row.get::<_, String>(index).err(), index, value))
}

/// A BLOB column, borrowed; any other value fails exactly as `row.get::<_, Vec<u8>>` does.
pub(super) fn blob_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r [u8]> {
    let value = row.get_ref(index)?;
    value.as_blob().map_err(|_| column_error(row.get::<_, Vec<u8>>(index).err(), index, value))
}

/// A BLOB or NULL column, borrowed; any other value fails exactly as `row.get::<_, Option<Vec<u8>>>`
/// does.
pub(super) fn optional_blob_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<&'r [u8]>> {
    let value = row.get_ref(index)?;
    match value {
        ValueRef::Null => Ok(None),
        _ => value
            .as_blob()
            .map(Some)
            .map_err(|_| column_error(row.get::<_, Option<Vec<u8>>>(index).err(), index, value)),
    }
}

/// The error `row.get` gave for a value of the wrong type (it always gives one).
pub(super) fn column_error(error: Option<rusqlite::Error>, index: usize, value: ValueRef<'_>) -> rusqlite::Error {
    error.unwrap_or_else(|| rusqlite::Error::InvalidColumnType(index, String::new(), value.data_type()))
}

/// What the read transaction found: the signed size and the records written.
pub(super) struct Snapshot {
    pub(super) records: u64,
    pub(super) head: [u8; 32],
    pub(super) checkpoint_signature: [u8; 64],
    pub(super) checkpoint_signed_at: String,
    pub(super) personal_data_rows: u64,
}
