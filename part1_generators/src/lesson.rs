//! What every lesson binary shares: where the data lives, how a mistake is
//! reported, and how `lesson | head` ends quietly.

use std::fmt;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The path of `name` in the workspace's `data/` folder.
///
/// The folder is found from this crate's location at build time, so a
/// lesson works from any current directory.
pub fn data_path(name: &str) -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The crate sits in the workspace's root folder.
    let root = crate_dir.parent().unwrap_or(crate_dir);
    root.join("data").join(name)
}

/// Opens the log that a live lesson follows (Python: `open("access-log")`).
///
/// The error names the path, and, like Python's `open` but unlike
/// [`File::open`], a folder is refused. A missing `access-log` comes with
/// the command that writes it.
pub fn open_log(path: &Path) -> Result<File, Fail> {
    let fail =
        |why| Fail::new(format!("cannot follow {}: {why}", path.display()));
    let file = File::open(path).map_err(|e| {
        let missing = e.kind() == ErrorKind::NotFound;
        if missing && path.ends_with("access-log") {
            fail(format!("{e} (start `cargo run --bin logsim` to write it)"))
        } else {
            fail(e.to_string())
        }
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_dir() => Err(fail("it is a directory".into())),
        Ok(_) => Ok(file),
        Err(e) => Err(fail(e.to_string())),
    }
}

/// A lesson's error: one line for the reader, then a non-zero exit.
///
/// A lesson's `main` returns `Result<(), Fail>`; `?` turns any error into
/// a `Fail`, and Rust prints it as `Error: <message>` and exits with
/// status 1. No backtrace, no debug dump.
pub struct Fail(String);

impl Fail {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Fail(message.into())
    }
}

impl<E: fmt::Display> From<E> for Fail {
    fn from(error: E) -> Self {
        Fail(error.to_string())
    }
}

// `main` prints its error with `Debug`: make that the plain message.
impl fmt::Debug for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lets `lesson | head` end quietly.
///
/// Rust ignores `SIGPIPE`, so once `head` has read enough and closed the
/// pipe, the next `println!` fails and panics with "failed printing to
/// stdout". Command-line tools (and Python with its default handler) just
/// stop instead. This restores the default action (through the `sigpipe`
/// crate): the lesson ends silently when its reader goes away. Writes to
/// sockets are not affected (Rust sends with `MSG_NOSIGNAL`).
///
/// Do not use this in a program that writes into a pipe to a child
/// process: there a closed pipe should be a reported error, not a silent
/// exit.
pub fn exit_quietly_on_closed_pipe() {
    sigpipe::reset();
}
