//! # Sockets for coroutine servers: the set-up every echo server shares
//!
//! Not a lesson of its own: the plumbing under pyos7's `ReadWait` and
//! `WriteWait` and under the echo servers of Parts 7, 8 and 9, written once
//! so that later parts reuse it instead of copying it.
//!
//! | need | here |
//! |---|---|
//! | `--host`, `--port` options | [`ServerArgs`] |
//! | a listening socket with a real backlog | [`listen`], [`BACKLOG`] |
//! | `ulimit -n` raised for many clients | [`raise_fd_limit`] |
//! | `accept` that never blocks nor dies of `EMFILE` | [`Listener`] |
//! | `recv` and `send` that never block | [`recv`], [`send`] |
//! | "the client went away" | [`is_disconnect`] |
//! | `select()` | [`IoPoller`] |
//! | stopping a server from a test | [`Stop`] |
//! | Python's `('127.0.0.1', 50000)` | [`python_addr`] |
//!
//! ## Why these choices
//!
//! - The backlog: when many clients connect at once, the kernel queues
//!   the connections the server has not accepted yet, up to the backlog.
//!   Beyond it, new connections are dropped and the clients retry after a
//!   second or more. Most of the course's servers ask for 5; the load of
//!   slide 192 opens 900 connections at once. [`BACKLOG`] is 1024, like
//!   the course's `echoserver2.py` (Linux caps it at
//!   `net.core.somaxconn`, 4096 by default).
//! - The open-file limit: every client costs the server a file
//!   descriptor, and the usual soft limit is 1024. [`raise_fd_limit`]
//!   raises it to the hard limit, as the slides' `ulimit -n` advice does.
//! - Readiness: [`IoPoller`] does what the course's `select()` does, on
//!   `epoll` (Linux) or kqueue (macOS, through the `polling` crate),
//!   whose cost does not grow with the number of idle sockets. On Linux
//!   it calls `epoll` itself: a wait is then one system call, where
//!   `polling`'s costs five (see `net/epoll.rs`).

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

// Readiness: epoll itself on Linux, the `polling` crate elsewhere.
#[cfg(target_os = "linux")]
mod epoll;
#[cfg(target_os = "linux")]
use epoll::{Event, Events, Poller};
#[cfg(not(target_os = "linux"))]
use polling::{Event, Events, Poller};
use socket2::{Domain, Protocol, Socket, Type};

/// The listen backlog of the workbook's servers (see the module's notes).
pub const BACKLOG: i32 = 1024;

/// The options every server of the workbook takes.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on (0.0.0.0 listens on every interface)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 45000)]
    pub port: u16,
    /// Connections the kernel may queue before the server accepts them
    #[arg(long, default_value_t = BACKLOG,
          value_parser = clap::value_parser!(i32).range(1..=65535))]
    pub backlog: i32,
}

impl ServerArgs {
    /// A listening socket on `--host` and `--port`: see [`listen`].
    pub fn listen(&self, backlog: i32) -> io::Result<TcpListener> {
        listen(&self.host, self.port, backlog)
    }

    /// What every server program does first: raise the open-file limit
    /// (with a warning if it cannot), listen on `--host` and `--port`
    /// with `--backlog` ([`BACKLOG`] by default), and say where on stderr,
    /// as `PROGRAM: listening on ADDRESS` (the port chosen, for `--port
    /// 0`).
    pub fn open(&self, program: &str) -> io::Result<TcpListener> {
        if let Err(e) = raise_fd_limit() {
            eprintln!("{program}: cannot raise the open-file limit: {e}");
        }
        let sock = self.listen(self.backlog)?;
        eprintln!("{program}: listening on {}", sock.local_addr()?);
        Ok(sock)
    }
}

