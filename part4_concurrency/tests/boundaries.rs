//! The boundaries command runs every variant and checks that they all
//! print the same lines. Its timings are not checked (a debug build on a
//! busy machine says nothing); that it runs, and refuses bad options (in
//! `cmd/bad-input.md`), is.

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
            .starts_with("0.5 MB, best and median of 1 run(s), ")
    );
    for row in ["buses ", "cothread ", "coprocess "] {
        let rows = r.stdout.lines().filter(|l| l.starts_with(row)).count();
        assert_eq!(rows, 1, "{row}");
    }
    assert!(
        r.stdout
            .contains("\nevery variant printed the same 16 lines\n")
    );
    if cfg!(debug_assertions) {
        assert!(r.stderr.contains("cargo run --release"), "{}", r.stderr);
    }
}
