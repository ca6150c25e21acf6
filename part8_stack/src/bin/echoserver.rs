//! # echoserver: the echo server on step 8 (slide 183; original: `echoserver.py`)
//!
//! A concurrent echo server whose I/O is in library subroutines: a task
//! calls `recv`, `send` and `accept` by yielding them to step 8's
//! trampoline, and gets their results. (The server:
//! `part8_stack/src/echoserver.rs`; the step: `part8_stack/src/pyos8.rs`.)
//!
//! Python's `echoserver.py` listens with a backlog of 5; this one with
//! 1024, like `echoserver2.py` (`--backlog` to change it): with 5, a crowd
//! of clients connecting at once waits seconds for retries (see the
//! slides).
//!
//! Run it: `cargo run --release --bin echoserver` (options: `--port`,
//! default 45000, `--host`, default 127.0.0.1, `--backlog`), then connect
//! with `nc 127.0.0.1 45000`, or load it with
//! `cargo run --release --bin echoload`. It prints `Server starting`, and
//! `Connection from ...`, `Client closed` and `Task N terminated` as
//! clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net;
use part8_stack::echoserver;

/// A concurrent echo server whose I/O is in coroutine subroutines.
#[derive(Parser)]
#[command(name = "echoserver")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("echoserver")?)?;
    echoserver::run(sock, net::Stop::new());
    Ok(())
}
