//! The load client of slide 192: open many connections to an echo
//! server, then send message after message, each on a randomly chosen
//! connection, and wait until the whole message has come back.
//!
//! One message is in flight at a time, so a blaster measures round trips:
//! how long the server takes to notice a readable socket among hundreds,
//! read it, and write the bytes back. Every reply is compared with what
//! was sent, byte for byte.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, RngExt, SeedableRng};

use crate::latency::Latencies;

/// What one blaster does.
#[derive(Clone, Debug)]
pub struct Load {
    /// Connections opened before the first message.
    pub connections: u32,
    /// Messages sent, each on a randomly chosen connection.
    pub messages: u64,
    /// Bytes per message.
    pub size: usize,
    /// The echo server.
    pub server: SocketAddr,
    /// How long to wait for a reply (or a connection) before giving up.
    pub timeout: Duration,
}

/// What a blaster measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// Messages sent and checked.
    pub messages: u64,
    /// Time spent opening the connections.
    pub connecting: Duration,
    /// Time spent sending messages and reading the replies.
    pub sending: Duration,
    /// Every message's round trip.
    pub latencies: Latencies,
}

impl Report {
    /// Messages per second while sending (connecting not counted).
    pub fn rate(&self) -> f64 {
        self.messages as f64 / self.sending.as_secs_f64().max(1e-9)
    }
}

/// Why a blaster stopped early. Each names the connection, numbered from 1.
#[derive(Debug)]
pub enum BlastError {
    /// Connection `n` could not be opened.
    Connect(u32, SocketAddr, io::Error),
    /// The server closed connection `n` with `got` of `size` bytes back.
    Closed(u32, usize, usize),
    /// The reply on connection `n` differs from the message at byte `at`.
    Mismatch(u32, usize),
    /// The server sent bytes nobody asked for on connection `n`.
    Extra(u32),
    /// No reply within the timeout on connection `n`.
    Timeout(u32, Duration),
    /// Any other I/O error on connection `n`.
    Io(u32, io::Error),
}

impl fmt::Display for BlastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlastError::Connect(n, addr, e) => write!(
                f,
                "cannot open connection {n} to {addr}: {e} (is an echo \
                 server running? `cargo run --release --bin echothread`)"
            ),
            BlastError::Closed(n, got, size) => write!(
                f,
                "connection {n}: the server closed it after {got} of \
                 {size} bytes came back"
            ),
            BlastError::Mismatch(n, at) => write!(
                f,
                "connection {n}: the reply differs from the message at \
                 byte {at}"
            ),
            BlastError::Extra(n) => write!(
                f,
                "connection {n}: the server sent more bytes than it was sent"
            ),
            BlastError::Timeout(n, t) => write!(
                f,
                "connection {n}: no reply within {} s",
                t.as_secs_f64()
            ),
            BlastError::Io(n, e) => write!(f, "connection {n}: {e}"),
        }
    }
}

impl std::error::Error for BlastError {}

/// Reads `host:port` (a name such as `localhost` is looked up).
pub fn parse_server(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let mut found = text
        .to_socket_addrs()
        .map_err(|e| format!("not a host:port address ({e})"))?;
    found
        .next()
        .ok_or_else(|| "the name has no address".to_string())
}

/// Bytes sent before waiting for them to come back. An echo server may
/// start writing back before it has read everything; if the blaster wrote
/// a huge message without reading, both sides could fill their socket
/// buffers and wait for each other forever. 64 KiB always fits in them.
const CHUNK: usize = 64 * 1024;

// ANCHOR: send_message
/// Sends `message` on `conn` and reads until all of it has come back.
fn send_message(
    conn: &mut TcpStream,
    n: u32,
    message: &[u8],
    reply: &mut [u8],
) -> Result<(), BlastError> {
    let mut done = 0;
    while done < message.len() {
        let end = (done + CHUNK).min(message.len());
        conn.write_all(&message[done..end])
            .map_err(|e| io_error(n, e))?;
        let mut got = done;
        while got < end {
            match conn.read(&mut reply[got..end]) {
                Ok(0) => {
                    return Err(BlastError::Closed(n, got, message.len()));
                }
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(n, e)),
            }
        }
        done = end;
    }
    // Python: the original counts the bytes and never looks at them.
    match message.iter().zip(reply.iter()).position(|(a, b)| a != b) {
        Some(at) => Err(BlastError::Mismatch(n, at)),
        None => Ok(()),
    }
}
// ANCHOR_END: send_message

/// A read that timed out says so, with the connection's number.
fn io_error(n: u32, e: io::Error) -> BlastError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            BlastError::Timeout(n, Duration::ZERO)
        }
        _ => BlastError::Io(n, e),
    }
}

/// Runs one blaster: connects, sends `load.messages` random messages and
/// checks every reply, then closes each connection and checks that the
/// server sent nothing more. `progress` is called with the message number
/// before messages 0, 10,000, 20,000 and so on, as the original prints.
pub fn blast(
    load: &Load,
    mut progress: impl FnMut(u64),
) -> Result<Report, BlastError> {
    let timed_out = |e: BlastError| match e {
        BlastError::Timeout(n, _) => BlastError::Timeout(n, load.timeout),
        other => other,
    };
    // ANCHOR: connect
    let started = Instant::now();
    let mut connections = Vec::with_capacity(load.connections as usize);
    for n in 1..=load.connections {
        let conn = TcpStream::connect_timeout(&load.server, load.timeout)
            .map_err(|e| BlastError::Connect(n, load.server, e))?;
        conn.set_read_timeout(Some(load.timeout))
            .and_then(|()| conn.set_write_timeout(Some(load.timeout)))
            .map_err(|e| BlastError::Io(n, e))?;
        connections.push(conn);
    }
    let connecting = started.elapsed();
    // ANCHOR_END: connect

    // ANCHOR: send_random
    let mut rng = SmallRng::from_rng(&mut rand::rng());
    let mut message = vec![0u8; load.size];
    let mut reply = vec![0u8; load.size];
    let mut latencies = Latencies::new();
    let started = Instant::now();
    for x in 0..load.messages {
        if x % 10_000 == 0 {
            progress(x);
        }
        let i = rng.random_range(0..connections.len());
        // Random bytes, so a reply from the wrong connection or a stale
        // buffer cannot pass for the right one.
        rng.fill_bytes(&mut message);
        let sent = Instant::now();
        send_message(&mut connections[i], i as u32 + 1, &message, &mut reply)
            .map_err(timed_out)?;
        latencies.record(sent.elapsed());
    }
    let sending = started.elapsed();
    // ANCHOR_END: send_random

    // Close our side of each connection; the server must answer with its
    // own close, and nothing else.
    for (i, conn) in connections.iter_mut().enumerate() {
        let n = i as u32 + 1;
        // The server may have closed already; reading tells.
        let _ = conn.shutdown(std::net::Shutdown::Write);
        let mut byte = [0u8; 1];
        match conn.read(&mut byte) {
            Ok(0) => {}
            Ok(_) => return Err(BlastError::Extra(n)),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
            Err(e) => return Err(timed_out(io_error(n, e))),
        }
    }
    Ok(Report {
        messages: load.messages,
        connecting,
        sending,
        latencies,
    })
}

/// `12345678` as `12,345,678`, for tables.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }

    #[test]
    fn addresses() {
        assert!(parse_server("127.0.0.1:45000").is_ok());
        assert!(parse_server("[::1]:45000").is_ok());
        assert!(parse_server("127.0.0.1").is_err());
        assert!(parse_server("127.0.0.1:99999").is_err());
    }
}
