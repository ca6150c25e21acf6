//! A child process that a pipeline writes into (slide 86): started with
//! a pipe to its standard input, always waited for, and its failure said
//! in one line.
//!
//! Python's `coprocess.py` starts `busproc.py` and never waits for it:
//! the parent may end while the child is still printing. Here the parent
//! waits ([`Coprocess::wait`]), and reports how the child ended:
//!
//! - it exited with status 0: all is well;
//! - it failed: `busproc failed: <what it wrote on its standard error>`
//!   (its standard error goes to a file the parent reads once the child
//!   has ended, so the reader sees one line, not two);
//! - it was killed by a signal: `busproc was killed by signal 9 (SIGKILL)`;
//! - it stopped reading before the end: the parent's next write fails
//!   with "broken pipe", said as `busproc stopped reading its input`.
//!
//! A `Coprocess` that is dropped without being waited for kills its child
//! and waits for it: no child is ever left running or unreaped.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// How much of the child's standard error is kept for the report.
const ERRORS_KEPT: u64 = 64 * 1024;

/// A child process started with a pipe to its standard input.
pub struct Coprocess {
    name: String,
    child: Option<Child>,
    /// Where the child's standard error goes, to be read when it ends.
    errors: File,
}

impl Coprocess {
    /// Starts `command` with a pipe to its standard input, which is
    /// returned as a [`ChildInput`]; `name` names the child in messages.
    /// Its standard error is kept, to be reported (see
    /// [`Coprocess::wait`]); its standard output is as `command` says
    /// (by default, this process's own: the child prints where we would).
    pub fn start(
        mut command: Command,
        name: &str,
    ) -> Result<(Coprocess, ChildInput), ChildError> {
        let cannot = |e: io::Error| {
            ChildError(format!("cannot start the child process {name}: {e}"))
        };
        // A file, not a pipe: a pipe would need a thread to read it while
        // the child runs (or the child could block on a full pipe), and a
        // second thread makes this process's memory allocator slower.
        let errors = anonymous_file("stderr").map_err(cannot)?;
        let mut child = command
            .stdin(Stdio::piped())
            .stderr(errors.try_clone().map_err(cannot)?)
            .spawn()
            .map_err(cannot)?;
        let pipe = child.stdin.take();
        let process = Coprocess {
            name: name.to_owned(),
            child: Some(child),
            errors,
        };
        let pipe =
            pipe.ok_or_else(|| cannot(io::ErrorKind::BrokenPipe.into()))?;
        let input = ChildInput {
            pipe,
            name: name.to_owned(),
        };
        Ok((process, input))
    }

    /// The child's process id.
    pub fn id(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Waits for the child to end, and says how it ended. Drop the
    /// child's [`ChildInput`] first: a child that reads to the end of its
    /// input waits for the pipe to close.
    ///
    /// A child killed by `SIGPIPE` was writing into a pipe whose reader
    /// had gone: the reader of the standard output we share
    /// (`coprocess | head`). Like every lesson then, this process ends
    /// quietly (with status 141, as a process killed by `SIGPIPE`).
    pub fn wait(mut self) -> Result<(), ChildError> {
        let ended = self.wait_for_end();
        if let Err(e) = &ended
            && e.0.ends_with(OUTPUT_CLOSED)
        {
            std::process::exit(141);
        }
        ended
    }

    /// Waits for the child, without the quiet exit of [`Coprocess::wait`].
    pub fn wait_for_end(&mut self) -> Result<(), ChildError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let status = child.wait().map_err(|e| {
            ChildError(format!("cannot wait for {}: {e}", self.name))
        })?;
        let mut errors = String::new();
        if self.errors.seek(SeekFrom::Start(0)).is_ok() {
            let _ =
                (&self.errors).take(ERRORS_KEPT).read_to_string(&mut errors);
        }
        judge(&self.name, status, &errors)
    }
}

