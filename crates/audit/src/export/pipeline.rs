//! The export's threads: the reading thread deals batches of checked records to formatting
//! threads, one thread hashes their chunks in order, one writes them and one syncs the file.

use std::fs::File;
use std::io::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use sha2::{Digest as _, Sha256};

use super::rows::{RecordOut, RowFormat};
use super::snapshot::{Snapshot, read_snapshot};
use crate::AuditError;
use crate::log::AuditLog;

/// Records per batch handed from the thread reading the log to a thread formatting them.
pub(super) const BATCH_RECORDS: usize = 256;
/// Threads formatting records (batches are dealt to them in turn, and their chunks written in the
/// same turn, so the file keeps the log's order).
pub(super) const FORMATTERS: usize = 2;
/// Batches (and formatted chunks) waiting between two stages of the export, per formatting thread.
pub(super) const IN_FLIGHT: usize = 2;
/// Hashed chunks waiting to be written (the file system sometimes makes a write wait).
pub(super) const WRITES_IN_FLIGHT: usize = 32;
/// The export file is synced in the background after about this many bytes, so that the final
/// sync (still made before the proof is written) finds little left to write.
pub(super) const BACKGROUND_SYNC_BYTES: u64 = 32 * 1024 * 1024;

/// Checked records on their way from the reading thread to the formatting thread: their text back
/// to back, and where each record's parts are.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) text: String,
    pub(super) salts: Vec<u8>,
    pub(super) records: Vec<BatchRecord>,
}

pub(super) struct BatchRecord {
    seq: u64,
    kind: Range<usize>,
    at: Range<usize>,
    leaf: Range<usize>,
    chain: [u8; 32],
    /// The salt (in `salts`) and data (in `text`).
    personal: Option<(Range<usize>, Range<usize>)>,
}

