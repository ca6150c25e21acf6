//! Every `console` block of the Part 9 slides, run and compared with its
//! transcript: the slides cannot drift from what the lessons print. The
//! commands are what a reader types in the workspace's folder, `cargo run
//! --bin NAME`; part 1's `tests/console/mod.rs` runs them without a nested
//! cargo.
//!
//! The bad input cases in `tests/cmd/` run in the same pass: their
//! transcripts use the binaries' own names (`$ blaster --size 0`).

#[path = "../../part1_generators/tests/console/mod.rs"]
mod console;

#[test]
fn slides_and_bad_input() {
    console::run_from_workspace(&[
        "slides/src/part9.md",
        "slides/src/part9/*.md",
        "part9_final/tests/cmd/*.md",
    ]);
}
