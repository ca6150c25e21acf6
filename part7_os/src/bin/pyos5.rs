//! # pyos5: task management (slide 139; original: `pyos5.py`)
//!
//! Step 5: tasks start and kill other tasks with system calls. `main`
//! starts `foo`, lets it run 5 turns, and kills it. (The step itself:
//! `part7_os/src/pyos5.rs`.)
//!
//! Killing a task drops its coroutine, which unwinds its stack: anything
//! the killed task owned is cleaned up at once, as a Python generator's
//! `finally:` blocks run when it is closed.
//!
//! Run it: `cargo run --bin pyos5`. Five `I'm foo 2`, then
//! `Task 2 terminated`, `main done`, `Task 1 terminated`.

use clap::Parser;
use part7_os::pyos5::{GetTid, KillTask, NewTask, Scheduler, Sys};

/// The example of step 5: a task that starts and kills another.
#[derive(Parser)]
#[command(name = "pyos5")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    let mytid = sys.call(GetTid);
    loop {
        println!("I'm foo {mytid}");
        sys.yield_();
    }
}

fn main_task(sys: &Sys) {
    let child = sys.call(NewTask::new(foo)); // Launch new task
    for _ in 0..5 {
        sys.yield_();
    }
    sys.call(KillTask(child)); // Kill the task
    println!("main done");
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(main_task); // Python: `sched.new(main())`
    sched.mainloop();
}
