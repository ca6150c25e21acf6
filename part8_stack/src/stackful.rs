//! # The stackful alternative: I/O as plain functions (Part 8's epilogue)
//!
//! Python needs step 8's trampoline because a generator can only yield
//! from its own frame. A corosensei coroutine has a stack of its own, and
//! any function it calls, at any depth, can suspend it. So here the I/O
//! routines [`accept`], [`recv`] and [`send`] are ordinary functions: a
//! task calls them as it would call blocking socket functions, they call
//! [`Sys::wait`] when the socket is not ready, and that suspends the whole
//! task, every frame between the task's body and the wait included. No
//! subroutine coroutines, no call stack of them, no trampoline.
//!
//! The scheduler is step 7's, trimmed for this one job: no task ids to
//! ask for, no system call objects, one `enum` of requests; the I/O poll
//! is in its main loop rather than in a task; and each task runs on a
//! stack of a size the program chooses, from [`Stacks`], which reuses the
//! stacks of finished tasks. A task still never sees the scheduler: it traps into
//! it by suspending, through the [`Sys`] it was given.

use crate::stacks::{Stacks, TaskStack};
use corosensei::{Coroutine, CoroutineResult, Yielder};
use part7_os::net::{self, Interest, IoPoller, Listener, Ready};
use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::rc::Rc;
use std::time::{Duration, Instant};

// ANCHOR: sys
/// What a task asks of the scheduler when it suspends.
enum Request {
    /// Run again later (a plain yield).
    Yield,
    /// Run again once the descriptor is ready.
    Wait(Rc<dyn AsFd>, Interest),
    /// The descriptor may still be ready: run again later.
    StillReady(RawFd, Interest),
    /// Start a task, and run again.
    Spawn(Box<dyn FnOnce(&Sys)>),
}

/// The scheduler's answer when it runs a task again.
type Answer = io::Result<()>;

/// A task's way out, handed down to every function that may suspend it.
pub struct Sys<'a> {
    yielder: &'a Yielder<Answer, Request>,
}

impl Sys<'_> {
    /// Suspends the task until `source` is ready for `interest`.
    pub fn wait<S: AsFd + 'static>(
        &self,
        source: &Rc<S>,
        interest: Interest,
    ) -> io::Result<()> {
        self.yielder
            .suspend(Request::Wait(source.clone(), interest))
    }

    /// Says that `source` may still be ready for `interest` after the
    /// task's last call (it filled the buffer, or found a connection), so
    /// that its next wait ends at once; lets the other tasks run.
    pub fn still_ready<S: AsFd + 'static>(
        &self,
        source: &Rc<S>,
        interest: Interest,
    ) {
        let fd = source.as_fd().as_raw_fd();
        // Like a yield's, this answer is always Ok.
        let _ = self.yielder.suspend(Request::StillReady(fd, interest));
    }

    /// Starts a task running `body`; an error if there is no room for its
    /// stack (see [`Stacks::take`]).
    pub fn spawn(&self, body: impl FnOnce(&Sys) + 'static) -> io::Result<()> {
        self.yielder.suspend(Request::Spawn(Box::new(body)))
    }

    /// Lets the other tasks run.
    pub fn yield_(&self) {
        // A yield's answer is always Ok: there is nothing to fail.
        let _ = self.yielder.suspend(Request::Yield);
    }
}
// ANCHOR_END: sys

// ANCHOR: io
/// Waits for a connection and accepts it: an ordinary function.
pub fn accept(
    sys: &Sys,
    sock: &Rc<Listener>,
) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        sys.wait(sock, Interest::Read)?;
        let accepted = sock.accept();
        if !matches!(accepted, Ok(None)) {
            // Accepted one, or failed on one: more may be queued.
            sys.still_ready(sock, Interest::Read);
        }
        if let Some(connection) = accepted? {
            return Ok(connection);
        }
    }
}

