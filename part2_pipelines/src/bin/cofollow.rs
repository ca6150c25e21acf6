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

use clap::Parser;
use part1_generators::Fail;
use part1_generators::follow::LogArgs;
use part2_pipelines::{follow, printer};

/// Prints each line appended to a file: follow -> printer.
#[derive(Parser)]
#[command(name = "cofollow")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
    // ANCHOR: main
    follow(&path, wait, printer::<String>())?;
    // ANCHOR_END: main
    Ok(())
}
