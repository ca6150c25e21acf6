//! No line lost, none reordered: `cothread` and `coprocess` print exactly
//! what `buses` prints, every time.
//!
//! A thread or a child that is still printing when the program ends would
//! lose lines, sometimes; so each lesson runs 10 times.

mod common;

use common::{BUSES, Scratch, repeated_data, run};

fn check(program: &str, args: &[&str]) {
    for i in 0..10 {
        let r = run(program, args, None);
        assert!(r.status.success(), "run {i}: {} {}", r.status, r.stderr);
        assert_eq!(r.stderr, "", "run {i}");
        assert_eq!(r.stdout, BUSES, "run {i} of {program}");
    }
}

#[test]
fn cothread_prints_what_buses_prints_every_time() {
    check(env!("CARGO_BIN_EXE_cothread"), &[]);
}

#[test]
fn coprocess_prints_what_buses_prints_every_time() {
    check(env!("CARGO_BIN_EXE_coprocess"), &[]);
}

#[test]
fn busproc_by_hand_on_what_goes_down_the_pipe() {
    // `coprocess --child cat` prints what it sends: one JSON line a bus,
    // its fields in the map's order (sorted).
    let sent = run(env!("CARGO_BIN_EXE_coprocess"), &["--child", "cat"], None);
    assert!(sent.status.success(), "{}", sent.stderr);
    assert_eq!(sent.stdout.lines().count(), 950, "one line per bus");
    let first = sent.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("{\"color\":\""), "{first}");
    let r = run(
        env!("CARGO_BIN_EXE_busproc"),
        &[],
        Some(sent.stdout.as_bytes()),
    );
    assert!(r.status.success(), "{}", r.stderr);
    assert_eq!(r.stdout, BUSES);
}

#[test]
fn a_larger_file_through_both_boundaries() {
    // 3 MB: more buses than the thread's queue and the pipe's buffer
    // hold, so both senders have to wait for their readers.
    let scratch = Scratch::new("repeat");
    let path = scratch.file("big.xml", &repeated_data(6));
    let expected = BUSES.repeat(6);
    for program in [
        env!("CARGO_BIN_EXE_cothread"),
        env!("CARGO_BIN_EXE_coprocess"),
    ] {
        let r = run(program, &[&path], None);
        assert!(r.status.success(), "{program}: {}", r.stderr);
        assert_eq!(r.stdout, expected, "{program}");
    }
}

#[test]
fn coprocess_without_busproc_says_how_to_build_it() {
    // `cargo run --bin coprocess` builds coprocess only: alone in a
    // folder, it says what to build.
    let scratch = Scratch::new("alone");
    let alone = scratch.path().join("coprocess");
    std::fs::copy(env!("CARGO_BIN_EXE_coprocess"), &alone).unwrap();
    let alone = alone.to_string_lossy().into_owned();
    // A test thread that forks while the copy is open for writing gives
    // its child that handle for a moment: exec then fails with "text
    // file busy" until the child has exec'd. Wait for that to pass.
    for _ in 0..50 {
        match std::process::Command::new(&alone).arg("--help").output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => break,
        }
    }
    let r = run(&alone, &[], None);
    assert_eq!(r.status.code(), Some(1));
    let busproc = scratch.path().join("busproc");
    let said = format!(
        "Error: {} is not built: run `cargo build",
        busproc.display()
    );
    assert!(r.stderr.starts_with(&said), "{}", r.stderr);
    assert!(
        r.stderr.ends_with(" --bin busproc` first\n"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
}
