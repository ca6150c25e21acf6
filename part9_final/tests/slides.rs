//! Command-line cases: every Part 9 slide's `console` block, and the bad
//! input cases in `tests/cmd/`, run and compared with their transcripts.

#[test]
fn slides_and_bad_input() {
    trycmd::TestCases::new()
        .case("../slides/src/part9.md")
        .case("../slides/src/part9/*.md")
        .case("tests/cmd/*.md");
}
