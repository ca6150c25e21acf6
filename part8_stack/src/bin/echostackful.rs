//! # echostackful: the echo server with no trampoline (Part 8's epilogue; no original)
//!
//! What Rust's stackful coroutines change. Python's tasks cannot call a
//! function that yields on their behalf, hence `pyos8`'s trampoline and
//! `echoserver`'s subroutines. A corosensei coroutine can suspend from
//! any depth of ordinary calls: this server's `accept`, `recv` and `send`
//! are plain functions, called as one would call blocking socket
//! functions, and they suspend the calling task while its socket is not
//! ready. (The server: `part8_stack/src/echostackful.rs`; the scheduler
//! and the I/O functions: `part8_stack/src/stackful.rs`.)
//!
//! Each task runs on a stack of `--stack-size` bytes (64 KiB): enough, by
//! measurement (see the slides, and `tests/stack_depth.rs`). `c10k` puts
//! 10,000 connections on this server at once.
//!
//! Run it: `cargo run --release --bin echostackful` (options: `--port`,
//! default 45000, `--host`, default 127.0.0.1, `--backlog`,
//! `--stack-size`, `--spin`), then connect with `nc 127.0.0.1 45000`, or load it
//! with `cargo run --release --bin echoload`. It prints `Server starting`,
//! and `Connection from ...` and `Client closed` as clients come and go.

use clap::Parser;
use clap::builder::RangedU64ValueParser;
use part1_generators::Fail;
use part7_os::net;
use part8_stack::echostackful::{self, STACK_SIZE};
use part8_stack::stacks::{MIN_STACK_SIZE, Stacks};
use std::time::Duration;

/// An echo server whose I/O functions suspend the calling task from any
/// depth: no trampoline.
#[derive(Parser)]
#[command(name = "echostackful")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
    /// Bytes of stack for each task
    #[arg(long, default_value_t = STACK_SIZE, value_parser = stack_size())]
    stack_size: usize,
    /// Microseconds to look for I/O before sleeping, when no task is ready
    #[arg(long, default_value_t = 0, value_name = "MICROS",
          value_parser = RangedU64ValueParser::<u64>::new().range(0..=1_000_000))]
    spin: u64,
}

/// A stack size corosensei accepts, and at most 1 GiB.
fn stack_size() -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(MIN_STACK_SIZE as u64..=1 << 30)
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("echostackful")?)?;
    let stacks = Stacks::new(args.stack_size);
    let spin = Duration::from_micros(args.spin);
    echostackful::run(sock, stacks, net::Stop::new(), spin)?;
    Ok(())
}
