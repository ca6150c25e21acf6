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

use quick_xml_037::escape::unescape;

use crate::xml::push_normalized;

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
    /// Its event number `i` (`i < len()`). It takes `&mut self` because
    /// a batch may write a text out, cleaned, into a buffer of its own as
    /// it is read (see [`Packed`]).
    fn event(&mut self, i: usize) -> EventRef<'_>;
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
    fn event(&mut self, _: usize) -> EventRef<'_> {
        self.as_ref()
    }
}

impl EventBatch for Batch {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn event(&mut self, i: usize) -> EventRef<'_> {
        self[i].as_ref()
    }
}

// ANCHOR: packed
/// Events packed as small records that point into one shared text: the
/// cheapest batch to build, send and read. Each event is a kind and a
/// range of `text`. A text is read as XML says it is, with its line ends
/// `\n`: most texts need nothing, and the rest are cleaned as they are
/// read (see [`EventBatch::event`] below). A text whose references had to
/// be replaced is kept, rewritten, in `spilled` (see
/// [`Packed::resolve_references`]); a start tag with attributes is kept
/// whole in `extra`. Every event, these too, knows where it starts in the
/// text, so the events stay in the text's order.
pub struct Packed<T> {
    text: Rc<T>,
    events: Vec<Packet>,
    /// Texts with their references replaced.
    spilled: Vec<String>,
    /// The text last read, if it had to be cleaned.
    cleaned: String,
    extra: Vec<Event>,
}

/// One packed event: 8 bytes, no allocation. Where it starts is a `u32`
/// and its length has 29 bits, so a packed text is at most
/// [`Packet::MAX_TEXT`] bytes; a range past that reads as empty text.
#[derive(Clone, Copy, Debug)]
pub struct Packet {
    /// Where the event starts in the text.
    start: u32,
    /// The length (or, for the last two kinds, an index), shifted left 3
    /// bits, and the kind in those 3 bits.
    tail: u32,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Start,
    Text,
    CData,
    End,
    /// A text that is `spilled[index]`.
    Spilled,
    /// The event is `extra[index]`.
    Extra,
}
// ANCHOR_END: packed

impl Packet {
    /// The longest text a batch can point into: 512 MiB less a byte.
    pub const MAX_TEXT: usize = (1 << 29) - 1;

    /// A start tag whose name is `text[range]` and which has no attributes.
    pub fn start(range: Range<usize>) -> Packet {
        Packet::new(Kind::Start, range)
    }
    /// A piece of text that is `text[range]`, as the file has it (see
    /// [`Packed::resolve_references`]; its line ends are cleaned as it is
    /// read).
    pub fn text(range: Range<usize>) -> Packet {
        Packet::new(Kind::Text, range)
    }
    /// A CDATA section whose content is `text[range]`.
    pub fn cdata(range: Range<usize>) -> Packet {
        Packet::new(Kind::CData, range)
    }
    /// An end tag whose name is `text[range]`.
    pub fn end(range: Range<usize>) -> Packet {
        Packet::new(Kind::End, range)
    }
    /// The event number `i` of the batch's own events (see
    /// [`Packed::from_parts`]), which stands at byte `at` of the text.
    pub fn extra(at: usize, i: usize) -> Packet {
        Packet::indexed(Kind::Extra, at, i)
    }
    fn new(kind: Kind, range: Range<usize>) -> Packet {
        let (start, len) = if range.end <= Packet::MAX_TEXT {
            (range.start, range.end.saturating_sub(range.start))
        } else {
            (u32::MAX as usize, 0) // past the end of any text: empty
        };
        Packet {
            start: start as u32,
            tail: (len as u32) << 3 | kind as u32,
        }
    }
    /// An event that stands at byte `at` and is number `i` of a list of
    /// the batch's own. (Past 2^29, `i` points past any such list.)
    fn indexed(kind: Kind, at: usize, i: usize) -> Packet {
        Packet {
            start: u32::try_from(at).unwrap_or(u32::MAX),
            tail: (i.min(Packet::MAX_TEXT) as u32) << 3 | kind as u32,
        }
    }
    /// Whether the event is a range of the text (not spilled or extra).
    fn in_text(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Start | Kind::Text | Kind::CData | Kind::End
        )
    }
    fn kind(&self) -> Kind {
        match self.tail & 7 {
            0 => Kind::Start,
            1 => Kind::Text,
            2 => Kind::CData,
            3 => Kind::End,
            4 => Kind::Spilled,
            _ => Kind::Extra,
        }
    }
    fn range(&self) -> Range<usize> {
        let start = self.start as usize;
        start..start + self.index()
    }
    fn index(&self) -> usize {
        (self.tail >> 3) as usize
    }
}

