//! # pyos2: a scheduler (slide 115; original: `pyos2.py`)
//!
//! Step 2: a scheduler keeps the tasks and a queue of those ready to run,
//! and its main loop gives each a turn. Two endless tasks take turns,
//! forever. (The step itself: `part7_os/src/pyos2.rs`.)
//!
//! Run it: `cargo run --bin pyos2`. It prints `I'm foo` and `I'm bar`
//! alternately until you stop it (Ctrl-C), or try
//! `cargo run --bin pyos2 | head`.

use clap::Parser;
use part1_generators::Fail;
use part7_os::pyos2::{Scheduler, Sys};

/// The example of step 2: two tasks taking turns, forever.
#[derive(Parser)]
#[command(name = "pyos2")]
struct Args {}

// ANCHOR: tasks
// Two tasks
fn foo(sys: &Sys) {
    loop {
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
    sched.mainloop()?;
    // ANCHOR_END: main
    Ok(())
}
