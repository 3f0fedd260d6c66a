//! `docexam exercise report`: a pack's sessions scored against its current key, as aligned
//! tables or CSV (per session, per document, per item, per trainee).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

use docexam_audit::AuditError;
use docexam_audit::export::neutralise_cell;
use docexam_audit::query::AuditReader;
use docexam_audit::training::SessionSummary;
use docexam_exam::training::packs::PackSearch;
use docexam_exam::training::summary::{DocumentSummary, PointsHistory, item_totals};
use docexam_exam::training::{AnswerKey, SessionScore, score_attempts};
use docexam_files::database_path;

use super::{ReportArgs, ReportFormat, ReportTable, find_pack, manual_library, print_table, shelf};

/// A session and its score.
struct ScoredSession {
    summary: SessionSummary,
    score: SessionScore,
    key_changed: bool,
}

pub(super) fn report(search: &PackSearch, manuals_dir: Option<&Path>, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let library = manual_library(manuals_dir);
    let (_, shelf) = shelf(search, &library);
    let pack = find_pack(&shelf, &args.id)?;
    let key = &pack.pack.key;
    let db = database_path(args.db.as_deref())?;
    let reader = AuditReader::open(&db)?;
    let sessions = reader.snapshot(|reader| {
        let mut scored = Vec::new();
        for summary in reader.training_sessions(Some(&key.id), args.trainee.as_deref())? {
            let attempts = reader.training_attempts(summary.id)?;
            let key_changed = summary.session.key_sha256 != pack.key_sha256;
            scored.push(ScoredSession { score: score_attempts(key, &attempts), summary, key_changed });
        }
        Ok::<_, AuditError>(scored)
    })?;
    let tables: Vec<ReportTable> = match (args.table, args.format) {
        (Some(table), _) => vec![table],
        (None, ReportFormat::Csv) => vec![ReportTable::Sessions],
        (None, ReportFormat::Table) => {
            vec![ReportTable::Sessions, ReportTable::Documents, ReportTable::Items, ReportTable::Trainees]
        }
    };
    if args.format == ReportFormat::Table {
        let trainee = args.trainee.as_deref().map(|t| format!(", trainee {t}")).unwrap_or_default();
        outln!(
            "Exercise {} \"{}\" ({} documents){trainee}: {} session(s) in {}",
            key.id,
            key.title,
            key.documents.len(),
            sessions.len(),
            db.display()
        );
        if sessions.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    for table in tables {
        let (header, right, rows) = match table {
            ReportTable::Sessions => session_rows(key, &sessions, args.format),
            ReportTable::Documents => document_rows(key, &sessions),
            ReportTable::Items => item_rows(&sessions),
            ReportTable::Trainees => trainee_rows(&sessions, args.format),
        };
        match args.format {
            ReportFormat::Table => {
                outln!("");
                print_table(&header, &right, &rows)?;
                if table == ReportTable::Sessions && sessions.iter().any(|s| s.key_changed) {
                    outln!("* the pack's key changed since the session: it is scored against the current key");
                }
            }
            ReportFormat::Csv => write_csv(&header, &rows)?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

type Table = (Vec<&'static str>, Vec<bool>, Vec<Vec<String>>);

fn points(value: f64) -> String {
    format!("{value:.1}")
}

fn session_rows(key: &AnswerKey, sessions: &[ScoredSession], format: ReportFormat) -> Table {
    let header = vec![
        "session",
        "trainee",
        "started",
        "mode",
        "status",
        "documents",
        "points",
        "outcomes_right",
        "missed_frauds",
        "false_alarms",
        "critical_found",
        "critical_planted",
        "median_seconds",
        "key_changed",
    ];
    let right = vec![true, false, false, false, false, true, true, true, true, true, true, true, true, false];
    let rows = sessions
        .iter()
        .map(|s| {
            let started = s.summary.started_at.to_string();
            let started = match format {
                ReportFormat::Table => started.get(..16).unwrap_or(&started).replace('T', " "),
                ReportFormat::Csv => started,
            };
            let key_changed = match (format, s.key_changed) {
                (ReportFormat::Table, true) => "*",
                (ReportFormat::Table, false) => "",
                (ReportFormat::Csv, changed) => {
                    if changed {
                        "yes"
                    } else {
                        "no"
                    }
                }
            };
            vec![
                s.summary.id.to_string(),
                s.summary.session.trainee.clone(),
                started,
                if s.summary.session.manual_only { "manual only" } else { "with OCR" }.to_owned(),
                if s.summary.finished_at.is_some() { "finished" } else { "unfinished" }.to_owned(),
                format!("{}/{}", s.score.documents.len(), key.documents.len()),
                points(s.score.points),
                s.score.outcomes_right.to_string(),
                s.score.missed_frauds.to_string(),
                s.score.false_alarms.to_string(),
                s.score.critical_found.to_string(),
                s.score.critical_planted.to_string(),
                s.score.median_seconds.map(|m| m.to_string()).unwrap_or_default(),
                key_changed.to_owned(),
            ]
        })
        .collect();
    (header, right, rows)
}

fn document_rows(key: &AnswerKey, sessions: &[ScoredSession]) -> Table {
    let header = vec![
        "document",
        "image",
        "expected",
        "attempts",
        "outcomes_right",
        "missed_frauds",
        "false_alarms",
        "defects_found",
        "defects_planted",
        "mean_points",
    ];
    let right = vec![true, false, false, true, true, true, true, true, true, true];
    let rows = key
        .documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            let summary = DocumentSummary::over(&document.image, sessions.iter().map(|s| &s.score));
            vec![
                (index + 1).to_string(),
                document.image.clone(),
                document.expected_outcome.key().to_owned(),
                summary.attempts.to_string(),
                summary.outcomes_right.to_string(),
                summary.missed_frauds.to_string(),
                summary.false_alarms.to_string(),
                summary.defects_found.to_string(),
                summary.defects_planted.to_string(),
                summary.mean_points.map(points).unwrap_or_default(),
            ]
        })
        .collect();
    (header, right, rows)
}

fn item_rows(sessions: &[ScoredSession]) -> Table {
    let rows = item_totals(sessions.iter().map(|s| &s.score))
        .into_iter()
        .map(|(item, t)| vec![item, t.found.to_string(), t.missed.to_string(), t.false_alarms.to_string()])
        .collect();
    (vec!["item", "found", "missed", "false_alarms"], vec![false, true, true, true], rows)
}

fn trainee_rows(sessions: &[ScoredSession], format: ReportFormat) -> Table {
    let mut trainees: BTreeMap<&str, Vec<&ScoredSession>> = BTreeMap::new();
    for session in sessions {
        trainees.entry(session.summary.session.trainee.as_str()).or_default().push(session);
    }
    let arrow = match format {
        ReportFormat::Table => " -> ",
        ReportFormat::Csv => " ",
    };
    let rows = trainees
        .iter()
        .map(|(trainee, taken)| {
            let all: Vec<f64> = taken.iter().map(|s| s.score.points).collect();
            let history = PointsHistory::of(&all);
            let dates: BTreeSet<String> = taken.iter().map(|s| s.summary.started_at.date().to_string()).collect();
            vec![
                (*trainee).to_owned(),
                taken.len().to_string(),
                dates.first().cloned().unwrap_or_default(),
                dates.last().cloned().unwrap_or_default(),
                history.latest.map(points).unwrap_or_default(),
                points(history.best),
                points(history.mean),
                all.iter().map(|p| points(*p)).collect::<Vec<_>>().join(arrow),
            ]
        })
        .collect();
    (
        vec!["trainee", "sessions", "first", "last", "latest_points", "best_points", "mean_points", "history"],
        vec![false, true, false, false, true, true, true, false],
        rows,
    )
}

fn write_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut out = Vec::new();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row.iter().map(|cell| neutralise_cell(cell).into_owned()))?;
        }
        writer.flush()?;
    }
    crate::print_stdout(&String::from_utf8_lossy(&out))?;
    Ok(())
}
