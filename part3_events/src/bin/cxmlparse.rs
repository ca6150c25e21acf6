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
//! [`cxml::parse`]: part3_events::cxml::parse

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::cxml;

/// Prints where the northbound route 22 buses are, from the fastest
/// event source.
#[derive(Parser)]
#[command(name = "cxmlparse")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    let mut pipeline = buses_to_dicts(filter_on_field(
        "route",
        "22",
        filter_on_field("direction", "North Bound", bus_locations()),
    ));
    cxml::parse(&path, &mut pipeline)?;
    pipeline.close()?;
    // ANCHOR_END: main
    Ok(())
}
