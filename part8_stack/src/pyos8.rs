//! # Step 8: tasks with a call stack (slide 176; original: `pyos8.py`)
//!
//! Step 7 (`part7_os/src/pyos7.rs`) plus one idea: a task can call a
//! subroutine that is itself a coroutine, by yielding it, and get its
//! result back (Python: `data = yield Recv(sock, 65536)`). The task keeps
//! a call stack of the coroutines it has entered; [`Task::run`] is the
//! trampoline that runs the innermost, pushes a subroutine it yields, and
//! pops back to the caller with the result. The library routines
//! [`accept`], [`send`] and [`recv`] are such subroutines.
//!
//! Each coroutine runs on a stack of its own, and a stack is a memory
//! mapping: dear to make, cheap to switch to. So a task keeps the stacks
//! of the subroutines that have returned, and runs its next calls on
//! them: a call costs a context switch, not an `mmap`.
//!
//! Python needs this because a generator can only yield from its own
//! frame: a plain function that a task calls cannot make the task yield.
//! A corosensei coroutine can suspend from any depth of plain calls, so
//! Rust does not need it (see `stackful.rs`); this step builds it all the
//! same, faithfully, so that the two can be compared.
//!
//! `diff part7_os/src/pyos7.rs part8_stack/src/pyos8.rs` shows the call
//! stack, its stacks' reuse, and nothing else.

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use part7_os::net::{self, Interest, IoPoller, Listener};
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsFd, RawFd};
use std::rc::Rc;
use std::time::Duration;

// ANCHOR: types
/// A task's number (Python: `tid`).
pub type TaskId = u32;

/// What a task yields: `None` for a plain yield, or a system call
/// (Python: `yield` or `yield GetTid()`).
pub type Trap = Option<SysCall>;

/// What a task is sent each time it runs: the answer to its last system
/// call, if any (Python: `sendval`).
pub type SendVal = Option<Box<dyn Any>>;

/// A system call as the scheduler receives it: something to carry out for
/// the calling task, which returns the task's answer. Its type is erased
/// here; [`Sys::call`] gives it back to the task.
pub type SysCall = Box<dyn FnOnce(TaskId, &mut Scheduler) -> Box<dyn Any>>;

// ANCHOR: target
/// One coroutine of a task: its body, or a subroutine it called. What it
/// returns is sent to its caller (Python: a generator object).
pub type Target = Coroutine<SendVal, Yielded, SendVal>;

/// A subroutine's body, not running yet: the trampoline gives it a
/// stack when it is called. What it returns is its result.
pub type Body = Box<dyn FnOnce(&Sys) -> SendVal>;

/// What a coroutine yields: a trap into the scheduler, or a subroutine to
/// call (Python: `yield` a generator object).
pub enum Yielded {
    /// A plain yield or a system call, for the scheduler.
    Trap(Trap),
    /// A subroutine to run until it returns, for the task's trampoline.
    Call(Body),
}
// ANCHOR_END: target
// ANCHOR_END: types

// ANCHOR: sys
/// A task's way out: all a task's body holds. It is not the scheduler,
/// and cannot reach it: a task leaves only by yielding.
pub struct Sys<'a> {
    yielder: &'a Yielder<SendVal, Yielded>,
}

