//! # twistedecho: the echo server in the callback style (slide 187; original: `twistedecho.py`)
//!
//! The same echo server as `echoserver`, written the way the Twisted
//! framework has it: a protocol object whose callbacks a reactor (the
//! event loop) calls, `connection_made` and `data_received`, and no
//! coroutines at all. The original uses Twisted; this one a small reactor
//! of the workbook's own, on the same readiness poller as the coroutine
//! servers, so that the two styles can be compared line for line. (The
//! server: `part8_stack/src/twistedecho.rs`; the reactor:
//! `part8_stack/src/twisted.rs`.)
//!
//! Run it: `cargo run --release --bin twistedecho` (options: `--port`,
//! default 45000, `--host`, default 127.0.0.1, `--backlog`), then connect
//! with `nc 127.0.0.1 45000`, or load it with
//! `cargo run --release --bin echoload`. It prints `Got a connection` for
//! each client, and nothing else, as the original does.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net;
use part8_stack::twistedecho;

/// An echo server in the callback style: a protocol and a reactor.
#[derive(Parser)]
#[command(name = "twistedecho")]
struct Args {
    #[command(flatten)]
    server: net::ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let sock = net::Listener::new(args.server.open("twistedecho")?)?;
    twistedecho::run(sock, net::Stop::new())?;
    Ok(())
}
