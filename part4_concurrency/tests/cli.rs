//! The transcripts in `tests/cmd/` are run and compared: `bad-input.md`
//! gives every lesson bad files, bad children and bad options, and checks
//! the one line each answers with.
//!
//! The commands run from the workspace root, where a learner types them.

#[test]
fn bad_input() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::env::set_current_dir(root).expect("cannot enter the workspace root");
    trycmd::TestCases::new().case("part4_concurrency/tests/cmd/*.md");
}