impl Sys<'_> {
    /// Suspends the task until it is run again (Python: a bare `yield`).
    pub fn yield_(&self) {
        self.yielder.suspend(Yielded::Trap(None));
    }

    // ANCHOR: call
    /// Makes a system call, or calls a subroutine, and returns its answer
    /// (Python: `answer = yield call`). A system call traps into the
    /// scheduler, which carries it out (or not yet: the task may have to
    /// wait); a subroutine runs until it returns.
    pub fn call<C: Call>(&self, call: C) -> C::Output {
        let answer = self.yielder.suspend(call.yielded());
        // The scheduler stored exactly what `handle` returned, or the
        // trampoline what the subroutine returned.
        match answer.map(|answer| answer.downcast::<C::Output>()) {
            Some(Ok(output)) => *output,
            _ => unreachable!("a call is answered with its Output"),
        }
    }
    // ANCHOR_END: call
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
    /// The coroutine running now: the task's body, or the innermost
    /// subroutine it has called.
    target: Target,
    sendval: SendVal,
    /// The callers of `target`, the task's body first (Python:
    /// `self.stack`, the call stack).
    stack: Vec<Target>,
    /// The stacks of subroutines that have returned, for the next calls.
    spare: Vec<DefaultStack>,
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
                target(&Sys { yielder });
                None // the body has no caller to send anything to
            }),
            sendval: SendVal::default(),
            stack: Vec::new(),
            spare: Vec::new(),
        }
    }

    // ANCHOR: run
    /// Runs the task until it next traps into the scheduler, sending
    /// `sendval` to the coroutine running now; returns the trap, or
    /// [`StopIteration`] once its body has finished.
    ///
    /// This is the trampoline: a coroutine that yields a subroutine is
    /// pushed on the call stack and the subroutine runs; a subroutine
    /// that returns is popped, and its result is sent to its caller. The
    /// subroutine runs on a stack that an earlier call left, if there is
    /// one, and leaves its own for the next.
    pub fn run(&mut self) -> Result<Trap, StopIteration> {
        // Resuming a finished corosensei coroutine would panic; running a
        // finished Python generator raises StopIteration again.
        if self.target.done() {
            return Err(StopIteration { tid: self.tid });
        }
        loop {
            // ANCHOR: reuse
            match self.target.resume(self.sendval.take()) {
                CoroutineResult::Yield(Yielded::Trap(trap)) => return Ok(trap),
                CoroutineResult::Yield(Yielded::Call(body)) => {
                    // A stack that a returned call left, if there is one:
                    // a new stack is an `mmap`, a spare one costs nothing.
                    let stack = self.spare.pop().unwrap_or_default();
                    let sub = Coroutine::with_stack(stack, |yielder, _| {
                        body(&Sys { yielder })
                    });
                    let caller = std::mem::replace(&mut self.target, sub);
                    self.stack.push(caller);
                }
                // Python: a subroutine's result is the first plain value
                // it yields (a 2009 generator could not return one); a
                // corosensei coroutine returns it.
                CoroutineResult::Return(result) => {
                    let Some(caller) = self.stack.pop() else {
                        return Err(StopIteration { tid: self.tid });
                    };
                    self.sendval = result;
                    let sub = std::mem::replace(&mut self.target, caller);
                    self.spare.push(sub.into_stack()); // for the next call
                }
            }
            // ANCHOR_END: reuse
        }
    }
    // ANCHOR_END: run
}

