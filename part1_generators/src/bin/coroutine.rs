//! # coroutine: the `@coroutine` decorator (slide 27; original: `coroutine.py`)
//!
//! Forgetting Python's priming `next()` is an easy mistake, so the course
//! wraps every coroutine in a decorator that primes it, and every later
//! script imports it (`from coroutine import *`). The workbook's
//! counterpart is the library of this crate, which every later part
//! imports; it has no decorator, because a [`Consumer`] needs no priming.
//! This binary is the decorator's own example: grep, sent three lines.
//!
//! Run it: `cargo run --bin coroutine`. It prints `Looking for python` and
//! `python generators rock!`.

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: decorator
// Python:
//     def coroutine(func):
//         def start(*args, **kwargs):
//             cr = func(*args, **kwargs)
//             next(cr)
//             return cr
//         return start
//
// Nothing to write in Rust: the first `send` into a `Consumer` starts its
// body and hands it the value, so there is no `next(cr)` to call.
// ANCHOR_END: decorator

/// The decorator's example: a grep coroutine sent three lines.
#[derive(Parser)]
#[command(name = "coroutine")]
struct Args {}

// ANCHOR: main
fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // Python: @coroutine
    fn grep(pattern: &str) -> Consumer<&'static str> {
        let pattern = pattern.to_owned();
        Consumer::<&str>::new(move |inbox| {
            println!("Looking for {pattern}");
            while let Some(line) = inbox.recv() {
                if line.contains(&pattern) {
                    println!("{line}");
                }
            }
            Ok(())
        })
    }

    let mut g = grep("python");
    // Notice how you don't need a next() call here
    g.send("Yeah, but no, but yeah, but no")?;
    g.send("A series of tubes")?;
    g.send("python generators rock!")?;
    Ok(())
}
// ANCHOR_END: main
