//! The lessons as programs: pyos2 runs forever, taskcrash fails the way a
//! learner can read, and every server names the port it cannot use. (The
//! exact outputs of the other steps are pinned by the slides' console
//! blocks, see `slides.rs`.)

use part7_os::testing::{Running, run_to_end};
use std::net::TcpListener;
use std::time::Duration;

const PYOS2: &str = env!("CARGO_BIN_EXE_pyos2");
const TASKCRASH: &str = env!("CARGO_BIN_EXE_taskcrash");

#[test]
fn pyos2_alternates_foo_and_bar_until_stopped() {
    let mut pyos2 = Running::start(PYOS2, &[]);
    for pair in 0..50 {
        for name in ["foo", "bar"] {
            let line = pyos2.next_line(Duration::from_secs(10));
            assert_eq!(
                line.as_deref(),
                Some(&*format!("I'm {name}")),
                "pair {pair}"
            );
        }
    }
    assert!(pyos2.is_running(), "pyos2 stopped by itself");
    // Dropping `pyos2` kills it.
}

#[test]
fn taskcrash_fails_after_ten_pairs_with_one_clear_line() {
    let run = run_to_end(TASKCRASH, &[], Duration::from_secs(30));
    let expected = "I'm foo\nI'm bar\n".repeat(10);
    assert_eq!(run.stdout, expected);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("Error: StopIteration: task 1 has finished"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
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
        let run =
            run_to_end(server, &["--port", &port], Duration::from_secs(30));
        assert_eq!(run.code, Some(1), "{server}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{server} started anyway");
        let line = run.stderr.trim_end();
        assert!(!line.contains('\n'), "{server}: more than one line: {line}");
        assert!(
            line.contains(&format!("127.0.0.1:{port}"))
                && line.contains("in use"),
            "{server}: {line}"
        );
    }
}
