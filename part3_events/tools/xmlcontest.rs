//! # xmlcontest: the performance contest (slides 71, 73, 74; a tool)
//!
//! Times the lessons `buses`, `coexpat`, `cxmlparse` and `iterbus` on one
//! large bus file, each run as a learner runs it (a whole program, its
//! output read here), checks that they print the same buses, and prints
//! a table. With `--python DIR` it times the course's scripts on the
//! same file in the same run: `buses.py`, `coexpat.py`, `iterbus.py`,
//! and `cxml/test.py` if the C extension is built in `DIR/cxml`.
//!
//! ```text
//! cargo run --release --bin xmlcontest
//! cargo run --release --bin xmlcontest -- --python PATH/TO/COURSE/SCRIPTS
//! ```
//!
//! With no file it makes one of `--megabytes` (30, as the course's) with
//! `mkroutes`, and removes it at the end. Run by cargo, it first builds
//! the lessons it times (with cargo's profile); otherwise it runs those
//! it finds next to itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::Fail;
use part3_events::expat::{self, Piece};

/// Times the lessons of Part 3, and the course's scripts, on a big file.
#[derive(Parser)]
#[command(name = "xmlcontest")]
struct Args {
    /// A bus file to use [default: a new one of --megabytes]
    file: Option<PathBuf>,
    /// Size of the file to make, in megabytes (10^6 bytes)
    #[arg(long, default_value_t = 30.0, value_parser = positive)]
    megabytes: f64,
    /// Times to run each program (the best run counts)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Folder of the course's Python scripts, to time them too
    #[arg(long)]
    python: Option<PathBuf>,
    /// The Python interpreter
    #[arg(long, default_value = "python3")]
    python_exe: String,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected a number of megabytes > 0, got `{text}`")),
    }
}

/// The lessons, and the course's script for each.
const LESSONS: [(&str, &str); 4] = [
    ("buses", "buses.py"),
    ("coexpat", "coexpat.py"),
    ("cxmlparse", "cxml/test.py"),
    ("iterbus", "iterbus.py"),
];

/// A file or folder of ours in the temporary folder, removed when done.
struct Temporary(PathBuf);

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let release = !cfg!(debug_assertions);
    if !release {
        eprintln!(
            "\n*** WARNING: this is a DEBUG build: its timings mean nothing. ***\n\
             *** Run: cargo run --release --bin xmlcontest                ***\n"
        );
    }
    let here = std::env::current_exe()?;
    let bin = |name: &str| here.with_file_name(name);
    if let Some(file) = &args.file {
        parse(file)?; // checked before anything else
    }
    if let Some(cargo) = std::env::var_os("CARGO") {
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", "part3_events", "--bins"]);
        if release {
            build.arg("--release");
        }
        if !build.status()?.success() {
            return Err(Fail::new("cargo could not build the lessons"));
        }
    }
    let made = Temporary(
        std::env::temp_dir()
            .join(format!("xmlcontest-{}.xml", std::process::id())),
    );
    let file = match &args.file {
        Some(file) => file.clone(),
        None => {
            let mut mkroutes = Command::new(bin("mkroutes"));
            mkroutes.arg("--megabytes").arg(args.megabytes.to_string());
            run(mkroutes.arg("-o").arg(&made.0), "mkroutes")?;
            made.0.clone()
        }
    };
    let megabytes = std::fs::metadata(&file)?.len() as f64 / 1e6;

    // The parser alone: no events, no stages (and a warm file cache).
    let (_, alone) = best(args.runs, || parse(&file).map(|()| Vec::new()))?;
    let mut results = Vec::new();
    for (lesson, script) in LESSONS {
        let mut program = Command::new(bin(lesson));
        program.arg(&file);
        let (lines, time) = best(args.runs, || run(&mut program, lesson))?;
        let python = match &args.python {
            Some(dir) => python(&args, dir, script, &file)?,
            None => None,
        };
        // iterbus prints the id first; the others, the route.
        let same = |lines: Vec<u8>| match lesson {
            "iterbus" => swap_first_fields(&lines),
            _ => lines,
        };
        let python = python.map(|(lines, time)| (same(lines), time));
        results.push((lesson, script, same(lines), time, python));
    }

    let build = if release { "release" } else { "DEBUG" };
    println!(
        "{megabytes:.1} MB, best of {} run(s), {build} build",
        args.runs
    );
    println!();
    println!(
        "{:<10} {:>8} {:>10} {:>8}  Python",
        "lesson", "seconds", "Python s", "faster"
    );
    let expected = &results[0].2;
    for (lesson, script, lines, time, python) in &results {
        if lines != expected {
            return Err(Fail::new(format!(
                "{lesson} printed other lines than buses"
            )));
        }
        let seconds = time.as_secs_f64();
        match python {
            Some((out, t)) => {
                let t = t.as_secs_f64();
                let differs = if out == expected {
                    ""
                } else {
                    " (PRINTED OTHER LINES)"
                };
                println!(
                    "{lesson:<10} {seconds:>8.3} {t:>10.3} {:>7.1}x  {script}{differs}",
                    t / seconds
                );
            }
            None => println!("{lesson:<10} {seconds:>8.3}"),
        }
    }
    let ratio = results[2].3.as_secs_f64() / results[3].3.as_secs_f64();
    println!();
    println!(
        "the parser alone, no events, no stages: {:.3} s",
        alone.as_secs_f64()
    );
    println!("cxmlparse takes {ratio:.2}x the time of iterbus");
    let count = expected.iter().filter(|&&b| b == b'\n').count();
    println!("every program printed the same {count} lines");
    Ok(())
}