// ANCHOR: listen
/// A listening TCP socket on `host:port` with the given backlog, and
/// `SO_REUSEADDR` so that a restarted server can bind at once. Errors
/// name the address, port included, in one line.
pub fn listen(host: &str, port: u16, backlog: i32) -> io::Result<TcpListener> {
    let addr = (host, port)
        .to_socket_addrs()
        .and_then(|mut addrs| {
            addrs.next().ok_or_else(|| io::ErrorKind::NotFound.into())
        })
        .map_err(|e| context(e, format!("cannot resolve host {host:?}")))?;
    let bind = || -> io::Result<TcpListener> {
        let socket = Socket::new(
            Domain::for_address(addr),
            Type::STREAM,
            Some(Protocol::TCP),
        )?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        // std's `TcpListener::bind` picks its own backlog; socket2 lets
        // us choose.
        socket.listen(backlog)?;
        Ok(socket.into())
    };
    bind().map_err(|e| context(e, format!("cannot listen on {addr}")))
}
// ANCHOR_END: listen

fn context(error: io::Error, what: String) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}

// ANCHOR: rlimit
/// Raises this process's soft limit on open files to its hard limit
/// (what `ulimit -n` does in a shell), and returns the new soft limit
/// (`None`: unlimited).
pub fn raise_fd_limit() -> io::Result<Option<u64>> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        setrlimit(Resource::Nofile, raised)?;
    }
    Ok(getrlimit(Resource::Nofile).current)
}
// ANCHOR_END: rlimit

/// A listening socket whose [`accept`](Listener::accept) never blocks and
/// survives running out of file descriptors.
///
/// When a process has no descriptor left, `accept` fails with `EMFILE` and
/// the waiting connection stays queued: the socket stays readable, and a
/// server that only retries spins. The listener keeps one descriptor in
/// reserve for that moment: it frees it, accepts the connection, closes it
/// at once (the client sees its connection closed, not a hang), and takes
/// the reserve back.
pub struct Listener {
    socket: TcpListener,
    reserve: Cell<Option<File>>,
}

impl Listener {
    /// Makes `socket` non-blocking and sets a descriptor aside.
    pub fn new(socket: TcpListener) -> io::Result<Listener> {
        socket.set_nonblocking(true)?;
        Ok(Listener {
            socket,
            reserve: Cell::new(Some(File::open("/dev/null")?)),
        })
    }

