//! # echostackful: the echo server with no trampoline (Part 8's epilogue; no original)
//!
//! What Rust's stackful coroutines change. A Python generator can only
//! yield from its own frame, hence `pyos8`'s trampoline and its
//! subroutines. A corosensei coroutine has a stack of its own, and any
//! function it calls, at any depth, can suspend it. So here `accept`,
//! `recv` and `send` are plain functions, called as one would call
//! blocking socket functions, and they suspend the calling task while its
//! socket is not ready: `handle_client` calls `recv`, which calls
//! `sys.wait`, and the whole task waits, every frame on its stack.
//!
//! The scheduler is a few dozen lines: a ready queue, and `mio` (tokio's
//! own readiness layer, epoll on Linux) to wait for sockets. Each socket
//! is registered once, for its task; the kernel reports what changed,
//! and the task runs again. Part 9's contest races this server against
//! tokio's, on the same layer: coroutines against futures.
//!
//! Run it: `cargo run --release --bin echostackful` (options: `--port`,
//! default 45000, and `--host`, default 127.0.0.1), then connect with
//! `nc 127.0.0.1 45000`. It prints `Server starting`, and
//! `Connection from ...` and `Client closed` as clients come and go.
//! `c10k` puts 10,000 connections on it at once.

use clap::Parser;
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use part1_generators::Fail;
use part7_os::socket::{Listener, ServerArgs, log, python_addr};
use std::collections::{HashMap, VecDeque};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsFd, AsRawFd};
use std::rc::Rc;
use std::time::Duration;

/// Bytes of stack for each task. Serving a client takes a task a few
/// KiB and its buffer; a panic's message and backtrace, printed from the
/// task's own stack, about 22 KiB. Only the pages a task touches cost
/// memory.
const STACK_SIZE: usize = 64 * 1024;

/// Bytes a client's task reads at a time, into a buffer it keeps on its
/// stack while its client is connected: with many idle clients, most of
/// a connection's memory (the originals read 64 KiB).
const BUFFER_SIZE: usize = 16 * 1024;

// ------------------------------------------------------------
//                      === Scheduler ===
// ------------------------------------------------------------

// ANCHOR: sys
// ANCHOR: request
/// What a task asks for when it suspends.
enum Request {
    /// Run again once one of its sockets is ready.
    Wait,
    /// Run again after the others that are ready.
    Yield,
    /// Start a task running this body, and run again.
    Spawn(Box<dyn FnOnce(&Sys)>),
}

/// A task's way out, passed down to every function that may suspend it.
struct Sys<'a> {
    yielder: &'a Yielder<(), Request>,
    registry: &'a Registry,
    token: Token,
}
// ANCHOR_END: request

impl Sys<'_> {
    /// Has the kernel report to this task when `socket` changes.
    fn register(&self, socket: &impl AsFd) -> io::Result<()> {
        let fd = &socket.as_fd().as_raw_fd();
        let both = Interest::READABLE | Interest::WRITABLE;
        self.registry.register(&mut SourceFd(fd), self.token, both)
    }

    /// Suspends the task until one of its sockets is ready.
    fn wait(&self) {
        self.yielder.suspend(Request::Wait);
    }

    /// Lets the other tasks that are ready run first.
    fn yield_(&self) {
        self.yielder.suspend(Request::Yield);
    }

    /// Starts a task running `body`.
    fn spawn(&self, body: impl FnOnce(&Sys) + 'static) {
        self.yielder.suspend(Request::Spawn(Box::new(body)));
    }
}
// ANCHOR_END: sys

// ANCHOR: scheduler
/// Runs tasks in turn, and waits for their sockets when none is ready.
struct Scheduler {
    poll: Poll,
    registry: Rc<Registry>,
    tasks: HashMap<Token, Coroutine<(), Request, ()>>,
    ready: VecDeque<Token>,
    last: usize,
}

impl Scheduler {
    fn new() -> io::Result<Scheduler> {
        let poll = Poll::new()?;
        let registry = Rc::new(poll.registry().try_clone()?);
        let (tasks, ready) = (HashMap::new(), VecDeque::new());
        Ok(Scheduler {
            poll,
            registry,
            tasks,
            ready,
            last: 0,
        })
    }

    /// Starts a task running `body`, on a stack of its own: an error, not
    /// a crash, when no stack can be had.
    fn spawn(&mut self, body: Box<dyn FnOnce(&Sys)>) -> io::Result<()> {
        let stack = DefaultStack::new(STACK_SIZE)?;
        self.last += 1;
        let (token, registry) = (Token(self.last), self.registry.clone());
        let task = Coroutine::with_stack(stack, move |yielder, ()| {
            body(&Sys {
                yielder,
                registry: &registry,
                token,
            });
        });
        self.tasks.insert(token, task);
        self.ready.push_back(token);
        Ok(())
    }