impl Drop for Task {
    /// A task dropped in the middle of a call (killed) unwinds like a
    /// call stack: the innermost coroutine first, then each caller.
    fn drop(&mut self) {
        self.target.force_unwind();
        while let Some(caller) = self.stack.pop() {
            drop(caller);
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
    /// Tasks waiting for other tasks to exit, by the id they wait for.
    exit_waiting: HashMap<TaskId, Vec<TaskId>>,
    /// Tasks waiting to read, by descriptor.
    read_waiting: HashMap<RawFd, TaskId>,
    /// Tasks waiting to write, by descriptor.
    write_waiting: HashMap<RawFd, TaskId>,
    /// The descriptors being waited on (what Python hands `select()`).
    poller: IoPoller,
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
        // A task killed while it waits for I/O stops waiting first.
        self.forget_io(tid);
        self.taskmap.remove(&tid);
        // Notify other tasks waiting for exit
        for waiting in self.exit_waiting.remove(&tid).unwrap_or_default() {
            self.schedule(waiting);
        }
    }
    // ANCHOR_END: exit

    // ANCHOR: waitforexit
    /// Parks `task` until task `waittid` exits; false (and `task` is not
    /// parked) if there is no such task.
    pub fn waitforexit(&mut self, task: TaskId, waittid: TaskId) -> bool {
        if self.taskmap.contains_key(&waittid) {
            self.exit_waiting.entry(waittid).or_default().push(task);
            true
        } else {
            false
        }
    }
    // ANCHOR_END: waitforexit

    // ANCHOR: iowaiting
    /// Parks `task` until `f` can be read.
    pub fn waitforread(
        &mut self,
        task: TaskId,
        f: Rc<dyn AsFd>,
    ) -> io::Result<()> {
        let fd = self.poller.add(f, Interest::Read)?;
        self.read_waiting.insert(fd, task);
        Ok(())
    }

    /// Parks `task` until `f` can be written.
    pub fn waitforwrite(
        &mut self,
        task: TaskId,
        f: Rc<dyn AsFd>,
    ) -> io::Result<()> {
        let fd = self.poller.add(f, Interest::Write)?;
        self.write_waiting.insert(fd, task);
        Ok(())
    }

    /// Schedules the tasks whose descriptors are ready, waiting for one at
    /// most `timeout` (`None`: as long as it takes).
    pub fn iopoll(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        if !self.poller.is_empty() {
            // Python: `r, w, e = select.select(rlist, wlist, [], timeout)`
            let ready = self.poller.wait(timeout)?;
            for fd in ready.read {
                if let Some(task) = self.read_waiting.remove(&fd) {
                    self.schedule(task);
                }
            }
            for fd in ready.write {
                if let Some(task) = self.write_waiting.remove(&fd) {
                    self.schedule(task);
                }
            }
        }
        Ok(())
    }
    // ANCHOR_END: iowaiting

    /// Cancels the I/O waits of a task that is going away.
    fn forget_io(&mut self, tid: TaskId) {
        let poller = &mut self.poller;
        self.read_waiting.retain(|&fd, &mut task| {
            let keep = task != tid;
            if !keep {
                poller.cancel(fd, Interest::Read);
            }
            keep
        });
        self.write_waiting.retain(|&fd, &mut task| {
            let keep = task != tid;
            if !keep {
                poller.cancel(fd, Interest::Write);
            }
            keep
        });
    }

    /// Puts a task at the end of the ready queue.
    pub fn schedule(&mut self, tid: TaskId) {
        self.ready.push_back(tid);
    }

    // ANCHOR: mainloop
    /// Runs the ready tasks in turn, until none is ready.
    pub fn mainloop(&mut self) {
        self.new(iotask);
        // Python: `while self.taskmap:` and `self.ready.get()`, which
        // would wait forever once no task is ready; this loop ends then.
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
                Err(StopIteration { .. }) => self.exit(tid),
            }
        }
    }
    // ANCHOR_END: mainloop
}
// ANCHOR_END: scheduler

// ANCHOR: call_trait
/// What a task can call with [`Sys::call`]: a system call, or a
/// subroutine. Python tells them apart when they are yielded
/// (`isinstance`); here their types do.
pub trait Call {
    /// What the calling task gets back.
    type Output: 'static;

    /// What the task yields to make the call.
    fn yielded(self) -> Yielded;
}

impl<C: SystemCall> Call for C {
    type Output = C::Output;

    fn yielded(self) -> Yielded {
        let syscall: SysCall =
            Box::new(move |tid, sched| Box::new(self.handle(tid, sched)));
        Yielded::Trap(Some(syscall))
    }
}

impl<T: 'static> Call for Subroutine<T> {
    type Output = T;

    fn yielded(self) -> Yielded {
        Yielded::Call(self.body)
    }
}
// ANCHOR_END: call_trait

// ANCHOR: subroutine
/// A subroutine: a coroutine that returns a `T` to the task that calls
/// it (Python: a generator function's generator, yielded by a task).
/// Making one runs nothing; `sys.call(subroutine)` runs it, as a
/// coroutine.
///
/// It runs on a stack of its own, like the task: its body cannot borrow
/// from its caller, so it owns what it uses.
pub struct Subroutine<T> {
    body: Body,
    result: PhantomData<fn() -> T>,
}

