//! `lesson | head` must end quietly: when the reader of a lesson's output
//! goes away, the lesson stops without a panic message.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Scratch, append};

/// A command whose output goes into a pipe nobody reads.
fn with_closed_stdout(program: &str) -> Command {
    let (reader, writer) = std::io::pipe().expect("cannot make a pipe");
    drop(reader); // every write to the pipe now fails
    let mut command = Command::new(program);
    command.stdout(Stdio::from(writer)).stderr(Stdio::piped());
    command
}

#[test]
fn lessons_stop_quietly_when_their_reader_goes_away() {
    for program in [
        env!("CARGO_BIN_EXE_countdown"),
        env!("CARGO_BIN_EXE_grep"),
        env!("CARGO_BIN_EXE_coroutine"),
        env!("CARGO_BIN_EXE_grepclose"),
        env!("CARGO_BIN_EXE_bogus"),
        env!("CARGO_BIN_EXE_throw"),
    ] {
        let out = with_closed_stdout(program).output().expect("cannot run");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{program}");
        assert!(!out.status.success(), "{program} did not notice");
    }
}

#[test]
fn follow_stops_quietly_when_its_reader_goes_away() {
    let scratch = Scratch::new("closed");
    let log = scratch.path("access-log");
    std::fs::write(&log, "").unwrap();
    let mut follow = with_closed_stdout(env!("CARGO_BIN_EXE_follow"))
        .arg(&log)
        .spawn()
        .expect("cannot run follow");
    // Feed it until its first write fails and it ends.
    let end = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = follow.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > end {
            follow.kill().unwrap();
            follow.wait().unwrap();
            panic!("follow went on after its reader went away");
        }
        append(&log, "a line for nobody\n");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    follow
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(stderr, "");
    assert!(!status.success());
}
