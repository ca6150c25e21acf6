//! What the tests of live programs share: a lesson running as a child
//! process, its output read line by line with deadlines, killed on drop.

#![allow(dead_code)] // each test file uses its own part of this

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The line the alive task prints; counted, not forwarded (it floods).
pub(crate) const ALIVE: &str = "I'm alive!";

/// A lesson running in a child process. Dropping it kills the process.
pub(crate) struct Running {
    child: Child,
    lines: Receiver<String>,
    alive: Arc<AtomicUsize>,
    stderr: Option<ChildStderr>,
}

impl Running {
    /// Starts the lesson `name` of this crate with `args`.
    pub(crate) fn start(program: &str, args: &[&str]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take();
        let (tx, lines) = mpsc::channel();
        let alive = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&alive);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line == ALIVE {
                    count.fetch_add(1, Ordering::SeqCst);
                }
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            alive,
            stderr,
        }
    }

    /// Reads the server's `NAME: listening on ADDRESS` line from stderr
    /// and returns the address; then stderr is passed through.
    pub(crate) fn listening_address(&mut self) -> SocketAddr {
        let stderr = self.stderr.take().expect("asked once");
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        reader.read_line(&mut line).expect("cannot read stderr");
        let addr = line
            .trim()
            .rsplit_once("listening on ")
            .map(|(_, addr)| addr.to_string())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                eprintln!("(server) {line}");
            }
        });
        addr.parse().expect("a socket address")
    }

    /// The next line that is not `I'm alive!`, if one comes in time.
    pub(crate) fn next_line(&self, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line == ALIVE => {}
                Ok(line) => return Some(line),
                Err(_) => return None,
            }
        }
    }

    /// Every line (alive lines included) that arrives within `window`.
    pub(crate) fn lines_within(&self, window: Duration) -> Vec<String> {
        let deadline = Instant::now() + window;
        let mut got = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            got.push(line);
        }
        got
    }

    /// How many `I'm alive!` lines have been printed so far.
    pub(crate) fn alive_count(&self) -> usize {
        self.alive.load(Ordering::SeqCst)
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `condition` holds, checking every few milliseconds;
/// false if `within` passes first.
pub(crate) fn eventually(
    within: Duration,
    mut condition: impl FnMut() -> bool,
) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    condition()
}

impl Running {
    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// What a finished program printed, and how it ended.
pub(crate) struct Finished {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: Option<i32>,
}

/// Runs `program` to its end, killing it if it takes longer than `within`
/// (then the test fails).
pub(crate) fn run_to_end(
    program: &str,
    args: &[&str],
    within: Duration,
) -> Finished {
    use std::io::Read;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut status = None;
    let ended = eventually(within, || {
        status = child.try_wait().ok().flatten();
        status.is_some()
    });
    if !ended {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{program} {args:?} still running after {within:?}");
    }
    Finished {
        stdout: out.join().expect("reader"),
        stderr: err.join().expect("reader"),
        code: status.and_then(|s| s.code()),
    }
}

impl Running {
    /// The next line starting with `prefix`, skipping others (but not
    /// counting `I'm alive!` as skipped: see [`Running::next_line`]).
    pub(crate) fn line_starting(
        &self,
        prefix: &str,
        within: Duration,
    ) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.next_line(left)?;
            if line.starts_with(prefix) {
                return Some(line);
            }
        }
    }
}
