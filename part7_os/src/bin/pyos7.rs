//! # pyos7: I/O waiting (slide 159; original: `pyos7.py`)
//!
//! Step 6: a task that wants to read or write a socket first waits, with
//! `ReadWait` or `WriteWait`, until it can do so without blocking. An
//! I/O-polling task, started by `mainloop`, asks the operating system
//! which sockets are ready (`select`, here over `poll(2)`) and schedules
//! their tasks: it waits as long as it takes when no other task is ready,
//! and only looks when some are.
//!
//! `echogood` and `echogood2` import this step: the crate's library
//! compiles this file as its module `pyos7`.
//!
//! `pyos7.py` has no example of its own: run `echogood` to see it work
//! (`cargo run --bin echogood`). `cargo run --bin pyos7` says so.

use clap::Parser;
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::rc::Rc;
use std::time::Duration;

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
/// Bytes of stack for each task (what `Coroutine::new` gives).
pub const STACK_SIZE: usize = 1 << 20;

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
    /// until the first [`Task::run`]. An error if no stack can be had.
    pub fn new(
        tid: TaskId,
        target: impl FnOnce(&Sys) + 'static,
    ) -> io::Result<Task> {
        // A stack is memory the kernel maps, and may refuse: an error then
        // (Python: `MemoryError`), where `Coroutine::new` would panic.
        let stack = DefaultStack::new(STACK_SIZE)?;
        // The value that starts the body is not seen (Python's first
        // `send(None)`).
        let target =
            Coroutine::with_stack(stack, move |yielder, _: SendVal| {
                target(&Sys { yielder });
            });
        Ok(Task {
            tid,
            target,
            sendval: None,
        })
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

/// Python's `select.select(rlist, wlist, [], timeout)`: the descriptors
/// of each map that are ready, after waiting for one at most `timeout`.
/// It calls `poll(2)`, through `rustix`: safe, and like `select` it is
/// told every descriptor at each call. (The `polling` crate would keep
/// them registered between calls, but its `add` is `unsafe` in 3.x.)
// ANCHOR: select
fn select(
    rlist: &Waiting,
    wlist: &Waiting,
    timeout: Option<Duration>,
) -> io::Result<(Vec<RawFd>, Vec<RawFd>)> {
    let wanted = (rlist.values().map(|(_, f)| (f, PollFlags::IN)))
        .chain(wlist.values().map(|(_, f)| (f, PollFlags::OUT)));
    let mut fds: Vec<PollFd> =
        wanted.map(|(f, flags)| PollFd::new(f, flags)).collect();
    let timeout = timeout.map(|t| Timespec::try_from(t).expect("in range"));
    // A signal (EINTR) only ends the wait early: nothing is ready then.
    if let Err(e) = poll(&mut fds, timeout.as_ref())
        && e != rustix::io::Errno::INTR
    {
        return Err(e.into());
    }
    // Ready, or closed, or in error: the next call will not block.
    let ready = |fds: &[PollFd]| -> Vec<RawFd> {
        let fds = fds.iter().filter(|fd| !fd.revents().is_empty());
        fds.map(|fd| fd.as_fd().as_raw_fd()).collect()
    };
    let (r, w) = fds.split_at(rlist.len());
    Ok((ready(r), ready(w)))
}
// ANCHOR_END: select

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
    /// Tasks waiting to read, and to write, by descriptor.
    read_waiting: Waiting,
    write_waiting: Waiting,
}

/// Tasks waiting for I/O, by descriptor (Python: `{fd: task}`). The map
/// also holds what the descriptor belongs to, which keeps it open while
/// it is watched.
pub type Waiting = HashMap<RawFd, (TaskId, Rc<dyn AsFd>)>;
// ANCHOR_END: fields

impl Scheduler {
    /// Makes a task that runs `target`, schedules it, and returns its id,
    /// or why it could not. (Python's name; a scheduler itself is made
    /// with `default()`.)
    #[allow(clippy::new_ret_no_self)]
    pub fn new(
        &mut self,
        target: impl FnOnce(&Sys) + 'static,
    ) -> io::Result<TaskId> {
        let newtask = Task::new(self.taskid + 1, target)?;
        self.taskid += 1;
        self.taskmap.insert(newtask.tid, newtask);
        self.schedule(self.taskid);
        Ok(self.taskid)
    }

