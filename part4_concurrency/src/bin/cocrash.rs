//! # cocrash: two threads, one coroutine (slide 90; original: `cocrash.py`)
//!
//! The course wraps two greps in `threaded` and gives both the same
//! printer. Two threads then send into one coroutine, and sooner or later
//! one finds it running: `ValueError: generator already executing`,
//! sometimes, as the threads happen to be scheduled.
//!
//! In Rust that program does not compile: a coroutine is not `Send`, so
//! no second thread can reach it. `tests/compile_fail/cocrash.rs` is the
//! program; the tests check that the compiler refuses it, and why. This
//! binary shows the rest:
//!
//! 1. What can still happen, at run time, in one thread: a cycle of
//!    stages sends back into a coroutine that is running. The shared
//!    handle (`Shared`) notices and returns an error instead of resuming
//!    it (Python raises the same `ValueError` there).
//! 2. The safe structure: the printer has a thread of its own, and the
//!    greps' threads send it their lines over a channel.
//!
//! Run it: `cargo run --bin cocrash` (`--count N`: lines each thread
//! sends, 10 as in the original). The lines of part 2 come in whatever
//! order the threads run, but all of them come.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Fail, Shared, Target};
use part2_pipelines::cobroadcast::{broadcast, grep, printer};
use part3_events::error::describe;
use part4_concurrency::cothread::threaded;

/// Two threads and one coroutine: the crash Rust refuses to compile, the
/// one it catches at run time, and the safe structure.
#[derive(Parser)]
#[command(name = "cocrash")]
struct Args {
    /// Lines each of the two threads sends (Python: `range(10)`)
    #[arg(long, default_value_t = 10)]
    count: u32,
}

/// The stage that closes a cycle, set once the cycle's start exists.
type Link = Rc<RefCell<Option<Shared<Consumer<String>>>>>;

// ANCHOR: echo
/// A printer that also sends every line it prints back to `back`.
fn echo_printer(back: Link) -> Consumer<String> {
    Consumer::<String>::new(move |inbox| {
        while let Some(line) = inbox.recv() {
            print!("{line}");
            if let Some(target) = back.borrow_mut().as_mut() {
                target.send(format!("echo: {line}"))?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: echo

// ANCHOR: cycle
/// Part 1: a cycle in one thread re-enters a running coroutine.
fn cycle() -> Result<(), Fail> {
    let back: Link = Rc::default();
    let p = Shared::new(echo_printer(Rc::clone(&back)));
    let mut target =
        Shared::new(broadcast(vec![grep("foo", p.clone()), grep("bar", p)]));
    // Close the cycle: broadcast -> grep -> printer -> broadcast.
    *back.borrow_mut() = Some(target.clone());
    let result = target.send("foo is nice\n".to_string());
    back.borrow_mut().take(); // break the cycle, so all can be dropped
    match result {
        Err(e) if describe(&e) == CoroutineError::Running.to_string() => {
            println!("caught at run time: {}", describe(&e));
            println!("(Python: ValueError: generator already executing)");
            Ok(())
        }
        Err(e) => Err(Fail::new(describe(&e))),
        Ok(()) => Err(Fail::new("the cycle was not caught")),
    }
}
// ANCHOR_END: cycle

// ANCHOR: to_printer
/// The printer's thread as a target: the sending end of its channel.
/// Unlike a coroutine it is `Send`, and its clones feed one thread.
#[derive(Clone)]
struct ToPrinter(mpsc::Sender<String>);

impl Target<String> for ToPrinter {
    fn send(&mut self, line: String) -> Result<(), CoroutineError> {
        self.0.send(line).map_err(|_| {
            CoroutineError::Raised("the printer's thread has stopped".into())
        })
    }
}
// ANCHOR_END: to_printer

/// Part 2: two threads feed one printer, through a channel.
// ANCHOR: safe
// ANCHOR: safe_head
fn safe(count: u32) -> Result<(), Fail> {
    // The printer lives in a thread of its own, fed by a channel.
    let (to_printer, lines) = mpsc::channel();
    let printer_thread = thread::spawn(move || {
        let mut p = printer();
        for line in lines {
            p.send(line)?;
        }
        p.close()
    });
    // Python: broadcast([threaded(grep("foo", p)), threaded(grep("bar", p))])
    let p = ToPrinter(to_printer);
    let q = p.clone();
    let mut target = broadcast(vec![
        threaded(move || grep("foo", p)),
        threaded(move || grep("bar", q)),
    ]);
    for _ in 0..count {
        target.send("foo is nice\n".to_string())?;
        target.send("bar is bad\n".to_string())?;
    }
    // Closing the broadcast closes both threaded stages, which wait for
    // their threads; once both greps are gone, the printer's thread ends.
    target.close()?;
    // ANCHOR_END: safe_head
    let printed = printer_thread.join();
    match printed {
        Ok(result) => result.map_err(|e| Fail::new(describe(&e))),
        Err(_) => Err(Fail::new("the printer's thread panicked")),
    }
}
// ANCHOR_END: safe

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    println!(
        "Two threads sending into one coroutine: in Rust, a compile error"
    );
    println!(
        "(the coroutine is not `Send`; see tests/compile_fail/cocrash.rs)."
    );
    println!();
    println!(
        "1. One thread, a cycle: broadcast -> grep -> printer -> broadcast"
    );
    cycle()?;
    println!();
    println!(
        "2. The safe structure: the printer in its own thread, fed by a channel"
    );
    safe(args.count)?;
    println!("done: both greps' threads and the printer's thread have ended");
    Ok(())
}
