//! # basicsax: callback parsing (slide 58; original: `basicsax.py`)
//!
//! A SAX parser reads the XML and calls a handler as it goes: one call
//! when an element starts, one when it ends, and one for each piece of
//! text in between. The handler here prints each call.
//!
//! Run it: `cargo run --bin basicsax | head -20`. It prints
//! `startElement buses`, then for every line of the file a
//! `characters '\n'`, the indentation, `startElement bus`,
//! `characters '7564'`... (about 67,000 lines for the whole file). Give it
//! another file as an argument:
//! `cargo run --bin basicsax -- part3_events/tests/data/onebus.xml`.
//!
//! Python's `xml.sax` calls the handler's methods; quick-xml is a pull
//! parser, so the workbook's [`sax::parse`] is a small loop that pulls
//! events and calls the handler. The text is cut into pieces as Python's
//! parser (expat) cuts it: each line end on its own. The quoted text is
//! Python's `repr()`, cut to 40 characters like the original.
//!
//! [`sax::parse`]: part3_events::sax::parse

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
        _attrs: &[(String, String)],
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

/// Prints the callbacks a SAX parser makes for an XML file.
#[derive(Parser)]
#[command(name = "basicsax")]
struct Args {
    /// The XML file [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    sax::parse(&path, &mut MyHandler)?;
    // ANCHOR_END: main
    Ok(())
}
