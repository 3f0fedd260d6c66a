//! `docexam exercise`: training exercises from the terminal. A pack is a folder of document
//! images and an answer key (`docexam_exam::training`); where packs are found is
//! `docexam_exam::training::packs`. Results go to the training tables of the audit database
//! (`docexam_audit::training`), never into the log itself.
//!
//! - `list`: the packs found, and the broken ones with their problems (never fatal to the others).
//! - `new --from-dir DIR`: check a trainer's pack (key against its manual, every image readable)
//!   and copy it into the trainers' packs folder.
//! - `run ID --trainee NAME`: the trainee inspects each document with the normal inspection flow
//!   (the same prompts as `docexam inspect`, or an answers file), each decided inspection is
//!   stored with the seconds spent on it, and the score is printed.
//! - `report ID`: per session, per document, per item and per trainee, as a table or CSV.
//!
//! Exit status: 0 done; 1 refused (an answers file that does not fit the pack or breaks the
//! inspection rules, nothing recorded; `new` with an invalid pack or a pack id already taken);
//! 2 cannot (usage, unreadable files, no such pack, the audit log cannot be read or written).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use docexam_audit::AuditError;
use docexam_audit::training::{NewSession, SessionId};
use docexam_exam::inspection::{DocumentSource, Inspection, MrzInput, Setup, Timestamp};
use docexam_exam::manual::{Level, LoadedManual, ManualLibrary};
use docexam_exam::training::answers::{AnswersProblem, ExerciseAnswers};
use docexam_exam::training::packs::{FoundPack, PackSearch, PackShelf, PacksDir, check_pack};
use docexam_exam::training::{AnswerKey, Attempt, KEY_FILE, SessionScore, score_attempts};
use docexam_files::{database_path, find_manuals_dir};
use docexam_imaging::decode::{DecodeLimits, decode};
use docexam_mrz::dates::{CalendarDate, DatePolicy};

use super::audit::{EXIT_CANNOT, EXIT_REFUSED};
use super::inspect::{Prompter, Reading, now, read_answers_file};
use super::{escaped, shown};

mod report;

/// Arguments of `docexam exercise`.
#[derive(Debug, clap::Args)]
pub struct ExerciseArgs {
    /// Folder of exercise packs (default: $DOCEXAM_PACKS, then test-images/training next to the binary or up to 3
    /// folders above it). The trainers' packs folder (packs/ in the OS data folder, where `exercise new` copies
    /// packs) is always read too.
    #[arg(long, global = true, value_name = "DIR")]
    pub packs: Option<PathBuf>,

    #[command(subcommand)]
    pub command: ExerciseCommand,
}

/// `docexam exercise` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ExerciseCommand {
    /// List the packs found (id, title, documents, manual, folder) and the broken ones with their problems.
    List,
    /// Add a trainer's pack (a folder of images and a key.toml) to the trainers' packs folder.
    New(NewArgs),
    /// Work through a pack as a trainee: each document with the normal inspection flow, then the score.
    ///
    /// Documents are examined on the key's reference date (the global --reference-date does not apply). Without
    /// --answers the prompts of `docexam inspect` come on standard error, document after document; each decided
    /// document is stored at once, with the seconds it took.
    Run(RunArgs),
    /// Scores of a pack's sessions: per session, per document, per item, per trainee.
    Report(ReportArgs),
}

/// Arguments of `docexam exercise new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The pack: a folder with key.toml and the images it lists.
    #[arg(long, value_name = "DIR")]
    pub from_dir: PathBuf,
}

