//! # echoserver2: the echo server with a socket wrapper (slide 186; original: `echoserver2.py`)
//!
//! The echo server of `echoserver`, written with `sockwrap`'s `Socket`,
//! whose methods are subroutines: `client.recv(65536)`,
//! `client.send(data)`. Take away `sys.call(...)` and what is left reads
//! like a server on blocking sockets.
//!
//! Run it: `cargo run --release --bin echoserver2` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`. It prints `Server starting`, and
//! `Connection from ...`, `Client closed` and `Task N terminated` as
//! clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::socket::{Listener, ServerArgs, log, python_addr};
use part8_stack::pyos8::{NewTask, Scheduler, Sys};
use part8_stack::sockwrap::Socket;
use std::io;
use std::net::{SocketAddr, TcpStream};

// ANCHOR: handle_client
fn handle_client(
    sys: &Sys,
    client: Socket<TcpStream>,
    addr: SocketAddr,
) -> io::Result<()> {
    println!("Connection from {}", python_addr(addr));
    loop {
        let data = sys.call(client.recv(65536))?;
        if data.is_empty() {
            break;
        }
        sys.call(client.send(data))?;
    }
    println!("Client closed");
    sys.call(client.close());
    Ok(())
}
// ANCHOR_END: handle_client

// ANCHOR: server
fn server(sys: &Sys, rawsock: Listener) {
    println!("Server starting");
    let sock = Socket::new(rawsock);
    loop {
        match sys.call(sock.accept()) {
            Ok((client, addr)) => {
                let task = sys.call(NewTask(move |sys: &Sys| {
                    if let Err(e) = handle_client(sys, client, addr) {
                        eprintln!("echoserver2: client {addr}: {e}");
                    }
                }));
                // No stack for its task: the client it would own is closed.
                if let Err(e) = task {
                    log("echoserver2: no task for a client", &e);
                }
            }
            // A client turned away (no descriptor), or a failed accept.
            Err(e) => log("echoserver2", &e),
        }
    }
}
// ANCHOR_END: server

/// A concurrent echo server on a socket wrapper whose methods are
/// coroutines.
#[derive(Parser)]
#[command(name = "echoserver2")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // Python makes `rawsock` in `server`; here first, so that a port in
    // use is one line and exit status 1.
    // Two stacks a client: its task's, and a call's.
    let rawsock = args.server.listen("echoserver2", 2)?;
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| server(sys, rawsock))?;
    sched.mainloop()?;
    Ok(())
}
