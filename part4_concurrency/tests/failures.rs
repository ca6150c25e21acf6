//! When things go wrong across a boundary: one clear line on standard
//! error, a non-zero exit, no panic, no hang, no process left behind.
//!
//! (The cases that print the same thing every time are in
//! `tests/cmd/bad-input.md`; these need a script, a pattern or a count.)

mod common;

use common::{Scratch, group_alive, run};

/// The one line of an error, checked for the usual properties.
fn one_error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr:?}");
    assert!(lines[0].starts_with("Error: "), "{stderr:?}");
    lines[0]
}

fn coprocess_with(child: &str) -> common::Run {
    run(env!("CARGO_BIN_EXE_coprocess"), &["--child", child], None)
}

#[test]
fn a_child_killed_by_a_signal_is_reported() {
    let scratch = Scratch::new("killed");
    let r = coprocess_with(&scratch.script("killed", "read line; kill -9 $$"));
    assert_eq!(r.status.code(), Some(1));
    let line = one_error_line(&r.stderr);
    assert!(
        line.ends_with("killed was killed by signal 9 (SIGKILL)"),
        "{line}"
    );
}

#[test]
fn a_child_that_stops_reading_halfway_is_a_broken_pipe() {
    // It reads ten buses, then exits successfully: the rest cannot be
    // sent, and the parent says so (where it was in the file varies).
    let scratch = Scratch::new("quitter");
    let r = coprocess_with(&scratch.script("quitter", "head -n 10 >/dev/null"));
    assert_eq!(r.status.code(), Some(1));
    let line = one_error_line(&r.stderr);
    assert!(line.contains("/data/allroutes.xml:"), "{line}");
    assert!(
        line.ends_with("quitter stopped reading its input (broken pipe)"),
        "{line}"
    );
}

#[test]
fn a_child_that_fails_halfway_says_why() {
    let scratch = Scratch::new("failer");
    let body = "head -n 3 >/dev/null; echo 'Error: I give up' >&2; exit 2";
    let r = coprocess_with(&scratch.script("failer", body));
    assert_eq!(r.status.code(), Some(1));
    let line = one_error_line(&r.stderr);
    assert!(line.ends_with("failer failed: I give up"), "{line}");
}

#[test]
fn a_failing_worker_on_a_larger_file_stops_the_parse_early() {
    // Many buses, the 40th of them a northbound route 22 bus without a
    // latitude: the far side fails, and this side hears of it at its next
    // send or at the end, whichever comes first.
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<buses>\n");
    for i in 0..5000 {
        let latitude = if i == 40 {
            ""
        } else {
            "<latitude>41.9</latitude>"
        };
        xml.push_str(&format!(
            "<bus><id>{i}</id><route>22</route>\
             <direction>North Bound</direction>{latitude}\
             <longitude>-87.6</longitude></bus>\n"
        ));
    }
    xml.push_str("</buses>\n");
    let scratch = Scratch::new("worker");
    let path = scratch.file("nolatitude-40.xml", &xml);
    for program in [
        env!("CARGO_BIN_EXE_cothread"),
        env!("CARGO_BIN_EXE_coprocess"),
    ] {
        let r = run(program, &[&path], None);
        assert_eq!(r.status.code(), Some(1), "{program}");
        let line = one_error_line(&r.stderr);
        assert!(line.ends_with("bus 40 has no <latitude>"), "{line}");
        // Every bus before the bad one was printed, in order.
        let ids: Vec<&str> = r
            .stdout
            .lines()
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        let expected: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        assert_eq!(ids, expected, "{program}");
    }
}

#[test]
fn no_child_is_left_behind() {
    // coprocess runs as the leader of a process group of its own
    // (setsid), and its children join the group: after coprocess has
    // ended, the group must be empty.
    let coprocess = env!("CARGO_BIN_EXE_coprocess");
    // The check sees a child left behind: sh leaves a sleep running.
    let r = run(
        "setsid",
        &["sh", "-c", "sleep 30 >/dev/null 2>&1 & exit 0"],
        None,
    );
    let seen = group_alive(r.pid);
    let _ = run("sh", &["-c", &format!("kill -9 -{}", r.pid)], None);
    assert!(seen, "the sleep left behind was not seen");
    for args in [
        vec!["part3_events/tests/data/nolatitude.xml"],
        vec!["part3_events/tests/data/unclosed.xml"],
        vec!["--child", "false"],
        vec!["--child", "true"],
    ] {
        let r = run("setsid", &[&[coprocess][..], &args].concat(), None);
        assert_eq!(r.status.code(), Some(1), "{args:?}");
        assert!(!group_alive(r.pid), "{args:?}: a child is still running");
    }
    // A child that takes its time after the end of its input is waited
    // for: when coprocess ends, the child has ended.
    let scratch = Scratch::new("slow");
    let slow = scratch.script("slow", "cat >/dev/null; sleep 1; echo done");
    let r = run("setsid", &[coprocess, "--child", &slow], None);
    assert!(r.status.success(), "{}", r.stderr);
    assert_eq!(
        r.stdout, "done\n",
        "the child's last line came before the end"
    );
    assert!(!group_alive(r.pid), "the slow child is still running");
}
