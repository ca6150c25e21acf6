//! The lessons as programs: the exact output of each step (checked
//! against the Python originals), pyos2 running forever, taskcrash
//! failing as a learner can read, and every server naming the port it
//! cannot use.

mod common;

use common::{Running, run_to_end};
use std::net::TcpListener;
use std::time::Duration;

const SOON: Duration = Duration::from_secs(30);

/// Runs `program` to its end: its output, which must be all on stdout.
fn output(program: &str) -> String {
    let run = run_to_end(program, &[], SOON);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{program}");
    run.stdout
}

#[test]
fn each_step_prints_what_its_python_original_prints() {
    let pyos1 = "Running foo()\nPart 1\nResuming foo()\nPart 2\n";
    assert_eq!(output(env!("CARGO_BIN_EXE_pyos1")), pyos1);

    let pyos3 = "I'm foo\nI'm bar\n".repeat(5)
        + "I'm foo\nTask 2 terminated\n"
        + &"I'm foo\n".repeat(4)
        + "Task 1 terminated\n";
    assert_eq!(output(env!("CARGO_BIN_EXE_pyos3")), pyos3);

    let pyos4 = "I'm foo 1\nI'm bar 2\n".repeat(5)
        + "Task 1 terminated\n"
        + &"I'm bar 2\n".repeat(5)
        + "Task 2 terminated\n";
    assert_eq!(output(env!("CARGO_BIN_EXE_pyos4")), pyos4);

    let pyos5 = "I'm foo 2\n".repeat(5)
        + "Task 2 terminated\nmain done\nTask 1 terminated\n";
    assert_eq!(output(env!("CARGO_BIN_EXE_pyos5")), pyos5);

    let pyos6 = "I'm foo\nWaiting for child\n".to_string()
        + &"I'm foo\n".repeat(4)
        + "Task 2 terminated\nChild done\nTask 1 terminated\n";
    assert_eq!(output(env!("CARGO_BIN_EXE_pyos6")), pyos6);
}

#[test]
fn pyos2_alternates_foo_and_bar_until_stopped() {
    let mut pyos2 = Running::start(env!("CARGO_BIN_EXE_pyos2"), &[]);
    for pair in 0..50 {
        for name in ["foo", "bar"] {
            let line = pyos2.next_line(SOON);
            let expected = format!("I'm {name}");
            assert_eq!(line.as_deref(), Some(&*expected), "pair {pair}");
        }
    }
    assert!(pyos2.is_running(), "pyos2 stopped by itself");
} // dropping `pyos2` kills it

#[test]
fn taskcrash_fails_after_ten_pairs_with_stop_iteration() {
    let run = run_to_end(env!("CARGO_BIN_EXE_taskcrash"), &[], SOON);
    assert_eq!(run.stdout, "I'm foo\nI'm bar\n".repeat(10));
    assert_eq!(run.stderr, "Error: StopIteration\n");
    assert_eq!(run.code, Some(1));
}

#[test]
fn every_server_names_the_port_it_cannot_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for server in [
        env!("CARGO_BIN_EXE_echobad"),
        env!("CARGO_BIN_EXE_echogood"),
        env!("CARGO_BIN_EXE_echogood2"),
    ] {
        let run = run_to_end(server, &["--port", &port], SOON);
        assert_eq!(run.code, Some(1), "{server}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{server} started anyway");
        let expected = format!(
            "Error: cannot listen on 127.0.0.1:{port}: Address already in \
             use (os error 98)\n"
        );
        assert_eq!(run.stderr, expected, "{server}");
    }
}
