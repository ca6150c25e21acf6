//! # buses: an event pipeline (slide 63; original: `buses.py`)
//!
//! SAX events flow through three stages: `buses_to_dicts` collects each
//! `<bus>` element's fields into a map, two `filter_on_field` stages keep
//! route 22 going North Bound, and `bus_locations` prints where those
//! buses are.
//!
//! Run it: `cargo run --bin buses`. On the workbook's data it prints 16
//! lines like `22,1056,"North Bound",41.78958767162086,-87.7928415188941`
//! (route, id, direction, latitude, longitude). Give it the course's own
//! file as an argument and it prints the course's 16 lines.
//!
//! The stages live in the library ([`part3_events::buses`]), written once
//! against the vocabulary's `Target`, because the next lessons feed them
//! from other sources without changing a line.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::sax::{self, EventHandler};

/// Prints where the northbound route 22 buses are.
#[derive(Parser)]
#[command(name = "buses")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    let mut handler = EventHandler::new(buses_to_dicts(filter_on_field(
        "route",
        "22",
        filter_on_field("direction", "North Bound", bus_locations()),
    )));
    sax::parse(&path, &mut handler)?;
    handler.into_target().close()?;
    // ANCHOR_END: main
    Ok(())
}
