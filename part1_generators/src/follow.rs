//! Following a growing log file, like Unix `tail -f` (slide 20).
//!
//! The Python original re-reads the file every 0.1 s. Here the generator
//! blocks until the operating system says the file changed (the `notify`
//! crate: inotify on Linux, kqueue or FSEvents elsewhere), and polls only
//! where notifications are unavailable. Two things the original leaves to
//! chance are handled:
//!
//! - a line being written while we read is held back until its newline
//!   arrives, so no half-written line is ever yielded;
//! - when the file is truncated (`logsim` restarting), reading starts over
//!   from the top.
//!
//! A truncation followed, before we look, by a rewrite past our reading
//! position cannot be told from growth by the file's size alone (`tail -f`
//! misses it). We also keep the last bytes we read before the current
//! line and check they are still there before handing out a line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::Generator;

/// How the follower waits for the file to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Block on file-system notifications; fall back to polling every
    /// 100 ms if they cannot be set up.
    Notify,
    /// Look again after this pause, like the Python original.
    Poll(Duration),
}

/// The polling interval of the Python original, and of the fallback.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The command-line options of every lesson that follows the log.
#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// The file to follow [default: data/access-log in the workspace]
    pub file: Option<PathBuf>,
    /// Look for changes every 100 ms instead of waiting for notifications
    #[arg(long)]
    pub poll: bool,
}

impl LogArgs {
    /// The file to follow.
    pub fn path(&self) -> PathBuf {
        self.file
            .clone()
            .unwrap_or_else(|| crate::data_path("access-log"))
    }

    /// How to wait for it to change.
    pub fn wait(&self) -> Wait {
        if self.poll {
            Wait::Poll(POLL_INTERVAL)
        } else {
            Wait::Notify
        }
    }
}

// ANCHOR: follow
/// Follows the file at `path` from its current end, yielding each line
/// appended to it from now on (without its line ending).
pub fn follow(path: impl AsRef<Path>) -> io::Result<Generator<String>> {
    follow_with(path, Wait::Notify)
}

/// [`follow`], choosing how to wait for changes.
pub fn follow_with(
    path: impl AsRef<Path>,
    wait: Wait,
) -> io::Result<Generator<String>> {
    let path = path.as_ref();
    // Watch before opening, so that no write can slip in unnoticed.
    let changes = Changes::watch(path, wait);
    let mut tail = Tail::open_at_end(path)?;
    Ok(Generator::new(move |co| {
        loop {
            match tail.next_line() {
                Ok(Some(line)) => {
                    co.yield_(line);
                }
                Ok(None) => changes.wait(),
                Err(e) => {
                    // A read error on an open regular file means the
                    // device failed: say so and end the stream.
                    eprintln!(
                        "follow: cannot read {}: {e}",
                        tail.path.display()
                    );
                    return;
                }
            }
        }
    }))
}
// ANCHOR_END: follow

/// Something that blocks until the file may have changed.
enum Changes {
    Notify {
        events: Receiver<notify::Result<notify::Event>>,
        // Keeps the watch alive; dropping it ends the notifications.
        _watcher: notify::RecommendedWatcher,
    },
    Poll(Duration),
}

impl Changes {
    fn watch(path: &Path, wait: Wait) -> Changes {
        match wait {
            Wait::Poll(pause) => Changes::Poll(pause),
            Wait::Notify => Changes::try_notify(path)
                .unwrap_or(Changes::Poll(POLL_INTERVAL)),
        }
    }

    fn try_notify(path: &Path) -> Option<Changes> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).ok()?;
        watcher.watch(path, RecursiveMode::NonRecursive).ok()?;
        Some(Changes::Notify {
            events,
            _watcher: watcher,
        })
    }

    /// Blocks until the file changes.
    fn wait(&self) {
        match self {
            Changes::Poll(pause) => std::thread::sleep(*pause),
            Changes::Notify { events, .. } => loop {
                match events.recv() {
                    // Somebody merely opened or read the file.
                    Ok(Ok(event))
                        if matches!(event.kind, EventKind::Access(_)) => {}
                    Ok(_) => break,
                    // The watcher is gone (it cannot be, while we hold
                    // it): degrade to polling rather than block forever.
                    Err(_) => {
                        std::thread::sleep(POLL_INTERVAL);
                        break;
                    }
                }
            },
        }
    }
}

/// How many bytes before the reading position are checked to tell that
/// the file was rewritten.
const FINGERPRINT: usize = 64;

/// The reading end: complete lines only, starting over on truncation.
struct Tail {
    path: PathBuf,
    reader: BufReader<File>,
    /// A second handle on the file, to look back without disturbing the
    /// reader's position.
    check: File,
    /// How many bytes of the file we have consumed.
    pos: u64,
    /// Bytes of a line whose newline has not been written yet.
    partial: Vec<u8>,
    /// The last bytes before the current line, as we read them.
    seen: Vec<u8>,
    /// We started in the middle of a line: drop its remainder.
    skip_to_newline: bool,
}

impl Tail {
    fn open_at_end(path: &Path) -> io::Result<Tail> {
        let context = |e: io::Error| {
            let mut msg = format!("cannot follow {}: {e}", path.display());
            if e.kind() == io::ErrorKind::NotFound
                && path.ends_with("access-log")
            {
                msg.push_str(" (start `cargo run --bin logsim` to write it)");
            }
            io::Error::new(e.kind(), msg)
        };
        let file = File::open(path).map_err(context)?;
        if file.metadata().map_err(context)?.is_dir() {
            return Err(io::Error::other(format!(
                "cannot follow {}: it is a directory",
                path.display()
            )));
        }
        let mut check = File::open(path).map_err(context)?;
        let mut reader = BufReader::new(file);
        let pos = reader.seek(SeekFrom::End(0)).map_err(context)?;
        let seen = read_at(&mut check, pos, FINGERPRINT).map_err(context)?;
        Ok(Tail {
            path: path.to_owned(),
            reader,
            check,
            pos,
            partial: Vec::new(),
            // Did the file end in the middle of a line?
            skip_to_newline: seen.last().is_some_and(|&b| b != b'\n'),
            seen,
        })
    }

