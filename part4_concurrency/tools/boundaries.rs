//! # boundaries: what a thread or a process in the pipeline costs (slides 88-89; a tool)
//!
//! The course found its `threaded` stage made the bus example "about 50%
//! slower", and warns that a process boundary pays for serialization.
//! This times the pipeline of `buses` with no boundary, with a thread
//! (`cothread`'s `threaded`) and with a process (`coprocess`'s `sendto`
//! to a child running `recvfrom`), on one file, and checks that all
//! three print the same lines.
//!
//! ```text
//! cargo run --release --bin boundaries
//! ```
//!
//! With no file it makes one of `--megabytes` (30) from the workbook's
//! data, its buses repeated. Each run is a fresh process: this program,
//! started again with a hidden `--variant` (its own child, for the
//! process, too), so it needs no other binary.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Parser;
use part1_generators::{Fail, Shared, Target, data_path};
use part3_events::buses::{
    Bus, bus_locations, buses_to_dicts, filter_on_field,
};
use part3_events::cosax::EventHandler;
use part3_events::error::describe;
use part3_events::expat::{self, Piece};
use part3_events::sax;
use part4_concurrency::coprocess::{recvfrom, sendto};
use part4_concurrency::cothread::threaded;
use part4_concurrency::subprocess::Popen;

/// Times the bus pipeline with no boundary, a thread and a process.
#[derive(Parser)]
#[command(name = "boundaries")]
struct Args {
    /// A bus file to use [default: a new one of --megabytes]
    file: Option<PathBuf>,
    /// Size of the file to make, in megabytes (10^6 bytes)
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    megabytes: u32,
    /// Times to run each variant (best and median are shown)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Run one variant, once, printing its lines
    #[arg(long, hide = true)]
    variant: Option<String>,
}

/// The variants: the lesson each stands for, and its boundary.
const VARIANTS: [(&str, &str); 3] = [
    ("buses", "none"),
    ("cothread", "a thread"),
    ("coprocess", "a process"),
];

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let file = args.file.clone().unwrap_or_default();
    if let Some(variant) = &args.variant {
        part1_generators::exit_quietly_on_closed_pipe();
        return run_variant(variant, &file);
    }
    let build = ["release", "DEBUG"][usize::from(cfg!(debug_assertions))];
    if build == "DEBUG" {
        eprintln!(
            "A debug build of boundaries, its timings mean nothing: for \
             release figures, run `cargo run --release --bin boundaries`."
        );
    }
    // With no file, the workbook's buses repeated to --megabytes.
    let made = std::env::temp_dir()
        .join(format!("boundaries-{}.xml", std::process::id()));
    if args.file.is_none() {
        let data = std::fs::read_to_string(data_path("allroutes.xml"))?;
        let (start, end) = (data.find("<bus>"), data.rfind("</buses>"));
        let (start, end) = (start.unwrap_or(0), end.unwrap_or(data.len()));
        let copies = (f64::from(args.megabytes) * 1e6 / (end - start) as f64)
            .ceil() as usize;
        let buses = data[start..end].repeat(copies);
        std::fs::write(&made, [&data[..start], &buses, &data[end..]].concat())?;
    }
    let result =
        time_variants(args.runs, args.file.as_ref().unwrap_or(&made), build);
    let _ = std::fs::remove_file(&made);
    result
}

/// One variant, run once: the pipeline of its lesson.
fn run_variant(variant: &str, file: &Path) -> Result<(), Fail> {
    let filters = || {
        let north =
            filter_on_field("direction", "North Bound", bus_locations());
        filter_on_field("route", "22", north)
    };
    match variant {
        "buses" => {
            let mut handler = EventHandler::new(buses_to_dicts(filters()));
            sax::parse(file, &mut handler)?;
        }
        "cothread" => {
            let mut worker = Shared::new(threaded(filters));
            let mut handler = EventHandler::new(buses_to_dicts(worker.clone()));
            sax::parse(file, &mut handler)?;
            worker.close().map_err(|e| Fail::new(describe(&e)))?;
        }
        "coprocess" => {
            let mut child = Command::new(std::env::current_exe()?);
            child.args(["--variant", "busproc"]);
            let (p, stdin) = Popen::new(child, "busproc")?;
            let mut handler = EventHandler::new(buses_to_dicts(sendto(stdin)));
            let parsed = sax::parse(file, &mut handler);
            drop(handler); // closes the pipe
            p.wait()?;
            parsed?;
        }
        _ => recvfrom::<Bus>(io::stdin().lock(), filters())
            .map_err(|e| Fail::new(e.in_input("<stdin>")))?,
    }
    Ok(())
}

/// Times each variant on `file` and prints the table.
fn time_variants(runs: u32, file: &Path, build: &str) -> Result<(), Fail> {
    // The file is checked before anything is timed.
    let mut parser = expat::Parser::open(file)?;
    while !matches!(parser.read()?, Piece::Eof) {}
    let megabytes = std::fs::metadata(file)?.len() as f64 / 1e6;
    println!(
        "{megabytes:.1} MB, best and median of {runs} run(s), {build} build\n"
    );
    println!("lesson     boundary     best s   median  vs none");
    let (mut first, mut none) = (None, 0.0);
    for (variant, boundary) in VARIANTS {
        let mut times = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            let mut run = Command::new(std::env::current_exe()?);
            let out = run.args(["--variant", variant]).arg(file).output()?;
            times.push(start.elapsed().as_secs_f64());
            let said = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() {
                return Err(format!("{variant} failed: {}", said.trim()).into());
            }
            if *first.get_or_insert_with(|| out.stdout.clone()) != out.stdout {
                let why = format!("{variant} printed other lines than buses");
                return Err(why.into());
            }
        }
        times.sort_by(f64::total_cmp);
        let (best, median) = (times[0], times[times.len() / 2]);
        none = if none == 0.0 { best } else { none };
        let vs = best / none;
        println!(
            "{variant:<10} {boundary:<10} {best:>8.3} {median:>8.3} {vs:>7.2}x"
        );
    }
    let count = first.unwrap_or_default().split(|&b| b == b'\n').count() - 1;
    println!("\nevery variant printed the same {count} lines");
    Ok(())
}
