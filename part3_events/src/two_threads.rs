//! The fastest source: the parser on one core, the coroutines on the
//! other (the contest's last row; `cxmlparse --two-threads`).
//!
//! [`cxml`](crate::cxml) does all its work on one thread: it parses, then
//! switches into the stages, then parses again. The machine has two cores.
//! This source gives the parser a thread of its own, and the coroutine
//! pipeline runs on the calling thread, as always:
//!
//! ```text
//! parser thread:  parse | parse | parse | parse | ...
//!                    chunk   chunk   chunk           (a channel)
//! this thread:          stages  stages  stages  ...
//! ```
//!
//! Both threads work at once, so the whole takes about as long as the
//! slower of the two instead of the sum (a little more: here, 63 ms for
//! two sides of about 61). What makes each side cheap:
//!
//! - The file is mapped, not read ([`MappedFile`]). The parser starts on
//!   its bytes at once, while this thread checks that they are UTF-8
//!   ([`MappedText::check`]); no event reaches the stages before that.
//! - The parser thread copies no text: an event is a kind and a range of
//!   the file, 8 bytes ([`Packet`]), 16,384 of them to a chunk.
//! - The parser is quick-xml 0.37: from 0.38 on, quick-xml checks the
//!   UTF-8 of every event's text again, which is half of its time here.
//! - The stages read the chunks as [`Packed`] batches: one coroutine
//!   switch per 16,384 events, and each event's strings are borrowed
//!   (`EventRef`), never copied, until `buses_to_dicts` puts them in a
//!   bus.
//! - The file's texts are as it has them. XML wants their line ends `\n`
//!   and their references (`&amp;`) replaced: this thread replaces the
//!   rare references before a batch goes out, and each text's line ends
//!   are cleaned as the stages read it, while its bytes are at hand.
//!
//! The parser thread borrows the bytes (a scoped thread: it cannot outlive
//! the call), and nothing shared between the threads is ever written, so
//! there is no lock. The coroutines stay on this thread: corosensei's
//! coroutines are not `Send`, and need not be.

use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use part1_generators::Target;
use quick_xml_037::Reader;
use quick_xml_037::escape::unescape;
use quick_xml_037::events::{BytesStart, Event as Xml};

use crate::error::{Position, XmlError, describe_coroutine};
use crate::event::{Event, EventBatch, Packed, Packet, Str};
use crate::mapped::{MappedFile, MappedText};
use crate::xml::{self, NOT_UTF8, push_normalized};

/// How many events the parser thread puts in a chunk.
pub const CHUNK: usize = 16384;

/// How many chunks may wait in the channel before the parser waits for
/// the stages.
const DEPTH: usize = 16;

/// A chunk of events, as it crosses from the parser thread.
struct Chunk {
    packets: Vec<Packet>,
    /// Events with strings of their own, which `Packet::extra` points at
    /// (plain `String`s: the `Rc` in a [`Str`] cannot cross threads).
    extra: Vec<Owned>,
}

/// A start tag with attributes.
struct Owned {
    name: String,
    attrs: Vec<(String, String)>,
}

// ANCHOR: parse
/// Parses the XML file at `path` on a thread of its own and sends its
/// events into `target` from this one, in [`Packed`] batches of up to
/// [`CHUNK`]. Returns the number of events sent.
pub fn parse(
    path: impl AsRef<Path>,
    target: &mut impl Target<Packed<MappedText>>,
) -> Result<u64, XmlError> {
    let path = path.as_ref();
    // Packets point at most this far. (Looked at before mapping, which
    // would read the whole file in.)
    let size = std::fs::metadata(path).map_or(0, |meta| meta.len());
    if size > Packet::MAX_TEXT as u64 {
        let most = (Packet::MAX_TEXT + 1) >> 20;
        return Err(XmlError::whole(
            path,
            format!("too big for the two-thread source ({most} MiB at most)"),
        ));
    }
    let file = Rc::new(MappedFile::open(path)?);
    let bytes = file.bytes();
    std::thread::scope(|scope| {
        let (chunks, arriving) = sync_channel(DEPTH);
        scope.spawn(move || tokenize(path, bytes, chunks));
        // While the parser reads its first chunk, check that the file
        // is text: no batch goes to the stages before that.
        let text = Rc::new(MappedText::check(path, Rc::clone(&file))?);
        feed(path, &text, arriving, target)
        // Returning drops `arriving`: a parser still at work finds the
        // channel closed at its next chunk and stops; the scope waits.
    })
}
// ANCHOR_END: parse