/// Waits for data and reads it into `buf`; 0 once the peer has closed.
/// It waits before it reads, as the course does: each `recv` gives the
/// other tasks their turn, so that a client that never pauses cannot keep
/// the scheduler to itself.
pub fn recv(
    sys: &Sys,
    sock: &Rc<TcpStream>,
    buf: &mut [u8],
) -> io::Result<usize> {
    loop {
        sys.wait(sock, Interest::Read)?;
        if let Some(n) = net::recv(sock, buf)? {
            if n == buf.len() && n > 0 {
                sys.still_ready(sock, Interest::Read); // more may be there
            }
            return Ok(n);
        }
    }
}

/// Sends all of `data`, in as many pieces as the socket takes. It tries
/// first, and waits only when the socket has no room: after a `recv`
/// there nearly always is, and waiting first costs a poll per message.
pub fn send(
    sys: &Sys,
    sock: &Rc<TcpStream>,
    mut data: &[u8],
) -> io::Result<()> {
    while !data.is_empty() {
        match net::send(sock, data)? {
            Some(n) => data = &data[n..],
            None => sys.wait(sock, Interest::Write)?,
        }
    }
    Ok(())
}
// ANCHOR_END: io

/// A task: a coroutine on a stack from [`Stacks`], and the answer it will
/// be sent when it runs again.
struct Task {
    coroutine: Coroutine<Answer, Request, (), TaskStack>,
    answer: Answer,
}

/// A task's number, for the scheduler's bookkeeping.
type TaskId = u64;

// ANCHOR: scheduler
/// Runs tasks in turn, each on a stack of its own, and waits for I/O when
/// none is ready.
pub struct Scheduler {
    ready: VecDeque<TaskId>,
    tasks: HashMap<TaskId, Task>,
    last_id: TaskId,
    read_waiting: HashMap<RawFd, TaskId>,
    write_waiting: HashMap<RawFd, TaskId>,
    poller: IoPoller,
    stacks: Stacks,
    spin: Duration,
}

impl Scheduler {
    /// A scheduler whose tasks take their stacks from `stacks`.
    pub fn new(stacks: Stacks) -> Scheduler {
        Scheduler {
            ready: VecDeque::new(),
            tasks: HashMap::new(),
            last_id: 0,
            read_waiting: HashMap::new(),
            write_waiting: HashMap::new(),
            poller: IoPoller::edge_triggered(),
            stacks,
            spin: Duration::ZERO,
        }
    }

    /// When no task is ready, keep looking for I/O for up to `spin`
    /// before going to sleep in the kernel (default: zero, sleep at once).
    ///
    /// A thread that sleeps must be woken, and waking one costs: on this
    /// project's virtual machine, tens of microseconds between a client's
    /// message arriving and the server running again, longer than the
    /// server takes to echo it. Looking again and again (`epoll_wait` with
    /// a zero timeout) for a few tens of microseconds catches the next
    /// message awake, at the price of a core kept busy while it looks.
    /// Part 9's contest measures both.
    pub fn set_spin(&mut self, spin: Duration) {
        self.spin = spin;
    }

    /// Starts a task running `body`: it runs at the next turn.
    pub fn spawn(
        &mut self,
        body: impl FnOnce(&Sys) + 'static,
    ) -> io::Result<()> {
        let stack = self.stacks.take()?;
        let coroutine =
            Coroutine::with_stack(stack, move |yielder, _: Answer| {
                body(&Sys { yielder })
            });
        self.last_id += 1;
        let task = Task {
            coroutine,
            answer: Ok(()),
        };
        self.tasks.insert(self.last_id, task);
        self.ready.push_back(self.last_id);
        Ok(())
    }

    /// Runs the tasks until none is left: runs every ready task in turn,
    /// then polls for I/O (only looking, if some task is ready again;
    /// waiting as long as it takes, if none is).
    pub fn run(&mut self) -> io::Result<()> {
        loop {
            self.run_ready();
            if self.poller.is_empty() {
                if self.ready.is_empty() {
                    return Ok(()); // nothing ready, nothing awaited
                }
                continue;
            }
            let ready = if self.ready.is_empty() {
                self.wait_for_io()?
            } else {
                self.poller.wait(Some(Duration::ZERO))?
            };
            for fd in ready.read {
                if let Some(tid) = self.read_waiting.remove(&fd) {
                    self.ready.push_back(tid);
                }
            }
            for fd in ready.write {
                if let Some(tid) = self.write_waiting.remove(&fd) {
                    self.ready.push_back(tid);
                }
            }
        }
    }

