//! What the lessons take from Python's `xml.sax`: a [`ContentHandler`]
//! and [`parse`], which reads a file and calls the handler as it goes.
//!
//! quick-xml is a *pull* parser (the program asks for the next piece),
//! so [`parse`] is a small loop that pulls pieces from the [`Parser`]
//! and calls the handler, the way Python's SAX reader calls expat and
//! expat calls the handler.
//!
//! Like Python's, it hands text over in pieces: each line end on its
//! own, the text between line ends, each reference, each CDATA section;
//! and a text that straddles two of the blocks Python's reader feeds to
//! expat comes in two pieces. So the lessons print, on the course's
//! file, the very lines Python prints.

use std::path::Path;

use part1_generators::Exception;

use crate::error::{XmlError, describe};
use crate::expat::{Parser, Piece};

/// What a SAX parser calls as it reads (Python:
/// `xml.sax.ContentHandler`). Each method does nothing unless a handler
/// says otherwise; an error stops the parse.
// ANCHOR: handler
pub trait ContentHandler {
    /// An element starts.
    fn start_element(
        &mut self,
        name: &str,
        attrs: Vec<(String, String)>,
    ) -> Result<(), Exception> {
        let _ = (name, attrs);
        Ok(())
    }

    /// An element ends.
    fn end_element(&mut self, name: &str) -> Result<(), Exception> {
        let _ = name;
        Ok(())
    }

    /// A piece of text.
    fn characters(&mut self, text: &str) -> Result<(), Exception> {
        let _ = text;
        Ok(())
    }
}
// ANCHOR_END: handler

/// Parses the XML file at `path`, calling `handler` as it goes (Python:
/// `xml.sax.parse(path, handler)`).
pub fn parse(
    path: impl AsRef<Path>,
    handler: &mut impl ContentHandler,
) -> Result<(), XmlError> {
    let mut parser = Parser::open(path)?;
    let mut text = String::new();
    loop {
        let called = match parser.read()? {
            Piece::Start(name, attrs) => handler.start_element(name, attrs),
            Piece::End(name) => handler.end_element(name),
            Piece::Text(piece) => {
                // Copied, to ask the parser where it starts.
                text.clear();
                text.push_str(piece);
                let at = parser.offset();
                expat_pieces(&text, at, |piece| handler.characters(piece))
            }
            Piece::Other => Ok(()),
            Piece::Eof => return Ok(()),
        };
        called.map_err(|e| parser.error(describe(&*e)))?;
    }
}

/// How many bytes Python's SAX reader hands expat at a time: `2**16 -
/// 20` (the default `bufsize` of `xml.sax.expatreader.ExpatParser`).
const PYTHON_SAX_BLOCK: u64 = (1 << 16) - 20;

/// Calls `each` with the pieces in which expat gives `text`, which starts
/// at byte `offset` of the file: expat reports the text it has when it
/// reaches the end of a block (keeping a CR or an incomplete character
/// for the next block), and each line end as a `"\n"` of its own.
fn expat_pieces<E>(
    text: &str,
    offset: u64,
    mut each: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = text;
    let mut start = offset;
    let mut boundary = (offset / PYTHON_SAX_BLOCK + 1) * PYTHON_SAX_BLOCK;
    while boundary < start + rest.len() as u64 {
        let mut cut = (boundary - start) as usize;
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
    lines(rest, each)
}

/// Calls `each` with every line end of `text` as `"\n"`, and the text
/// between them.
fn lines<E>(
    text: &str,
    mut each: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = text;
    while let Some(k) = rest.find(['\r', '\n']) {
        if k > 0 {
            each(&rest[..k])?;
        }
        each("\n")?;
        let after = if rest[k..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[k + after..];
    }
    if !rest.is_empty() {
        each(rest)?;
    }
    Ok(())
}
