//! The servers as programs: each starts on a port of its choosing, says
//! what the original says as a client comes and goes, and names the port
//! it cannot use. (The exact outputs of trampoline, pyos8 and sockwrap are
//! pinned by the slides' console blocks, see `slides.rs`; bad options by
//! `tests/cmd/`.)

use part7_os::testing::{self, Running, run_to_end};
use std::net::{Shutdown, TcpListener};
use std::time::Duration;

const SOON: Duration = Duration::from_secs(30);

const SERVERS: [&str; 4] = [
    env!("CARGO_BIN_EXE_echoserver"),
    env!("CARGO_BIN_EXE_echoserver2"),
    env!("CARGO_BIN_EXE_twistedecho"),
    env!("CARGO_BIN_EXE_echostackful"),
];

/// Starts `program` on a free port, has one client echo a line and
/// leave, and returns the lines the server printed meanwhile.
fn one_client(program: &str, expected_lines: usize) -> (Vec<String>, u16) {
    let mut server = Running::start(program, &["--port", "0"]);
    let addr = server.listening_address();
    let mut client = testing::connect(addr);
    let port = client.local_addr().expect("a local address").port();
    testing::echo_once(&mut client, b"hello\n");
    client.shutdown(Shutdown::Write).expect("cannot shut down");
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut client, &mut rest).expect("no close");
    assert!(rest.is_empty(), "{program} echoed more than was sent");
    let lines = (0..expected_lines)
        .map_while(|_| server.next_line(SOON))
        .collect();
    (lines, port)
}

#[test]
fn the_coroutine_servers_say_what_the_originals_say() {
    for (program, terminated) in [
        (env!("CARGO_BIN_EXE_echoserver"), true),
        (env!("CARGO_BIN_EXE_echoserver2"), true),
        (env!("CARGO_BIN_EXE_echostackful"), false),
    ] {
        // pyos8 also says when the client's task ends (task 3: the
        // server is task 1, the polling task 2); the stackful scheduler
        // does not number its tasks.
        let (lines, port) = one_client(program, 3 + usize::from(terminated));
        let mut expected = vec![
            "Server starting".to_string(),
            format!("Connection from ('127.0.0.1', {port})"),
            "Client closed".to_string(),
        ];
        if terminated {
            expected.push("Task 3 terminated".to_string());
        }
        assert_eq!(lines, expected, "{program}");
    }
}

#[test]
fn twistedecho_says_what_the_original_says() {
    let (lines, _) = one_client(env!("CARGO_BIN_EXE_twistedecho"), 1);
    assert_eq!(lines, ["Got a connection"]);
}

#[test]
fn every_server_names_the_port_it_cannot_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for server in SERVERS {
        let run = run_to_end(server, &["--port", &port], SOON);
        assert_eq!(run.code, Some(1), "{server}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{server} started anyway");
        let line = run.stderr.trim_end();
        assert!(!line.contains('\n'), "{server}: more than one line: {line}");
        assert!(
            line.contains(&format!("127.0.0.1:{port}"))
                && line.contains("in use"),
            "{server}: {line}"
        );
    }
}
