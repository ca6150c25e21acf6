//! # cothread: a pipeline stage in a thread (slide 79; original: `cothread.py`)
//!
//! The bus pipeline of Part 3 (`buses`), with its second half moved into
//! a worker thread. The `threaded` stage receives each bus, puts it on a
//! queue and returns at once; the worker thread takes buses off the
//! queue and sends them through the two filters to the printer.
//!
//! ```text
//! SAX events -> buses_to_dicts -> threaded ==queue==> filter -> filter -> bus_locations
//!                                             (worker thread)
//! ```
//!
//! Run it: `cargo run --bin cothread`. It prints the same 16 lines as
//! `buses`, in the same order, every time: one queue, one worker, so the
//! order is kept; and the program waits for the worker before it ends,
//! so no line is lost. Give it the course's file as an argument and it
//! prints the course's 16 lines.
//!
//! Where Rust departs from the Python:
//! - `threaded` takes a closure that *builds* the second half, and runs
//!   it in the worker thread. A coroutine cannot be moved to another
//!   thread (it is not `Send`); the recipe for one can.
//! - Python's stage is closed when the garbage collector gets to it, and
//!   the interpreter waits for the thread at exit. Here closing the stage
//!   closes the queue and joins the thread. We keep a handle on the stage
//!   (`Shared`) and close it ourselves, because a stage closed by being
//!   dropped (as `buses_to_dicts` drops its target) cannot report an
//!   error, and the worker's error, if any, comes back only then.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, Shared, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::sax::{self, EventHandler};
use part4_concurrency::{cause, threaded};

/// Prints where the northbound route 22 buses are, filtering and
/// printing in a second thread.
#[derive(Parser)]
#[command(name = "cothread")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    // The closure runs in the worker thread: the filters and the printer
    // are made there, and stay there.
    let mut worker = Shared::new(threaded(|| {
        filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        )
    }));
    let mut handler = EventHandler::new(buses_to_dicts(worker.clone()));
    sax::parse(&path, &mut handler)?;
    handler.into_target().close()?;
    // Close the queue and wait for the worker to print its last line.
    worker.close().map_err(cause)?;
    // ANCHOR_END: main
    Ok(())
}
