//! The contest stops every server it started and every blaster, when a
//! server answers wrong (the blasters fail) and when a server dies before
//! it listens; each row says why in one line. The servers are stand-ins
//! in a folder given as `--bin-dir`: scripts named like the real ones.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::TempDir;

/// Marks every process the contest starts (children inherit it).
const MARK: &str = "PART9_CLEANUP_MARK";

/// Not a test: the stand-ins run by the scripts below (this test program
/// started again). `PART9_BOGUS_SERVER=wrong` echoes every message with
/// one byte changed; `=dies` exits at the first message. Without the
/// variable it returns at once.
#[test]
fn bogus_echo_server() {
    let Some(how) = std::env::var_os("PART9_BOGUS_SERVER") else {
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    eprintln!("bogus: listening on {}", listener.local_addr().unwrap());
    for client in listener.incoming() {
        let Ok(mut client) = client else { continue };
        let dies = how == "dies";
        std::thread::spawn(move || {
            let mut data = [0; 65536];
            while let Ok(n @ 1..) = client.read(&mut data) {
                if dies {
                    eprintln!("bogus: a message! I die");
                    std::process::exit(4);
                }
                data[n / 2] ^= 0x55;
                if client.write_all(&data[..n]).is_err() {
                    break;
                }
            }
        });
    }
}

/// The processes that carry `mark` in their environment.
fn marked(mark: &str) -> Vec<String> {
    let needle = format!("{MARK}={mark}\0");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if String::from_utf8_lossy(&environ).contains(&needle) {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

fn script(path: &std::path::Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let executable = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(path, executable).unwrap();
}

#[test]
fn the_contest_stops_everything() {
    let tmp = TempDir::new("cleanup");
    let bin = tmp.path();
    let me = std::env::current_exe().unwrap();
    let runblaster = env!("CARGO_BIN_EXE_runblaster");
    std::os::unix::fs::symlink(runblaster, bin.join("runblaster")).unwrap();
    let bogus = |how: &str| {
        format!(
            "PART9_BOGUS_SERVER={how} exec '{}' bogus_echo_server --exact \
             --nocapture --test-threads=1",
            me.display()
        )
    };
    script(&bin.join("echothread"), &bogus("wrong"));
    // echotokio: `--flavor current-thread` exits before it listens,
    // `--flavor multi-thread` at the first message.
    let tokio = format!(
        "[ \"$2\" = multi-thread ] && {}\necho 'no such luck' >&2; exit 3",
        bogus("dies")
    );
    script(&bin.join("echotokio"), &tokio);

    // The search for marked processes finds one.
    let mark = std::process::id().to_string();
    let mut probe = Command::new("sleep").arg("60").env(MARK, &mark).spawn();
    let probe = probe.as_mut().unwrap();
    let found = marked(&mark);
    let _ = (probe.kill(), probe.wait());
    assert_eq!(found, [probe.id().to_string()]);

    let out = Command::new(env!("CARGO_BIN_EXE_echocontest"))
        .args(["--bin-dir", bin.to_str().unwrap(), "-c", "4", "-n", "200"])
        .args(["--only", "echothread", "--only", "tokio current-thread"])
        .args(["--only", "tokio multi-thread"])
        .args(["--svg", bin.join("chart.svg").to_str().unwrap()])
        .env(MARK, &mark)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, "Error: 3 servers failed (see the table)\n");
    let row = |name: &str| {
        let row = stdout
            .lines()
            .find(|l| l.starts_with(&format!("| {name} ")));
        row.unwrap_or_else(|| panic!("no row {name} in {stdout}"))
            .to_string()
    };
    let wrong = row("echothread");
    assert!(wrong.contains(" n/a | "), "{wrong}");
    assert!(
        wrong.contains(" | blaster 1: connection ")
            && wrong.contains(": the reply differs from the message at byte "),
        "{wrong}"
    );
    let died = row("tokio current-thread");
    assert!(
        died.ends_with(" | the server exited (exit status: 3) no such luck |"),
        "{died}"
    );
    let died = row("tokio multi-thread");
    let last_words =
        " | the server exited (exit status: 4) bogus: a message! I die |";
    assert!(died.ends_with(last_words), "{died}");
    assert_eq!(marked(&mark), Vec::<String>::new(), "processes left");
}
