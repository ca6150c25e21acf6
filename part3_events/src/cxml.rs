//! "Going lower": the fastest event source (slide 72; original: the
//! `cxmlparse` C extension).
//!
//! The course's last step moves the parsing loop into C: the extension
//! drives expat itself, builds each event's values in C, and only then
//! calls the coroutine's `send`. Everything in Rust is compiled already,
//! so our step down is about the work done per event. Two costs stand out
//! in the other sources:
//!
//! - a copy per event: a coroutine owns what it is sent (corosensei needs
//!   `'static` values), so an event cannot borrow the parser's buffer, and
//!   the other sources copy every name and text into a string of its own;
//! - a switch per event: each `send` switches onto the coroutine's stack
//!   and back.
//!
//! This source does more work before it sends. It reads the whole file
//! into one shared buffer (a [`Document`]), so every event's strings are
//! views into that buffer ([`Str::within`]: a reference count and a range,
//! no allocation, no copy); and it collects [`BATCH`] events before each
//! `send`, one switch per batch. The stages read batches and single events
//! alike (see [`Events`](crate::event::Events)). The prices: the whole
//! file is held in memory while it is parsed, and an error raised by a
//! stage cannot be placed more precisely than "somewhere in this batch".

use std::path::Path;

use part1_generators::Target;
use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use crate::document::Document;
use crate::error::{XmlError, describe_coroutine};
use crate::event::{Batch, Event, Str};
use crate::xml::{Nesting, attributes, configure, resolve};

/// How many events [`parse`] sends at a time.
pub const BATCH: usize = 256;

/// Parses the XML file at `path` and sends its events into `target`, in
/// batches of [`BATCH`] (Python: `cxmlparse.parse(path, target)`).
/// Returns the number of events sent.
pub fn parse(
    path: impl AsRef<Path>,
    target: &mut impl Target<Batch>,
) -> Result<u64, XmlError> {
    let document = Document::load(path)?;
    parse_document(&document, target)
}

/// The text between two tags, as it accumulates. Almost always one piece,
/// which can be sent as a view; only text broken by an entity reference
/// or a CDATA section must be copied together.
enum Pending {
    Nothing,
    One(Str),
    Joined(String),
}

impl Pending {
    fn push(&mut self, piece: Str) {
        match self {
            Pending::Nothing => *self = Pending::One(piece),
            Pending::One(first) => {
                *self = Pending::Joined(format!("{first}{piece}"));
            }
            Pending::Joined(text) => text.push_str(&piece),
        }
    }

    fn take(&mut self) -> Option<Str> {
        if let Pending::Nothing = self {
            return None;
        }
        match std::mem::replace(self, Pending::Nothing) {
            Pending::Nothing => None,
            Pending::One(text) => Some(text),
            Pending::Joined(text) => Some(Str::from(text)),
        }
    }
}

// ANCHOR: parse_document
/// Sends the events of a document already in memory into `target`, in
/// batches of [`BATCH`].
pub fn parse_document(
    document: &Document,
    target: &mut impl Target<Batch>,
) -> Result<u64, XmlError> {
    let buf = document.text();
    let mut reader = Reader::from_str(buf);
    configure(&mut reader);
    let mut nesting = Nesting::default();
    let mut text = Pending::Nothing;
    let mut batch = Batch::with_capacity(BATCH);
    let mut sent = 0;
    loop {
        if batch.len() >= BATCH {
            sent += send(document, target, &mut batch)?;
        }
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            document.error_at(reader.error_position(), e.to_string())
        })?;
        let fail = |message: String| document.error_at(at, message);
        match event {
            // Pieces of text: views into the document, no copies.
            Xml::Text(t) if nesting.inside() => {
                text.push(Str::within(buf, &t.into_inner()));
            }
            Xml::CData(t) if nesting.inside() => {
                text.push(Str::within(buf, &t.into_inner()));
            }
            Xml::GeneralRef(r) if nesting.inside() => {
                text.push(Str::from(resolve(&r).map_err(fail)?.as_ref()));
            }
            Xml::Text(t) => nesting.outside(&t).map_err(fail)?,
            Xml::CData(_) | Xml::GeneralRef(_) => {
                return Err(fail("text outside the root element".into()));
            }
            Xml::Start(start) => {
                batch.extend(text.take().map(Event::Text));
                let name = start.name();
                nesting.start(name.as_ref()).map_err(fail)?;
                let attrs = if start.attributes_raw().is_empty() {
                    Vec::new()
                } else {
                    attributes(&start)
                        .map_err(fail)?
                        .into_iter()
                        .map(|(k, v)| (Str::from(k), Str::from(v)))
                        .collect()
                };
                batch
                    .push(Event::Start(Str::within(buf, name.as_ref()), attrs));
            }
            Xml::End(end) => {
                batch.extend(text.take().map(Event::Text));
                nesting.end();
                batch.push(Event::End(Str::within(buf, end.name().as_ref())));
            }
            Xml::Eof => {
                nesting.finish().map_err(fail)?;
                sent += send(document, target, &mut batch)?;
                return Ok(sent);
            }
            _ => {}
        }
    }
}

/// Sends the batch (if it holds anything) and starts a new one; returns
/// how many events were sent.
fn send(
    document: &Document,
    target: &mut impl Target<Batch>,
    batch: &mut Batch,
) -> Result<u64, XmlError> {
    if batch.is_empty() {
        return Ok(0);
    }
    let full = std::mem::replace(batch, Batch::with_capacity(BATCH));
    let count = full.len() as u64;
    // A stage's error comes out of the send of a whole batch, so it has
    // no exact place in the file: the message names the file only.
    target.send(full).map_err(|e| {
        XmlError::whole(document.path(), describe_coroutine(&e))
    })?;
    Ok(count)
}
// ANCHOR_END: parse_document