impl<T: 'static> Subroutine<T> {
    /// A subroutine that will run `body`, with a `Sys` of its own to make
    /// system calls and call further subroutines.
    pub fn new(body: impl FnOnce(&Sys) -> T + 'static) -> Subroutine<T> {
        Subroutine {
            body: Box::new(move |sys: &Sys| {
                let result: Box<dyn Any> = Box::new(body(sys));
                Some(result)
            }),
            result: PhantomData,
        }
    }
}
// ANCHOR_END: subroutine

// ANCHOR: systemcall
/// A system call (Python: a subclass of `SystemCall`).
pub trait SystemCall: 'static {
    /// What the calling task gets back.
    type Output: 'static;

    /// Carries out the call for `task`, which waits inside [`Sys::call`]
    /// meanwhile (Python: `handle()`). It decides when the task runs
    /// again (usually at once: `sched.schedule(task)`) and returns the
    /// task's answer (Python: `self.task.sendval = ...`).
    fn handle(self, task: TaskId, sched: &mut Scheduler) -> Self::Output;
}
// ANCHOR_END: systemcall

// ANCHOR: gettid
/// Answers the calling task's id (Python: `class GetTid`).
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
/// Starts a task running `target`; answers its id (Python: `class
/// NewTask`).
pub struct NewTask(Box<dyn FnOnce(&Sys)>);

impl NewTask {
    /// The call that will start `target` (Python: `NewTask(foo())`).
    pub fn new(target: impl FnOnce(&Sys) + 'static) -> NewTask {
        NewTask(Box::new(target))
    }
}

impl SystemCall for NewTask {
    type Output = TaskId;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> TaskId {
        let tid = sched.new(self.0);
        sched.schedule(task);
        tid
    }
}
// ANCHOR_END: newtask

// ANCHOR: killtask
/// Ends the task with this id; answers whether there was one (Python:
/// `class KillTask`).
pub struct KillTask(pub TaskId);

impl SystemCall for KillTask {
    type Output = bool;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> bool {
        // Python closes the generator, and the scheduler notices it ended
        // the next time it runs it. Here `exit` drops the task at once:
        // dropping a suspended coroutine unwinds its stack, so the killed
        // task's destructors (its clean-up) run now.
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
/// Waits until the task with this id exits; answers whether it had to
/// wait (Python: `class WaitTask`).
pub struct WaitTask(pub TaskId);

impl SystemCall for WaitTask {
    type Output = bool;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> bool {
        let result = sched.waitforexit(task, self.0);
        // If waiting for a non-existent task, return immediately without
        // waiting.
        if !result {
            sched.schedule(task);
        }
        result
    }
}
// ANCHOR_END: waittask

// ANCHOR: readwait
/// Waits until `f` can be read without blocking; answers an error if the
/// wait cannot start (Python: `class ReadWait`).
pub struct ReadWait(Rc<dyn AsFd>);

impl ReadWait {
    /// The call that waits for `f`, which the scheduler holds on to while
    /// the task waits (Python: `ReadWait(f)`).
    pub fn new<F: AsFd + 'static>(f: &Rc<F>) -> ReadWait {
        ReadWait(f.clone())
    }
}

impl SystemCall for ReadWait {
    type Output = io::Result<()>;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> io::Result<()> {
        let result = sched.waitforread(task, self.0);
        if result.is_err() {
            sched.schedule(task); // no wait: the error comes back at once
        }
        result
    }
}
// ANCHOR_END: readwait

/// Waits until `f` can be written without blocking; answers an error if
/// the wait cannot start (Python: `class WriteWait`).
pub struct WriteWait(Rc<dyn AsFd>);

impl WriteWait {
    /// The call that waits for `f`, which the scheduler holds on to while
    /// the task waits (Python: `WriteWait(f)`).
    pub fn new<F: AsFd + 'static>(f: &Rc<F>) -> WriteWait {
        WriteWait(f.clone())
    }
}

