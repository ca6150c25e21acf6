//! # busproc: the other end of the pipe (slide 86; original: `busproc.py`)
//!
//! Reads buses from its standard input (or a file), one JSON line each,
//! as `coprocess`'s `sendto` writes them, and sends each into the two
//! filters and the printer of `buses`: it prints the northbound route 22
//! buses. At the end of its input it closes the pipeline and exits.
//!
//! `coprocess` runs it as its child. Run it by hand too, on what
//! coprocess sends:
//!
//! ```text
//! cargo run --bin coprocess -- --child cat > buses.jsonl
//! cargo run --bin busproc < buses.jsonl
//! ```

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;

use clap::Parser;
use part1_generators::Fail;
use part3_events::buses::{Bus, bus_locations, filter_on_field};
use part4_concurrency::coprocess::recvfrom;

/// Reads buses as JSON lines and prints the northbound route 22 ones.
#[derive(Parser)]
#[command(name = "busproc")]
struct Args {
    /// Read the buses from this file [default: standard input]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (input, name): (Box<dyn BufRead>, String) = match &args.file {
        None => (Box::new(io::stdin().lock()), "<stdin>".into()),
        Some(path) => {
            let file = File::open(path).map_err(|e| {
                Fail::new(format!("cannot read {}: {e}", path.display()))
            })?;
            (Box::new(BufReader::new(file)), path.display().to_string())
        }
    };
    recvfrom::<Bus>(
        input,
        filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        ),
    )
    .map_err(|e| Fail::new(e.in_input(&name)))
}
// ANCHOR_END: main
