//! The Part 2 pipelines, live: a simulated server appends to a log in a
//! scratch folder while the lesson runs, and what the lesson prints must
//! be exactly what its pipeline promises, once, in order. Waits are
//! bounded and every process is killed when its test ends.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use part1_generators::logsim::LogSim;
use part1_generators::testing::{Running, Scratch, append};

const PATTERNS: [&str; 3] = ["python", "ply", "swig"];
const LINES: usize = 300;

/// Appends `n` seeded log lines to `log`, some in two writes (as a slow
/// server might), and returns them.
fn write_log(log: &Path, n: usize) -> Vec<String> {
    let mut sim = LogSim::new(2009);
    let mut lines = Vec::new();
    for i in 0..n {
        let line = sim.line(SystemTime::now());
        if i % 7 == 0 {
            let (head, tail) = line.split_at(line.len() / 2);
            append(log, head);
            std::thread::sleep(Duration::from_millis(2));
            append(log, &format!("{tail}\n"));
        } else {
            append(log, &format!("{line}\n"));
        }
        lines.push(line);
    }
    lines
}

/// Runs `program` on a fresh log while lines are appended, and checks it
/// prints each line as many times as `rule` says, in order, and nothing
/// else. `sync_word` must pass the program's filter.
fn check(program: &str, sync_word: &str, rule: impl Fn(&str) -> usize) {
    let scratch = Scratch::new("part2");
    let log = scratch.path("access-log");
    std::fs::write(&log, "a line from before the lesson started\n").unwrap();
    let lesson = Running::start(Path::new(program), &[log.to_str().unwrap()]);
    let deadline = Instant::now() + Duration::from_secs(10);
    assert!(
        lesson.sync(&log, sync_word, deadline),
        "{program} never started"
    );

    let written = write_log(&log, LINES);
    let mut expected = Vec::new();
    for line in &written {
        for _ in 0..rule(line) {
            expected.push(line.clone());
        }
    }
    assert!(expected.len() > 20, "too few lines to show anything");

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut printed = lesson.take_lines(expected.len(), deadline);
    printed.extend(lesson.lines_during(Duration::from_millis(300)));
    assert_eq!(printed, expected);
}

#[test]
fn cofollow_prints_every_line() {
    check(env!("CARGO_BIN_EXE_cofollow"), "", |_| 1);
}

#[test]
fn copipe_prints_the_python_lines() {
    check(env!("CARGO_BIN_EXE_copipe"), "python", |l| {
        usize::from(l.contains("python"))
    });
}

/// A line is printed once for each pattern it contains, in the order of
/// the broadcast's targets.
fn broadcast_rule(line: &str) -> usize {
    PATTERNS.iter().filter(|p| line.contains(*p)).count()
}

#[test]
fn cobroadcast_prints_each_match_of_each_pattern() {
    check(env!("CARGO_BIN_EXE_cobroadcast"), "python", broadcast_rule);
}

#[test]
fn cobroadcast2_prints_the_same_through_one_printer() {
    check(env!("CARGO_BIN_EXE_cobroadcast2"), "python", broadcast_rule);
}

#[test]
fn the_test_data_has_lines_matching_two_patterns() {
    // Without them the broadcast tests would not show that each pipeline
    // gets its turn.
    let mut sim = LogSim::new(2009);
    let lines: Vec<_> =
        (0..LINES).map(|_| sim.line(SystemTime::now())).collect();
    for p in PATTERNS {
        assert!(lines.iter().any(|l| l.contains(p)), "no {p}");
    }
    assert!(lines.iter().any(|l| broadcast_rule(l) >= 2));
}
