//! # The server of `echogood` and `echogood2` (slides 166-167)
//!
//! The echo server again, on the step-7 scheduler. Before each socket call
//! a task waits, with a system call, until the socket is ready: the call
//! then never blocks, and while one task waits, the others run.
//!
//! Beyond the originals, which a stray client can bring down:
//! - a reply the socket does not take at once is sent in pieces, each
//!   after a `WriteWait` (Python's single `send` drops the rest);
//! - a client that resets its connection or vanishes mid-message ends its
//!   own task quietly, and no other;
//! - running out of file descriptors turns one client away, not the
//!   server (see [`Listener`]).

use crate::net::{self, Listener, Stop, python_addr};
use crate::pyos7::{NewTask, ReadWait, Scheduler, Sys, WriteWait};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: handle_client
/// Echoes one client until it closes, never blocking.
pub fn handle_client(sys: &Sys, client: TcpStream, addr: SocketAddr) {
    println!("Connection from {}", python_addr(addr));
    let client = Rc::new(client); // the scheduler holds it while we wait
    if let Err(e) = echo(sys, &client)
        && !net::is_disconnect(&e)
    {
        eprintln!("client {addr}: {e}");
    }
    drop(client); // Python: client.close()
    println!("Client closed");
}

fn echo(sys: &Sys, client: &Rc<TcpStream>) -> io::Result<()> {
    let mut buf = vec![0; 65536];
    loop {
        sys.call(ReadWait::new(client))?;
        let Some(n) = net::recv(client, &mut buf)? else {
            continue; // nothing after all: wait again
        };
        if n == 0 {
            return Ok(()); // the client closed
        }
        let mut data = &buf[..n];
        while !data.is_empty() {
            sys.call(WriteWait::new(client))?;
            if let Some(sent) = net::send(client, data)? {
                data = &data[sent..];
            }
        }
    }
}
// ANCHOR_END: handle_client

// ANCHOR: server
/// Accepts clients and starts a task for each (Python: `server(port)`).
/// Returns when `stop` is requested (tests do that).
pub fn server(sys: &Sys, sock: Listener, stop: Stop) {
    println!("Server starting");
    let sock = Rc::new(sock);
    loop {
        if let Err(e) = sys.call(ReadWait::new(&sock)) {
            eprintln!("server: {e}");
            return;
        }
        if stop.requested() {
            return;
        }
        match sock.accept() {
            Ok(Some((client, addr))) => {
                sys.call(NewTask::new(move |sys: &Sys| {
                    handle_client(sys, client, addr)
                }));
            }
            Ok(None) => {} // gone before we took it
            Err(e) => eprintln!("server: {e}"),
        }
    }
}
// ANCHOR_END: server

// ANCHOR: alive
/// Prints a line at each of its turns: it shows whether it gets any.
pub fn alive(sys: &Sys, stop: Stop) {
    while !stop.requested() {
        println!("I'm alive!");
        sys.yield_();
    }
}
// ANCHOR_END: alive

// ANCHOR: run
/// The programs `echogood` (with the alive task) and `echogood2`
/// (without): the server on step 7. It returns once `stop` is requested
/// and every client has gone.
pub fn run(sock: Listener, with_alive: bool, stop: Stop) {
    let mut sched = Scheduler::default();
    if with_alive {
        let stop = stop.clone();
        sched.new(move |sys: &Sys| alive(sys, stop));
    }
    sched.new(move |sys: &Sys| server(sys, sock, stop));
    sched.mainloop();
}
// ANCHOR_END: run
