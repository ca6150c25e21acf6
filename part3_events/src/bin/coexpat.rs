//! # coexpat: a lower-level source, the same stages (slide 70; original: `coexpat.py`)
//!
//! The course drops the SAX layer and pushes events from the expat
//! library straight into the coroutines. The stages of `buses` are used
//! unchanged: only the source is new.
//!
//! Run it: `cargo run --bin coexpat`. It prints the same 16 lines as
//! `buses`, faster (`cargo run --release --bin xmlcontest` measures how
//! much).
//!
//! Our lower level is [`expat_parse`]: one loop that pulls quick-xml's
//! events and sends them, with no handler object in between, and the text
//! between two tags sent as one event (Python: `buffer_text = True`).
//!
//! [`expat_parse`]: part3_events::expat_parse

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::expat_parse;

/// Prints where the northbound route 22 buses are, from a lower-level
/// event source.
#[derive(Parser)]
#[command(name = "coexpat")]
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
    expat_parse(&path, &mut pipeline)?;
    pipeline.close()?;
    // ANCHOR_END: main
    Ok(())
}
