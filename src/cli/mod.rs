//! The command-line shell: argument parsing and output. All checking is done by the core.

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`docexam audit list | head`); `main` treats a broken pipe as success.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout_line(format_args!($($arg)*))?
    };
}

pub mod audit;
#[cfg(feature = "ocr")]
pub mod bench_scan;
pub mod exercise;
pub mod inspect;
pub mod manual;
pub mod mrz;
#[cfg(feature = "ocr")]
pub mod scan;
pub mod synth;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use docexam_mrz::dates::CalendarDate;

/// Examine travel documents: read and check machine-readable zones.
///
/// Run without a subcommand to open the desk app.
#[derive(Debug, Parser)]
#[command(name = "docexam", version, about, long_about = None)]
pub struct Cli {
    /// The date to check expiry against and to place two-digit years (YYYY-MM-DD; default: today, UTC).
    #[arg(long, global = true, value_parser = parse_reference_date)]
    pub reference_date: Option<CalendarDate>,

    /// Folder of examination manuals (default: $DOCEXAM_MANUALS, then `manuals/` next to the binary or up to 3 folders
    /// above it, then $XDG_DATA_HOME/docexam/manuals and /usr/share/docexam/manuals).
    #[arg(long, global = true, value_name = "DIR")]
    pub manuals: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check MRZ text: every field decoded, every check digit verified, every finding explained.
    ///
    /// Exit status: 0 valid, 1 invalid, 2 unreadable or usage error.
    Mrz(mrz::MrzArgs),
    /// Find, read and check the MRZ on images (scans, photos): one result per file, in order.
    #[cfg(feature = "ocr")]
    Scan(scan::ScanArgs),
    /// Accuracy report: scan every image in a `docexam synth` folder and compare with its truth.
    #[cfg(feature = "ocr")]
    BenchScan(bench_scan::BenchScanArgs),
    /// Examination manuals: validate, list and print them.
    Manual(manual::ManualArgs),
    /// Run a first-line inspection of one document in the terminal and print the record as JSON.
    Inspect(inspect::InspectArgs),
    /// The tamper-evident audit log: record, list, export, verify, purge, statistics, import.
    Audit(audit::AuditArgs),
    /// Generate specimen document images of fictional people, with a truth file.
    Synth(synth::SynthArgs),
    /// Training exercises: list, add, run and report packs of documents with an answer key.
    Exercise(exercise::ExerciseArgs),
    /// Open the desk app (the default when no subcommand is given).
    Gui(GuiArgs),
}

/// Options of the desk app.
#[derive(Debug, Default, clap::Args)]
pub struct GuiArgs {
    /// An image to open as the first document.
    #[arg(value_name = "IMAGE")]
    pub open: Option<std::path::PathBuf>,
    /// The audit database (default: the settings, then $DOCEXAM_DB, then audit.sqlite in the OS data folder).
    #[arg(long, value_name = "FILE")]
    pub db: Option<std::path::PathBuf>,
    /// A folder a scanner writes into: each new image opens as the next document.
    #[arg(long, value_name = "DIR")]
    pub watch: Option<std::path::PathBuf>,
    /// The exercise packs folder for the Trainer tab (default: $DOCEXAM_PACKS, the shipped packs, the trainers' own).
    #[arg(long, value_name = "DIR")]
    pub packs: Option<std::path::PathBuf>,
    /// Where settings and unfinished inspections are kept (default: the OS config folder).
    #[arg(long, value_name = "DIR", hide = true)]
    pub state_dir: Option<std::path::PathBuf>,
    /// Walk through the main screens, save a screenshot of each here, print timings, and close
    /// (scripts/screenshots).
    #[arg(long, value_name = "DIR", hide = true)]
    pub screenshots: Option<std::path::PathBuf>,
    /// The images the screenshot tour opens.
    #[arg(long, value_name = "DIR", hide = true, default_value = "test-images/scan")]
    pub tour_images: std::path::PathBuf,
}

/// Writes one line to standard output.
pub fn write_stdout_line(line: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_fmt(line)?;
    stdout.write_all(b"\n")
}

/// A date as YYYY-MM-DD (filters such as `--since` may name any date).
fn parse_date(text: &str) -> Result<CalendarDate, String> {
    CalendarDate::parse_iso(text).ok_or_else(|| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

/// A reference date: a date in [`REFERENCE_YEARS`].
fn parse_reference_date(text: &str) -> Result<CalendarDate, String> {
    let date = parse_date(text)?;
    // Two-digit MRZ years are placed within a century of the reference date: outside this range
    // they would print as years like -26 or 10012.
    if !REFERENCE_YEARS.contains(&date.year) {
        return Err(format!(
            "{} is outside the reference dates docexam accepts ({}-01-01 to {}-12-31)",
            text.trim(),
            REFERENCE_YEARS.start(),
            REFERENCE_YEARS.end()
        ));
    }
    Ok(date)
}

/// The years a reference date may be in.
const REFERENCE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// `text` for a text listing: control characters (a newline in a file name, a terminal escape)
/// written as escapes, so a file name can never add or fake a line of output.
pub fn escaped(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

/// A path for a text listing, see [`escaped`].
pub fn shown(path: &std::path::Path) -> String {
    escaped(&path.display().to_string())
}

/// Today's date (UTC), for the default reference date.
pub fn today() -> CalendarDate {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    CalendarDate::from_unix_seconds(seconds)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let reference_date = cli.reference_date.unwrap_or_else(today);
    match cli.command {
        Some(Command::Mrz(args)) => mrz::run(&args, reference_date),
        #[cfg(feature = "ocr")]
        Some(Command::Scan(args)) => scan::run(&args, reference_date),
        #[cfg(feature = "ocr")]
        Some(Command::BenchScan(args)) => bench_scan::run(&args, reference_date),
        Some(Command::Manual(args)) => manual::run(&args, cli.manuals.as_deref()),
        Some(Command::Inspect(args)) => inspect::run(&args, cli.manuals.as_deref(), reference_date),
        Some(Command::Audit(args)) => audit::run(&args),
        Some(Command::Synth(args)) => synth::run(&args, reference_date),
        Some(Command::Exercise(args)) => exercise::run(&args, cli.manuals.as_deref()),
        Some(Command::Gui(args)) => run_gui(args, cli.manuals, reference_date),
        None => run_gui(GuiArgs::default(), cli.manuals, reference_date),
    }
}

#[cfg(feature = "gui")]
fn run_gui(
    args: GuiArgs,
    manuals: Option<std::path::PathBuf>,
    reference_date: CalendarDate,
) -> anyhow::Result<ExitCode> {
    let config = docexam_desk::AppConfig {
        reference_date,
        store_dir: args.state_dir,
        manuals_dir: manuals,
        database: args.db,
        open: args.open,
        watch: args.watch,
        packs_dir: args.packs,
        tour: args.screenshots.map(|out_dir| docexam_desk::TourConfig {
            out_dir,
            images: args.tour_images,
            passphrase: std::env::var("DOCEXAM_SUPERVISOR_PASSPHRASE").ok(),
        }),
    };
    docexam_desk::run(config).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn run_gui(
    _args: GuiArgs,
    _manuals: Option<std::path::PathBuf>,
    _reference_date: CalendarDate,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this docexam was built without the desk app (cargo feature `gui`); use a subcommand, see --help")
}
