//! # echoserver: the echo server on pyos8 (slide 183; original: `echoserver.py`)
//!
//! A concurrent echo server whose I/O is in library subroutines: a task
//! calls `recv`, `send` and `accept` by yielding them to pyos8's
//! trampoline (`sys.call(recv(&client, 65536))`), and gets their results.
//! Compare Part 7's `echogood`, whose tasks wait with `ReadWait` and
//! `WriteWait` before every socket call themselves.
//!
//! Python's `echoserver.py` listens with a backlog of 5; this one with
//! 1024, like `echoserver2.py`: with 5, a crowd of clients connecting at
//! once waits seconds for retries (see the slides).
//!
//! Run it: `cargo run --release --bin echoserver` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`. It prints `Server starting`, and
//! `Connection from ...`, `Client closed` and `Task N terminated` as
//! clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::socket::{Listener, ServerArgs, log, python_addr};
use part8_stack::pyos8::{NewTask, Scheduler, Sys, accept, recv, send};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: handle_client
fn handle_client(
    sys: &Sys,
    client: TcpStream,
    addr: SocketAddr,
) -> io::Result<()> {
    println!("Connection from {}", python_addr(addr));
    let client = Rc::new(client);
    loop {
        let data = sys.call(recv(&client, 65536))?;
        if data.is_empty() {
            break;
        }
        sys.call(send(&client, data))?;
    }
    println!("Client closed");
    drop(client); // Python: client.close()
    Ok(())
}
// ANCHOR_END: handle_client

// ANCHOR: server
fn server(sys: &Sys, sock: Listener) {
    println!("Server starting");
    let sock = Rc::new(sock);
    loop {
        match sys.call(accept(&sock)) {
            Ok((client, addr)) => {
                let task = sys.call(NewTask(move |sys: &Sys| {
                    if let Err(e) = handle_client(sys, client, addr) {
                        eprintln!("echoserver: client {addr}: {e}");
                    }
                }));
                // No stack for its task: the client it would own is closed.
                if let Err(e) = task {
                    log("echoserver: no task for a client", &e);
                }
            }
            // A client turned away (no descriptor), or a failed accept.
            Err(e) => log("echoserver", &e),
        }
    }
}
// ANCHOR_END: server

/// A concurrent echo server whose I/O is in coroutine subroutines.
#[derive(Parser)]
#[command(name = "echoserver")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // Python binds in `server`; here first, so that a port in use is one
    // line and exit status 1. Two stacks a client: its task's, and a call's.
    let sock = args.server.listen("echoserver", 2)?;
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| server(sys, sock))?;
    sched.mainloop()?;
    Ok(())
}
