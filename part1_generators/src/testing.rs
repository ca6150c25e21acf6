//! Support for the workbook's own tests of live lessons: a scratch folder
//! that cleans itself up, and a running lesson whose output lines can be
//! awaited with a deadline. Not part of any lesson.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// A fresh folder under the system's temporary folder, removed on drop.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Creates an empty folder whose name includes `label`.
    pub fn new(label: &str) -> Scratch {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("workbook-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create a scratch folder");
        Scratch { dir }
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A lesson running in a child process, its output read line by line.
/// Dropping it kills the process.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
}

impl Running {
    /// Starts `program` with `args`, reading its standard output.
    pub fn start(program: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {}: {e}", program.display())
            });
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
    pub fn next_line(&self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.lines.recv_timeout(left).ok()
    }

    /// Lines until `count` have arrived or `deadline` passes, leaving
    /// out the markers of [`Running::sync`].
    pub fn take_lines(&self, count: usize, deadline: Instant) -> Vec<String> {
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

    /// Whatever arrives during `pause`, leaving out markers.
    pub fn lines_during(&self, pause: Duration) -> Vec<String> {
        self.take_lines(usize::MAX, Instant::now() + pause)
    }

    /// Appends marker lines to `log` until the lesson prints one, so the
    /// test knows it is watching. Returns false if nothing came back
    /// before `deadline`. The markers contain `word` so that a filtering
    /// lesson lets them through; the caller skips them in the output.
    pub fn sync(&self, log: &Path, word: &str, deadline: Instant) -> bool {
        let mut n = 0;
        while Instant::now() < deadline {
            append(log, &format!("{MARKER} {word} {n}\n"));
            n += 1;
            let soon = Instant::now() + Duration::from_millis(100);
            if let Some(line) = self.next_line(soon.min(deadline)) {
                assert!(line.starts_with(MARKER), "unexpected line {line:?}");
                return true;
            }
        }
        false
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The start of every line [`Running::sync`] writes.
pub const MARKER: &str = "sync-marker";

/// Appends `text` to the file at `path` in one write.
pub fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("cannot open the log for appending");
    file.write_all(text.as_bytes())
        .expect("cannot append to the log");
}
