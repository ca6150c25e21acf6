//! Items down a pipe (slide 86; original: `coprocess.py`): [`sendto`]
//! writes each item it receives as one line of JSON, [`recvfrom`] reads
//! such lines and sends the items into a target.
//!
//! ```text
//! this process:   source -> buses_to_dicts -> sendto ==pipe==>
//! the child:      ==pipe==> recvfrom -> filters -> bus_locations
//! ```
//!
//! The course pickles each item. We write JSON lines (one item per line,
//! with `serde_json`): a learner can read the pipe's contents
//! (`coprocess --no-child | head -n 1`), and a program in any language
//! can read them.
//!
//! ```
//! use part1_generators::Target;
//! use part3_events::Bus;
//! use part3_events::buses::bus_locations_into;
//! use part4_concurrency::{recvfrom, sendto};
//! # use std::{cell::RefCell, io::Write, rc::Rc};
//! # /// A writer whose bytes can be read back.
//! # #[derive(Clone, Default)]
//! # struct Out(Rc<RefCell<Vec<u8>>>);
//! # impl Write for Out {
//! #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
//! #         self.0.borrow_mut().write(b)
//! #     }
//! #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
//! # }
//! # impl Out { fn text(&self) -> String {
//! #     String::from_utf8(self.0.borrow().clone()).unwrap()
//! # } }
//! let pipe = Out::default(); // stands for a pipe to another process
//! let bus = Bus::from([
//!     ("id", "1485"), ("route", "22"), ("direction", "North Bound"),
//!     ("latitude", "41.88"), ("longitude", "-87.62"),
//! ]);
//!
//! let mut stage = sendto(pipe.clone());
//! stage.send(bus)?;
//! stage.close()?;
//! assert_eq!(pipe.text(), "{\"id\":\"1485\",\"route\":\"22\",\
//!     \"direction\":\"North Bound\",\"latitude\":\"41.88\",\"longitude\":\"-87.62\"}\n");
//!
//! // The other end: read the lines back, send the buses on.
//! let out = Out::default();
//! let received = recvfrom::<Bus, _, _>(pipe.text().as_bytes(), bus_locations_into(out.clone()))?;
//! assert_eq!(received, 1);
//! assert_eq!(out.text(), "22,1485,\"North Bound\",41.88,-87.62\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};

use part1_generators::{Consumer, Target};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cause::describe;

// ANCHOR: sendto
/// A stage that writes each item it receives into `out` as one line of
/// JSON, and flushes it, so the reader gets it at once (Python:
/// `pickle.dump(item, f); f.flush()`).
///
/// When the stage is closed (or dropped) it drops `out`: for a pipe,
/// that closes it, and the reader sees the end of its input.
pub fn sendto<T, W>(out: W) -> Consumer<T>
where
    T: Serialize + 'static,
    W: Write + 'static,
{
    let mut out = BufWriter::new(out);
    Consumer::<T>::new(move |inbox| {
        while let Some(item) = inbox.recv() {
            serde_json::to_writer(&mut out, &item).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
        // Python: f.close(). Here `out` is dropped as the body ends.
        Ok(())
    })
}
// ANCHOR_END: sendto

// ANCHOR: recvfrom
/// Reads the items [`sendto`] wrote, one JSON line each, and sends each
/// into `target`; at the end of the input, closes `target` (Python:
/// `recvfrom(f, target)`, which stops at `EOFError`). Returns the
/// number of items received.
pub fn recvfrom<T, R, X>(mut input: R, mut target: X) -> Result<u64, RecvError>
where
    T: DeserializeOwned,
    R: BufRead,
    X: Target<T>,
{
    let mut line = String::new();
    let mut number = 0;
    let mut received = 0;
    loop {
        line.clear();
        number += 1;
        let at = |problem| RecvError::at(number, problem);
        if input
            .read_line(&mut line)
            .map_err(|e| unreadable(number, e))?
            == 0
        {
            break; // the end of the input: the writer closed the pipe
        }
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(&line).map_err(|e| json(number, &e))?;
        target.send(item).map_err(|e| at(describe(&e)))?;
        received += 1;
    }
    target
        .close()
        .map_err(|e| RecvError::at(number, describe(&e)))?;
    Ok(received)
}
// ANCHOR_END: recvfrom

/// A JSON error, placed at its line and column of the input.
fn json(line: u64, error: &serde_json::Error) -> RecvError {
    let full = error.to_string();
    let place = format!(" at line {} column {}", error.line(), error.column());
    let mut problem = full.strip_suffix(&place).unwrap_or(&full).to_owned();
    if line == 1 && error.is_syntax() {
        problem.push_str(" (is this a file of JSON lines, as sendto writes?)");
    }
    RecvError {
        line,
        column: Some(error.column() as u64),
        problem,
        unreadable: false,
    }
}

/// An input that cannot be read (or is not text) at `line`.
fn unreadable(line: u64, error: io::Error) -> RecvError {
    if error.kind() == io::ErrorKind::InvalidData {
        RecvError::at(line, "this is not UTF-8 text".into())
    } else {
        RecvError {
            line,
            column: None,
            problem: error.to_string(),
            unreadable: true,
        }
    }
}

/// What stopped [`recvfrom`]: a line it could not read, or a stage that
/// failed on the item of that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecvError {
    /// The line of the input, from 1.
    pub line: u64,
    /// The character in the line, when the line itself is at fault.
    pub column: Option<u64>,
    /// What went wrong there.
    pub problem: String,
    /// Whether the input could not be read at all (from that line on).
    pub unreadable: bool,
}

