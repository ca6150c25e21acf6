//! # blaster: the load of the echo race (slide 192; original: `blaster.py`)
//!
//! Opens 300 connections to an echo server, then 100,000 times picks one
//! of them at random, sends a 1024-byte message on it and waits until all
//! 1024 bytes have come back. It prints the message number every 10,000
//! messages, as the original does. One message is in flight at a time, so
//! the server spends its life waiting on 300 sockets for the one that has
//! something to say: the job of a scheduler with I/O waiting.
//!
//! Start a server first (`cargo run --release --bin echothread`), then, in
//! another terminal, `cargo run --release --bin blaster`. It prints `0`,
//! `10000`, ... `90000`. `--server`, `--connections`, `--messages` and
//! `--size` change the load (`--help`); `runblaster` runs three at once.
//!
//! Where Rust departs from the Python:
//! - Every reply is compared with its message, byte for byte, and each
//!   message is fresh random bytes (the original sends 1024 `x`s and
//!   counts what comes back). A short or wrong reply is an error that
//!   names the connection.
//! - Blocking sockets instead of `select()`: with one message in flight,
//!   write it and read the reply.
//! - The original connects to `localhost`; this one to 127.0.0.1.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;
use rand::rngs::SmallRng;
use rand::{Rng, RngExt, SeedableRng};

/// The original's constants (`NCONNECTIONS`, `MSGSIZE`, `SERVER`) and its
/// message count, as options.
#[derive(Parser)]
#[command(name = "blaster", about = "Blasts an echo server with messages")]
struct Args {
    /// Connections to open (NCONNECTIONS)
    #[arg(short, long, default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    connections: u32,
    /// Messages to send, each on a connection picked at random
    #[arg(short = 'n', long, default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    messages: u64,
    /// Bytes per message (MSGSIZE)
    #[arg(short, long, default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=16 << 20))]
    size: u32,
    /// The echo server, host:port (SERVER)
    #[arg(long, default_value = "127.0.0.1:45000", value_parser = parse_server)]
    server: SocketAddr,
}

/// How long a connect or a reply may take. Python: no limit, so a server
/// that stops answering hangs the original; here it ends the run.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads `host:port` (a name such as `localhost` is looked up).
fn parse_server(text: &str) -> Result<SocketAddr, String> {
    let mut found = text
        .to_socket_addrs()
        .map_err(|e| format!("not a host:port address ({e})"))?;
    found.next().ok_or_else(|| "the name has no address".into())
}

// ANCHOR: connect
/// Opens up the connections (the original's first loop).
fn open_connections(args: &Args) -> Result<Vec<TcpStream>, Fail> {
    let server = args.server;
    let mut connections = Vec::new();
    for n in 1..=args.connections {
        let s = TcpStream::connect_timeout(&server, TIMEOUT).map_err(|e| {
            let mut why =
                format!("cannot open connection {n} to {server}: {e}");
            if e.kind() == io::ErrorKind::ConnectionRefused {
                why += " (is an echo server running? `cargo run --release \
                         --bin echothread`)";
            }
            why
        })?;
        s.set_read_timeout(Some(TIMEOUT))?;
        s.set_write_timeout(Some(TIMEOUT))?;
        connections.push(s);
    }
    Ok(connections)
}
// ANCHOR_END: connect

/// Bytes written before they are read back. An echo server writes back
/// what it has read, so a blaster that wrote a huge message without
/// reading could fill both sides' socket buffers, each side waiting for
/// the other. 64 KiB always fits. (Python: `select()` did this
/// interleaving.)
const CHUNK: usize = 64 * 1024;

// ANCHOR: send_message
/// Sends `msg` on `dest` and reads until all of it has come back.
fn send_message(dest: &mut TcpStream, msg: &[u8]) -> io::Result<()> {
    let mut reply = vec![0; msg.len()];
    for (out, back) in msg.chunks(CHUNK).zip(reply.chunks_mut(CHUNK)) {
        dest.write_all(out)?;
        dest.read_exact(back)?;
    }
    // Python: the original counts the bytes and never looks at them.
    match msg.iter().zip(&reply).position(|(a, b)| a != b) {
        None => Ok(()),
        Some(at) => Err(io::Error::other(format!(
            "the reply differs from the message at byte {at}"
        ))),
    }
}
// ANCHOR_END: send_message

// ANCHOR: send_random
/// Sends `count` random messages of `size` bytes, each on a connection
/// picked at random.
fn send_random(
    connections: &mut [TcpStream],
    count: u64,
    size: usize,
) -> Result<(), Fail> {
    let mut rng = SmallRng::from_rng(&mut rand::rng());
    let mut msg = vec![0; size];
    for x in 0..count {
        let i = rng.random_range(0..connections.len());
        if x % 10_000 == 0 {
            println!("{x}");
        }
        // Fresh bytes, so that a stale reply cannot pass for this one.
        rng.fill_bytes(&mut msg);
        send_message(&mut connections[i], &msg).map_err(|e| {
            Fail::new(format!("connection {}: {}", i + 1, explain(e)))
        })?;
    }
    Ok(())
}
// ANCHOR_END: send_random

/// An I/O error as the blaster's reader needs it.
fn explain(e: io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            "the server closed it before the whole reply came back".into()
        }
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no reply within {} s", TIMEOUT.as_secs())
        }
        _ => e.to_string(),
    }
}

// pub(crate): runblaster compiles this file too, and runs this `main` in
// its child processes (see runblaster.rs).
pub(crate) fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let mut connections = open_connections(&args)?;
    send_random(&mut connections, args.messages, args.size as usize)
}
