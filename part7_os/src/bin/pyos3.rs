//! # pyos3: task exit (slide 124; original: `pyos3.py`)
//!
//! Step 3: the scheduler notices when a task has finished, says so, and
//! drops it. `foo` runs 10 turns and `bar` 5; the program ends when both
//! have finished. (The step itself: `part7_os/src/pyos3.rs`.)
//!
//! Run it: `cargo run --bin pyos3`. `I'm foo` and `I'm bar` alternate 5
//! times, then `I'm foo`, `Task 2 terminated`, four more `I'm foo` and
//! `Task 1 terminated`.

use clap::Parser;
use part7_os::pyos3::{Scheduler, Sys};

/// The example of step 3: tasks that finish.
#[derive(Parser)]
#[command(name = "pyos3")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..10 {
        println!("I'm foo");
        sys.yield_();
    }
}

fn bar(sys: &Sys) {
    for _ in 0..5 {
        println!("I'm bar");
        sys.yield_();
    }
}
// ANCHOR_END: tasks

fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // ANCHOR: main
    let mut sched = Scheduler::default();
    sched.new(foo);
    sched.new(bar);
    sched.mainloop();
    // ANCHOR_END: main
}
