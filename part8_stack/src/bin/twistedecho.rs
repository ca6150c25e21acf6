//! # twistedecho: the echo server in the callback style (slide 188; original: `twistedecho.py`)
//!
//! The same echo server, written the way the Twisted framework has it: a
//! protocol object whose callbacks a reactor (the event loop) calls,
//! `connection_made` and `data_received`, and no coroutines at all. The
//! original uses Twisted; this one a small reactor standing in for it,
//! `part8_stack::twisted`.
//!
//! Run it: `cargo run --release --bin twistedecho` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`. It prints `Got a connection` for each client,
//! and nothing else, as the original does.

use clap::Parser;
use part1_generators::Fail;
use part7_os::socket::ServerArgs;
use part8_stack::twisted::{Factory, Protocol, Reactor, Transport};

// ANCHOR: echo
// Protocol Implementation

/// This is just about the simplest possible protocol (Python: `Echo`).
struct Echo;

impl Protocol for Echo {
    fn connection_made(&mut self) {
        println!("Got a connection");
    }

    /// As soon as any data is received, write it back.
    fn data_received(&mut self, transport: &mut Transport, data: &[u8]) {
        transport.write(data);
    }
}
// ANCHOR_END: echo

/// An echo server in the callback style: a protocol and a reactor.
#[derive(Parser)]
#[command(name = "twistedecho")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // Python: `f = Factory()`, `f.protocol = Echo`
    let f = Factory {
        protocol: || Box::new(Echo),
    };
    let mut reactor = Reactor::default();
    // Its clients cost the server no coroutine stacks: 0.
    reactor.listen_tcp(args.server.listen("twistedecho", 0)?, f)?;
    reactor.run()?;
    Ok(())
}
// ANCHOR_END: main
