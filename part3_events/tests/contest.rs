//! The contest runs the lessons on a file it makes, checks that they
//! print the same lines, prints its table, and removes the file. (Its
//! timings are not checked: they belong to the machine. This runs a
//! debug build on a small file, just to see the whole thing work.)

use std::process::{Command, Stdio};

#[test]
fn the_contest_runs_every_lesson_and_compares_their_output() {
    let contest = Command::new(env!("CARGO_BIN_EXE_xmlcontest"))
        .args(["--megabytes", "1", "--runs", "1"])
        // Not run by cargo: it uses the lessons next to it, built for
        // this test, instead of building them.
        .env_remove("CARGO")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run xmlcontest");
    let made = format!("xmlcontest-{}", contest.id());
    let out = contest.wait_with_output().expect("cannot wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for lesson in ["buses", "coexpat", "cxmlparse", "iterbus"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(lesson)),
            "no row for {lesson}:\n{stdout}"
        );
    }
    assert!(stdout.contains("cxmlparse takes "), "{stdout}");
    for floor in ["the parser alone, ", "quick-xml by itself "] {
        assert!(stdout.contains(floor), "no {floor:?}:\n{stdout}");
    }
    assert!(
        stdout.contains("every program printed the same"),
        "{stdout}"
    );
    // A debug build says first how to get figures that mean something.
    if cfg!(debug_assertions) {
        assert!(stderr.contains("cargo run --release"), "{stderr}");
    }
    // The folder it made (with the file) is gone.
    let made = std::env::temp_dir().join(made);
    assert!(!made.exists(), "{} is left", made.display());
}
