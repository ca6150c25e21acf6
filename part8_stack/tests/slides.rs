//! Command-line cases: every `console` block of the Part 8 slides (the
//! exact outputs of trampoline, pyos8 and sockwrap, and the servers'
//! `--help`), and the bad input cases in `tests/cmd/`, run and compared
//! with their transcripts.

#[test]
fn slides_and_bad_input() {
    trycmd::TestCases::new()
        .case("../slides/src/part8.md")
        .case("../slides/src/part8/*.md")
        .case("tests/cmd/*.md");
}