    /// The address the socket listens on (its port, if it asked for 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    // ANCHOR: accept
    /// Accepts a waiting connection, without blocking: `Ok(None)` if there
    /// is none (any more). The new socket is non-blocking, and sends small
    /// replies at once (`TCP_NODELAY`: an echo must not wait for more).
    ///
    /// Out of descriptors, it closes the connection it could not keep and
    /// returns the error, so a server can report it and go on.
    pub fn accept(&self) -> io::Result<Option<(TcpStream, SocketAddr)>> {
        loop {
            match self.socket.accept() {
                Ok((stream, addr)) => {
                    stream.set_nonblocking(true)?;
                    stream.set_nodelay(true)?;
                    return Ok(Some((stream, addr)));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Gone before we took it: nothing to accept after all.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Ok(None);
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {
                    return Ok(None);
                }
                Err(e) if is_out_of_descriptors(&e) => {
                    return Err(self.shed_one(e));
                }
                Err(e) => return Err(e),
            }
        }
    }
    // ANCHOR_END: accept

    /// Uses the reserve descriptor to take one connection off the queue
    /// and close it; returns the error to report.
    fn shed_one(&self, error: io::Error) -> io::Error {
        let Some(reserve) = self.reserve.take() else {
            return error;
        };
        drop(reserve);
        let shed = match self.socket.accept() {
            Ok((stream, addr)) => {
                drop(stream);
                format!("; closed the connection from {addr}")
            }
            Err(_) => String::new(),
        };
        self.reserve.set(File::open("/dev/null").ok());
        context(error, format!("cannot accept a connection{shed}"))
    }
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

fn is_out_of_descriptors(error: &io::Error) -> bool {
    use rustix::io::Errno;
    matches!(
        Errno::from_io_error(error),
        Some(Errno::MFILE | Errno::NFILE)
    )
}

// ANCHOR: recv_send
/// Reads what has arrived on `stream` into `buf`, without blocking:
/// `Ok(Some(0))` once the peer has closed, `Ok(None)` if nothing has
/// arrived yet.
pub fn recv(stream: &TcpStream, buf: &mut [u8]) -> io::Result<Option<usize>> {
    would_block(|| (&*stream).read(buf))
}

/// Sends as much of `data` as `stream` takes now, without blocking, and
/// returns how much that was (often less than all of it under load:
/// the caller must send the rest later). `Ok(None)` if it took nothing.
pub fn send(stream: &TcpStream, data: &[u8]) -> io::Result<Option<usize>> {
    would_block(|| (&*stream).write(data))
}
// ANCHOR_END: recv_send

/// A load client's half of one echo on a non-blocking connection, done a
/// step at a time: send a message, read it back, check every byte
/// (`echoload`, and Part 8's `c10k`).
#[derive(Debug, Default)]
pub struct EchoRound {
    sent: usize,
    received: usize,
}

impl EchoRound {
    /// A round that has sent and received nothing yet.
    pub fn new() -> EchoRound {
        EchoRound::default()
    }

    /// Sends what `stream` takes of `message` and reads what has come
    /// back into `scratch` (at least as long as `message`), checking it
    /// against what was sent. `Ok(None)` once all of `message` is back;
    /// otherwise what to wait for before the next step.
    pub fn step(
        &mut self,
        stream: &TcpStream,
        message: &[u8],
        scratch: &mut [u8],
    ) -> io::Result<Option<Interest>> {
        while self.sent < message.len() {
            match send(stream, &message[self.sent..])? {
                Some(n) => self.sent += n,
                None => return Ok(Some(Interest::Write)),
            }
        }
        while self.received < message.len() {
            let want = message.len() - self.received;
            match recv(stream, &mut scratch[..want])? {
                Some(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the server closed the connection",
                    ));
                }
                Some(n) => {
                    let expected = &message[self.received..self.received + n];
                    if scratch[..n] != *expected {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "the server echoed bytes that were not sent",
                        ));
                    }
                    self.received += n;
                }
                None => return Ok(Some(Interest::Read)),
            }
        }
        Ok(None)
    }
}

/// Reads what has arrived on `stream` into the spare capacity of `buf`,
/// which grows by as much, without blocking; answers as [`recv`] does.
/// That capacity need not be cleared first (CPython's `sock.recv(n)`
/// does not clear its new buffer either): a buffer made for one read
/// costs its allocation, not the writing of `n` zeros.
pub fn recv_into_spare(
    stream: &TcpStream,
    buf: &mut Vec<u8>,
) -> io::Result<Option<usize>> {
    use rustix::buffer::spare_capacity;
    would_block(|| Ok(rustix::io::read(stream, spare_capacity(buf))?))
}

fn would_block(
    mut io: impl FnMut() -> io::Result<usize>,
) -> io::Result<Option<usize>> {
    loop {
        match io() {
            Ok(n) => return Ok(Some(n)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
            Err(e) => return Err(e),
        }
    }
}

/// Whether an I/O error only means that the peer went away: it reset the
/// connection, or closed it while we were still sending. A server ends
/// that client quietly, as if it had closed normally.
pub fn is_disconnect(error: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionReset
            | ConnectionAborted
            | BrokenPipe
            | NotConnected
            | UnexpectedEof
    )
}

/// Python's way of printing a socket address: `('127.0.0.1', 50000)`.
/// The servers print it in `Connection from ...`, as the originals do.
pub fn python_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "('{}', {}, {}, {})",
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
    }
}

/// What a wait is for: reading or writing without blocking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Readable: data, a connection to accept, or the peer's close.
    Read,
    /// Writable: room in the send buffer.
    Write,
}

