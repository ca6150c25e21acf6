//! # echogood: an echo server that works (slide 166; original: `echogood.py`)
//!
//! The echo server on the step-7 scheduler: before each socket call, a
//! task waits with `ReadWait` or `WriteWait` until the call cannot block.
//! While one task waits, the others run: the "I'm alive!" task prints all
//! the while, and any number of clients are served at once, with no
//! threads. (The server: `part7_os/src/echogood.rs`.)
//!
//! Run it: `cargo run --bin echogood` (options: `--port`, default 45000,
//! and `--host`, default 127.0.0.1). `I'm alive!` scrolls by without end;
//! connect with `nc 127.0.0.1 45000` in other terminals, type, and get
//! your lines back, with `Connection from ...` and `Client closed` in
//! between the alive lines. `echogood2` is the same without the noise.

use clap::Parser;
use part1_generators::Fail;
use part7_os::{echogood, net};

/// An echo server whose tasks wait for I/O: everything keeps running.
#[derive(Parser)]
#[command(name = "echogood")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("echogood")?)?;
    echogood::run(sock, true, net::Stop::new());
    Ok(())
}
