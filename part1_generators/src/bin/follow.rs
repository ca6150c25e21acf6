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
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use part1_generators::{Fail, Generator, data_path, open_log};

// ANCHOR: follow
/// Yields every line appended to `thefile` from now on, newline included.
pub fn follow(thefile: File, path: &Path) -> Generator<String> {
    let mut thefile = BufReader::new(thefile);
    let mut nap = Nap::new(path); // `path` names the same file
    Generator::new(move |co| {
        // Go to the end of the file (if that fails, so does the read)
        let mut pos = thefile.seek(SeekFrom::End(0)).unwrap_or(0);
        let mut line = Vec::new();
        while let Ok(n) = thefile.read_until(b'\n', &mut line) {
            pos += n as u64;
            if line.ends_with(b"\n") {
                co.yield_(String::from_utf8_lossy(&line).into_owned());
                line.clear();
                continue;
            }
            // Nothing new, or half a line (kept): wait for more.
            nap.sleep();
            if thefile.get_ref().metadata().is_ok_and(|m| m.len() < pos) {
                // Truncated: start again from the top.
                (pos, line) = (0, Vec::new());
                thefile.rewind().ok(); // if it fails, so does the read
            }
        }
    })
}
// ANCHOR_END: follow

// ANCHOR: nap
/// Python's `time.sleep(0.1)`, cut short when the file changes: the
/// operating system says so (inotify on Linux, through `notify`). Where
/// it cannot, a plain 0.1 s sleep.
struct Nap {
    changed: mpsc::Receiver<NotifyEvent>,
    // Both kept for as long as we wait: the watch, and a sender, so that
    // a failed watch still sleeps (a closed channel would not wait).
    _watch: (
        notify::Result<RecommendedWatcher>,
        mpsc::Sender<NotifyEvent>,
    ),
}

type NotifyEvent = notify::Result<notify::Event>;

impl Nap {
    fn new(path: &Path) -> Nap {
        let (tx, changed) = mpsc::channel();
        let watcher =
            notify::recommended_watcher(tx.clone()).and_then(|mut w| {
                w.watch(path, RecursiveMode::NonRecursive).map(|()| w)
            });
        Nap {
            changed,
            _watch: (watcher, tx),
        }
    }

    fn sleep(&mut self) {
        let _ = self.changed.recv_timeout(Duration::from_millis(100));
    }
}
// ANCHOR_END: nap

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
