//! `docexam inspect`: one inspection of one document in the terminal, printed as a JSON record.
//!
//! The manual comes from the manual library, the MRZ from an image (`--image`, scanned as
//! `docexam scan` does) or from text (`--mrz`, checked as typed: no OCR repair). Automated items
//! are answered from the MRZ report; the officer answers the rest at the prompts (standard error
//! and standard input), or an answers file does (`--answers`, no prompts). The record goes to
//! standard output; its shape is documented in `docexam_exam::inspection`.
//!
//! A decided inspection is also recorded in the audit log (`--db`, as `docexam audit`), unless
//! `--no-record` is given. The record is printed even when recording fails, so nothing is lost.
//!
//! Exit status: 0 a record was printed (and, when decided, recorded); 1 the answers file breaks a
//! rule of the inspection (each violation explained on standard error, no record); 2 usage or read
//! errors, or the audit log could not record the inspection (the record is printed all the same).

use std::fmt::Write as _;
use std::io::{BufRead, Read as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use docexam_audit::AuditError;
use docexam_exam::inspection::answers::{AnswersFile, MAX_ANSWERS_FILE_BYTES};
use docexam_exam::inspection::{
    Answer, DecisionRequest, DocumentSource, Inspection, MAX_ID_CHARS, MAX_TEXT_CHARS, MrzEvidence, MrzInput, Outcome,
    RefusalReason, Setup, Suggestion, Timestamp,
};
use docexam_exam::manual::{Level, Manual, ManualLibrary};
use docexam_files::database_path;
use docexam_files::find_manuals_dir;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::MrzReport;
use docexam_mrz::{self as mrz, MAX_INPUT_BYTES};

/// Arguments of `docexam inspect`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("document").required(true).args(["image", "mrz"])))]
pub struct InspectArgs {
    /// Manual id (see `docexam manual list`).
    #[arg(long, value_name = "ID")]
    pub manual: String,

    /// Language of the manual (English when that language is missing).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,

    /// Image of the document (PNG, JPEG, TIFF, BMP, WebP); its MRZ is found and read.
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,

    /// MRZ text as printed: one `--mrz` per line, or the lines in one argument separated by
    /// newlines. Checked as given (no OCR repair).
    #[arg(long, value_name = "TEXT")]
    pub mrz: Vec<String>,

    /// JSON answers, overrides and decision: run without prompts. Shape:
    /// {"answers": [{"item": "F02", "answer": "pass", "note": "..."}],
    /// "overrides": [{"item": "C02", "answer": "pass", "reason": "...", "note": "..."}],
    /// "decision": {"outcome": "refuse", "refusal_reasons": ["A"], "justification": "..."}};
    /// every key optional; answers are pass, fail, not_applicable or not_checked; outcomes admit,
    /// refer_second_line, refuse, seize or send_to_laboratory. Without a decision the record is
    /// printed undecided.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Officer id recorded with the inspection.
    #[arg(long, value_name = "ID")]
    pub officer: Option<String>,

    /// Station (crossing point, desk) id recorded with the inspection.
    #[arg(long, value_name = "ID")]
    pub station: Option<String>,

    /// Examination level: items of a higher level are hidden (kept in the record, not asked).
    #[arg(long, value_enum, default_value_t = LevelArg::First)]
    pub level: LevelArg,

    /// The audit database the decided inspection is recorded in (default: as `docexam audit`:
    /// $DOCEXAM_DB, then audit.sqlite in the OS data folder).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Do not record the inspection in the audit log (a dry run; the record is only printed).
    #[arg(long)]
    pub no_record: bool,
}

/// `--level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LevelArg {
    /// First line (the desk).
    First,
    /// Second line (the back office).
    Second,
}

impl From<LevelArg> for Level {
    fn from(level: LevelArg) -> Self {
        match level {
            LevelArg::First => Level::First,
            LevelArg::Second => Level::Second,
        }
    }
}

const EXIT_RULE_BROKEN: u8 = 1;

