//! # A socket whose methods are subroutines (slide 185; original: `sockwrap.py`)
//!
//! [`Socket`] wraps a socket, and its methods `accept`, `recv`, `send`
//! and `close` are subroutines of step 8: a task calls them by yielding
//! them, `sys.call(client.recv(65536))`, and gets their result. Code
//! that uses the wrapper reads almost like code using a plain socket.
//!
//! Where Rust departs from the Python: a listening socket and a connected
//! one are two types, `Socket<Listener>` (which can only `accept`) and
//! `Socket<TcpStream>` (which can only `recv`, `send` and `close`).
//! `recv` and `send` are step 8's library subroutines, bound to the
//! socket, rather than a second copy of their code as in Python.

use crate::pyos8::{self, Subroutine, Sys};
use part7_os::net::Listener;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: socket
/// A socket whose I/O methods are subroutines (Python: `class Socket`).
pub struct Socket<S> {
    sock: Rc<S>,
}

impl<S> Socket<S> {
    /// Wraps `sock`, which must be non-blocking (as a [`Listener`] and
    /// the streams it accepts are).
    pub fn new(sock: S) -> Socket<S> {
        Socket {
            sock: Rc::new(sock),
        }
    }
}

impl Socket<Listener> {
    /// Waits for a connection and accepts it: the client, wrapped.
    pub fn accept(
        &self,
    ) -> Subroutine<io::Result<(Socket<TcpStream>, SocketAddr)>> {
        let sock = self.sock.clone();
        Subroutine::new(move |sys: &Sys| {
            // A subroutine calling a subroutine: the task's call stack is
            // three coroutines deep while `accept` waits.
            let (client, addr) = sys.call(pyos8::accept(&sock))?;
            Ok((Socket::new(client), addr))
        })
    }
}

impl Socket<TcpStream> {
    /// Sends all of `buffer`.
    pub fn send(&self, buffer: Vec<u8>) -> Subroutine<io::Result<()>> {
        pyos8::send(&self.sock, buffer)
    }

    /// Waits for data and returns up to `maxbytes` of it; empty once the
    /// peer has closed.
    pub fn recv(&self, maxbytes: usize) -> Subroutine<io::Result<Vec<u8>>> {
        pyos8::recv(&self.sock, maxbytes)
    }

    /// Closes the socket (Python: `yield self.sock.close()`). It closes
    /// once the scheduler, which may still hold it from the last wait,
    /// lets go too.
    pub fn close(self) -> Subroutine<()> {
        Subroutine::new(move |_: &Sys| drop(self.sock))
    }
}
// ANCHOR_END: socket
