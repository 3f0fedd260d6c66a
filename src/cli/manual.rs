//! `docexam manual check|list|show`: validate, list and print examination manuals. Loading and
//! every rule live in `docexam_exam::manual`; this is output and exit codes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde::Serialize;

use docexam_exam::manual::{CodeTable, Item, Level, LoadedManual, Manual, ManualLibrary, REFERENCE_LANGUAGE, Section};

/// Arguments of `docexam manual`.
#[derive(Debug, Args)]
pub struct ManualArgs {
    #[command(subcommand)]
    pub command: ManualCommand,
}

/// The `docexam manual` subcommands.
#[derive(Debug, Subcommand)]
pub enum ManualCommand {
    /// Validate manual files: print `file:line: [item X: ]message` for every problem.
    ///
    /// A translation given alone is checked together with its English file from the same folder.
    /// Exit status: 0 no errors (warnings allowed), 1 any error, 2 nothing could be read.
    Check(CheckArgs),
    /// List the manuals: id, language, version, level, item count, title; then any broken files.
    List,
    /// Print one manual's sections and items.
    Show(ShowArgs),
}

/// Arguments of `docexam manual check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Manual files or folders (every `*.toml` directly inside); default: the manuals folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `docexam manual show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The manual id, e.g. `first-line-quick`.
    pub id: String,

    /// Language (two letters); English is shown, with a note, when it is missing.
    #[arg(long, default_value = REFERENCE_LANGUAGE)]
    pub lang: String,

    /// Show only the items done at this level or below (first, second, third).
    #[arg(long, value_parser = parse_level)]
    pub level: Option<Level>,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::from_code(text).ok_or_else(|| format!("expected one of: {}", Level::allowed()))
}

const EXIT_CLEAN: u8 = 0;
const EXIT_ERRORS: u8 = 1;
const EXIT_NOTHING_READ: u8 = 2;

/// Runs `docexam manual`.
pub fn run(args: &ManualArgs, manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    match &args.command {
        ManualCommand::Check(check_args) => check(check_args, manuals_dir),
        ManualCommand::List => list(manuals_dir),
        ManualCommand::Show(show_args) => show(show_args, manuals_dir),
    }
}

/// The manuals folder: `--manuals`, `DOCEXAM_MANUALS`, next to the binary, the data folders.
fn manuals_folder(option: Option<&Path>) -> anyhow::Result<PathBuf> {
    let found = docexam_files::find_manuals_dir(option)?;
    Ok(found.dir)
}

fn load_library(option: Option<&Path>) -> anyhow::Result<ManualLibrary> {
    let dir = manuals_folder(option)?;
    Ok(ManualLibrary::load_dir(&dir)?)
}

fn check(args: &CheckArgs, manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let paths =
        if args.paths.is_empty() { vec![manuals_folder(manuals_dir)?] } else { with_english_originals(&args.paths) };
    let library = ManualLibrary::load_paths(&paths);
    let problems = library.problems();
    let mut out = String::new();
    for problem in &problems {
        let _ = writeln!(out, "{problem}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let files = library.manuals().len() + library.broken().len();
    if files == 0 {
        let places = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "no manual files (*.toml) in {places}");
    } else {
        let _ = writeln!(
            out,
            "{} checked: {} usable, {} broken; {}, {}",
            count(files, "file"),
            library.manuals().len(),
            library.broken().len(),
            count(errors, "error"),
            count(warnings, "warning"),
        );
    }
    crate::print_stdout(&out)?;
    Ok(ExitCode::from(if library.files_read() == 0 {
        EXIT_NOTHING_READ
    } else if errors > 0 {
        EXIT_ERRORS
    } else {
        EXIT_CLEAN
    }))
}

/// The paths, plus the English file of every translation named on its own: a translation is only
/// meaningful next to the file it translates.
fn with_english_originals(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut all = paths.to_vec();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some((id, language)) = name.strip_suffix(".toml").and_then(|stem| stem.rsplit_once('.')) else {
            continue;
        };
        let english = path.with_file_name(format!("{id}.{REFERENCE_LANGUAGE}.toml"));
        let already_named = all.iter().any(|p| same_file(p, &english));
        if language != REFERENCE_LANGUAGE && english.is_file() && !already_named {
            eprintln!("docexam: also checking {} (the English file {name} translates)", english.display());
            all.push(english);
        }
    }
    all
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn list(manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let library = load_library(manuals_dir)?;
    let mut rows = vec![["ID", "LANG", "VERSION", "LEVEL", "ITEMS", "TITLE"].map(str::to_owned)];
    for loaded in library.manuals() {
        let manual = &loaded.manual;
        rows.push([
            manual.id.clone(),
            manual.language.clone(),
            manual.version.clone(),
            manual.level.code().to_owned(),
            manual.items().count().to_string(),
            manual.title.clone(),
        ]);
    }
    let mut out = String::new();
    if library.manuals().is_empty() {
        let _ = writeln!(out, "no usable manual");
    } else {
        let widths: Vec<usize> =
            (0..5).map(|column| rows.iter().map(|row| row[column].chars().count()).max().unwrap_or(0)).collect();
        for row in &rows {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(&widths) {
                let _ = write!(line, "{cell:<width$}  ");
            }
            let _ = writeln!(out, "{}{}", line, row[5]);
        }
    }
    if !library.broken().is_empty() {
        let _ = writeln!(out, "\nbroken files (not used; `docexam manual check` explains):");
        for broken in library.broken() {
            let errors = broken.error_count();
            let first = broken.problems.iter().find(|p| p.is_error());
            let first = first.map_or_else(|| broken.path.display().to_string(), ToString::to_string);
            let more = if errors > 1 { format!(" (and {} more)", count(errors - 1, "error")) } else { String::new() };
            let _ = writeln!(out, "  {first}{more}");
        }
    }
    crate::print_stdout(&out)?;
    Ok(ExitCode::from(if library.files_read() == 0 { EXIT_NOTHING_READ } else { EXIT_CLEAN }))
}

/// `docexam manual show --json`: the manual and where it came from.
#[derive(Serialize)]
struct ShowJson<'a> {
    file: String,
    content_hash: &'a str,
    /// Set when the requested language was missing or broken and English is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    requested_language: Option<&'a str>,
    /// Set when `--level` hid the items above it.
    #[serde(skip_serializing_if = "Option::is_none")]
    level_filter: Option<Level>,
    manual: Manual,
}

