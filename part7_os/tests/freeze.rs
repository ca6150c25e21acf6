//! echobad freezes, and it is the blocking call's fault; echogood does
//! not. Both run as real programs on a port of their choosing, with real
//! clients.
//!
//! A freeze is something not happening, so two of these checks watch for
//! a short while that nothing is printed. The other evidence does not
//! depend on time: the order of the lines (no "I'm alive!" between a
//! client's arrival and its departure), the kernel's word for where the
//! frozen server sleeps (in `recvfrom`), and the second client, served
//! only once the first one has left.

mod common;

use common::{Running, eventually};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const SOON: Duration = Duration::from_secs(20);
const QUIET: Duration = Duration::from_millis(300);

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, SOON).unwrap();
    stream.set_read_timeout(Some(SOON)).unwrap();
    stream.set_write_timeout(Some(SOON)).unwrap();
    stream
}

fn echo(stream: &mut TcpStream, message: &[u8]) {
    stream.write_all(message).unwrap();
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).unwrap();
    assert_eq!(back, message);
}

/// The system call the process's (only) thread is blocked in, by name,
/// where the kernel says and we know the numbers.
fn blocked_in(pid: u32) -> Option<&'static str> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    let number: i64 = text.split_whitespace().next()?.parse().ok()?;
    let (recvfrom, accept4) = if cfg!(target_arch = "x86_64") {
        (45, 288)
    } else if cfg!(target_arch = "aarch64") {
        (207, 242)
    } else {
        return None;
    };
    match number {
        n if n == recvfrom => Some("recvfrom"),
        n if n == accept4 => Some("accept4"),
        _ => Some("another system call"),
    }
}

#[test]
fn echobad_freezes_while_a_client_holds_the_server() {
    let (server, addr) = Running::server(env!("CARGO_BIN_EXE_echobad"));
    assert_eq!(server.next_line(SOON).as_deref(), Some("Server starting"));
    assert_eq!(server.alive_count(), 1);
    // No client yet: the server blocks in accept, and with it everything.
    if let Some(call) = blocked_in(server.pid()) {
        assert_eq!(call, "accept4");
    }

    let mut first = connect(addr);
    let line = server.next_line(SOON).unwrap();
    assert!(line.starts_with("Connection from ('127.0.0.1', "), "{line}");
    echo(&mut first, b"ping");
    let alive_then = server.alive_count();

    // The first client holds the server: its task blocks in recv, and
    // the scheduler with it. Nothing is printed, and the kernel says where
    // the program sleeps.
    assert!(
        eventually(SOON, || blocked_in(server.pid())
            .is_none_or(|c| c == "recvfrom")),
        "not blocked in recvfrom: {:?}",
        blocked_in(server.pid())
    );
    assert_eq!(server.lines_within(QUIET), Vec::<String>::new());
    let mut second = connect(addr);
    second.write_all(b"anyone?").unwrap();
    second.set_read_timeout(Some(QUIET)).unwrap();
    let mut buf = [0; 16];
    let err = second.read(&mut buf).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut
    ));
    assert_eq!(server.alive_count(), alive_then, "alive ran while frozen");

    // The first client leaves: its task ends, the others get their turns,
    // and only now is the second client accepted and served.
    drop(first);
    assert_eq!(server.next_line(SOON).as_deref(), Some("Client closed"));
    assert!(server.line_starting("Connection from", SOON).is_some());
    assert!(server.alive_count() > alive_then, "alive never ran again");
    second.set_read_timeout(Some(SOON)).unwrap();
    let mut back = [0; 7];
    second.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"anyone?");
}

#[test]
fn echogood_keeps_everything_running_while_clients_wait() {
    let (server, addr) = Running::server(env!("CARGO_BIN_EXE_echogood"));
    assert_eq!(server.next_line(SOON).as_deref(), Some("Server starting"));

    let mut first = connect(addr);
    let line = server.next_line(SOON).unwrap();
    assert!(line.starts_with("Connection from ('127.0.0.1', "), "{line}");
    // The first client sends nothing, yet the alive task goes on.
    let alive_then = server.alive_count();
    assert!(
        eventually(SOON, || server.alive_count() > alive_then + 1000),
        "the alive task stopped while a client waited"
    );
    // And a second client is served while the first still holds on.
    let mut second = connect(addr);
    echo(&mut second, b"anyone?");
    echo(&mut first, b"ping");
    drop(second);
    let line = server.next_line(SOON).unwrap();
    assert!(line.starts_with("Connection from"), "{line}");
    assert_eq!(server.next_line(SOON).as_deref(), Some("Client closed"));
}
