//! # copipe: a filter in the pipeline (slide 41; original: `copipe.py`)
//!
//! A filter is a coroutine that receives, decides, and sends on to its own
//! target. Stages snap together by passing each one the next:
//! `follow -> grep("python") -> printer`.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! copipe` in another: only the lines mentioning python are printed.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::follow::{POLL_INTERVAL, Wait};
use part1_generators::{Fail, data_path};
use part2_pipelines::{follow, grep, printer};

/// Prints the lines appended to a file that contain a pattern.
#[derive(Parser)]
#[command(name = "copipe")]
struct Args {
    /// The file to follow [default: data/access-log in the workspace]
    file: Option<PathBuf>,
    /// The text a line must contain to be printed
    #[arg(long, default_value = "python")]
    pattern: String,
    /// Look for changes every 100 ms instead of waiting for notifications
    #[arg(long)]
    poll: bool,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("access-log"));
    let wait = if args.poll {
        Wait::Poll(POLL_INTERVAL)
    } else {
        Wait::Notify
    };
    // ANCHOR: main
    follow(&path, wait, grep(&args.pattern, printer::<String>()))?;
    // ANCHOR_END: main
    Ok(())
}