/// Runs `docexam inspect`.
pub fn run(args: &InspectArgs, manuals_dir: Option<&Path>, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    let dir = find_manuals_dir(manuals_dir)?;
    let library = ManualLibrary::load_dir(&dir.dir)?;
    let selection = library.select(&args.manual, &args.lang)?;
    if let Some(fallback) = selection.fallback {
        eprintln!("docexam: {fallback}");
    }
    let loaded = selection.manual;
    // Read and check the answers before the slow part, so a bad file fails fast; and check
    // everything the record needs before asking anything, so a decision is never lost to it.
    let answers = args.answers.as_deref().map(read_answers).transpose()?;
    check_setup_and_answers(args, answers.as_ref())?;

    let started_at = now()?;
    let policy = DatePolicy::new(reference_date);
    let (source, reading) = read_document(args, &policy)?;
    let setup = Setup {
        level: args.level.into(),
        officer: args.officer.clone(),
        station: args.station.clone(),
        started_at,
        source,
    };
    let mut inspection = Inspection::start(&loaded.manual, &loaded.content_hash, setup, reading.input())?;

    match answers {
        Some(answers) => {
            let decided_at = now().unwrap_or_else(|_| inspection.started_at());
            if let Err(violations) = answers.apply(&mut inspection, decided_at) {
                for violation in &violations {
                    eprintln!("docexam: {violation}");
                }
                eprintln!("docexam: the answers file breaks {} rule(s) of the inspection; no record", violations.len());
                return Ok(ExitCode::from(EXIT_RULE_BROKEN));
            }
            if inspection.decision().is_none() {
                eprintln!("suggested: {}", describe_suggestion(&inspection.suggest_outcome()));
            }
        }
        None => {
            let stdin = std::io::stdin();
            let mut prompter = Prompter { input: stdin.lock(), output: std::io::stderr() };
            prompter.interview(&mut inspection, &loaded.manual)?;
        }
    }
    let mut json = serde_json::to_string_pretty(&inspection).context("cannot write the record as JSON")?;
    json.push('\n');
    let failed = record(args, &inspection).err();
    let printed = crate::print_stdout(&json);
    match failed {
        // Recording failed: that is the exit status, whatever happened to standard output.
        Some(error) => Ok(not_recorded(&error, printed.is_ok())),
        None => printed.map(|()| ExitCode::SUCCESS).map_err(Into::into),
    }
}

/// Records a decided inspection in the audit log, saying so on standard error.
fn record(args: &InspectArgs, inspection: &Inspection) -> Result<(), AuditError> {
    if args.no_record {
        eprintln!("docexam: not recorded in the audit log (--no-record)");
        return Ok(());
    }
    if inspection.decision().is_none() {
        eprintln!("docexam: not recorded in the audit log: the inspection is undecided");
        return Ok(());
    }
    let db = database_path(args.db.as_deref()).map_err(|no_home| AuditError::Io {
        path: PathBuf::from("~"),
        action: "find the home folder for the audit log (set DOCEXAM_DB or pass --db)",
        source: std::io::Error::new(std::io::ErrorKind::NotFound, no_home),
    })?;
    let appended = super::audit::open_for_writing(&db).and_then(|mut log| log.record_inspection(inspection))?;
    eprintln!("recorded #{} in {}", appended.seq, db.display());
    Ok(())
}

fn not_recorded(error: &AuditError, printed: bool) -> ExitCode {
    eprintln!("docexam: NOT recorded in the audit log: {error}");
    if printed {
        eprintln!("docexam: the record is on standard output: keep it and add it with `docexam audit record --json`");
    }
    ExitCode::from(super::audit::EXIT_CANNOT)
}

/// "Now", from the system clock (the core never reads it).
pub(super) fn now() -> anyhow::Result<Timestamp> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    i64::try_from(seconds).ok().and_then(Timestamp::from_unix_seconds).context("the system clock is past the year 9999")
}

fn read_answers(path: &Path) -> anyhow::Result<AnswersFile> {
    let bytes = read_answers_file(path)?;
    AnswersFile::from_json(&bytes).with_context(|| format!("{} is not an answers file", path.display()))
}

/// The bytes of an answers file, of at most [`MAX_ANSWERS_FILE_BYTES`].
pub(super) fn read_answers_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    Ok(docexam_files::read::read_file(path, MAX_ANSWERS_FILE_BYTES, "answers file")?)
}

/// Longest answer line read at a prompt, in bytes: the longest free text in UTF-8, and its newline.
const MAX_LINE_BYTES: u64 = MAX_TEXT_CHARS as u64 * 4 + 2;

/// Why `text` cannot be recorded as `what` (the audit log's rules: at most `max` characters, no
/// control characters but newlines and tabs), or `None`.
pub(super) fn text_problem(what: &str, text: &str, max: usize) -> Option<String> {
    let chars = text.chars().count();
    if chars > max {
        return Some(format!("{what} is {chars} characters long; at most {max} are accepted"));
    }
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
        .then(|| format!("{what} contains control characters"))
}

