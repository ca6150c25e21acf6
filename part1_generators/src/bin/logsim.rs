//! # logsim: a live web-server log (slide 20; original: `logsim.py`)
//!
//! Not a lesson but the data source for the live ones (follow, pipeline,
//! cofollow, copipe, cobroadcast, cobroadcast2). It empties the log file,
//! then appends one synthetic request line at a time, flushing each, with
//! a random pause of up to a second between lines.
//!
//! Run it in one terminal: `cargo run --bin logsim`. It writes
//! `data/access-log` until you stop it with Ctrl-C. Then run a following
//! lesson in another terminal, for example `cargo run --bin follow`.
//!
//! Options make it testable: `--seed` fixes the lines (but not their
//! timestamps), `--lines` stops after that many, `--max-pause 0` writes as
//! fast as it can, `--output` writes elsewhere.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Parser;
use part1_generators::logsim::LogSim;
use part1_generators::{Fail, data_path};

/// Appends synthetic web-server log lines to a file, like a live server.
#[derive(Parser)]
#[command(name = "logsim")]
struct Args {
    /// Log file to write [default: data/access-log in the workspace]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Longest pause between two lines, in seconds (0: no pause)
    #[arg(long, default_value_t = 1.0, value_parser = non_negative)]
    max_pause: f64,
    /// Stop after writing this many lines [default: never stop]
    #[arg(long, short = 'n')]
    lines: Option<u64>,
    /// Seed of the random choices, to repeat a run [default: random]
    #[arg(long)]
    seed: Option<u64>,
    /// Keep what the file holds instead of emptying it first
    #[arg(long)]
    append: bool,
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected a number of seconds >= 0, got `{text}`")),
    }
}

fn main() -> Result<(), Fail> {
    let args = Args::parse();
    let path = match args.output {
        Some(path) => path,
        None => {
            // The workspace's data folder may not exist yet.
            let path = data_path("access-log");
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            path
        }
    };
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(args.append)
        .truncate(!args.append)
        .open(&path)
        .map_err(|e| {
            Fail::new(format!("cannot write {}: {e}", path.display()))
        })?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut sim = LogSim::new(seed);
    let mut written = 0;
    while args.lines.is_none_or(|n| written < n) {
        std::thread::sleep(Duration::from_secs_f64(sim.pause(args.max_pause)));
        let line = sim.line(SystemTime::now());
        // One write per line, so a follower never sees a line in pieces
        // written by us (it copes if it does).
        writeln!(file, "{line}")
            .and_then(|()| file.flush())
            .map_err(|e| {
                Fail::new(format!("cannot write {}: {e}", path.display()))
            })?;
        written += 1;
    }
    Ok(())
}
