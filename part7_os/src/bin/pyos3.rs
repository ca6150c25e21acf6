//! # pyos3: task exit (slide 124; original: `pyos3.py`)
//!
//! Step 3: the scheduler notices when a task has finished, says so, and
//! forgets it. `foo` runs 10 turns and `bar` 5; the program ends when no
//! task is left.
//!
//! Run it: `cargo run --bin pyos3`. `I'm foo` and `I'm bar` alternate 5
//! times, then `I'm foo`, `Task 2 terminated`, four more `I'm foo` and
//! `Task 1 terminated`.

use clap::Parser;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::collections::{HashMap, VecDeque};

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
    pub fn run(&mut self) -> Result<Trap, StopIteration> {
        match self.target.resume(()) {
            CoroutineResult::Yield(trap) => Ok(trap),
            CoroutineResult::Return(()) => Err(StopIteration),
        }
    }
}
// ANCHOR_END: task

// ------------------------------------------------------------
//                      === Scheduler ===
// ------------------------------------------------------------

// ANCHOR: scheduler
// ANCHOR: fields
/// Runs tasks in turn (Python: `class Scheduler`).
///
/// Python's queue and task map both hold the task objects. A Rust value
/// has one owner: the map owns the tasks, and the queue holds their ids.
#[derive(Default)]
pub struct Scheduler {
    /// The tasks ready to run, in turn.
    ready: VecDeque<TaskId>,
    /// Every task, by id.
    taskmap: HashMap<TaskId, Task>,
    /// The last id given out (Python: the class attribute `Task.taskid`).
    taskid: TaskId,
}
// ANCHOR_END: fields

impl Scheduler {
    /// Makes a task that runs `target`, schedules it, and returns its id.
    /// (Python's name; a scheduler itself is made with `default()`.)
    #[allow(clippy::new_ret_no_self)]
    pub fn new(&mut self, target: impl FnOnce(&Sys) + 'static) -> TaskId {
        self.taskid += 1;
        let newtask = Task::new(self.taskid, target);
        self.taskmap.insert(newtask.tid, newtask);
        self.schedule(self.taskid);
        self.taskid
    }

    // ANCHOR: exit
    /// Ends a task: says so, and forgets it (which drops its coroutine).
    pub fn exit(&mut self, tid: TaskId) {
        println!("Task {tid} terminated");
        self.taskmap.remove(&tid);
    }
    // ANCHOR_END: exit

    /// Puts a task at the end of the ready queue.
    pub fn schedule(&mut self, task: TaskId) {
        self.ready.push_back(task);
    }

    // ANCHOR: mainloop
    /// Runs the ready tasks in turn, until none is ready.
    pub fn mainloop(&mut self) {
        // Python: `while self.taskmap:` then `self.ready.get()`, which
        // would wait forever on an empty queue; this loop ends then.
        while let Some(tid) = self.ready.pop_front() {
            let task = self.taskmap.get_mut(&tid).expect("a ready task");
            match task.run() {
                Ok(_result) => self.schedule(tid),
                Err(StopIteration) => self.exit(tid),
            }
        }
    }
    // ANCHOR_END: mainloop
}
// ANCHOR_END: scheduler

// ------------------------------------------------------------
//                      === Example ===
// ------------------------------------------------------------

/// Step 3's example: tasks that finish.
#[derive(Parser)]
#[command(name = "pyos3")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..10 {
        println!("I'm foo");
        sys.yield_();
    }
}

fn bar(sys: &Sys) {
    for _ in 0..5 {
        println!("I'm bar");
        sys.yield_();
    }
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(foo);
    sched.new(bar);
    sched.mainloop();
}