/// Arguments of `docexam exercise run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The pack id (see `docexam exercise list`).
    #[arg(value_name = "ID")]
    pub id: String,

    /// The trainee's name or id, recorded with the session.
    #[arg(long, value_name = "NAME")]
    pub trainee: String,

    /// JSON answers for every document: run without prompts. Keys are document numbers (1 = the key's first) or
    /// image names; each value is {"answers": {"F02": "fail", "G01": "pass", "H01": "n/a"}, "outcome": "refuse",
    /// "refusal_reasons": ["B"], "justification": "...", "seconds": 40}. An answer may also be {"answer": "fail",
    /// "reason": "...", "note": "..."}: a reason is needed to change a machine answer. Answers are pass, fail, n/a
    /// or not_checked; outcomes admit, refer_second_line, refuse, seize or send_to_laboratory; seconds (time spent)
    /// are optional.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Manual only: no OCR and no machine answers; the trainee finds everything.
    #[arg(long)]
    pub manual_only: bool,

    /// Language of the manual (English when that language is missing).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,

    /// The audit database the results go to (default: as `docexam audit`: $DOCEXAM_DB, then audit.sqlite in the
    /// OS data folder). Training results have tables of their own and never mix with the log's records.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// Arguments of `docexam exercise report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The pack id.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Only this trainee's sessions.
    #[arg(long, value_name = "NAME")]
    pub trainee: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Only this table (CSV prints one table: sessions unless another is named).
    #[arg(long, value_enum)]
    pub table: Option<ReportTable>,

    /// The audit database (default: as `docexam audit`).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// `--format` of `exercise report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned text tables.
    Table,
    /// CSV with a header (cells that look like spreadsheet formulas are neutralised).
    Csv,
}

/// `--table` of `exercise report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportTable {
    /// One row per session.
    Sessions,
    /// One row per document of the pack, over the sessions.
    Documents,
    /// Hits and misses per checklist item, over the sessions.
    Items,
    /// Each trainee's history over their sessions.
    Trainees,
}

/// Runs `docexam exercise`.
pub fn run(args: &ExerciseArgs, manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let search = PackSearch::from_environment(args.packs.as_deref());
    match &args.command {
        ExerciseCommand::List => list(&search, manuals_dir),
        ExerciseCommand::New(a) => new(&search, manuals_dir, a),
        ExerciseCommand::Run(a) => run_exercise(&search, manuals_dir, a),
        ExerciseCommand::Report(a) => report::report(&search, manuals_dir, a),
    }
}

/// The manual library; when there is none, an empty one (every pack is then broken, saying why).
fn manual_library(manuals_dir: Option<&Path>) -> ManualLibrary {
    let loaded = find_manuals_dir(manuals_dir)
        .map_err(anyhow::Error::from)
        .and_then(|found| ManualLibrary::load_dir(&found.dir).map_err(anyhow::Error::from));
    loaded.unwrap_or_else(|e| {
        eprintln!("docexam: no manual library ({e}); packs cannot be checked against their manuals");
        ManualLibrary::default()
    })
}

fn shelf(search: &PackSearch, library: &ManualLibrary) -> (Vec<PacksDir>, PackShelf) {
    let dirs = search.dirs(Path::is_dir);
    let shelf = PackShelf::scan(&dirs, library);
    (dirs, shelf)
}

/// Every line of `text` indented by `indent` (parser messages run over several lines).
fn indented(text: &str, indent: &str) -> String {
    text.lines().map(|line| format!("{indent}{line}")).collect::<Vec<_>>().join("\n")
}