/// The officer and station ids and the answers file's texts, checked against what the audit log
/// accepts before the inspection starts.
fn check_setup_and_answers(args: &InspectArgs, answers: Option<&AnswersFile>) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    let mut check = |what: &str, text: Option<&str>, max: usize| {
        problems.extend(text.and_then(|text| text_problem(what, text, max)));
    };
    check("the officer id (--officer)", args.officer.as_deref(), MAX_ID_CHARS);
    check("the station id (--station)", args.station.as_deref(), MAX_ID_CHARS);
    if let Some(answers) = answers {
        for answer in &answers.answers {
            check(&format!("the note of item {}", answer.item), answer.note.as_deref(), MAX_TEXT_CHARS);
        }
        for item in &answers.overrides {
            check(&format!("the override reason of item {}", item.item), Some(&item.reason), MAX_TEXT_CHARS);
            check(&format!("the override note of item {}", item.item), item.note.as_deref(), MAX_TEXT_CHARS);
        }
        if let Some(decision) = &answers.decision {
            check("the justification", decision.justification.as_deref(), MAX_TEXT_CHARS);
        }
    }
    anyhow::ensure!(problems.is_empty(), "{}; nothing was asked and nothing recorded", problems.join("; "));
    Ok(())
}

/// What was read of the MRZ (owned, for `MrzInput` to borrow).
pub(super) enum Reading {
    Report(Box<MrzReport>),
    // Only the image path (feature `ocr`) can find no MRZ.
    #[cfg_attr(not(feature = "ocr"), allow(dead_code))]
    NotFound(String),
}

impl Reading {
    /// The reading as an inspection starts from it.
    pub(super) fn input(&self) -> MrzInput<'_> {
        match self {
            Reading::Report(report) => MrzInput::Report(report),
            Reading::NotFound(reason) => MrzInput::NotFound { reason },
        }
    }
}

fn read_document(args: &InspectArgs, policy: &DatePolicy) -> anyhow::Result<(DocumentSource, Reading)> {
    if let Some(path) = &args.image {
        return read_image(path, policy);
    }
    let text = args.mrz.join("\n");
    anyhow::ensure!(text.len() <= MAX_INPUT_BYTES, "the MRZ text is longer than {MAX_INPUT_BYTES} bytes");
    let report = MrzReport::from_result(&mrz::check_text(&text, policy), policy);
    Ok((DocumentSource::Text, Reading::Report(Box::new(report))))
}

#[cfg(feature = "ocr")]
fn read_image(path: &Path, policy: &DatePolicy) -> anyhow::Result<(DocumentSource, Reading)> {
    use docexam_scan::{ScanOptions, Scanner};

    let bytes = super::scan::read_image_file(path).map_err(anyhow::Error::msg)?;
    let mut scanner = Scanner::new(*policy, ScanOptions::default()).context("cannot start the OCR engine")?;
    let reading = scan_image(&mut scanner, path, &bytes)?;
    let source = DocumentSource::image(path.display().to_string(), &bytes);
    Ok((source, reading))
}

/// Scans the image `bytes` (read from `path`) with `scanner`: the MRZ report with its OCR
/// repairs, or why no MRZ was found.
#[cfg(feature = "ocr")]
pub(super) fn scan_image(scanner: &mut docexam_scan::Scanner, path: &Path, bytes: &[u8]) -> anyhow::Result<Reading> {
    let scan = scanner.scan_bytes(bytes).with_context(|| format!("cannot scan {}", path.display()))?;
    Ok(match scan.report {
        Some(mut report) => {
            // OCR repairs are part of the evidence.
            report.corrections = scan.correction;
            Reading::Report(Box::new(report))
        }
        None => Reading::NotFound(format!(
            "nothing in the image reads as an MRZ ({} OCR reading(s) tried); examine the printed zone by eye",
            scan.ocr_calls
        )),
    })
}

#[cfg(not(feature = "ocr"))]
fn read_image(_path: &Path, _policy: &DatePolicy) -> anyhow::Result<(DocumentSource, Reading)> {
    anyhow::bail!("this docexam was built without OCR (cargo feature `ocr`); give the MRZ with --mrz")
}

fn describe_suggestion(suggestion: &Suggestion) -> String {
    let mut out = suggestion.to_string();
    for reason in &suggestion.reasons {
        let _ = write!(out, "\n  - {}", reason.explanation);
    }
    out
}