    /// Forgets everything and reads the file from the top.
    fn start_over(&mut self) -> io::Result<()> {
        self.reader.seek(SeekFrom::Start(0))?;
        self.pos = 0;
        self.partial.clear();
        self.seen.clear();
        self.skip_to_newline = false;
        Ok(())
    }

    /// Whether the bytes before the current line are still those we read.
    /// If not, the file was truncated and written again while we were not
    /// looking, and what we just read belongs to another text.
    fn rewritten(&mut self) -> io::Result<bool> {
        let line_start = self.pos - self.partial.len() as u64;
        let now = read_at(&mut self.check, line_start, self.seen.len())?;
        Ok(now != self.seen)
    }

    /// The next complete line, or `None` if there is none yet.
    fn next_line(&mut self) -> io::Result<Option<String>> {
        loop {
            let n = self.reader.read_until(b'\n', &mut self.partial)?;
            self.pos += n as u64;
            if n == 0 {
                // At the end. Shorter than what we read? Truncated.
                let len = self.reader.get_ref().metadata()?.len();
                if len < self.pos {
                    self.start_over()?;
                    continue;
                }
                return Ok(None);
            }
            if self.partial.last() != Some(&b'\n') {
                // Half a line: keep it, and look for the rest.
                continue;
            }
            if self.rewritten()? {
                self.start_over()?;
                continue;
            }
            let mut bytes = std::mem::take(&mut self.partial);
            self.seen.extend_from_slice(&bytes);
            let excess = self.seen.len().saturating_sub(FINGERPRINT);
            self.seen.drain(..excess);
            if std::mem::take(&mut self.skip_to_newline) {
                continue;
            }
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            return Ok(Some(match String::from_utf8(bytes) {
                Ok(line) => line,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }));
        }
    }
}

/// Up to `len` bytes of `file` that end at `end`.
fn read_at(file: &mut File, end: u64, len: usize) -> io::Result<Vec<u8>> {
    let start = end.saturating_sub(len as u64);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; (end - start) as usize];
    let mut filled = 0;
    while filled < bytes.len() {
        match io::Read::read(file, &mut bytes[filled..])? {
            0 => break, // the file is shorter now
            k => filled += k,
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_log(name: &str) -> PathBuf {
        let dir = std::env::temp_dir()
            .join(format!("workbook-follow-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("log")
    }

    fn append(path: &Path, text: &str) {
        let mut f =
            std::fs::OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn yields_only_lines_appended_after_start() {
        let path = temp_log("appended");
        std::fs::write(&path, "old 1\nold 2\n").unwrap();
        let mut tail = Tail::open_at_end(&path).unwrap();
        assert_eq!(tail.next_line().unwrap(), None);
        append(&path, "new 1\nnew 2\r\n");
        assert_eq!(tail.next_line().unwrap().as_deref(), Some("new 1"));
        assert_eq!(tail.next_line().unwrap().as_deref(), Some("new 2"));
        assert_eq!(tail.next_line().unwrap(), None);
    }

    #[test]
    fn never_yields_half_a_line() {
        let path = temp_log("partial");
        std::fs::write(&path, "").unwrap();
        let mut tail = Tail::open_at_end(&path).unwrap();
        append(&path, "GET /py");
        assert_eq!(tail.next_line().unwrap(), None);
        append(&path, "thon HTTP/1.1\n");
        assert_eq!(
            tail.next_line().unwrap().as_deref(),
            Some("GET /python HTTP/1.1")
        );
    }

    #[test]
    fn drops_the_rest_of_a_line_it_started_inside() {
        let path = temp_log("midline");
        std::fs::write(&path, "complete\nhalf of a li").unwrap();
        let mut tail = Tail::open_at_end(&path).unwrap();
        append(&path, "ne\nnext\n");
        assert_eq!(tail.next_line().unwrap().as_deref(), Some("next"));
    }

    #[test]
    fn starts_over_when_the_file_is_truncated() {
        let path = temp_log("truncated");
        std::fs::write(&path, "a long first line of the old file\n").unwrap();
        let mut tail = Tail::open_at_end(&path).unwrap();
        std::fs::write(&path, "fresh\n").unwrap();
        assert_eq!(tail.next_line().unwrap().as_deref(), Some("fresh"));
    }

    #[test]
    fn starts_over_when_rewritten_past_the_old_end() {
        let path = temp_log("rewritten");
        std::fs::write(&path, "short old line\n").unwrap();
        let mut tail = Tail::open_at_end(&path).unwrap();
        // Truncated and written again, longer than before, unseen.
        std::fs::write(&path, "a brand new first line\nand a second\n")
            .unwrap();
        assert_eq!(
            tail.next_line().unwrap().as_deref(),
            Some("a brand new first line")
        );
        assert_eq!(tail.next_line().unwrap().as_deref(), Some("and a second"));
    }

    #[test]
    fn missing_file_names_the_path() {
        let path = temp_log("missing").with_file_name("no-such-log");
        let err = follow(&path).err().expect("must fail");
        assert!(err.to_string().contains("no-such-log"), "{err}");
    }
}
