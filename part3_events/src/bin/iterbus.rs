//! # iterbus: no coroutines (slide 74; original: `iterbus.py`)
//!
//! For comparison, the same question answered with a plain loop: pull
//! the parser's pieces one at a time, build each bus's map as its
//! `</bus>` arrives, print the northbound route 22 ones. No coroutine, no
//! `send`: the baseline the coroutine pipelines are measured against.
//!
//! Run it: `cargo run --bin iterbus`. It prints the same 16 buses as
//! `buses`, but id first, as the original does:
//! `1056,22,"North Bound",41.78958767162086,-87.7928415188941`.
//!
//! Python uses ElementTree's `iterparse`, which builds a tree of the
//! elements it reads (the loop removes each bus from it when done). Our
//! parser is a pull parser already: the loop keeps the bus being read
//! and nothing else.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Fail, data_path};
use part3_events::expat::{self, Piece, push_text};

/// Prints where the northbound route 22 buses are, with a plain loop.
#[derive(Parser)]
#[command(name = "iterbus")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

// ANCHOR: main
// ANCHOR: main_head
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let path = Args::parse()
        .file
        .unwrap_or_else(|| data_path("allroutes.xml"));
    // Python: for event, elem in iterparse("allroutes.xml", ("start", "end"))
    let mut parser = expat::Parser::open(&path)?;
    let mut busdict: Option<BTreeMap<String, String>> = None;
    let mut text = String::new();
    loop {
        match parser.read()? {
            Piece::Start(tag, _) => {
                if tag == "bus" {
                    busdict = Some(BTreeMap::new());
                }
                text.clear();
            }
            Piece::Text(piece) => push_text(&mut text, piece),
            // ANCHOR_END: main_head
            Piece::End("bus") => {
                let Some(busdict) = busdict.take() else {
                    continue;
                };
                if busdict.get("route").is_some_and(|r| r == "22")
                    && busdict
                        .get("direction")
                        .is_some_and(|d| d == "North Bound")
                {
                    let field = |name| {
                        busdict.get(name).ok_or_else(|| {
                            let id =
                                busdict.get("id").map_or("?", String::as_str);
                            parser.error(format!("bus {id} has no <{name}>"))
                        })
                    };
                    println!(
                        "{},{},\"{}\",{},{}",
                        field("id")?,
                        field("route")?,
                        field("direction")?,
                        field("latitude")?,
                        field("longitude")?
                    );
                }
            }
            Piece::End(tag) => {
                if let Some(busdict) = busdict.as_mut() {
                    busdict.insert(tag.to_owned(), text.clone());
                }
            }
            Piece::Other => {}
            Piece::Eof => break,
        }
    }
    Ok(())
}
// ANCHOR_END: main