    // ANCHOR: exit
    /// Ends a task: says so, and forgets it (which drops its coroutine).
    pub fn exit(&mut self, tid: TaskId) {
        println!("Task {tid} terminated");
        self.taskmap.remove(&tid);
        // A task killed while it waits for I/O waits no more.
        self.read_waiting.retain(|_, (task, _)| *task != tid);
        self.write_waiting.retain(|_, (task, _)| *task != tid);
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

    // ANCHOR: iowaiting
    // I/O waiting
    /// Parks `task` until `f` can be read.
    pub fn waitforread(&mut self, task: TaskId, f: Rc<dyn AsFd>) {
        self.read_waiting.insert(f.as_fd().as_raw_fd(), (task, f));
    }

    /// Parks `task` until `f` can be written.
    pub fn waitforwrite(&mut self, task: TaskId, f: Rc<dyn AsFd>) {
        self.write_waiting.insert(f.as_fd().as_raw_fd(), (task, f));
    }

    // ANCHOR: iopoll
    /// Schedules the tasks whose descriptors are ready, after waiting for
    /// one at most `timeout` (`None`: as long as it takes).
    pub fn iopoll(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        if !self.read_waiting.is_empty() || !self.write_waiting.is_empty() {
            let (r, w) =
                select(&self.read_waiting, &self.write_waiting, timeout)?;
            for fd in r {
                let (task, _) = self.read_waiting.remove(&fd).expect("fd");
                self.schedule(task);
            }
            for fd in w {
                let (task, _) = self.write_waiting.remove(&fd).expect("fd");
                self.schedule(task);
            }
        }
        Ok(())
    }
    // ANCHOR_END: iopoll
    // ANCHOR_END: iowaiting

    /// The I/O-polling task (Python: the method `Scheduler.iotask`). It runs
    /// as an ordinary task, and a task cannot hold the scheduler that runs
    /// it: so it takes no `self`, and reaches the scheduler through a system
    /// call of its own, [`IoPoll`], until there is nothing left to wait for.
    // ANCHOR: iotask
    fn iotask(sys: &Sys) {
        while sys.call(IoPoll) {}
    }
    // ANCHOR_END: iotask

    /// Puts a task at the end of the ready queue.
    pub fn schedule(&mut self, task: TaskId) {
        self.ready.push_back(task);
    }

    // ANCHOR: mainloop
    /// Runs the ready tasks in turn, until none is ready.
    pub fn mainloop(&mut self) -> io::Result<()> {
        self.new(Self::iotask)?;
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
        Ok(())
    }
    // ANCHOR_END: mainloop
}
// ANCHOR_END: scheduler

// ANCHOR: iopoll_call
/// The iotask's system call: polls for I/O, waiting only if no other task
/// is ready. Answers false when no task is ready and none waits for I/O
/// (Python's iotask goes round forever then, and so does its program).
struct IoPoll;

impl SystemCall for IoPoll {
    type Output = bool;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> bool {
        let waiting = sched.read_waiting.len() + sched.write_waiting.len();
        let go_on = !sched.ready.is_empty() || waiting > 0;
        // Python: `if self.ready.empty(): self.iopoll(None)`
        //         `else: self.iopoll(0)`
        let timeout = (!sched.ready.is_empty()).then_some(Duration::ZERO);
        let polled = sched.iopoll(timeout);
        if let Err(e) = &polled {
            eprintln!("iotask: cannot poll: {e}");
        }
        sched.schedule(task); // after the tasks it woke
        go_on && polled.is_ok()
    }
}
// ANCHOR_END: iopoll_call

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
/// Create a new task running `target`; answers its id, or why there is
/// none (Python: `class NewTask`, made as `NewTask(foo())`).
pub struct NewTask<F>(pub F);

impl<F: FnOnce(&Sys) + 'static> SystemCall for NewTask<F> {
    type Output = io::Result<TaskId>;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> Self::Output {
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

// ANCHOR: readwait
/// Wait for reading: parks the task until `f` can be read without
/// blocking (Python: `class ReadWait`, made as `ReadWait(f)`).
pub struct ReadWait(pub Rc<dyn AsFd>);

impl SystemCall for ReadWait {
    type Output = ();

    fn handle(self, task: TaskId, sched: &mut Scheduler) {
        sched.waitforread(task, self.0);
    }
}
// ANCHOR_END: readwait

/// Wait for writing: parks the task until `f` can be written without
/// blocking (Python: `class WriteWait`).
pub struct WriteWait(pub Rc<dyn AsFd>);

impl SystemCall for WriteWait {
    type Output = ();

    fn handle(self, task: TaskId, sched: &mut Scheduler) {
        sched.waitforwrite(task, self.0);
    }
}

// ------------------------------------------------------------
//                      === Example ===
// ------------------------------------------------------------

/// pyos7 has no example of its own: run `echogood`.
#[derive(Parser)]
#[command(name = "pyos7")]
struct Args {}

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // Python: "Run the script echogood.py to see this work"
    eprintln!("pyos7: run echogood (cargo run --bin echogood) to see it work");
}
