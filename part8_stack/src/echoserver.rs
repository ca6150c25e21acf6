//! # The server of `echoserver` (slide 183; original: `echoserver.py`)
//!
//! The echo server on step 8. Its I/O is in the library subroutines of
//! [`pyos8`](crate::pyos8), [`accept`], [`recv`] and [`send`], which a
//! task calls by yielding them: `sys.call(recv(&client, 65536))`. Compare
//! Part 7's `echogood.rs`, where each task waits with `ReadWait` and
//! `WriteWait` before every socket call itself.
//!
//! As in Part 7, beyond the original: a client that resets its connection
//! ends its own task and no other, and running out of file descriptors
//! turns one client away, not the server.

use crate::pyos8::{NewTask, Scheduler, Sys, accept, recv, send};
use part7_os::net::{self, Listener, Stop, python_addr};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: handle_client
/// Echoes one client until it closes.
pub fn handle_client(sys: &Sys, client: TcpStream, addr: SocketAddr) {
    println!("Connection from {}", python_addr(addr));
    let client = Rc::new(client);
    if let Err(e) = echo(sys, &client) {
        report(addr, &e);
    }
    println!("Client closed");
    drop(client); // Python: client.close()
}

fn echo(sys: &Sys, client: &Rc<TcpStream>) -> io::Result<()> {
    loop {
        let data = sys.call(recv(client, 65536))?;
        if data.is_empty() {
            return Ok(());
        }
        sys.call(send(client, data))?;
    }
}
// ANCHOR_END: handle_client

/// Reports a client's error, unless it only means that the client left.
pub(crate) fn report(addr: SocketAddr, error: &io::Error) {
    if !net::is_disconnect(error) {
        eprintln!("client {addr}: {error}");
    }
}

// ANCHOR: server
/// Accepts clients and starts a task for each (Python: `server(port)`).
/// Returns when `stop` is requested (tests do that).
pub fn server(sys: &Sys, sock: Listener, stop: Stop) {
    println!("Server starting");
    let sock = Rc::new(sock);
    loop {
        let accepted = sys.call(accept(&sock));
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

/// The program `echoserver`: the server on step 8. It returns once
/// `stop` is requested and every client has gone.
pub fn run(sock: Listener, stop: Stop) {
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| server(sys, sock, stop));
    sched.mainloop();
}
