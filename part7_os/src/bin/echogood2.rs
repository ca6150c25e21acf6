//! # echogood2: a concurrent echo server (slide 167; original: `echogood2.py`)
//!
//! `echogood` without the "I'm alive!" task: a quiet echo server on step
//! 6 (`pyos7`), with no threads, serving every client at once.
//!
//! Run it: `cargo run --release --bin echogood2` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`. It prints `Server starting`, and
//! `Connection from ...`, `Client closed` and `Task N terminated` as
//! clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos7::{NewTask, ReadWait, Scheduler, Sys, WriteWait};
use part7_os::socket::{Listener, ServerArgs, log, python_addr};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: handle_client
fn handle_client(
    sys: &Sys,
    client: TcpStream,
    addr: SocketAddr,
) -> io::Result<()> {
    println!("Connection from {}", python_addr(addr));
    // Python's socket blocks: a `send` longer than the room the socket
    // has waits, and every task with it. Ours takes what fits.
    client.set_nonblocking(true)?;
    let client = Rc::new(client); // the scheduler holds it while we wait
    let mut buf = [0; 65536]; // on the task's own stack: no allocation
    loop {
        sys.call(ReadWait(client.clone()));
        let n = (&*client).read(&mut buf)?;
        if n == 0 {
            break;
        }
        // Python sends once, and loses what `send` did not take.
        let mut data = &buf[..n];
        while !data.is_empty() {
            sys.call(WriteWait(client.clone()));
            data = &data[(&*client).write(data)?..];
        }
    }
    drop(client); // Python: client.close()
    println!("Client closed");
    Ok(())
}
// ANCHOR_END: handle_client

// ANCHOR: server
fn server(sys: &Sys, sock: Listener) {
    println!("Server starting");
    let sock = Rc::new(sock);
    loop {
        sys.call(ReadWait(sock.clone()));
        match sock.accept() {
            Ok((client, addr)) => {
                let task = sys.call(NewTask(move |sys: &Sys| {
                    if let Err(e) = handle_client(sys, client, addr) {
                        eprintln!("echogood2: client {addr}: {e}");
                    }
                }));
                // No stack for its task: the client it would own is closed.
                if let Err(e) = task {
                    log("echogood2: no task for a client", &e);
                }
            }
            // A client turned away (no descriptor), or a failed accept.
            Err(e) => log("echogood2", &e),
        }
    }
}
// ANCHOR_END: server

/// A concurrent echo server on coroutines, with no threads.
#[derive(Parser)]
#[command(name = "echogood2")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // Python binds in `server`; here first, so that a port in use is one
    // line and exit status 1. A stack a client: its task's.
    let sock = args.server.listen("echogood2", 1)?;
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| server(sys, sock))?;
    sched.mainloop()?;
    Ok(())
}