impl<T: AsRef<str>> Packed<T> {
    /// An empty batch of events in `text`, with room for `capacity`.
    pub fn with_capacity(text: Rc<T>, capacity: usize) -> Packed<T> {
        Packed::from_parts(text, Vec::with_capacity(capacity), Vec::new())
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
            spilled: Vec::new(),
            cleaned: String::new(),
            extra,
        }
    }

    // ANCHOR: references
    /// Replaces the references (`&amp;` by `&`, `&#52;` by `4`) in the
    /// batch's texts, CDATA excepted, before anything reads them, so that
    /// a bad one is an error and not a wrong text: the byte where its text
    /// starts, and what is wrong.
    ///
    /// An `&` is rare: one pass of memchr over the stretch of the text the
    /// batch covers finds them all, and a binary search (the events are
    /// in the text's order) finds the event each one is in.
    pub fn resolve_references(&mut self) -> Result<(), (usize, String)> {
        let text = (*self.text).as_ref();
        let (Some(first), Some(last)) =
            (self.events.first(), self.events.last())
        else {
            return Ok(());
        };
        let start = first.start as usize;
        let end = if last.in_text() {
            last.range().end
        } else {
            last.start as usize
        };
        let Some(part) = text.as_bytes().get(start..end) else {
            return Ok(());
        };
        for amp in memchr::memchr_iter(b'&', part) {
            let amp = start + amp;
            // The last event that starts at the `&` or before.
            let before =
                self.events.partition_point(|p| p.start as usize <= amp);
            let Some(packet) =
                before.checked_sub(1).map(|i| &mut self.events[i])
            else {
                continue;
            };
            let range = packet.range();
            // Not in a text: in a tag, a CDATA section, a comment.
            if !matches!(packet.kind(), Kind::Text) || range.end <= amp {
                continue;
            }
            // (A range that is not of the text reads as "": leave it.)
            let Some(piece) = text.get(range.clone()) else {
                continue;
            };
            // Line ends first: `&#13;` is a CR that stays one.
            let mut raw = String::new();
            push_normalized(&mut raw, piece);
            let resolved =
                unescape(&raw).map_err(|e| (range.start, e.to_string()))?;
            let i = self.spilled.len();
            self.spilled.push(resolved.into_owned());
            *packet = Packet::indexed(Kind::Spilled, range.start, i);
        }
        Ok(())
    }
    // ANCHOR_END: references

    /// Adds an event that lies in the text. A range that does not (it
    /// ends past the text, or cuts a character in two) reads as empty
    /// text.
    pub fn push(&mut self, packet: Packet) {
        self.events.push(packet);
    }

    /// Adds an event that carries strings of its own.
    pub fn push_event(&mut self, at: usize, event: Event) {
        self.events.push(Packet::extra(at, self.extra.len()));
        self.extra.push(event);
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
            spilled: std::mem::take(&mut self.spilled),
            cleaned: String::new(),
            extra: std::mem::take(&mut self.extra),
        }
    }
}

