//! # Part 8: the problem with the stack
//!
//! Slides 169-188 of the course, and what stackful coroutines change.
//! Python's generators are stackless: only a generator's own frame can
//! yield, never a function it calls. So the course's tasks cannot keep
//! their I/O in ordinary library functions; it builds a trampoline
//! instead, in which a task calls a coroutine subroutine by yielding it.
//! A corosensei coroutine has a stack of its own, and any function it
//! calls, at any depth, can suspend it. The lessons show both: `pyos8`,
//! `echoserver`, `sockwrap`, `echoserver2` and `twistedecho` the course's
//! way, then `echostackful`, Rust's.
//!
//! This library holds what other scripts import, compiled from the
//! lesson files themselves, and the reactor that stands in for Twisted:
//!
//! | module | imported by |
//! |---|---|
//! | [`pyos8`] | `echoserver`, `sockwrap`, `echoserver2` |
//! | [`sockwrap`] | `echoserver2` |
//! | [`twisted`] | `twistedecho` |
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
//! })?; // an error if no stack can be had
//! sched.mainloop()?;
//! # Ok::<(), std::io::Error>(())
//! ```

extern crate self as part8_stack; // so that lesson files can say part8_stack::...

#[path = "bin/pyos8.rs"]
#[allow(dead_code)] // the lesson's example and `main` are not used here
pub mod pyos8;

#[path = "bin/sockwrap.rs"]
#[allow(dead_code)]
pub mod sockwrap;

pub mod twisted;
