//! # basicsax: callback parsing (slide 58; original: `basicsax.py`)
//!
//! A SAX parser reads the XML and calls a handler as it goes: one call
//! when an element starts, one when it ends, one for each piece of text
//! in between. This handler prints each call.
//!
//! Run it: `cargo run --bin basicsax | head -20`. It prints
//! `startElement buses`, then `characters '\n'`, the indentation,
//! `startElement bus`... (about 67,000 lines for the whole file). Give it
//! another file: `cargo run --bin basicsax --
//! part3_events/tests/data/onebus.xml`. On the course's own file it
//! prints what the original prints, byte for byte.
//!
//! Python's `xml.sax` is [`part3_events::sax`] here: a `ContentHandler`
//! trait and a `parse` that drives it from quick-xml.

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Exception, Fail, data_path};
use part3_events::event::py_repr;
use part3_events::sax::{self, ContentHandler};

// ANCHOR: handler
struct MyHandler;

impl ContentHandler for MyHandler {
    fn start_element(
        &mut self,
        name: &str,
        _attrs: Vec<(String, String)>,
    ) -> Result<(), Exception> {
        println!("startElement {name}");
        Ok(())
    }

    fn end_element(&mut self, name: &str) -> Result<(), Exception> {
        println!("endElement {name}");
        Ok(())
    }

    fn characters(&mut self, text: &str) -> Result<(), Exception> {
        // Python: print("characters", repr(text)[:40])
        let repr: String = py_repr(text).chars().take(40).collect();
        println!("characters {repr}");
        Ok(())
    }
}
// ANCHOR_END: handler

/// Prints the calls a SAX parser makes for an XML file.
#[derive(Parser)]
#[command(name = "basicsax")]
struct Args {
    /// The XML file [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let path = Args::parse()
        .file
        .unwrap_or_else(|| data_path("allroutes.xml"));
    sax::parse(&path, &mut MyHandler)?;
    Ok(())
}
// ANCHOR_END: main
