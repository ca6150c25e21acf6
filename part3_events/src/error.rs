//! What goes wrong with an input file, said in one line that names the
//! file and the place: `data/bad.xml:12:7: expected </bus>, found </buses>`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use part1_generators::{CoroutineError, Exception};

/// A line and column in a file, both counted from 1. Columns count
/// characters; a line ends with LF, CR LF or CR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: u64,
    /// The character in the line, from 1.
    pub column: u64,
}

impl Position {
    /// Where byte `offset` of `text` is.
    pub fn of(text: &[u8], offset: usize) -> Position {
        let before = &text[..offset.min(text.len())];
        let mut line = 1;
        let mut line_start = 0;
        let mut i = 0;
        while let Some(k) = memchr::memchr2(b'\n', b'\r', &before[i..]) {
            let at = i + k;
            // CR LF is one line end.
            let crlf = before[at] == b'\r' && text.get(at + 1) == Some(&b'\n');
            i = at + if crlf { 2 } else { 1 };
            if i > before.len() {
                // The offset is between the CR and the LF.
                break;
            }
            line += 1;
            line_start = i;
        }
        let rest = &before[line_start.min(before.len())..];
        // Count characters, not bytes: skip UTF-8 continuation bytes.
        let column = rest.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        Position {
            line,
            column: column as u64 + 1,
        }
    }
}

/// What is wrong.
#[derive(Debug)]
enum Problem {
    /// The file cannot be read at all.
    Read(io::Error),
    /// Something at a place in the file: bad XML, or a stage of the
    /// pipeline that refused what it was sent there.
    At(Position, String),
    /// Something about the file as a whole.
    Whole(String),
}

/// An input file that could not be parsed, or a pipeline that stopped on
/// it. Its `Display` is one line for the reader.
#[derive(Debug)]
pub struct XmlError {
    path: PathBuf,
    problem: Problem,
}

impl XmlError {
    /// The file could not be opened or read.
    pub fn read(path: &Path, error: io::Error) -> XmlError {
        XmlError {
            path: path.to_owned(),
            problem: Problem::Read(error),
        }
    }

    /// Something wrong at `position` in `path`.
    pub fn at(
        path: &Path,
        position: Position,
        message: impl Into<String>,
    ) -> XmlError {
        XmlError {
            path: path.to_owned(),
            problem: Problem::At(position, message.into()),
        }
    }

    /// Something wrong at byte `offset` of the file `path`, which is read
    /// again to turn the offset into a line and column (this happens once,
    /// when parsing has failed).
    pub fn at_offset(
        path: &Path,
        offset: u64,
        message: impl Into<String>,
    ) -> XmlError {
        match std::fs::read(path) {
            Ok(bytes) => {
                let offset = usize::try_from(offset).unwrap_or(usize::MAX);
                XmlError::at(path, Position::of(&bytes, offset), message)
            }
            Err(_) => XmlError {
                path: path.to_owned(),
                problem: Problem::Whole(format!(
                    "at byte {offset}: {}",
                    message.into()
                )),
            },
        }
    }

    /// The file (or what a stage made of it) is wrong as a whole.
    pub fn whole(path: &Path, message: impl Into<String>) -> XmlError {
        XmlError {
            path: path.to_owned(),
            problem: Problem::Whole(message.into()),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where in the file, if the problem has a place.
    pub fn position(&self) -> Option<Position> {
        match self.problem {
            Problem::At(position, _) => Some(position),
            _ => None,
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.problem {
            Problem::Read(e) => write!(f, "cannot read {path}: {e}"),
            Problem::At(p, message) => {
                write!(f, "{path}:{}:{}: {message}", p.line, p.column)
            }
            Problem::Whole(message) => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for XmlError {}

/// What a stage said when it refused an event: the error it raised, not
/// the wrapping ("the coroutine raised: ...").
pub(crate) fn describe(error: &Exception) -> String {
    match error.downcast_ref::<CoroutineError>() {
        Some(e) => describe_coroutine(e),
        None => error.to_string(),
    }
}

/// The same for an error returned by `send`.
pub(crate) fn describe_coroutine(error: &CoroutineError) -> String {
    match error {
        CoroutineError::Raised(inner) => describe(inner),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = b"ab\r\ncd\ne\rf\xc3\xa9g";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of(text, 4), Position { line: 2, column: 1 });
        assert_eq!(Position::of(text, 6), Position { line: 2, column: 3 });
        assert_eq!(Position::of(text, 9), Position { line: 4, column: 1 });
        // After the two-byte é: column 3, not 4.
        assert_eq!(Position::of(text, 12), Position { line: 4, column: 3 });
        assert_eq!(Position::of(text, 99), Position { line: 4, column: 4 });
    }

    #[test]
    fn messages_name_the_file_and_the_place() {
        let p = Path::new("data/x.xml");
        let e = XmlError::at(p, Position { line: 3, column: 9 }, "oops");
        assert_eq!(e.to_string(), "data/x.xml:3:9: oops");
        let e = XmlError::read(p, io::ErrorKind::NotFound.into());
        assert!(e.to_string().starts_with("cannot read data/x.xml: "));
    }
}
