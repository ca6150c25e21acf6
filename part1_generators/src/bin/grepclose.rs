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

use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: grep
fn grep(pattern: &str) -> Consumer<&'static str> {
    let pattern = pattern.to_owned();
    Consumer::<&str>::new(move |inbox| {
        println!("Looking for {pattern}");
        while let Some(line) = inbox.recv() {
            if line.contains(&pattern) {
                println!("{line}");
            }
        }
        // Python: except GeneratorExit:
        println!("Going away. Goodbye");
        Ok(())
    })
}
// ANCHOR_END: grep

fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    // ANCHOR: main
    let mut g = grep("python");
    g.send("Yeah, but no, but yeah, but no")?;
    g.send("A series of tubes")?;
    g.send("python generators rock!")?;
    g.close()?;
    // ANCHOR_END: main
    Ok(())
}
