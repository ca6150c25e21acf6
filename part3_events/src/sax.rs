//! Callback ("SAX") parsing, and the event handler that turns callbacks
//! into events (slides 58-60; originals: `basicsax.py`, `cosax.py`).
//!
//! Python's `xml.sax` reads the file and calls the methods of a handler
//! object as it goes: `startElement`, `characters`, `endElement`. quick-xml
//! is a *pull* parser instead (the program asks for the next event), so
//! [`parse`] is the small driver that pulls events and calls a
//! [`ContentHandler`], the way Python's SAX reader calls expat's.
//!
//! Like Python's, this driver hands text over in pieces: each line end
//! on its own, the text between line ends, each entity reference, each
//! CDATA section, and a text that straddles two of the blocks Python's
//! reader feeds to expat arrives in two pieces. A handler that wants an
//! element's whole text must collect the pieces, which is why
//! `buses_to_dicts` appends each piece to the text of the element it is
//! in (Python keeps a list of fragments and joins it).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use part1_generators::{Exception, Target};
use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use crate::error::{XmlError, describe};
use crate::event::{Event, Str};
use crate::xml::{
    BLOCK, Nesting, attributes, configure, lines, parse_error, resolve,
};

// ANCHOR: handler
/// What a SAX parser calls as it reads (Python: `xml.sax.ContentHandler`).
///
/// Every method has a default that does nothing, so a handler implements
/// only what it needs. An error returned by a method stops the parse.
pub trait ContentHandler {
    /// An element starts: its name and attributes.
    fn start_element(
        &mut self,
        name: &str,
        attrs: &[(String, String)],
    ) -> Result<(), Exception> {
        let _ = (name, attrs);
        Ok(())
    }

    /// An element ends.
    fn end_element(&mut self, name: &str) -> Result<(), Exception> {
        let _ = name;
        Ok(())
    }

    /// A piece of character data.
    fn characters(&mut self, text: &str) -> Result<(), Exception> {
        let _ = text;
        Ok(())
    }
}
// ANCHOR_END: handler

/// Parses the XML file at `path`, calling `handler` for each element and
/// each piece of text (Python: `xml.sax.parse(path, handler)`). Returns
/// the number of calls made.
pub fn parse(
    path: impl AsRef<Path>,
    handler: &mut dyn ContentHandler,
) -> Result<u64, XmlError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| XmlError::read(path, e))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(BLOCK, file));
    configure(&mut reader);
    let mut buf = Vec::new();
    let mut nesting = Nesting::default();
    let mut calls = 0;
    loop {
        buf.clear();
        // Where this event starts, for messages about it.
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| parse_error(path, at, reader.error_position(), e))?;
        let fail = |message: String| XmlError::at_offset(path, at, message);
        let stage = |e: Exception| XmlError::at_offset(path, at, describe(&e));
        match event {
            Xml::Start(start) => {
                let name = start.name();
                nesting.start(name.as_ref()).map_err(fail)?;
                let attrs = attributes(&start).map_err(fail)?;
                calls += 1;
                handler
                    .start_element(name.as_ref(), &attrs)
                    .map_err(stage)?;
            }
            Xml::End(end) => {
                nesting.end();
                calls += 1;
                handler.end_element(end.name().as_ref()).map_err(stage)?;
            }
            Xml::Text(text) if !nesting.inside() => {
                nesting.outside(&text).map_err(fail)?;
            }
            Xml::Text(text) => {
                expat_pieces(&text, at, |piece| {
                    calls += 1;
                    handler.characters(piece)
                })
                .map_err(stage)?;
            }
            Xml::CData(cdata) if nesting.inside() => {
                // The text starts after `<![CDATA[`.
                expat_pieces(&cdata, at + 9, |piece| {
                    calls += 1;
                    handler.characters(piece)
                })
                .map_err(stage)?;
            }
            Xml::GeneralRef(reference) if nesting.inside() => {
                let text = resolve(&reference).map_err(fail)?;
                calls += 1;
                handler.characters(&text).map_err(stage)?;
            }
            Xml::CData(_) | Xml::GeneralRef(_) => {
                return Err(fail("text outside the root element".into()));
            }
            Xml::Eof => {
                nesting.finish().map_err(fail)?;
                return Ok(calls);
            }
            // Comments, processing instructions, the XML declaration and
            // a document type declaration are not content.
            _ => {}
        }
    }
}

/// How many bytes Python's SAX reader hands expat at a time: `2**16 - 20`
/// (the default `bufsize` of `xml.sax.expatreader.ExpatParser`).
const PYTHON_SAX_BLOCK: u64 = (1 << 16) - 20;

/// Calls `each` with the pieces of character data that Python's SAX
/// parser gives for `text`, which starts at byte `offset` of the file.
///
/// expat reports the text it has when it reaches the end of a block, so a
/// text that straddles two blocks comes in two pieces (expat keeps a CR
/// or an incomplete character back for the next block); then each line
/// end is a piece of its own.
fn expat_pieces<E>(
    text: &str,
    offset: u64,
    mut each: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = text;
    // The file offset where `rest` starts, and the next block's start.
    let mut start = offset;
    let mut boundary = (offset / PYTHON_SAX_BLOCK + 1) * PYTHON_SAX_BLOCK;
    while boundary < start + rest.len() as u64 {
        let mut cut = usize::try_from(boundary - start).unwrap_or(0);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if rest[..cut].ends_with('\r') {
            cut -= 1;
        }
        lines(&rest[..cut], &mut each)?;
        rest = &rest[cut..];
        start += cut as u64;
        boundary += PYTHON_SAX_BLOCK;
    }
    lines(rest, &mut each)
}

// ANCHOR: event_handler
/// A SAX handler that turns each callback into an [`Event`] and sends it
/// into a target (Python: cosax's `EventHandler`).
pub struct EventHandler<T> {
    target: T,
}

impl<T: Target<Event>> EventHandler<T> {
    /// A handler sending into `target`.
    pub fn new(target: T) -> Self {
        EventHandler { target }
    }

    /// The target, for closing it when the parse is done.
    pub fn into_target(self) -> T {
        self.target
    }
}

impl<T: Target<Event>> ContentHandler for EventHandler<T> {
    fn start_element(
        &mut self,
        name: &str,
        attrs: &[(String, String)],
    ) -> Result<(), Exception> {
        let attrs = attrs
            .iter()
            .map(|(k, v)| (Str::from(k.as_str()), Str::from(v.as_str())))
            .collect();
        self.target.send(Event::Start(Str::from(name), attrs))?;
        Ok(())
    }

    fn characters(&mut self, text: &str) -> Result<(), Exception> {
        self.target.send(Event::Text(Str::from(text)))?;
        Ok(())
    }

    fn end_element(&mut self, name: &str) -> Result<(), Exception> {
        self.target.send(Event::End(Str::from(name)))?;
        Ok(())
    }
}
// ANCHOR_END: event_handler