/// The descriptors whose waits came to an end in one [`IoPoller::wait`]
/// (Python: the `r` and `w` lists `select()` returns).
#[derive(Debug, Default)]
pub struct Ready {
    /// Ready for reading.
    pub read: Vec<RawFd>,
    /// Ready for writing.
    pub write: Vec<RawFd>,
}

impl Ready {
    fn push(&mut self, fd: RawFd, interest: Interest) {
        match interest {
            Interest::Read => self.read.push(fd),
            Interest::Write => self.write.push(fd),
        }
    }
}

/// One registered descriptor: its source, which the poller holds so
/// that it stays open while registered, and the waits armed on it.
struct Watch {
    source: Rc<dyn AsFd>,
    read: bool,
    write: bool,
    /// Listed in `IoPoller::idle`.
    idle: bool,
    /// Edge-triggered only: the kernel said the descriptor was readable
    /// (writable) while nobody waited for it; the next wait ends at once.
    known_read: bool,
    known_write: bool,
    /// Edge-triggered only: readable (writable) for good, after the
    /// peer's close or an error; every wait ends at once.
    read_for_good: bool,
    write_for_good: bool,
}

impl Watch {
    fn new(source: Rc<dyn AsFd>, interest: Interest) -> Watch {
        Watch {
            source,
            read: interest == Interest::Read,
            write: interest == Interest::Write,
            idle: false,
            known_read: false,
            known_write: false,
            read_for_good: false,
            write_for_good: false,
        }
    }

    /// The wait armed for `interest`, and what is known of it.
    fn wait_for(&mut self, interest: Interest) -> (&mut bool, &mut bool) {
        match interest {
            Interest::Read => (&mut self.read, &mut self.known_read),
            Interest::Write => (&mut self.write, &mut self.known_write),
        }
    }

    /// Whether the descriptor stays ready for `interest` whatever happens.
    fn for_good(&self, interest: Interest) -> bool {
        match interest {
            Interest::Read => self.read_for_good,
            Interest::Write => self.write_for_good,
        }
    }

    fn event(&self, fd: RawFd) -> Event {
        Event::new(key(fd), self.read, self.write)
    }

    fn waits(&self) -> usize {
        usize::from(self.read) + usize::from(self.write)
    }
}

fn key(fd: RawFd) -> usize {
    usize::try_from(fd).expect("a file descriptor is not negative")
}

// ANCHOR: iopoller
/// `select()` for a coroutine scheduler: a set of waits, each for one
/// descriptor to become readable or writable, and [`IoPoller::wait`],
/// which blocks until some of them are ready (or a timeout passes).
///
/// Each wait happens once: [`IoPoller::add`] starts it, and it ends when
/// `wait` reports it (or [`IoPoller::cancel`] drops it). That is how the
/// course's scheduler uses `select()`: a task asks to wait, is woken once,
/// and asks again if it needs to.
///
/// The poller holds a reference to each source it has watched (an `Rc`):
/// the `polling` crate requires a source to be removed from the poller
/// before it is closed, and while the poller holds it, it cannot close.
/// Python's `ReadWait(sock)` also holds a reference to the socket. The
/// registration is kept between waits, so that waiting again costs one
/// system call, not two; once the poller holds the only reference left
/// (its owner dropped the socket), the next `wait` removes the
/// registration and lets go, which closes the socket.
pub struct IoPoller {
    // Created on first use, so that making a scheduler cannot fail.
    poller: Option<Poller>,
    events: Events,
    watched: HashMap<RawFd, Watch>,
    /// Registered descriptors with no wait armed: maybe no longer used.
    idle: Vec<RawFd>,
    /// Waits armed, for reading and for writing.
    waits: usize,
    /// Edge-triggered (see [`IoPoller::edge_triggered`]).
    edge: bool,
    /// Edge-triggered only: waits that were over when they began.
    early: Vec<(RawFd, Interest)>,
}
// ANCHOR_END: iopoller

