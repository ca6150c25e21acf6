//! Command-line cases, run and compared with their transcripts: every
//! Part 1 slide's `console` block, the bad input cases and the command
//! line (`--help`, unknown arguments) in `tests/cmd/`.

#[test]
fn slides_and_command_lines() {
    trycmd::TestCases::new()
        .case("../slides/src/part1.md")
        .case("../slides/src/part1/*.md")
        .case("tests/cmd/*.md");
}
