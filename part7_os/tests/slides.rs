//! Every `console` block of the Part 5, 6 and 7 slides (the exact outputs
//! of pyos1, pyos3 to pyos6 and taskcrash), run and compared with its
//! transcript: the slides cannot drift from what the lessons print. The
//! commands are what a reader types in the workspace's folder, `cargo run
//! --bin NAME`; part 1's `tests/console/mod.rs` runs them without a nested
//! cargo.
//!
//! The bad input cases in `tests/cmd/` run in the same pass: their
//! transcripts use the binaries' own names (`$ pyos1 extra`).

#[path = "../../part1_generators/tests/console/mod.rs"]
mod console;

#[test]
fn slides_and_bad_input() {
    console::run_from_workspace(&[
        "slides/src/part5.md",
        "slides/src/part6.md",
        "slides/src/part7.md",
        "slides/src/part7/*.md",
        "part7_os/tests/cmd/*.md",
    ]);
}
