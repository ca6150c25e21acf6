//! The contest runs every source on a file it makes, checks that they all
//! print the same lines, and prints its table. (Its timings are not
//! checked: they belong to the machine. This runs a debug build on a
//! small file, just to see the whole thing work.)

use std::process::Command;

#[test]
fn the_contest_runs_every_source_and_compares_their_output() {
    let out = Command::new(env!("CARGO_BIN_EXE_xmlcontest"))
        .args(["--megabytes", "0.2", "--runs", "1"])
        .output()
        .expect("cannot run xmlcontest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for lesson in ["buses", "coexpat", "cxmlparse", "iterbus"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(lesson)),
            "no row for {lesson}:\n{stdout}"
        );
    }
    assert!(stdout.contains("--two-threads"), "{stdout}");
    assert!(stdout.contains("every source printed the same"), "{stdout}");
    // How free the two cores were, which the two-thread row depends on.
    assert!(stdout.contains("two parsers at once did"), "{stdout}");
    // A debug build says loudly that its timings mean nothing.
    if cfg!(debug_assertions) {
        assert!(stderr.contains("DEBUG build"), "{stderr}");
    }
    // The file it made is gone.
    let made = stderr
        .lines()
        .find_map(|l| l.strip_prefix("made "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_default();
    assert!(made.ends_with(".xml"), "{stderr}");
    assert!(
        !std::path::Path::new(made).exists(),
        "{made} was left behind"
    );
}
