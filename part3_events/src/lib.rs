//! # Part 3: coroutines and event dispatching (slides 53-74)
//!
//! An XML parser's events pushed through coroutine pipelines: the
//! positions of Chicago's buses (`data/allroutes.xml`) turned into one
//! map per bus, filtered, printed; then the event source swapped for
//! lower-level ones, the stages unchanged, and the sources timed.
//!
//! The lessons are the binaries (`src/bin/`, one per script of the
//! course). Two of them are also modules of this library, because other
//! scripts import them, as Python imports a script: [`cosax`]'s
//! `EventHandler` and [`buses`]' stages. The rest stands for what
//! Python's standard library gives the course:
//!
//! | module     | stands for                   | what                        |
//! |------------|------------------------------|-----------------------------|
//! | [`expat`]  | expat                        | the parser under every source, and its checks |
//! | [`sax`]    | `xml.sax`                    | `ContentHandler` and `parse` |
//! | [`event`]  | the event tuples, `repr()`   | `Event`: start, text, end   |
//! | [`error`]  | a traceback                  | bad input in one line       |
//!
//! The tools (`tools/`) are apart: `mkroutes` writes the bus data,
//! `xmlcontest` times every source against the Python originals.

extern crate self as part3_events; // so lesson files can say part3_events::...

pub mod error;
pub mod event;
pub mod expat;
pub mod sax;

/// cosax.py's `EventHandler`, imported by buses, cothread, coprocess.
#[path = "bin/cosax.rs"]
#[allow(dead_code)] // the lesson's `main` and `printer` are not used here
pub mod cosax;

/// buses.py's stages, imported by coexpat, cxmlparse, cothread,
/// coprocess, busproc.
#[path = "bin/buses.rs"]
#[allow(dead_code)] // the lesson's `main` is not used here
pub mod buses;
