//! # echobad: an echo server that freezes (slide 153; original: `echobad.py`)
//!
//! An echo server on pyos6, written the obvious way: the server task
//! calls `accept`, each client's task calls `recv` and `send`. Those calls
//! block, and a task that blocks blocks the whole scheduler: the "I'm
//! alive!" task, which should print at each of its turns, prints once and
//! then only between clients.
//!
//! Run it: `cargo run --bin echobad` (options: `--port`, default 45000,
//! and `--host`, default 127.0.0.1). It prints `I'm alive!` and
//! `Server starting`, then nothing. In another terminal,
//! `nc 127.0.0.1 45000`: you get `Connection from ...` and your lines
//! echoed, but no `I'm alive!` until you end `nc` (Ctrl-D), and a second
//! `nc` meanwhile gets no echo at all.

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos6::{NewTask, Scheduler, Sys};
use part7_os::socket::{Listener, ServerArgs, python_addr};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

// ANCHOR: handle_client
fn handle_client(mut client: TcpStream, addr: SocketAddr) -> io::Result<()> {
    println!("Connection from {}", python_addr(addr));
    let mut buf = vec![0; 65536];
    loop {
        let n = client.read(&mut buf)?; // blocks, and every task with it
        if n == 0 {
            break;
        }
        client.write_all(&buf[..n])?;
    }
    drop(client); // Python: client.close()
    println!("Client closed");
    // Python yields here only to make the function a generator, so that
    // it can be a task. Any Rust function can be a task's body.
    Ok(())
}
// ANCHOR_END: handle_client

// ANCHOR: server
fn server(sys: &Sys, sock: Listener) {
    println!("Server starting");
    loop {
        match sock.accept() {
            // `accept` blocked every task until a client came.
            Ok((client, addr)) => {
                sys.call(NewTask(move |_: &Sys| {
                    if let Err(e) = handle_client(client, addr) {
                        eprintln!("echobad: client {addr}: {e}");
                    }
                }));
            }
            Err(e) => eprintln!("echobad: {e}"),
        }
    }
}
// ANCHOR_END: server

// ANCHOR: alive
fn alive(sys: &Sys) {
    loop {
        println!("I'm alive!");
        sys.yield_();
    }
}
// ANCHOR_END: alive

/// An echo server whose blocking calls freeze every other task.
#[derive(Parser)]
#[command(name = "echobad")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // Python binds in `server`; here first, so that a port in use is one
    // line and exit status 1. A stack a client: its task's.
    let sock = args.server.listen("echobad", 1)?;
    let mut sched = Scheduler::default();
    sched.new(alive);
    sched.new(move |sys: &Sys| server(sys, sock));
    sched.mainloop();
    Ok(())
}
