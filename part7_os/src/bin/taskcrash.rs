//! # taskcrash: step 2 meets a task that ends (slide 123; original: `taskcrash.py`)
//!
//! Step 2's scheduler does not expect a task to finish. `foo` stops after
//! 10 turns; running it once more gives [`StopIteration`], which nothing
//! catches: it comes out of `mainloop` and ends the program. Python
//! prints a traceback ending in `StopIteration`; this prints
//! `Error: StopIteration` and exits with status 1. Step 3 (`pyos3`) fixes
//! it.
//!
//! Run it: `cargo run --bin taskcrash`. It prints 10 pairs of `I'm foo`
//! and `I'm bar`, then `Error: StopIteration` on stderr, and fails.

use clap::Parser;
use part7_os::pyos2::{Scheduler, StopIteration, Sys};

/// Step 2's scheduler crashes when a task finishes.
#[derive(Parser)]
#[command(name = "taskcrash")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..10 {
        println!("I'm foo");
        sys.yield_();
    }
}

fn bar(sys: &Sys) {
    loop {
        println!("I'm bar");
        sys.yield_();
    }
}
// ANCHOR_END: tasks

// ANCHOR: main
fn main() -> Result<(), StopIteration> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(foo);
    sched.new(bar);
    sched.mainloop() // the StopIteration comes out here, on purpose
}
// ANCHOR_END: main