/// Whether `bytes` holds a CR.
///
/// Texts are short (most are a line end and some indent), too short for
/// memchr to pay for its call. This looks at eight bytes at once instead:
/// a byte of `word ^ CRS` is zero where `word` has a CR, and the
/// well-known trick `(x - 0x01..) & !x & 0x80..` is non-zero exactly when
/// some byte of `x` is zero.
fn has_cr(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const CRS: u64 = u64::from_ne_bytes([b'\r'; 8]);
    let marked = |word: u64| {
        let x = word ^ CRS;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    let word =
        |eight: &[u8]| u64::from_ne_bytes(eight.try_into().unwrap_or([0; 8]));
    let words = bytes.chunks_exact(8);
    if bytes.len() < 8 {
        return words.remainder().contains(&b'\r');
    }
    // Whole words, then the last eight bytes again, to cover the rest.
    words.clone().any(|eight| marked(word(eight)))
        || marked(word(&bytes[bytes.len() - 8..]))
}

impl<T: AsRef<str> + 'static> EventBatch for Packed<T> {
    fn len(&self) -> usize {
        self.events.len()
    }
    #[inline(always)]
    fn event(&mut self, i: usize) -> EventRef<'_> {
        let p = self.events[i];
        let in_text = (*self.text).as_ref().get(p.range()).unwrap_or("");
        match p.kind() {
            Kind::Start => EventRef::Start(in_text, &[]),
            Kind::Text | Kind::CData => {
                EventRef::Text(clean(in_text, &mut self.cleaned))
            }
            Kind::End => EventRef::End(in_text),
            Kind::Spilled => match self.spilled.get(p.index()) {
                Some(text) => EventRef::Text(text),
                None => EventRef::Text(""),
            },
            Kind::Extra => match self.extra.get(p.index()) {
                Some(event) => event.as_ref(),
                None => EventRef::Text(""),
            },
        }
    }
}

