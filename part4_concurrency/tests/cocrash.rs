//! cocrash: the cycle is caught at run time, and the safe structure
//! prints every line of both threads, each exactly as often as sent.

mod common;

use common::run;

#[test]
fn the_cycle_is_caught_and_every_line_of_both_threads_arrives() {
    for count in ["10", "500"] {
        let r = run(env!("CARGO_BIN_EXE_cocrash"), &["--count", count], None);
        assert!(r.status.success(), "{}", r.stderr);
        assert_eq!(r.stderr, "");
        let (cycle, safe) = r
            .stdout
            .split_once("2. The safe structure")
            .expect("two parts");
        assert!(cycle.contains(
            "caught at run time: the coroutine is already running \
             (a stage sent back into it)"
        ));
        let n: usize = count.parse().unwrap();
        let lines = |text: &str| safe.lines().filter(|l| *l == text).count();
        assert_eq!(lines("foo is nice"), n, "{count}");
        assert_eq!(lines("bar is bad"), n, "{count}");
        assert!(safe.ends_with("have ended\n"));
    }
}
