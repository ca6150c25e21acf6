//! The transcripts in `tests/cmd/`, run and compared:
//!
//! - `bad-input.md`: every lesson meets a missing file, a file that is not
//!   XML, a truncated file, an unclosed tag, a bus without a latitude, each
//!   thing expat calls not well-formed (a NUL, `<1a>`, `]]>` in text, ...),
//!   a device and a file of `/proc`, and says so in one line;
//! - `basicsax.toml`, `cosax.toml`: their whole output on a small file,
//!   compared byte for byte (the slides include these transcripts).
//!
//! The commands run from the workspace root, where a learner types them.

#[test]
fn bad_input() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::env::set_current_dir(root).expect("cannot enter the workspace root");
    trycmd::TestCases::new()
        .case("part3_events/tests/cmd/*.md")
        .case("part3_events/tests/cmd/*.toml");
}
