//! # Step 1: tasks (slide 113; original: `pyos1.py`)
//!
//! A [`Task`] is a coroutine with an id; [`Task::run`] resumes it until it
//! next yields. Its body is an ordinary function that receives a [`Sys`],
//! the task's only way out: in this step, all it can do is yield.
//!
//! Each step's module is the previous step plus one idea, and nothing
//! else: `diff` two neighbours (say `pyos3.rs` and `pyos4.rs`) to see it.

use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::fmt;

// ANCHOR: types
/// A task's number (Python: `tid`).
pub type TaskId = u32;

/// What a task yields: nothing yet (from step 4 on, a system call).
pub type Trap = ();

/// What a task is sent each time it runs: nothing yet. (Python's `Task`
/// has a `sendval` from step 1, always `None` until step 4 gives it a
/// meaning; here it arrives with that meaning, in step 4.)
pub type SendVal = ();
// ANCHOR_END: types

// ANCHOR: sys
/// A task's way out: all a task's body holds. It is not the scheduler,
/// and cannot reach it: a task leaves only by yielding.
pub struct Sys<'a> {
    yielder: &'a Yielder<SendVal, Trap>,
}

impl Sys<'_> {
    /// Suspends the task until it is run again (Python: a bare `yield`).
    pub fn yield_(&self) {
        self.yielder.suspend(());
    }
}
// ANCHOR_END: sys

/// A task's coroutine has finished (Python: the `StopIteration` raised
/// by running a finished generator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopIteration {
    /// The task that finished.
    pub tid: TaskId,
}

impl fmt::Display for StopIteration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StopIteration: task {} has finished", self.tid)
    }
}

impl std::error::Error for StopIteration {}

// ANCHOR: task
/// A task: an id and a coroutine (Python: `class Task`).
///
/// Python wraps a generator object, `Task(foo())`; here `Task::new(1,
/// foo)` wraps the function `foo`, which the task will run on a stack of
/// its own (a corosensei coroutine). Python numbers tasks with a class
/// attribute; here whoever creates a task numbers it (from step 2 on, the
/// scheduler), so two schedulers never share a counter.
pub struct Task {
    /// The task's id.
    pub tid: TaskId,
    target: Coroutine<SendVal, Trap, ()>,
}

impl Task {
    /// A task that will run `target` on a stack of its own. Nothing runs
    /// until the first [`Task::run`].
    pub fn new(tid: TaskId, target: impl FnOnce(&Sys) + 'static) -> Task {
        Task {
            tid,
            // The value that starts the body carries nothing (Python's
            // first `send(None)`).
            target: Coroutine::new(move |yielder, _start: SendVal| {
                target(&Sys { yielder })
            }),
        }
    }

    /// Runs the task until it next yields; returns
    /// what it yielded, or [`StopIteration`] once its body has finished.
    pub fn run(&mut self) -> Result<Trap, StopIteration> {
        // Resuming a finished corosensei coroutine would panic; running a
        // finished Python generator raises StopIteration again.
        if self.target.done() {
            return Err(StopIteration { tid: self.tid });
        }
        match self.target.resume(()) {
            CoroutineResult::Yield(trap) => Ok(trap),
            CoroutineResult::Return(()) => Err(StopIteration { tid: self.tid }),
        }
    }
}
// ANCHOR_END: task
