//! # coroutine: the `@coroutine` decorator (slide 27; original: `coroutine.py`)
//!
//! Forgetting Python's priming `next()` is an easy mistake, so the course
//! wraps every coroutine in a decorator that primes it. The workbook's
//! shared vocabulary (`part1_generators`, imported by every later part as
//! the course imports `coroutine.py`) needs no priming at all:
//! [`Consumer::new`] builds a coroutine that is ready for its first send.
//! This binary is the decorator's own example: grep, sent three lines.
//!
//! Run it: `cargo run --bin coroutine`. It prints `Looking for python` and
//! `python generators rock!`.

use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: grep
// Python:
//     @coroutine
//     def grep(pattern): ...
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
// ANCHOR_END: grep

fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    // ANCHOR: main
    let mut g = grep("python");
    // Notice how you don't need a next() call here
    g.send("Yeah, but no, but yeah, but no")?;
    g.send("A series of tubes")?;
    g.send("python generators rock!")?;
    // ANCHOR_END: main
    Ok(())
}
