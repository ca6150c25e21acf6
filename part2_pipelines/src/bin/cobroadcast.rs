//! # cobroadcast: one stream, several pipelines (slide 44; original: `cobroadcast.py`)
//!
//! `broadcast` sends every item it receives to each of its targets, so one
//! source can feed several pipelines. Here three greps (`python`, `ply`,
//! `swig`) each have a printer of their own.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cobroadcast` in another. A line that matched two patterns would be
//! printed twice, once by each pipeline, in the order python, ply, swig.
//!
//! `cocrash` (Part 4) imports this file's stages, as `cocrash.py` does
//! `from cobroadcast import *`: the library of `part2_pipelines` compiles
//! this very file as its module `cobroadcast`.

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
pub fn follow(
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
pub fn grep(
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
pub fn printer() -> Consumer<String> {
    Consumer::new(|inbox| {
        while let Some(line) = inbox.recv() {
            print!("{line}"); // the line ends with its newline
        }
        Ok(())
    })
}
// ANCHOR_END: printer

// ANCHOR: broadcast
/// Broadcast a stream onto multiple targets.
pub fn broadcast(
    mut targets: Vec<impl Target<String> + 'static>,
) -> Consumer<String> {
    Consumer::<String>::new(move |inbox| {
        while let Some(item) = inbox.recv() {
            for target in &mut targets {
                // Python sends the one string to every target; each of
                // ours owns what it receives, so each gets a copy.
                target.send(item.clone())?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: broadcast

/// Broadcasts a followed file to three greps, each with its own printer.
#[derive(Parser)]
#[command(name = "cobroadcast")]
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
    follow(
        f,
        broadcast(vec![
            grep("python", printer()),
            grep("ply", printer()),
            grep("swig", printer()),
        ]),
    )?;
    Ok(())
}
// ANCHOR_END: main
