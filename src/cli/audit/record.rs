//! `audit record --json FILE|-`: append a decided inspection record.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam_exam::inspection::Inspection;

use super::{EXIT_CANNOT, EXIT_REFUSED, open_for_writing, report_error};

/// Largest record file accepted (a 128-item manual with long notes is well under this).
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// `audit record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The inspection record (JSON, as `docexam inspect` prints it); `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,
}

/// Runs `audit record`.
pub fn run(db: &Path, args: &RecordArgs) -> anyhow::Result<ExitCode> {
    let text = match read_limited(&args.json) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("docexam: {message}");
            return Ok(ExitCode::from(EXIT_CANNOT));
        }
    };
    let inspection: Inspection = match serde_json::from_slice(&text) {
        Ok(inspection) => inspection,
        Err(e) => {
            eprintln!("docexam: record refused: not an inspection record: {e}");
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
    };
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    match log.record_inspection(&inspection) {
        Ok(appended) => {
            outln!("recorded #{} in {} (desk {})", appended.seq, db.display(), log.desk());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(&e)),
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let read = if path.as_os_str() == "-" {
        docexam_files::read_stdin(MAX_RECORD_BYTES, "record")
    } else {
        docexam_files::read_file(path, MAX_RECORD_BYTES, "record")
    };
    read.map_err(|e| match e {
        docexam_files::ReadError::TooLarge { .. } => {
            format!(
                "the record is larger than {} MiB ({MAX_RECORD_BYTES} bytes); refused",
                MAX_RECORD_BYTES / (1024 * 1024)
            )
        }
        other => other.to_string(),
    })
}
