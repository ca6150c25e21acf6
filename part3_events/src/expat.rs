//! The parser under every source of this part, where Python has expat:
//! quick-xml, reading the file in 64 KiB blocks, with the checks that
//! expat makes and quick-xml leaves to its user.
//!
//! Python's `xml.sax`, `xml.parsers.expat` and the course's C extension
//! all run expat underneath, and each does its own thing with what expat
//! finds. Here each source (`sax::parse`, coexpat's `expat_parse`,
//! cxmlparse's `parse`, iterbus's loop) pulls [`Piece`]s from a
//! [`Parser`] and does its own thing with them. The parser says what is
//! wrong with a file in one line ([`XmlError`]): quick-xml checks the
//! syntax and that `</b>` closes `<b>`; the parser adds one root element,
//! no text outside it, nothing left open at the end, known entities, and
//! the rest of what expat calls well-formed: only XML's characters (no NUL,
//! no control characters), names that are names (not `<1a>`), no `<` in
//! an attribute, white space between attributes, no `]]>` in text,
//! `<?xml ...?>` only at the start (and no `<?XML?>`).
//!
//! It reads as expat does, block by block, so memory stays flat with the
//! file's size; and it stops what it cannot hold with an error: more than
//! [`LIMIT`] bytes between two tags (an element's text that never ends, an
//! endless input), or open elements whose names come to more than 1 MiB.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use quick_xml::encoding::EncodingError;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event as Xml};
use quick_xml::{Error, Reader, XmlVersion};

use crate::error::XmlError;

