//! # pyos1: a task (slide 113; original: `pyos1.py`)
//!
//! Step 1 of the operating system: a task is a coroutine with an id, and
//! running it means resuming it until it next yields. Here `main` runs
//! the task by hand, twice. (The step itself: `part7_os/src/pyos1.rs`.)
//!
//! The task's body is a plain function taking a `Sys`, its only way out.
//! `sys.yield_()` is Python's bare `yield`.
//!
//! Run it: `cargo run --bin pyos1`. It prints `Running foo()`, `Part 1`,
//! `Resuming foo()`, `Part 2`. Python notes that a third `t1.run()` raises
//! `StopIteration`; add one and run it: `main` stops with that error.

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos1::{Sys, Task};

/// The example of step 1: running a task by hand.
#[derive(Parser)]
#[command(name = "pyos1")]
struct Args {}

// ANCHOR: foo
// A simple task
fn foo(sys: &Sys) {
    println!("Part 1");
    sys.yield_();
    println!("Part 2");
    sys.yield_();
}
// ANCHOR_END: foo

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // ANCHOR: main
    let mut t1 = Task::new(1, foo);
    println!("Running foo()");
    t1.run()?;
    println!("Resuming foo()");
    t1.run()?;
    // ANCHOR_END: main
    Ok(())
}
