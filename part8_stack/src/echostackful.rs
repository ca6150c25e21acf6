//! # The server of `echostackful`: Part 8's epilogue
//!
//! The echo server of `echoserver`, on the [`stackful`](crate::stackful)
//! scheduler: its I/O routines are ordinary functions, called like
//! blocking socket calls, from any depth. `handle_client` calls `echo`,
//! which calls `recv`, which calls `sys.wait`, which suspends the task
//! with all four frames on its stack.

use crate::echoserver::report;
use crate::stackful::{Scheduler, Sys, accept, recv, send};
use crate::stacks::Stacks;
use part7_os::net::{Listener, Stop, python_addr};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

/// The stack size of each task, in bytes (`--stack-size`). Measured
/// (`tests/stack_depth.rs`, and the slides): serving a client takes a
/// task less than 3 KB of stack, and the deepest path, a panic printing
/// its message and a backtrace, about 22 KB. 64 KiB holds that with room
/// to spare. Only the pages a task touches cost memory: one, here.
pub const STACK_SIZE: usize = 64 * 1024;

/// The bytes each task reads at a time, into a buffer it keeps while its
/// client is connected. The originals read 64 KiB at a time; here, with
/// many idle connections, the buffer is most of a connection's memory
/// (see the slides).
pub const BUFFER_SIZE: usize = 16 * 1024;

// ANCHOR: handle_client
/// Echoes one client until it closes.
pub fn handle_client(sys: &Sys, client: TcpStream, addr: SocketAddr) {
    println!("Connection from {}", python_addr(addr));
    let client = Rc::new(client);
    if let Err(e) = echo(sys, &client) {
        report(addr, &e);
    }
    println!("Client closed");
}

fn echo(sys: &Sys, client: &Rc<TcpStream>) -> io::Result<()> {
    let mut buf = vec![0; BUFFER_SIZE];
    loop {
        let n = recv(sys, client, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        send(sys, client, &buf[..n])?;
    }
}
// ANCHOR_END: handle_client

// ANCHOR: server
/// Accepts clients and starts a task for each. Returns when `stop` is
/// requested (tests do that).
pub fn server(sys: &Sys, sock: Listener, stop: Stop) {
    println!("Server starting");
    let sock = Rc::new(sock);
    loop {
        let accepted = accept(sys, &sock);
        if stop.requested() {
            return;
        }
        match accepted {
            Ok((client, addr)) => {
                let task = move |sys: &Sys| handle_client(sys, client, addr);
                if let Err(e) = sys.spawn(task) {
                    // No room for its stack: that client's connection is
                    // closed (the task and its socket are dropped).
                    eprintln!("server: no task for {addr}: {e}");
                }
            }
            Err(e) => eprintln!("server: {e}"),
        }
    }
}
// ANCHOR_END: server

// ANCHOR: run
/// The program `echostackful`: the server's tasks on stacks from
/// `stacks`, looking for I/O for up to `spin` before it sleeps
/// ([`Scheduler::set_spin`]). It returns once `stop` is requested and
/// every client has gone, with the stacks, for what they can tell.
pub fn run(
    sock: Listener,
    stacks: Stacks,
    stop: Stop,
    spin: Duration,
) -> io::Result<Stacks> {
    let mut sched = Scheduler::new(stacks);
    sched.set_spin(spin);
    sched.spawn(move |sys: &Sys| server(sys, sock, stop))?;
    sched.run()?;
    Ok(sched.into_stacks())
}
// ANCHOR_END: run
