//! # follow: `tail -f` as a generator (slide 20; original: `follow.py`)
//!
//! A generator can watch a file forever: `follow` yields each line
//! appended to the log and waits, suspended, in between. Its consumer is a
//! plain `for` loop that knows nothing about files or waiting.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! follow` in another: each line logsim writes appears here. Stop it with
//! Ctrl-C. Another file: `cargo run --bin follow -- FILE`.
//!
//! How it waits: at the end of the file the original sleeps 0.1 s and
//! looks again. This one blocks until the operating system says the file
//! changed (the `notify` crate: inotify on Linux), and looks again after
//! 0.1 s in any case, which is all it does where notifications are not
//! available. Two things the original leaves to chance: a half-written
//! line is kept until its newline arrives, and a file that got shorter
//! (logsim restarting) is read again from the top.
//!
//! `pipeline` imports `follow` from this file, as `pipeline.py` does
//! `from follow import follow`.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use notify::{RecursiveMode, Watcher};
use part1_generators::{Fail, Generator, data_path, open_log};

// ANCHOR: follow
/// Yields every line appended to `thefile` from now on, newline included.
/// `path` names the same file, for the change notifications.
pub fn follow(thefile: File, path: &Path) -> Generator<String> {
    // Python: time.sleep(0.1). Here a change, or 0.1 s, ends the wait.
    let (tx, changed) = mpsc::channel();
    let watcher = notify::recommended_watcher(tx.clone()).and_then(|mut w| {
        w.watch(path, RecursiveMode::NonRecursive).map(|()| w)
    });
    let mut thefile = BufReader::new(thefile);
    Generator::new(move |co| {
        let _keep = (watcher, tx); // the watch lives as long as we do
        // Go to the end of the file
        let Ok(mut pos) = thefile.seek(SeekFrom::End(0)) else {
            return;
        };
        let mut line = Vec::new();
        loop {
            // A read error ends the lines (Python would raise it).
            let Ok(n) = thefile.read_until(b'\n', &mut line) else {
                return;
            };
            pos += n as u64;
            if !line.ends_with(b"\n") {
                // Nothing new, or half a line (kept): wait for more.
                let _ = changed.recv_timeout(Duration::from_millis(100));
                if thefile.get_ref().metadata().is_ok_and(|m| m.len() < pos) {
                    // Truncated: start again from the top.
                    let Ok(_) = thefile.rewind() else { return };
                    pos = 0;
                    line.clear();
                }
                continue;
            }
            co.yield_(String::from_utf8_lossy(&line).into_owned());
            line.clear();
        }
    })
}
// ANCHOR_END: follow

/// Prints each line appended to a file, as it is appended (`tail -f`).
#[derive(Parser)]
#[command(name = "follow")]
struct Args {
    /// The file to follow [default: data/access-log]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { file } = Args::parse();
    let path = file.unwrap_or_else(|| data_path("access-log"));
    let logfile = open_log(&path)?;
    for line in follow(logfile, &path) {
        print!("{line}"); // the line ends with its newline
    }
    Ok(())
}
// ANCHOR_END: main