impl Default for IoPoller {
    fn default() -> IoPoller {
        IoPoller {
            poller: None,
            events: Events::new(),
            watched: HashMap::new(),
            idle: Vec::new(),
            waits: 0,
            edge: false,
            early: Vec::new(),
        }
    }
}

impl IoPoller {
    /// An empty set of waits.
    pub fn new() -> IoPoller {
        IoPoller::default()
    }

    /// An empty set of waits that costs one system call fewer per wait,
    /// on Linux (elsewhere, the same as [`IoPoller::new`]).
    ///
    /// Each descriptor is registered once, edge-triggered: the kernel
    /// reports each time it becomes ready, and arming a wait is no system
    /// call at all. The poller remembers what the kernel reported while
    /// nobody waited, so that such a wait ends at once. The kernel does
    /// not report again what it reported already, so its user must say
    /// when a descriptor may still be ready after its wait ended: see
    /// [`IoPoller::still_ready`]. (This is how tokio uses epoll.)
    pub fn edge_triggered() -> IoPoller {
        let mut poller = IoPoller::default();
        poller.edge = cfg!(target_os = "linux");
        poller
    }

    /// Whether no wait is armed.
    pub fn is_empty(&self) -> bool {
        self.waits == 0
    }

    /// How many waits are armed.
    pub fn len(&self) -> usize {
        self.waits
    }

