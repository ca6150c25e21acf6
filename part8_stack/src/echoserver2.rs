//! # The server of `echoserver2` (slide 186; original: `echoserver2.py`)
//!
//! The echo server once more, written with the socket wrapper of
//! [`sockwrap`](crate::sockwrap): `client.recv(65536)` and
//! `client.send(data)` are subroutines that the task calls by yielding
//! them. It reads like a server using plain sockets, with `sys.call`
//! where Python writes `yield`.

use crate::echoserver::report;
use crate::pyos8::{NewTask, Scheduler, Sys};
use crate::sockwrap::Socket;
use part7_os::net::{Listener, Stop, python_addr};
use std::io;
use std::net::{SocketAddr, TcpStream};

// ANCHOR: handle_client
/// Echoes one client until it closes.
pub fn handle_client(sys: &Sys, client: Socket<TcpStream>, addr: SocketAddr) {
    println!("Connection from {}", python_addr(addr));
    if let Err(e) = echo(sys, &client) {
        report(addr, &e);
    }
    println!("Client closed");
    sys.call(client.close());
}

fn echo(sys: &Sys, client: &Socket<TcpStream>) -> io::Result<()> {
    loop {
        let data = sys.call(client.recv(65536))?;
        if data.is_empty() {
            return Ok(());
        }
        sys.call(client.send(data))?;
    }
}
// ANCHOR_END: handle_client

// ANCHOR: server
/// Accepts clients and starts a task for each (Python: `server(port)`).
/// Returns when `stop` is requested (tests do that).
pub fn server(sys: &Sys, rawsock: Listener, stop: Stop) {
    println!("Server starting");
    let sock = Socket::new(rawsock);
    loop {
        let accepted = sys.call(sock.accept());
        if stop.requested() {
            return;
        }
        match accepted {
            Ok((client, addr)) => {
                sys.call(NewTask::new(move |sys: &Sys| {
                    handle_client(sys, client, addr)
                }));
            }
            Err(e) => eprintln!("server: {e}"),
        }
    }
}
// ANCHOR_END: server

/// The program `echoserver2`: the server on step 8 and the wrapper. It
/// returns once `stop` is requested and every client has gone.
pub fn run(sock: Listener, stop: Stop) {
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| server(sys, sock, stop));
    sched.mainloop();
}
