//! # echothread: one thread per connection (slide 192; original: `echothread.py`)
//!
//! The contest's thread server: each accepted connection gets its own
//! operating-system thread, which reads up to 64 KiB and writes it back
//! until the client closes. It prints `Connection from <address>` and
//! `Client closed` for each client, as the original does.
//!
//! Where Rust departs from the Python:
//! - Python's `socketserver.ThreadingTCPServer` does the accepting and the
//!   threads; here they are a dozen lines (`servers::echothread`).
//! - The listen backlog, 1024 as in the original, is set through the
//!   `socket2` crate: the standard library's `TcpListener::bind` picks
//!   its own.
//! - The address prints as `127.0.0.1:54321`, not as Python's tuple
//!   `('127.0.0.1', 54321)`.
//! - It listens on 127.0.0.1 (the original on every interface):
//!   `--host 0.0.0.0` opts in.
//! - Python's threads take turns holding the interpreter lock; these run
//!   on both cores at once.
//!
//! Run it with `cargo run --release --bin echothread` (port 45000, or
//! `--port N`) and blast it from another terminal with
//! `cargo run --release --bin runblaster`.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net::ServerArgs;
use part9_final::servers::echothread;

/// A thread-per-connection echo server.
#[derive(Parser)]
#[command(name = "echothread")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let listener = args.server.open("echothread")?;
    echothread(listener)?;
    Ok(())
}
