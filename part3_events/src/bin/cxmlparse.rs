//! # cxmlparse: going lower (slide 72; original: the C extension `cxml/cxmlparse.c`, run by `cxml/test.py`)
//!
//! The course's fastest source is a C extension: it runs expat itself,
//! reading the file in 64 KiB blocks, keeps text in a buffer of its own
//! until an element starts or ends, builds each event in C and calls
//! the coroutine's `send` directly. The stages are those of `buses`,
//! unchanged.
//!
//! Run it: `cargo run --bin cxmlparse`. It prints the same 16 lines as
//! `buses` and `coexpat`.
//!
//! In Rust everything is compiled already, so this source does what
//! `expat_parse` does; it is written as the C code is, its handlers and
//! text buffer spelled out.

use std::path::{Path, PathBuf};

use clap::Parser;
use part1_generators::{CoroutineError, Fail, Target, data_path};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::error::{XmlError, describe};
use part3_events::event::Event;
use part3_events::expat::{self, Piece, push_text};

// ANCHOR: handlers
// ANCHOR: textbuf
/// How much text the C code buffers before it sends it anyway.
const TEXT_BUF_SIZE: usize = 65536;

/// What the C code keeps in static variables: the target, and the text
/// received since the last tag.
struct Handlers<T> {
    target: T,
    textbuf: String,
}

impl<T: Target<Event>> Handlers<T> {
    fn send_text(&mut self) -> Result<(), CoroutineError> {
        if !self.textbuf.is_empty() {
            // C: PyUnicode_FromStringAndSize copies the buffer.
            self.target.send(Event::Text(self.textbuf.clone()))?;
        }
        self.textbuf.clear();
        Ok(())
    }
    // ANCHOR_END: textbuf

    fn start_hndl(
        &mut self,
        el: &str,
        attrs: Vec<(String, String)>,
    ) -> Result<(), CoroutineError> {
        self.send_text()?;
        // C: sends an empty dict; we send the attributes, as every
        // other source does.
        self.target.send(Event::Start(el.to_owned(), attrs))
    }

    fn end_hndl(&mut self, el: &str) -> Result<(), CoroutineError> {
        self.send_text()?;
        self.target.send(Event::End(el.to_owned()))
    }

    fn char_hndl(&mut self, text: &str) -> Result<(), CoroutineError> {
        push_text(&mut self.textbuf, text);
        // C: a full buffer is sent at once, cut at exactly 65,536 bytes;
        // we cut between pieces, never inside a character.
        if self.textbuf.len() >= TEXT_BUF_SIZE {
            self.send_text()?;
        }
        Ok(())
    }
}
// ANCHOR_END: handlers

// ANCHOR: parse
/// Parses the XML file at `filename` and sends its events into
/// `target` (Python: `cxmlparse.parse(filename, target)`).
pub fn parse(
    filename: &Path,
    target: impl Target<Event>,
) -> Result<(), XmlError> {
    let mut handlers = Handlers {
        target,
        textbuf: String::with_capacity(TEXT_BUF_SIZE),
    };
    // C: XML_ParserCreate, then fread and XML_ParseBuffer, 64 KiB at a
    // time (so does ours).
    let mut p = expat::Parser::open(filename)?;
    loop {
        let sent = match p.read()? {
            Piece::Start(el, attrs) => handlers.start_hndl(el, attrs),
            Piece::End(el) => handlers.end_hndl(el),
            Piece::Text(text) => handlers.char_hndl(text),
            Piece::Other => Ok(()),
            Piece::Eof => return Ok(()),
        };
        sent.map_err(|e| p.error(describe(&e)))?;
    }
}
// ANCHOR_END: parse

/// Prints where the northbound route 22 buses are, from the lowest
/// event source.
#[derive(Parser)]
#[command(name = "cxmlparse")]
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
    // Python (cxml/test.py): cxmlparse.parse(path, buses_to_dicts(...))
    parse(
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
