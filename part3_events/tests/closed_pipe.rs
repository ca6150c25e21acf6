//! `lesson | head` must end quietly: when the reader of a lesson's output
//! goes away, the lesson stops without a panic message.

use std::process::{Command, Stdio};

/// Runs `program` with its output going into a pipe nobody reads, and
/// returns what it wrote on standard error.
fn stderr_with_closed_stdout(program: &str, args: &[&str]) -> String {
    let (reader, writer) = std::io::pipe().expect("cannot make a pipe");
    drop(reader); // every write to the pipe now fails
    let out = Command::new(program)
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("cannot run the lesson");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn lessons_stop_quietly_when_their_reader_goes_away() {
    for program in [
        env!("CARGO_BIN_EXE_basicsax"),
        env!("CARGO_BIN_EXE_cosax"),
        env!("CARGO_BIN_EXE_buses"),
        env!("CARGO_BIN_EXE_coexpat"),
        env!("CARGO_BIN_EXE_cxmlparse"),
        env!("CARGO_BIN_EXE_iterbus"),
    ] {
        assert_eq!(stderr_with_closed_stdout(program, &[]), "", "{program}");
    }
    let mkroutes = env!("CARGO_BIN_EXE_mkroutes");
    assert_eq!(
        stderr_with_closed_stdout(mkroutes, &["--buses", "2000"]),
        ""
    );
}
