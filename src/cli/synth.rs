//! `docexam synth`: write specimen images and their truth file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use docexam_mrz::dates::CalendarDate;
use docexam_synth::{self as synth, Job, Kind, SetSpec, Truth, pack};

/// Arguments of `docexam synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Directory for the images and `truth.jsonl` (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Images of each kind.
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub per_kind: usize,
    /// Kinds to generate, comma-separated (default: all): clean, lowres, hires, jpeg, blur, noise,
    /// rotate90, rotate180, rotate270, skew, shadow, low_contrast, photo, wrong_check, guilloche,
    /// wide_spacing, small_print, no_mrz.
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub kinds: Vec<String>,
    /// Seed: the same seed gives the same images, byte for byte.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write a training pack with this id instead: specimen documents, genuine or with planted
    /// defects, and their answer key `key.toml` for the falsedoc-pocket manual. Expiry and ages
    /// are relative to --reference-date (give it: the pack depends on it).
    #[arg(long, value_name = "ID", conflicts_with_all = ["kinds", "threads"])]
    pub training_pack: Option<String>,
    /// Documents in the training pack (about a quarter genuine).
    #[arg(long, default_value_t = 24, value_name = "N", requires = "training_pack")]
    pub count: usize,
}

/// Generates the set. The reference date is not used: specimens depend on the seed alone (their
/// expiry dates are chosen against 2026-11-23 so the set stays reproducible). A training pack
/// uses it.
pub fn run(args: &SynthArgs, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    if let Some(id) = &args.training_pack {
        return training_pack(args, id, reference_date);
    }
    let kinds = if args.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        args.kinds.iter().map(|k| k.parse::<Kind>()).collect::<Result<Vec<_>, _>>()?
    };
    let spec = SetSpec { per_kind: args.per_kind, kinds, seed: args.seed };
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let started = Instant::now();
    let jobs = spec.jobs();
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let truths = synth::run_parallel(&jobs, threads, |job| write_one(job, &args.out));
    let truths: Vec<Truth> = truths.into_iter().collect::<anyhow::Result<_>>()?;
    let truth_path = args.out.join("truth.jsonl");
    std::fs::write(&truth_path, synth::truth_jsonl(&truths)?)
        .with_context(|| format!("cannot write {}", truth_path.display()))?;
    outln!(
        "wrote {} images and truth.jsonl to {} in {:.1} s (seed {})",
        truths.len(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.seed
    );
    Ok(ExitCode::SUCCESS)
}

fn training_pack(args: &SynthArgs, id: &str, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let key = pack::generate_pack(&args.out, id, args.seed, reference_date, args.count)
        .with_context(|| format!("cannot make training pack {id} in {}", args.out.display()))?;
    let genuine = key.documents.iter().filter(|d| d.defects.is_empty()).count();
    outln!(
        "wrote training pack {id}: {} documents ({genuine} genuine) and {} to {} in {:.1} s (seed {}, reference date {})",
        key.documents.len(),
        docexam_exam::training::KEY_FILE,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.seed,
        reference_date
    );
    Ok(ExitCode::SUCCESS)
}

fn write_one(job: &Job, dir: &Path) -> anyhow::Result<Truth> {
    let specimen = synth::specimen(job).with_context(|| format!("cannot make {}", job.file_name()))?;
    let path = dir.join(&specimen.truth.file);
    let bytes = specimen.file_bytes().with_context(|| format!("cannot encode {}", path.display()))?;
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(specimen.truth)
}
