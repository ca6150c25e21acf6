//! # A reactor: the callback style, for `twistedecho` (slide 187)
//!
//! The course ends Part 8 with the same echo server written for Twisted,
//! the Python framework of the day: no tasks and no yields, but a
//! *protocol* object whose methods the framework calls when something
//! happens on its connection (`connectionMade`, `dataReceived`,
//! `connectionLost`), and a *reactor*, the event loop that waits for
//! sockets to be ready and makes those calls.
//!
//! This module is that shape in miniature, with no framework: a
//! [`Protocol`] trait, a [`Transport`] that buffers what a protocol
//! writes, and a [`Reactor`] on the same readiness poller as the
//! coroutine servers ([`IoPoller`]). Put `twistedecho.rs` beside
//! `echoserver.rs`: the coroutine server's logic is a loop in one
//! function, top to bottom; the reactor's is split across callbacks,
//! and the loop is the framework's.
//!
//! One departure: Twisted's transport buffers whatever is written, without
//! limit, unless the protocol registers a producer to pause. This reactor
//! stops reading a connection whose unsent output passes
//! [`HIGH_WATER`] bytes, so a client that sends without reading cannot
//! grow the server's memory.

use part7_os::net::{self, Interest, IoPoller, Listener, Stop};
use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;

/// Unsent output beyond which a connection is not read until it drains.
pub const HIGH_WATER: usize = 64 * 1024;

// ANCHOR: protocol
/// What happens on one connection, as callbacks (Python: a subclass of
/// `twisted.internet.protocol.Protocol`). The reactor calls them; they
/// must return promptly, and never wait.
pub trait Protocol {
    /// The connection is made (Python: `connectionMade`).
    fn connection_made(&mut self, _transport: &mut Transport) {}

    /// Data has arrived (Python: `dataReceived`).
    fn data_received(&mut self, transport: &mut Transport, data: &[u8]);

    /// The connection is gone; `reason` is the error, if it did not
    /// simply close (Python: `connectionLost`).
    fn connection_lost(&mut self, _reason: Option<&io::Error>) {}
}

/// A protocol's side of its connection: what it writes is buffered and
/// sent as the socket takes it (Python: `self.transport`).
pub struct Transport {
    peer: SocketAddr,
    outgoing: Vec<u8>,
    sent: usize,
    closing: bool,
}

impl Transport {
    /// Queues `data` to be sent; never waits (Python: `write`).
    pub fn write(&mut self, data: &[u8]) {
        self.outgoing.extend_from_slice(data);
    }

    /// Closes the connection once what was written has been sent
    /// (Python: `loseConnection`).
    pub fn lose_connection(&mut self) {
        self.closing = true;
    }

    /// The address of the other end (Python: `getPeer`).
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    fn unsent(&self) -> usize {
        self.outgoing.len() - self.sent
    }
}
// ANCHOR_END: protocol

/// A connection: its socket, its transport, its protocol, and which
/// waits are armed for it.
struct Connection {
    stream: Rc<TcpStream>,
    transport: Transport,
    protocol: Box<dyn Protocol>,
    reading: bool,
    writing: bool,
}

/// Makes a protocol for each new connection (Python: a `Factory`).
pub type Factory = Box<dyn FnMut() -> Box<dyn Protocol>>;

/// A listening socket and the factory for its connections.
struct Port {
    sock: Rc<Listener>,
    factory: Factory,
}

// ANCHOR: reactor
/// The event loop: waits until sockets are ready, and calls the
/// protocols (Python: `twisted.internet.reactor`).
#[derive(Default)]
pub struct Reactor {
    poller: IoPoller,
    ports: HashMap<RawFd, Port>,
    connections: HashMap<RawFd, Connection>,
    buf: Vec<u8>,
}

impl Reactor {
    /// Accepts connections on `sock`, each with a protocol from `factory`
    /// (Python: `reactor.listenTCP(port, factory)`).
    pub fn listen_tcp(
        &mut self,
        sock: Listener,
        factory: impl FnMut() -> Box<dyn Protocol> + 'static,
    ) -> io::Result<()> {
        let sock = Rc::new(sock);
        let fd = self.poller.add(sock.clone(), Interest::Read)?;
        let factory = Box::new(factory);
        self.ports.insert(fd, Port { sock, factory });
        Ok(())
    }

    /// Runs the loop (Python: `reactor.run()`). Once `stop` is requested
    /// (tests do that), it stops listening, and returns when every
    /// connection has closed.
    pub fn run(&mut self, stop: &Stop) -> io::Result<()> {
        self.buf.resize(65536, 0);
        while !self.ports.is_empty() || !self.connections.is_empty() {
            let ready = self.poller.wait(None)?;
            for fd in ready.read {
                if self.ports.contains_key(&fd) {
                    self.accept(fd, stop);
                } else {
                    self.readable(fd);
                }
            }
            for fd in ready.write {
                self.writable(fd);
            }
        }
        Ok(())
    }
    // ANCHOR_END: reactor

