//! Command-line cases: every Part 2 slide's `console` block, and the bad
//! input cases in `tests/cmd/`, run and compared with their transcripts.

#[test]
fn slides_and_bad_input() {
    trycmd::TestCases::new()
        .case("../slides/src/part2.md")
        .case("../slides/src/part2/*.md")
        .case("tests/cmd/*.md");
}
