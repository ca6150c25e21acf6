//! # compare: the workbook against the course's Python originals
//!
//! Not a lesson: a check you can run yourself. Point it at a folder holding
//! the course's Python scripts (for example a clone of a Python 3 port of
//! the course's download) and it runs every deterministic lesson both ways
//! and reports, lesson by lesson, whether the outputs match.
//!
//! Run it: `cargo run --release --bin compare -- PATH/TO/PYTHON/SCRIPTS`.
//! It first builds every lesson of the workspace (`cargo build --release
//! --bins`), then runs `python3 NAME.py` in that folder and our `NAME`.
//!
//! Verdicts: `same bytes`; `same lines` (equal once the spaces at the ends
//! of lines are ignored: several Python 3 scripts print with `end=" "`,
//! which LESSONS.md allows us to print as whole lines); `DIFFERENT`; or a
//! reason the comparison could not be made. It exits non-zero if any lesson
//! differs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;

/// One lesson to run both ways.
struct Lesson {
    /// Our binary, and the Python script without `.py`.
    name: &'static str,
    /// Arguments for both; `{dir}` stands for the Python folder, so both
    /// read the same input files.
    args: &'static [&'static str],
    /// For programs that never stop: compare only this many lines.
    first_lines: Option<usize>,
}

const fn lesson(name: &'static str) -> Lesson {
    Lesson {
        name,
        args: &[],
        first_lines: None,
    }
}

/// The deterministic lessons, in course order.
const LESSONS: &[Lesson] = &[
    // Part 1
    lesson("countdown"),
    lesson("grep"),
    lesson("coroutine"),
    lesson("grepclose"),
    lesson("bogus"),
    // Part 2: every lesson follows a live log except the benchmark, whose
    // output is a timing.
    // Part 3: both sides read the course's own allroutes.xml. (cxmlparse
    // has no script to compare with: its original is a C extension.)
    Lesson {
        name: "basicsax",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    Lesson {
        name: "cosax",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    Lesson {
        name: "buses",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    Lesson {
        name: "coexpat",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    Lesson {
        name: "iterbus",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    // Part 4: the same 16 lines as buses, through a thread and through a
    // child process. (coprocess.py starts `python busproc.py`.)
    Lesson {
        name: "cothread",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    Lesson {
        name: "coprocess",
        args: &["{dir}/allroutes.xml"],
        first_lines: None,
    },
    // Part 7
    lesson("pyos1"),
    Lesson {
        name: "pyos2",
        args: &[],
        first_lines: Some(20),
    },
    lesson("taskcrash"),
    lesson("pyos3"),
    lesson("pyos4"),
    lesson("pyos5"),
    lesson("pyos6"),
    // Part 8: pyos8.py and sockwrap.py have no example to compare with.
    lesson("trampoline"),
    // Part 9
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
    if !dir.join("countdown.py").is_file() {
        return Err(Fail::new(format!(
            "{} does not hold the course's scripts (no countdown.py)",
            dir.display()
        )));
    }
    let bin_dir = build_lessons()?;
    let timeout = Duration::from_secs(args.timeout);
    let mut differ = 0;
    println!("{:<14} verdict", "lesson");
    for lesson in LESSONS {
        let script = dir.join(format!("{}.py", lesson.name));
        let verdict = if !script.is_file() {
            "skipped (no such script)".to_string()
        } else {
            let argv: Vec<String> = lesson
                .args
                .iter()
                .map(|a| a.replace("{dir}", &dir.to_string_lossy()))
                .collect();
            let mut py = Command::new(&args.python);
            py.arg(&script).args(&argv).current_dir(&dir);
            let mut rust = Command::new(bin_dir.join(lesson.name));
            rust.args(&argv).current_dir(&dir);
            let py_out = run(py, timeout, lesson.first_lines);
            let rust_out = run(rust, timeout, lesson.first_lines);
            match (py_out, rust_out) {
                (Err(e), _) => format!("python failed: {e}"),
                (_, Err(e)) => format!("rust failed: {e}"),
                (Ok(p), Ok(r)) => {
                    let v = verdict(&p, &r, lesson.first_lines);
                    if v == "DIFFERENT" {
                        differ += 1;
                    }
                    v.to_string()
                }
            }
        };
        println!("{:<14} {verdict}", lesson.name);
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

/// Runs a program and returns its standard output: all of it, or, for a
/// program that never stops, its first lines.
fn run(
    mut command: Command,
    timeout: Duration,
    first_lines: Option<usize>,
) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut reader = BufReader::new(stdout);
        let limit = first_lines.unwrap_or(usize::MAX);
        let mut lines = 0;
        while lines < limit {
            match reader.read_until(b'\n', &mut out) {
                Ok(0) | Err(_) => break,
                Ok(_) => lines += 1,
            }
        }
        let _ = tx.send(out);
    });
    let result = rx.recv_timeout(timeout);
    // Done, or out of time: either way the program may stop now.
    let _ = child.kill();
    let _ = child.wait();
    match result {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(_) => Err(format!("no result after {timeout:?}")),
    }
}

fn verdict(python: &str, rust: &str, first: Option<usize>) -> &'static str {
    let take = |s: &str| -> Vec<String> {
        let lines = s.lines().map(|l| l.trim().to_string());
        let mut v: Vec<String> = match first {
            Some(n) => lines.take(n).collect(),
            None => lines.collect(),
        };
        while v.last().is_some_and(|l| l.is_empty()) {
            v.pop();
        }
        v
    };
    if first.is_none() && python == rust {
        "same bytes"
    } else if take(python) == take(rust) && !take(rust).is_empty() {
        "same lines"
    } else {
        "DIFFERENT"
    }
}
