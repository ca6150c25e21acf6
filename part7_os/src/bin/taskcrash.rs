//! # taskcrash: step 2 meets a task that ends (slide 123; original: `taskcrash.py`)
//!
//! The step-2 scheduler does not expect a task to finish. `foo` stops
//! after 10 turns; the scheduler notices only as a [`StopIteration`]
//! coming out of the task it ran, which nothing catches, and the program
//! dies. Python prints a traceback ending in `StopIteration`; this prints
//! one line and exits with status 1. Step 3 (`pyos3`) fixes it.
//!
//! Run it: `cargo run --bin taskcrash`. It prints 10 pairs of `I'm foo` and
//! `I'm bar`, then on stderr `Error: StopIteration: task 1 has
//! finished...`, and fails.
//!
//! [`StopIteration`]: part7_os::pyos2::StopIteration

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos2::{Scheduler, Sys};

/// Step 2's scheduler crashes when a task finishes.
#[derive(Parser)]
#[command(name = "taskcrash")]
struct Args {}

// ANCHOR: tasks
fn foo(sys: &Sys) {
    for _ in 0..10 {
        println!("I'm foo");
        sys.yield_();
    }
}

fn bar(sys: &Sys) {
    loop {
        println!("I'm bar");
        sys.yield_();
    }
}
// ANCHOR_END: tasks

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // ANCHOR: main
    let mut sched = Scheduler::default();
    sched.new(foo);
    sched.new(bar);
    sched.mainloop().map_err(|crash| {
        Fail::new(format!(
            "{crash}, and the step-2 scheduler cannot handle that \
             (step 3 can: run pyos3)"
        ))
    })?;
    // ANCHOR_END: main
    Ok(())
}
