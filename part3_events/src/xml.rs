//! What every event source needs from quick-xml besides its events: the
//! reader's settings, entity references, attributes, and the checks of
//! well-formedness that quick-xml leaves to its user.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use quick_xml::encoding::EncodingError;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::{Error, Reader};

use crate::error::XmlError;

/// How big a block the streaming sources read at a time (Python's SAX
/// reader and the course's C extension read 64 KiB too).
pub(crate) const BLOCK: usize = 1 << 16;

/// What is said of a file that is not UTF-8 text.
pub(crate) const NOT_UTF8: &str = "this is not UTF-8 text (is it an XML file?)";

/// The error a streaming source reports when quick-xml fails on the
/// event that starts at byte `start` of the file at `path`; quick-xml
/// places the failure at byte `at`.
pub(crate) fn parse_error(
    path: &Path,
    start: u64,
    at: u64,
    error: Error,
) -> XmlError {
    match error {
        // The file could not be read (a folder, a device error...).
        Error::Io(e) => {
            XmlError::read(path, io::Error::new(e.kind(), e.to_string()))
        }
        // Say where the bad byte is, as `Document::load` does.
        Error::Encoding(EncodingError::Utf8(e)) => {
            let bad = start + e.valid_up_to() as u64;
            XmlError::at_offset(path, bad, NOT_UTF8)
        }
        other => XmlError::at_offset(path, at, other.to_string()),
    }
}

/// The settings every source uses.
pub(crate) fn configure<R>(reader: &mut Reader<R>) {
    let config = reader.config_mut();
    // `<a/>` arrives as a start and an end, as from expat.
    config.expand_empty_elements = true;
    // `</b>` must close `<b>` (the default, said out loud).
    config.check_end_names = true;
}

/// The text an entity or character reference stands for: `&amp;` is `&`,
/// `&#65;` is `A`. Only XML's five predefined entities are known (there
/// is no DTD support).
pub(crate) fn resolve(
    reference: &BytesRef<'_>,
) -> Result<Cow<'static, str>, String> {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
        Ok(None) => match resolve_predefined_entity(reference) {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => Err(format!("unknown entity &{};", &**reference)),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// The attributes of a start tag, with entities resolved.
pub(crate) fn attributes(
    start: &BytesStart<'_>,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        out.push((attr.key.as_ref().to_owned(), value.into_owned()));
    }
    Ok(out)
}

/// Calls `each` with the pieces expat would give a SAX handler for this
/// text: every line end on its own, as `"\n"`, and the text between.
pub(crate) fn lines<E>(
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

/// Appends `text` to `out` with its line ends made `\n` (CR LF and a
/// lone CR both become LF, as XML asks).
pub(crate) fn push_normalized(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(k) = rest.find('\r') {
        out.push_str(&rest[..k]);
        out.push('\n');
        let after = if rest[k..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[k + after..];
    }
    out.push_str(rest);
}

/// The checks of well-formedness that quick-xml leaves to its user: one
/// root element, no text outside it, and every element closed when the
/// file ends (quick-xml itself checks that `</b>` closes `<b>`).
#[derive(Default)]
pub(crate) struct Nesting {
    /// The names of the open elements, one after the other.
    names: String,
    /// Where each open element's name ends in `names`.
    ends: Vec<usize>,
    /// Whether the root element has been seen.
    rooted: bool,
}

impl Nesting {
    /// An element starts.
    pub(crate) fn start(&mut self, name: &str) -> Result<(), String> {
        if self.ends.is_empty() {
            root(&mut self.rooted, name)?;
        }
        self.names.push_str(name);
        self.ends.push(self.names.len());
        Ok(())
    }

    /// The innermost element ends.
    pub(crate) fn end(&mut self) {
        self.ends.pop();
        self.names.truncate(self.ends.last().copied().unwrap_or(0));
    }

    /// Whether some element is open (text there is content).
    pub(crate) fn inside(&self) -> bool {
        !self.ends.is_empty()
    }

    /// Text outside the root element: blanks are allowed (and are not
    /// content), anything else is an error.
    pub(crate) fn outside(&self, text: &str) -> Result<(), String> {
        outside(self.rooted, text)
    }

    /// The file has ended.
    pub(crate) fn finish(&self) -> Result<(), String> {
        let start = self.ends.len().checked_sub(2).map_or(0, |i| self.ends[i]);
        let open = self.ends.last().map(|&end| &self.names[start..end]);
        finish(self.rooted, open)
    }
}

// The checks themselves, shared with `two_threads`, which keeps the open
// names as places in the text instead of copies.

/// A root element starts: the first is welcome, a second is an error.
pub(crate) fn root(rooted: &mut bool, name: &str) -> Result<(), String> {
    if *rooted {
        return Err(format!(
            "a second root element <{name}> (a document has one)"
        ));
    }
    *rooted = true;
    Ok(())
}

/// Text outside the root element, before it if not `rooted`.
pub(crate) fn outside(rooted: bool, text: &str) -> Result<(), String> {
    if text.trim_ascii().is_empty() {
        Ok(())
    } else if rooted {
        Err("text after the root element has ended".into())
    } else {
        Err("text before the root element (is this an XML file?)".into())
    }
}

/// The file ends, with `open` the innermost element still open.
pub(crate) fn finish(rooted: bool, open: Option<&str>) -> Result<(), String> {
    match open {
        Some(name) => Err(format!(
            "the file ends inside <{name}>, which is not closed \
             (is the file cut short?)"
        )),
        None if !rooted => {
            Err("no element at all (is this an XML file?)".into())
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_apart_like_expat_gives_them() {
        let mut pieces = Vec::new();
        let text = "\r\n        \t\tx  \r\n\n";
        lines(text, |p| {
            pieces.push(p.to_owned());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(pieces, ["\n", "        \t\tx  ", "\n", "\n"]);
    }

    #[test]
    fn line_ends_are_normalized() {
        let mut out = String::from(">");
        push_normalized(&mut out, "a\r\nb\rc\n\r");
        assert_eq!(out, ">a\nb\nc\n\n");
    }

    #[test]
    fn nesting_names_the_unclosed_element() {
        let mut n = Nesting::default();
        assert!(n.finish().unwrap_err().contains("no element"));
        n.start("buses").unwrap();
        n.start("bus").unwrap();
        assert!(n.finish().unwrap_err().contains("inside <bus>"));
        n.end();
        assert!(n.finish().unwrap_err().contains("inside <buses>"));
        n.end();
        n.finish().unwrap();
        assert!(n.start("more").unwrap_err().contains("second root"));
        assert!(n.outside(" \n\t").is_ok());
        assert!(n.outside("junk").unwrap_err().contains("after the root"));
    }
}
