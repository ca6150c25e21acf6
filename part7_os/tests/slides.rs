//! Command-line cases: every `console` block of the Part 5, 6 and 7
//! slides (the exact outputs of pyos1, pyos3 to pyos7 and taskcrash), and
//! the bad input cases in `tests/cmd/`, run and compared with their
//! transcripts.

#[test]
fn slides_and_bad_input() {
    trycmd::TestCases::new()
        .case("../slides/src/part5.md")
        .case("../slides/src/part6.md")
        .case("../slides/src/part7.md")
        .case("../slides/src/part7/*.md")
        .case("tests/cmd/*.md");
}
