//! Every `console` block in the Part 1 slides is run and its output
//! checked: the slides cannot drift from what the lessons print.

#[test]
fn part1_slides_console_blocks() {
    trycmd::TestCases::new().case("../slides/src/part1/*.md");
}
