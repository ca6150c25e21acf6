//! # pyos7: waiting for I/O (slide 159; original: `pyos7.py`)
//!
//! Step 7: a task that wants to read or write a socket first waits, with
//! `ReadWait` or `WriteWait`, until it can do so without blocking. The
//! scheduler's I/O-polling task asks the operating system which sockets
//! are ready and wakes their tasks. (The step itself:
//! `part7_os/src/pyos7.rs`.)
//!
//! `pyos7.py` has no example of its own (its note says: run
//! `echogood.py`). This one is small and deterministic: a writer and a
//! reader at the two ends of a socket pair. The reader waits; the writer
//! writes; the polling task sees the data and wakes the reader.
//!
//! Run it: `cargo run --bin pyos7`. The two tasks take turns through the
//! socket, then end, and so does the polling task (task 3): with nothing
//! left to wait for, it stops, and with it the program. Python's polling
//! task would go round forever.

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos7::{ReadWait, Scheduler, Sys, WriteWait};
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;

/// The example of step 7: two tasks talking through a socket pair.
#[derive(Parser)]
#[command(name = "pyos7")]
struct Args {}

// ANCHOR: tasks
fn reader(sys: &Sys, sock: Rc<UnixStream>) -> io::Result<()> {
    let mut buf = [0; 64];
    loop {
        println!("reader: waiting");
        sys.call(ReadWait::new(&sock))?;
        let n = (&*sock).read(&mut buf)?;
        if n == 0 {
            println!("reader: the writer has closed");
            return Ok(());
        }
        println!("reader: got {}", String::from_utf8_lossy(&buf[..n]));
    }
}

fn writer(sys: &Sys, sock: Rc<UnixStream>) -> io::Result<()> {
    for word in ["spam", "eggs"] {
        sys.call(WriteWait::new(&sock))?;
        (&*sock).write_all(word.as_bytes())?;
        println!("writer: sent {word}");
        sys.yield_();
    }
    println!("writer: closing");
    Ok(())
}
// ANCHOR_END: tasks

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // ANCHOR: main
    let (a, b) = UnixStream::pair()?;
    a.set_nonblocking(true)?;
    b.set_nonblocking(true)?;
    let mut sched = Scheduler::default();
    sched.new(move |sys: &Sys| report(reader(sys, Rc::new(a))));
    sched.new(move |sys: &Sys| report(writer(sys, Rc::new(b))));
    sched.mainloop();
    // ANCHOR_END: main
    Ok(())
}

fn report(result: io::Result<()>) {
    if let Err(e) = result {
        eprintln!("pyos7: {e}");
    }
}
