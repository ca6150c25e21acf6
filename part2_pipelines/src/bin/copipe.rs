//! # copipe: a filter in the pipeline (slide 41; original: `copipe.py`)
//!
//! A filter is a coroutine that receives, decides, and sends on to its own
//! target. Stages snap together by passing each one the next:
//! `follow -> grep("python") -> printer`.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! copipe` in another: only the lines mentioning python are printed.

use clap::Parser;
use part1_generators::Fail;
use part1_generators::follow::LogArgs;
use part2_pipelines::{follow, grep, printer};

/// Prints the lines appended to a file that contain a pattern.
#[derive(Parser)]
#[command(name = "copipe")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
    /// The text a line must contain to be printed
    #[arg(long, default_value = "python")]
    pattern: String,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
    // ANCHOR: main
    follow(&path, wait, grep(&args.pattern, printer::<String>()))?;
    // ANCHOR_END: main
    Ok(())
}
