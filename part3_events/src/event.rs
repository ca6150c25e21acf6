//! Parsing events: what an event source sends into a coroutine.
//!
//! The course's sources all send the same three kinds of tuple, and so do
//! ours:
//!
//! | Python                         | Rust                          |
//! |--------------------------------|-------------------------------|
//! | `("start", (name, attrs))`     | [`Event::Start`]`(name, attrs)` |
//! | `("text", text)`               | [`Event::Text`]`(text)`       |
//! | `("end", name)`                | [`Event::End`]`(name)`        |
//!
//! A consumer coroutine owns what it receives (corosensei needs the values
//! sent into a coroutine to be `'static`), so an event cannot borrow the
//! parser's buffer. Its strings are [`Str`]s instead: a reference-counted
//! buffer and a range in it. A source that copies each string makes a
//! small buffer per string; the fastest source (`cxml`) shares one buffer,
//! the whole document, among all its events and copies nothing.

use std::fmt;
use std::ops::{Deref, Range};
use std::rc::Rc;

use part1_generators::Inbox;

/// A string that can be sent into a coroutine without copying: a shared
/// buffer and the range of it that this string is.
///
/// It dereferences to `&str`, so `name == "bus"` and `text.trim()` work as
/// on any string. Cloning it copies no text.
// ANCHOR: str
#[derive(Clone)]
pub struct Str {
    buf: Rc<str>,
    range: Range<usize>,
}
// ANCHOR_END: str

impl Str {
    /// The part `piece` of the shared buffer `buf`, without copying it.
    ///
    /// `piece` must lie inside `buf` (a slice of it); if it does not, it is
    /// copied into a buffer of its own, so the result is always `piece`.
    pub fn within(buf: &Rc<str>, piece: &str) -> Str {
        let start =
            (piece.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
        let end = start.wrapping_add(piece.len());
        if start <= buf.len() && end <= buf.len() {
            Str {
                buf: Rc::clone(buf),
                range: start..end,
            }
        } else {
            Str::from(piece)
        }
    }

    /// The string, as a plain `&str`.
    pub fn as_str(&self) -> &str {
        &self.buf[self.range.clone()]
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    /// A string with a buffer of its own (one allocation, one copy).
    fn from(s: &str) -> Str {
        Str {
            buf: Rc::from(s),
            range: 0..s.len(),
        }
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::from(s.as_str())
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The attributes of a start tag, in document order: `(name, value)`.
/// Empty for every element of the bus data (an empty `Vec` allocates
/// nothing).
pub type Attrs = Vec<(Str, Str)>;

/// One parsing event, as the course's sources send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An element starts: its name and attributes. Python:
    /// `("start", (name, attrs))`.
    Start(Str, Attrs),
    /// Character data: text between tags (with entities resolved and line
    /// ends made `\n`), or the contents of a CDATA section. A source may
    /// send one element's text in several pieces. Python: `("text", text)`.
    Text(Str),
    /// An element ends. Python: `("end", name)`.
    End(Str),
}

/// A batch of events, sent in one `send`: the fast source sends its
/// events this way, to pay for one coroutine switch per batch instead of
/// one per event.
pub type Batch = Vec<Event>;

/// An event as a stage reads it: its strings borrowed from what carried
/// it (one [`Event`], a [`Batch`], or a [`Packed`] batch), so that reading
/// it copies nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventRef<'a> {
    /// An element starts: its name and attributes.
    Start(&'a str, &'a [(Str, Str)]),
    /// A piece of an element's text.
    Text(&'a str),
    /// An element ends.
    End(&'a str),
}

impl EventRef<'_> {
    /// The same event with strings of its own.
    pub fn to_event(self) -> Event {
        match self {
            EventRef::Start(name, attrs) => {
                Event::Start(Str::from(name), attrs.to_vec())
            }
            EventRef::Text(text) => Event::Text(Str::from(text)),
            EventRef::End(name) => Event::End(Str::from(name)),
        }
    }
}

/// Anything a source sends that holds events, one or many: what a stage
/// that reads with [`Events`] accepts.
pub trait EventBatch: 'static {
    /// How many events it holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Its event number `i` (`i < len()`).
    fn event(&self, i: usize) -> EventRef<'_>;
}

impl Event {
    /// The event, borrowed.
    pub fn as_ref(&self) -> EventRef<'_> {
        match self {
            Event::Start(name, attrs) => EventRef::Start(name, attrs),
            Event::Text(text) => EventRef::Text(text),
            Event::End(name) => EventRef::End(name),
        }
    }
}

/// One event is a batch of one.
impl EventBatch for Event {
    fn len(&self) -> usize {
        1
    }
    fn event(&self, _: usize) -> EventRef<'_> {
        self.as_ref()
    }
}

