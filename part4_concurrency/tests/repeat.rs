//! No line lost, none reordered: `cothread` and `coprocess` print
//! exactly what `buses` prints, every time.
//!
//! A thread or a child process that is still printing when the program
//! ends would lose lines, sometimes; so each lesson runs 20 times, and
//! every run is compared with the output of Part 3's pipeline run in
//! this process (which is what `buses` prints).

mod common;

use common::{buses_output, run};

const RUNS: usize = 20;

fn check(program: &str, args: &[&str]) {
    let expected = buses_output("data/allroutes.xml");
    assert_eq!(expected.lines().count(), 16, "the data has 16 matches");
    for i in 0..RUNS {
        let r = run(program, args, None);
        assert!(r.status.success(), "run {i}: {} {}", r.status, r.stderr);
        assert_eq!(r.stderr, "", "run {i}");
        assert_eq!(r.stdout, expected, "run {i} of {program}");
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
fn coprocess_with_the_busproc_binary_as_its_child_prints_the_same() {
    let busproc = env!("CARGO_BIN_EXE_busproc");
    let r = run(env!("CARGO_BIN_EXE_coprocess"), &["--child", busproc], None);
    assert!(r.status.success(), "{}", r.stderr);
    assert_eq!(r.stdout, buses_output("data/allroutes.xml"));
}

#[test]
fn busproc_by_hand_on_what_goes_down_the_pipe() {
    // `coprocess --child cat` prints what it sends: one JSON line a bus.
    let sent = run(env!("CARGO_BIN_EXE_coprocess"), &["--child", "cat"], None);
    assert!(sent.status.success(), "{}", sent.stderr);
    assert_eq!(sent.stdout.lines().count(), 950, "one line per bus");
    let first = sent.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("{\"id\":\""),
        "fields in document order: {first}"
    );
    let r = run(
        env!("CARGO_BIN_EXE_busproc"),
        &[],
        Some(sent.stdout.as_bytes()),
    );
    assert!(r.status.success(), "{}", r.stderr);
    assert_eq!(r.stdout, buses_output("data/allroutes.xml"));
}

#[test]
fn a_larger_file_through_both_boundaries() {
    // 3 MB: more buses than the thread's queue and the pipe's buffer
    // hold, so both senders have to wait for their readers.
    let dir = std::env::temp_dir()
        .join(format!("part4-repeat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.xml");
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    part3_events::routes::write_routes(
        &mut out,
        7,
        part3_events::routes::Size::Bytes(3_000_000),
    )
    .unwrap();
    std::io::Write::flush(&mut out).unwrap();
    drop(out);
    let path = file.to_str().unwrap();
    let expected = buses_output(path);
    assert!(expected.lines().count() > 30);
    for program in [
        env!("CARGO_BIN_EXE_cothread"),
        env!("CARGO_BIN_EXE_coprocess"),
    ] {
        let r = run(program, &[path], None);
        assert!(r.status.success(), "{program}: {}", r.stderr);
        assert_eq!(r.stdout, expected, "{program}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coprocess_needs_no_other_binary() {
    // `cargo run --bin coprocess` builds coprocess only: a copy of it
    // alone in a folder must work (it runs itself as its child).
    let dir = std::env::temp_dir()
        .join(format!("part4-alone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let alone = dir.join("coprocess");
    std::fs::copy(env!("CARGO_BIN_EXE_coprocess"), &alone).unwrap();
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
    let r = run(alone.to_str().unwrap(), &[], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(r.status.success(), "{}", r.stderr);
    assert_eq!(r.stdout, buses_output("data/allroutes.xml"));
}
