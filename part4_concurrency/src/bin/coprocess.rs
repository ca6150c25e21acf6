//! # coprocess: a pipeline stage in another process (slide 86; original: `coprocess.py`)
//!
//! The bus pipeline again, cut between two processes. This process
//! parses the file and turns it into buses; the `sendto` stage writes
//! each bus into a pipe, as one line of JSON. At the other end of the
//! pipe, a child process (busproc) reads the buses back and sends them
//! through the filters to the printer.
//!
//! ```text
//! this process:  SAX events -> buses_to_dicts -> sendto ==pipe==>
//! busproc:       ==pipe==> recvfrom -> filter -> filter -> bus_locations
//! ```
//!
//! Run it: `cargo run --bin coprocess`. It prints the same 16 lines as
//! `buses` (the child prints them, into the terminal it shares with us).
//! Give it the course's file as an argument and it prints the course's
//! 16 lines.
//!
//! To see what goes down the pipe, make `cat` the child:
//! `cargo run --bin coprocess -- --child cat | head -n 1`. And to run
//! the two ends by hand: `cargo run --bin coprocess -- --child cat >
//! buses.jsonl`, then `cargo run --bin busproc < buses.jsonl`.
//!
//! Where Rust departs from the Python:
//! - Python starts `python busproc.py`. `cargo run --bin coprocess`
//!   builds this binary only, so it starts *itself* again, with a hidden
//!   first argument that makes the copy run busproc's code (the same
//!   library function as the `busproc` binary). `--child PROGRAM` runs
//!   another program instead (`--child target/debug/busproc`).
//! - JSON lines instead of pickles.
//! - Python never waits for its child. We do: the program ends after
//!   the child has printed everything, and says in one line how the
//!   child failed, if it did (it exited with an error, was killed, or
//!   stopped reading: a broken pipe).

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use part1_generators::{Fail, Target, data_path};
use part3_events::buses::buses_to_dicts;
use part3_events::sax::{self, EventHandler};
use part4_concurrency::busproc::{busproc_child_if_asked, busproc_command};
use part4_concurrency::{ChildInput, Coprocess, sendto};

/// Sends the buses through a pipe to a child process, which prints the
/// northbound route 22 ones.
#[derive(Parser)]
#[command(name = "coprocess")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
    /// Run PROGRAM as the child instead of this program's own busproc
    /// (`cat` shows what goes down the pipe)
    #[arg(long, value_name = "PROGRAM")]
    child: Option<PathBuf>,
}

// ANCHOR: send_buses
/// The parent's half: parse -> buses_to_dicts -> sendto(the pipe).
fn send_buses(path: &Path, pipe: ChildInput) -> Result<(), Fail> {
    let mut handler = EventHandler::new(buses_to_dicts(sendto(pipe)));
    sax::parse(path, &mut handler)?;
    // Closing the pipeline drops sendto, which closes the pipe: the
    // child sees the end of its input.
    handler.into_target().close()?;
    Ok(())
}
// ANCHOR_END: send_buses

fn main() -> Result<(), Fail> {
    // A child started by this very program: be busproc, then exit.
    busproc_child_if_asked();
    // No `exit_quietly_on_closed_pipe()` here: a closed pipe to the
    // child must be reported, not end this process silently.
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    let (command, name) = match &args.child {
        None => (busproc_command()?, "busproc".to_owned()),
        Some(program) => (Command::new(program), program.display().to_string()),
    };
    // ANCHOR: main
    // Python: subprocess.Popen(["python", "busproc.py"], stdin=PIPE)
    let (busproc, pipe) = Coprocess::start(command, &name)?;
    let sent = send_buses(&path, pipe);
    // How the child ended comes first: a child that failed explains a
    // broken pipe.
    busproc.wait()?;
    sent
    // ANCHOR_END: main
}