/// quick-xml 0.37 alone, for the contest: maps the file at `path` and
/// reads every event, doing nothing with them. Returns how many.
pub fn count_events(path: impl AsRef<Path>) -> Result<u64, XmlError> {
    let path = path.as_ref();
    let text = MappedText::open(path)?;
    let mut parser = Parser::new(text.as_str().as_bytes());
    let mut events = 0;
    loop {
        match parser.reader.read_event() {
            Ok(Xml::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => {
                let at = parser.reader.error_position() as usize;
                let position = Position::of(text.as_str().as_bytes(), at);
                return Err(XmlError::at(path, position, e.to_string()));
            }
        }
    }
}

/// What the parser thread sends: a full chunk, or the chunk it was
/// filling when it met an error, and the error.
type Sent = Result<Chunk, (Chunk, XmlError)>;

/// This thread's side: each chunk becomes a batch sent into `target`.
fn feed(
    path: &Path,
    text: &Rc<MappedText>,
    arriving: Receiver<Sent>,
    target: &mut impl Target<Packed<MappedText>>,
) -> Result<u64, XmlError> {
    let mut sent = 0;
    for chunk in arriving {
        let (chunk, error) = match chunk {
            Ok(chunk) => (chunk, None),
            Err((chunk, error)) => (chunk, Some(error)),
        };
        let extra = chunk.extra.into_iter().map(Owned::into_event).collect();
        let mut batch =
            Packed::from_parts(Rc::clone(text), chunk.packets, extra);
        // The texts are as the file has them: this thread replaces their
        // references (`&amp;` by `&`) now, and cleans their line ends as
        // the stages read them.
        batch.resolve_references().map_err(|(at, message)| {
            let position = Position::of(text.as_str().as_bytes(), at);
            XmlError::at(path, position, message)
        })?;
        // A bad reference before the parser's error is said first; the
        // events before an error are not sent, as in `cxml`.
        if let Some(error) = error {
            return Err(error);
        }
        sent += batch.len() as u64;
        // As in `cxml`, a stage's error has no exact place in the file.
        target
            .send(batch)
            .map_err(|e| XmlError::whole(path, describe_coroutine(&e)))?;
    }
    Ok(sent)
}

impl Owned {
    fn into_event(self) -> Event {
        let attrs = self.attrs.into_iter();
        Event::Start(
            Str::from(self.name),
            attrs.map(|(k, v)| (Str::from(k), Str::from(v))).collect(),
        )
    }
}

/// The parser thread: reads `text` and sends its events in chunks, to
/// the end or to an error (sent with the chunk it was filling, so that
/// the other side can look there for an earlier one). Stops early,
/// quietly, if the other side hangs up.
fn tokenize(path: &Path, text: &[u8], chunks: SyncSender<Sent>) {
    let mut chunk = new_chunk();
    let mut parser = Parser::new(text);
    loop {
        match parser.next(&mut chunk) {
            Ok(more) => {
                if chunk.packets.len() >= CHUNK || !more {
                    let full = std::mem::replace(&mut chunk, new_chunk());
                    if chunks.send(Ok(full)).is_err() || !more {
                        return;
                    }
                }
            }
            Err((at, message)) => {
                let position = Position::of(text, at);
                let error = XmlError::at(path, position, message);
                let _ = chunks.send(Err((chunk, error)));
                return;
            }
        }
    }
}

fn new_chunk() -> Chunk {
    Chunk {
        packets: Vec::with_capacity(CHUNK),
        extra: Vec::new(),
    }
}

/// quick-xml and the checks it leaves to us (as `xml::Nesting` makes
/// them for the other sources).
struct Parser<'t> {
    /// The file's bytes (checked to be UTF-8 on the other thread).
    text: &'t [u8],
    reader: Reader<&'t [u8]>,
    /// Where the name of each open element is in the text (no copies:
    /// the text stays put, and quick-xml keeps its own for `</b>`).
    open: Vec<std::ops::Range<usize>>,
    /// Whether the root element has been seen.
    rooted: bool,
}