// ANCHOR: clean
/// `text` with its line ends made `\n`, as XML wants it read. The blank
/// between two tags of a Windows file (CR LF, then some indent) is the
/// same text a byte later; another text with a CR is written, cleaned,
/// into `cleaned`.
#[inline(always)]
fn clean<'a>(text: &'a str, cleaned: &'a mut String) -> &'a str {
    let (after, rest) = match text.as_bytes() {
        [b'\r', b'\n', rest @ ..] => (&text[1..], rest),
        all => (text, all),
    };
    if !has_cr(rest) {
        return after;
    }
    cleaned.clear();
    push_normalized(cleaned, text);
    cleaned
}
// ANCHOR_END: clean

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
    #[inline(always)]
    #[allow(clippy::should_implement_trait)] // it lends: see above
    pub fn next(&mut self) -> Option<EventRef<'_>> {
        if self.batch.as_ref().is_none_or(|b| self.next >= b.len()) {
            self.wait()?;
        }
        let batch = self.batch.as_mut()?;
        self.next += 1;
        Some(batch.event(self.next - 1))
    }

    /// Waits for a batch with events in it, or `None` once closed. Kept
    /// out of `next`, so that `next`, which runs for every event, is
    /// small enough for the compiler to put in the stage's loop.
    #[cold]
    #[inline(never)]
    fn wait(&mut self) -> Option<()> {
        loop {
            let batch = self.inbox.recv()?;
            if !batch.is_empty() {
                self.batch = Some(batch);
                self.next = 0;
                return Some(());
            }
        }
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
    fn unpack<T: AsRef<str> + 'static>(batch: &mut Packed<T>) -> Vec<String> {
        (0..batch.len())
            .map(|i| batch.event(i).to_event().to_string())
            .collect()
    }

    #[test]
    fn packed_events_are_ranges_of_the_text() {
        let text = Rc::new(String::from("<a>x &amp; y</a>"));
        let mut batch = Packed::with_capacity(Rc::clone(&text), 4);
        batch.push(Packet::start(1..2));
        batch.push_event(3, Event::Text(Str::from("x & y")));
        batch.push(Packet::end(14..15));
        batch.push(Packet::text(15..99)); // not in the text: reads as ""
        let far = Packet::MAX_TEXT;
        batch.push(Packet::text(far..far + 2)); // too far to pack: the same
        let mut taken = batch.take();
        assert!(batch.is_empty());
        assert_eq!(
            unpack(&mut taken),
            [
                "('start', ('a', {}))",
                "('text', 'x & y')",
                "('end', 'a')",
                "('text', '')",
                "('text', '')"
            ]
        );
    }

    #[test]
    fn texts_in_a_packed_batch_read_as_xml_says() {
        let text = "<a>x\r\ny\r</a>\r\n<b>\r\r\n</b>a &amp; b &lt; c\r\n";
        let text = format!("{text}<c/><!--&--><![CDATA[&amp;\r\n]]>\r\n  ");
        let packets = vec![
            Packet::start(1..2),
            Packet::text(3..8), // x CR LF y CR
            Packet::end(10..11),
            Packet::extra(11, 0),
            Packet::text(12..14), // CR LF: starts a byte later
            Packet::start(15..16),
            Packet::text(17..20), // CR CR LF
            Packet::end(22..23),
            Packet::text(24..42),  // two references, CR LF
            Packet::cdata(63..70), // &amp; CR LF, not a reference
            Packet::text(73..77),  // CR LF and blanks
        ];
        let extra = vec![Event::Text(Str::from("kept\r"))];
        let mut batch = Packed::from_parts(Rc::new(text), packets, extra);
        batch.resolve_references().unwrap();
        assert_eq!(
            unpack(&mut batch),
            [
                "('start', ('a', {}))",
                r"('text', 'x\ny\n')",
                "('end', 'a')",
                r"('text', 'kept\r')",
                r"('text', '\n')",
                "('start', ('b', {}))",
                r"('text', '\n\n')",
                "('end', 'b')",
                r"('text', 'a & b < c\n')",
                r"('text', '&amp;\n')",
                r"('text', '\n  ')",
            ]
        );
    }

    #[test]
    fn crs_are_found_at_every_place() {
        for len in 0..20 {
            for at in 0..len {
                let mut bytes = vec![b' '; len];
                bytes[at] = b'\r';
                assert!(has_cr(&bytes), "{len} {at}");
                bytes[at] = b'\r' ^ 0x80;
                assert!(!has_cr(&bytes), "{len} {at}: not a CR");
            }
            assert!(!has_cr(&vec![b'\n'; len]), "{len}: no CR");
        }
    }

    #[test]
    fn references_are_found_before_a_last_extra_event() {
        let text = Rc::new(String::from("<a>&lt;</a><b c='1'/>"));
        let packets = vec![
            Packet::start(1..2),
            Packet::text(3..7),
            Packet::end(9..10),
            Packet::extra(12, 0),
        ];
        let extra = vec![Event::Text(Str::from("b"))];
        let mut batch = Packed::from_parts(text, packets, extra);
        batch.resolve_references().unwrap();
        assert_eq!(unpack(&mut batch)[1], "('text', '<')");
    }

    #[test]
    fn a_range_out_of_the_text_is_left_alone() {
        let text = Rc::new(String::from("<a>x &amp; y</a>"));
        let packets = vec![
            Packet::start(1..2),
            Packet::text(3..40),
            Packet::end(14..15),
        ];
        let mut batch = Packed::from_parts(text, packets, Vec::new());
        batch.resolve_references().unwrap();
        assert_eq!(unpack(&mut batch)[1], "('text', '')");
    }

    #[test]
    fn an_unknown_reference_is_placed() {
        let text = Rc::new(String::from("<a>x\r\n&bogus;</a>"));
        let packets = vec![Packet::start(1..2), Packet::text(3..13)];
        let mut batch = Packed::from_parts(text, packets, Vec::new());
        let (at, message) = batch.resolve_references().unwrap_err();
        assert_eq!(at, 3, "where the text starts");
        assert!(message.contains("bogus"), "{message}");
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