impl RecvError {
    fn at(line: u64, problem: String) -> RecvError {
        RecvError {
            line,
            column: None,
            problem,
            unreadable: false,
        }
    }

    /// The error as one line naming the input: `<stdin>:2:7: expected
    /// `:``, or `buses.jsonl:3: bus 1485 has no <latitude>`.
    pub fn in_input(&self, input: &str) -> String {
        if self.unreadable {
            return format!("cannot read {input}: {}", self.problem);
        }
        match self.column {
            Some(c) => format!("{input}:{}:{c}: {}", self.line, self.problem),
            None => format!("{input}:{}: {}", self.line, self.problem),
        }
    }
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unreadable {
            write!(f, "cannot read line {}: {}", self.line, self.problem)?;
            return Ok(());
        }
        write!(f, "line {}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for RecvError {}

#[cfg(test)]
mod tests {
    use super::*;
    use part1_generators::CoroutineError;
    use part3_events::Bus;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Clone, Default)]
    struct Keep(Rc<RefCell<Vec<String>>>);
    impl Target<Bus> for Keep {
        fn send(&mut self, bus: Bus) -> Result<(), CoroutineError> {
            match bus.get("id") {
                Some("bad") => Err(CoroutineError::Raised("a bad bus".into())),
                Some(id) => {
                    self.0.borrow_mut().push(id.to_owned());
                    Ok(())
                }
                None => Ok(()),
            }
        }
        fn close(&mut self) -> Result<(), CoroutineError> {
            self.0.borrow_mut().push("closed".into());
            Ok(())
        }
    }

    fn receive(text: &str) -> (Result<u64, RecvError>, Vec<String>) {
        let keep = Keep::default();
        let result = recvfrom::<Bus, _, _>(text.as_bytes(), keep.clone());
        let log = keep.0.borrow().clone();
        (result, log)
    }

    #[test]
    fn items_go_through_and_the_target_is_closed() {
        let (r, log) = receive("{\"id\":\"1\"}\n\n{\"id\":\"2\"}");
        assert_eq!(r, Ok(2));
        assert_eq!(log, ["1", "2", "closed"]);
    }

    #[test]
    fn a_bad_line_is_named_with_its_column() {
        let (r, log) = receive("{\"id\":\"1\"}\n{\"id\" \"2\"}\n");
        let err = r.unwrap_err();
        assert_eq!(err.to_string(), "line 2, column 7: expected `:`");
        assert_eq!(err.in_input("<stdin>"), "<stdin>:2:7: expected `:`");
        assert_eq!(log, ["1"], "not closed: the input was bad");
        let (r, _) = receive("{\"id\": 5}\n");
        assert_eq!(
            r.unwrap_err().to_string(),
            "line 1, column 8: invalid type: integer `5`, expected a string"
        );
    }

    #[test]
    fn a_failing_stage_is_named_with_the_line() {
        let (r, _) = receive("{\"id\":\"1\"}\n{\"id\":\"bad\"}\n");
        assert_eq!(r.unwrap_err().to_string(), "line 2: a bad bus");
    }

    #[test]
    fn sendto_writes_one_line_per_item_and_closes() {
        struct Pipe(Rc<RefCell<(Vec<u8>, bool)>>);
        impl Write for Pipe {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().0.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        impl Drop for Pipe {
            fn drop(&mut self) {
                self.0.borrow_mut().1 = true;
            }
        }
        let state = Rc::new(RefCell::new((Vec::new(), false)));
        let mut stage = sendto(Pipe(Rc::clone(&state)));
        stage.send(Bus::from([("a", "x\"y")])).unwrap();
        stage.send(Bus::new()).unwrap();
        assert!(!state.borrow().1);
        stage.close().unwrap();
        let (text, closed) = state.borrow().clone();
        assert!(closed, "closing the stage closes its output");
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "{\"a\":\"x\\\"y\"}\n{}\n"
        );
    }

    #[test]
    fn a_failing_output_is_an_error_of_send() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut stage = sendto(Broken);
        let err = stage.send(Bus::new()).unwrap_err();
        assert_eq!(describe(&err), "broken pipe");
    }
}