    /// Accepts the waiting connections of port `fd`.
    fn accept(&mut self, fd: RawFd, stop: &Stop) {
        if stop.requested() {
            self.ports.remove(&fd); // stop listening
            return;
        }
        let Some(port) = self.ports.get_mut(&fd) else {
            return;
        };
        let mut accepted = Vec::new();
        loop {
            match port.sock.accept() {
                Ok(Some((stream, peer))) => {
                    accepted.push((stream, peer, (port.factory)()));
                }
                Ok(None) => break,
                Err(e) => {
                    eprintln!("reactor: {e}");
                    break;
                }
            }
        }
        if let Err(e) = self.poller.add(port.sock.clone(), Interest::Read) {
            eprintln!("reactor: cannot listen any more: {e}");
            self.ports.remove(&fd);
        }
        for (stream, peer, protocol) in accepted {
            let conn = Connection {
                stream: Rc::new(stream),
                transport: Transport {
                    peer,
                    outgoing: Vec::new(),
                    sent: 0,
                    closing: false,
                },
                protocol,
                reading: false,
                writing: false,
            };
            let conn_fd = conn.stream.as_raw_fd();
            self.connections.insert(conn_fd, conn);
            self.callback(conn_fd, |protocol, transport| {
                protocol.connection_made(transport)
            });
        }
    }

    /// Reads what connection `fd` has received and hands it over.
    fn readable(&mut self, fd: RawFd) {
        let Some(conn) = self.connections.get_mut(&fd) else {
            return;
        };
        conn.reading = false;
        match net::recv(&conn.stream, &mut self.buf) {
            Ok(Some(0)) => {
                // The client has closed its side: close ours once what it
                // is owed has been sent.
                conn.transport.closing = true;
                self.arm(fd);
            }
            Ok(Some(n)) => {
                let data = std::mem::take(&mut self.buf);
                self.callback(fd, |protocol, transport| {
                    protocol.data_received(transport, &data[..n])
                });
                self.buf = data;
            }
            Ok(None) => self.arm(fd), // nothing after all
            Err(e) => self.lost(fd, Some(e)),
        }
    }

    /// Sends what connection `fd` has waiting.
    fn writable(&mut self, fd: RawFd) {
        if let Some(conn) = self.connections.get_mut(&fd) {
            conn.writing = false;
            self.flush(fd);
        }
    }

    /// Calls `callback` on connection `fd`'s protocol, then waits for
    /// what comes next: room to send what it wrote, more data.
    fn callback(
        &mut self,
        fd: RawFd,
        callback: impl FnOnce(&mut dyn Protocol, &mut Transport),
    ) {
        if let Some(conn) = self.connections.get_mut(&fd) {
            callback(conn.protocol.as_mut(), &mut conn.transport);
            self.arm(fd);
        }
    }

    /// Sends as much of connection `fd`'s output as its socket takes now,
    /// then waits for what comes next.
    fn flush(&mut self, fd: RawFd) {
        let Some(conn) = self.connections.get_mut(&fd) else {
            return;
        };
        let t = &mut conn.transport;
        while t.unsent() > 0 {
            match net::send(&conn.stream, &t.outgoing[t.sent..]) {
                Ok(Some(n)) => t.sent += n,
                Ok(None) => break,
                Err(e) => return self.lost(fd, Some(e)),
            }
        }
        if t.unsent() == 0 {
            t.outgoing.clear();
            t.sent = 0;
        } else if t.sent > t.outgoing.len() / 2 {
            t.outgoing.drain(..t.sent);
            t.sent = 0;
        }
        self.arm(fd);
    }

    /// Arms connection `fd`'s waits: to write if output is waiting (like
    /// Twisted, `write` only buffers, and the reactor sends when the
    /// socket has room), to read unless too much output is waiting or
    /// the connection is closing. A closing connection with nothing left
    /// to send is closed.
    fn arm(&mut self, fd: RawFd) {
        let Some(conn) = self.connections.get_mut(&fd) else {
            return;
        };
        let unsent = conn.transport.unsent();
        if unsent == 0 && conn.transport.closing {
            return self.lost(fd, None);
        }
        let mut result = Ok(());
        if unsent > 0 && !conn.writing {
            result = self
                .poller
                .add(conn.stream.clone(), Interest::Write)
                .map(drop);
            conn.writing = result.is_ok();
        }
        let want_read = unsent <= HIGH_WATER && !conn.transport.closing;
        if result.is_ok() && want_read && !conn.reading {
            result = self
                .poller
                .add(conn.stream.clone(), Interest::Read)
                .map(drop);
            conn.reading = result.is_ok();
        }
        if let Err(e) = result {
            self.lost(fd, Some(e));
        }
    }

    /// Connection `fd` is gone: tell its protocol, and forget it.
    fn lost(&mut self, fd: RawFd, error: Option<io::Error>) {
        let Some(mut conn) = self.connections.remove(&fd) else {
            return;
        };
        if conn.reading {
            self.poller.cancel(fd, Interest::Read);
        }
        if conn.writing {
            self.poller.cancel(fd, Interest::Write);
        }
        if let Some(e) = &error
            && !net::is_disconnect(e)
        {
            eprintln!("connection from {}: {e}", conn.transport.peer);
        }
        conn.protocol.connection_lost(error.as_ref());
        // Dropping `conn` closes the socket (once the poller lets go).
    }
}
