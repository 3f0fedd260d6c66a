//! `audit list`, `audit stats`, `audit purge`. The reading, counting and purging are in
//! `docexam_audit::{query, purge}`; this is the printing.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use docexam_audit::AuditError;
use docexam_audit::query::{AuditReader, GroupBy, ListFilter, ListedRecord, Stats};
use docexam_exam::inspection::Outcome;
use docexam_mrz::dates::CalendarDate;

use super::{SupervisorArgs, authenticate, open_for_writing, report_error};
use crate::cli::parse_date;

/// `audit list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only records written on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<CalendarDate>,

    /// Only inspections with this outcome (repeatable): admit, refer_second_line, refuse, seize, send_to_laboratory.
    #[arg(long, value_name = "OUTCOME", value_parser = parse_outcome)]
    pub outcome: Vec<Outcome>,

    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `audit stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Group by.
    #[arg(long, value_parser = group_by_parser(), default_value_t = GroupBy::Outcome)]
    pub by: GroupBy,

    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,

    /// Only inspections decided on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<CalendarDate>,
}

/// The `--by` parser: the names and help lines of [`GroupBy`], checked by clap.
fn group_by_parser() -> impl clap::builder::TypedValueParser<Value = GroupBy> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    let values = GroupBy::ALL.map(|by| PossibleValue::new(by.name()).help(by.help()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<GroupBy>())
}

/// `audit stats --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Aligned columns.
    Table,
    /// CSV with a header (cells that look like spreadsheet formulas are neutralised).
    Csv,
}

/// `audit purge`.
#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    /// Remove personal data of inspections recorded before this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub before: CalendarDate,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::ALL.into_iter().find(|o| o.key() == text).ok_or_else(|| {
        let keys: Vec<&str> = Outcome::ALL.iter().map(|o| o.key()).collect();
        format!("{text:?} is not an outcome; use one of {}", keys.join(", "))
    })
}

/// A cell as shown in a terminal: control characters (a line break in an id, an escape sequence)
/// would break the columns or drive the terminal.
fn cell(text: Option<&str>) -> String {
    match text {
        Some(text) => text.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect(),
        None => "-".into(),
    }
}

/// The table columns of `audit list`; the last (outcome, or what an administrative record says)
/// is not padded.
const LIST_HEADER: [&str; 10] = ["desk", "seq", "time", "kind", "officer", "doc", "issuer", "nat", "mrz", "outcome"];

fn list_cells(record: &ListedRecord) -> [String; 10] {
    let last = record.outcome.as_deref().or(record.description.as_deref());
    [
        cell(Some(&record.desk)),
        record.seq.to_string(),
        cell(Some(&record.at)),
        cell(Some(&record.kind)),
        cell(record.officer.as_deref()),
        cell(record.document_code.as_deref()),
        cell(record.issuer.as_deref()),
        cell(record.nationality.as_deref()),
        cell(record.mrz_verdict.as_deref()),
        cell(last),
    ]
}

/// One table line: the desk column only when imported records are listed too; seq right-aligned.
fn list_line(cells: &[String; 10], widths: &[usize; 10], with_desk: bool) -> String {
    let mut line = String::new();
    for (n, (text, width)) in cells.iter().zip(widths).enumerate() {
        if n == 0 && !with_desk {
            continue;
        }
        let pad = width.saturating_sub(text.chars().count());
        if n == cells.len() - 1 {
            line.push_str(text);
        } else if n == 1 {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(text);
            line.push_str("  ");
        } else {
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', pad + 2));
        }
    }
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// Runs `audit list`.
pub fn list(db: &Path, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let reader = match AuditReader::open(db) {
        Ok(reader) => reader,
        Err(e) => return Ok(report_error(&e)),
    };
    let filter = ListFilter { since: args.since, outcomes: args.outcome.clone() };
    let mut stdout = std::io::stdout().lock();
    let listed = reader.snapshot(|reader| -> anyhow::Result<u64> {
        if args.json {
            return reader.for_each_record(&filter, |record| -> anyhow::Result<()> {
                serde_json::to_writer(&mut stdout, record).context("cannot write JSON")?;
                stdout.write_all(b"\n")?;
                Ok(())
            });
        }
        // Two passes over one snapshot: the column widths, then the lines (a million records
        // need not be held in memory to align them).
        let mut widths = LIST_HEADER.map(str::len);
        reader.for_each_record(&filter, |record| -> anyhow::Result<()> {
            for (width, text) in widths.iter_mut().zip(list_cells(record)) {
                *width = (*width).max(text.chars().count());
            }
            Ok(())
        })?;
        let with_desk = reader.has_imported()?;
        stdout.write_all(list_line(&LIST_HEADER.map(str::to_owned), &widths, with_desk).as_bytes())?;
        reader.for_each_record(&filter, |record| -> anyhow::Result<()> {
            stdout.write_all(list_line(&list_cells(record), &widths, with_desk).as_bytes())?;
            Ok(())
        })
    });
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return audit_error_or(e),
    };
    stdout.flush()?;
    if listed == 0 {
        eprintln!("no records match");
    }
    Ok(ExitCode::SUCCESS)
}

