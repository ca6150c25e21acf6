//! # Part 7: an operating system whose tasks are coroutines
//!
//! The course's centrepiece (slides 105-168): a multitasking operating
//! system grown one idea at a time, `pyos1` to `pyos7`, ending in an echo
//! server that serves many clients at once with no threads and no
//! callbacks. Each step is a lesson file, `src/bin/pyosN.rs`, holding
//! the whole step (task, scheduler, system calls, example), as
//! `pyosN.py` does; `diff src/bin/pyos4.rs src/bin/pyos5.rs` shows what
//! step 5 adds.
//!
//! This library holds what other scripts import, compiled from the
//! lesson files themselves (Python's `from pyos6 import *` imports the
//! script too), and the socket set-up the echo servers share:
//!
//! | module | imported by |
//! |---|---|
//! | [`pyos2`] | `taskcrash` |
//! | [`pyos6`] | `echobad` |
//! | [`pyos7`] | `echogood`, `echogood2` |
//! | [`socket`] | every echo server of Parts 7, 8 and 9 |
//!
//! ```
//! use part7_os::pyos6::{GetTid, NewTask, Scheduler, Sys, WaitTask};
//!
//! fn child(sys: &Sys) {
//!     assert_eq!(sys.call(GetTid), 2); // typed: a TaskId
//! }
//!
//! let mut sched = Scheduler::default();
//! sched.new(|sys: &Sys| {
//!     let tid = sys.call(NewTask(child));
//!     assert!(sys.call(WaitTask(tid))); // it had to wait
//! });
//! sched.mainloop();
//! ```

extern crate self as part7_os; // so that lesson files can say part7_os::...

// ANCHOR: pyos2
#[path = "bin/pyos2.rs"]
#[allow(dead_code)] // the lesson's example and `main` are not used here
pub mod pyos2;
// ANCHOR_END: pyos2

#[path = "bin/pyos6.rs"]
#[allow(dead_code)]
pub mod pyos6;

#[path = "bin/pyos7.rs"]
#[allow(dead_code)]
pub mod pyos7;

pub mod socket;
