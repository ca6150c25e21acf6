//! # xmlcontest: the performance contest (slides 71 and 73; a tool)
//!
//! Times the lessons `buses`, `coexpat`, `cxmlparse` and `iterbus` on one
//! large bus file, each run as a learner runs it (a whole program, its
//! output read here), checks that they print the same buses, and prints
//! a table. With `--python DIR` it times the course's scripts on the
//! same file in the same run: `buses.py`, `coexpat.py`, `iterbus.py` and
//! `cxml/test.py` (which needs the C extension built in `DIR/cxml`); a
//! script that cannot run says why in its row (an extension not built:
//! and the command that builds it). Two floors under every lesson's
//! time come last: the workbook's parser alone (every piece read and
//! checked, nothing done with it) and quick-xml by itself (the file held
//! in memory for this one, none of expat's checks).
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
use std::time::Instant;

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
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    megabytes: u32,
    /// Times to run each program (the best run counts)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Folder of the course's Python scripts, to time them too
    #[arg(long)]
    python: Option<PathBuf>,
}

/// The lessons, and the course's script for each.
const LESSONS: [(&str, &str); 4] = [
    ("buses", "buses.py"),
    ("coexpat", "coexpat.py"),
    ("cxmlparse", "cxml/test.py"),
    ("iterbus", "iterbus.py"),
];

/// The command that builds the course's C extension, in `DIR/cxml`.
const BUILD: &str = "python3 setup.py build_ext --inplace";

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
    let build = ["release", "DEBUG"][usize::from(cfg!(debug_assertions))];
    if build == "DEBUG" {
        eprintln!(
            "A debug build of xmlcontest, its timings mean nothing: for release figures, run `cargo run --release --bin xmlcontest`."
        );
    }
    if let Some(file) = &args.file {
        parse(file)?; // checked before anything else
    }
    // Run by cargo, it builds the lessons first, with its own profile.
    if let Some(cargo) = std::env::var_os("CARGO") {
        let mut cargo = Command::new(cargo);
        cargo.args(["build", "--quiet", "-p", "part3_events", "--bins"]);
        run(cargo.args((build == "release").then_some("--release")))?;
    }
    let exe = std::env::current_exe()?;
    let bin = |name: &str| Command::new(exe.with_file_name(name));
    // The scripts read "allroutes.xml" in the folder they run in
    // (cxml/test.py: "../allroutes.xml", unless it was pointed elsewhere).
    let pid = std::process::id();
    let temp =
        Temporary(std::env::temp_dir().join(format!("xmlcontest-{pid}")));
    std::fs::create_dir_all(temp.0.join("cxml"))?;
    let file = temp.0.join("allroutes.xml");
    match &args.file {
        Some(given) => {
            std::os::unix::fs::symlink(std::path::absolute(given)?, &file)?
        }
        None => {
            let mb = args.megabytes.to_string();
            run(bin("mkroutes").args(["--megabytes", &mb, "-o"]).arg(&file))?;
        }
    }
    let megabytes = std::fs::metadata(&file)?.len() as f64 / 1e6;
    // The parser alone: no events, no stages (and a warm file cache).
    let (_, alone) = best(args.runs, || parse(&file).map(|()| Vec::new()))?;
    // quick-xml by itself: the file in memory, no copies, no checks.
    let text = std::fs::read_to_string(&file)?;
    let (_, floor) = best(args.runs, || bare(&text).map(|()| Vec::new()))?;

    println!(
        "{megabytes:.1} MB, best of {} run(s), {build} build\n",
        args.runs
    );
    println!("lesson      seconds   Python s   faster  Python");
    let (mut expected, mut times) = (None, Vec::new());
    for (lesson, script) in LESSONS {
        let (out, time) = best(args.runs, || run(bin(lesson).arg(&file)))?;
        let lines = sorted_fields(&out);
        if *expected.get_or_insert_with(|| lines.clone()) != lines {
            let why = format!("{lesson} printed other lines than buses");
            return Err(Fail::new(why));
        }
        times.push(time);
        print!("{lesson:<10} {time:>8.3}");
        if let Some(dir) = &args.python {
            let mut python = Command::new("python3");
            python.arg(std::path::absolute(dir.join(script))?);
            python.current_dir(temp.0.join(script).parent().unwrap_or(&temp.0));
            // A script that cannot run says why, in its row; the C
            // extension not built, with the command that builds it.
            let cxml = dir.join("cxml");
            let cxml = format!(
                "the C extension is not built: cd {} && {BUILD}",
                cxml.display()
            );
            match best(args.runs, || run(&mut python)) {
                Ok((out, t)) => {
                    let other = ["", " (OTHER LINES)"]
                        [usize::from(sorted_fields(&out) != lines)];
                    print!(" {t:>10.3} {:>7.1}x  {script}{other}", t / time);
                }
                Err(why) if format!("{why:?}").contains("'cxmlparse'") => {
                    print!("  {script}: {cxml}")
                }
                Err(why) => print!("  {script} did not run: {why:?}"),
            }
        }
        println!();
    }
    let count = expected.unwrap_or_default().len();
    println!("\nthe parser alone, no events, no stages: {alone:.3} s");
    println!("quick-xml by itself (file in memory, no checks): {floor:.3} s");
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

/// Reads every event of `text` with quick-xml and nothing else: the
/// floor under every lesson's time.
fn bare(text: &str) -> Result<(), Fail> {
    let mut reader = quick_xml::Reader::from_str(text);
    while reader.read_event()? != quick_xml::events::Event::Eof {}
    Ok(())
}

/// Runs `f` `runs` times: its last output and its best time in seconds.
fn best(
    runs: u32,
    mut f: impl FnMut() -> Result<Vec<u8>, Fail>,
) -> Result<(Vec<u8>, f64), Fail> {
    let (mut out, mut best) = (Vec::new(), f64::MAX);
    for _ in 0..runs {
        let start = Instant::now();
        out = f()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok((out, best))
}

/// Runs a program to its end; returns what it printed, or why it failed
/// (the last line it wrote on stderr).
fn run(program: &mut Command) -> Result<Vec<u8>, Fail> {
    let name = program.get_program().to_string_lossy().into_owned();
    let out = program.stdin(Stdio::null()).stderr(Stdio::piped()).output();
    let out = out.map_err(|e| format!("cannot run {name}: {e}"))?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let last = said.trim().lines().last().unwrap_or_default();
    Err(Fail::new(format!("{name} failed: {last}")))
}

/// Each line of `out`, its fields sorted (iterbus prints the id first).
fn sorted_fields(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    let fields = |line: &str| {
        let mut fields: Vec<&str> = line.split(',').collect();
        fields.sort();
        fields.join(",")
    };
    text.lines().map(fields).collect()
}
