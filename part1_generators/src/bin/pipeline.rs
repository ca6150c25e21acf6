//! # pipeline: generators stacked (slide 22; original: `pipeline.py`)
//!
//! Generators compose like Unix pipes: `follow` produces log lines,
//! `grep` keeps those containing "python", and the `for` loop at the end
//! pulls each result through the whole chain (`tail -f | grep python`).
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! pipeline` in another: only the requests mentioning python appear.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::follow::follow;
use part1_generators::{Fail, Generator, data_path, open_log};

// ANCHOR: grep
/// Yields the lines that contain `pattern`.
fn grep(
    pattern: &str,
    lines: impl Iterator<Item = String> + 'static,
) -> Generator<String> {
    let pattern = pattern.to_owned();
    Generator::new(move |co| {
        for line in lines {
            if line.contains(&pattern) {
                co.yield_(line);
            }
        }
    })
}
// ANCHOR_END: grep

/// Prints the lines appended to a file that contain "python".
#[derive(Parser)]
#[command(name = "pipeline")]
struct Args {
    /// The file to follow [default: data/access-log]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { file } = Args::parse();
    let path = file.unwrap_or_else(|| data_path("access-log"));
    // Set up a processing pipe : tail -f | grep python
    let logfile = open_log(&path)?;
    let loglines = follow(logfile, &path);
    let pylines = grep("python", loglines);

    // Pull results out of the processing pipeline
    for line in pylines {
        print!("{line}");
    }
    Ok(())
}
// ANCHOR_END: main
