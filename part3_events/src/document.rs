//! A whole XML file in memory, ready for the fastest source and for the
//! pull parser: read once, line ends normalized, checked to be UTF-8, and
//! shared (`Rc<str>`) so that events can point into it instead of copying.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::{Position, XmlError};
use crate::xml::NOT_UTF8;

/// An XML file read into memory.
pub struct Document {
    path: PathBuf,
    text: Rc<str>,
}

impl Document {
    /// Reads the file at `path`.
    ///
    /// Line ends become `\n` here, as the XML specification asks a parser
    /// to do before parsing (CR LF and lone CR both become LF). Line
    /// numbers stay those of the file, so error positions are right.
    pub fn load(path: impl AsRef<Path>) -> Result<Document, XmlError> {
        let path = path.as_ref();
        let mut bytes =
            std::fs::read(path).map_err(|e| XmlError::read(path, e))?;
        normalize_line_ends(&mut bytes);
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let position = Position::of(e.as_bytes(), at);
            XmlError::at(path, position, NOT_UTF8)
        })?;
        Ok(Document {
            path: path.to_owned(),
            text: Rc::from(text),
        })
    }

    /// A document from text already in memory (tests, examples).
    pub fn from_text(path: impl AsRef<Path>, text: &str) -> Document {
        let mut bytes = text.as_bytes().to_vec();
        normalize_line_ends(&mut bytes);
        let text = String::from_utf8_lossy(&bytes);
        Document {
            path: path.as_ref().to_owned(),
            text: Rc::from(text.as_ref()),
        }
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text, shared.
    pub fn text(&self) -> &Rc<str> {
        &self.text
    }

    /// An error about the document as a whole (say, a bus it describes),
    /// naming its file.
    pub fn error(&self, message: impl std::fmt::Display) -> XmlError {
        XmlError::whole(&self.path, message.to_string())
    }

    /// An error at byte `offset` of the text.
    pub fn error_at(
        &self,
        offset: u64,
        message: impl Into<String>,
    ) -> XmlError {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let position = Position::of(self.text.as_bytes(), offset);
        XmlError::at(&self.path, position, message)
    }
}

/// Replaces CR LF and lone CR by LF, in place.
fn normalize_line_ends(bytes: &mut Vec<u8>) {
    let Some(first) = memchr::memchr(b'\r', bytes) else {
        return;
    };
    // Copy everything down over the CRs, one line at a time.
    let mut write = first;
    let mut read = first;
    while read < bytes.len() {
        // bytes[read] is a CR.
        bytes[write] = b'\n';
        write += 1;
        read += 1;
        if bytes.get(read) == Some(&b'\n') {
            read += 1;
        }
        let next = memchr::memchr(b'\r', &bytes[read..])
            .map_or(bytes.len(), |k| read + k);
        bytes.copy_within(read..next, write);
        write += next - read;
        read = next;
    }
    bytes.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_become_lf() {
        let mut b = b"a\r\nb\rc\n\r\r\nd\r".to_vec();
        normalize_line_ends(&mut b);
        assert_eq!(b, b"a\nb\nc\n\n\nd\n");
        let mut plain = b"no cr here\n".to_vec();
        normalize_line_ends(&mut plain);
        assert_eq!(plain, b"no cr here\n");
    }

    #[test]
    fn a_missing_file_is_named() {
        let Err(e) = Document::load("no/such/file.xml") else {
            panic!("loaded a missing file");
        };
        let message = e.to_string();
        assert!(message.starts_with("cannot read no/such/file.xml: "));
    }
}
