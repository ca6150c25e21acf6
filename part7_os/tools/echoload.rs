//! # echoload: a load client for the echo servers (a tool, not a lesson)
//!
//! Measures an echo server's throughput, in messages per second. It opens
//! `--connections` connections (300), all at once as a crowd of clients
//! would, and keeps every one busy: send a message of `--size` bytes
//! (1024), wait until all of it has come back, check it byte for byte,
//! send the next, until `--messages` messages (100,000) have made the
//! round trip (the time includes connecting).
//!
//! It runs in one thread, on `mio` (tokio's readiness layer), so that on
//! a 2-core machine it leaves a core to the server. Part 9's `blaster` is
//! the course's own load client (one message in flight per blaster);
//! this one keeps one in flight per connection, which measures the
//! server more than the round trip.
//!
//! Run it against a server in another terminal:
//! `cargo run --release --bin echogood2`, then
//! `cargo run --release --bin echoload`. It prints one line, such as
//! `300 connections, 100000 messages of 1024 bytes in 0.56 s: 178571
//! messages/s`. Load only servers of your own, on this machine.

use clap::Parser;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use part1_generators::Fail;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Load an echo server with ping-pong messages and report messages/s.
#[derive(Parser)]
#[command(name = "echoload")]
struct Args {
    /// Server address
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Server port
    #[arg(long, default_value_t = 45000)]
    port: u16,
    /// Connections, each with one message in flight
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    connections: u32,
    /// Bytes per message
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    size: u32,
    /// Round trips in all
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Give up after this many seconds
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

/// One connection, and the round trip it has under way.
struct Conn {
    stream: TcpStream,
    message: Vec<u8>,
    sent: usize,
    received: usize,
    /// Round trips done, to vary the bytes of the next.
    count: u64,
    active: bool,
}

impl Conn {
    /// Starts a round trip with a message unique to the connection and
    /// the round, so that bytes echoed to the wrong client or out of
    /// order are caught.
    fn start(&mut self, id: usize) {
        let seed = (id as u64).wrapping_mul(0x9e37_79b9) ^ self.count;
        for (i, byte) in self.message.iter_mut().enumerate() {
            *byte = (seed.wrapping_add(i as u64).wrapping_mul(31) >> 3) as u8;
        }
        (self.sent, self.received, self.active) = (0, 0, true);
    }

    /// Sends and receives what the socket takes and has: true once the
    /// whole message is back (edge-triggered: it goes on until the
    /// socket would block).
    fn step(&mut self, scratch: &mut [u8]) -> io::Result<bool> {
        let size = self.message.len();
        while self.sent < size {
            match self.stream.write(&self.message[self.sent..]) {
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    return Ok(false);
                }
                Err(e) => return Err(e),
            }
        }
        while self.received < size {
            match self.stream.read(&mut scratch[..size - self.received]) {
                Ok(0) => Err(io::Error::other("the server closed"))?,
                Ok(n) if scratch[..n] != self.message[self.received..][..n] => {
                    Err(io::Error::other("the echo is not what was sent"))?
                }
                Ok(n) => self.received += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    return Ok(false);
                }
                Err(e) => return Err(e),
            }
        }
        self.active = false;
        self.count += 1;
        Ok(true)
    }
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let addr: SocketAddr = (args.host.as_str(), args.port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| Fail::new(format!("cannot resolve {:?}", args.host)))?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);

    // All the connections at once, as a crowd of clients would connect;
    // each starts its first round trip as soon as it is connected.
    let start = Instant::now();
    let (mut started, mut done) = (0, 0);
    let mut conns = Vec::new();
    let mut work = Vec::new();
    for id in 0..args.connections as usize {
        let mut stream = TcpStream::connect(addr)?;
        let both = Interest::READABLE | Interest::WRITABLE;
        poll.registry().register(&mut stream, Token(id), both)?;
        let message = vec![0; args.size as usize];
        let mut conn = Conn {
            stream,
            message,
            sent: 0,
            received: 0,
            count: 0,
            active: false,
        };
        if started < args.messages {
            conn.start(id);
            started += 1;
            work.push(id);
        }
        conns.push(conn);
    }
    let mut scratch = vec![0; args.size as usize];
    while done < args.messages {
        while let Some(id) = work.pop() {
            let conn = &mut conns[id];
            let round = conn.active.then(|| conn.step(&mut scratch));
            let round = round.transpose().map_err(|e| {
                Fail::new(format!("{addr}, connection {}: {e}", id + 1))
            })?;
            if round == Some(true) {
                done += 1;
                if started < args.messages {
                    conn.start(id);
                    started += 1;
                    work.push(id);
                }
            }
        }
        if done < args.messages {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let why = format!(
                    "gave up: {done} of {} messages done",
                    args.messages
                );
                return Err(Fail::new(why));
            }
            poll.poll(&mut events, Some(left))?;
            work.extend(events.iter().map(|event| event.token().0));
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{} connections, {} messages of {} bytes in {elapsed:.2} s: {:.0} \
         messages/s",
        args.connections,
        args.messages,
        args.size,
        args.messages as f64 / elapsed
    );
    Ok(())
}