impl SystemCall for WriteWait {
    type Output = io::Result<()>;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> io::Result<()> {
        let result = sched.waitforwrite(task, self.0);
        if result.is_err() {
            sched.schedule(task); // no wait: the error comes back at once
        }
        result
    }
}

// ANCHOR: iotask
/// The I/O-polling task (Python: `Scheduler.iotask`). An ordinary task: it
/// reaches the scheduler's state through a system call, [`IoPoll`].
fn iotask(sys: &Sys) {
    loop {
        match sys.call(IoPoll) {
            Ok(true) => {}
            Ok(false) => break, // nothing left to wait for
            Err(e) => {
                eprintln!("iotask: cannot poll for I/O: {e}");
                break;
            }
        }
    }
}

/// The iotask's call: schedule the tasks whose I/O is ready, waiting for
/// some only if no other task is ready. Answers false when nothing is
/// left to wait for: no task ready, none waiting for I/O. (Python's
/// iotask goes round forever then, keeping the program alive for nothing.)
struct IoPoll;

impl SystemCall for IoPoll {
    type Output = io::Result<bool>;

    fn handle(self, task: TaskId, sched: &mut Scheduler) -> io::Result<bool> {
        let nothing_ready = sched.ready.is_empty();
        let result = if nothing_ready && sched.poller.is_empty() {
            Ok(false)
        } else {
            // Python: `if self.ready.empty(): self.iopoll(None)`
            //         `else: self.iopoll(0)`
            let timeout = if nothing_ready {
                None
            } else {
                Some(Duration::ZERO)
            };
            sched.iopoll(timeout).map(|()| true)
        };
        // Last in the queue, after the tasks it woke (Python: after the
        // iotask yields).
        sched.schedule(task);
        result
    }
}
// ANCHOR_END: iotask

// ANCHOR: library
// Library functions: I/O as subroutines (Python: `Accept`, `Send` and
// `Recv`, generator functions; Rust names functions in lower case).

/// Waits for a connection and accepts it (Python: `Accept(sock)`).
pub fn accept(
    sock: &Rc<Listener>,
) -> Subroutine<io::Result<(TcpStream, SocketAddr)>> {
    let sock = sock.clone();
    Subroutine::new(move |sys: &Sys| {
        loop {
            sys.call(ReadWait::new(&sock))?;
            // Python: `yield sock.accept()`. Ours never blocks: if the
            // connection has gone meanwhile, wait again.
            if let Some(connection) = sock.accept()? {
                return Ok(connection);
            }
        }
    })
}

/// Sends all of `buffer`, in as many pieces as the socket takes (Python:
/// `Send(sock, buffer)`).
pub fn send(
    sock: &Rc<TcpStream>,
    buffer: Vec<u8>,
) -> Subroutine<io::Result<()>> {
    let sock = sock.clone();
    Subroutine::new(move |sys: &Sys| {
        let mut buffer = &buffer[..];
        while !buffer.is_empty() {
            sys.call(WriteWait::new(&sock))?;
            if let Some(len) = net::send(&sock, buffer)? {
                buffer = &buffer[len..];
            }
        }
        Ok(())
    })
}

// ANCHOR: recv
/// Waits for data and returns up to `maxbytes` of it; empty once the peer
/// has closed (Python: `Recv(sock, maxbytes)`).
pub fn recv(
    sock: &Rc<TcpStream>,
    maxbytes: usize,
) -> Subroutine<io::Result<Vec<u8>>> {
    let sock = sock.clone();
    Subroutine::new(move |sys: &Sys| {
        loop {
            sys.call(ReadWait::new(&sock))?;
            // Python: `yield sock.recv(maxbytes)`, which allocates
            // `maxbytes` (not cleared), reads, and shrinks to what came.
            let mut data = Vec::with_capacity(maxbytes);
            if net::recv_into_spare(&sock, &mut data)?.is_some() {
                data.shrink_to_fit();
                return Ok(data);
            }
        }
    })
}
// ANCHOR_END: recv
// ANCHOR_END: library
