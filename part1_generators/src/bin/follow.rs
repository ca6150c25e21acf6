//! # follow: `tail -f` as a generator (slide 20; original: `follow.py`)
//!
//! A generator can watch a file forever: it yields each line appended to
//! the log and waits, suspended, in between. The consumer is an ordinary
//! `for` loop that knows nothing about files or waiting.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! follow` in another: each new log line appears as it is written. Stop
//! it with Ctrl-C. Another file: `cargo run --bin follow -- FILE`.
//!
//! The generator itself is in the library (`part1_generators::follow`),
//! because the Part 2 lessons follow the same log. Unlike the original,
//! which wakes up ten times a second to look, it sleeps until the
//! operating system reports a change (`--poll` makes it look every
//! 100 ms instead, like the original).

use clap::Parser;
use part1_generators::Fail;
use part1_generators::follow::{LogArgs, follow_with};

/// Prints each line appended to a file, as it is appended (`tail -f`).
#[derive(Parser)]
#[command(name = "follow")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
    // ANCHOR: main
    for line in follow_with(&path, wait)? {
        println!("{line}");
    }
    // ANCHOR_END: main
    Ok(())
}
