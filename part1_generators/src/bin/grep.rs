//! # grep: a coroutine (slide 23; original: `grep.py`)
//!
//! A generator hands values out; a coroutine takes values in. This one
//! waits for lines and prints those that contain its pattern.
//!
//! Run it: `cargo run --bin grep`. It prints `Looking for python`, then
//! only the one line of three that mentions python.
//!
//! Python needs `g.next()` before the first `send` to run the body up to
//! its first `(yield)`. A corosensei coroutine receives the value that
//! starts it, so there is no priming call: the first `send` starts the
//! body *and* delivers the first line.

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: grep
fn grep(pattern: &str) -> Consumer<&'static str> {
    let pattern = pattern.to_owned();
    Consumer::<&str>::new(move |inbox| {
        println!("Looking for {pattern}");
        while let Some(line) = inbox.recv() {
            // Python: line = (yield)
            if line.contains(&pattern) {
                println!("{line}");
            }
        }
        Ok(())
    })
}
// ANCHOR_END: grep

/// Sends three lines into a grep coroutine.
#[derive(Parser)]
#[command(name = "grep")]
struct Args {}

// ANCHOR: main
fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut g = grep("python");
    // Python: next(g) -- not needed: the first send starts the body
    g.send("Yeah, but no, but yeah, but no")?;
    g.send("A series of tubes")?;
    g.send("python generators rock!")?;
    Ok(())
}
// ANCHOR_END: main