/// An audit error gets its exit status; anything else (a closed pipe) goes up.
fn audit_error_or(error: anyhow::Error) -> anyhow::Result<ExitCode> {
    match error.downcast::<AuditError>() {
        Ok(audit) => Ok(report_error(&audit)),
        Err(other) => Err(other),
    }
}

/// Runs `audit stats`.
pub fn stats(db: &Path, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let stats = match AuditReader::open(db).and_then(|reader| reader.stats(args.by, args.since)) {
        Ok(stats) => stats,
        Err(e) => return Ok(report_error(&e)),
    };
    match args.format {
        StatsFormat::Csv => {
            let mut out = Vec::new();
            stats.write_csv(&mut out).context("cannot write CSV")?;
            crate::print_stdout(&String::from_utf8_lossy(&out))?;
        }
        StatsFormat::Table => crate::print_stdout(&stats_table(&stats))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn stats_table(stats: &Stats) -> String {
    let share = |count| format!("{:.1} %", stats.share_percent(count));
    let mut lines: Vec<[String; 3]> = vec![[stats.by.key_name().to_owned(), "count".into(), "share".into()]];
    for row in &stats.rows {
        lines.push([cell(Some(&row.key)), row.count.to_string(), share(row.count)]);
    }
    let total_share = if stats.inspections == 0 { share(0) } else { "100.0 %".into() };
    lines.push(["total".into(), stats.inspections.to_string(), total_share]);
    let mut widths = [0usize; 3];
    for line in &lines {
        for (width, text) in widths.iter_mut().zip(line) {
            *width = (*width).max(text.chars().count());
        }
    }
    let mut out = String::new();
    let last = lines.len() - 1;
    for (n, [key, count, share]) in lines.iter().enumerate() {
        if n == last {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 4));
            out.push('\n');
        }
        let pad = widths[0].saturating_sub(key.chars().count());
        out.push_str(&format!(
            "{key}{}  {count:>w1$}  {share:>w2$}\n",
            " ".repeat(pad),
            w1 = widths[1],
            w2 = widths[2]
        ));
    }
    out
}

/// Runs `audit purge`.
pub fn purge(db: &Path, args: &PurgeArgs) -> anyhow::Result<ExitCode> {
    if !db.exists() {
        return Ok(report_error(&AuditError::Missing { path: db.to_owned() }));
    }
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let by = match authenticate(&mut log, &args.supervisor, "purge personal data") {
        Ok(actor) => actor,
        Err(code) => return Ok(code),
    };
    let purged = match log.purge_personal_data(args.before, by) {
        Ok(purged) => purged,
        Err(e) => return Ok(report_error(&e)),
    };
    let covered = match purged.event.range {
        Some((from, to)) => format!(" (records #{from}-#{to})"),
        None => String::new(),
    };
    outln!(
        "purged the personal data of {} inspection(s) recorded before {}{covered}; the purge is record #{}",
        purged.event.purged,
        purged.event.before,
        purged.appended.seq
    );
    if !purged.wal_truncated {
        eprintln!(
            "docexam: another process was reading the log, so its write-ahead file ({}-wal) could not be emptied; \
             old copies of the purged data stay in it until the next write: close the desk app and purge again",
            db.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