impl EventBatch for Batch {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn event(&self, i: usize) -> EventRef<'_> {
        self[i].as_ref()
    }
}

// ANCHOR: packed
/// Events packed as small records that point into one shared text: the
/// cheapest batch to build, send and read. Each event is a kind and a
/// range of `text` (or of a rewritten copy of it: see
/// [`Packed::normalize_line_ends`]). An event with strings that are not
/// in the file as they stand (entity references resolved, attributes) is
/// kept whole in `extra`.
pub struct Packed<T> {
    text: Rc<T>,
    events: Vec<Packet>,
    /// The part of `text` the events are in, line ends rewritten, if it
    /// had to be (then `spilled` is true and the ranges are into it).
    spill: String,
    spilled: bool,
    extra: Vec<Event>,
}

/// One packed event: 24 bytes, no allocation.
#[derive(Clone, Copy, Debug)]
pub struct Packet {
    kind: Kind,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Start,
    Text,
    End,
    /// The event is `extra[start]`.
    Extra,
}
// ANCHOR_END: packed

impl Packet {
    /// A start tag whose name is `text[range]` and which has no attributes.
    pub fn start(range: Range<usize>) -> Packet {
        Packet::new(Kind::Start, range)
    }
    /// A piece of text that is `text[range]`.
    pub fn text(range: Range<usize>) -> Packet {
        Packet::new(Kind::Text, range)
    }
    /// An end tag whose name is `text[range]`.
    pub fn end(range: Range<usize>) -> Packet {
        Packet::new(Kind::End, range)
    }
    /// The event number `i` of the batch's own events (see
    /// [`Packed::from_parts`]).
    pub fn extra(i: usize) -> Packet {
        Packet::new(Kind::Extra, i..i)
    }
    /// Whether the event lies in the text (is not an extra).
    fn in_text(&self) -> bool {
        !matches!(self.kind, Kind::Extra)
    }
    fn new(kind: Kind, range: Range<usize>) -> Packet {
        Packet {
            kind,
            start: range.start,
            end: range.end,
        }
    }
}

impl<T: AsRef<str>> Packed<T> {
    /// An empty batch of events in `text`, with room for `capacity`.
    pub fn with_capacity(text: Rc<T>, capacity: usize) -> Packed<T> {
        Packed {
            text,
            events: Vec::with_capacity(capacity),
            spill: String::new(),
            spilled: false,
            extra: Vec::new(),
        }
    }

    /// A batch made elsewhere (say, on another thread): `events`, in
    /// `text`, with `extra` the events that carry strings of their own,
    /// which [`Packet::extra`] points at.
    pub fn from_parts(
        text: Rc<T>,
        events: Vec<Packet>,
        extra: Vec<Event>,
    ) -> Packed<T> {
        Packed {
            text,
            events,
            spill: String::new(),
            spilled: false,
            extra,
        }
    }

    // ANCHOR: normalize
    /// Makes every text in the batch read with `\n` line ends (CR LF
    /// and a lone CR become LF, as XML asks). If the part of the text the
    /// batch covers has a CR, that part is copied, rewritten, into
    /// `spill`, and every event is moved along to its new place there.
    pub fn normalize_line_ends(&mut self) {
        let text = (*self.text).as_ref();
        // Events come in the order of the text: the first starts the
        // part the batch covers, the last ends it.
        let mut in_text = self.events.iter().filter(|p| p.in_text());
        let Some(first) = in_text.next() else { return };
        let start = first.start;
        let end = in_text.next_back().map_or(first.end, |p| p.end);
        let Some(part) = text.get(start..end) else {
            return;
        };
        if memchr::memchr(b'\r', part.as_bytes()).is_none() {
            return;
        }
        // Copy, and note where each CR of a CR LF was (it goes away).
        let mut gone = Vec::new();
        let mut done = 0;
        self.spill.reserve(part.len());
        for cr in memchr::memchr_iter(b'\r', part.as_bytes()) {
            self.spill.push_str(&part[done..cr]);
            self.spill.push('\n');
            done = cr + 1;
            if part.as_bytes().get(done) == Some(&b'\n') {
                gone.push(cr);
                done += 1;
            }
        }
        self.spill.push_str(&part[done..]);
        // An offset moves back by the number of CRs gone before it.
        let mut passed = 0;
        let mut moved = |at: usize| {
            let at = at - start;
            while gone.get(passed).is_some_and(|&cr| cr < at) {
                passed += 1;
            }
            at - passed
        };
        for packet in self.events.iter_mut().filter(|p| p.in_text()) {
            packet.start = moved(packet.start);
            packet.end = moved(packet.end);
        }
        self.spilled = true;
    }
    // ANCHOR_END: normalize

