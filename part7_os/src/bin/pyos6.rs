//! # pyos6: waiting for tasks (slide 144; original: `pyos6.py`)
//!
//! The rest of step 5, task management (the deck's "Waiting for Tasks"): a
//! task can wait for another to exit, with `WaitTask`. `main` starts `foo`
//! and waits for it: the scheduler keeps `main` aside, out
//! of the ready queue, until `foo` exits.
//!
//! `echobad` imports this step: the crate's library compiles this file as
//! its module `pyos6`.
//!
//! Run it: `cargo run --bin pyos6`. `I'm foo`, `Waiting for child`, four
//! more `I'm foo`, `Task 2 terminated`, `Child done`, `Task 1 terminated`.

use clap::Parser;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::any::Any;
use std::collections::{HashMap, VecDeque};

// ------------------------------------------------------------
//                       === Tasks ===
// ------------------------------------------------------------

// ANCHOR: types
/// A task's number (Python: `tid`).
pub type TaskId = u32;

/// What a task yields: `None` for a plain yield, or a system call
/// (Python: `yield` or `yield GetTid()`).
pub type Trap = Option<SysCall>;

/// What a task is sent when it runs: the answer to its last system call,
/// if any (Python: `sendval`).
pub type SendVal = Option<Box<dyn Any>>;
// ANCHOR_END: types

/// A system call as the scheduler receives it: something to carry out
/// for the calling task, which returns the task's answer. A coroutine
/// yields values of one type, so the call's own type is erased here, and
/// [`Sys::call`] gives the answer its type back.
// ANCHOR: syscall
pub type SysCall = Box<dyn FnOnce(TaskId, &mut Scheduler) -> Box<dyn Any>>;
// ANCHOR_END: syscall

// ANCHOR: sys
/// A task's way out, and all that its body holds: it can yield, and
/// cannot reach whoever runs it.
pub struct Sys<'a> {
    yielder: &'a Yielder<SendVal, Trap>,
}

impl Sys<'_> {
    /// Suspends the task until it runs again (Python: a bare `yield`).
    pub fn yield_(&self) {
        self.yielder.suspend(None);
    }

    // ANCHOR: call
    /// Makes a system call and returns its answer (Python:
    /// `answer = yield call`): traps into the scheduler, which carries it
    /// out, now or later.
    pub fn call<C: SystemCall>(&self, call: C) -> C::Output {
        let syscall: SysCall =
            Box::new(move |task, sched| Box::new(call.handle(task, sched)));
        let answer = self.yielder.suspend(Some(syscall));
        // The scheduler sent back what `handle` returned.
        *answer
            .and_then(|a| a.downcast().ok())
            .expect("the call's Output")
    }
    // ANCHOR_END: call
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
    /// What the next `run` sends in.
    sendval: SendVal,
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
        Task {
            tid,
            target,
            sendval: None,
        }
    }

    /// Runs a task until it hits the next yield statement: what it
    /// yielded, or [`StopIteration`] once its body has finished. (Unlike
    /// a generator, a finished coroutine must not be run again: it would
    /// panic. No scheduler here does that.)
    pub fn run(&mut self) -> Result<Trap, StopIteration> {
        match self.target.resume(self.sendval.take()) {
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
    /// Tasks waiting for other tasks to exit, by the id they wait for.
    exit_waiting: HashMap<TaskId, Vec<TaskId>>,
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
        // Notify other tasks waiting for exit
        for task in self.exit_waiting.remove(&tid).unwrap_or_default() {
            self.schedule(task);
        }
    }
    // ANCHOR_END: exit

    // ANCHOR: waitforexit
    /// Parks `task` until task `waittid` exits; false (and `task` is not
    /// parked) if there is no such task.
    pub fn waitforexit(&mut self, task: TaskId, waittid: TaskId) -> bool {
        if self.taskmap.contains_key(&waittid) {
            self.exit_waiting.entry(waittid).or_default().push(task);
            return true;
        }
        false
    }
    // ANCHOR_END: waitforexit

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
            let Some(task) = self.taskmap.get_mut(&tid) else {
                continue; // killed while it waited for its turn
            };
            match task.run() {
                Ok(Some(syscall)) => {
                    // Python: `result.handle()`. The answer waits in the
                    // task until it runs again.
                    let answer = syscall(tid, self);
                    if let Some(task) = self.taskmap.get_mut(&tid) {
                        task.sendval = Some(answer); // unless it killed itself
                    }
                }
                Ok(None) => self.schedule(tid),
                Err(StopIteration) => self.exit(tid),
            }
        }
    }
    // ANCHOR_END: mainloop
}
// ANCHOR_END: scheduler

// ------------------------------------------------------------
//                   === System Calls ===
// ------------------------------------------------------------

// ANCHOR: systemcall
/// A system call (Python: a subclass of `SystemCall`).
pub trait SystemCall: 'static {
    /// What the calling task gets back.
    type Output: 'static;

    /// Carries out the call for `task` (Python: `handle()`): decides when
    /// the task runs again, and returns its answer (Python:
    /// `self.task.sendval = ...`).
    fn handle(self, task: TaskId, sched: &mut Scheduler) -> Self::Output;
}
// ANCHOR_END: systemcall

// ANCHOR: gettid
/// Return a task's ID number (Python: `class GetTid`).
pub struct GetTid;

impl SystemCall for GetTid {
    type Output = TaskId;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> TaskId {
        sched.schedule(task);
        task
    }
}
// ANCHOR_END: gettid

// ANCHOR: newtask
/// Create a new task running `target`; answers its id (Python: `class
/// NewTask`, made as `NewTask(foo())`).
pub struct NewTask<F>(pub F);

impl<F: FnOnce(&Sys) + 'static> SystemCall for NewTask<F> {
    type Output = TaskId;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> TaskId {
        let tid = sched.new(self.0);
        sched.schedule(task);
        tid
    }
}
// ANCHOR_END: newtask

// ANCHOR: killtask
/// Kill a task; answers whether there was one (Python: `class KillTask`).
pub struct KillTask(pub TaskId);

impl SystemCall for KillTask {
    type Output = bool;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> bool {
        // Python closes the generator, and the scheduler finds it ended
        // the next time it runs it. Here `exit` drops the task at once,
        // and dropping a suspended coroutine unwinds its stack: the
        // killed task's destructors (its clean-up) run now.
        let found = sched.taskmap.contains_key(&self.0);
        if found {
            sched.exit(self.0);
        }
        sched.schedule(task);
        found
    }
}
// ANCHOR_END: killtask

// ANCHOR: waittask
/// Wait for a task to exit; answers whether it had to wait (Python:
/// `class WaitTask`).
pub struct WaitTask(pub TaskId);

impl SystemCall for WaitTask {
    type Output = bool;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> bool {
        let result = sched.waitforexit(task, self.0);
        // If waiting for a non-existent task,
        // return immediately without waiting
        if !result {
            sched.schedule(task);
        }
        result
    }
}
// ANCHOR_END: waittask

// ------------------------------------------------------------
//                      === Example ===
// ------------------------------------------------------------

/// pyos6's example: a task that waits for its child.
#[derive(Parser)]
#[command(name = "pyos6")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..5 {
        println!("I'm foo");
        sys.yield_();
    }
}

// Python's `main`: Rust's `main` is the program's entry point.
fn main_task(sys: &Sys) {
    let child = sys.call(NewTask(foo));
    println!("Waiting for child");
    sys.call(WaitTask(child));
    println!("Child done");
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(main_task);
    sched.mainloop();
}
