//! # echobad: an echo server that freezes (slide 153; original: `echobad.py`)
//!
//! An echo server on the step-6 scheduler, written the obvious way: the
//! server task calls `accept`, each client task calls `recv` and `send`.
//! Those calls block, and a blocked task blocks the whole scheduler: the
//! "I'm alive!" task, which should print at every turn, prints once and
//! then only between clients. (The server: `part7_os/src/echobad.rs`.)
//!
//! Run it: `cargo run --bin echobad` (options: `--port`, default 45000,
//! and `--host`, default 127.0.0.1). It prints `I'm alive!` and
//! `Server starting`, then nothing. In another terminal, `nc 127.0.0.1
//! 45000`: you get `Connection from ...`, and your lines echoed, but no
//! `I'm alive!` until you end `nc` (Ctrl-D), and a second `nc` meanwhile
//! gets no echo at all.

use clap::Parser;
use part1_generators::Fail;
use part7_os::{echobad, net};

/// An echo server whose blocking calls freeze every other task.
#[derive(Parser)]
#[command(name = "echobad")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = args.server.open("echobad")?;
    echobad::run(sock);
    Ok(())
}
