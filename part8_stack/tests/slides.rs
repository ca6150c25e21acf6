//! Every `console` block of the Part 8 slides (the exact outputs of
//! trampoline and pyos8, and the servers' `--help`), run and compared with
//! its transcript: the slides cannot drift from what the lessons print.
//! The commands are what a reader types in the workspace's folder, `cargo
//! run --bin NAME`; part 1's `tests/console/mod.rs` runs them without a
//! nested cargo.
//!
//! The bad input cases in `tests/cmd/` run in the same pass: their
//! transcripts use the binaries' own names (`$ trampoline extra`).

#[path = "../../part1_generators/tests/console/mod.rs"]
mod console;

#[test]
fn slides_and_bad_input() {
    console::run_from_workspace(&[
        "slides/src/part8.md",
        "slides/src/part8/*.md",
        "part8_stack/tests/cmd/*.md",
    ]);
}
