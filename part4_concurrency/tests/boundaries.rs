//! The boundaries command runs every variant and checks that they all
//! print the same lines. Its timings are not checked (a debug build on
//! a busy machine says nothing); that it runs, and refuses bad options
//! (in `cmd/bad-input.md`), is.

mod common;

use common::run;

#[test]
fn every_variant_prints_the_same_lines() {
    let r = run(
        env!("CARGO_BIN_EXE_boundaries"),
        &["data/allroutes.xml", "--runs", "1"],
        None,
    );
    assert!(r.status.success(), "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("0.5 MB, 950 buses, best and median of 1 run(s), ")
    );
    for row in ["buses ", "cothread ", "coprocess "] {
        assert_eq!(
            r.stdout.lines().filter(|l| l.starts_with(row)).count(),
            1,
            "{row}"
        );
    }
    assert!(
        r.stdout
            .contains("\nevery variant printed the same 16 lines\n")
    );
}
