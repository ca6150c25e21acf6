//! # coexpat: a lower-level source, the same stages (slide 70; original: `coexpat.py`)
//!
//! The course drops the SAX layer and pushes the events of the expat
//! parser straight into the coroutines: `expat_parse` is one loop, with
//! no handler object, that sends each event into the target, the text
//! between two tags gathered into one event. The stages of `buses` are
//! used unchanged.
//!
//! Run it: `cargo run --bin coexpat`. It prints the same 16 lines as
//! `buses`, faster (`cargo run --release --bin xmlcontest` measures how
//! much).

use std::path::{Path, PathBuf};

use clap::Parser;
use part1_generators::{Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::error::{XmlError, describe};
use part3_events::event::Event;
use part3_events::expat::{self, Piece, push_text};

/// Parses the XML file at `path` and sends its events into `target`.
// ANCHOR: expat_parse
// ANCHOR: expat_parse_head
pub fn expat_parse(
    path: &Path,
    mut target: impl Target<Event>,
) -> Result<(), XmlError> {
    // Python: ParserCreate(), with buffer_size = 65536 (so does ours).
    let mut parser = expat::Parser::open(path)?;
    // Python: buffer_text = True: the text between two tags is one event.
    let mut text = String::new();
    loop {
        let event = match parser.read()? {
            Piece::Start(name, attrs) => Event::Start(name.to_owned(), attrs),
            Piece::End(name) => Event::End(name.to_owned()),
            Piece::Text(piece) => {
                push_text(&mut text, piece);
                continue;
            }
            Piece::Other => continue,
            Piece::Eof => return Ok(()),
        };
        // ANCHOR_END: expat_parse_head
        // The text before this tag goes first.
        if !text.is_empty() {
            let buffered = Event::Text(text.clone());
            target
                .send(buffered)
                .map_err(|e| parser.error(describe(&e)))?;
            text.clear();
        }
        target.send(event).map_err(|e| parser.error(describe(&e)))?;
    }
}
// ANCHOR_END: expat_parse

/// Prints where the northbound route 22 buses are, from a lower-level
/// event source.
#[derive(Parser)]
#[command(name = "coexpat")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let path = Args::parse()
        .file
        .unwrap_or_else(|| data_path("allroutes.xml"));
    expat_parse(
        &path,
        buses_to_dicts(filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        )),
    )?;
    Ok(())
}
// ANCHOR_END: main
