//! What the echo servers take from Python's `socket` module: a listening
//! socket and its `accept`. Not a lesson; written once, for the servers
//! of Parts 7, 8 and 9.
//!
//! Three things beyond Python's few lines, each for a reason the slides
//! give:
//! - a listen backlog of [`BACKLOG`], so that slide 192's 900 clients,
//!   connecting at once, are queued rather than dropped (most of the
//!   course's servers ask for 5);
//! - room for as many clients as the server can hold, said at start-up:
//!   the open-file limit raised (the slides' `ulimit -n`: each client
//!   costs a descriptor), or lowered to keep within `--max-clients` and
//!   the memory maps the clients' coroutine stacks need;
//! - an `accept` that survives running out of descriptors ([`Listener`]),
//!   so that a client the server has no room for is turned away, and
//!   [`log`], which says so without flooding the log.

use clap::Args;
use rustix::io::Errno;
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use socket2::{Domain, Socket, Type};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

// ANCHOR: backlog
/// Connections the kernel queues for a server that has not accepted
/// them yet (Linux caps it at `net.core.somaxconn`, 4096 by default).
pub const BACKLOG: i32 = 1024;
// ANCHOR_END: backlog

// ANCHOR: server_args
/// The options of every echo server.
#[derive(Args)]
pub struct ServerArgs {
    /// Address to listen on (0.0.0.0 listens on every interface)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 45000)]
    pub port: u16,
    /// Clients served at once; more are turned away [default: all it has
    /// room for, said at start-up]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_clients: Option<u64>,
}
// ANCHOR_END: server_args

impl ServerArgs {
    // ANCHOR: listen
    /// Python: `sock = socket(AF_INET, SOCK_STREAM)`,
    /// `sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)`,
    /// `sock.bind((host, port))`, `sock.listen(BACKLOG)`. Then it says
    /// where, on stderr: `NAME: listening on ADDRESS` (the port picked,
    /// for `--port 0`), and how many clients, each costing the server
    /// `stacks` coroutine stacks, it has room for. An error is one line
    /// that names the address.
    pub fn listen(&self, name: &str, stacks: u64) -> io::Result<Listener> {
        let resolve = format!("cannot resolve host {:?}", self.host);
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .and_then(|mut addrs| {
                addrs.next().ok_or(ErrorKind::NotFound.into())
            })
            .map_err(context(resolve))?;
        let bind = || -> io::Result<TcpListener> {
            let sock =
                Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            sock.set_reuse_address(true)?;
            sock.bind(&addr.into())?;
            sock.listen(BACKLOG)?; // std's `TcpListener::bind` picks its own
            Ok(sock.into())
        };
        let sock =
            bind().map_err(context(format!("cannot listen on {addr}")))?;
        eprintln!("{name}: listening on {}", sock.local_addr()?);
        let reserve = Cell::new(File::open("/dev/null").ok());
        // The descriptors after the listener's and the reserve's are the
        // clients': the open-file limit leaves room for so many.
        let first = sock.as_raw_fd() as u64 + 2;
        let limit = getrlimit(Resource::Nofile);
        let fds = limit.maximum.map(|max| max.saturating_sub(first));
        let room = self.room(stacks, fds);
        eprintln!("{name}: room for {room} clients at once");
        let current = Some(first.saturating_add(room));
        _ = setrlimit(Resource::Nofile, Rlimit { current, ..limit });
        Ok(Listener { sock, reserve })
    }
    // ANCHOR_END: listen

    /// As many clients as `--max-clients` says, as there are descriptors
    /// for, and as the memory maps allow: two a coroutine stack (the
    /// stack and its guard page), of the `vm.max_map_count` a process may
    /// have, a tenth kept for the rest of the program.
    fn room(&self, stacks: u64, fds: Option<u64>) -> u64 {
        let maps = fs::read_to_string("/proc/sys/vm/max_map_count");
        let maps = maps.ok().and_then(|m| m.trim().parse::<u64>().ok());
        let by_maps = (maps.unwrap_or(65530) * 9 / 10).checked_div(2 * stacks);
        let limits = [self.max_clients, fds, by_maps];
        limits.into_iter().flatten().min().unwrap_or(u64::MAX)
    }
}

/// Puts `what` before an error's message.
fn context(what: String) -> impl FnOnce(io::Error) -> io::Error {
    move |e| io::Error::new(e.kind(), format!("{what}: {e}"))
}

// ANCHOR: listener
/// A listening socket whose `accept` survives running out of
/// descriptors.
///
/// Out of descriptors, `accept` fails (`EMFILE`) and the connection stays
/// queued: the socket stays readable, and a server that only tries again
/// spins (Python's raises, and its server dies). So a descriptor is kept
/// in reserve: `accept` frees it, accepts the connection, closes it (the
/// client sees its connection closed, not a hang), and takes the reserve
/// back. That is also how a client beyond the server's room is turned
/// away: the open-file limit leaves no descriptor for it.
pub struct Listener {
    sock: TcpListener,
    reserve: Cell<Option<File>>,
}
// ANCHOR_END: listener

impl Listener {
    /// Python: `client, addr = sock.accept()`, blocking unless the
    /// listener is non-blocking. The client's socket sends small writes
    /// at once (`TCP_NODELAY`: an echo must not wait for more).
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        match self.sock.accept() {
            Ok((client, addr)) => {
                client.set_nodelay(true)?;
                Ok((client, addr))
            }
            Err(e)
                if matches!(
                    Errno::from_io_error(&e),
                    Some(Errno::MFILE | Errno::NFILE)
                ) =>
            {
                drop(self.reserve.take());
                // The connection is closed at once: only its address is kept.
                let turned_away = self.sock.accept().map(|(_, addr)| addr);
                self.reserve.set(File::open("/dev/null").ok());
                let addr = turned_away?; // (none was waiting after all)
                let why = format!("{e}: turned away the client from {addr}");
                Err(io::Error::new(e.kind(), why))
            }
            Err(e) => Err(e),
        }
    }

    /// Makes `accept` fail with `WouldBlock` rather than wait.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.sock.set_nonblocking(nonblocking)
    }
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

// ANCHOR: log
/// Prints `WHAT: ERROR` on stderr, at most once a second for each `what`
/// and kind of error: a crowd turned away must neither flood the log nor
/// slow the server down.
pub fn log(what: &str, e: &io::Error) {
    type Last = BTreeMap<(String, ErrorKind), Instant>;
    static LAST: Mutex<Last> = Mutex::new(BTreeMap::new());
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    let at = last.entry((what.into(), e.kind())).or_insert_with(|| {
        eprintln!("{what}: {e}"); // the first of its kind
        Instant::now()
    });
    if at.elapsed() >= Duration::from_secs(1) {
        eprintln!("{what}: {e}");
        *at = Instant::now();
    }
}
// ANCHOR_END: log

/// Python's way of printing an address, `('127.0.0.1', 50000)`, as the
/// servers print it in `Connection from ...`.
pub fn python_addr(addr: SocketAddr) -> String {
    format!("('{}', {})", addr.ip(), addr.port())
}
