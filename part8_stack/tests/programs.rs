//! The lessons as programs: the exact outputs of trampoline and pyos8,
//! what each server says as a client comes and goes (as the originals
//! say it), and every server naming the port it cannot use.

#[path = "../../part7_os/tests/common/mod.rs"]
mod common;

use common::{Running, run_to_end};
use std::io::Read;
use std::net::{Shutdown, TcpListener};
use std::time::Duration;

const SOON: Duration = Duration::from_secs(30);

const SERVERS: [&str; 4] = [
    env!("CARGO_BIN_EXE_echoserver"),
    env!("CARGO_BIN_EXE_echoserver2"),
    env!("CARGO_BIN_EXE_twistedecho"),
    env!("CARGO_BIN_EXE_echostackful"),
];

#[test]
fn trampoline_prints_4() {
    let run = run_to_end(env!("CARGO_BIN_EXE_trampoline"), &[], SOON);
    assert_eq!((run.stdout.as_str(), run.code), ("4\n", Some(0)));
}

#[test]
fn pyos8s_example_sends_and_receives_4_mib_through_subroutines() {
    let run = run_to_end(env!("CARGO_BIN_EXE_pyos8"), &[], SOON);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = "\
reader: receiving until the writer closes
writer: sending 4194304 bytes
writer: sent them all; closing
Task 2 terminated
reader: received 4194304 bytes
Task 1 terminated
Task 3 terminated
";
    assert_eq!(run.stdout, expected);
}

/// Starts `program`, has one client echo a line and leave, and returns
/// the `expected_lines` lines the server printed meanwhile, and the
/// client's port.
fn one_client(program: &str, expected_lines: usize) -> (Vec<String>, u16) {
    let (server, addr) = Running::server(program);
    let mut client = common::connect(addr);
    let port = client.local_addr().expect("a local address").port();
    common::echo_once(&mut client, b"hello\n");
    client.shutdown(Shutdown::Write).expect("cannot shut down");
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).expect("no close");
    assert!(rest.is_empty(), "{program} echoed more than was sent");
    let lines = (0..expected_lines).map_while(|_| server.next_line(SOON));
    (lines.collect(), port)
}

#[test]
fn the_coroutine_servers_say_what_the_originals_say() {
    // pyos8 also says when the client's task ends (task 3: the server is
    // task 1, the polling task 2); the stackful scheduler does not number
    // its tasks.
    for (program, terminated) in
        [(SERVERS[0], true), (SERVERS[1], true), (SERVERS[3], false)]
    {
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
    let (lines, _) = one_client(SERVERS[2], 1);
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
        let expected = format!(
            "Error: cannot listen on 127.0.0.1:{port}: Address already in \
             use (os error 98)\n"
        );
        assert_eq!(run.stderr, expected, "{server}");
    }
}
