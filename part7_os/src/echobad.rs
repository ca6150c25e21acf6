//! # The server of `echobad` (slide 153): blocking calls in tasks
//!
//! An echo server on the step-6 scheduler whose tasks call the socket
//! functions directly, as `echobad.py` does. Those calls block: while
//! `accept` waits for a client, or `recv` for a client's data, the whole
//! program waits with them, because the scheduler runs nothing else until
//! the running task yields. The "I'm alive!" task stops printing. That
//! freeze is the lesson; `echogood` is the cure.

use crate::net::{self, python_addr};
use crate::pyos6::{NewTask, Scheduler, Sys};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

// ANCHOR: handle_client
/// Echoes one client until it closes, blocking all the while.
pub fn handle_client(client: TcpStream, addr: SocketAddr) {
    println!("Connection from {}", python_addr(addr));
    if let Err(e) = echo(&client)
        && !net::is_disconnect(&e)
    {
        eprintln!("client {addr}: {e}");
    }
    drop(client); // Python: client.close()
    println!("Client closed");
    // Python: a final `yield` makes this function a generator, so that it
    // can be a task. In Rust any function can be a task.
}

fn echo(mut client: &TcpStream) -> io::Result<()> {
    let mut buf = vec![0; 65536];
    loop {
        let n = client.read(&mut buf)?; // blocks everything
        if n == 0 {
            return Ok(());
        }
        client.write_all(&buf[..n])?; // so may this
    }
}
// ANCHOR_END: handle_client

// ANCHOR: server
/// Accepts clients and starts a task for each (Python: `server(port)`).
pub fn server(sys: &Sys, sock: TcpListener) {
    println!("Server starting");
    loop {
        match sock.accept() {
            // `accept` blocked everything until a client came.
            Ok((client, addr)) => {
                sys.call(NewTask::new(move |_: &Sys| {
                    handle_client(client, addr)
                }));
            }
            Err(e) => eprintln!("server: {e}"),
        }
    }
}
// ANCHOR_END: server

// ANCHOR: alive
/// Prints a line at each of its turns: it shows whether it gets any.
pub fn alive(sys: &Sys) {
    loop {
        println!("I'm alive!");
        sys.yield_();
    }
}
// ANCHOR_END: alive

/// The program `echobad`: the alive task and the server, on step 6. The
/// socket is bound beforehand (Python binds it inside `server`), so that
/// a port in use is reported before anything starts.
pub fn run(sock: TcpListener) {
    let mut sched = Scheduler::default();
    sched.new(alive);
    sched.new(move |sys: &Sys| server(sys, sock));
    sched.mainloop();
}
