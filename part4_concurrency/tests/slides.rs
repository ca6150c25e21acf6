//! Every `console` block in the Part 4 slides is run and its output
//! checked: the slides cannot drift from what the lessons print.
//!
//! The commands run from the workspace root, where a learner types them.

#[test]
fn part4_slides_console_blocks() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::env::set_current_dir(root).expect("cannot enter the workspace root");
    trycmd::TestCases::new()
        .case("slides/src/part4.md")
        .case("slides/src/part4/*.md");
}
