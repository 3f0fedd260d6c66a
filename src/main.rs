//! The `docexam` binary: the CLI, and the desk app when run without a subcommand.

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    limit_openmp_threads();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("docexam: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Debian's Tesseract uses OpenMP; on two cores an MRZ read is several times faster with one
/// OpenMP thread per call (docexam parallelises across files instead). libgomp reads
/// `OMP_THREAD_LIMIT` when it is loaded, before `main`, so setting it here would be too late: the
/// binary starts itself again with the variable set. A value already set is honoured; if the
/// restart fails, docexam simply runs slower.
fn limit_openmp_threads() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let mut args = std::env::args_os();
    let program = args.next();
    let mut command = std::process::Command::new(exe);
    if let Some(program) = program {
        std::os::unix::process::CommandExt::arg0(&mut command, program);
    }
    // `exec` returns only on failure.
    let _failed = std::os::unix::process::CommandExt::exec(command.args(args).env("OMP_THREAD_LIMIT", "1"));
}

/// Writes to standard output; a closed pipe (`docexam mrz ... | head`) is reported as an error the
/// caller treats as success.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
