//! # cocrash: two threads, one coroutine (slide 90; original: `cocrash.py`)
//!
//! The course wraps two greps in `threaded` and gives both the same
//! printer. Two threads then send into one coroutine, and sooner or
//! later one of them finds it running: `ValueError: generator already
//! executing`, sometimes, depending on how the threads are scheduled.
//!
//! In Rust that program does not compile: a coroutine is not `Send`, so
//! it cannot be reached from a second thread, by move or by sharing.
//! `tests/compile_fail/cocrash.rs` is the program; the test suite checks
//! that the compiler refuses it, and why. So this binary shows the rest:
//!
//! 1. What *can* happen at run time, in one thread: a cycle of stages
//!    sends back into a coroutine that is running. The shared handle
//!    (`Shared`) notices and returns an error instead of resuming it.
//!    Python raises the same `ValueError` there.
//! 2. The safe structure: the printer lives in one thread, and the other
//!    threads send it messages over a channel. No coroutine is ever
//!    touched by two threads.
//!
//! Run it: `cargo run --bin cocrash` (`--count N` sets how many lines
//! each thread sends, 10 by default as in the original). The lines of
//! part 2 come in whatever order the threads run, but all of them come.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Fail, Shared, Target};
use part2_pipelines::{broadcast, grep, printer};
use part4_concurrency::{Channel, cause, describe, run_target, threaded};

/// Two threads and one coroutine: the crash Rust refuses to compile, the
/// one it catches at run time, and the safe structure.
#[derive(Parser)]
#[command(name = "cocrash")]
struct Args {
    /// Lines each of the two threads sends (Python: `range(10)`)
    #[arg(long, default_value_t = 10)]
    count: u32,
}

/// A late link: the stage that closes a cycle is made before the stage
/// it sends into, so the link is set afterwards.
type Link = Rc<RefCell<Option<Shared<Consumer<String>>>>>;

// ANCHOR: echo
/// A printer that also sends every line it prints back to `back`.
fn echo_printer(back: Link) -> Consumer<String> {
    Consumer::<String>::new(move |inbox| {
        while let Some(line) = inbox.recv() {
            println!("{line}");
            if let Some(target) = back.borrow_mut().as_mut() {
                target.send(format!("echo: {line}"))?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: echo

/// Part 1: a cycle in one thread re-enters a running coroutine.
fn cycle() -> Result<(), Fail> {
    // ANCHOR: cycle
    let back: Link = Rc::default();
    let p = Shared::new(echo_printer(Rc::clone(&back)));
    let mut target =
        Shared::new(broadcast(vec![grep("foo", p.clone()), grep("bar", p)]));
    // Close the cycle: broadcast -> grep -> printer -> broadcast.
    *back.borrow_mut() = Some(target.clone());
    let result = target.send("foo is nice".to_string());
    // ANCHOR_END: cycle
    // Break the cycle, so that every stage can be dropped.
    back.borrow_mut().take();
    match result {
        Err(e) if matches!(innermost(&e), Some(CoroutineError::Running)) => {
            println!("caught at run time: {}", describe(&e));
            println!("(Python: ValueError: generator already executing)");
            Ok(())
        }
        Err(e) => Err(cause(e)),
        Ok(()) => Err(Fail::new("the cycle was not caught")),
    }
}

/// The error a chain of `Raised` wraps, if it is a coroutine error.
fn innermost(error: &CoroutineError) -> Option<&CoroutineError> {
    match error {
        CoroutineError::Raised(inner) => {
            inner.downcast_ref::<CoroutineError>().and_then(innermost)
        }
        other => Some(other),
    }
}

/// Part 2: two threads feed one printer, through a channel.
fn safe(count: u32) -> Result<(), Fail> {
    // ANCHOR: safe
    // The printer has a thread of its own, fed by a channel.
    let (to_printer, lines) = mpsc::channel::<String>();
    let printer_thread = thread::spawn(move || run_target(lines, printer()));
    // Each grep runs in a thread of its own (threaded), and sends into
    // the channel: a `Channel` is `Send` and can be cloned, a coroutine
    // is neither.
    let p = Channel::new(to_printer);
    let q = p.clone();
    let mut target = broadcast(vec![
        threaded(move || grep("foo", p)),
        threaded(move || grep("bar", q)),
    ]);
    for _ in 0..count {
        target.send("foo is nice".to_string())?;
        target.send("bar is bad".to_string())?;
    }
    // Closing the broadcast drops both threaded stages: each joins its
    // thread, whose grep drops its end of the channel; once both are
    // gone, the printer's thread ends.
    target.close()?;
    let printed = printer_thread.join();
    // ANCHOR_END: safe
    match printed {
        Ok(result) => result.map_err(cause),
        Err(_) => Err(Fail::new("the printer's thread panicked")),
    }
}

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