impl Batch {
    fn push_text(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    pub(super) fn push(&mut self, record: &RecordOut<'_>) {
        let kind = self.push_text(record.kind);
        let at = self.push_text(record.at);
        let leaf = self.push_text(record.leaf);
        let personal = record.personal.map(|(salt, data)| {
            let start = self.salts.len();
            self.salts.extend_from_slice(salt);
            (start..self.salts.len(), self.push_text(data))
        });
        self.records.push(BatchRecord { seq: record.seq, kind, at, leaf, chain: *record.chain, personal });
    }

    fn record<'b>(&'b self, record: &'b BatchRecord) -> RecordOut<'b> {
        // The ranges were made by `push`: they always fit.
        let text = |range: &Range<usize>| self.text.get(range.clone()).unwrap_or_default();
        RecordOut {
            seq: record.seq,
            kind: text(&record.kind),
            at: text(&record.at),
            leaf: text(&record.leaf),
            chain: &record.chain,
            personal: record
                .personal
                .as_ref()
                .map(|(salt, data)| (self.salts.get(salt.clone()).unwrap_or_default(), text(data))),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.salts.clear();
        self.records.clear();
    }
}

/// A formatting thread: formats each of its batches into one chunk of the file.
pub(super) fn format_batches(
    format: RowFormat,
    batches: Receiver<Batch>,
    spare_batches: Sender<Batch>,
    chunks: SyncSender<Vec<u8>>,
    spare_chunks: Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    for mut batch in batches {
        let mut chunk = spare_chunks.try_recv().unwrap_or_default();
        for record in &batch.records {
            format.push(&mut chunk, &batch.record(record))?;
        }
        batch.clear();
        // The reader may be done already; then the batch is simply dropped.
        let _ = spare_batches.send(batch);
        if chunks.send(chunk).is_err() {
            // The writing thread stopped, and reports why.
            return Ok(());
        }
    }
    Ok(())
}

/// The hashing thread: takes the formatting threads' chunks in turn (the order the batches were
/// dealt in) until one has no more, hashes `first` and them, and passes each on to be written
/// (with the formatting thread it goes back to). Returns the SHA-256 of all of it.
pub(super) fn hash_chunks(
    first: &[u8],
    formatters: &[Receiver<Vec<u8>>],
    chunks: &SyncSender<(usize, Vec<u8>)>,
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(first);
    for (formatter, formatted) in formatters.iter().enumerate().cycle() {
        let Ok(chunk) = formatted.recv() else { break };
        hasher.update(&chunk);
        if chunks.send((formatter, chunk)).is_err() {
            // The writing thread stopped, and reports why.
            break;
        }
    }
    hasher.finalize().into()
}

/// The writing thread: writes `first` and then each chunk, in order, and gives the chunk back to
/// its formatting thread; asks for a background sync every [`BACKGROUND_SYNC_BYTES`].
pub(super) fn write_chunks(
    mut file: &File,
    first: &[u8],
    chunks: &Receiver<(usize, Vec<u8>)>,
    spare_chunks: &[Sender<Vec<u8>>],
    syncs: &SyncSender<()>,
) -> std::io::Result<()> {
    file.write_all(first)?;
    let mut unsynced = 0u64;
    for (formatter, mut chunk) in chunks {
        file.write_all(&chunk)?;
        unsynced += chunk.len() as u64;
        if unsynced >= BACKGROUND_SYNC_BYTES {
            unsynced = 0;
            // Full: a sync is running and will be followed by the final one anyway.
            let _ = syncs.try_send(());
        }
        chunk.clear();
        if let Some(spare) = spare_chunks.get(formatter) {
            let _ = spare.send(chunk);
        }
    }
    Ok(())
}

/// The syncing thread: syncs the file's data written so far whenever asked. An error here is the
/// export's error (the final sync on the same open file might not report it again).
pub(super) fn sync_when_asked(file: &File, requests: Receiver<()>) -> std::io::Result<()> {
    for () in requests {
        file.sync_data()?;
    }
    Ok(())
}

/// The result of a pipeline thread; a panic there goes on here.
pub(super) fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Reads the last checkpoint and the records it covers in one read transaction, checks them on the
/// way and writes them to `file` after `first` (the BOM and header of a CSV file). Returns what was
/// read and the SHA-256 of everything written; the file is not synced yet.
///
/// The work is shared by threads: this one reads and checks the records ([`read_snapshot`]),
/// [`FORMATTERS`] format them, one hashes the bytes in order, one writes them, and one syncs the file
/// now and then. Only checked records are formatted, so a failed check stops the export as before;
/// a formatting or write error (which comes from an earlier record) is reported before it.
pub(super) fn write_snapshot(
    log: &AuditLog,
    file: &File,
    first: &[u8],
    format: RowFormat,
    personal_data: bool,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Snapshot, [u8; 32]), AuditError> {
    let io = |source| AuditError::Io { path: out.to_owned(), action: "write the export", source };
    std::thread::scope(|scope| {
        let (spare_batch_sender, spare_batches) = mpsc::channel::<Batch>();
        let mut batch_senders = Vec::new();
        let mut formatters = Vec::new();
        let mut formatted = Vec::new();
        let mut spare_chunk_senders = Vec::new();
        for _ in 0..FORMATTERS {
            let (batch_sender, batches) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
            let (chunk_sender, chunks) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
            let (spare_chunk_sender, spare_chunks) = mpsc::channel::<Vec<u8>>();
            let spare_batch_sender = spare_batch_sender.clone();
            formatters.push(
                scope.spawn(move || format_batches(format, batches, spare_batch_sender, chunk_sender, spare_chunks)),
            );
            batch_senders.push(batch_sender);
            formatted.push(chunks);
            spare_chunk_senders.push(spare_chunk_sender);
        }
        drop(spare_batch_sender);
        let (hashed_sender, hashed) = mpsc::sync_channel::<(usize, Vec<u8>)>(WRITES_IN_FLIGHT);
        let (sync_sender, sync_requests) = mpsc::sync_channel::<()>(1);
        let hasher = scope.spawn(move || hash_chunks(first, &formatted, &hashed_sender));
        let writer = scope.spawn(move || write_chunks(file, first, &hashed, &spare_chunk_senders, &sync_sender));
        let syncer = scope.spawn(move || sync_when_asked(file, sync_requests));
        let read = read_snapshot(log, personal_data, out, &batch_senders, &spare_batches, progress);
        drop(batch_senders);
        let formatted: Vec<_> = formatters.into_iter().map(joined).collect();
        let sha256 = joined(hasher);
        let written = joined(writer);
        let synced = joined(syncer);
        for result in formatted {
            result.map_err(io)?;
        }
        written.map_err(io)?;
        synced.map_err(io)?;
        Ok((read?, sha256))
    })
}
