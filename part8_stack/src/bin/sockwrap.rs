//! # sockwrap: a socket whose methods are coroutines (slide 185; original: `sockwrap.py`)
//!
//! `Socket` wraps a socket so that its methods, `accept`, `recv`, `send`
//! and `close`, are subroutines of step 8: a task calls them by yielding
//! them, `sys.call(client.recv(65536))`, and code using the wrapper reads
//! almost like code using plain sockets. (The wrapper:
//! `part8_stack/src/sockwrap.rs`.)
//!
//! `sockwrap.py` is a module with no example (`echoserver2.py` uses it).
//! This one is small and deterministic: a server task and a client task,
//! one message there and back over loopback, all through the wrapper.
//!
//! Run it: `cargo run --bin sockwrap`.

use clap::Parser;
use part1_generators::Fail;
use part7_os::net::{self, Listener};
use part8_stack::pyos8::{Scheduler, Sys};
use part8_stack::sockwrap::Socket;
use std::io;
use std::net::{SocketAddr, TcpStream};

/// The socket wrapper at work: one message, there and back.
#[derive(Parser)]
#[command(name = "sockwrap")]
struct Args {}

// ANCHOR: tasks
fn server(sys: &Sys, sock: Socket<Listener>) -> io::Result<()> {
    println!("server: accepting");
    let (client, _addr) = sys.call(sock.accept())?;
    let data = sys.call(client.recv(65536))?;
    println!(
        "server: got {:?}, sending it back",
        String::from_utf8_lossy(&data)
    );
    sys.call(client.send(data))?;
    println!("server: closing");
    sys.call(client.close());
    Ok(())
}

fn client(sys: &Sys, addr: SocketAddr) -> io::Result<()> {
    // Connecting is not among the course's wrapped calls: on loopback,
    // a blocking connect returns at once.
    let stream = TcpStream::connect(addr)?;
    stream.set_nonblocking(true)?;
    let sock = Socket::new(stream);
    println!("client: sending \"spam\"");
    sys.call(sock.send(b"spam".to_vec()))?;
    let back = sys.call(sock.recv(65536))?;
    println!("client: got {:?} back", String::from_utf8_lossy(&back));
    let end = sys.call(sock.recv(65536))?;
    println!("client: got {} bytes: the server has closed", end.len());
    Ok(())
}
// ANCHOR_END: tasks

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let listener = net::listen("127.0.0.1", 0, net::BACKLOG)?;
    let addr = listener.local_addr()?;
    let sock = Socket::new(Listener::new(listener)?);
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| report(server(sys, sock)));
    sched.new(move |sys: &Sys| report(client(sys, addr)));
    sched.mainloop();
    Ok(())
}

fn report(result: io::Result<()>) {
    if let Err(e) = result {
        eprintln!("sockwrap: {e}");
    }
}
