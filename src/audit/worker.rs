//! [`AuditWorker`]: one thread that owns the audit connection for an interactive shell (the desk
//! app). The UI sends requests and never blocks: replies come back on a channel, and a `notify`
//! callback (the GUI passes its repaint request) wakes the UI when one arrives.
//!
//! One owner keeps the invariants simple: one connection, one writer in this process, requests
//! applied in the order they were sent.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::{AuditError, AuditLog, OpenOptions, VerifyReport, verify_database};
use crate::inspection::Inspection;

/// What the shell asks of the log.
#[derive(Debug)]
pub enum AuditRequest {
    /// Record a decided inspection.
    RecordInspection(Box<Inspection>),
    /// Verify the whole database.
    Verify,
}

/// The answer to one request.
#[derive(Debug)]
pub enum AuditReply {
    /// The log opened (first reply): desk id and record count.
    Opened {
        /// Desk id.
        desk: String,
        /// Records in the log.
        records: u64,
    },
    /// The inspection is committed (only now may the UI say "recorded").
    Recorded {
        /// Its record number.
        seq: u64,
    },
    /// The verification result.
    Verified(VerifyReport),
    /// The request failed; nothing was recorded.
    Failed(AuditError),
}

/// Numbers requests so replies can be matched to them.
pub type RequestId = u64;

/// The worker thread and its channels.
pub struct AuditWorker {
    requests: Option<Sender<(RequestId, AuditRequest)>>,
    replies: Receiver<(RequestId, AuditReply)>,
    next_id: RequestId,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AuditWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditWorker").field("next_id", &self.next_id).finish_non_exhaustive()
    }
}

/// The id of the `Opened` (or `Failed`) reply sent when the worker starts.
pub const OPEN_REQUEST: RequestId = 0;

impl AuditWorker {
    /// Starts the thread, which opens the log at `path` and replies [`AuditReply::Opened`] or
    /// [`AuditReply::Failed`] under [`OPEN_REQUEST`]. `notify` is called after every reply.
    pub fn spawn(path: PathBuf, options: OpenOptions, notify: impl Fn() + Send + 'static) -> Result<Self, AuditError> {
        let (request_tx, request_rx) = mpsc::channel::<(RequestId, AuditRequest)>();
        let (reply_tx, reply_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("audit-log".into())
            .spawn(move || serve(&path, &options, request_rx, &reply_tx, &notify))
            .map_err(|source| AuditError::Io {
                path: PathBuf::from("<thread>"),
                action: "start the audit log thread",
                source,
            })?;
        Ok(Self { requests: Some(request_tx), replies: reply_rx, next_id: OPEN_REQUEST + 1, thread: Some(thread) })
    }

    /// Queues a request; returns its id, or `None` if the worker has stopped (it could not open
    /// the log: its `Failed` reply says why).
    pub fn send(&mut self, request: AuditRequest) -> Option<RequestId> {
        let id = self.next_id;
        self.requests.as_ref()?.send((id, request)).ok()?;
        self.next_id += 1;
        Some(id)
    }

    /// A reply, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<(RequestId, AuditReply)> {
        self.replies.try_recv().ok()
    }

    /// Waits for the next reply (for tests and the CLI; the UI uses [`AuditWorker::try_recv`]).
    pub fn recv(&self) -> Option<(RequestId, AuditReply)> {
        self.replies.recv().ok()
    }
}

impl Drop for AuditWorker {
    fn drop(&mut self) {
        // Closing the request channel ends the loop after the requests already queued.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    path: &std::path::Path,
    options: &OpenOptions,
    requests: Receiver<(RequestId, AuditRequest)>,
    replies: &Sender<(RequestId, AuditReply)>,
    notify: &dyn Fn(),
) {
    let reply = |id, reply| {
        let _ = replies.send((id, reply));
        notify();
    };
    // On failure the request channel is closed before the reply goes out, so a shell that has
    // read the failure can no longer queue requests that would never be answered.
    let opened = AuditLog::open(path, options).and_then(|log| log.size().map(|records| (log, records)));
    let mut log = match opened {
        Ok((log, records)) => {
            reply(OPEN_REQUEST, AuditReply::Opened { desk: log.desk().to_owned(), records });
            log
        }
        Err(e) => {
            drop(requests);
            return reply(OPEN_REQUEST, AuditReply::Failed(e));
        }
    };
    while let Ok((id, request)) = requests.recv() {
        let answer = match request {
            AuditRequest::RecordInspection(inspection) => match log.record_inspection(&inspection) {
                Ok(appended) => AuditReply::Recorded { seq: appended.seq },
                Err(e) => AuditReply::Failed(e),
            },
            AuditRequest::Verify => match verify_database(log.path()) {
                Ok(report) => AuditReply::Verified(report),
                Err(e) => AuditReply::Failed(e),
            },
        };
        reply(id, answer);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn requests_are_answered_in_order_and_each_reply_notifies() {
        let dir = std::env::temp_dir().join(format!("docexam-worker-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let notified = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&notified);
        let mut worker = AuditWorker::spawn(dir.join("a.sqlite"), OpenOptions::default(), move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        let (id, opened) = worker.recv().unwrap();
        assert_eq!(id, OPEN_REQUEST);
        assert!(matches!(opened, AuditReply::Opened { records: 1, .. }), "{opened:?}");
        let bad: Inspection = serde_json::from_str(&undecided_record()).unwrap();
        let first = worker.send(AuditRequest::RecordInspection(Box::new(bad))).unwrap();
        let second = worker.send(AuditRequest::Verify).unwrap();
        let (id, reply) = worker.recv().unwrap();
        assert_eq!(id, first);
        assert!(matches!(reply, AuditReply::Failed(AuditError::Rejected { .. })), "{reply:?}");
        let (id, reply) = worker.recv().unwrap();
        assert_eq!(id, second);
        assert!(matches!(reply, AuditReply::Verified(report) if report.intact()));
        drop(worker); // Joins the thread: every notification has happened.
        assert_eq!(notified.load(Ordering::SeqCst), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_log_that_cannot_open_says_why_and_refuses_requests() {
        let dir = std::env::temp_dir().join(format!("docexam-worker-bad-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let not_a_db = dir.join("x.sqlite");
        std::fs::write(&not_a_db, b"this is not a database, it is a text file of some length....").unwrap();
        let mut worker = AuditWorker::spawn(not_a_db.clone(), OpenOptions::default(), || {}).unwrap();
        let (_, reply) = worker.recv().unwrap();
        assert!(matches!(reply, AuditReply::Failed(_)), "{reply:?}");
        assert_eq!(worker.send(AuditRequest::Verify), None);
        assert_eq!(std::fs::read(&not_a_db).unwrap(), b"this is not a database, it is a text file of some length....");
        drop(worker);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A minimal undecided record: the worker must pass the refusal back, not panic.
    fn undecided_record() -> String {
        r#"{"record_version":1,"app_version":"0.1.0","manual":{"id":"m","version":"1.0.0","language":"en","content_hash":"x"},
            "level":"first","officer":null,"station":null,"started_at":"2026-11-23T09:00:00Z","ended_at":null,
            "source":{"kind":"text"},"mrz":{"status":"not_read","reason":"test"},"items":[],"decision":null}"#
            .to_owned()
    }
}
