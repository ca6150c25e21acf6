//! # busproc: the other end of the pipe (slide 86; original: `busproc.py`)
//!
//! Reads buses, one JSON object per line, from its standard input (or a
//! file), and sends each into Part 3's two filters and printer: it
//! prints the northbound route 22 buses, as `buses` does. At the end of
//! its input it closes the pipeline and exits.
//!
//! `coprocess` runs this program as its child, with a pipe to its
//! standard input. You can also run it by hand, on what coprocess would
//! send (`coprocess --no-child` writes that to standard output):
//!
//! ```text
//! cargo run --bin coprocess -- --no-child > buses.jsonl
//! cargo run --bin busproc < buses.jsonl
//! cargo run --bin coprocess -- --no-child | cargo run --bin busproc
//! ```
//!
//! Where Rust departs from the Python: the pipe carries JSON lines, not
//! pickles (you can read them); and `coprocess` does not need this binary:
//! it runs its own executable in a hidden busproc mode, which calls the
//! same library function ([`part4_concurrency::busproc::busproc`]).

use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;

use clap::Parser;
use part1_generators::Fail;
use part4_concurrency::busproc::busproc;

/// Reads buses as JSON lines and prints the northbound route 22 ones.
#[derive(Parser)]
#[command(name = "busproc")]
struct Args {
    /// Read the buses from this file [default: standard input]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // ANCHOR: main
    let received = match &args.file {
        None => busproc(io::stdin().lock())
            .map_err(|e| Fail::new(e.in_input("<stdin>"))),
        Some(path) => {
            let file = File::open(path).map_err(|e| {
                Fail::new(format!("cannot read {}: {e}", path.display()))
            })?;
            busproc(BufReader::new(file))
                .map_err(|e| Fail::new(e.in_input(&path.to_string_lossy())))
        }
    };
    // ANCHOR_END: main
    received.map(drop)
}