fn show(args: &ShowArgs, manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let library = load_library(manuals_dir)?;
    let selection = library.select(&args.id, &args.lang)?;
    if let Some(fallback) = &selection.fallback {
        eprintln!("docexam: {fallback}");
    }
    let loaded = selection.manual;
    let manual = up_to_level(&loaded.manual, args.level);
    let output = if args.json {
        let json = ShowJson {
            file: loaded.path.display().to_string(),
            content_hash: &loaded.content_hash,
            requested_language: selection.fallback.map(|f| f.requested),
            level_filter: args.level,
            manual,
        };
        let mut text = serde_json::to_string_pretty(&json).context("cannot write the manual as JSON")?;
        text.push('\n');
        text
    } else {
        render_manual(loaded, &manual, args.level)
    };
    crate::print_stdout(&output)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual with only the items done at `level` or below, and without the sections left empty.
fn up_to_level(manual: &Manual, level: Option<Level>) -> Manual {
    let Some(level) = level else { return manual.clone() };
    let mut manual = manual.clone();
    for section in &mut manual.sections {
        section.items.retain(|item| item.level <= level);
    }
    manual.sections.retain(|section| !section.items.is_empty());
    manual
}

fn render_manual(loaded: &LoadedManual, manual: &Manual, level: Option<Level>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", manual.title);
    let mut facts = vec![
        format!("{} {}", manual.id, manual.version),
        manual.language.clone(),
        format!("{} line", manual.level.code()),
    ];
    if let Some(seconds) = manual.time_budget_seconds {
        facts.push(format!("about {seconds} s"));
    }
    let _ = writeln!(out, "{}", facts.join(" · "));
    let _ = writeln!(out, "file: {}", super::shown(&loaded.path));
    let _ = writeln!(out, "sha256: {}", loaded.content_hash);
    if let Some(level) = level {
        let hidden = loaded.manual.items().count() - manual.items().count();
        let _ = writeln!(out, "showing items up to {} line ({} hidden)", level.code(), count(hidden, "item"));
    }
    if !manual.description.trim().is_empty() {
        let _ = writeln!(out, "\n{}", manual.description.trim());
    }
    for section in &manual.sections {
        render_section(&mut out, section);
    }
    out
}

fn render_section(out: &mut String, section: &Section) {
    let falsedoc = section.falsedoc.map_or_else(String::new, |f| format!("  [FALSEDOC {}: {}]", f.code(), f.meaning()));
    let _ = writeln!(out, "\n{}  {}{falsedoc}", section.id, section.title);
    for item in &section.items {
        render_item(out, item);
    }
}

fn render_item(out: &mut String, item: &Item) {
    let _ = writeln!(out, "\n  {}  {} line  {}  {}", item.id, item.level.code(), item.severity.code(), item.prompt);
    field(out, "look at:", &item.look_at);
    codes(out, "tools:", &item.tools);
    codes(out, "suggests:", &item.failure_suggests);
    field(out, "action:", &item.action);
    codes(out, "automation:", item.automation.as_slice());
}

const LABEL_WIDTH: usize = 12;

fn field(out: &mut String, label: &str, text: &str) {
    let _ = writeln!(out, "       {label:<LABEL_WIDTH$}{text}");
}

/// One code per line with its meaning, the first on the label's line.
fn codes<T: CodeTable>(out: &mut String, label: &str, codes: &[T]) {
    let width = codes.iter().map(|c| c.code().len()).max().unwrap_or(0);
    for (i, code) in codes.iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        let _ = writeln!(out, "       {label:<LABEL_WIDTH$}{:<width$}  {}", code.code(), code.meaning());
    }
}
