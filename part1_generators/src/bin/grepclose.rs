//! # grepclose: closing a coroutine (slide 29; original: `grepclose.py`)
//!
//! `close()` tells a coroutine that nothing more is coming. In Python the
//! coroutine sees a `GeneratorExit` exception at its `(yield)` and may
//! clean up. Here [`Inbox::recv`] returns `None`, the `while let` loop
//! ends, and the code after the loop is the clean-up.
//!
//! Run it: `cargo run --bin grepclose`. It prints `Looking for python`,
//! `python generators rock!` and `Going away. Goodbye`.
//!
//! Closing is also what happens when a coroutine is dropped (Python's
//! garbage collector does the same): delete the `g.close()` line and the
//! output stays the same, printed when `g` goes out of scope.
//!
//! [`Inbox::recv`]: part1_generators::Inbox::recv

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: grep
fn grep(pattern: &str) -> Consumer<&'static str> {
    let pattern = pattern.to_owned();
    Consumer::<&str>::new(move |inbox| {
        println!("Looking for {pattern}");
        while let Some(line) = inbox.recv() {
            if line.contains(&pattern) {
                print!("{line}"); // the line ends with its newline
            }
        }
        // Python: except GeneratorExit:
        println!("Going away. Goodbye");
        Ok(())
    })
}
// ANCHOR_END: grep

/// Sends three lines into a grep coroutine, then closes it.
#[derive(Parser)]
#[command(name = "grepclose")]
struct Args {}

// ANCHOR: main
fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut g = grep("python");
    g.send("Yeah, but no, but yeah, but no\n")?;
    g.send("A series of tubes\n")?;
    g.send("python generators rock!\n")?;
    g.close()?;
    Ok(())
}
// ANCHOR_END: main
