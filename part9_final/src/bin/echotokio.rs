//! # echotokio: the production baseline (slide 192; no original)
//!
//! The course races Twisted, coroutines and threads. A Rust programmer
//! writing an echo server for real would reach for tokio, the ecosystem's
//! async runtime: a task per connection, written as straight-line code
//! with `.await` where it may wait, on an event loop built on epoll. It is
//! the yardstick for the workbook's own coroutine servers.
//!
//! Two runtimes: `--flavor current-thread` (the default) runs every task
//! on one thread, as the coroutine schedulers of Parts 7 and 8 do;
//! `--flavor multi-thread` runs a worker thread per core and moves tasks
//! between them. Like the other servers it prints
//! `Connection from <address>` and `Client closed`, listens on 127.0.0.1
//! with a backlog of 1024, and takes `--host` and `--port` (default
//! 45000).
//!
//! Run it with `cargo run --release --bin echotokio` and blast it from
//! another terminal with `cargo run --release --bin runblaster`.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net::ServerArgs;
use part9_final::servers::{Flavor, echotokio};

/// An echo server on the tokio runtime.
#[derive(Parser)]
#[command(name = "echotokio")]
struct Args {
    /// Which tokio runtime runs the tasks
    #[arg(long, value_enum, default_value_t = Flavor::CurrentThread)]
    flavor: Flavor,
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let listener = args.server.open("echotokio")?;
    echotokio(listener, args.flavor)?;
    Ok(())
}
