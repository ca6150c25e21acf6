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

/// Our folder in the temporary folder, removed when done.
struct Temporary(PathBuf);

impl Drop for Temporary {
    fn drop(&mut self) {
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
    if let Some(file) = &args.file {
        parse(file)?; // checked before anything else
    }
    if let Some(cargo) = std::env::var_os("CARGO") {
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", "part3_events", "--bins"]);
        if release {
            build.arg("--release");
        }
        run(&mut build)?;
    }
    let bin = std::env::current_exe()?;
    let bin = |name: &str| bin.with_file_name(name);
    let pid = std::process::id();
    let temp =
        Temporary(std::env::temp_dir().join(format!("xmlcontest-{pid}")));
    std::fs::create_dir_all(temp.0.join("cxml"))?;
    // The scripts read "allroutes.xml" in the folder they run in
    // (cxml/test.py: "../allroutes.xml", unless it was pointed elsewhere).
    let file = temp.0.join("allroutes.xml");
    match &args.file {
        Some(given) => {
            std::os::unix::fs::symlink(std::path::absolute(given)?, &file)?
        }
        None => {
            let mb = args.megabytes.to_string();
            run(Command::new(bin("mkroutes"))
                .args(["--megabytes", &mb, "-o"])
                .arg(&file))?;
        }
    }
    let megabytes = std::fs::metadata(&file)?.len() as f64 / 1e6;
    // The parser alone: no events, no stages (and a warm file cache).
    let (_, alone) = best(args.runs, || parse(&file).map(|()| Vec::new()))?;

    let build = if release { "release" } else { "DEBUG" };
    println!(
        "{megabytes:.1} MB, best of {} run(s), {build} build\n",
        args.runs
    );
    println!(
        "{:<10} {:>8} {:>10} {:>8}  Python",
        "lesson", "seconds", "Python s", "faster"
    );
    let (mut expected, mut times) = (None, Vec::new());
    for (lesson, script) in LESSONS {
        let program = || run(Command::new(bin(lesson)).arg(&file));
        let (lines, time) = best(args.runs, program)?;
        let lines = route_first(lesson, lines);
        let expected = expected.get_or_insert_with(|| lines.clone());
        if lines != *expected {
            return Err(Fail::new(format!(
                "{lesson} printed other lines than buses"
            )));
        }
        times.push(time.as_secs_f64());
        print!("{lesson:<10} {:>8.3}", time.as_secs_f64());
        let python =
            args.python.as_ref().map(std::path::absolute).transpose()?;
        if let Some(dir) = python.filter(|dir| built(dir, script)) {
            let cwd = temp.0.join(script).parent().map(Path::to_path_buf);
            let mut python = Command::new(&args.python_exe);
            python
                .arg(dir.join(script))
                .current_dir(cwd.unwrap_or_default());
            let (out, t) = best(args.runs, || run(&mut python))?;
            let same = route_first(lesson, out) == *expected;
            let (t, other) =
                (t.as_secs_f64(), if same { "" } else { " (OTHER LINES)" });
            print!(
                " {t:>10.3} {:>7.1}x  {script}{other}",
                t / time.as_secs_f64()
            );
        }
        println!();
    }
    let count = expected
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    println!(
        "\nthe parser alone, no events, no stages: {:.3} s",
        alone.as_secs_f64()
    );
    println!(
        "cxmlparse takes {:.2}x the time of iterbus",
        times[2] / times[3]
    );
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
fn run(program: &mut Command) -> Result<Vec<u8>, Fail> {
    let name = program.get_program().to_string_lossy().into_owned();
    let out = program
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Fail::new(format!("cannot run {name}: {e}")))?;
    let said = String::from_utf8_lossy(&out.stderr);
    match out.status.success() {
        true => Ok(out.stdout),
        false => Err(Fail::new(format!("{name} failed: {}", said.trim()))),
    }
}

/// Whether the course's `script` can run from `dir`: the C extension's
/// test needs the extension built (a `.so` file beside it).
fn built(dir: &Path, script: &str) -> bool {
    let mut files = std::fs::read_dir(dir.join("cxml")).into_iter().flatten();
    let so = |e: std::fs::DirEntry| e.path().extension() == Some("so".as_ref());
    !script.starts_with("cxml/") || files.any(|e| e.is_ok_and(so))
}

/// The lines of `lesson`, route first (iterbus prints the id first).
fn route_first(lesson: &str, lines: Vec<u8>) -> Vec<u8> {
    if lesson != "iterbus" {
        return lines;
    }
    let mut out = String::new();
    for line in String::from_utf8_lossy(&lines).lines() {
        if let Some((id, rest)) = line.split_once(',') {
            let (route, rest) = rest.split_once(',').unwrap_or((rest, ""));
            out.push_str(&format!("{route},{id},{rest}\n"));
        }
    }
    out.into_bytes()
}
