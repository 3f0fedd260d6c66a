//! `audit append-loop` (hidden; the crash tests' writer) and `audit bench`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use docexam_audit::entry::{Actor, EntryKind, InspectionEntry, Role};
use docexam_audit::export::{ExportFormat, export_log};
use docexam_audit::{AuditLog, OpenOptions, verify_database};
use docexam_exam::inspection::Inspection;

use super::{EXIT_CANNOT, open_for_writing, report_error};

/// The record every benchmark append writes: a decided first-line inspection of the ICAO
/// specimen passport (tests/fixtures/audit/README.md says how it was made), so the bench needs no
/// manuals folder.
const BENCH_RECORD: &str = include_str!("../../../tests/fixtures/audit/inspection.json");

/// Appends timed one per transaction.
const SINGLE_APPENDS: u64 = 2_000;
/// Records per `append_batch` transaction when building the large log.
const BATCH: u64 = 10_000;

/// `audit append-loop`.
#[derive(Debug, clap::Args)]
pub struct AppendLoopArgs {
    /// The inspection record to append again and again (JSON, as `docexam inspect` prints it).
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,

    /// Stop after this many records (default: until killed).
    #[arg(long)]
    pub count: Option<u64>,
}

/// `audit bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Records in the large log for the verify and export timings.
    #[arg(long, default_value_t = 1_000_000)]
    pub records: u64,

    /// Folder for the benchmark files: a new subfolder is made in it and kept afterwards, to look
    /// at (default: a new folder in the system temp folder, removed afterwards). The large log
    /// takes about 2.5 KB per record, twice that while the export is written.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `audit append-loop`: after each commit, prints `committed N` and flushes, so a parent that
/// kills this process knows exactly which records were acknowledged.
pub fn append_loop(db: &Path, args: &AppendLoopArgs) -> anyhow::Result<ExitCode> {
    let text = docexam_files::read_file(&args.json, super::record::MAX_RECORD_BYTES, "record")?;
    let inspection: Inspection = serde_json::from_slice(&text)?;
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let mut stdout = std::io::stdout().lock();
    let mut written = 0u64;
    while args.count.is_none_or(|count| written < count) {
        match log.record_inspection(&inspection) {
            Ok(appended) => {
                writeln!(stdout, "committed {}", appended.seq)?;
                stdout.flush()?;
                written += 1;
            }
            Err(e) => {
                eprintln!("docexam: {e}");
                return Ok(ExitCode::from(EXIT_CANNOT));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `audit bench`: appends per second, then verify and export times on a large log.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let inspection: Inspection = serde_json::from_str(BENCH_RECORD).context("the built-in benchmark record")?;
    let work = WorkDir::new(args.dir.as_deref())?;
    eprintln!("audit bench: files in {}", work.path.display());
    let mut rows = Vec::new();

    // (i) One record per transaction, synchronous=FULL, one writer: what a desk does.
    let db = work.path.join("appends.sqlite");
    let mut log = AuditLog::open(&db, &OpenOptions::default())?;
    let started = Instant::now();
    for _ in 0..SINGLE_APPENDS {
        log.record_inspection(&inspection)?;
    }
    let elapsed = started.elapsed();
    drop(log);
    let rate = per_second(SINGLE_APPENDS, elapsed);
    rows.push(Row::new(
        format!("appends, 1 record per transaction ({SINGLE_APPENDS})"),
        format!("{rate:.0} /s"),
        ">= 500 /s",
        Some(rate >= 500.0),
    ));

    // (ii) A large log built in batches, then verified.
    let records = args.records.max(1);
    let db = work.path.join("large.sqlite");
    let mut log = AuditLog::open(&db, &OpenOptions::default())?;
    let (entry, _) = InspectionEntry::from_inspection(&inspection, &|number| log.document_number_hash(number))
        .map_err(|reasons| anyhow::anyhow!("the built-in benchmark record is refused: {}", reasons.join("; ")))?;
    let started = Instant::now();
    let mut size = log.size()?;
    while size < records {
        // Record 0 is there already: batches end on multiples of BATCH.
        let chunk = (BATCH - size % BATCH).min(records - size);
        log.append_batch((0..chunk).map(|_| (EntryKind::Inspection, &entry)))?;
        size += chunk;
        if size % 100_000 < chunk {
            eprintln!("  built {size} of {records} records");
        }
    }
    let build = started.elapsed();
    drop(log);
    rows.push(Row::new(format!("build {records} records (append_batch of {BATCH})"), seconds(build), "", None));

    let started = Instant::now();
    let report = verify_database(&db)?;
    let verify = started.elapsed();
    if !report.intact() {
        anyhow::bail!("the benchmark log does not verify: {:?}", report.findings);
    }
    let verified = report.own.as_ref().map_or(0, |own| own.records);
    if verified != records {
        anyhow::bail!("verify saw {verified} records, the benchmark wrote {records}");
    }
    rows.push(Row::new(
        format!("verify {records} records"),
        seconds(verify),
        "<= 5 s (for 1,000,000)",
        (records == 1_000_000).then(|| verify <= Duration::from_secs(5)),
    ));
    rows.push(Row::new("database size".to_owned(), megabytes(file_size(&db)), "", None));

    // (iii) The same log exported to CSV (with its proof and its export record).
    let mut log = AuditLog::open(&db, &OpenOptions::default())?;
    let out = work.path.join("export.csv");
    let by = Actor { role: Role::Supervisor, name: Some("bench".into()) };
    let started = Instant::now();
    let summary = export_log(&mut log, ExportFormat::Csv, &out, false, by)?;
    let export = started.elapsed();
    rows.push(Row::new(format!("export {} records to CSV", summary.records), seconds(export), "", None));
    rows.push(Row::new("CSV size".to_owned(), megabytes(file_size(&out)), "", None));
    drop(log);

    print_table(&rows)?;
    if work.keep {
        outln!("files kept in {}", work.path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of the result table.
struct Row {
    measure: String,
    value: String,
    goal: &'static str,
    met: Option<bool>,
}

impl Row {
    fn new(measure: String, value: String, goal: &'static str, met: Option<bool>) -> Self {
        Self { measure, value, goal, met }
    }
}

fn print_table(rows: &[Row]) -> std::io::Result<()> {
    let width = rows.iter().map(|r| r.measure.len()).max().unwrap_or(0);
    outln!("{:width$}  {:>12}  goal", "measure", "value");
    for row in rows {
        let verdict = match row.met {
            Some(true) => " (met)",
            Some(false) => " (MISSED)",
            None => "",
        };
        outln!("{:width$}  {:>12}  {}{verdict}", row.measure, row.value, row.goal);
    }
    Ok(())
}

#[allow(clippy::cast_precision_loss)] // Counts and sizes far below 2^52.
fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn seconds(elapsed: Duration) -> String {
    format!("{:.2} s", elapsed.as_secs_f64())
}

#[allow(clippy::cast_precision_loss)] // Sizes far below 2^52.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// A file's size, with its `-wal` beside it (0 when missing).
fn file_size(path: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    [path, wal.as_path()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// The benchmark's folder: a new subfolder of `--dir` (kept), or of the temp folder (removed).
struct WorkDir {
    path: PathBuf,
    keep: bool,
}

impl WorkDir {
    fn new(dir: Option<&Path>) -> anyhow::Result<Self> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let name = format!("docexam-bench-{stamp}-{}", std::process::id());
        let (path, keep) = match dir {
            Some(dir) => (dir.join(name), true),
            None => (std::env::temp_dir().join(name), false),
        };
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self { path, keep })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
