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

use std::path::PathBuf;

use clap::Parser;
use part1_generators::follow::{POLL_INTERVAL, Wait, follow_with};
use part1_generators::{Fail, data_path};

/// Prints each line appended to a file, as it is appended (`tail -f`).
#[derive(Parser)]
#[command(name = "follow")]
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
    for line in follow_with(&path, wait)? {
        println!("{line}");
    }
    // ANCHOR_END: main
    Ok(())
}
