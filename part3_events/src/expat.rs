//! A lower-level event source (slide 70; original: `coexpat.py`).
//!
//! The course drops the SAX layer and drives the expat library directly,
//! with `buffer_text` on so that an element's text arrives as one piece.
//! Here the same step down: no handler object and no callbacks, one loop
//! that pulls quick-xml's events and sends each straight into the target,
//! with the text between two tags gathered into one [`Event::Text`].
//!
//! It reads the file in 64 KiB blocks, as expat is fed in the original, so
//! it works on files of any size. Each event's strings are copied out of
//! the parser's buffer (an event sent into a coroutine must own them).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use part1_generators::Target;
use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use crate::error::{XmlError, describe_coroutine};
use crate::event::{Event, Str};
use crate::xml::{
    BLOCK, Nesting, attributes, configure, parse_error, push_normalized,
    resolve,
};

// ANCHOR: expat_parse
/// Parses the XML file at `path` and sends its events into `target`.
/// Returns the number of events sent.
pub fn expat_parse(
    path: impl AsRef<Path>,
    target: &mut impl Target<Event>,
) -> Result<u64, XmlError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| XmlError::read(path, e))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(BLOCK, file));
    configure(&mut reader);
    let mut buf = Vec::new();
    let mut nesting = Nesting::default();
    // The text since the last tag (Python: `parser.buffer_text = True`).
    let mut text = String::new();
    let mut sent = 0;
    loop {
        buf.clear();
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| parse_error(path, at, reader.error_position(), e))?;
        let fail = |message: String| XmlError::at_offset(path, at, message);
        let mut send = |event: Event| {
            sent += 1;
            target.send(event).map_err(|e| {
                XmlError::at_offset(path, at, describe_coroutine(&e))
            })
        };
        // Text outside the root: only blanks, and they are not content.
        if !nesting.inside() {
            match &event {
                Xml::Text(t) => {
                    nesting.outside(t).map_err(fail)?;
                    continue;
                }
                Xml::CData(_) | Xml::GeneralRef(_) => {
                    return Err(fail("text outside the root element".into()));
                }
                _ => {}
            }
        }
        match event {
            Xml::Text(t) => push_normalized(&mut text, &t),
            Xml::CData(t) => push_normalized(&mut text, &t),
            Xml::GeneralRef(r) => text.push_str(&resolve(&r).map_err(fail)?),
            Xml::Start(start) => {
                if !text.is_empty() {
                    send(Event::Text(Str::from(text.as_str())))?;
                    text.clear();
                }
                let name = start.name();
                nesting.start(name.as_ref()).map_err(fail)?;
                let attrs = attributes(&start)
                    .map_err(fail)?
                    .into_iter()
                    .map(|(k, v)| (Str::from(k), Str::from(v)))
                    .collect();
                send(Event::Start(Str::from(name.as_ref()), attrs))?;
            }
            Xml::End(end) => {
                if !text.is_empty() {
                    send(Event::Text(Str::from(text.as_str())))?;
                    text.clear();
                }
                nesting.end();
                send(Event::End(Str::from(end.name().as_ref())))?;
            }
            Xml::Eof => {
                nesting.finish().map_err(fail)?;
                return Ok(sent);
            }
            _ => {}
        }
    }
}
// ANCHOR_END: expat_parse