fn list(search: &PackSearch, manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let library = manual_library(manuals_dir);
    let (dirs, shelf) = shelf(search, &library);
    if dirs.is_empty() {
        let user = search.user_packs_dir().map_or_else(|| "(no home folder)".to_owned(), |d| d.display().to_string());
        outln!(
            "no packs folder: give one with --packs DIR or {}; `exercise new` adds packs to {user}",
            docexam_files::PACKS_ENV
        );
        return Ok(ExitCode::SUCCESS);
    }
    for dir in &dirs {
        outln!("packs in {} ({})", shown(&dir.dir), dir.source);
    }
    for (dir, error) in &shelf.unreadable {
        outln!("cannot read {}: {}", shown(dir), escaped(&error.to_string()));
    }
    if shelf.packs.is_empty() {
        outln!("no usable pack");
    } else {
        let rows: Vec<Vec<String>> = shelf
            .packs
            .iter()
            .map(|p| {
                vec![
                    p.pack.key.id.clone(),
                    p.pack.key.title.clone(),
                    p.pack.key.documents.len().to_string(),
                    p.pack.key.manual.clone(),
                    format!("{} ({})", shown(&p.pack.dir), p.source),
                ]
            })
            .collect();
        print_table(&["ID", "TITLE", "DOCS", "MANUAL", "WHERE"], &[false, false, true, false, false], &rows)?;
    }
    if !shelf.broken.is_empty() {
        outln!("\n{} broken pack(s), not used:", shelf.broken.len());
        for broken in &shelf.broken {
            let id = broken.id.as_deref().map(|id| format!(" (id {id})")).unwrap_or_default();
            outln!("  {}{id}", shown(&broken.dir));
            for problem in &broken.problems {
                let text = problem.to_string();
                outln!("    - {}", indented(&text, "      ").trim_start());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Aligned columns: two spaces apart, `right[i]` right-aligns column `i`; the last column is not
/// padded.
fn print_table(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (i, cell) in cells.enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let last = i + 1 == header.len();
            if i > 0 {
                out.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                out.push_str(&format!("{cell:>width$}"));
            } else if last {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}"));
            }
        }
        out.trim_end().to_owned()
    };
    outln!("{}", line(&mut header.iter().copied()));
    for row in rows {
        outln!("{}", line(&mut row.iter().map(String::as_str)));
    }
    Ok(())
}

fn new(search: &PackSearch, manuals_dir: Option<&Path>, args: &NewArgs) -> anyhow::Result<ExitCode> {
    let from = &args.from_dir;
    if !from.is_dir() {
        eprintln!("docexam: {} is not a folder", from.display());
        return Ok(ExitCode::from(EXIT_CANNOT));
    }
    let library = manual_library(manuals_dir);
    let (pack, _) = match check_pack(from, &library) {
        Ok(checked) => checked,
        Err((_, problems)) => {
            for problem in &problems {
                eprintln!("docexam: {}", indented(&problem.to_string(), "  ").trim_start());
            }
            eprintln!("docexam: {} problem(s) in {}; the pack was not added", problems.len(), from.display());
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
    };
    let mut unreadable = 0usize;
    for (index, document) in pack.key.documents.iter().enumerate() {
        let path = from.join(&document.image);
        if let Err(problem) = read_image(&path)
            .and_then(|bytes| decode(&bytes, &DecodeLimits::default()).map(drop).map_err(|e| anyhow::anyhow!("{e}")))
        {
            eprintln!(
                "docexam: document {} ({}): not an image docexam can read: {problem:#}",
                index + 1,
                document.image
            );
            unreadable += 1;
        }
    }
    if unreadable > 0 {
        eprintln!("docexam: {unreadable} image(s) cannot be read; the pack was not added");
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    let id = &pack.key.id;
    let (_, shelf) = shelf(search, &library);
    let taken =
        shelf.find(id).map(|p| p.pack.dir.clone()).or_else(|| shelf.broken_with_id(id).next().map(|b| b.dir.clone()));
    let Some(root) = search.user_packs_dir() else {
        eprintln!("docexam: no home folder: the trainers' packs folder cannot be found");
        return Ok(ExitCode::from(EXIT_CANNOT));
    };
    let target = root.join(id);
    if let Some(other) = taken.or_else(|| target.exists().then(|| target.clone())) {
        eprintln!(
            "docexam: pack id {id:?} is already taken by {}; not overwritten (give the pack another id)",
            other.display()
        );
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    match copy_pack(&pack.dir, &pack.key, &root, &target) {
        Ok(()) => {
            outln!(
                "added pack {id} ({} documents, manual {}) to {}",
                pack.key.documents.len(),
                pack.key.manual,
                target.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("docexam: cannot add the pack: {e:#}");
            Ok(ExitCode::from(EXIT_CANNOT))
        }
    }
}

/// Copies the key and the images it lists into a hidden folder beside `target`, then renames it
/// into place, so the packs folder never shows a half-copied pack.
fn copy_pack(from: &Path, key: &AnswerKey, root: &Path, target: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
    let staging = root.join(format!(".new-{}-{}", key.id, std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let copied = (|| {
        let files = std::iter::once(KEY_FILE).chain(key.documents.iter().map(|d| d.image.as_str()));
        for file in files {
            let to = staging.join(file);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::copy(from.join(file), &to)
                .with_context(|| format!("cannot copy {}", from.join(file).display()))?;
        }
        std::fs::rename(&staging, target).with_context(|| format!("cannot move the pack to {}", target.display()))
    })();
    if copied.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    copied
}

/// Reads an image file of at most the decoder's size limit.
fn read_image(path: &Path) -> anyhow::Result<Vec<u8>> {
    Ok(docexam_files::read::read_file(path, DecodeLimits::default().max_file_bytes as u64, "image")?)
}

/// The MRZ reason of a manual-only inspection: no machine answer is shown.
const MANUAL_ONLY: &str = "manual-only training";

/// Reads each document's MRZ the normal way (one OCR handle for the run), or not at all when
/// the trainer asked for manual-only work.
struct DocumentReader {
    #[cfg(feature = "ocr")]
    scanner: Option<docexam_scan::Scanner>,
    manual_only: bool,
    policy: DatePolicy,
}

impl DocumentReader {
    fn new(manual_only: bool, policy: DatePolicy) -> Self {
        Self {
            #[cfg(feature = "ocr")]
            scanner: None,
            manual_only,
            policy,
        }
    }

    /// `None` when manual-only.
    #[cfg(feature = "ocr")]
    fn read(&mut self, path: &Path, bytes: &[u8]) -> anyhow::Result<Option<Reading>> {
        use docexam_scan::{ScanOptions, Scanner};
        if self.manual_only {
            return Ok(None);
        }
        let scanner = match &mut self.scanner {
            Some(scanner) => scanner,
            None => self
                .scanner
                .insert(Scanner::new(self.policy, ScanOptions::default()).context("cannot start the OCR engine")?),
        };
        super::inspect::scan_image(scanner, path, bytes).map(Some)
    }

    #[cfg(not(feature = "ocr"))]
    fn read(&mut self, _path: &Path, _bytes: &[u8]) -> anyhow::Result<Option<Reading>> {
        let _ = self.policy;
        anyhow::ensure!(
            self.manual_only,
            "this docexam was built without OCR (cargo feature `ocr`): use --manual-only"
        );
        Ok(None)
    }
}

/// A document ready for the trainee: its image read (and scanned unless manual-only).
struct Document {
    path: PathBuf,
    bytes: Vec<u8>,
    reading: Option<Reading>,
}

impl Document {
    fn read(pack: &FoundPack, index: usize, reader: &mut DocumentReader) -> anyhow::Result<Self> {
        let path = pack.pack.image_path(index).context("no such document in the key")?;
        let bytes = read_image(&path)?;
        let reading = reader.read(&path, &bytes)?;
        Ok(Self { path, bytes, reading })
    }

    /// The inspection of this document by `trainee`, started at `started_at`.
    fn start(&self, manual: &LoadedManual, trainee: &str, started_at: Timestamp) -> anyhow::Result<Inspection> {
        let setup = Setup {
            level: Level::First,
            officer: Some(trainee.to_owned()),
            station: None,
            started_at,
            source: DocumentSource::image(self.path.display().to_string(), &self.bytes),
        };
        let mrz = self.reading.as_ref().map_or(MrzInput::NotRead { reason: MANUAL_ONLY }, Reading::input);
        Ok(Inspection::start(&manual.manual, &manual.content_hash, setup, mrz)?)
    }
}

fn run_exercise(search: &PackSearch, manuals_dir: Option<&Path>, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let trainee = args.trainee.trim();
    let problems = docexam_exam::training::trainee_problems(trainee);
    anyhow::ensure!(problems.is_empty(), "--trainee: {}", problems.join("; "));
    let library = manual_library(manuals_dir);
    let (_, shelf) = shelf(search, &library);
    let pack = find_pack(&shelf, &args.id)?;
    let key = &pack.pack.key;
    let selection = library.select(&key.manual, &args.lang)?;
    if let Some(fallback) = selection.fallback {
        eprintln!("docexam: {fallback}");
    }
    let manual = selection.manual;
    let reference_date = CalendarDate::parse_iso(&key.reference_date).context("the key's reference_date")?;
    let mut reader = DocumentReader::new(args.manual_only, DatePolicy::new(reference_date));
    let db = database_path(args.db.as_deref())?;
    let new_session = NewSession {
        pack_id: key.id.clone(),
        pack_title: key.title.clone(),
        key_sha256: pack.key_sha256.clone(),
        manual_id: key.manual.clone(),
        trainee: trainee.to_owned(),
        manual_only: args.manual_only,
    };

    let (session, attempts) = match &args.answers {
        Some(file) => {
            // Everything is checked before anything is recorded.
            let bytes = read_answers_file(file)?;
            let answers = ExerciseAnswers::from_json(&bytes)
                .with_context(|| format!("{} is not an exercise answers file", file.display()))?;
            let answers = match answers.match_key(key) {
                Ok(answers) => answers,
                Err(problems) => return Ok(refuse_answers(file, &problems)),
            };
            let mut attempts = Vec::new();
            let mut problems = Vec::new();
            for (index, answers) in answers.iter().enumerate() {
                let document = Document::read(pack, index, &mut reader)?;
                let decided_at = now()?;
                let inspection = document.start(manual, trainee, answers.started_at(decided_at))?;
                let image = key.documents.get(index).map_or("", |d| d.image.as_str());
                match answers.attempt(index, image, inspection, decided_at) {
                    Ok(attempt) => attempts.push(attempt),
                    Err(found) => problems.extend(found),
                }
            }
            if !problems.is_empty() {
                return Ok(refuse_answers(file, &problems));
            }
            let mut log = super::audit::open_for_writing(&db).map_err(|e| not_recorded(&db, &e))?;
            let mut store = log.training();
            let session = store.start_session(&new_session).map_err(|e| not_recorded(&db, &e))?;
            for attempt in &attempts {
                store
                    .record_attempt(session, attempt.index, &attempt.image, &attempt.inspection, attempt.seconds)
                    .map_err(|e| not_recorded(&db, &e))?;
            }
            store.finish_session(session).map_err(|e| not_recorded(&db, &e))?;
            (session, attempts)
        }
        None => interactive(pack, manual, &mut reader, &db, &new_session)?,
    };
    eprintln!("recorded training session {session} in {}", db.display());
    let score = score_attempts(key, &attempts);
    print_run_score(pack, session, &new_session, &score)?;
    Ok(ExitCode::SUCCESS)
}

fn refuse_answers(file: &Path, problems: &[AnswersProblem]) -> ExitCode {
    for problem in problems {
        eprintln!("docexam: {}: {problem}", file.display());
    }
    eprintln!("docexam: the answers file has {} problem(s); nothing recorded", problems.len());
    ExitCode::from(EXIT_REFUSED)
}

fn not_recorded(db: &Path, error: &AuditError) -> anyhow::Error {
    anyhow::anyhow!("the training results could not be recorded in {}: {error}", db.display())
}

/// The prompts of `docexam inspect`, document after document; each decided inspection is stored
/// at once (a session left by the trainee stays unfinished, with what was done).
fn interactive(
    pack: &FoundPack,
    manual: &LoadedManual,
    reader: &mut DocumentReader,
    db: &Path,
    new_session: &NewSession,
) -> anyhow::Result<(SessionId, Vec<Attempt>)> {
    let key = &pack.pack.key;
    let mut log = super::audit::open_for_writing(db).map_err(|e| not_recorded(db, &e))?;
    let session = log.training().start_session(new_session).map_err(|e| not_recorded(db, &e))?;
    let stdin = std::io::stdin();
    let mut prompter = Prompter { input: stdin.lock(), output: std::io::stderr() };
    let count = key.documents.len();
    let mut attempts = Vec::new();
    for (index, entry) in key.documents.iter().enumerate() {
        let document = Document::read(pack, index, reader)?;
        prompter.say(&format!(
            "\n=== Document {} of {count}: {}\n(open the image to examine it)",
            index + 1,
            document.path.display()
        ))?;
        let clock = Instant::now();
        let mut inspection = document.start(manual, &new_session.trainee, now()?)?;
        if let Err(e) = prompter.interview(&mut inspection, &manual.manual) {
            return Err(e.context(format!(
                "training session {session} stays unfinished ({} of {count} documents recorded)",
                attempts.len()
            )));
        }
        let seconds = clock.elapsed().as_secs();
        log.training()
            .record_attempt(session, index, &entry.image, &inspection, seconds)
            .map_err(|e| not_recorded(db, &e))?;
        attempts.push(Attempt { index, image: entry.image.clone(), inspection, seconds });
    }
    log.training().finish_session(session).map_err(|e| not_recorded(db, &e))?;
    Ok((session, attempts))
}

/// The usable pack `id`, or an error naming its problems or the packs there are.
fn find_pack<'s>(shelf: &'s PackShelf, id: &str) -> anyhow::Result<&'s FoundPack> {
    if let Some(pack) = shelf.find(id) {
        return Ok(pack);
    }
    if let Some(broken) = shelf.broken_with_id(id).next() {
        let problems: Vec<String> = broken.problems.iter().map(ToString::to_string).collect();
        anyhow::bail!("pack {id} ({}) cannot be used: {}", broken.dir.display(), problems.join("; "));
    }
    let known: Vec<&str> = shelf.packs.iter().map(|p| p.pack.key.id.as_str()).collect();
    let known =
        if known.is_empty() { "no usable pack found".to_owned() } else { format!("known: {}", known.join(", ")) };
    anyhow::bail!("no exercise pack {id:?} ({known}; see `docexam exercise list`)")
}

fn seconds_text(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "-".to_owned(), |s| format!("{s} s"))
}

fn print_run_score(
    pack: &FoundPack,
    session: SessionId,
    new_session: &NewSession,
    score: &SessionScore,
) -> anyhow::Result<()> {
    let key = &pack.pack.key;
    let mode = if new_session.manual_only { ", manual only" } else { "" };
    outln!("Exercise {} \"{}\": trainee {}, session {session}{mode}", key.id, key.title, new_session.trainee);
    let width = key.documents.iter().map(|d| d.image.chars().count()).max().unwrap_or(0);
    for (index, document) in key.documents.iter().enumerate() {
        let image = &document.image;
        let Some(scored) = score.documents.iter().find(|d| d.image == document.image) else {
            outln!("  {:>2}  {image:<width$}  not attempted: 0 points", index + 1);
            continue;
        };
        let outcome = scored.outcome.map_or_else(|| "undecided".to_owned(), |o| o.to_string());
        let verdict = if scored.missed_fraud {
            "MISSED FRAUD"
        } else if scored.false_alarm {
            "FALSE ALARM"
        } else if scored.outcome_right {
            "right"
        } else {
            "wrong outcome"
        };
        outln!(
            "  {:>2}  {image:<width$}  {outcome} (expected {}): {verdict}, {:.1} points, {}",
            index + 1,
            scored.expected,
            scored.points,
            seconds_text(scored.seconds)
        );
        for (defect, found) in document.defects.iter().zip(&scored.defects_found) {
            if !found {
                let weight = if defect.critical { "critical" } else { "supporting" };
                outln!("        missed ({weight}; items {}): {}", defect.items.join(", "), defect.description);
            }
        }
        for item in &scored.false_findings {
            outln!("        false finding: {item} failed, but nothing is wrong there");
        }
    }
    outln!(
        "Overall: {:.1} points; outcomes right {}/{}; missed frauds {}; false alarms {}; critical defects found {}/{}; \
         median {}",
        score.points,
        score.outcomes_right,
        key.documents.len(),
        score.missed_frauds,
        score.false_alarms,
        score.critical_found,
        score.critical_planted,
        seconds_text(score.median_seconds)
    );
    Ok(())
}
