//! # echoserver2: the echo server with a socket wrapper (slide 186; original: `echoserver2.py`)
//!
//! The echo server of `echoserver`, written with `sockwrap`'s `Socket`,
//! whose methods are subroutines: `client.recv(65536)`,
//! `client.send(data)`. (The server: `part8_stack/src/echoserver2.rs`.)
//!
//! Run it: `cargo run --release --bin echoserver2` (options: `--port`,
//! default 45000, `--host`, default 127.0.0.1, `--backlog`, default 1024
//! as in the original), then connect with `nc 127.0.0.1 45000`, or load
//! it with `cargo run --release --bin echoload`. It prints
//! `Server starting`, and `Connection from ...`, `Client closed` and
//! `Task N terminated` as clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net;
use part8_stack::echoserver2;

/// A concurrent echo server on a socket wrapper whose methods are
/// coroutines.
#[derive(Parser)]
#[command(name = "echoserver2")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("echoserver2")?)?;
    echoserver2::run(sock, net::Stop::new());
    Ok(())
}
