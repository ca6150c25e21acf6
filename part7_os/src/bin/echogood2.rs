//! # echogood2: a concurrent echo server (slide 167; original: `echogood2.py`)
//!
//! `echogood` without the "I'm alive!" task: a quiet echo server with no
//! threads, serving every client at once. (The server:
//! `part7_os/src/echogood.rs`.)
//!
//! Run it: `cargo run --release --bin echogood2` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`, or load it with
//! `cargo run --release --bin echoload`. It prints `Server starting`, and
//! `Connection from ...`, `Client closed` and `Task N terminated` as
//! clients come and go.

use clap::Parser;
use part1_generators::Fail;
use part7_os::{echogood, net};

/// A concurrent echo server on coroutines, with no threads.
#[derive(Parser)]
#[command(name = "echogood2")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("echogood2")?)?;
    echogood::run(sock, false, net::Stop::new());
    Ok(())
}
