//! # compare: the workbook against the course's Python originals
//!
//! A tool, not a lesson. Point it at a folder holding the course's Python
//! scripts and it runs every deterministic lesson of the workspace both
//! ways (`python3 NAME.py` in that folder, and our binary `NAME`) and says,
//! lesson by lesson, whether the outputs match.
//!
//! Run it: `cargo run --release --bin compare -- PATH/TO/PYTHON/SCRIPTS`.
//! It first builds every lesson (`cargo build --release --workspace
//! --bins`).
//!
//! Verdicts: `same bytes`; `same lines` (equal once spaces at the ends of
//! lines are ignored: several Python 3 scripts print with `end=" "`, which
//! LESSONS.md lets us print as whole lines); `DIFFERENT`; or why the
//! comparison could not be made. It exits with 1 if any lesson differs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;

/// The deterministic lessons, in course order: name (of our binary and of
/// the script), arguments for both (`{dir}` is the Python folder, so both
/// read the same files), and for a program that never stops, how many
/// lines to compare. Part 2 follows a live log (and its benchmark prints
/// timings); cxmlparse's original is a C extension; pyos8 and sockwrap
/// have no example of their own.
const LESSONS: &[(&str, &[&str], Option<usize>)] = &[
    ("countdown", &[], None),
    ("grep", &[], None),
    ("coroutine", &[], None),
    ("grepclose", &[], None),
    ("bogus", &[], None),
    ("basicsax", &["{dir}/allroutes.xml"], None),
    ("cosax", &["{dir}/allroutes.xml"], None),
    ("buses", &["{dir}/allroutes.xml"], None),
    ("coexpat", &["{dir}/allroutes.xml"], None),
    ("iterbus", &["{dir}/allroutes.xml"], None),
    ("cothread", &["{dir}/allroutes.xml"], None),
    ("coprocess", &["{dir}/allroutes.xml"], None),
    ("pyos1", &[], None),
    ("pyos2", &[], Some(20)),
    ("taskcrash", &[], None),
    ("pyos3", &[], None),
    ("pyos4", &[], None),
    ("pyos5", &[], None),
    ("pyos6", &[], None),
    ("trampoline", &[], None),
];

/// Runs each deterministic lesson in Rust and in Python and compares.
#[derive(Parser)]
#[command(name = "compare")]
struct Args {
    /// Folder holding the course's Python scripts (countdown.py, ...)
    python_dir: PathBuf,
    /// The Python interpreter to use
    #[arg(long, default_value = "python3")]
    python: String,
    /// Seconds to wait for one program before giving up on it
    #[arg(long, default_value_t = 20)]
    timeout: u64,
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let dir = args.python_dir.canonicalize().map_err(|e| {
        Fail::new(format!("cannot use {}: {e}", args.python_dir.display()))
    })?;
    let bin_dir = build_lessons()?;
    let timeout = Duration::from_secs(args.timeout);
    let mut differ = 0;
    println!("{:<14} verdict", "lesson");
    for &(name, lesson_args, first) in LESSONS {
        let script = dir.join(format!("{name}.py"));
        let argv: Vec<String> = lesson_args
            .iter()
            .map(|a| a.replace("{dir}", &dir.to_string_lossy()))
            .collect();
        let mut py = Command::new(&args.python);
        py.arg(&script).args(&argv).current_dir(&dir);
        let mut rust = Command::new(bin_dir.join(name));
        rust.args(&argv).current_dir(&dir);
        let verdict = if !script.is_file() {
            "skipped (no such script)".to_string()
        } else {
            match (run(py, timeout, first), run(rust, timeout, first)) {
                (Err(e), _) => format!("python failed: {e}"),
                (_, Err(e)) => format!("rust failed: {e}"),
                (Ok(p), Ok(r)) => verdict(&p, &r, first).to_string(),
            }
        };
        differ += usize::from(verdict == "DIFFERENT");
        println!("{name:<14} {verdict}");
    }
    if differ > 0 {
        return Err(Fail::new(format!("{differ} lesson(s) differ")));
    }
    Ok(())
}

/// Builds every lesson binary in release mode; returns their folder.
fn build_lessons() -> Result<PathBuf, Fail> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("building every lesson (cargo build --release --bins) ...");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--workspace", "--bins"])
        .current_dir(&root)
        .status()
        .map_err(|e| Fail::new(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Fail::new("cargo build failed"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release"))
}

/// Runs a program and returns its standard output: all of it, or its
/// first `first` lines. The program is killed after that, or after
/// `timeout`.
fn run(
    mut command: Command,
    timeout: Duration,
    first: Option<usize>,
) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        for _ in 0..first.unwrap_or(usize::MAX) {
            if !matches!(stdout.read_until(b'\n', &mut out), Ok(1..)) {
                break;
            }
        }
        let _ = tx.send(out);
    });
    let result = rx.recv_timeout(timeout);
    let _ = child.kill();
    let _ = child.wait();
    match result {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(_) => Err(format!("no result after {timeout:?}")),
    }
}

fn verdict(python: &str, rust: &str, first: Option<usize>) -> &'static str {
    let lines = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = s.lines().map(|l| l.trim().into()).collect();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    };
    if first.is_none() && python == rust {
        "same bytes"
    } else if lines(python) == lines(rust) && !lines(rust).is_empty() {
        "same lines"
    } else {
        "DIFFERENT"
    }
}

#[cfg(test)]
mod tests {
    use super::verdict;

    #[test]
    fn verdicts() {
        assert_eq!(verdict("a\nb\n", "a\nb\n", None), "same bytes");
        // Python 3's `end=" "`, printed as whole lines by the workbook.
        assert_eq!(verdict("a\nb ", "a\nb\n", None), "same lines");
        assert_eq!(verdict("a\nb\n", "a\nc\n", None), "DIFFERENT");
        assert_eq!(verdict("", "", Some(3)), "DIFFERENT");
    }
}