/// What [`Parser::read`] found.
pub enum Piece<'a> {
    /// An element starts: its name and attributes.
    Start(&'a str, Vec<(String, String)>),
    /// Text, as it is in the file: references are replaced, line ends
    /// are not (append it with [`push_text`], which makes them `\n`).
    /// The text between two tags may come in several pieces: a CDATA
    /// section and each reference are pieces of their own.
    Text(&'a str),
    /// An element ends.
    End(&'a str),
    /// No content: a comment, a processing instruction, a declaration,
    /// blanks outside the root element.
    Other,
    /// The end of the file.
    Eof,
}

/// An XML file being read, one [`Piece`] at a time.
pub struct Parser {
    path: PathBuf,
    reader: Reader<BufReader<Checked>>,
    buf: Vec<u8>,
    /// The names of the open elements, one after the other, and where
    /// each one ends in `names`.
    names: String,
    ends: Vec<usize>,
    /// Whether the root element has started.
    rooted: bool,
    /// Whether the innermost name in `names` is of an element that has
    /// ended (it is taken off at the next read).
    ended: bool,
    /// Where the last piece starts in the file (a CDATA section's text).
    at: u64,
    /// The text of the last reference.
    scratch: String,
}

impl Parser {
    /// Opens the file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Parser, XmlError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| XmlError::read(path, e))?;
        // Python's readers and the course's C extension read 64 KiB too.
        let file = Checked {
            file,
            since: 0,
            stopped: false,
            cut: Vec::new(),
        };
        let file = BufReader::with_capacity(1 << 16, file);
        let mut reader = Reader::from_reader(file);
        // `<a/>` is a start and an end, as expat reports it.
        reader.config_mut().expand_empty_elements = true;
        reader.config_mut().check_comments = true; // no `--` inside
        Ok(Parser {
            path: path.to_owned(),
            reader,
            buf: Vec::new(),
            names: String::new(),
            ends: Vec::new(),
            rooted: false,
            ended: false,
            at: 0,
            scratch: String::new(),
        })
    }

    /// Reads the next piece of the file.
    #[inline] // into each source's loop: 5% faster
    pub fn read(&mut self) -> Result<Piece<'_>, XmlError> {
        if self.ended {
            self.ends.pop();
            self.names.truncate(self.ends.last().map_or(0, |&e| e));
            self.ended = false;
        }
        self.buf.clear();
        self.at = self.reader.buffer_position();
        let (path, at) = (&self.path, self.at);
        let event = self.reader.read_event_into(&mut self.buf);
        let file = self.reader.get_ref().get_ref();
        let event = match event {
            // Reading stopped before a character that XML does not allow:
            // the parser met the end there, and this is what to say of it.
            Ok(Xml::Eof) | Err(Error::Syntax(_)) if file.stopped => {
                let bad = self.reader.buffer_position(); // all was read
                return Err(XmlError::at(path, bad, NOT_CHAR));
            }
            Ok(event) => event,
            Err(Error::Io(_)) if file.since > LIMIT => {
                return Err(XmlError::at(path, at, TOO_LONG));
            }
            Err(Error::Io(e)) => return Err(XmlError::read(path, e)),
            Err(Error::Encoding(EncodingError::Utf8(e))) => {
                let bad = at + e.valid_up_to() as u64;
                return Err(XmlError::at(path, bad, NOT_UTF8));
            }
            Err(e) => {
                let at = self.reader.error_position();
                return Err(XmlError::at(path, at, e));
            }
        };
        let fail = |message: &str| XmlError::at(path, at, message);
        let outside = self.ends.is_empty();
        // Looked for without stopping early, which the compiler vectorizes:
        // faster than `contains` on the short texts between two tags.
        let has_gt = |t: &str| t.bytes().fold(false, |a, b| a | (b == b'>'));
        Ok(match event {
            Xml::Start(start) => {
                let name = start.name().0;
                if outside && self.rooted {
                    return Err(fail(&format!(
                        "a second root element <{name}> (a document has one)"
                    )));
                }
                if !is_name(name) {
                    return Err(XmlError::at(path, at + 1, "not a valid name"));
                }
                if self.names.len() > 1 << 20 {
                    return Err(fail("nested too deep (names of over 1 MiB)"));
                }
                self.rooted = true;
                let attrs = match start.attributes_raw() {
                    "" => Vec::new(), // the usual case, made cheap
                    _ => attributes(&start).map_err(|m| fail(&m))?,
                };
                self.reader.get_mut().get_mut().since = 0;
                let from = self.names.len();
                self.names.push_str(name);
                self.ends.push(self.names.len());
                Piece::Start(&self.names[from..], attrs)
            }
            // quick-xml has checked that it is the innermost element's.
            Xml::End(_) => {
                self.reader.get_mut().get_mut().since = 0;
                self.ended = true;
                Piece::End(innermost(&self.names, &self.ends))
            }
            Xml::Text(text) if outside => {
                if !text.trim_ascii().is_empty() {
                    return Err(fail(if self.rooted {
                        "text after the root element has ended"
                    } else {
                        "text before the root element (is this an XML file?)"
                    }));
                }
                Piece::Other
            }
            Xml::CData(_) | Xml::GeneralRef(_) if outside => {
                return Err(fail("text outside the root element"));
            }
            Xml::Text(t) if has_gt(&t) && t.contains("]]>") => {
                return Err(fail("`]]>` in text (it ends a CDATA section)"));
            }
            Xml::Text(text) => {
                Piece::Text(keep(text.into_inner(), &mut self.scratch))
            }
            Xml::CData(text) => {
                self.at += "<![CDATA[".len() as u64;
                Piece::Text(keep(text.into_inner(), &mut self.scratch))
            }
            Xml::GeneralRef(reference) => {
                self.scratch = resolve(&reference).map_err(|m| fail(&m))?;
                Piece::Text(&self.scratch)
            }
            Xml::Eof if !outside => {
                return Err(fail(&format!(
                    "the file ends inside <{}>, which is not closed \
                     (is the file cut short?)",
                    innermost(&self.names, &self.ends)
                )));
            }
            Xml::Eof if !self.rooted => {
                return Err(fail("no element at all (is this an XML file?)"));
            }
            Xml::Eof => Piece::Eof,
            Xml::Decl(_) if at > 0 => {
                return Err(fail("<?xml ...?> not at the start of the file"));
            }
            Xml::PI(pi) if pi.target().eq_ignore_ascii_case("xml") => {
                let reserved =
                    format!("<?{} ...?>: a reserved name", pi.target());
                return Err(fail(&reserved));
            }
            _ => Piece::Other,
        })
    }

    /// An error at the piece last read: a stage that refused it, say.
    pub fn error(&self, message: impl std::fmt::Display) -> XmlError {
        XmlError::at(&self.path, self.at, message)
    }

    /// Where the piece last read starts in the file, in bytes.
    pub fn offset(&self) -> u64 {
        self.at
    }
}

/// `text`, borrowed: from the parser's buffer, or kept in `scratch`.
fn keep<'a>(text: Cow<'a, str>, scratch: &'a mut String) -> &'a str {
    match text {
        Cow::Borrowed(text) => text,
        Cow::Owned(text) => {
            *scratch = text;
            scratch
        }
    }
}

/// The innermost of the open element `names` that end at `ends`.
fn innermost<'a>(names: &'a str, ends: &[usize]) -> &'a str {
    let n = ends.len();
    &names[if n < 2 { 0 } else { ends[n - 2] }..]
}

/// What is said of a file that is not UTF-8 text.
const NOT_UTF8: &str = "this is not UTF-8 text (is it an XML file?)";

/// Expat's words for a character that XML does not allow.
const NOT_CHAR: &str = "not well-formed (invalid token)";

/// What is said of more than [`LIMIT`] bytes between two tags.
const TOO_LONG: &str = "more than 10 MB without a tag (is the input endless?)";

/// The most the parser reads between two tags, as libxml2: the longest
/// text, tag or comment it takes is 10 MB. More is an error, not memory
/// that grows for as long as an endless input lasts.
pub const LIMIT: u64 = 10_000_000;