/// The terminal conversation: questions on `output`, answers from `input`, one line each.
pub(super) struct Prompter<R, W> {
    pub(super) input: R,
    pub(super) output: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub(super) fn say(&mut self, text: &str) -> anyhow::Result<()> {
        writeln!(self.output, "{text}").context("cannot write to standard error")
    }

    /// One answer line, trimmed. The end of the input before the decision is an error.
    fn ask(&mut self, question: &str) -> anyhow::Result<String> {
        write!(self.output, "{question}").context("cannot write to standard error")?;
        self.output.flush().context("cannot write to standard error")?;
        let mut line = String::new();
        // A line longer than any answer is refused, so an endless input cannot fill memory.
        let read = (&mut self.input).take(MAX_LINE_BYTES).read_line(&mut line).context("cannot read standard input")?;
        anyhow::ensure!(read > 0, "standard input ended before the inspection was decided; no record");
        anyhow::ensure!(
            line.ends_with('\n') || (read as u64) < MAX_LINE_BYTES,
            "an answer line is longer than {MAX_LINE_BYTES} bytes; no record"
        );
        Ok(line.trim().to_owned())
    }

    /// Free text (a note, a reason, a justification), asked again until the record can hold it.
    fn ask_text(&mut self, question: &str, what: &str) -> anyhow::Result<String> {
        loop {
            let text = self.ask(question)?;
            match text_problem(what, &text, MAX_TEXT_CHARS) {
                None => return Ok(text),
                Some(problem) => self.say(&format!("  {problem}"))?,
            }
        }
    }

    fn ask_answer(&mut self, question: &str) -> anyhow::Result<Answer> {
        loop {
            match Answer::from_word(&self.ask(question)?) {
                Some(answer) => return Ok(answer),
                None => self.say("  type p (pass), f (fail), n (not applicable) or s (skip: not checked)")?,
            }
        }
    }

    fn ask_note(&mut self) -> anyhow::Result<Option<String>> {
        let note = self.ask_text("  note (Enter for none): ", "the note")?;
        Ok((!note.is_empty()).then_some(note))
    }

    /// The whole inspection: header, machine answers, the open items, overrides, the decision.
    pub(super) fn interview(&mut self, inspection: &mut Inspection, manual: &Manual) -> anyhow::Result<()> {
        self.header(inspection, manual)?;
        self.machine_answers(inspection)?;
        self.ask_items(inspection, manual)?;
        self.overrides(inspection)?;
        self.decision(inspection)
    }

    fn header(&mut self, inspection: &Inspection, manual: &Manual) -> anyhow::Result<()> {
        let level = match inspection.level() {
            Level::First => "first",
            Level::Second => "second",
            Level::Third => "third",
        };
        self.say(&format!(
            "{} ({} {}, {}): {level}-line inspection",
            manual.title, manual.id, manual.version, manual.language
        ))?;
        let mrz = match inspection.mrz() {
            MrzEvidence::Read { report } => {
                format!("MRZ: {}", report.get("verdict_reason").and_then(|v| v.as_str()).unwrap_or("read"))
            }
            MrzEvidence::NotFound { reason } => format!("MRZ: {reason}"),
            MrzEvidence::NotRead { reason } => format!("MRZ not read: {reason}"),
        };
        self.say(&mrz)
    }

    fn machine_answers(&mut self, inspection: &Inspection) -> anyhow::Result<()> {
        let lines: Vec<String> = inspection
            .visible_items()
            .filter_map(|item| {
                let machine = item.machine.as_ref()?;
                Some(format!("  {:<5} {:<12} {}", item.id, machine.answer.to_string(), machine.reason))
            })
            .collect();
        if !lines.is_empty() {
            self.say("\nMachine checks:")?;
            for line in lines {
                self.say(&line)?;
            }
        }
        Ok(())
    }

    fn ask_items(&mut self, inspection: &mut Inspection, manual: &Manual) -> anyhow::Result<()> {
        let open: Vec<String> = inspection.unanswered().map(|i| i.id.clone()).collect();
        if !open.is_empty() {
            self.say("\nAnswer each check: p pass, f fail, n not applicable, s skip.")?;
        }
        for (n, id) in open.iter().enumerate() {
            let Some((section, item)) = manual.find_item(id) else { continue };
            self.say(&format!(
                "\n[{}/{}] {} ({}, {}) {}",
                n + 1,
                open.len(),
                id,
                severity(item.severity),
                section.title,
                item.prompt
            ))?;
            self.say(&format!("  look at: {}", item.look_at))?;
            let answer = self.ask_answer("  answer [p/f/n/s]: ")?;
            let note = if answer == Answer::NotChecked { None } else { self.ask_note()? };
            if let Err(violation) = inspection.answer(id, answer, note) {
                self.say(&format!("  {violation}"))?;
            }
        }
        Ok(())
    }