    /// Adds an event that lies in the text. A range that does not (it
    /// ends past the text, or cuts a character in two) reads as empty
    /// text.
    pub fn push(&mut self, packet: Packet) {
        self.events.push(packet);
    }

    /// Adds an event that carries strings of its own.
    pub fn push_event(&mut self, event: Event) {
        let at = self.extra.len();
        self.extra.push(event);
        self.events.push(Packet::new(Kind::Extra, at..at));
    }

    /// Moves the events out into a new batch (sharing the same text) and
    /// leaves this one empty, with its capacity.
    pub fn take(&mut self) -> Packed<T> {
        let capacity = self.events.capacity();
        Packed {
            text: Rc::clone(&self.text),
            events: std::mem::replace(
                &mut self.events,
                Vec::with_capacity(capacity),
            ),
            spill: std::mem::take(&mut self.spill),
            spilled: std::mem::take(&mut self.spilled),
            extra: std::mem::take(&mut self.extra),
        }
    }
}

impl<T: AsRef<str> + 'static> EventBatch for Packed<T> {
    fn len(&self) -> usize {
        self.events.len()
    }
    #[inline]
    fn event(&self, i: usize) -> EventRef<'_> {
        let p = self.events[i];
        let text = if self.spilled {
            self.spill.as_str()
        } else {
            (*self.text).as_ref()
        };
        let s = text.get(p.start..p.end).unwrap_or("");
        match p.kind {
            Kind::Start => EventRef::Start(s, &[]),
            Kind::Text => EventRef::Text(s),
            Kind::End => EventRef::End(s),
            Kind::Extra => match self.extra.get(p.start) {
                Some(event) => event.as_ref(),
                None => EventRef::Text(""),
            },
        }
    }
}

// ANCHOR: events
/// The events a coroutine receives, one at a time, whether its source
/// sends them one by one or in batches: `while let Some(event) =
/// events.next()` reads like `event = (yield)`.
///
/// When the current batch is used up, `next` waits in the inbox for the
/// next one: it suspends the coroutine from inside a function called by
/// the coroutine's body. A Python generator cannot do that (only its own
/// frame can `yield`); a stackful coroutine can.
///
/// Each event borrows its strings from the batch it came in, so it must
/// be dropped before the next call to `next` (the compiler checks); a
/// stage copies what it keeps. That is why `Events` is not an
/// `Iterator`: an iterator's items may all be kept at once.
pub struct Events<'i, 'y, E: EventBatch> {
    inbox: &'i Inbox<'y, E>,
    batch: Option<E>,
    next: usize,
}

impl<'i, 'y, E: EventBatch> Events<'i, 'y, E> {
    /// Reads the events arriving in `inbox`.
    pub fn new(inbox: &'i Inbox<'y, E>) -> Self {
        Events {
            inbox,
            batch: None,
            next: 0,
        }
    }

    /// The next event, or `None` once the coroutine is closed.
    #[inline]
    #[allow(clippy::should_implement_trait)] // it lends: see above
    pub fn next(&mut self) -> Option<EventRef<'_>> {
        while self.batch.as_ref().is_none_or(|b| self.next >= b.len()) {
            self.batch = Some(self.inbox.recv()?);
            self.next = 0;
        }
        self.next += 1;
        Some(self.batch.as_ref()?.event(self.next - 1))
    }
}
// ANCHOR_END: events

/// Prints the event as Python prints the course's event tuples, so that
/// cosax's output can be compared with the original's:
/// `('start', ('bus', {}))`, `('text', '\n')`, `('end', 'bus')`.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Start(name, attrs) => {
                write!(f, "('start', ({}, {{", py_repr(name))?;
                for (i, (key, value)) in attrs.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}: {}", py_repr(key), py_repr(value))?;
                }
                f.write_str("}))")
            }
            Event::Text(text) => write!(f, "('text', {})", py_repr(text)),
            Event::End(name) => write!(f, "('end', {})", py_repr(name)),
        }
    }
}

