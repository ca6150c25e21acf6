//! The operating system's promises, checked step by step: system calls
//! answer with their own types, KillTask runs the killed task's clean-up
//! at once, WaitTask on a finished or unknown task returns at once, and
//! (pyos7) a task killed while it waits for I/O lets go of its socket.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Sets its flag when dropped: a stand-in for a task's clean-up.
struct Cleanup(Rc<Cell<bool>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// A shared log the tasks of one test write to, in order.
type Log = Rc<RefCell<Vec<String>>>;

fn note(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

/// pyos7 answers `new` and `NewTask` with a `Result` (a task needs a
/// stack, which the kernel may refuse), steps 5 and 6 with the task's id:
/// `.made()` gives the id either way, so that one test runs on every step.
trait Made {
    fn made(self) -> u32;
}

impl Made for u32 {
    fn made(self) -> u32 {
        self
    }
}

impl Made for std::io::Result<u32> {
    fn made(self) -> u32 {
        self.expect("a stack for the task")
    }
}

/// The same for `mainloop`, which in pyos7 may fail to start its I/O task.
trait Ran {
    fn ran(self);
}

impl Ran for () {
    fn ran(self) {}
}

impl Ran for std::io::Result<()> {
    fn ran(self) {
        self.expect("a stack for the I/O task")
    }
}

/// The tests every step from 5 on must pass, for the steps the library
/// compiles (same API, one module each).
macro_rules! task_management {
    ($step:ident) => {
        mod $step {
            use super::*;
            use part7_os::$step::{GetTid, KillTask, NewTask, Scheduler, Sys};

            #[test]
            fn get_tid_answers_a_task_id() {
                let seen = Rc::new(Cell::new(0));
                let out = Rc::clone(&seen);
                let mut sched = Scheduler::default();
                sched.new(|sys: &Sys| sys.yield_()).made();
                sched
                    .new(move |sys: &Sys| {
                        // A TaskId, typed: no enum to unpack.
                        let tid: part7_os::$step::TaskId = sys.call(GetTid);
                        out.set(tid);
                    })
                    .made();
                sched.mainloop().ran();
                assert_eq!(seen.get(), 2);
            }

            #[test]
            fn killing_a_suspended_task_runs_its_cleanup_at_once() {
                let cleaned = Rc::new(Cell::new(false));
                let flag = Rc::clone(&cleaned);
                let turns = Rc::new(Cell::new(0));
                let counter = Rc::clone(&turns);
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        let child = sys
                            .call(NewTask(move |sys: &Sys| {
                                let _cleanup = Cleanup(flag);
                                loop {
                                    counter.set(counter.get() + 1);
                                    sys.yield_();
                                }
                            }))
                            .made();
                        for _ in 0..3 {
                            sys.yield_();
                        }
                        assert!(turns.get() > 0, "the child never ran");
                        assert!(!cleaned.get());
                        assert!(sys.call(KillTask(child)));
                        // Its stack was unwound during the call.
                        assert!(cleaned.get(), "the killed task's clean-up");
                        let turns_then = turns.get();
                        sys.yield_();
                        sys.yield_();
                        assert_eq!(turns.get(), turns_then, "it ran again");
                        assert!(!sys.call(KillTask(child)), "killed twice");
                    })
                    .made();
                sched.mainloop().ran();
            }

            #[test]
            fn killing_a_task_that_never_ran_drops_what_it_owns() {
                let cleaned = Rc::new(Cell::new(false));
                let cleanup = Cleanup(Rc::clone(&cleaned));
                let mut sched = Scheduler::default();
                // Task 1 runs first and kills task 2 before its first turn.
                sched
                    .new(move |sys: &Sys| {
                        assert!(!cleaned.get());
                        assert!(sys.call(KillTask(2)));
                        assert!(cleaned.get());
                    })
                    .made();
                sched
                    .new(move |_: &Sys| {
                        let _owned = cleanup;
                        panic!("the killed task must never run");
                    })
                    .made();
                sched.mainloop().ran();
            }

            #[test]
            fn killing_an_unknown_task_answers_false() {
                let mut sched = Scheduler::default();
                sched
                    .new(|sys: &Sys| {
                        assert!(!sys.call(KillTask(99)));
                    })
                    .made();
                sched.mainloop().ran();
            }

            #[test]
            fn a_task_can_kill_itself() {
                let cleaned = Rc::new(Cell::new(false));
                let flag = Rc::clone(&cleaned);
                let after = Rc::new(Cell::new(false));
                let reached = Rc::clone(&after);
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        let _cleanup = Cleanup(flag);
                        let me = sys.call(GetTid);
                        sys.call(KillTask(me));
                        reached.set(true);
                    })
                    .made();
                sched.mainloop().ran();
                assert!(cleaned.get());
                assert!(!after.get(), "a killed task went on running");
            }
        }
    };
}

task_management!(pyos6);
task_management!(pyos7);

