//! Test support for the live lessons (shared by part1's and part2's
//! tests): a scratch folder that cleans itself up, and a lesson running
//! as a child process whose output lines can be awaited with a deadline.

#![allow(dead_code)] // not every test file uses every item

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// A fresh folder under the system's temporary folder, removed on drop.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new(label: &str) -> Scratch {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("workbook-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create a scratch folder");
        Scratch(dir)
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A deadline `secs` seconds from now.
pub(crate) fn deadline(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

/// A lesson running in a child process, its output read line by line.
/// Dropping it kills and reaps the process.
pub(crate) struct Running {
    child: Child,
    lines: Receiver<String>,
}

/// The start of every line [`Running::sync`] writes.
pub(crate) const MARKER: &str = "sync-marker";

impl Running {
    pub(crate) fn start(program: &str, args: &[&Path]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// The next line, if one comes before `deadline`.
    pub(crate) fn next_line(&self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.lines.recv_timeout(left).ok()
    }

    /// Lines until `count` have come or `deadline` passes, markers left
    /// out.
    pub(crate) fn take_lines(
        &self,
        count: usize,
        deadline: Instant,
    ) -> Vec<String> {
        let mut got = Vec::new();
        while got.len() < count {
            match self.next_line(deadline) {
                Some(line) if line.starts_with(MARKER) => {}
                Some(line) => got.push(line),
                None => break,
            }
        }
        got
    }

    /// Whatever comes during `pause`, markers left out.
    pub(crate) fn lines_during(&self, pause: Duration) -> Vec<String> {
        self.take_lines(usize::MAX, Instant::now() + pause)
    }

    /// Appends marker lines to `log` until the lesson prints one, so the
    /// test knows it is following. The markers contain `word`, so that a
    /// filtering lesson lets them through.
    pub(crate) fn sync(&self, log: &Path, word: &str) {
        let end = deadline(10);
        for n in 0.. {
            assert!(Instant::now() < end, "the lesson never started following");
            append(log, &format!("{MARKER} {word} {n}\n"));
            let soon = Instant::now() + Duration::from_millis(100);
            if let Some(line) = self.next_line(soon) {
                assert!(line.starts_with(MARKER), "unexpected line {line:?}");
                return;
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Appends `text` to the file at `path` in one write.
pub(crate) fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("cannot open the log for appending");
    file.write_all(text.as_bytes())
        .expect("cannot append to the log");
}

/// Appends `lines` to `log` as a server would, every seventh in two
/// writes a moment apart, so that a follower meets half-written lines.
pub(crate) fn write_log(log: &Path, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        if i % 7 == 0 {
            let (head, tail) = line.split_at(line.len() / 2);
            append(log, head);
            std::thread::sleep(Duration::from_millis(2));
            append(log, &format!("{tail}\n"));
        } else {
            append(log, &format!("{line}\n"));
        }
    }
}
