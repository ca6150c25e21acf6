//! # cofollow: a source pushing into a sink (slide 38; original: `cofollow.py`)
//!
//! Part 1's pipeline *pulled* lines through generators. Coroutines turn it
//! around: a source pushes each line into a target with `send`, and the
//! target does whatever it likes with it. Here the source follows the log
//! and the target is a printer.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cofollow` in another: every new log line is printed. Another file:
//! `cargo run --bin cofollow -- FILE`.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::follow::{POLL_INTERVAL, Wait};
use part1_generators::{Fail, data_path};
use part2_pipelines::{follow, printer};

/// Prints each line appended to a file: follow -> printer.
#[derive(Parser)]
#[command(name = "cofollow")]
struct Args {
    /// The file to follow [default: data/access-log in the workspace]
    file: Option<PathBuf>,
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
    follow(&path, wait, printer::<String>())?;
    // ANCHOR_END: main
    Ok(())
}
