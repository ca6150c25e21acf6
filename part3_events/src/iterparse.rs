//! Incremental pull parsing, with no coroutines (slide 74; original:
//! `iterbus.py`).
//!
//! The course's last contestant is ElementTree's `iterparse`: a plain
//! `for` loop over parsing events, building each `<bus>` as it ends.
//! quick-xml is a pull parser already, so the Rust version is a plain
//! iterator: [`Buses`] pulls events from the parser and yields one
//! [`Bus`] per `<bus>` element. No coroutine, no `send`: this is the
//! baseline the coroutine pipelines are measured against.

use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use crate::buses::Bus;
use crate::document::Document;
use crate::error::XmlError;
use crate::xml::{Nesting, configure, resolve};

/// The buses of a document, one at a time: `for bus in doc.buses()`.
pub struct Buses<'d> {
    document: &'d Document,
    reader: Reader<&'d [u8]>,
    nesting: Nesting,
    /// Events read from the parser so far.
    events: u64,
    /// Set once the iterator has failed or finished.
    done: bool,
}

impl Document {
    /// The document's buses, in order, parsed as they are asked for.
    pub fn buses(&self) -> Buses<'_> {
        let mut reader = Reader::from_str(self.text());
        configure(&mut reader);
        Buses {
            document: self,
            reader,
            nesting: Nesting::default(),
            events: 0,
            done: false,
        }
    }
}

// ANCHOR: next_bus
impl Buses<'_> {
    /// Reads on to the end of the next `<bus>` element.
    fn next_bus(&mut self) -> Result<Option<Bus>, XmlError> {
        let doc = self.document;
        let mut bus: Option<Bus> = None;
        let mut text = String::new();
        loop {
            let at = self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|e| {
                doc.error_at(self.reader.error_position(), e.to_string())
            })?;
            self.events += 1;
            let fail = |message: String| doc.error_at(at, message);
            match event {
                Xml::Start(start) => {
                    let name = start.name();
                    self.nesting.start(name.as_ref()).map_err(fail)?;
                    if name.as_ref() == "bus" {
                        bus = Some(Bus::new());
                    }
                    text.clear();
                }
                Xml::Text(t) if self.nesting.inside() => text.push_str(&t),
                Xml::CData(t) if self.nesting.inside() => text.push_str(&t),
                Xml::GeneralRef(r) if self.nesting.inside() => {
                    text.push_str(&resolve(&r).map_err(fail)?);
                }
                Xml::Text(t) => self.nesting.outside(&t).map_err(fail)?,
                Xml::CData(_) | Xml::GeneralRef(_) => {
                    return Err(fail("text outside the root element".into()));
                }
                Xml::End(end) => {
                    self.nesting.end();
                    let name = end.name();
                    if name.as_ref() == "bus" {
                        if let Some(bus) = bus.take() {
                            return Ok(Some(bus));
                        }
                    } else if let Some(bus) = bus.as_mut() {
                        bus.insert(name.as_ref(), &text);
                    }
                }
                Xml::Eof => {
                    self.nesting.finish().map_err(fail)?;
                    return Ok(None);
                }
                _ => {}
            }
        }
    }
}
// ANCHOR_END: next_bus

impl Buses<'_> {
    /// How many parsing events have been read so far.
    pub fn events_read(&self) -> u64 {
        self.events
    }
}

/// Reads every event of `document` and does nothing with them: how fast
/// the parser alone is (a reference for the contest).
pub fn count_events(document: &Document) -> Result<u64, XmlError> {
    let mut reader = Reader::from_str(document.text());
    configure(&mut reader);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Xml::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => {
                let at = reader.error_position();
                return Err(document.error_at(at, e.to_string()));
            }
        }
    }
}

impl Iterator for Buses<'_> {
    type Item = Result<Bus, XmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_bus().transpose();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}
