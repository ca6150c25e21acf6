//! The Part 2 pipelines, live: while the lesson runs, the test appends log
//! lines (made from logsim's tables, every seventh in two writes) to a log
//! in a scratch folder, and what the lesson prints must be exactly what
//! its pipeline promises, once, in order. Waits are bounded and every
//! process is killed when its test ends.

// Part 1's test support: a scratch folder and a running lesson.
#[path = "../../part1_generators/tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::{Running, Scratch, deadline, write_log};

const PATTERNS: [&str; 3] = ["python", "ply", "swig"];

/// Log lines as logsim writes them, from one address: requests for
/// python, ply and swig pages and others, and two requests that match two
/// patterns each.
fn log_lines() -> Vec<String> {
    let pages = [
        "python/index.html",
        "ply/ply.html",
        "swig/Doc/index.html",
        "index.html",
        "python/gen.pdf",
        "papers/",
        "ply/ply-2.5.tar.gz",
        "swig/download.html",
        "training.html",
        "favicon.ico",
    ];
    let requests: Vec<String> = (0..60)
        .map(|i| {
            format!(r#""GET /{} HTTP/1.1" 200 {}"#, pages[i % 10], 100 + i)
        })
        .collect();
    let mut docs: Vec<&str> = requests.iter().map(String::as_str).collect();
    docs.insert(10, r#""GET /swig/python/wrapping.html HTTP/1.1" 200 4312"#);
    docs.insert(20, r#""GET /ply/python/yacc.py HTTP/1.0" 304 -"#);
    let date = "[25/Nov/2026:21:00:45 -0600]";
    docs.iter()
        .map(|d| format!("129.194.8.73 - - {date} {d}"))
        .collect()
}

/// Runs `program` on a log while lines are appended, and checks that it
/// prints each line as many times as `rule` says, in order, and nothing
/// else. `sync_word` must pass the program's filter.
fn check(program: &str, sync_word: &str, rule: impl Fn(&str) -> usize) {
    let scratch = Scratch::new("part2");
    let log = scratch.path("access-log");
    std::fs::write(&log, "a line from before the lesson started\n").unwrap();
    let lesson = Running::start(program, &[&log]);
    lesson.sync(&log, sync_word);

    let lines = log_lines();
    write_log(&log, &lines);
    let mut expected = Vec::new();
    for line in &lines {
        for _ in 0..rule(line) {
            expected.push(line.clone());
        }
    }
    let mut printed = lesson.take_lines(expected.len(), deadline(10));
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
fn the_test_lines_show_every_pipeline() {
    let lines = log_lines();
    for p in PATTERNS {
        assert!(lines.iter().any(|l| l.contains(p)), "no {p}");
    }
    assert!(lines.iter().any(|l| broadcast_rule(l) >= 2));
    assert!(lines.iter().any(|l| broadcast_rule(l) == 0));
}
