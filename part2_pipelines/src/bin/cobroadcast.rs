//! # cobroadcast: one stream, several pipelines (slide 44; original: `cobroadcast.py`)
//!
//! `broadcast` sends every item it receives to each of its targets, so one
//! source can feed several pipelines. Here three greps (`python`, `ply`,
//! `swig`) each have a printer of their own.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cobroadcast` in another. A line that matches two patterns is printed
//! twice, once by each pipeline, in the order python, ply, swig.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::follow::{POLL_INTERVAL, Wait};
use part1_generators::{Fail, data_path};
use part2_pipelines::{broadcast, follow, grep, printer};

/// Broadcasts a followed file to three greps, each with its own printer.
#[derive(Parser)]
#[command(name = "cobroadcast")]
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
    follow(
        &path,
        wait,
        broadcast(vec![
            grep("python", printer::<String>()),
            grep("ply", printer()),
            grep("swig", printer()),
        ]),
    )?;
    // ANCHOR_END: main
    Ok(())
}