/// A string as Python's `repr()` writes it: in single quotes (double
/// quotes if it holds a `'` and no `"`), with `\n`, `\t`, `\\` and other
/// control characters escaped.
///
/// ```
/// use part3_events::event::py_repr;
/// assert_eq!(py_repr("\n\t\t"), r"'\n\t\t'");
/// assert_eq!(py_repr("it's"), r#""it's""#);
/// ```
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Python escapes the control characters of Latin-1 as \xNN;
            // other unprintable characters (rare in XML) are shown as
            // \uNNNN, close to what Python does.
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{a0}').contains(&c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_str_within_a_buffer_shares_it() {
        let buf: Rc<str> = Rc::from("<id>1485</id>");
        let id = Str::within(&buf, &buf[4..8]);
        assert_eq!(id, "1485");
        assert_eq!(Rc::strong_count(&buf), 2, "shared, not copied");
        // A string from elsewhere is copied.
        let other = Str::within(&buf, "1485");
        assert_eq!(other, "1485");
        assert_eq!(Rc::strong_count(&buf), 2);
    }

    /// The events of a packed batch, as Python prints them.
    fn unpack<T: AsRef<str> + 'static>(batch: &Packed<T>) -> Vec<String> {
        (0..batch.len())
            .map(|i| batch.event(i).to_event().to_string())
            .collect()
    }

    #[test]
    fn packed_events_are_ranges_of_the_text() {
        let text = Rc::new(String::from("<a>x &amp; y</a>"));
        let mut batch = Packed::with_capacity(Rc::clone(&text), 4);
        batch.push(Packet::start(1..2));
        batch.push_event(Event::Text(Str::from("x & y")));
        batch.push(Packet::end(14..15));
        batch.push(Packet::text(15..99)); // not in the text: reads as ""
        let taken = batch.take();
        assert!(batch.is_empty());
        assert_eq!(
            unpack(&taken),
            [
                "('start', ('a', {}))",
                "('text', 'x & y')",
                "('end', 'a')",
                "('text', '')"
            ]
        );
    }

    #[test]
    fn line_ends_in_a_packed_batch_become_lf() {
        let text = Rc::new(String::from("<a>x\r\ny\r</a>\r\n<b>\r\r\n</b>"));
        let packets = vec![
            Packet::start(1..2),
            Packet::text(3..8),
            Packet::end(10..11),
            Packet::extra(0),
            Packet::text(12..14),
            Packet::start(15..16),
            Packet::text(17..20),
            Packet::end(22..23),
        ];
        let extra = vec![Event::Text(Str::from("kept\r"))];
        let mut batch = Packed::from_parts(text, packets, extra);
        batch.normalize_line_ends();
        assert_eq!(
            unpack(&batch),
            [
                "('start', ('a', {}))",
                r"('text', 'x\ny\n')",
                "('end', 'a')",
                r"('text', 'kept\r')",
                r"('text', '\n')",
                "('start', ('b', {}))",
                r"('text', '\n\n')",
                "('end', 'b')",
            ]
        );
    }

    #[test]
    fn events_print_like_python_tuples() {
        let attrs = vec![(Str::from("a"), Str::from("1"))];
        let start = Event::Start(Str::from("bus"), attrs);
        assert_eq!(start.to_string(), "('start', ('bus', {'a': '1'}))");
        let start = Event::Start(Str::from("buses"), Vec::new());
        assert_eq!(start.to_string(), "('start', ('buses', {}))");
        let text = Event::Text(Str::from("\n        \t"));
        assert_eq!(text.to_string(), r"('text', '\n        \t')");
        assert_eq!(Event::End(Str::from("id")).to_string(), "('end', 'id')");
    }

    #[test]
    fn repr_quotes_and_escapes_like_python() {
        assert_eq!(py_repr(""), "''");
        assert_eq!(py_repr("a'b\"c"), r#"'a\'b"c'"#);
        assert_eq!(py_repr("back\\slash"), r"'back\\slash'");
        assert_eq!(py_repr("\u{1}\u{7f}é"), r"'\x01\x7fé'");
    }
}
