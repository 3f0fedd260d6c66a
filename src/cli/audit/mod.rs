//! `docexam audit`: the tamper-evident audit log from the command line (scripts, tests, batch
//! work and supervisors without the desk app). All the work is in `docexam_audit`.
//!
//! Exit status: 0 done (verify: intact); 1 refused (a record or request that breaks a rule,
//! wrong passphrase); 2 cannot read or write (usage, files, locked or full disk); 3 (verify,
//! import) the log or export was tampered with.

mod admin;
mod bench;
mod export;
mod import;
mod query;
mod record;
mod verify;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use docexam_audit::entry::Actor;
use docexam_audit::location::ensure_parent;
use docexam_audit::{AuditError, AuditLog, OpenOptions};
use docexam_files::database_path;

/// Exit status: refused.
pub const EXIT_REFUSED: u8 = 1;
/// Exit status: cannot read or write.
pub const EXIT_CANNOT: u8 = 2;
/// Exit status: tampered with.
pub const EXIT_TAMPERED: u8 = 3;

/// The supervisor passphrase's environment variable (for scripts; prefer the prompt).
pub const PASSPHRASE_ENV: &str = "DOCEXAM_SUPERVISOR_PASSPHRASE";

/// Arguments of `docexam audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The audit database (default: $DOCEXAM_DB, then audit.sqlite in the OS data folder,
    /// ~/.local/share/docexam on Linux). The desk signing key sits beside it (FILE.signing-key).
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: AuditCommand,
}

/// `docexam audit` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Create the audit log (and the desk signing key) if missing; print the desk id and key.
    Init(admin::InitArgs),
    /// Append a decided inspection record (JSON, as `docexam inspect` prints it).
    Record(record::RecordArgs),
    /// List records.
    List(query::ListArgs),
    /// Statistics over inspections (training records never count).
    Stats(query::StatsArgs),
    /// Export the log with a proof file (supervisor).
    Export(export::ExportArgs),
    /// Verify the log or an export: exit 0 intact, 3 tampered (first bad record named), 2 cannot read.
    Verify(verify::VerifyArgs),
    /// Remove personal data recorded before a date (supervisor); the chain stays verifiable.
    Purge(query::PurgeArgs),
    /// Merge a verified export from another desk (supervisor).
    Import(import::ImportArgs),
    /// Set or change the supervisor passphrase.
    Passphrase(admin::PassphraseArgs),
    /// Change station settings (supervisor).
    Settings(admin::SettingsArgs),
    /// Append synthetic inspections in a loop, printing each committed record number (crash tests).
    #[command(hide = true)]
    AppendLoop(bench::AppendLoopArgs),
    /// Measure appends per second, and verify and export times on a large log.
    Bench(bench::BenchArgs),
}

/// Runs `docexam audit`.
pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let db = database_path(args.db.as_deref())?;
    match &args.command {
        AuditCommand::Init(a) => admin::init(&db, a),
        AuditCommand::Record(a) => record::run(&db, a),
        AuditCommand::List(a) => query::list(&db, a),
        AuditCommand::Stats(a) => query::stats(&db, a),
        AuditCommand::Export(a) => export::run(&db, a),
        AuditCommand::Verify(a) => verify::run(&db, args.db.is_some(), a),
        AuditCommand::Purge(a) => query::purge(&db, a),
        AuditCommand::Import(a) => import::run(&db, a),
        AuditCommand::Passphrase(a) => admin::passphrase(&db, a),
        AuditCommand::Settings(a) => admin::settings(&db, a),
        AuditCommand::AppendLoop(a) => bench::append_loop(&db, a),
        AuditCommand::Bench(a) => bench::run(a),
    }
}

/// Opens the log for writing (creating it and its folder when missing).
pub fn open_for_writing(db: &Path) -> Result<AuditLog, AuditError> {
    ensure_parent(db)?;
    AuditLog::open(db, &OpenOptions::default())
}

/// The exit status for an audit error: refusals 1, everything else 2.
pub fn exit_for(error: &AuditError) -> ExitCode {
    match error {
        AuditError::Rejected { .. } | AuditError::Auth(_) => ExitCode::from(EXIT_REFUSED),
        _ => ExitCode::from(EXIT_CANNOT),
    }
}

/// Reports an audit error on standard error and returns its exit status.
pub fn report_error(error: &AuditError) -> ExitCode {
    eprintln!("docexam: {error}");
    exit_for(error)
}

/// Where a supervisor passphrase comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct SupervisorArgs {
    /// Read the supervisor passphrase from this file (first line); default: $DOCEXAM_SUPERVISOR_PASSPHRASE,
    /// then a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// The supervisor's name or id, recorded with the action.
    #[arg(long, value_name = "NAME")]
    pub supervisor: Option<String>,
}

/// Longest passphrase file read (its first line is the passphrase).
const MAX_PASSPHRASE_FILE_BYTES: u64 = 4096;

/// Reads a passphrase: the file, else the environment variable, else a terminal prompt.
pub fn read_passphrase(file: Option<&Path>, prompt: &str) -> anyhow::Result<String> {
    if let Some(file) = file {
        let text = docexam_files::read_text_file(file, MAX_PASSPHRASE_FILE_BYTES, "passphrase file")?;
        return Ok(text.lines().next().unwrap_or_default().to_owned());
    }
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        return Ok(value);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "a supervisor passphrase is needed: use --passphrase-file FILE or ${PASSPHRASE_ENV}, or run in a terminal"
        );
    }
    rpassword::prompt_password(prompt).context("cannot read the passphrase from the terminal")
}

/// Authenticates the supervisor for `action` (a wrong passphrase is recorded in the log).
pub fn authenticate(log: &mut AuditLog, supervisor: &SupervisorArgs, action: &str) -> Result<Actor, ExitCode> {
    let passphrase = match read_passphrase(supervisor.passphrase_file.as_deref(), "Supervisor passphrase: ") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("docexam: {e:#}");
            return Err(ExitCode::from(EXIT_CANNOT));
        }
    };
    log.authenticate_supervisor(&passphrase, action, supervisor.supervisor.as_deref()).map_err(|e| report_error(&e))
}
