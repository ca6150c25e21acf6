//! `lesson | head` must end quietly: when the reader of a lesson's output
//! goes away, the lesson stops without a panic message.

use std::process::{Command, Stdio};

/// Runs `program` with its output going into a pipe nobody reads, and
/// returns what it wrote on standard error.
fn stderr_with_closed_stdout(program: &str) -> String {
    let (reader, writer) = std::io::pipe().expect("cannot make a pipe");
    drop(reader); // every write to the pipe now fails
    let out = Command::new(program)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("cannot run the lesson");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn lessons_stop_quietly_when_their_reader_goes_away() {
    for program in [
        env!("CARGO_BIN_EXE_countdown"),
        env!("CARGO_BIN_EXE_grep"),
        env!("CARGO_BIN_EXE_coroutine"),
        env!("CARGO_BIN_EXE_grepclose"),
        env!("CARGO_BIN_EXE_bogus"),
    ] {
        assert_eq!(stderr_with_closed_stdout(program), "", "{program}");
    }
}
