//! # Part 7: an operating system whose tasks are coroutines
//!
//! The course's centrepiece (slides 105-168): a multitasking operating
//! system grown one idea at a time, ending in an echo server that serves
//! many clients at once with no threads and no callbacks.
//!
//! | module | step | idea |
//! |---|---|---|
//! | [`pyos1`] | 1 | a task: a coroutine with an id |
//! | [`pyos2`] | 2 | a scheduler: tasks take turns |
//! | [`pyos3`] | 3 | task exit |
//! | [`pyos4`] | 4 | system calls, the first being `GetTid` |
//! | [`pyos5`] | 5 | `NewTask` and `KillTask` |
//! | [`pyos6`] | 6 | `WaitTask` |
//! | [`pyos7`] | 7 | `ReadWait`, `WriteWait` and the I/O-polling task |
//! | [`echobad`] | | an echo server on step 6 that freezes everything |
//! | [`echogood`] | | the echo server on step 7 that works |
//! | [`net`] | | the socket set-up under the servers (reused by Parts 8, 9) |
//! | [`testing`] | | what the echo servers' tests share (Parts 7, 8) |
//!
//! The steps are cumulative on purpose: each module is the previous one
//! plus one idea, so `diff src/pyos4.rs src/pyos5.rs` shows exactly that
//! idea. That is the one place in the workbook where repeated code is the
//! lesson.
//!
//! ## The design, in three rules
//!
//! - A task is a corosensei coroutine. What it yields is a system call;
//!   what it is sent back is the call's answer.
//! - A task never sees the scheduler. Its body gets a `Sys`, which can
//!   only yield: a task traps into the operating system and the system
//!   decides what happens next.
//! - System calls are typed where the task makes them:
//!   `let tid = sys.call(GetTid);` gives a task id, not a value to unpack.
//!
//! ```
//! use part7_os::pyos6::{GetTid, NewTask, Scheduler, Sys, WaitTask};
//!
//! fn child(sys: &Sys) {
//!     let me = sys.call(GetTid);
//!     assert_eq!(me, 2);
//! }
//!
//! let mut sched = Scheduler::default();
//! sched.new(|sys: &Sys| {
//!     let tid = sys.call(NewTask::new(child));
//!     let waited = sys.call(WaitTask(tid));
//!     assert!(waited);
//! });
//! sched.mainloop();
//! ```

pub mod echobad;
pub mod echogood;
pub mod net;
pub mod pyos1;
pub mod pyos2;
pub mod pyos3;
pub mod pyos4;
pub mod pyos5;
pub mod pyos6;
pub mod pyos7;
pub mod testing;
