//! # sockwrap: a socket whose methods are coroutines (slide 185; original: `sockwrap.py`)
//!
//! `Socket` wraps a socket so that its methods, `accept`, `recv`, `send`
//! and `close`, are subroutines of pyos8: a task calls them by yielding
//! them, `sys.call(client.recv(65536))`, and code using the wrapper reads
//! almost like code using plain sockets.
//!
//! Where Rust departs: a listening socket and a connected one are two
//! types, `Socket<Listener>` (it can only `accept`) and
//! `Socket<TcpStream>` (it can only `recv`, `send` and `close`); and the
//! methods call pyos8's library subroutines (`from pyos8 import *`)
//! rather than repeat their code.
//!
//! `echoserver2` imports it: the crate's library compiles this file as
//! its module `sockwrap`. `sockwrap.py` has no example, and `cargo run
//! --bin sockwrap` only says to run `echoserver2`.

use clap::Parser;
use part7_os::socket::Listener;
use part8_stack::pyos8::{self, Subroutine, Sys};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

// ANCHOR: socket_new
/// Coroutine wrapper around a socket object (Python: `class Socket`).
pub struct Socket<S> {
    sock: Rc<S>,
}

impl<S> Socket<S> {
    /// Wraps `sock` (Python: `Socket(sock)`).
    pub fn new(sock: S) -> Socket<S> {
        Socket {
            sock: Rc::new(sock),
        }
    }
}
// ANCHOR_END: socket_new

// ANCHOR: socket_listener
impl Socket<Listener> {
    /// Waits for a connection and accepts it: the client, wrapped.
    pub fn accept(
        &self,
    ) -> Subroutine<io::Result<(Socket<TcpStream>, SocketAddr)>> {
        let sock = self.sock.clone();
        Subroutine::new(move |sys: &Sys| {
            // A subroutine calling a subroutine: while `accept` waits, the
            // task's call stack is three coroutines deep.
            let (client, addr) = sys.call(pyos8::accept(&sock))?;
            Ok((Socket::new(client), addr))
        })
    }
}
// ANCHOR_END: socket_listener

// ANCHOR: socket_stream
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

    /// Closes the socket (Python: `yield self.sock.close()`); a closed
    /// socket cannot be used again, so it takes the wrapper.
    pub fn close(self) -> Subroutine<()> {
        Subroutine::new(move |_: &Sys| drop(self.sock))
    }
}
// ANCHOR_END: socket_stream

/// `sockwrap.py` is a module with no example: run `echoserver2`.
#[derive(Parser)]
#[command(name = "sockwrap")]
struct Args {}

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    eprintln!(
        "sockwrap: run echoserver2 (cargo run --bin echoserver2) to see it work"
    );
}
