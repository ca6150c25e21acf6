//! # pipeline: generators stacked (slide 22; original: `pipeline.py`)
//!
//! Generators compose like Unix pipes: `follow` produces log lines,
//! `grep` keeps those containing "python", and the `for` loop at the end
//! pulls each result through the whole chain (`tail -f | grep python`).
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! pipeline` in another: only the requests mentioning python appear.

use clap::Parser;
use part1_generators::follow::{LogArgs, follow_with};
use part1_generators::{Fail, Generator};

/// Prints the lines appended to a file that contain "python".
#[derive(Parser)]
#[command(name = "pipeline")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

// ANCHOR: grep
/// A generator that passes on the lines containing `pattern`.
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

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
    // ANCHOR: main
    // Set up a processing pipe: tail -f | grep python
    let loglines = follow_with(&path, wait)?;
    let pylines = grep("python", loglines);

    // Pull results out of the processing pipeline
    for line in pylines {
        println!("{line}");
    }
    // ANCHOR_END: main
    Ok(())
}
