//! Every `console` block of the Part 4 slides, run and compared with its
//! transcript: the slides cannot drift from what the lessons print. The
//! commands are what a reader types in the workspace's folder, `cargo run
//! --bin NAME`; part 1's `tests/console/mod.rs` runs them without a nested
//! cargo.

#[path = "../../part1_generators/tests/console/mod.rs"]
mod console;

#[test]
fn part4_slides_console_blocks() {
    console::run_from_workspace(&[
        "slides/src/part4.md",
        "slides/src/part4/*.md",
    ]);
}
