//! # cxmlparse: going lower (slide 72; original: the `cxmlparse` C extension)
//!
//! The course's fastest source is a C extension: it runs expat itself,
//! builds each event in C and only then calls the coroutine's `send`. The
//! stages are still those of `buses`, unchanged.
//!
//! Run it: `cargo run --bin cxmlparse`. It prints the same 16 lines as
//! `buses` and `coexpat`.
//!
//! In Rust everything is compiled already; what is left to save is work
//! per event. [`cxml::parse`] reads the whole file into one shared buffer
//! first, so each event it sends is a view into that buffer (a reference
//! count and a range) instead of a fresh copy of its text, and it sends
//! its events 256 at a time, one coroutine switch per batch. The stages
//! take batches as they take single events.
//!
//! `cargo run --release --bin cxmlparse -- --two-threads` runs the
//! parser on a thread of its own while the coroutines work on this one
//! ([`two_threads::parse`]): the contest's fastest row.
//!
//! [`cxml::parse`]: part3_events::cxml::parse
//! [`two_threads::parse`]: part3_events::two_threads::parse

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Consumer, Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::event::EventBatch;
use part3_events::{cxml, two_threads};

/// Prints where the northbound route 22 buses are, from the fastest
/// event source.
#[derive(Parser)]
#[command(name = "cxmlparse")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
    /// Parse on a second thread (quick-xml 0.37, the file mapped)
    #[arg(long)]
    two_threads: bool,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    if args.two_threads {
        let mut pipeline = pipeline();
        two_threads::parse(&path, &mut pipeline)?;
        pipeline.close()?;
    } else {
        let mut pipeline = pipeline();
        cxml::parse(&path, &mut pipeline)?;
        pipeline.close()?;
    }
    // ANCHOR_END: main
    Ok(())
}

/// The stages of `buses`, for either source (each sends its own kind of
/// batch).
fn pipeline<E: EventBatch>() -> Consumer<E> {
    buses_to_dicts(filter_on_field(
        "route",
        "22",
        filter_on_field("direction", "North Bound", bus_locations()),
    ))
}
