//! The contest stops every server it started, and every blaster, even
//! when a blaster fails or a server never starts. One test per file
//! binary, so that no other test's processes are around when it counts
//! this process's children.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use part9_final::contest::{Contestant, Plan, measure};
use part9_final::runner::BlasterArgs;

const PORT_VARIABLE: &str = "PART9_BOGUS_ECHO_PORT";

/// Not a test: the bogus server that [`contest_stops_everything`] runs
/// by starting this test program again. It echoes every reply with one
/// byte changed, so the blasters fail. Without its variable it returns
/// at once (when the test suite runs it as a test).
#[test]
fn bogus_echo_server() {
    let Ok(port) = std::env::var(PORT_VARIABLE) else {
        return;
    };
    let listener = TcpListener::bind(("127.0.0.1", port.parse().unwrap()))
        .expect("the bogus server cannot listen");
    for client in listener.incoming() {
        let Ok(mut client) = client else { continue };
        std::thread::spawn(move || {
            let mut data = [0u8; 65536];
            while let Ok(n) = client.read(&mut data) {
                if n == 0 {
                    break;
                }
                data[n / 2] ^= 0x55;
                if client.write_all(&data[..n]).is_err() {
                    break;
                }
            }
        });
    }
}

/// The processes whose parent is this one (Linux).
fn children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let status = entry.path().join("status");
        let Ok(status) = std::fs::read_to_string(status) else {
            continue;
        };
        let parent = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .map(str::trim);
        if parent == Some(me.as_str()) {
            let name = status.lines().next().unwrap_or("").to_string();
            found.push(format!("{:?} {name}", entry.file_name()));
        }
    }
    found
}

fn plan() -> Plan {
    let load = BlasterArgs {
        connections: 4,
        messages: 200,
        size: 1024,
        server: ([127, 0, 0, 1], 1).into(),
        timeout: 10,
    };
    Plan {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_runblaster")),
        blasters: 3,
        python_load: load.clone(),
        load,
        cap: Duration::from_secs(60),
        startup: Duration::from_secs(10),
    }
}

#[test]
fn contest_stops_everything() {
    let plan = plan();

    // A server whose replies are wrong: the blasters fail, the row says
    // why, and the server is stopped.
    let port_seen = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&port_seen);
    let bogus = Contestant {
        name: "bogus".into(),
        python: false,
        start: Box::new(move |port| {
            *seen.lock().unwrap() = Some(port);
            let mut command = Command::new(std::env::current_exe().unwrap());
            command
                .args(["bogus_echo_server", "--exact", "--nocapture"])
                .env(PORT_VARIABLE, port.to_string());
            command
        }),
    };
    let row = measure(&bogus, &plan);
    assert!(row.failed(), "{row:?}");
    let note = row.note.clone().unwrap_or_default();
    assert!(
        note.contains("the reply differs from the message at byte "),
        "{note}"
    );
    let port = port_seen.lock().unwrap().expect("the server was started");
    let refused = TcpStream::connect((Ipv4Addr::LOCALHOST, port));
    assert!(refused.is_err(), "the bogus server still accepts");
    assert_eq!(children(), Vec::<String>::new(), "processes left running");

    // A server that cannot start, and one that exits at once.
    for (program, expected) in [
        (
            "/nonexistent/echo-server",
            "cannot start /nonexistent/echo-server",
        ),
        ("true", "the server exited (exit status: 0)"),
    ] {
        let contestant = Contestant {
            name: program.into(),
            python: false,
            start: Box::new(move |_| Command::new(program)),
        };
        let row = measure(&contestant, &plan);
        assert!(row.failed());
        let note = row.note.unwrap_or_default();
        assert!(note.starts_with(expected), "{note}");
        assert_eq!(children(), Vec::<String>::new());
    }
}
