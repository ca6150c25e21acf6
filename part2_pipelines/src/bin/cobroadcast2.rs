//! # cobroadcast2: fan-in (slide 46; original: `cobroadcast2.py`)
//!
//! The same broadcast, but the three greps send into *one* printer. In
//! Python that is three references to the same object. In Rust a value has
//! one owner, so "three stages own the printer" must be said out loud:
//! [`Shared`] wraps it in a reference-counted cell (`Rc<RefCell<..>>`), and
//! each grep gets a clone of the handle. The printer is closed when the
//! last handle goes away, as Python's reference counting would collect it.
//!
//! Try it without `Shared`: pass the same printer to two greps and the
//! compiler refuses ("use of moved value"); that refusal is the point.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cobroadcast2` in another. The output is the same as cobroadcast's.
//!
//! `follow`, `grep`, `printer` and `broadcast` are cobroadcast's, repeated
//! here as `cobroadcast2.py` repeats them.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use part1_generators::{
    Consumer, Exception, Fail, Shared, Target, data_path, open_log,
};

// ANCHOR: follow
/// A data source. This is not a coroutine, but it sends data into one
/// (`target`): every line appended to `thefile`, newline included.
fn follow(
    thefile: File,
    mut target: impl Target<String>,
) -> Result<(), Exception> {
    let mut thefile = BufReader::new(thefile);
    thefile.seek(SeekFrom::End(0))?; // Go to the end of the file
    let mut line = Vec::new();
    loop {
        thefile.read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\n") {
            // Nothing new, or half a line (kept): sleep briefly.
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        target.send(String::from_utf8_lossy(&line).into_owned())?;
        line.clear();
    }
}
// ANCHOR_END: follow

// ANCHOR: grep
/// A filter: sends on to `target` the lines that contain `pattern`.
fn grep(
    pattern: &str,
    mut target: impl Target<String> + 'static,
) -> Consumer<String> {
    let pattern = pattern.to_owned();
    Consumer::<String>::new(move |inbox| {
        // Receive a line
        while let Some(line) = inbox.recv() {
            if line.contains(&pattern) {
                target.send(line)?; // Send to next stage
            }
        }
        Ok(())
    })
}
// ANCHOR_END: grep

// ANCHOR: printer
/// A sink. A coroutine that receives data.
fn printer() -> Consumer<String> {
    Consumer::new(|inbox| {
        while let Some(line) = inbox.recv() {
            print!("{line}"); // the line ends with its newline
        }
        Ok(())
    })
}
// ANCHOR_END: printer

// ANCHOR: broadcast
/// Broadcast a stream onto multiple targets.
fn broadcast(
    mut targets: Vec<impl Target<String> + 'static>,
) -> Consumer<String> {
    Consumer::<String>::new(move |inbox| {
        while let Some(item) = inbox.recv() {
            for target in &mut targets {
                // Python sends the one string to every target; each of
                // ours owns what it receives, so each gets a copy.
                target.send(item.clone())?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: broadcast

/// Broadcasts a followed file to three greps sharing one printer.
#[derive(Parser)]
#[command(name = "cobroadcast2")]
struct Args {
    /// The log to follow [default: data/access-log]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { file } = Args::parse();
    let path = file.unwrap_or_else(|| data_path("access-log"));
    let f = open_log(&path)?;
    let p = Shared::new(printer());
    follow(
        f,
        broadcast(vec![
            grep("python", p.clone()),
            grep("ply", p.clone()),
            grep("swig", p),
        ]),
    )?;
    Ok(())
}
// ANCHOR_END: main
