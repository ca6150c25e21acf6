//! What the echo servers take from Python's `socket` module: a listening
//! socket and its `accept`. Not a lesson; written once, for the servers
//! of Parts 7, 8 and 9.
//!
//! Three things beyond Python's few lines, each for a reason the slides
//! give:
//! - a listen backlog of [`BACKLOG`], so that slide 192's 900 clients,
//!   connecting at once, are queued rather than dropped (most of the
//!   course's servers ask for 5);
//! - the open-file limit raised to its hard limit (the slides' `ulimit
//!   -n`): each client costs a descriptor;
//! - an `accept` that survives running out of descriptors ([`Listener`]).

use clap::Args;
use rustix::io::Errno;
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use socket2::{Domain, Socket, Type};
use std::cell::Cell;
use std::fs::File;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, BorrowedFd};

/// Connections the kernel queues for a server that has not accepted
/// them yet (Linux caps it at `net.core.somaxconn`, 4096 by default).
pub const BACKLOG: i32 = 1024;

/// The options of every echo server.
#[derive(Args)]
pub struct ServerArgs {
    /// Address to listen on (0.0.0.0 listens on every interface)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 45000)]
    pub port: u16,
}

impl ServerArgs {
    // ANCHOR: listen
    /// Python: `sock = socket(AF_INET, SOCK_STREAM)`,
    /// `sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)`,
    /// `sock.bind((host, port))`, `sock.listen(BACKLOG)`. Then it says
    /// where, on stderr: `NAME: listening on ADDRESS` (the port picked,
    /// for `--port 0`). An error is one line that names the address.
    pub fn listen(&self, name: &str) -> io::Result<Listener> {
        raise_fd_limit();
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
        Ok(Listener { sock, reserve })
    }
    // ANCHOR_END: listen
}

/// Puts `what` before an error's message.
fn context(what: String) -> impl FnOnce(io::Error) -> io::Error {
    move |e| io::Error::new(e.kind(), format!("{what}: {e}"))
}

/// Raises the soft limit on open files to the hard limit, as `ulimit -n`
/// does in a shell (the usual soft limit, 1024, is a thousand clients).
fn raise_fd_limit() {
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    let _ = setrlimit(Resource::Nofile, raised); // as much as it can
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
/// back.
pub struct Listener {
    sock: TcpListener,
    reserve: Cell<Option<File>>,
}

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
                let why = format!("{e}: closed the connection from {addr}");
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
// ANCHOR_END: listener

/// Python's way of printing an address, `('127.0.0.1', 50000)`, as the
/// servers print it in `Connection from ...`.
pub fn python_addr(addr: SocketAddr) -> String {
    format!("('{}', {})", addr.ip(), addr.port())
}
