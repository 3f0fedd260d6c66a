//! `audit init`, `audit passphrase`, `audit settings`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam_audit::entry::{Actor, Role};
use docexam_audit::location::ensure_parent;
use docexam_audit::signing::fingerprint;
use docexam_audit::{AuditLog, OpenOptions};

use super::{SupervisorArgs, authenticate, open_for_writing, read_passphrase, report_error};

/// `audit init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Desk id for a new log (letters, digits, '-', '_', '.'; default: from the key fingerprint).
    #[arg(long, value_name = "ID")]
    pub desk_id: Option<String>,
}

/// `audit passphrase`.
#[derive(Debug, clap::Args)]
pub struct PassphraseArgs {
    /// Read the new passphrase from this file (first line); default: prompt twice.
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,

    #[command(flatten)]
    pub current: SupervisorArgs,
}

/// `audit settings`.
#[derive(Debug, clap::Args)]
pub struct SettingsArgs {
    /// Keep personal data (names, birth date, full document number) apart, purgeable: on or off.
    #[arg(long, value_name = "ON|OFF", value_parser = parse_on_off)]
    pub personal_data: Option<bool>,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

fn parse_on_off(text: &str) -> Result<bool, String> {
    match text {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(format!("{text:?}: say on or off")),
    }
}

/// Runs `audit init`.
pub fn init(db: &Path, args: &InitArgs) -> anyhow::Result<ExitCode> {
    if let Err(e) = ensure_parent(db) {
        return Ok(report_error(&e));
    }
    let options = OpenOptions { desk_id: args.desk_id.clone(), ..OpenOptions::default() };
    let log = match AuditLog::open(db, &options) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    if let Some(wanted) = &args.desk_id
        && wanted != log.desk()
    {
        eprintln!(
            "docexam: the log already exists with desk id {}; a desk id is fixed when the log is created",
            log.desk()
        );
    }
    let settings = log.settings()?;
    outln!("audit log   {}", db.display());
    outln!("desk        {}", log.desk());
    outln!("public key  {}", docexam_exam::digest::to_hex(&log.public_key()));
    outln!("fingerprint {}  (note it down: supervisors check exports against it)", fingerprint(&log.public_key()));
    outln!("records     {}", log.size()?);
    outln!("personal data kept: {}", if settings.personal_data { "yes" } else { "no" });
    if settings.supervisor_passphrase.is_none() {
        outln!("no supervisor passphrase yet: run `docexam audit passphrase`");
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `audit passphrase`: the first passphrase needs none; changing it needs the current one.
pub fn passphrase(db: &Path, args: &PassphraseArgs) -> anyhow::Result<ExitCode> {
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let by = if log.settings()?.supervisor_passphrase.is_some() {
        match authenticate(&mut log, &args.current, "change the supervisor passphrase") {
            Ok(actor) => actor,
            Err(code) => return Ok(code),
        }
    } else {
        Actor { role: Role::Supervisor, name: args.current.supervisor.clone() }
    };
    let new = match &args.new_passphrase_file {
        Some(file) => read_passphrase(Some(file), "")?,
        None => {
            let first = read_passphrase(None, "New supervisor passphrase: ")?;
            if std::env::var_os(super::PASSPHRASE_ENV).is_none() {
                let again = read_passphrase(None, "Again: ")?;
                if again != first {
                    eprintln!("docexam: the two passphrases differ; nothing changed");
                    return Ok(ExitCode::from(super::EXIT_REFUSED));
                }
            }
            first
        }
    };
    match log.change_settings(by, None, Some(&new)) {
        Ok(appended) => {
            outln!("supervisor passphrase saved (record #{})", appended.seq);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(&e)),
    }
}

/// Runs `audit settings`.
pub fn settings(db: &Path, args: &SettingsArgs) -> anyhow::Result<ExitCode> {
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    if args.personal_data.is_none() {
        let settings = log.settings()?;
        outln!("personal data kept: {}", if settings.personal_data { "on" } else { "off" });
        outln!("supervisor passphrase: {}", if settings.supervisor_passphrase.is_some() { "set" } else { "not set" });
        return Ok(ExitCode::SUCCESS);
    }
    let by = match authenticate(&mut log, &args.supervisor, "change settings") {
        Ok(actor) => actor,
        Err(code) => return Ok(code),
    };
    match log.change_settings(by, args.personal_data, None) {
        Ok(appended) => {
            outln!("settings changed (record #{})", appended.seq);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(&e)),
    }
}
