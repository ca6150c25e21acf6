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
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let dir = args.python_dir.canonicalize().map_err(|e| {
        Fail::new(format!("cannot use {}: {e}", args.python_dir.display()))
    })?;
    // Every lesson, built in release mode.
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    eprintln!("building every lesson (cargo build --release --bins) ...");
    let mut build = Command::new(cargo);
    build.args(["build", "--release", "--quiet", "--workspace", "--bins"]);
    if !build.current_dir(root).status()?.success() {
        return Err(Fail::new("cargo build failed"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from);
    let bin_dir = target.unwrap_or(root.join("target")).join("release");
    let mut differ = 0;
    println!("{:<14} verdict", "lesson");
    for &(name, lesson_args, first) in LESSONS {
        let script = dir.join(format!("{name}.py"));
        let dir_name = dir.to_string_lossy();
        let argv = lesson_args.iter().map(|a| a.replace("{dir}", &dir_name));
        let argv: Vec<String> = argv.collect();
        let mut python = Command::new("python3");
        python.arg(&script).args(&argv);
        let verdict = match (run(&mut python, &dir, first), script.is_file()) {
            (_, false) => "skipped (no such script)".into(),
            (Err(e), _) => format!("python failed: {e}"),
            (Ok(p), _) => match run(
                Command::new(bin_dir.join(name)).args(&argv),
                &dir,
                first,
            ) {
                Err(e) => format!("rust failed: {e}"),
                Ok(r) => verdict(&p, &r, first).to_string(),
            },
        };
        differ += usize::from(verdict == "DIFFERENT");
        println!("{name:<14} {verdict}");
    }
    match differ {
        0 => Ok(()),
        _ => Err(Fail::new(format!("{differ} lesson(s) differ"))),
    }
}

/// Runs a program in `dir` and returns its standard output: all of it,
/// or its first `first` lines. The program is killed after that, or
/// after 20 s.
fn run(
    command: &mut Command,
    dir: &Path,
    first: Option<usize>,
) -> Result<String, String> {
    let mut child = command
        .current_dir(dir)
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
    let result = rx.recv_timeout(Duration::from_secs(20));
    let _ = (child.kill(), child.wait());
    let out = result.map_err(|_| "no result after 20 s")?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `same bytes`, `same lines` (spaces at the ends of lines aside), or
/// `DIFFERENT`.
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
