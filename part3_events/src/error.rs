//! Bad input, said in one line that names the file and the place:
//! `data/bad.xml:12:7: expected </bus>, found </buses>`.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::Path;

use part1_generators::CoroutineError;

/// A file that could not be read or parsed, or a pipeline stage that
/// failed on it. Its `Display` is the one line for the reader.
#[derive(Debug)]
pub struct XmlError(String);

impl XmlError {
    /// The file cannot be read.
    pub fn read(path: &Path, error: impl fmt::Display) -> XmlError {
        XmlError(format!("cannot read {}: {error}", path.display()))
    }

    /// Something is wrong at byte `offset` of the file. The file is read
    /// again up to there (once, when parsing has failed) to say the line
    /// and the column; a pipe or a device cannot be, and gets the byte.
    pub fn at(path: &Path, offset: u64, message: impl fmt::Display) -> Self {
        let regular = fs::metadata(path).is_ok_and(|meta| meta.is_file());
        // (Not opened otherwise: opening a FIFO with no writer waits.)
        let file = regular.then(|| File::open(path)).and_then(Result::ok);
        let place = match file.map(|file| line_and_column(file.take(offset))) {
            Some(Ok((line, column))) => format!("{line}:{column}"),
            _ if offset == 0 => "1:1".into(),
            _ => format!("byte {offset}"),
        };
        XmlError(format!("{}:{place}: {message}", path.display()))
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlError {}

/// The line and column (both from 1; columns count characters) just
/// after the bytes of `text`. A line ends with LF, CR LF or CR.
fn line_and_column(text: impl Read) -> io::Result<(u64, u64)> {
    let (mut line, mut column, mut after_cr) = (1, 1, false);
    for byte in BufReader::new(text).bytes() {
        let byte = byte?;
        match byte {
            b'\n' if after_cr => {} // the end of a CR LF
            b'\n' | b'\r' => (line, column) = (line + 1, 1),
            // A UTF-8 continuation byte is in the same character.
            _ if byte & 0xC0 == 0x80 => {}
            _ => column += 1,
        }
        after_cr = byte == b'\r';
    }
    Ok((line, column))
}

/// What a stage raised, without the wrappings each stage adds on its
/// way back out ("the coroutine raised: the coroutine raised: ...").
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    match error.downcast_ref::<CoroutineError>() {
        Some(CoroutineError::Raised(inner)) => describe(&**inner),
        Some(other) => other.to_string(),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use part1_generators::Exception;

    #[test]
    fn lines_and_columns() {
        let at = |n: usize| {
            line_and_column(&b"ab\r\ncd\ne\rf\xc3\xa9g"[..n]).unwrap()
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(4), (2, 1));
        assert_eq!(at(6), (2, 3));
        assert_eq!(at(9), (4, 1));
        // After the two-byte é: column 3, not 4.
        assert_eq!(at(12), (4, 3));
    }

    #[test]
    fn describe_unwraps_stages() {
        let inner: Exception = "bus 1485 has no <latitude>".into();
        let outer =
            CoroutineError::Raised(Box::new(CoroutineError::Raised(inner)));
        assert_eq!(describe(&outer), "bus 1485 has no <latitude>");
    }
}
