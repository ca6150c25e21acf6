//! What the tests share: a server process that is always killed and
//! reaped, and a temporary folder that is always removed.

#![allow(dead_code)] // each test file uses some of it

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// A server binary running on a free port of 127.0.0.1: killed and
/// reaped when dropped. Its stdout lines arrive on `lines`, its stderr
/// lines after the first on `errors`.
pub(crate) struct Server {
    child: Child,
    /// The address from its `NAME: listening on ADDRESS` line.
    pub(crate) addr: String,
    lines: Receiver<String>,
    pub(crate) errors: Receiver<String>,
}

impl Server {
    /// Starts `program` with `args` and `--port 0`, and waits (10 s at
    /// most) until it says where it listens.
    pub(crate) fn start(program: &str, args: &[&str]) -> Server {
        let mut child = Command::new(program)
            .args(args)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let lines = read_lines(child.stdout.take().unwrap());
        let errors = read_lines(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            addr: String::new(),
            lines,
            errors,
        };
        let first = (server.errors)
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{program} did not listen: {e}"));
        let (_, addr) = first
            .split_once(": listening on ")
            .unwrap_or_else(|| panic!("{program} said {first:?}"));
        server.addr = addr.to_string();
        server
    }

    /// The next `n` lines of its stdout, waiting 10 s at most.
    pub(crate) fn take_lines(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        (0..n)
            .map(|_| {
                let left = deadline.saturating_duration_since(Instant::now());
                self.lines.recv_timeout(left).expect("a line in time")
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of `pipe`, read on a thread of their own so the child never
/// blocks on a full pipe.
fn read_lines(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// A fresh folder under the temporary folder, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// An empty folder whose name holds `label` and this process's id.
    pub(crate) fn new(label: &str) -> TempDir {
        let name = format!("part9-{label}-{}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        TempDir(dir)
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
