//! Every `console` block in the Part 3 slides is run and its output
//! checked: the slides cannot drift from what the lessons print.
//!
//! The commands run from the workspace root, where a learner types them
//! (`cargo run --bin buses -- part3_events/tests/data/onebus.xml`).

#[test]
fn part3_slides_console_blocks() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::env::set_current_dir(root).expect("cannot enter the workspace root");
    trycmd::TestCases::new()
        .case("slides/src/part3.md")
        .case("slides/src/part3/*.md");
}
