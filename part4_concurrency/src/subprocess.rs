//! What `coprocess` takes from Python's `subprocess`: a child process
//! started with a pipe to its standard input ([`Popen`]).
//!
//! Python's `coprocess.py` never waits for its child: the parent may end
//! while the child is still printing. Ours waits ([`Popen::wait`]) and
//! says in one line how the child ended: it failed (with what it wrote
//! on its standard error), it was killed by a signal, or it stopped
//! reading before the end (the parent's next write fails: a broken
//! pipe). A `Popen` dropped without a wait kills its child and reaps it.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use part1_generators::Fail;

/// A child process, with a pipe to its standard input.
pub struct Popen {
    name: String,
    child: Option<Child>,
    /// Where the child's standard error goes, read when it has ended.
    errors: File,
}

impl Popen {
    /// Starts `command` (named `name` in messages), its standard output
    /// this process's own. Returns it and the pipe to its input.
    pub fn new(
        mut command: Command,
        name: &str,
    ) -> Result<(Popen, ChildInput), Fail> {
        let cannot = |e: io::Error| {
            Fail::new(format!("cannot start the child process {name}: {e}"))
        };
        // A file, not a pipe: a pipe would need a thread reading it (or
        // the child could block on it), and a second thread makes this
        // process's memory allocator slower.
        let errors = unnamed_file().map_err(cannot)?;
        let mut child = command
            .stdin(Stdio::piped())
            .stderr(errors.try_clone().map_err(cannot)?)
            .spawn()
            .map_err(cannot)?;
        let name = name.to_owned();
        let pipe = child.stdin.take();
        let popen = Popen {
            name: name.clone(),
            child: Some(child),
            errors,
        };
        let pipe =
            pipe.ok_or_else(|| cannot(io::ErrorKind::BrokenPipe.into()))?;
        Ok((popen, ChildInput { pipe, name }))
    }

    /// Waits for the child to end (close its input first) and says how
    /// it ended. A child killed by `SIGPIPE` lost the reader of the
    /// output we share (`coprocess | head`): this process then ends
    /// quietly too, as a process killed by `SIGPIPE` (status 141).
    pub fn wait(mut self) -> Result<(), Fail> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let name = &self.name;
        let status = child
            .wait()
            .map_err(|e| Fail::new(format!("cannot wait for {name}: {e}")))?;
        if status.success() {
            return Ok(());
        }
        if let Some(signal) = status.signal() {
            let what = match signal {
                13 => std::process::exit(141),
                9 => " (SIGKILL)",
                15 => " (SIGTERM)",
                _ => "",
            };
            return Err(Fail::new(format!(
                "{name} was killed by signal {signal}{what}"
            )));
        }
        // What it said, in one line, without its own `Error: `.
        let mut said = String::new();
        self.errors.rewind().ok();
        (&self.errors).take(1 << 16).read_to_string(&mut said).ok();
        let said: Vec<&str> = said
            .lines()
            .map(|l| l.trim().trim_start_matches("Error: "))
            .filter(|l| !l.is_empty())
            .collect();
        Err(Fail::new(match said.is_empty() {
            true => format!("{name} failed ({status})"),
            false => format!("{name} failed: {}", said.join(" ")),
        }))
    }
}

impl Drop for Popen {
    /// A child not waited for is killed and reaped: none is left behind.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A new file with no name (removed as soon as it is open; Unix keeps
/// it until its last handle is closed).
fn unnamed_file() -> io::Result<File> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir()
        .join(format!("part4-stderr-{}-{n}", std::process::id()));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// The pipe to a child's standard input. Once the child has stopped
/// reading, writing fails with an error that names it.
pub struct ChildInput {
    pipe: ChildStdin,
    name: String,
}

impl ChildInput {
    fn explain(&self, e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::BrokenPipe => io::Error::new(
                e.kind(),
                format!(
                    "{} stopped reading its input (broken pipe)",
                    self.name
                ),
            ),
            _ => e,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    fn failure(script: &str) -> String {
        let (child, input) = Popen::new(sh(script), "kid").unwrap();
        drop(input);
        format!("{:?}", child.wait().unwrap_err())
    }

    #[test]
    fn a_child_that_reads_everything_is_fine() {
        let (child, mut input) =
            Popen::new(sh("cat >/dev/null"), "cat").unwrap();
        input.write_all(b"hello\n").unwrap();
        drop(input);
        child.wait().unwrap();
    }

    #[test]
    fn how_a_child_failed_is_said_in_one_line() {
        let said = failure("echo 'Error: no bus' >&2; echo more >&2; exit 3");
        assert_eq!(said, "kid failed: no bus more");
        assert_eq!(failure("exit 4"), "kid failed (exit status: 4)");
        assert_eq!(
            failure("kill -9 $$"),
            "kid was killed by signal 9 (SIGKILL)"
        );
    }

    #[test]
    fn writing_to_a_child_that_stopped_reading_names_it() {
        let (child, mut input) = Popen::new(sh("exit 0"), "kid").unwrap();
        let err = (0..100)
            .find_map(|_| input.write_all(&[b'x'; 65536]).err())
            .expect("writing into a closed pipe fails");
        assert_eq!(
            err.to_string(),
            "kid stopped reading its input (broken pipe)"
        );
        drop(input);
        child.wait().unwrap();
    }

    #[test]
    fn a_program_that_does_not_exist_cannot_start() {
        let Err(err) = Popen::new(Command::new("/nonexistent/prog"), "prog")
        else {
            panic!("it started");
        };
        let err = format!("{err:?}");
        assert!(
            err.starts_with("cannot start the child process prog: "),
            "{err}"
        );
    }

    #[test]
    fn dropping_a_popen_kills_and_reaps_its_child() {
        let (child, input) = Popen::new(sh("sleep 60"), "sleeper").unwrap();
        let pid = child.child.as_ref().unwrap().id();
        drop(child);
        drop(input);
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }
}
