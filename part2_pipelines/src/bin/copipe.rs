//! # copipe: a filter in the pipeline (slide 41; original: `copipe.py`)
//!
//! A filter is a coroutine that receives, decides, and sends on to its own
//! target. Stages snap together by passing each one the next:
//! `follow -> grep("python") -> printer`.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! copipe` in another: only the lines mentioning python are printed.
//!
//! `follow` and `printer` are cofollow's, repeated here as `copipe.py`
//! repeats them.

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

// ANCHOR: grep
/// A filter: sends on to `target` the lines that contain `pattern`.
fn grep(
    pattern: &str,
    mut target: impl Target<String> + 'static,
) -> Consumer<String> {
    let pattern = pattern.to_owned();
    Consumer::<String>::new(move |inbox| {
        // Receive a line
        while let Some(line) = inbox.recv() {
            if line.contains(&pattern) {
                target.send(line)?; // Send to next stage
            }
        }
        Ok(())
    })
}
// ANCHOR_END: grep

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

/// Prints the lines appended to a file that contain "python".
#[derive(Parser)]
#[command(name = "copipe")]
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
    follow(f, grep("python", printer()))?;
    Ok(())
}
// ANCHOR_END: main
