//! # cobroadcast: one stream, several pipelines (slide 44; original: `cobroadcast.py`)
//!
//! `broadcast` sends every item it receives to each of its targets, so one
//! source can feed several pipelines. Here three greps (`python`, `ply`,
//! `swig`) each have a printer of their own.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cobroadcast` in another. A line that matches two patterns is printed
//! twice, once by each pipeline, in the order python, ply, swig.

use clap::Parser;
use part1_generators::Fail;
use part1_generators::follow::LogArgs;
use part2_pipelines::{broadcast, follow, grep, printer};

/// Broadcasts a followed file to three greps, each with its own printer.
#[derive(Parser)]
#[command(name = "cobroadcast")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
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