    /// Starts waiting until `source` is ready for `interest`, and returns
    /// its descriptor (what [`IoPoller::wait`] will report).
    ///
    /// Waiting to read and to write at once is fine; waiting twice for
    /// the same thing on one descriptor is an error (`AlreadyExists`):
    /// only one of the two waiters could be told.
    pub fn add(
        &mut self,
        source: Rc<dyn AsFd>,
        interest: Interest,
    ) -> io::Result<RawFd> {
        let fd = source.as_fd().as_raw_fd();
        let poller = match self.poller {
            Some(ref poller) => poller,
            None => self.poller.insert(Poller::new()?),
        };
        if let Some(watch) = self.watched.get_mut(&fd) {
            // Registered already, and held open by us since: the same
            // socket. Arm the wait (one-shot: one report, then disarmed).
            let (wanted, known) = watch.wait_for(interest);
            if *wanted {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("descriptor {fd} already has a {interest:?} wait"),
                ));
            }
            *wanted = true;
            if self.edge {
                // Registered for good: nothing to arm. Ready already?
                if std::mem::replace(known, false) || watch.for_good(interest) {
                    self.early.push((fd, interest));
                }
            } else if let Err(e) =
                poller.modify(watch.source.as_fd(), watch.event(fd))
            {
                *watch.wait_for(interest).0 = false;
                return Err(e);
            }
        } else {
            let watch = Watch::new(source, interest);
            // SAFETY: `polling` requires the source to be deleted from
            // the poller before it is closed. The poller keeps a reference
            // to it (`watch.source`) and drops that reference only after
            // deleting it (`release_idle`, `Drop`); while the reference
            // lives, the socket cannot be dropped, so it stays open.
            #[allow(unsafe_code)]
            unsafe {
                if self.edge {
                    add_edge(poller, &watch.source.as_fd(), fd)?;
                } else {
                    poller.add(&watch.source.as_fd(), watch.event(fd))?;
                }
            }
            self.watched.insert(fd, watch);
        }
        self.waits += 1;
        Ok(fd)
    }

    /// Stops the wait of `fd` for `interest`, if there is one (the waiting
    /// task was killed).
    pub fn cancel(&mut self, fd: RawFd, interest: Interest) {
        let (Some(poller), Some(watch)) =
            (&self.poller, self.watched.get_mut(&fd))
        else {
            return;
        };
        let armed = match interest {
            Interest::Read => &mut watch.read,
            Interest::Write => &mut watch.write,
        };
        if !std::mem::replace(armed, false) {
            return;
        }
        self.waits -= 1;
        // Re-arm what is left, or nothing: the wait must not fire.
        if !self.edge {
            let _ = poller.modify(watch.source.as_fd(), watch.event(fd));
        }
        if watch.waits() == 0 && !watch.idle {
            watch.idle = true;
            self.idle.push(fd);
        }
    }

    // ANCHOR: wait
    /// Waits until at least one armed wait's descriptor is ready, or
    /// `timeout` passes (`None`: no limit; zero: just look). Returns the
    /// waits that are over; the others stay armed.
    pub fn wait(&mut self, timeout: Option<Duration>) -> io::Result<Ready> {
        let mut ready = Ready::default();
        self.release_idle();
        let Some(poller) = &self.poller else {
            return Ok(ready); // nothing was ever waited for
        };
        // Waits over already (edge-triggered): look, but do not block.
        let timeout = if self.early.is_empty() {
            timeout
        } else {
            Some(Duration::ZERO)
        };
        self.events.clear();
        poller.wait(&mut self.events, timeout)?;
        for (fd, interest) in std::mem::take(&mut self.early) {
            let Some(watch) = self.watched.get_mut(&fd) else {
                continue;
            };
            // Not cancelled since?
            if std::mem::replace(watch.wait_for(interest).0, false) {
                ready.push(fd, interest);
                self.waits -= 1;
            }
            if watch.waits() == 0 && !watch.idle {
                watch.idle = true;
                self.idle.push(fd);
            }
        }
        for event in self.events.iter() {
            let Ok(fd) = RawFd::try_from(event.key) else {
                continue;
            };
            let Some(watch) = self.watched.get_mut(&fd) else {
                continue;
            };
            if self.edge {
                let (read, write) = for_good(&event);
                watch.read_for_good |= read;
                watch.write_for_good |= write;
            }
            for (interest, is) in [
                (Interest::Read, event.readable),
                (Interest::Write, event.writable),
            ] {
                let (wanted, known) = watch.wait_for(interest);
                if is && std::mem::replace(wanted, false) {
                    ready.push(fd, interest);
                    self.waits -= 1;
                } else if is && self.edge {
                    *known = true; // for the next wait
                }
            }
            // One-shot: the report disarmed it all; re-arm the rest. If
            // that fails, end those waits too: their tasks will retry.
            // (Edge-triggered: the registration stays as it is.)
            if !self.edge
                && watch.waits() > 0
                && poller
                    .modify(watch.source.as_fd(), watch.event(fd))
                    .is_err()
            {
                if std::mem::replace(&mut watch.read, false) {
                    ready.read.push(fd);
                    self.waits -= 1;
                }
                if std::mem::replace(&mut watch.write, false) {
                    ready.write.push(fd);
                    self.waits -= 1;
                }
            }
            if watch.waits() == 0 && !watch.idle {
                watch.idle = true;
                self.idle.push(fd);
            }
        }
        Ok(ready)
    }
    // ANCHOR_END: wait

    /// Says that `fd` may still be ready for `interest`, although a wait
    /// for it has ended since the kernel last said so: a read filled the
    /// whole buffer, or an accept found a connection, and more may be
    /// waiting. An edge-triggered poller would not hear of it again, so
    /// the next wait for it ends at once. (A one-shot poller asks the
    /// kernel afresh at every wait: nothing to do.)
    pub fn still_ready(&mut self, fd: RawFd, interest: Interest) {
        if let (true, Some(watch)) = (self.edge, self.watched.get_mut(&fd)) {
            *watch.wait_for(interest).1 = true;
        }
    }

    /// Lets go of the idle descriptors nobody else holds any more: their
    /// owners dropped them, so they can close now.
    fn release_idle(&mut self) {
        let Some(poller) = &self.poller else {
            return;
        };
        let idle = std::mem::take(&mut self.idle);
        for fd in idle {
            let Some(watch) = self.watched.get_mut(&fd) else {
                continue;
            };
            if watch.waits() > 0 {
                watch.idle = false; // armed again meanwhile
            } else if Rc::strong_count(&watch.source) > 1 {
                self.idle.push(fd); // still somebody's: keep it
            } else {
                // Delete first, then drop our reference (see `add`).
                let _ = poller.delete(watch.source.as_fd());
                self.watched.remove(&fd);
            }
        }
    }
}