    /// Runs the tasks until none is left: each ready one in turn, then
    /// whichever the kernel says have a socket ready (only looking, if
    /// some task is ready again; waiting as long as it takes, if none is).
    fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        while !self.tasks.is_empty() {
            for _ in 0..self.ready.len() {
                let token = self.ready.pop_front().expect("a ready task");
                self.step(token);
            }
            let timeout = (!self.ready.is_empty()).then_some(Duration::ZERO);
            match self.poll.poll(&mut events, timeout) {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                result => result?,
            }
            self.ready.extend(events.iter().map(|event| event.token()));
        }
        Ok(())
    }

    /// Runs one task until it suspends, and does what it asks.
    fn step(&mut self, token: Token) {
        let Some(task) = self.tasks.get_mut(&token) else {
            return; // it has ended
        };
        match task.resume(()) {
            CoroutineResult::Yield(Request::Wait) => {}
            CoroutineResult::Yield(Request::Yield) => {
                self.ready.push_back(token)
            }
            CoroutineResult::Yield(Request::Spawn(body)) => {
                if let Err(e) = self.spawn(body) {
                    // The body, and the client socket it owns, are dropped.
                    log("echostackful: no task for a client", &e);
                }
                self.ready.push_back(token);
            }
            CoroutineResult::Return(()) => _ = self.tasks.remove(&token),
        }
    }
}
// ANCHOR_END: scheduler

// ------------------------------------------------------------
//               === Socket functions that suspend ===
// ------------------------------------------------------------

// ANCHOR: accept
/// Accepts a connection, waiting for one: a plain function.
fn accept(sys: &Sys, sock: &Listener) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        match sock.accept() {
            Err(e) if e.kind() == ErrorKind::WouldBlock => sys.wait(),
            accepted => return accepted,
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: recv
/// Reads what has arrived into `buf`, waiting for something: 0 once the
/// peer has closed.
fn recv(sys: &Sys, sock: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match sock.read(buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => sys.wait(),
            received => return received,
        }
    }
}
// ANCHOR_END: recv

// ANCHOR: send
/// Sends all of `data`, waiting for room as often as it takes.
fn send(sys: &Sys, sock: &mut TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        match sock.write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => sys.wait(),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
// ANCHOR_END: send

// ------------------------------------------------------------
//                      === The server ===
// ------------------------------------------------------------

// ANCHOR: handle_client
fn handle_client(
    sys: &Sys,
    mut client: TcpStream,
    addr: SocketAddr,
) -> io::Result<()> {
    println!("Connection from {}", python_addr(addr));
    client.set_nonblocking(true)?;
    sys.register(&client)?;
    let mut buf = [0; BUFFER_SIZE]; // on the task's stack: nothing to allocate
    loop {
        let n = recv(sys, &mut client, &mut buf)?;
        if n == 0 {
            break;
        }
        send(sys, &mut client, &buf[..n])?;
        if n == buf.len() {
            // More may be waiting: let the others run first, so that a
            // client that never pauses cannot keep the server to itself.
            sys.yield_();
        }
    }
    println!("Client closed");
    Ok(())
}
// ANCHOR_END: handle_client

// ANCHOR: server
fn server(sys: &Sys, sock: Listener) -> io::Result<()> {
    println!("Server starting");
    sock.set_nonblocking(true)?;
    sys.register(&sock)?;
    loop {
        match accept(sys, &sock) {
            Ok((client, addr)) => sys.spawn(move |sys: &Sys| {
                if let Err(e) = handle_client(sys, client, addr) {
                    eprintln!("echostackful: client {addr}: {e}");
                }
            }),
            // A client turned away (no descriptor), or a failed accept.
            Err(e) => log("echostackful", &e),
        }
    }
}
// ANCHOR_END: server

/// An echo server whose socket functions suspend the calling task from
/// any depth: no trampoline.
#[derive(Parser)]
#[command(name = "echostackful")]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // The scheduler's descriptors first: those after the listener's are
    // the clients'. A stack a client: its task's.
    let mut sched = Scheduler::new()?;
    let sock = args.server.listen("echostackful", 1)?;
    sched.spawn(Box::new(move |sys: &Sys| {
        if let Err(e) = server(sys, sock) {
            eprintln!("echostackful: {e}");
        }
    }))?;
    sched.run()?;
    Ok(())
}
