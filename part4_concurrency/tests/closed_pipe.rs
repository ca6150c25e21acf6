//! `lesson | head` ends quietly: when the reader of a lesson's output
//! goes away, the lesson stops, with no message. For `coprocess` the
//! output is its child's: the child is stopped by the closed pipe, and
//! the parent, which sees why, ends quietly too.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `program` with its output going into a pipe nobody reads;
/// returns its exit code and what it wrote on standard error.
fn with_closed_stdout(program: &str, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("cannot make a pipe");
    drop(reader); // every write to the pipe now fails
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run the lesson");
    let start = Instant::now();
    while child.try_wait().expect("cannot wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} did not stop");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("cannot wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn lessons_stop_quietly_when_their_reader_goes_away() {
    for program in [
        env!("CARGO_BIN_EXE_cothread"),
        env!("CARGO_BIN_EXE_coprocess"),
        env!("CARGO_BIN_EXE_cocrash"),
    ] {
        let (_, stderr) = with_closed_stdout(program, &[]);
        assert_eq!(stderr, "", "{program}");
    }
    let (_, stderr) = with_closed_stdout(
        env!("CARGO_BIN_EXE_busproc"),
        &["part4_concurrency/tests/data/buses.jsonl"],
    );
    assert_eq!(stderr, "");
}

#[test]
fn coprocess_ends_like_a_process_stopped_by_the_closed_pipe() {
    let (code, stderr) =
        with_closed_stdout(env!("CARGO_BIN_EXE_coprocess"), &[]);
    assert_eq!(stderr, "");
    assert_eq!(code, Some(141), "128 + SIGPIPE, as a shell reports it");
}