/// Whether `event` says that the descriptor will stay readable, and
/// writable, whatever happens (edge-triggered registrations, Linux only).
#[cfg(target_os = "linux")]
fn for_good(event: &Event) -> (bool, bool) {
    (event.read_for_good, event.write_for_good)
}

#[cfg(not(target_os = "linux"))]
fn for_good(_: &Event) -> (bool, bool) {
    (false, false)
}

/// Registers `source` for good, edge-triggered (Linux only).
#[cfg(target_os = "linux")]
fn add_edge(poller: &Poller, source: &impl AsFd, fd: RawFd) -> io::Result<()> {
    poller.add_edge(source, key(fd))
}

/// Elsewhere, [`IoPoller::edge_triggered`] makes a one-shot poller, and
/// this is never called.
#[cfg(not(target_os = "linux"))]
fn add_edge(_: &Poller, _: &impl AsFd, _: RawFd) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

impl Drop for IoPoller {
    fn drop(&mut self) {
        if let Some(poller) = &self.poller {
            for watch in self.watched.values() {
                let _ = poller.delete(watch.source.as_fd());
            }
        }
    }
}

/// A request, from another thread, that a server stop (its tests use it).
///
/// The server's task checks [`Stop::requested`] each time it wakes up;
/// [`Stop::request`] sets the flag, then connects to the server to wake it.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// A stop nobody has asked for yet.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Whether a stop has been asked for.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Asks the server listening at `addr` to stop, and wakes it up with
    /// a connection. (If the server notices the request before that
    /// connection is made, the connection is refused or reset: no matter,
    /// the server is stopping.)
    pub fn request(&self, addr: SocketAddr) {
        self.0.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    fn pair() -> (Rc<UnixStream>, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        b.set_nonblocking(true).unwrap();
        (Rc::new(a), b)
    }

    const NOW: Option<Duration> = Some(Duration::ZERO);
    /// Long enough for a descriptor that is ready: a failing test ends.
    const SOON: Option<Duration> = Some(Duration::from_secs(5));

    #[test]
    fn a_wait_ends_once_when_its_descriptor_is_ready() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::new();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty());
        b.write_all(b"x").unwrap();
        assert_eq!(poller.wait(None).unwrap().read, [fd]);
        assert!(poller.is_empty());
        // One-shot: the unread byte is not reported again...
        assert!(poller.wait(NOW).unwrap().read.is_empty());
        // ...until someone waits again.
        poller.add(a.clone(), Interest::Read).unwrap();
        assert_eq!(poller.wait(NOW).unwrap().read, [fd]);
    }

    #[test]
    fn one_descriptor_can_wait_to_read_and_to_write() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::new();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        poller.add(a.clone(), Interest::Write).unwrap();
        assert_eq!(poller.len(), 2);
        let ready = poller.wait(None).unwrap();
        assert_eq!((ready.read.len(), ready.write), (0, vec![fd]));
        b.write_all(b"x").unwrap();
        assert_eq!(poller.wait(None).unwrap().read, [fd]);
        assert!(poller.is_empty());
    }

    #[test]
    fn waiting_twice_for_the_same_thing_is_an_error() {
        let (a, _b) = pair();
        let mut poller = IoPoller::new();
        poller.add(a.clone(), Interest::Read).unwrap();
        let err = poller.add(a.clone(), Interest::Read).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(poller.len(), 1);
    }

    #[test]
    fn a_cancelled_wait_never_ends() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::new();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        poller.cancel(fd, Interest::Read);
        assert!(poller.is_empty());
        b.write_all(b"x").unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty());
    }

    #[test]
    fn a_socket_its_owner_dropped_is_closed_at_the_next_wait() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::new();
        poller.add(a.clone(), Interest::Write).unwrap();
        assert_eq!(poller.wait(None).unwrap().write.len(), 1);
        drop(a); // the poller holds the last reference: still open
        let mut buf = [0; 1];
        let still_open = b.read(&mut buf).unwrap_err();
        assert_eq!(still_open.kind(), io::ErrorKind::WouldBlock);
        poller.wait(NOW).unwrap();
        assert_eq!(b.read(&mut buf).unwrap(), 0, "closed: end of file");
    }

    #[test]
    fn a_read_into_spare_capacity_lengthens_the_buffer_by_what_came() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut peer =
            TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        stream.set_nonblocking(true).unwrap();
        let mut buf = Vec::with_capacity(64);
        assert_eq!(recv_into_spare(&stream, &mut buf).unwrap(), None);
        assert!(buf.is_empty(), "nothing came yet");
        let stream = Rc::new(stream);
        let mut poller = IoPoller::new();
        let mut wait_to_read = || {
            poller.add(stream.clone(), Interest::Read).unwrap();
            poller.wait(Some(Duration::from_secs(5))).unwrap();
        };
        peer.write_all(b"spam").unwrap();
        wait_to_read();
        assert_eq!(recv_into_spare(&stream, &mut buf).unwrap(), Some(4));
        assert_eq!(buf, b"spam");
        drop(peer);
        wait_to_read();
        let mut rest = Vec::with_capacity(64);
        assert_eq!(recv_into_spare(&stream, &mut rest).unwrap(), Some(0));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn edge_triggered_it_remembers_what_came_while_nobody_waited() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::edge_triggered();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty());
        b.write_all(b"x").unwrap();
        assert_eq!(poller.wait(SOON).unwrap().read, [fd]);
        // The kernel reports a change once: the unread byte is not news...
        poller.add(a.clone(), Interest::Read).unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty());
        poller.cancel(fd, Interest::Read);
        // ...but a byte that comes while nobody waits is remembered.
        b.write_all(b"y").unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty(), "no wait armed");
        poller.add(a.clone(), Interest::Read).unwrap();
        assert_eq!(poller.len(), 1);
        assert_eq!(poller.wait(SOON).unwrap().read, [fd]);
        assert!(poller.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn edge_triggered_still_ready_ends_the_next_wait_at_once() {
        let (a, mut b) = pair();
        let mut poller = IoPoller::edge_triggered();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        b.write_all(b"more than one read takes").unwrap();
        assert_eq!(poller.wait(SOON).unwrap().read, [fd]);
        let mut small = [0; 4];
        assert_eq!((&*a).read(&mut small).unwrap(), 4); // a full buffer
        poller.still_ready(fd, Interest::Read);
        poller.add(a.clone(), Interest::Read).unwrap();
        assert_eq!(poller.wait(SOON).unwrap().read, [fd]);
        // Once only: still_ready is a hint for one wait.
        poller.add(a.clone(), Interest::Read).unwrap();
        assert!(poller.wait(NOW).unwrap().read.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn edge_triggered_a_closed_peer_makes_every_read_wait_end_at_once() {
        let (a, b) = pair();
        let mut poller = IoPoller::edge_triggered();
        let fd = poller.add(a.clone(), Interest::Read).unwrap();
        drop(b);
        assert_eq!(poller.wait(SOON).unwrap().read, [fd]);
        for _ in 0..3 {
            poller.add(a.clone(), Interest::Read).unwrap();
            assert_eq!(poller.wait(NOW).unwrap().read, [fd]);
        }
        assert_eq!((&*a).read(&mut [0; 1]).unwrap(), 0, "end of file");
    }

    #[test]
    fn python_prints_addresses_as_tuples() {
        let v4: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        assert_eq!(python_addr(v4), "('127.0.0.1', 50000)");
        let v6: SocketAddr = "[::1]:50000".parse().unwrap();
        assert_eq!(python_addr(v6), "('::1', 50000, 0, 0)");
    }
}