impl Drop for Coprocess {
    /// A child not waited for (the parent is giving up) is killed, then
    /// waited for, so that it does not linger.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A new file with no name (removed at once, as soon as it is open), for
/// a child's output that is read after the child has ended. It is gone
/// with its last handle.
pub fn anonymous_file(label: &str) -> io::Result<File> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir()
        .join(format!("part4-{label}-{}-{n}", std::process::id()));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    // Unix keeps an open file after its name is removed.
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

/// The end of [`ChildError`]'s message for a child killed by `SIGPIPE`.
const OUTPUT_CLOSED: &str = "(SIGPIPE: its output was closed)";

/// What the child's exit status and standard error say.
fn judge(
    name: &str,
    status: ExitStatus,
    errors: &str,
) -> Result<(), ChildError> {
    if status.success() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let what = match signal {
                13 => OUTPUT_CLOSED,
                9 => "(SIGKILL)",
                15 => "(SIGTERM)",
                6 => "(SIGABRT)",
                11 => "(SIGSEGV)",
                _ => "",
            };
            return Err(ChildError(
                format!("{name} was killed by signal {signal} {what}")
                    .trim_end()
                    .to_owned(),
            ));
        }
    }
    let said = summary(errors);
    Err(ChildError(if said.is_empty() {
        format!("{name} failed ({status})")
    } else {
        format!("{name} failed: {said}")
    }))
}

/// The child's standard error as one line: its lines joined, without
/// our lessons' `Error: ` prefix and Rust's `note:` lines.
fn summary(errors: &str) -> String {
    errors
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("note:"))
        .map(|l| l.strip_prefix("Error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pipe to a child's standard input. Writing into it fails, once the
/// child has stopped reading, with an error that names the child.
pub struct ChildInput {
    pipe: ChildStdin,
    name: String,
}

impl ChildInput {
    fn explain(&self, e: io::Error) -> io::Error {
        if e.kind() == io::ErrorKind::BrokenPipe {
            io::Error::new(
                e.kind(),
                format!(
                    "{} stopped reading its input (broken pipe)",
                    self.name
                ),
            )
        } else {
            e
        }
    }
}

impl Write for ChildInput {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pipe.write(bytes).map_err(|e| self.explain(e))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.pipe.flush().map_err(|e| self.explain(e))
    }
}

/// Why a child process could not be started, or how it failed, in one
/// line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildError(String);

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ChildError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        ChildError(message.into())
    }
}

impl std::error::Error for ChildError {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn a_child_that_reads_everything_and_exits_is_fine() {
        let (child, mut input) =
            Coprocess::start(sh("cat >/dev/null"), "cat").unwrap();
        input.write_all(b"hello\n").unwrap();
        drop(input);
        child.wait().unwrap();
    }

    #[test]
    fn a_failing_child_is_reported_with_what_it_said() {
        let (child, input) =
            Coprocess::start(sh("echo 'Error: no bus' >&2; exit 3"), "kid")
                .unwrap();
        drop(input);
        let err = child.wait().unwrap_err();
        assert_eq!(err.to_string(), "kid failed: no bus");
        let (child, input) = Coprocess::start(sh("exit 4"), "kid").unwrap();
        drop(input);
        let err = child.wait().unwrap_err();
        assert_eq!(err.to_string(), "kid failed (exit status: 4)");
    }

    #[test]
    fn a_killed_child_is_reported() {
        let (child, input) = Coprocess::start(sh("kill -9 $$"), "kid").unwrap();
        drop(input);
        let err = child.wait().unwrap_err();
        assert_eq!(err.to_string(), "kid was killed by signal 9 (SIGKILL)");
    }

    #[test]
    fn writing_to_a_child_that_stopped_reading_names_it() {
        let (mut child, mut input) =
            Coprocess::start(sh("exit 0"), "kid").unwrap();
        child.wait_for_end().unwrap();
        let err = (0..100)
            .find_map(|_| input.write_all(&[b'x'; 65536]).err())
            .expect("writing into a closed pipe fails");
        assert_eq!(
            err.to_string(),
            "kid stopped reading its input (broken pipe)"
        );
    }

    #[test]
    fn a_program_that_does_not_exist_cannot_start() {
        let err = Coprocess::start(Command::new("/nonexistent/prog"), "prog")
            .err()
            .unwrap();
        assert!(
            err.to_string().starts_with(
                "cannot start the child process prog: No such file"
            ),
            "{err}"
        );
    }

    #[test]
    fn dropping_a_coprocess_kills_and_reaps_its_child() {
        let (child, input) =
            Coprocess::start(sh("sleep 60"), "sleeper").unwrap();
        let pid = child.id().unwrap();
        drop(child);
        drop(input);
        // The process is gone (reaped): no such process any more.
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
        assert!(!alive, "child {pid} still exists");
    }
}
