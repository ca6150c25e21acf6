//! # pyos4: system calls (slide 130; original: `pyos4.py`)
//!
//! Step 4: a task asks the operating system for a service by yielding a
//! system call, and gets the answer back when it next runs. Each task here
//! asks for its own id with `GetTid`. (The step itself:
//! `part7_os/src/pyos4.rs`.)
//!
//! Python: `mytid = yield GetTid()`, and `mytid` is whatever the scheduler
//! sent. Here `sys.call(GetTid)` is a `TaskId`: the compiler knows what
//! each call answers.
//!
//! Run it: `cargo run --bin pyos4`. `I'm foo 1` and `I'm bar 2` alternate
//! 5 times, then `Task 1 terminated`, five more `I'm bar 2` and
//! `Task 2 terminated`.

use clap::Parser;
use part7_os::pyos4::{GetTid, Scheduler, Sys};

/// The example of step 4: tasks that ask for their ids.
#[derive(Parser)]
#[command(name = "pyos4")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    let mytid = sys.call(GetTid);
    for _ in 0..5 {
        println!("I'm foo {mytid}");
        sys.yield_();
    }
}

fn bar(sys: &Sys) {
    let mytid = sys.call(GetTid);
    for _ in 0..10 {
        println!("I'm bar {mytid}");
        sys.yield_();
    }
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(foo);
    sched.new(bar);
    sched.mainloop();
}
