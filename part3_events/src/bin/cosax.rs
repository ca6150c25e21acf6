//! # cosax: callbacks turned into events (slide 60; original: `cosax.py`)
//!
//! The SAX handler no longer does the work: each call becomes an event
//! (`Event`), sent into a coroutine target. Start, text and end events
//! are what every pipeline of this part consumes. The coroutine here,
//! `printer`, prints each event it receives.
//!
//! Run it: `cargo run --bin cosax | head -20`. It prints the events as
//! Python prints the original's tuples: `('start', ('buses', {}))`,
//! `('text', '\n')`, `('end', 'id')`...
//!
//! The library compiles this file too (`part3_events::cosax`), because
//! other scripts import `EventHandler` from it (Python: `from cosax
//! import EventHandler`).

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Consumer, Exception, Fail, Target, data_path};
use part3_events::event::Event;
use part3_events::sax;

/// A SAX handler that sends each call into `target` as an [`Event`].
// ANCHOR: event_handler
pub struct EventHandler<T> {
    target: T,
}

impl<T> EventHandler<T> {
    /// A handler sending into `target`.
    pub fn new(target: T) -> Self {
        EventHandler { target }
    }
}

// ANCHOR: content_handler
impl<T: Target<Event>> sax::ContentHandler for EventHandler<T> {
    fn start_element(
        &mut self,
        name: &str,
        attrs: Vec<(String, String)>,
    ) -> Result<(), Exception> {
        Ok(self.target.send(Event::Start(name.to_owned(), attrs))?)
    }

    fn characters(&mut self, text: &str) -> Result<(), Exception> {
        Ok(self.target.send(Event::Text(text.to_owned()))?)
    }

    fn end_element(&mut self, name: &str) -> Result<(), Exception> {
        Ok(self.target.send(Event::End(name.to_owned()))?)
    }
}
// ANCHOR_END: content_handler
// ANCHOR_END: event_handler

// ANCHOR: printer
fn printer() -> Consumer<Event> {
    Consumer::new(|inbox| {
        while let Some(event) = inbox.recv() {
            println!("{event}");
        }
        Ok(())
    })
}
// ANCHOR_END: printer

/// Prints the events a SAX handler sends for an XML file.
#[derive(Parser)]
#[command(name = "cosax")]
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
    sax::parse(&path, &mut EventHandler::new(printer()))?;
    Ok(())
}
// ANCHOR_END: main
