//! # Part 8: the problem with the stack
//!
//! Slides 169-188 of the course, and what stackful coroutines change.
//!
//! Python's generators are stackless: only a generator's own frame can
//! yield, never a function it calls. So the course's tasks cannot keep
//! their I/O in ordinary library functions; it builds a trampoline
//! instead, in which a task calls a coroutine subroutine by yielding it.
//! A corosensei coroutine has a stack of its own, and any function it
//! calls, at any depth, can suspend it. This crate shows both.
//!
//! | module | lesson | what it is |
//! |---|---|---|
//! | [`pyos8`] | pyos8 | step 7 plus a call stack: tasks call subroutines by yielding them |
//! | [`echoserver`] | echoserver | the echo server on pyos8's `accept`, `recv`, `send` |
//! | [`sockwrap`] | sockwrap | a socket wrapper whose methods are subroutines |
//! | [`echoserver2`] | echoserver2 | the echo server on the wrapper |
//! | [`twisted`] | | a reactor: the callback style, with no framework |
//! | [`twistedecho`] | twistedecho | the echo server as a protocol with callbacks |
//! | [`stackful`] | | what Rust changes: I/O as plain functions, no trampoline |
//! | [`echostackful`] | echostackful | the echo server on them |
//! | [`stacks`] | | the stackful tasks' stacks: size, reuse, depth measured |
//! | `slab` | | many stacks in one memory map (Linux 6.13 and later) |
//! | [`c10k`] | c10k | 10,000 connections at once, and the memory they take |
//!
//! The lesson `trampoline` stands alone: its file is the whole lesson.
//!
//! Step 8 keeps step 7's design: a task is a coroutine that traps into
//! the scheduler by yielding, and never sees it; system calls are typed
//! where the task makes them. What it adds is that a task may also yield
//! a [`pyos8::Subroutine`], and be sent back its result:
//!
//! ```
//! use part8_stack::pyos8::{GetTid, Scheduler, Subroutine, Sys};
//!
//! // A subroutine that makes a system call of its own.
//! fn add_tid(x: u32) -> Subroutine<u32> {
//!     Subroutine::new(move |sys: &Sys| x + sys.call(GetTid))
//! }
//!
//! let mut sched = Scheduler::default();
//! sched.new(|sys: &Sys| {
//!     let r: u32 = sys.call(add_tid(41)); // typed: no value to unpack
//!     assert_eq!(r, 42);
//! });
//! sched.mainloop();
//! ```

pub mod c10k;
pub mod echoserver;
pub mod echoserver2;
pub mod echostackful;
pub mod pyos8;
#[cfg(target_os = "linux")]
pub mod slab;
pub mod sockwrap;
pub mod stackful;
pub mod stacks;
pub mod twisted;
pub mod twistedecho;