    /// With no task ready: looks for I/O for up to `self.spin`, then
    /// waits as long as it takes.
    fn wait_for_io(&mut self) -> io::Result<Ready> {
        if !self.spin.is_zero() {
            let started = Instant::now();
            while started.elapsed() < self.spin {
                let ready = self.poller.wait(Some(Duration::ZERO))?;
                if !ready.read.is_empty() || !ready.write.is_empty() {
                    return Ok(ready);
                }
            }
        }
        self.poller.wait(None)
    }

    /// Runs each task that is ready now once, until it suspends or ends.
    pub fn run_ready(&mut self) {
        for _ in 0..self.ready.len() {
            if let Some(tid) = self.ready.pop_front() {
                self.step(tid);
            }
        }
    }

    /// Runs one task until it suspends or ends, and does what it asks.
    fn step(&mut self, tid: TaskId) {
        let Some(task) = self.tasks.get_mut(&tid) else {
            return;
        };
        let answer = std::mem::replace(&mut task.answer, Ok(()));
        match task.coroutine.resume(answer) {
            CoroutineResult::Yield(Request::Yield) => self.ready.push_back(tid),
            CoroutineResult::Yield(Request::Wait(source, interest)) => {
                if let Err(e) = self.wait(tid, source, interest) {
                    self.answer(tid, Err(e)); // no wait: the error at once
                }
            }
            CoroutineResult::Yield(Request::StillReady(fd, interest)) => {
                self.poller.still_ready(fd, interest);
                self.ready.push_back(tid);
            }
            CoroutineResult::Yield(Request::Spawn(body)) => {
                let spawned = self.spawn(body);
                self.answer(tid, spawned);
            }
            CoroutineResult::Return(()) => {
                if let Some(task) = self.tasks.remove(&tid) {
                    self.stacks.give_back(task.coroutine.into_stack());
                }
            }
        }
    }
    // ANCHOR_END: scheduler

    /// Parks task `tid` until `source` is ready for `interest`.
    fn wait(
        &mut self,
        tid: TaskId,
        source: Rc<dyn AsFd>,
        interest: Interest,
    ) -> io::Result<()> {
        let fd = self.poller.add(source, interest)?;
        let waiting = match interest {
            Interest::Read => &mut self.read_waiting,
            Interest::Write => &mut self.write_waiting,
        };
        waiting.insert(fd, tid);
        Ok(())
    }

    /// Schedules task `tid` with `answer` for its next run.
    fn answer(&mut self, tid: TaskId, answer: Answer) {
        if let Some(task) = self.tasks.get_mut(&tid) {
            task.answer = answer;
            self.ready.push_back(tid);
        }
    }

    /// How many tasks there are.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether there is no task left.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The stacks of the tasks, for what they can tell (see
    /// [`Stacks::deepest`]).
    pub fn stacks(&self) -> &Stacks {
        &self.stacks
    }

    /// Ends every task that has not finished, unwinding its stack (its
    /// destructors run), and gives the stacks back.
    pub fn kill_all(&mut self) {
        self.ready.clear();
        for (fd, _) in self.read_waiting.drain() {
            self.poller.cancel(fd, Interest::Read);
        }
        for (fd, _) in self.write_waiting.drain() {
            self.poller.cancel(fd, Interest::Write);
        }
        for (_, mut task) in self.tasks.drain() {
            task.coroutine.force_unwind();
            self.stacks.give_back(task.coroutine.into_stack());
        }
    }
}

impl Scheduler {
    /// Ends every task (see [`Scheduler::kill_all`]) and returns the
    /// stacks, for what they can tell.
    pub fn into_stacks(mut self) -> Stacks {
        self.kill_all();
        std::mem::replace(&mut self.stacks, Stacks::new(0))
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.kill_all();
    }
}
