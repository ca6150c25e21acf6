//! Every `console` block of the Part 1 slides, run and compared with its
//! transcript: the slides cannot drift from what the lessons print. The
//! commands are what a reader types in the workspace's folder, `cargo run
//! --bin NAME`; `console/mod.rs` runs them without a nested cargo.

mod console;

#[test]
fn part1_slides_console_blocks() {
    console::run_from_workspace(&[
        "slides/src/part1.md",
        "slides/src/part1/*.md",
    ]);
}