    fn overrides(&mut self, inspection: &mut Inspection) -> anyhow::Result<()> {
        if inspection.visible_items().all(|i| i.machine.is_none()) {
            return Ok(());
        }
        loop {
            let id = self.ask("\nOverride a machine answer? Item id, or Enter to go on: ")?;
            if id.is_empty() {
                return Ok(());
            }
            let id = id.to_ascii_uppercase();
            let answer = self.ask_answer(&format!("  {id}: the officer's answer [p/f/n/s]: "))?;
            let reason = self.ask_text("  reason (required): ", "the reason")?;
            match inspection.override_answer(&id, answer, &reason, None) {
                Ok(()) => self.say(&format!("  {id}: {answer} (override recorded)"))?,
                Err(violation) => self.say(&format!("  {violation}"))?,
            }
        }
    }

    fn decision(&mut self, inspection: &mut Inspection) -> anyhow::Result<()> {
        self.say(&format!("\nSuggested: {}", describe_suggestion(&inspection.suggest_outcome())))?;
        self.say("The officer decides: 1 admit, 2 refer to second line, 3 refuse, 4 seize, 5 send to the laboratory.")?;
        loop {
            let outcome = loop {
                let choice = self.ask("outcome [1-5]: ")?;
                let picked = match choice.to_ascii_lowercase().as_str() {
                    "1" | "admit" => Some(Outcome::Admit),
                    "2" | "refer" | "refer_second_line" => Some(Outcome::ReferSecondLine),
                    "3" | "refuse" => Some(Outcome::Refuse),
                    "4" | "seize" => Some(Outcome::Seize),
                    "5" | "lab" | "send_to_laboratory" => Some(Outcome::SendToLaboratory),
                    _ => None,
                };
                match picked {
                    Some(outcome) => break outcome,
                    None => self.say("  type a number from 1 to 5")?,
                }
            };
            let refusal_reasons = if outcome.takes_refusal_reasons() { self.ask_reasons(outcome)? } else { Vec::new() };
            let justification = self.ask_text("justification (Enter for none): ", "the justification")?;
            let request = DecisionRequest {
                outcome,
                refusal_reasons,
                justification: (!justification.is_empty()).then_some(justification),
            };
            let at = now()?.max(inspection.started_at());
            match inspection.decide(request, at) {
                Ok(decision) => {
                    let line = format!("decided: {}", decision.outcome);
                    return self.say(&line);
                }
                Err(violations) => {
                    for violation in &violations.0 {
                        self.say(&format!("  {violation}"))?;
                    }
                    self.say("  decide again")?;
                }
            }
        }
    }

    fn ask_reasons(&mut self, outcome: Outcome) -> anyhow::Result<Vec<RefusalReason>> {
        for reason in RefusalReason::ALL {
            self.say(&format!("  {} {}", reason.letter(), reason.describe()))?;
        }
        let required = outcome == Outcome::Refuse;
        loop {
            let question = if required {
                "refusal reason code(s), e.g. A or A,C: "
            } else {
                "refusal reason code(s), Enter for none: "
            };
            let text = self.ask(question)?;
            let letters: Vec<&str> = text.split([',', ' ']).filter(|s| !s.is_empty()).collect();
            let parsed: Option<Vec<RefusalReason>> = letters
                .iter()
                .map(|l| {
                    let mut chars = l.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => RefusalReason::from_letter(c),
                        _ => None,
                    }
                })
                .collect();
            match parsed {
                Some(reasons) if !(required && reasons.is_empty()) => return Ok(reasons),
                _ => self.say("  give letters from A to I")?,
            }
        }
    }
}

fn severity(severity: docexam_exam::manual::Severity) -> &'static str {
    match severity {
        docexam_exam::manual::Severity::S1 => "S1 critical",
        docexam_exam::manual::Severity::S2 => "S2 major",
        docexam_exam::manual::Severity::S3 => "S3 minor",
        docexam_exam::manual::Severity::S4 => "S4 indicator",
    }
}
