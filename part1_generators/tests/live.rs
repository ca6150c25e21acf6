//! Live lessons, tested for real: while `follow` or `pipeline` runs, the
//! test appends lines that `logsim` wrote (some in two writes) to a log in
//! a scratch folder, and every line (or every python line) must come out
//! once, in order, and nothing else. Every wait is bounded; every process
//! is killed when its test ends.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{Running, Scratch, append, deadline, write_log};

const FOLLOW: &str = env!("CARGO_BIN_EXE_follow");
const PIPELINE: &str = env!("CARGO_BIN_EXE_pipeline");
const LOGSIM: &str = env!("CARGO_BIN_EXE_logsim");

/// Runs logsim to write `n` lines chosen with `seed` into `log`, at once.
fn logsim(log: &Path, n: u32, seed: u32) -> Output {
    let out = Command::new(LOGSIM)
        .args(["--max-pause", "0", "--seed", &seed.to_string()])
        .args(["--lines", &n.to_string(), "--output"])
        .arg(log)
        .output()
        .expect("cannot run logsim");
    assert!(out.status.success(), "{out:?}");
    out
}

/// `n` log lines from logsim, written in a scratch file of their own.
fn logsim_lines(n: u32) -> Vec<String> {
    let scratch = Scratch::new("logsim");
    let log = scratch.path("access-log");
    logsim(&log, n, 42);
    let text = std::fs::read_to_string(&log).expect("cannot read the log");
    text.lines().map(str::to_owned).collect()
}

/// Starts `program` on a log, appends `lines` while it runs, and returns
/// what it printed (markers left out).
fn run_live(program: &str, word: &str, lines: &[String]) -> Vec<String> {
    let scratch = Scratch::new("live");
    let log = scratch.path("access-log");
    std::fs::write(&log, "an old line, from before the lesson started\n")
        .unwrap();
    let lesson = Running::start(program, &[&log]);
    lesson.sync(&log, word);
    write_log(&log, lines);
    let expected = lines.iter().filter(|l| l.contains(word)).count();
    let mut printed = lesson.take_lines(expected, deadline(10));
    // Nothing else may follow.
    printed.extend(lesson.lines_during(Duration::from_millis(300)));
    printed
}

#[test]
fn follow_prints_every_appended_line_once_in_order() {
    let lines = logsim_lines(150);
    assert_eq!(run_live(FOLLOW, "", &lines), lines);
}

#[test]
fn pipeline_prints_every_python_line_once_in_order() {
    let lines = logsim_lines(300);
    let python: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("python"))
        .cloned()
        .collect();
    assert!(python.len() > 10, "logsim wrote too few python lines");
    assert!(python.len() < lines.len(), "pipeline filtered nothing out");
    assert_eq!(run_live(PIPELINE, "python", &lines), python);
}

#[test]
fn follow_waits_for_the_end_of_a_half_written_line_and_starts_over() {
    let scratch = Scratch::new("follow");
    let log = scratch.path("access-log");
    std::fs::write(&log, "").unwrap();
    let follow = Running::start(FOLLOW, &[&log]);
    follow.sync(&log, "");
    append(&log, "GET /python/gen");
    let nothing = follow.lines_during(Duration::from_millis(400));
    assert_eq!(nothing, Vec::<String>::new(), "half a line came out");
    append(&log, "erators.pdf HTTP/1.1\n");
    let whole = follow.take_lines(1, deadline(10));
    assert_eq!(whole, ["GET /python/generators.pdf HTTP/1.1"]);

    // logsim restarting: the file is emptied and written afresh, shorter
    // than what follow has read, so whenever it looks it sees the cut.
    std::fs::write(&log, "fresh 1\nfresh 2\n").unwrap();
    assert_eq!(follow.take_lines(2, deadline(10)), ["fresh 1", "fresh 2"]);
}

#[test]
fn logsim_writes_its_tables_and_says_where() {
    let scratch = Scratch::new("logsim");
    let log = scratch.path("access-log");
    std::fs::write(&log, "old content\n").unwrap();
    let out = logsim(&log, 50, 9);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("logsim: writing"), "{stderr}");
    assert!(stderr.contains(&*log.to_string_lossy()), "{stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 50, "the old content must be gone");
    for line in &lines {
        // 192.0.2.17 - - [25/Nov/2026:21:00:45 -0600] "GET / HTTP/1.1" 200 9
        let (ip, rest) = line.split_once(" - - [").unwrap();
        let (_date, doc) = rest.split_once(" -0600] ").unwrap();
        let documentation = ["192.0.2.", "198.51.100.", "203.0.113."];
        assert!(documentation.iter().any(|r| ip.starts_with(r)), "{line}");
        assert!(doc.starts_with("\"GET ") || doc.starts_with("\"POST "));
    }
    // The same seed makes the same choices (the timestamps may differ).
    let again = scratch.path("again");
    logsim(&again, 50, 9);
    let without_date = |text: &str| -> Vec<String> {
        let cut = |l: &str| {
            l.split(" [").next().unwrap().to_owned()
                + l.split("] ").nth(1).unwrap()
        };
        text.lines().map(cut).collect()
    };
    let again = std::fs::read_to_string(&again).unwrap();
    assert_eq!(without_date(&text), without_date(&again));
}

#[test]
fn logsim_chooses_from_the_tables_of_a_logsim_py_it_is_given() {
    let scratch = Scratch::new("tables");
    let script = scratch.path("logsim.py");
    std::fs::write(
        &script,
        "ips = [\n    \"10.1.2.3\",\n    \"10.4.5.6\",\n]\n\ndocs = [\n    \
         '\"GET /ply/ HTTP/1.0\" 200 7',\n    '\"GET /x HTTP/1.0\" 404 -',\n]\n",
    )
    .unwrap();
    let log = scratch.path("access-log");
    let out = Command::new(LOGSIM)
        .args(["--max-pause", "0", "--lines", "40", "--tables"])
        .arg(&script)
        .arg("--output")
        .arg(&log)
        .output()
        .expect("cannot run logsim");
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut seen: Vec<String> = text
        .lines()
        .map(|l| {
            let (ip, rest) = l.split_once(" - - [").unwrap();
            format!("{ip} {}", rest.split_once(" -0600] ").unwrap().1)
        })
        .collect();
    seen.sort();
    seen.dedup();
    // 40 uniform choices of 2 x 2 miss one of the four with odds 4 * 0.75^40.
    assert_eq!(
        seen,
        [
            r#"10.1.2.3 "GET /ply/ HTTP/1.0" 200 7"#,
            r#"10.1.2.3 "GET /x HTTP/1.0" 404 -"#,
            r#"10.4.5.6 "GET /ply/ HTTP/1.0" 200 7"#,
            r#"10.4.5.6 "GET /x HTTP/1.0" 404 -"#,
        ]
    );
}
