//! # cofollow: a source pushing into a sink (slide 38; original: `cofollow.py`)
//!
//! Part 1's pipeline *pulled* lines through generators. Coroutines turn it
//! around: a source pushes each line into a target with `send`, and the
//! target does what it likes with it. Here the source follows the log and
//! the target is a printer.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cofollow` in another: every new log line is printed. Another file:
//! `cargo run --bin cofollow -- FILE`.
//!
//! `follow` here is the original's loop: at the end of the file it sleeps
//! 0.1 s. Like Part 1's `follow` it keeps half a line until its newline
//! arrives; unlike it, it does not notice a truncated file (restart the
//! lesson when you restart logsim), nor wait on notifications.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use part1_generators::{
    Consumer, Exception, Fail, Target, data_path, open_log,
};

// ANCHOR: follow
/// A data source. This is not a coroutine, but it sends data into one
/// (`target`): every line appended to `thefile`, newline included.
fn follow(
    thefile: File,
    mut target: impl Target<String>,
) -> Result<(), Exception> {
    let mut thefile = BufReader::new(thefile);
    thefile.seek(SeekFrom::End(0))?; // Go to the end of the file
    let mut line = Vec::new();
    loop {
        thefile.read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\n") {
            // Nothing new, or half a line (kept): sleep briefly.
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        target.send(String::from_utf8_lossy(&line).into_owned())?;
        line.clear();
    }
}
// ANCHOR_END: follow

// ANCHOR: printer
/// A sink. A coroutine that receives data.
fn printer() -> Consumer<String> {
    Consumer::new(|inbox| {
        while let Some(line) = inbox.recv() {
            print!("{line}"); // the line ends with its newline
        }
        Ok(())
    })
}
// ANCHOR_END: printer

/// Prints each line appended to a file: follow -> printer.
#[derive(Parser)]
#[command(name = "cofollow")]
struct Args {
    /// The log to follow [default: data/access-log]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { file } = Args::parse();
    let path = file.unwrap_or_else(|| data_path("access-log"));
    let f = open_log(&path)?;
    follow(f, printer())?;
    Ok(())
}
// ANCHOR_END: main
