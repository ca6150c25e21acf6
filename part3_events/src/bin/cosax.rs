//! # cosax: callbacks turned into events (slide 60; original: `cosax.py`)
//!
//! The SAX handler no longer does the work itself: each callback becomes
//! an event, sent into a coroutine. Start, text and end events are what
//! every pipeline of this part consumes. The coroutine here, `printer`,
//! prints each event it receives.
//!
//! Run it: `cargo run --bin cosax | head -20`. It prints the events as
//! Python prints the original's tuples: `('start', ('buses', {}))`,
//! `('text', '\n')`, `('end', 'id')`...
//!
//! The handler is the library's [`EventHandler`]; the events are
//! [`Event`]s whose strings the coroutine owns (a coroutine's input must
//! be `'static`: it cannot borrow the parser's buffer).
//!
//! [`EventHandler`]: part3_events::sax::EventHandler
//! [`Event`]: part3_events::Event

use std::path::PathBuf;

use clap::Parser;
use part1_generators::{Consumer, Fail, Target, data_path};
use part3_events::Event;
use part3_events::sax::{self, EventHandler};

// ANCHOR: printer
fn printer() -> Consumer<Event> {
    Consumer::<Event>::new(|inbox| {
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

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let path = args.file.unwrap_or_else(|| data_path("allroutes.xml"));
    // ANCHOR: main
    let mut handler = EventHandler::new(printer());
    sax::parse(&path, &mut handler)?;
    handler.into_target().close()?;
    // ANCHOR_END: main
    Ok(())
}
