//! # echoload: a load client for the echo servers (not a lesson)
//!
//! Measures an echo server's throughput, in messages per second. It opens
//! `--connections` connections (300) and keeps every one busy with
//! ping-pong: send a message of `--size` bytes (1024), wait until all of
//! it has come back, check it byte for byte, send the next, until
//! `--messages` messages (100,000) have made the round trip.
//!
//! It runs in one thread, on the workbook's own readiness poller
//! ([`part7_os::net::IoPoller`]), so that on a 2-core machine it leaves a
//! core to the server. Part 9's `blaster` is the course's own load client
//! (one message in flight per blaster); this one keeps one in flight per
//! connection, which measures the server rather than the round trip.
//!
//! Run it against a server in another terminal:
//! `cargo run --release --bin echogood2`, then
//! `cargo run --release --bin echoload`. It prints one line:
//! `300 connections in 0.01 s; 100000 messages of 1024 bytes in 0.56 s:
//! 178571 messages/s`. Load only servers of your own, on this machine.
//!
//! The connections are opened all at once, as a crowd of clients would
//! connect, so their time shows whether the server's listen backlog holds
//! them (see the slides' section on the backlog).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::Fail;
use part7_os::net::{self, EchoRound, Interest, IoPoller};
use socket2::{Domain, Socket, Type};

/// A non-blocking connect's "the connection is being made".
const EINPROGRESS: i32 = rustix::io::Errno::INPROGRESS.raw_os_error();

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

/// One connection and the message it has in flight.
struct Conn {
    stream: Rc<TcpStream>,
    /// The message being sent and expected back.
    message: Vec<u8>,
    round: EchoRound,
    /// Messages this connection has completed (to vary their bytes).
    count: u64,
}

impl Conn {
    fn start(&mut self, id: usize) {
        // A pattern unique to the connection and the message, so that a
        // byte echoed to the wrong client or out of order is caught.
        let seed = (id as u64).wrapping_mul(0x9e37_79b9) ^ self.count;
        for (i, byte) in self.message.iter_mut().enumerate() {
            *byte = (seed.wrapping_add(i as u64).wrapping_mul(31) >> 3) as u8;
        }
        self.round = EchoRound::new();
    }
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let addr = (args.host.as_str(), args.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| {
            Fail::new(format!("cannot resolve host {:?}", args.host))
        })?;
    if let Err(e) = net::raise_fd_limit() {
        eprintln!("echoload: cannot raise the open-file limit: {e}");
    }
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let start = Instant::now();
    let mut conns = connect(addr, &args, deadline)?;
    let connected = start.elapsed().as_secs_f64();
    let start = Instant::now();
    run(&mut conns, args.messages, deadline)?;
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{} connections in {connected:.2} s; {} messages of {} bytes \
         in {elapsed:.2} s: {:.0} messages/s",
        args.connections,
        args.messages,
        args.size,
        args.messages as f64 / elapsed
    );
    Ok(())
}

/// Opens all the connections at once, as a crowd of clients would: the
/// connection requests arrive together, and the server's listen backlog
/// decides whether they wait in line or are dropped and retried later.
fn connect(
    addr: SocketAddr,
    args: &Args,
    deadline: Instant,
) -> Result<Vec<Conn>, Fail> {
    let cannot =
        |e: io::Error| Fail::new(format!("cannot connect to {addr}: {e}"));
    let mut pending: HashMap<RawFd, Rc<Socket>> = HashMap::new();
    let mut poller = IoPoller::new();
    for _ in 0..args.connections {
        let socket =
            Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
            Err(e) => return Err(cannot(e)),
        }
        let socket = Rc::new(socket);
        let fd = poller.add(socket.clone(), Interest::Write)?;
        pending.insert(fd, socket);
    }
    let mut connected = Vec::new();
    while !pending.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Fail::new(format!(
                "gave up: {} connections still not made",
                pending.len()
            )));
        }
        for fd in poller.wait(Some(left))?.write {
            if let Some(socket) = pending.remove(&fd) {
                if let Some(e) = socket.take_error()? {
                    return Err(cannot(e));
                }
                connected.push(socket);
            }
        }
    }
    drop(poller); // it lets go of the sockets
    let mut conns = Vec::new();
    for socket in connected {
        let socket = Rc::into_inner(socket).expect("nobody else holds it");
        let stream: TcpStream = socket.into();
        stream.set_nodelay(true)?;
        conns.push(Conn {
            stream: Rc::new(stream),
            message: vec![0; args.size as usize],
            round: EchoRound::new(),
            count: 0,
        });
    }
    Ok(conns)
}

/// Runs `total` round trips over `conns`.
fn run(conns: &mut [Conn], total: u64, deadline: Instant) -> Result<(), Fail> {
    let by_fd: HashMap<RawFd, usize> = conns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.stream.as_raw_fd(), i))
        .collect();
    let mut poller = IoPoller::new();
    let mut work: VecDeque<usize> = VecDeque::new();
    let mut started = 0;
    let mut done = 0;
    for (id, conn) in conns.iter_mut().enumerate() {
        if started < total {
            conn.start(id);
            started += 1;
            work.push_back(id);
        }
    }
    let mut scratch = vec![0; conns.first().map_or(0, |c| c.message.len())];
    while done < total {
        while let Some(id) = work.pop_front() {
            let conn = &mut conns[id];
            let next = conn
                .round
                .step(&conn.stream, &conn.message, &mut scratch)
                .map_err(|e| {
                    Fail::new(format!("connection {}: {e}", id + 1))
                })?;
            match next {
                Some(interest) => {
                    poller.add(conns[id].stream.clone(), interest)?;
                }
                None => {
                    done += 1;
                    conns[id].count += 1;
                    if started < total {
                        conns[id].start(id);
                        started += 1;
                        work.push_back(id);
                    }
                }
            }
        }
        if done == total {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Fail::new(format!(
                "gave up: {done} of {total} messages done before the timeout"
            )));
        }
        let ready = poller.wait(Some(left))?;
        for fd in ready.read.into_iter().chain(ready.write) {
            if let Some(&id) = by_fd.get(&fd) {
                work.push_back(id);
            }
        }
    }
    Ok(())
}
