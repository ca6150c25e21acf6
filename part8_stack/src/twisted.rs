//! # A reactor, standing in for Twisted (slide 188; for `twistedecho`)
//!
//! `twistedecho.py` uses Twisted, the Python framework of its day: a
//! *protocol* object whose methods the framework calls when something
//! happens on its connection (`connectionMade`, `dataReceived`), a
//! *factory* that makes a protocol per connection, and a *reactor*, the
//! event loop that waits for sockets to be ready and makes those calls.
//! This module is that shape in miniature, with no framework: the
//! lesson's protocol is in `twistedecho.rs`, the loop is here.
//!
//! The reactor waits with `poll(2)`, as Part 7's `select` does, on every
//! listening socket and connection at each turn. One departure:
//! Twisted's transport buffers whatever a protocol writes, without limit
//! (unless the protocol pauses its producer); this one stops reading a
//! connection whose unsent output passes [`HIGH_WATER`] bytes, so that a
//! client that sends without reading cannot grow the server's memory.

use part7_os::socket::{Listener, log};
use rustix::event::{PollFd, PollFlags, poll};
use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;

/// Unsent output beyond which a connection is not read until it drains.
pub const HIGH_WATER: usize = 64 * 1024;

// ANCHOR: protocol
// ANCHOR: protocol_trait
/// What happens on one connection, as callbacks the reactor calls (Python:
/// a subclass of `twisted.internet.protocol.Protocol`). They must return
/// promptly, and never wait.
pub trait Protocol {
    /// The connection is made (Python: `connectionMade`).
    fn connection_made(&mut self) {}

    /// Data has arrived (Python: `dataReceived`).
    fn data_received(&mut self, transport: &mut Transport, data: &[u8]);
}
// ANCHOR_END: protocol_trait

/// A protocol's side of its connection (Python: `self.transport`): what
/// it writes is queued, and sent as the socket takes it.
#[derive(Default)]
pub struct Transport {
    outgoing: Vec<u8>,
}

impl Transport {
    /// Queues `data` to be sent; never waits (Python: `write`).
    pub fn write(&mut self, data: &[u8]) {
        self.outgoing.extend_from_slice(data);
    }
}

/// Makes a protocol for each new connection (Python: a `Factory` whose
/// `protocol` is set to the protocol's class).
pub struct Factory {
    /// The protocol of each connection.
    pub protocol: fn() -> Box<dyn Protocol>,
}
// ANCHOR_END: protocol

/// A connection: its socket, its protocol and its transport.
struct Connection {
    stream: TcpStream,
    protocol: Box<dyn Protocol>,
    transport: Transport,
    /// The client has closed its side: close ours once all is sent.
    closing: bool,
}

// ANCHOR: reactor
/// The event loop (Python: `twisted.internet.reactor`).
#[derive(Default)]
pub struct Reactor {
    ports: Vec<(Listener, Factory)>,
    connections: Vec<Connection>,
}

impl Reactor {
    /// Accepts connections on `sock`, each with a protocol from `factory`
    /// (Python: `reactor.listenTCP(port, factory)`).
    pub fn listen_tcp(
        &mut self,
        sock: Listener,
        factory: Factory,
    ) -> io::Result<()> {
        sock.set_nonblocking(true)?;
        self.ports.push((sock, factory));
        Ok(())
    }

    /// Runs the loop (Python: `reactor.run()`): waits until some sockets
    /// are ready, and serves them, forever.
    pub fn run(&mut self) -> io::Result<()> {
        let mut buf = vec![0; 65536];
        loop {
            let ready = self.wait()?;
            let (ports, conns) = ready.split_at(self.ports.len());
            for (i, _) in ports.iter().enumerate().filter(|(_, r)| **r) {
                self.accept(i);
            }
            // Backwards, so that removing a connection moves none of those
            // still to serve.
            for i in (0..conns.len()).rev().filter(|&i| conns[i]) {
                if let Err(e) = self.serve(i, &mut buf)
                    && e.kind() != ErrorKind::WouldBlock
                {
                    self.connections.swap_remove(i); // it is closed
                }
            }
        }
    }
    // ANCHOR_END: reactor

    /// Waits until some socket is ready: for each port, then each
    /// connection, whether it is.
    fn wait(&self) -> io::Result<Vec<bool>> {
        let mut fds: Vec<PollFd> = (self.ports.iter())
            .map(|(sock, _)| PollFd::new(sock, PollFlags::IN))
            .chain(self.connections.iter().map(|conn| {
                let unsent = conn.transport.outgoing.len();
                let mut flags = PollFlags::empty();
                if unsent <= HIGH_WATER && !conn.closing {
                    flags |= PollFlags::IN;
                }
                if unsent > 0 {
                    flags |= PollFlags::OUT;
                }
                PollFd::new(&conn.stream, flags)
            }))
            .collect();
        // A signal (EINTR) only ends the wait early: nothing is ready then.
        if let Err(e) = poll(&mut fds, None)
            && e != rustix::io::Errno::INTR
        {
            return Err(e.into());
        }
        Ok(fds.iter().map(|fd| !fd.revents().is_empty()).collect())
    }

    /// Accepts what waits on port `i`.
    fn accept(&mut self, i: usize) {
        let (sock, factory) = &self.ports[i];
        loop {
            match sock.accept() {
                // (A socket that cannot be made non-blocking is dropped.)
                Ok((stream, _)) if stream.set_nonblocking(true).is_ok() => {
                    let mut protocol = (factory.protocol)();
                    protocol.connection_made();
                    self.connections.push(Connection {
                        stream,
                        protocol,
                        transport: Transport::default(),
                        closing: false,
                    });
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                // A client turned away (no descriptor), or a failed accept.
                Err(e) => log("reactor", &e),
            }
        }
    }

    /// Reads what connection `i` has received and hands it to its
    /// protocol; sends what it has to send. An error (`WouldBlock` aside)
    /// means the connection is done.
    fn serve(&mut self, i: usize, buf: &mut [u8]) -> io::Result<()> {
        let conn = &mut self.connections[i];
        let unsent = conn.transport.outgoing.len();
        if unsent <= HIGH_WATER && !conn.closing {
            match conn.stream.read(buf) {
                Ok(0) => conn.closing = true,
                Ok(n) => {
                    conn.protocol.data_received(&mut conn.transport, &buf[..n])
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        let outgoing = &mut conn.transport.outgoing;
        if !outgoing.is_empty() {
            let sent = conn.stream.write(outgoing)?;
            outgoing.drain(..sent);
        }
        if conn.closing && outgoing.is_empty() {
            return Err(ErrorKind::ConnectionAborted.into()); // done
        }
        Ok(())
    }
}
