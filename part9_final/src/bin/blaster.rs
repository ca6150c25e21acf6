//! # blaster: the contest's load client (slide 192; original: `blaster.py`)
//!
//! Opens 300 connections to the echo server at 127.0.0.1:45000, then
//! 100,000 times picks a connection at random, sends a 1024-byte message
//! on it and waits until all 1024 bytes have come back. It prints the
//! message number every 10,000 messages, as the original does, and then a
//! summary: messages per second and round-trip latency (p50, p99).
//!
//! Where Rust departs from the Python:
//! - Every reply is compared with the message, byte for byte, and the
//!   messages are random bytes (the original sends 1024 `x`s and only
//!   counts what comes back). A wrong, short or extra reply is an error.
//! - Blocking sockets instead of `select()`: one message is in flight at a
//!   time anyway, so write it and read the reply. Messages longer than
//!   64 KiB go in 64 KiB steps, each read back before the next is written,
//!   which the original's `select()` loop did by interleaving.
//! - The original connects to `localhost`; this one to 127.0.0.1.
//!
//! Start a server first, in another terminal, then run the blaster:
//! `cargo run --release --bin echothread`, then
//! `cargo run --release --bin blaster`. Options: `--connections`,
//! `--messages`, `--size`, `--server host:port` (see `--help`).

use std::process::ExitCode;

use clap::Parser;
use part9_final::runner::{BlasterArgs, blaster_main};

fn main() -> ExitCode {
    part1_generators::exit_quietly_on_closed_pipe();
    blaster_main(&BlasterArgs::parse(), false)
}
