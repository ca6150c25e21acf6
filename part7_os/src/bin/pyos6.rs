//! # pyos6: waiting for a task (slide 144; original: `pyos6.py`)
//!
//! Step 6: a task can wait for another to finish. `main` starts `foo` and
//! waits for it; the scheduler keeps `main` aside until `foo` exits. (The
//! step itself: `part7_os/src/pyos6.rs`.)
//!
//! Run it: `cargo run --bin pyos6`. `I'm foo`, `Waiting for child`, four
//! more `I'm foo`, `Task 2 terminated`, `Child done`, `Task 1 terminated`.

use clap::Parser;
use part7_os::pyos6::{NewTask, Scheduler, Sys, WaitTask};

/// The example of step 6: a task that waits for its child.
#[derive(Parser)]
#[command(name = "pyos6")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..5 {
        println!("I'm foo");
        sys.yield_();
    }
}

fn main_task(sys: &Sys) {
    let child = sys.call(NewTask::new(foo));
    println!("Waiting for child");
    sys.call(WaitTask(child));
    println!("Child done");
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut sched = Scheduler::default();
    sched.new(main_task); // Python: `sched.new(main())`
    sched.mainloop();
}
