//! pyos8's promises: a subroutine runs only when called, returns its
//! result with its own type, may make system calls and call subroutines
//! in turn, gives up the task's turn when it yields; and a task killed in
//! the middle of a call unwinds its whole call stack at once.
//! A call runs on the stack an earlier call left, not on a new one.
//! pyos7's system calls go on working as before.

use part8_stack::pyos8::{
    GetTid, KillTask, NewTask, Scheduler, Subroutine, Sys, TaskId, WaitTask,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A shared log the tasks of one test write to, in order.
type Log = Rc<RefCell<Vec<String>>>;

fn note(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

/// Notes its name when dropped: a stand-in for a frame's clean-up.
struct Cleanup(&'static str, Log);

impl Drop for Cleanup {
    fn drop(&mut self) {
        note(&self.1, format!("{} cleaned up", self.0));
    }
}

fn add(x: i32, y: i32) -> Subroutine<i32> {
    Subroutine::new(move |_: &Sys| x + y)
}

#[test]
fn a_subroutine_returns_its_result_with_its_own_type() {
    let got = Rc::new(Cell::new(0));
    let out = Rc::clone(&got);
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            let r: i32 = sys.call(add(2, 2));
            out.set(r);
        })
        .unwrap();
    sched.mainloop().unwrap();
    assert_eq!(got.get(), 4);
}

#[test]
fn a_subroutine_runs_only_when_called() {
    let ran = Rc::new(Cell::new(false));
    let (flag, seen) = (Rc::clone(&ran), Rc::clone(&ran));
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            let sub = Subroutine::new(move |_: &Sys| flag.set(true));
            sys.yield_();
            assert!(!seen.get(), "made, and a turn later still not run");
            sys.call(sub);
            assert!(seen.get(), "run when called");
        })
        .unwrap();
    sched.mainloop().unwrap();
    assert!(ran.get());
}

#[test]
fn subroutines_call_subroutines_and_make_system_calls() {
    // Three deep: each level adds the task's id to what it gets back.
    fn level(depth: u32) -> Subroutine<TaskId> {
        Subroutine::new(move |sys: &Sys| {
            let tid = sys.call(GetTid);
            if depth == 0 {
                tid
            } else {
                tid + sys.call(level(depth - 1))
            }
        })
    }
    let got = Rc::new(Cell::new(0));
    let out = Rc::clone(&got);
    let mut sched = Scheduler::default();
    sched.new(|sys: &Sys| sys.yield_()).unwrap(); // task 1
    sched
        .new(move |sys: &Sys| out.set(sys.call(level(2))))
        .unwrap(); // task 2
    sched.mainloop().unwrap();
    assert_eq!(got.get(), 2 + 2 + 2);
}

#[test]
fn a_yield_in_a_subroutine_gives_up_the_tasks_turn() {
    let log: Log = Log::default();
    let (a, b) = (Rc::clone(&log), Rc::clone(&log));
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            let a2 = Rc::clone(&a);
            sys.call(Subroutine::new(move |sys: &Sys| {
                note(&a2, "sub before");
                sys.yield_();
                note(&a2, "sub after");
            }));
            note(&a, "caller after");
        })
        .unwrap();
    sched
        .new(move |sys: &Sys| {
            note(&b, "other 1");
            sys.yield_();
            note(&b, "other 2");
        })
        .unwrap();
    sched.mainloop().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "sub before",
            "other 1",
            "sub after",
            "caller after",
            "other 2"
        ]
    );
}

#[test]
fn killing_a_task_in_a_call_unwinds_its_whole_call_stack() {
    let log: Log = Log::default();
    let l = Rc::clone(&log);
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            let l1 = Rc::clone(&l);
            let victim = sys
                .call(NewTask(move |sys: &Sys| {
                    let _body = Cleanup("body", Rc::clone(&l1));
                    let l2 = Rc::clone(&l1);
                    sys.call(Subroutine::new(move |sys: &Sys| {
                        let _sub = Cleanup("sub", Rc::clone(&l2));
                        let l3 = Rc::clone(&l2);
                        sys.call(Subroutine::new(move |sys: &Sys| {
                            let _inner = Cleanup("inner", l3);
                            loop {
                                sys.yield_();
                            }
                        }));
                        unreachable!("the inner subroutine never returns");
                    }));
                }))
                .unwrap();
            sys.yield_();
            sys.yield_(); // the victim is now three coroutines deep
            note(&l, "killing");
            assert!(sys.call(KillTask(victim)));
            note(&l, "killed");
        })
        .unwrap();
    sched.mainloop().unwrap();
    let mut log = log.borrow().clone();
    assert_eq!(log.first().map(String::as_str), Some("killing"));
    assert_eq!(log.last().map(String::as_str), Some("killed"));
    // Each coroutine of the call stack is dropped, and unwound, in the
    // order the task's fields are dropped: all of them, during the call.
    log[1..4].sort();
    let cleaned = ["body cleaned up", "inner cleaned up", "sub cleaned up"];
    assert_eq!(log[1..4], cleaned);
}

#[test]
fn step_7s_system_calls_go_on_working() {
    let log: Log = Log::default();
    let (a, b) = (Rc::clone(&log), Rc::clone(&log));
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            let child = sys
                .call(NewTask(move |sys: &Sys| {
                    sys.yield_(); // still running when the parent waits
                    let r = sys.call(add(1, 1));
                    note(&b, format!("child got {r}"));
                }))
                .unwrap();
            assert!(sys.call(WaitTask(child)));
            note(&a, "parent done");
        })
        .unwrap();
    sched.mainloop().unwrap();
    assert_eq!(*log.borrow(), ["child got 2", "parent done"]);
}

/// This thread's minor page faults so far: field 10 of its `stat`.
#[cfg(target_os = "linux")]
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    // Fields after the command name, which is in parentheses, from 3 on.
    let after = stat.rsplit_once(')').unwrap().1;
    after
        .split_whitespace()
        .nth(10 - 3)
        .unwrap()
        .parse()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_call_runs_on_the_stack_an_earlier_call_left() {
    // Each call writes 64 KiB of its stack: on a new stack, fresh from
    // `mmap`, that is 16 page faults; on a stack used before, none.
    fn touch() -> Subroutine<u8> {
        Subroutine::new(|_: &Sys| {
            let mut block = [1u8; 64 * 1024];
            std::hint::black_box(&mut block);
            block[4096]
        })
    }
    let faults = Rc::new(Cell::new(0));
    let out = Rc::clone(&faults);
    let mut sched = Scheduler::default();
    sched
        .new(move |sys: &Sys| {
            sys.call(touch()); // the first call needs a new stack
            let before = minor_faults();
            for _ in 0..1000 {
                sys.call(touch());
            }
            out.set(minor_faults() - before);
        })
        .unwrap();
    sched.mainloop().unwrap();
    let faults = faults.get();
    assert!(faults < 1000, "{faults} page faults in 1,000 calls");
}
