//! # coprocess: a pipeline stage in another process (slide 86; original: `coprocess.py`)
//!
//! The bus pipeline again, cut between two processes. This one parses
//! the file and turns it into buses; `sendto` writes each bus into a
//! pipe; at the other end a child process, `busproc`, reads them back
//! with `recvfrom` and sends them through the filters to the printer.
//!
//! ```text
//! this process:  SAX events -> buses_to_dicts -> sendto ==pipe==>
//! busproc:       ==pipe==> recvfrom -> filter -> filter -> bus_locations
//! ```
//!
//! Run it: `cargo build --bin busproc` once, then `cargo run --bin
//! coprocess`. It prints the same 16 lines as `buses` (the child prints
//! them, into the terminal it shares with us). `--child cat` shows what
//! goes down the pipe.
//!
//! Where Rust departs from the Python: JSON lines instead of pickles (a
//! learner can read them); and we wait for the child, and say in one line
//! how it failed if it did. The library compiles this file too
//! (`part4_concurrency::coprocess`): busproc imports `recvfrom`.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;

use clap::Parser;
use part1_generators::{Consumer, Fail, Target, data_path};
use part3_events::buses::buses_to_dicts;
use part3_events::cosax::EventHandler;
use part3_events::error::describe;
use part3_events::sax;
use part4_concurrency::subprocess::Popen;
use serde::Serialize;
use serde::de::DeserializeOwned;

// ANCHOR: sendto
/// A stage that writes each item it receives into `f`, one line of JSON
/// each, flushed at once (Python: `pickle.dump(item, f); f.flush()`).
/// Closing the stage drops `f`: a pipe is closed, its reader sees the end.
pub fn sendto<T: Serialize + 'static>(f: impl Write + 'static) -> Consumer<T> {
    // Buffered, as Python's files are: one write for each item.
    let mut f = BufWriter::new(f);
    Consumer::<T>::new(move |inbox| {
        while let Some(item) = inbox.recv() {
            serde_json::to_writer(&mut f, &item).map_err(io::Error::from)?;
            f.write_all(b"\n")?;
            f.flush()?;
        }
        Ok(())
    })
}
// ANCHOR_END: sendto

/// Reads the items `sendto` wrote into `f` and sends each into `target`;
/// closes `target` at the end of the input (Python: at `EOFError`).
// ANCHOR: recvfrom
// ANCHOR: recvfrom_head
pub fn recvfrom<T: DeserializeOwned>(
    mut f: impl BufRead,
    mut target: impl Target<T>,
) -> Result<(), RecvError> {
    let mut line = String::new();
    for number in 1.. {
        line.clear();
        let at =
            |problem: String| RecvError::At(format!("{number}: {problem}"));
        match f.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Err(at("this is not UTF-8 text".into()));
            }
            Err(e) => return Err(RecvError::Unreadable(e)),
        }
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(&line).map_err(|e| json(number, &e))?;
        target.send(item).map_err(|e| at(describe(&e)))?;
    }
    let at_end = |e| RecvError::At(format!("end: {}", describe(&e)));
    target.close().map_err(at_end)
    // ANCHOR_END: recvfrom_head
}
// ANCHOR_END: recvfrom

/// Why `recvfrom` stopped.
#[derive(Debug)]
pub enum RecvError {
    /// The input cannot be read.
    Unreadable(io::Error),
    /// A line (`2:7: expected ...`) is wrong, or its item failed.
    At(String),
}

impl RecvError {
    /// The error in one line, naming the input: `<stdin>:2:7: ...`.
    pub fn in_input(&self, input: &str) -> String {
        match self {
            RecvError::Unreadable(e) => format!("cannot read {input}: {e}"),
            RecvError::At(place) => format!("{input}:{place}"),
        }
    }
}

/// A line that is not the JSON `sendto` writes.
fn json(number: u64, error: &serde_json::Error) -> RecvError {
    let full = error.to_string();
    let place = format!(" at line {} column {}", error.line(), error.column());
    let mut problem = full.strip_suffix(&place).unwrap_or(&full).to_owned();
    if number == 1 && error.is_syntax() {
        problem.push_str(" (is this a file of JSON lines, as sendto writes?)");
    }
    RecvError::At(format!("{number}:{}: {problem}", error.column()))
}

/// Sends the buses through a pipe to a child process, which prints the
/// northbound route 22 ones.
#[derive(Parser)]
#[command(name = "coprocess")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
    /// Run PROGRAM as the child instead of busproc (`cat` shows what
    /// goes down the pipe)
    #[arg(long, value_name = "PROGRAM")]
    child: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    // No exit_quietly_on_closed_pipe(): a closed pipe to the child is an
    // error to report (Popen::wait ends quietly if the child lost ours).
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // Python: "python busproc.py". `cargo run --bin coprocess` builds
    // this program only: busproc must have been built next to it.
    let (child, name) = match args.child {
        Some(program) => (program.clone(), program.display().to_string()),
        None => (
            std::env::current_exe()?.with_file_name("busproc"),
            "busproc".into(),
        ),
    };
    if !child.exists() && name == "busproc" {
        let release = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        return Err(Fail::new(format!(
            "{} is not built: run `cargo build{release} --bin busproc` first",
            child.display()
        )));
    }
    // ANCHOR: main
    // Python: p = subprocess.Popen(["python", "busproc.py"], stdin=PIPE)
    let (p, stdin) = Popen::new(Command::new(&child), &name)?;
    let parsed = sax::parse(
        &path,
        &mut EventHandler::new(buses_to_dicts(sendto(stdin))),
    );
    // The pipeline is gone, and the pipe closed with it. How the child
    // ended comes first: a child that failed explains a broken pipe.
    p.wait()?;
    parsed?;
    // ANCHOR_END: main
    Ok(())
}
