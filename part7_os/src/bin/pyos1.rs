//! # pyos1: tasks (slide 113; original: `pyos1.py`)
//!
//! Step 1 of the operating system: a task is a coroutine with an id, and
//! running it resumes the coroutine until it next yields. Here `main`
//! runs one task by hand, twice.
//!
//! The task's body is a plain function that receives a `Sys`, its only
//! way out: in this step all it can do is yield (`sys.yield_()`, Python's
//! bare `yield`).
//!
//! Run it: `cargo run --bin pyos1`. It prints `Running foo()`, `Part 1`,
//! `Resuming foo()`, `Part 2`. Add a third `t1.run()?;` and the program
//! stops with `Error: StopIteration`, as Python's raises it.

use clap::Parser;
use corosensei::{Coroutine, CoroutineResult, Yielder};

// ------------------------------------------------------------
//                       === Tasks ===
// ------------------------------------------------------------

// ANCHOR: types
/// A task's number (Python: `tid`).
pub type TaskId = u32;

/// What a task yields: nothing yet (from step 4 on, a system call).
pub type Trap = ();

/// What a task is sent when it runs: nothing yet. (Python's `Task` has a
/// `sendval` from step 1, always `None` until step 4 gives it a meaning;
/// here it comes with its meaning, in step 4.)
pub type SendVal = ();
// ANCHOR_END: types

// ANCHOR: sys
/// A task's way out, and all that its body holds: it can yield, and
/// cannot reach whoever runs it.
pub struct Sys<'a> {
    yielder: &'a Yielder<SendVal, Trap>,
}

impl Sys<'_> {
    /// Suspends the task until it runs again (Python: a bare `yield`).
    pub fn yield_(&self) {
        self.yielder.suspend(());
    }
}
// ANCHOR_END: sys

/// What running a finished task raises (Python: `StopIteration`).
#[derive(Debug)]
pub struct StopIteration;

// ANCHOR: task
/// A task: an id and a coroutine (Python: `class Task`).
///
/// Python numbers tasks with a class attribute; here whoever makes a task
/// numbers it (from step 2 on, the scheduler).
pub struct Task {
    /// The task's id.
    pub tid: TaskId,
    /// Its coroutine, on a stack of its own.
    target: Coroutine<SendVal, Trap, ()>,
}
// ANCHOR_END: task

impl Task {
    /// A task that runs `target` (Python: `Task(foo())`). Nothing runs
    /// until the first [`Task::run`].
    pub fn new(tid: TaskId, target: impl FnOnce(&Sys) + 'static) -> Task {
        // The value that starts the body is not seen (Python's first
        // `send(None)`).
        let target = Coroutine::new(move |yielder, _: SendVal| {
            target(&Sys { yielder });
        });
        Task { tid, target }
    }

    /// Runs a task until it hits the next yield statement: what it
    /// yielded, or [`StopIteration`] once its body has finished. (Unlike
    /// a generator, a finished coroutine must not be run again: it would
    /// panic. No scheduler here does that.)
    // ANCHOR: run
    pub fn run(&mut self) -> Result<Trap, StopIteration> {
        match self.target.resume(()) {
            CoroutineResult::Yield(trap) => Ok(trap),
            CoroutineResult::Return(()) => Err(StopIteration),
        }
    }
    // ANCHOR_END: run
}

// ------------------------------------------------------------
//                       == Example ==
// ------------------------------------------------------------

/// Step 1's example: one task, run by hand.
#[derive(Parser)]
#[command(name = "pyos1")]
struct Args {}

// ANCHOR: foo
// A simple task (Python: a generator function)
fn foo(sys: &Sys) {
    println!("Part 1");
    sys.yield_();
    println!("Part 2");
    sys.yield_();
}
// ANCHOR_END: foo

// ANCHOR: main
fn main() -> Result<(), StopIteration> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut t1 = Task::new(1, foo);
    println!("Running foo()");
    t1.run()?;
    println!("Resuming foo()");
    t1.run()?;
    // A third `t1.run()?;` ends the program: `Error: StopIteration`.
    Ok(())
}
// ANCHOR_END: main
