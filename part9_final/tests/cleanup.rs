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

/// Whether any process is left in the process group `pgid` (`kill -0`
/// asks without sending a signal; a zombie not yet reaped counts).
fn group_alive(pgid: &str) -> bool {
    let test = format!("kill -0 -{pgid} 2>/dev/null");
    let status = Command::new("sh").args(["-c", &test]).status();
    status.unwrap().success()
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
    // Every process the contest starts writes its id to `pids` first,
    // then becomes the leader of a new process group (setsid) and the
    // program (exec keeps the id); what it starts joins its group.
    let pids = bin.join("pids");
    let record = format!("echo $$ >> '{}'", pids.display());
    script(
        &bin.join("runblaster"),
        &format!("{record}\nexec setsid '{runblaster}' \"$@\""),
    );
    let bogus = |how: &str| {
        format!(
            "PART9_BOGUS_SERVER={how} exec setsid '{}' bogus_echo_server \
             --exact --nocapture --test-threads=1",
            me.display()
        )
    };
    let echothread = format!("{record}\n{}", bogus("wrong"));
    script(&bin.join("echothread"), &echothread);
    // echotokio: `--flavor current-thread` exits before it listens,
    // `--flavor multi-thread` at the first message.
    let tokio = format!(
        "{record}\n[ \"$2\" = multi-thread ] && {}\n\
         echo 'no such luck' >&2; exit 3",
        bogus("dies")
    );
    script(&bin.join("echotokio"), &tokio);

    // `group_alive` sees a group while it runs, and not after it ends.
    let mut probe = Command::new("setsid").args(["sleep", "60"]).spawn();
    let probe = probe.as_mut().unwrap();
    let id = probe.id().to_string();
    // (setsid makes the group just after it starts: wait for it.)
    let seen = (0..1000).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        group_alive(&id)
    });
    assert!(seen, "sleep {id} is not seen running");
    let _ = (probe.kill(), probe.wait());
    assert!(!group_alive(&id), "sleep {id} is seen after its end");

    let out = Command::new(env!("CARGO_BIN_EXE_echocontest"))
        .args(["--bin-dir", bin.to_str().unwrap(), "-c", "4", "-n", "200"])
        .args(["--only", "echothread", "--only", "tokio current-thread"])
        .args(["--only", "tokio multi-thread"])
        .args(["--svg", bin.join("chart.svg").to_str().unwrap()])
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
    let started = std::fs::read_to_string(&pids).unwrap();
    let started: Vec<&str> = started.split_whitespace().collect();
    // Three servers, and at least one blaster for the one that listened.
    assert!(started.len() >= 4, "started: {started:?}");
    let left: Vec<&&str> = started.iter().filter(|p| group_alive(p)).collect();
    assert!(left.is_empty(), "processes left running: {left:?}");
}