/// The file under the parser, checked as it is read: reading stops
/// before a character that XML does not allow (the parser meets the end
/// of the file there), or once more than [`LIMIT`] bytes have come since
/// the parser last met a tag (an error).
struct Checked {
    file: File,
    /// Bytes read since the last tag.
    since: u64,
    /// Whether reading has stopped before a character.
    stopped: bool,
    /// The first bytes of a character that the last read cut off.
    cut: Vec<u8>,
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since > LIMIT {
            return Err(io::ErrorKind::InvalidData.into());
        }
        // The start of a U+FFFE or U+FFFF that the last read cut off
        // comes first, so that the character is checked whole.
        let mut n = self.cut.len().min(buf.len());
        buf[..n].copy_from_slice(&self.cut[..n]);
        self.cut.drain(..n);
        let end = loop {
            let got = match self.stopped {
                true => 0,
                false => self.file.read(&mut buf[n..])?,
            };
            n += got;
            let cut = match &buf[..n] {
                _ if got == 0 => 0, // the end: nothing more to wait for
                [.., 0xEF] => 1,
                [.., 0xEF, 0xBF] => 2,
                _ => 0,
            };
            if n > cut || got == 0 {
                self.cut.extend_from_slice(&buf[n - cut..n]);
                break n - cut;
            }
        };
        let good = not_char(&buf[..end]).unwrap_or(end);
        self.stopped |= good < end;
        self.since += good as u64;
        Ok(good)
    }
}

/// Where the first character of `block` that XML 1.0 does not allow
/// starts: a control character other than tab, LF and CR; U+FFFE or
/// U+FFFF (bytes EF BF BE, EF BF BF).
fn not_char(block: &[u8]) -> Option<usize> {
    let suspect = |b: u8| b < 32 && !matches!(b, 9 | 10 | 13) || b == 0xEF;
    // 128 bytes at a time, with no early exit, which the compiler makes a
    // few vector instructions; a chunk with a suspect is looked at closely.
    let any = |chunk: &[u8]| chunk.iter().fold(false, |a, &b| a | suspect(b));
    let chunks = block.chunks(128).enumerate().filter(|(_, c)| any(c));
    let mut suspects = chunks.flat_map(|(i, c)| i * 128..i * 128 + c.len());
    suspects.find(|&k| match block[k..] {
        [0xEF, 0xBF, 0xBE | 0xBF, ..] => true,
        [b, ..] => b != 0xEF && suspect(b),
        [] => false,
    })
}

/// Whether `name` is an XML name: a letter, `_` or `:`, then letters,
/// digits, `-`, `.`, `_`, `:` (Python: expat's tables of letters; here
/// Rust's, and any character beyond ASCII after the first).
fn is_name(name: &str) -> bool {
    let first = |c: char| c.is_alphabetic() || c == '_' || c == ':';
    // Lower case first: the usual case decides fastest.
    let inner = |b: u8| {
        b.is_ascii_lowercase()
            || matches!(b, b'-' | b'.' | b'0'..=b':' | b'A'..=b'Z' | b'_' | 0x80..)
    };
    name.starts_with(first) && name.bytes().all(inner)
}

/// Appends `text` to `out` with its line ends made `\n`, as XML asks
/// (CR LF and a lone CR both become LF).
pub fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    // (A plain loop: the texts are short, too short for `find`.)
    while let Some(k) = rest.bytes().position(|b| b == b'\r') {
        out.push_str(&rest[..k]);
        out.push('\n');
        rest = &rest[k + 1..];
        if rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
}

/// The text an entity or character reference stands for: `&amp;` is
/// `&`, `&#65;` is `A`. Only XML's five predefined entities are known
/// (there is no DTD support).
fn resolve(reference: &BytesRef<'_>) -> Result<String, String> {
    match reference.resolve_char_ref() {
        // Expat's words for `&#0;` or `&#1;`: no character XML allows.
        Ok(Some(c)) if not_char(c.to_string().as_bytes()).is_some() => {
            Err("reference to invalid character number".into())
        }
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => match resolve_predefined_entity(reference) {
            Some(text) => Ok(text.to_owned()),
            None => Err(format!("unknown entity &{};", &**reference)),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// The attributes of a start tag, with references replaced.
fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let (key, raw) = (attr.key.0, &attr.value);
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        let bad = raw.contains('<') || not_char(value.as_bytes()).is_some();
        if bad || !is_name(key) {
            return Err(format!("attribute {key}: bad name, `<` or character"));
        }
        attrs.push((attr.key.0.to_owned(), value.into_owned()));
    }
    if run_together(start.attributes_raw()) {
        return Err(
            "attributes run together (white space must part them)".into()
        );
    }
    Ok(attrs)
}

/// Whether an attribute follows a quoted value with no white space
/// between (`x="1"y="2"`): expat rejects it, quick-xml does not.
fn run_together(raw: &str) -> bool {
    let mut quote = None; // the quote of the value being read, if any
    raw.as_bytes()
        .windows(2)
        .any(|pair| match (quote, pair[0]) {
            (None, q @ (b'"' | b'\'')) => {
                quote = Some(q);
                false
            }
            (Some(q), b) if b == q => {
                quote = None;
                !pair[1].is_ascii_whitespace() && pair[1] != b'/'
            }
            _ => false,
        })
}
