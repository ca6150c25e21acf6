//! Command-line cases, run and compared with their transcripts: the bad
//! input cases and the command line (`--help`, unknown arguments) in
//! `tests/cmd/`. (The slides' `console` blocks run in `tests/slides.rs`.)

#[test]
fn command_lines() {
    trycmd::TestCases::new().case("tests/cmd/*.md");
}
