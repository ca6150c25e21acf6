//! # pyos8: tasks with a call stack (slide 176; original: `pyos8.py`)
//!
//! Step 8: a task can call a coroutine subroutine by yielding it, and get
//! its result back; a subroutine can call subroutines in turn. Each task
//! keeps the call stack of the coroutines it has entered, and its `run`
//! is the trampoline between them. Step 8's I/O routines, `accept`,
//! `send` and `recv`, are such subroutines. (The step itself:
//! `part8_stack/src/pyos8.rs`.)
//!
//! `pyos8.py` has no example of its own (its note says: run
//! `echoserver.py`). This one is small and deterministic: a writer and a
//! reader at the two ends of a loopback connection. The writer sends
//! 4 MiB with one call of the `send` subroutine, which goes on sending
//! and waiting for room, as many times as it takes, before it returns;
//! the reader calls `recv_all`, a subroutine of its own that calls `recv`
//! until the writer closes, and returns the count.
//!
//! Run it: `cargo run --bin pyos8`. Both tasks end, then the polling task
//! (task 3).

use clap::Parser;
use part1_generators::Fail;
use part8_stack::pyos8::{Scheduler, Subroutine, Sys, recv, send};
use std::io;
use std::net::{TcpListener, TcpStream};
use std::rc::Rc;

/// The example of step 8: a subroutine that sends 4 MiB, and one that
/// calls another until the end.
#[derive(Parser)]
#[command(name = "pyos8")]
struct Args {}

const BYTES: usize = 4 << 20;

// ANCHOR: tasks
/// A subroutine that calls a subroutine: receives until the peer closes,
/// and returns how many bytes came.
fn recv_all(sock: &Rc<TcpStream>) -> Subroutine<io::Result<usize>> {
    let sock = sock.clone();
    Subroutine::new(move |sys: &Sys| {
        let mut total = 0;
        loop {
            let data = sys.call(recv(&sock, 65536))?;
            if data.is_empty() {
                return Ok(total);
            }
            total += data.len();
        }
    })
}

fn reader(sys: &Sys, sock: Rc<TcpStream>) -> io::Result<()> {
    println!("reader: receiving until the writer closes");
    let total = sys.call(recv_all(&sock))?;
    println!("reader: received {total} bytes");
    Ok(())
}

fn writer(sys: &Sys, sock: Rc<TcpStream>) -> io::Result<()> {
    println!("writer: sending {BYTES} bytes");
    sys.call(send(&sock, vec![b'x'; BYTES]))?;
    println!("writer: sent them all; closing");
    Ok(())
}
// ANCHOR_END: tasks

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let (a, b) = loopback_pair()?;
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| report(reader(sys, Rc::new(a))));
    sched.new(move |sys: &Sys| report(writer(sys, Rc::new(b))));
    sched.mainloop();
    Ok(())
}

/// Two ends of a loopback TCP connection, non-blocking.
fn loopback_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let a = TcpStream::connect(listener.local_addr()?)?;
    let (b, _) = listener.accept()?;
    a.set_nonblocking(true)?;
    b.set_nonblocking(true)?;
    Ok((a, b))
}

fn report(result: io::Result<()>) {
    if let Err(e) = result {
        eprintln!("pyos8: {e}");
    }
}