impl<'t> Parser<'t> {
    fn new(text: &'t [u8]) -> Parser<'t> {
        let mut reader = Reader::from_reader(text);
        let config = reader.config_mut();
        // `<a/>` comes as one event, which we send as a start and an
        // end (quick-xml's own expansion makes an end whose name is not
        // in the text, so it could not be a range of it).
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Parser {
            text,
            reader,
            open: Vec::new(),
            rooted: false,
        }
    }

    /// Where `piece`, a slice of the text, lies in it.
    fn range(&self, piece: &[u8]) -> std::ops::Range<usize> {
        let start =
            (piece.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        start..start + piece.len()
    }

    /// `piece` as a `&str` of the text (a name, an attribute: the few
    /// pieces this thread reads as text). If it is not UTF-8, the other
    /// thread's check of the whole file says so first.
    fn view(&self, piece: &[u8]) -> Result<&'t str, String> {
        let piece = self.text.get(self.range(piece)).unwrap_or_default();
        std::str::from_utf8(piece).map_err(|_| NOT_UTF8.into())
    }

    // ANCHOR: next
    /// Reads one event into `chunk`. Returns whether there are more, or
    /// the byte where the error is and what it is.
    fn next(&mut self, chunk: &mut Chunk) -> Result<bool, (usize, String)> {
        let at = self.reader.buffer_position() as usize;
        let fail = |message: String| (at, message);
        let event = self.reader.read_event().map_err(|e| {
            (self.reader.error_position() as usize, e.to_string())
        })?;
        match event {
            Xml::Start(start) => self.start(&start, chunk).map_err(fail)?,
            Xml::Empty(start) => {
                self.start(&start, chunk).map_err(fail)?;
                let name = self.open.pop().unwrap_or_default();
                chunk.packets.push(Packet::end(name));
            }
            Xml::End(end) => {
                // quick-xml has checked that it closes the innermost.
                self.open.pop();
                let name = self.range(end.name().into_inner());
                chunk.packets.push(Packet::end(name));
            }
            // Texts go as they stand in the file: their line ends and
            // references are resolved on the stages' side (see `feed`).
            Xml::Text(text) if !self.open.is_empty() => {
                chunk.packets.push(Packet::text(self.range(&text)));
            }
            Xml::CData(text) if !self.open.is_empty() => {
                chunk.packets.push(Packet::cdata(self.range(&text)));
            }
            Xml::Text(text) => {
                let text = self.view(&text).map_err(fail)?;
                xml::outside(self.rooted, text).map_err(fail)?;
            }
            Xml::CData(_) => {
                return Err(fail("text outside the root element".into()));
            }
            Xml::Eof => {
                let open = self.open.last().map(|name| {
                    String::from_utf8_lossy(&self.text[name.clone()])
                });
                xml::finish(self.rooted, open.as_deref()).map_err(fail)?;
                return Ok(false);
            }
            // Comments, processing instructions, the declaration.
            _ => {}
        }
        Ok(true)
    }
    // ANCHOR_END: next

    /// An element starts.
    fn start(
        &mut self,
        start: &BytesStart<'_>,
        chunk: &mut Chunk,
    ) -> Result<(), String> {
        let name = self.range(start.name().into_inner());
        if self.open.is_empty() {
            let root = self.view(start.name().into_inner())?;
            xml::root(&mut self.rooted, root)?;
        }
        self.open.push(name.clone());
        if start.attributes_raw().is_empty() {
            chunk.packets.push(Packet::start(name));
        } else {
            let attrs = self.attributes(start)?;
            let at = name.start;
            let name = self.view(start.name().into_inner())?.to_owned();
            chunk.packets.push(Packet::extra(at, chunk.extra.len()));
            chunk.extra.push(Owned { name, attrs });
        }
        Ok(())
    }

    /// The attributes of a start tag: line ends and tabs in a value
    /// become spaces (XML's attribute-value normalization), then entities
    /// are resolved, as the other sources do.
    fn attributes(
        &self,
        start: &BytesStart<'_>,
    ) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            let key = self.view(attr.key.as_ref())?.to_owned();
            let mut raw = String::new();
            push_normalized(&mut raw, self.view(&attr.value)?);
            let raw = raw.replace(['\n', '\t'], " ");
            let value = unescape(&raw).map_err(|e| e.to_string())?;
            out.push((key, value.into_owned()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use part1_generators::CoroutineError;

    use super::*;

    struct Ignore;
    impl Target<Packed<MappedText>> for Ignore {
        fn send(
            &mut self,
            _: Packed<MappedText>,
        ) -> Result<(), CoroutineError> {
            Ok(())
        }
    }

    #[test]
    fn a_file_too_big_to_pack_is_refused() {
        let path = std::env::temp_dir()
            .join(format!("part3-too-big-{}.xml", std::process::id()));
        // A sparse file: no byte of it is written or read.
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(Packet::MAX_TEXT as u64 + 1).unwrap();
        let error = parse(&path, &mut Ignore).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(error.ends_with("(512 MiB at most)"), "{error}");
    }
}
