//! Live lessons, tested for real: `logsim` writes a log in a scratch
//! folder while `follow` or `pipeline` runs, and every line appended (or
//! every matching line) must come out once, in order, and nothing else.
//! Every wait is bounded; every process is killed when its test ends.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use part1_generators::testing::{MARKER, Running, Scratch, append};

const FOLLOW: &str = env!("CARGO_BIN_EXE_follow");
const PIPELINE: &str = env!("CARGO_BIN_EXE_pipeline");
const LOGSIM: &str = env!("CARGO_BIN_EXE_logsim");

fn deadline(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

/// Runs logsim to append `n` seeded lines to `log`, quickly.
fn logsim(log: &Path, n: u32, seed: u32) {
    let status = Command::new(LOGSIM)
        .args(["--append", "--max-pause", "0.003", "--seed"])
        .arg(seed.to_string())
        .arg("--lines")
        .arg(n.to_string())
        .arg("--output")
        .arg(log)
        .status()
        .expect("cannot run logsim");
    assert!(status.success());
}

/// The log's lines that are not sync markers.
fn log_lines(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .expect("cannot read the log")
        .lines()
        .filter(|l| !l.starts_with(MARKER))
        .map(str::to_owned)
        .collect()
}

/// Starts `program` on a fresh log, appends `n` lines with logsim, and
/// returns (what the log received, what the program printed), markers
/// left out.
fn run_live(
    program: &str,
    extra: &[&str],
    word: &str,
    n: u32,
) -> (Vec<String>, Vec<String>) {
    let scratch = Scratch::new("live");
    let log = scratch.path("access-log");
    std::fs::write(&log, "an old line, before the program started\n").unwrap();
    let mut args = vec![log.to_str().unwrap()];
    args.extend_from_slice(extra);
    let lesson = Running::start(Path::new(program), &args);
    assert!(
        lesson.sync(&log, word, deadline(10)),
        "{program} never started following"
    );
    logsim(&log, n, 42);
    let written = log_lines(&log)[1..].to_vec();
    let expected = written.iter().filter(|l| l.contains(word)).count();
    let mut printed = lesson.take_lines(expected, deadline(10));
    // Nothing else may follow.
    printed.extend(lesson.lines_during(Duration::from_millis(300)));
    (written, printed)
}

#[test]
fn follow_prints_every_appended_line_once_in_order() {
    let (written, printed) = run_live(FOLLOW, &[], "", 200);
    assert_eq!(written.len(), 200);
    assert_eq!(printed, written);
}

#[test]
fn follow_by_polling_prints_the_same() {
    let (written, printed) = run_live(FOLLOW, &["--poll"], "", 100);
    assert_eq!(printed, written);
}

#[test]
fn pipeline_prints_every_python_line_once_in_order() {
    let (written, printed) = run_live(PIPELINE, &[], "python", 300);
    let expected: Vec<_> = written
        .into_iter()
        .filter(|l| l.contains("python"))
        .collect();
    assert!(expected.len() > 10, "logsim wrote too few python lines");
    assert_eq!(printed, expected);
}

/// `follow` running, and watching, on a new empty log.
fn follow_empty_log() -> (Scratch, PathBuf, Running) {
    let scratch = Scratch::new("follow");
    let log = scratch.path("access-log");
    std::fs::write(&log, "").unwrap();
    let follow = Running::start(Path::new(FOLLOW), &[log.to_str().unwrap()]);
    assert!(follow.sync(&log, "", deadline(10)), "follow never started");
    (scratch, log, follow)
}

#[test]
fn follow_waits_for_the_end_of_a_half_written_line() {
    let (_scratch, log, follow) = follow_empty_log();
    append(&log, "GET /python/gen");
    assert_eq!(
        follow.lines_during(Duration::from_millis(500)),
        Vec::<String>::new()
    );
    append(&log, "erators.pdf HTTP/1.1\nsecond\n");
    let lines = follow.take_lines(2, deadline(10));
    assert_eq!(lines, ["GET /python/generators.pdf HTTP/1.1", "second"]);
}

#[test]
fn follow_starts_over_when_the_log_is_truncated() {
    let (_scratch, log, follow) = follow_empty_log();
    append(&log, "one line before the restart, long enough to matter\n");
    assert_eq!(follow.take_lines(1, deadline(10)).len(), 1);
    // logsim restarting: it empties the file and writes afresh.
    let status = Command::new(LOGSIM)
        .args([
            "--max-pause",
            "0",
            "--seed",
            "3",
            "--lines",
            "5",
            "--output",
        ])
        .arg(&log)
        .status()
        .unwrap();
    assert!(status.success());
    let fresh = log_lines(&log);
    assert_eq!(fresh.len(), 5);
    assert_eq!(follow.take_lines(5, deadline(10)), fresh);
}

#[test]
fn logsim_writes_the_lines_asked_for_and_stops() {
    let scratch = Scratch::new("logsim");
    let log = scratch.path("access-log");
    std::fs::write(&log, "old content\n").unwrap();
    let status = Command::new(LOGSIM)
        .args([
            "--max-pause",
            "0",
            "--seed",
            "9",
            "--lines",
            "50",
            "--output",
        ])
        .arg(&log)
        .status()
        .unwrap();
    assert!(status.success());
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 50, "the old content must be gone");
    // Same seed, same requests (the timestamps differ).
    let again = scratch.path("again");
    Command::new(LOGSIM)
        .args([
            "--max-pause",
            "0",
            "--seed",
            "9",
            "--lines",
            "50",
            "--output",
        ])
        .arg(&again)
        .status()
        .unwrap();
    let strip_time = |l: &String| {
        let (ip, rest) = l.split_once(" - - [").unwrap();
        format!("{ip} {}", rest.split_once("] ").unwrap().1)
    };
    let a: Vec<_> = lines.iter().map(strip_time).collect();
    let b: Vec<_> = log_lines(&again).iter().map(strip_time).collect();
    assert_eq!(a, b);
}
