//! # Step 3: task exit (slide 124; original: `pyos3.py`)
//!
//! A task whose body has finished is taken out of the scheduler: `exit`
//! prints `Task N terminated` and drops it. `mainloop` no longer crashes
//! on a [`StopIteration`]: that is how it learns a task has ended.
//!
//! Each step's module is the previous step plus one idea, and nothing
//! else: `diff` two neighbours (say `pyos3.rs` and `pyos4.rs`) to see it.

use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::collections::{HashMap, VecDeque};
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

// ANCHOR: scheduler
// ANCHOR: fields
/// Runs tasks in turn (Python: `class Scheduler`).
///
/// Python's queue and task map both hold the task objects. A Rust value
/// has one owner: here the map owns the tasks, and the queue holds ids.
#[derive(Default)]
pub struct Scheduler {
    ready: VecDeque<TaskId>,
    taskmap: HashMap<TaskId, Task>,
    /// The last id given out (Python: the class attribute `Task.taskid`).
    taskid: TaskId,
}
// ANCHOR_END: fields

impl Scheduler {
    /// Creates a task that runs `target`, schedules it, and returns its
    /// id. (Python's name; the scheduler itself is made with `default()`.)
    #[allow(clippy::new_ret_no_self)]
    pub fn new(&mut self, target: impl FnOnce(&Sys) + 'static) -> TaskId {
        self.taskid += 1;
        let newtask = Task::new(self.taskid, target);
        let tid = newtask.tid;
        self.taskmap.insert(tid, newtask);
        self.schedule(tid);
        tid
    }

    // ANCHOR: exit
    /// Ends a task: forgets it, which drops its coroutine.
    pub fn exit(&mut self, tid: TaskId) {
        println!("Task {tid} terminated");
        self.taskmap.remove(&tid);
    }
    // ANCHOR_END: exit

    /// Puts a task at the end of the ready queue.
    pub fn schedule(&mut self, tid: TaskId) {
        self.ready.push_back(tid);
    }

    // ANCHOR: mainloop
    /// Runs the ready tasks in turn, until none is ready.
    pub fn mainloop(&mut self) {
        // Python: `while self.taskmap:` and `self.ready.get()`, which
        // would wait forever once no task is ready; this loop ends then.
        while let Some(tid) = self.ready.pop_front() {
            let task = self.taskmap.get_mut(&tid).expect("a ready task exists");
            match task.run() {
                Ok(()) => self.schedule(tid),
                Err(StopIteration { .. }) => self.exit(tid),
            }
        }
    }
    // ANCHOR_END: mainloop
}
// ANCHOR_END: scheduler
