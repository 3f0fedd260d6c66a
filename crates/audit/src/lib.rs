//! The tamper-evident audit log: every inspection and every administrative action, in a local
//! SQLite file that cannot be altered unnoticed. The only code that touches SQLite.
//!
//! - [`schema`]: the file (WAL, `synchronous=FULL`, defensive mode, application id, migrations,
//!   append-only triggers).
//! - [`entry`]: what a record says (the leaf: canonical JSON bytes, stored exactly as hashed).
//! - [`chain`]: the hash chain and the checkpoint message (pure).
//! - [`signing`]: the desk's Ed25519 key (file mode 0600 beside the database).
//! - [`log`]: [`AuditLog`], the writer: one `BEGIN IMMEDIATE` transaction per record, with a
//!   signed checkpoint.
//! - [`verify`]: [`verify_database`] and the [`verify::RecordCheck`] walk shared by all verifiers.
//! - [`export`], [`import`]: exports with a proof file and their verification; merging other
//!   desks' verified exports.
//! - [`query`], [`purge`]: listing and statistics (`AuditReader`); retention purges of personal data.
//! - [`supervisor`]: the supervisor passphrase (argon2id).
//! - [`training`]: training sessions and attempts, in tables apart from the log (never listed,
//!   counted, exported or chained).
//! - [`location`]: where the database lives.
//!
//! This crate starts no threads: the desk's audit worker (`docexam-desk`) owns a connection on
//! its own thread.
//!
//! See `ARCHITECTURE.md` for the invariants and what the log can and cannot prove.

pub mod chain;
pub mod entry;
mod error;
pub mod export;
pub mod import;
pub mod location;
pub mod log;
pub mod purge;
pub mod query;
pub mod schema;
pub mod signing;
pub mod supervisor;
pub mod training;
pub mod verify;

#[cfg(test)]
mod tests;

pub use error::AuditError;
pub use log::{Appended, AuditLog, OpenOptions};
pub use verify::{Finding, FindingKind, VerifyReport, verify_database};