/// The tests every step from 6 on must pass.
macro_rules! task_waiting {
    ($step:ident) => {
        mod $step {
            use super::*;
            use part7_os::$step::{
                KillTask, NewTask, Scheduler, Sys, WaitTask,
            };

            #[test]
            fn waiting_for_an_unknown_task_returns_at_once() {
                let log: Log = Log::default();
                let (a, b) = (Rc::clone(&log), Rc::clone(&log));
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        assert!(!sys.call(WaitTask(42)));
                        note(&a, "waiter done");
                    })
                    .made();
                sched
                    .new(move |sys: &Sys| {
                        note(&b, "other turn 1");
                        sys.yield_();
                        note(&b, "other turn 2");
                    })
                    .made();
                sched.mainloop().ran();
                // Back before the other task's second turn: no waiting.
                assert_eq!(
                    *log.borrow(),
                    ["other turn 1", "waiter done", "other turn 2"]
                );
            }

            #[test]
            fn waiting_for_a_finished_task_returns_at_once() {
                let log: Log = Log::default();
                let (a, b) = (Rc::clone(&log), Rc::clone(&log));
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        let child = sys.call(NewTask(|_: &Sys| {})).made();
                        sys.yield_(); // the child runs and finishes
                        assert!(!sys.call(WaitTask(child)));
                        note(&a, "waiter done");
                    })
                    .made();
                sched
                    .new(move |sys: &Sys| {
                        for turn in 1..=5 {
                            note(&b, format!("other turn {turn}"));
                            sys.yield_();
                        }
                    })
                    .made();
                sched.mainloop().ran();
                // Each call costs the waiter a turn (it goes to the back of
                // the queue), but it is never parked.
                let log = log.borrow();
                assert_eq!(log[3], "waiter done", "{log:?}");
            }

            #[test]
            fn waiting_for_a_running_task_waits_until_it_exits() {
                let log: Log = Log::default();
                let (a, b) = (Rc::clone(&log), Rc::clone(&log));
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        let child = sys
                            .call(NewTask(move |sys: &Sys| {
                                for turn in 1..=3 {
                                    note(&b, format!("child turn {turn}"));
                                    sys.yield_();
                                }
                            }))
                            .made();
                        assert!(sys.call(WaitTask(child)));
                        note(&a, "waiter done");
                    })
                    .made();
                sched.mainloop().ran();
                assert_eq!(
                    *log.borrow(),
                    [
                        "child turn 1",
                        "child turn 2",
                        "child turn 3",
                        "waiter done"
                    ]
                );
            }

            #[test]
            fn killing_a_task_wakes_its_waiters_and_a_killed_waiter_stays_dead()
            {
                let log: Log = Log::default();
                let l = Rc::clone(&log);
                let mut sched = Scheduler::default();
                sched
                    .new(move |sys: &Sys| {
                        let sleeper = sys
                            .call(NewTask(|sys: &Sys| {
                                loop {
                                    sys.yield_();
                                }
                            }))
                            .made();
                        // A waiter that is killed while it waits.
                        let l2 = Rc::clone(&l);
                        let doomed = sys
                            .call(NewTask(move |sys: &Sys| {
                                sys.call(WaitTask(sleeper));
                                note(&l2, "killed waiter woke up");
                            }))
                            .made();
                        sys.yield_();
                        assert!(sys.call(KillTask(doomed)));
                        let l3 = Rc::clone(&l);
                        sys.call(NewTask(move |sys: &Sys| {
                            assert!(sys.call(WaitTask(sleeper)));
                            note(&l3, "waiter woke up");
                        }))
                        .made();
                        sys.yield_();
                        assert!(sys.call(KillTask(sleeper)));
                    })
                    .made();
                sched.mainloop().ran();
                assert_eq!(*log.borrow(), ["waiter woke up"]);
            }
        }
    };
}

mod waiting {
    use super::*;
    task_waiting!(pyos6);
    task_waiting!(pyos7);
}

mod io_waiting {
    use super::{Made, Ran};
    use part7_os::pyos7::{KillTask, NewTask, ReadWait, Scheduler, Sys};
    use std::cell::Cell;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::rc::Rc;

    #[test]
    fn a_task_waits_until_its_socket_is_readable() {
        let (mine, theirs) = UnixStream::pair().unwrap();
        let got = Rc::new(Cell::new(0u8));
        let out = Rc::clone(&got);
        let mut sched = Scheduler::default();
        sched
            .new(move |sys: &Sys| {
                let mine = Rc::new(mine);
                sys.call(ReadWait(mine.clone())); // nothing yet: it waits
                let mut buf = [0; 1];
                (&*mine).read_exact(&mut buf).unwrap();
                out.set(buf[0]);
            })
            .made();
        sched
            .new(move |sys: &Sys| {
                sys.yield_();
                sys.yield_(); // the reader is waiting, not running
                (&theirs).write_all(b"x").unwrap();
            })
            .made();
        // Returns once every task, the polling task too, has ended.
        sched.mainloop().ran();
        assert_eq!(got.get(), b'x');
    }

    #[test]
    fn a_task_killed_while_it_waits_for_io_lets_go_of_its_socket() {
        let (mine, theirs) = UnixStream::pair().unwrap();
        let saw_eof = Rc::new(Cell::new(false));
        let eof = Rc::clone(&saw_eof);
        let mut sched = Scheduler::default();
        sched
            .new(move |sys: &Sys| {
                let reader = sys
                    .call(NewTask(move |sys: &Sys| {
                        sys.call(ReadWait(Rc::new(mine))); // nothing will come
                        panic!("woken though nothing was sent");
                    }))
                    .made();
                sys.yield_(); // the reader starts waiting
                assert!(sys.call(KillTask(reader)));
                // Its end of the pair is closed: ours reads end of file.
                let theirs = Rc::new(theirs);
                sys.call(ReadWait(theirs.clone()));
                let mut buf = [0; 8];
                assert_eq!((&*theirs).read(&mut buf).unwrap(), 0);
                eof.set(true);
            })
            .made();
        // Returns only if no wait is left behind.
        sched.mainloop().ran();
        assert!(saw_eof.get());
    }
}
