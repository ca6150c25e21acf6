//! `lesson | head` must end quietly: when the reader of a lesson's output
//! goes away, the lesson stops without a panic message.

#[path = "../../part1_generators/tests/common/mod.rs"]
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
fn benchmark_stops_quietly_when_its_reader_goes_away() {
    let out = with_closed_stdout(env!("CARGO_BIN_EXE_benchmark"))
        .args(["--number", "10", "--repeat", "1"])
        .output()
        .expect("cannot run benchmark");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A debug build says first how to get real figures; nothing else.
    assert!(stderr.lines().all(|l| l.contains("--release")), "{stderr}");
    assert!(!out.status.success());
}

#[test]
fn live_lessons_stop_quietly_when_their_reader_goes_away() {
    for program in [
        env!("CARGO_BIN_EXE_cofollow"),
        env!("CARGO_BIN_EXE_copipe"),
        env!("CARGO_BIN_EXE_cobroadcast"),
        env!("CARGO_BIN_EXE_cobroadcast2"),
    ] {
        let scratch = Scratch::new("closed");
        let log = scratch.path("access-log");
        std::fs::write(&log, "").unwrap();
        let mut lesson = with_closed_stdout(program).arg(&log).spawn().unwrap();
        // Feed it until its first write fails and it ends.
        let end = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = lesson.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > end {
                lesson.kill().unwrap();
                lesson.wait().unwrap();
                panic!("{program} went on after its reader went away");
            }
            append(&log, "GET /python/ply/swig for nobody\n");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        lesson
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(stderr, "", "{program}");
        assert!(!status.success(), "{program}");
    }
}