/// Reads every piece of the file, as every lesson does first.
fn parse(file: &Path) -> Result<(), Fail> {
    let mut parser = expat::Parser::open(file)?;
    while !matches!(parser.read()?, Piece::Eof) {}
    Ok(())
}

/// Runs `f` `runs` times: its last result and its best time.
fn best(
    runs: u32,
    mut f: impl FnMut() -> Result<Vec<u8>, Fail>,
) -> Result<(Vec<u8>, Duration), Fail> {
    let (mut out, mut best) = (Vec::new(), Duration::MAX);
    for _ in 0..runs {
        let start = Instant::now();
        out = f()?;
        best = best.min(start.elapsed());
    }
    Ok((out, best))
}

/// Runs a program to its end; returns what it printed, or why it failed.
fn run(program: &mut Command, name: &str) -> Result<Vec<u8>, Fail> {
    let out = program
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Fail::new(format!("cannot run {name}: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let said = said.lines().last().unwrap_or_default();
        return Err(Fail::new(format!("{name} failed: {said}")));
    }
    Ok(out.stdout)
}

/// Times the course's `script` (in `dir`) on `file`: what it printed and
/// its best time, or nothing if it cannot run here.
fn python(
    args: &Args,
    dir: &Path,
    script: &str,
    file: &Path,
) -> Result<Option<(Vec<u8>, Duration)>, Fail> {
    let dir = std::path::absolute(dir)?;
    let has_extension = || {
        std::fs::read_dir(dir.join("cxml")).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("cxmlparse") && name.ends_with(".so")
            })
        })
    };
    if script.starts_with("cxml/") && !has_extension() {
        return Ok(None); // the C extension is not built
    }
    // The scripts read "allroutes.xml" in their folder (cxml/test.py,
    // "../allroutes.xml", unless it was pointed at another file).
    let work = Temporary(
        std::env::temp_dir()
            .join(format!("xmlcontest-python-{}", std::process::id())),
    );
    std::fs::create_dir_all(work.0.join("cxml"))?;
    std::os::unix::fs::symlink(
        std::path::absolute(file)?,
        work.0.join("allroutes.xml"),
    )?;
    let cwd = if script.starts_with("cxml/") {
        work.0.join("cxml")
    } else {
        work.0.clone()
    };
    let mut program = Command::new(&args.python_exe);
    program.arg(dir.join(script)).current_dir(cwd);
    best(args.runs, || run(&mut program, script)).map(Some)
}

/// iterbus's lines with their first two fields swapped.
fn swap_first_fields(lines: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(lines).lines() {
        let fields: Vec<&str> = line.splitn(3, ',').collect();
        if let [a, b, rest] = fields[..] {
            out.extend_from_slice(format!("{b},{a},{rest}\n").as_bytes());
        }
    }
    out
}
