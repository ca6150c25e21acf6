//! # iterbus: no coroutines (slide 74; original: `iterbus.py`)
//!
//! For comparison, the same question answered with a plain loop: pull the
//! buses out of the parser one at a time, keep the northbound route 22
//! ones, print them. The original uses ElementTree's `iterparse`; quick-xml
//! is a pull parser, so here it is an iterator, [`Document::buses`].
//!
//! Run it: `cargo run --bin iterbus`. It prints the same 16 buses as
//! `buses`, but id first, as the original does:
//! `1056,22,"North Bound",41.78958767162086,-87.7928415188941`.
//!
//! [`Document::buses`]: part3_events::Document::buses

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, data_path};
use part3_events::Document;
use part3_events::buses::fields;

/// Prints where the northbound route 22 buses are, with a plain loop.
#[derive(Parser)]
#[command(name = "iterbus")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    let document = Document::load(&path)?;
    for bus in document.buses() {
        let bus = bus?;
        if bus.get("route").is_some_and(|r| r == "22")
            && bus.get("direction").is_some_and(|d| d == "North Bound")
        {
            let [id, route, direction, latitude, longitude] = fields(
                &bus,
                ["id", "route", "direction", "latitude", "longitude"],
            )
            .map_err(|e| document.error(e))?;
            println!("{id},{route},\"{direction}\",{latitude},{longitude}");
        }
    }
    // ANCHOR_END: main
    Ok(())
}
