//! # bogus: a generator that also receives (slide 32; original: `bogus.py`)
//!
//! A generator that both produces values and takes values in. It works,
//! but it is hard to follow: which values come from the loop, which from
//! `send`? The course's advice stands in Rust too: a generator produces, a
//! coroutine consumes; do not mix the two.
//!
//! Run it: `cargo run --bin bogus`. It prints `Counting down from 5`, then
//! `5`, then `3` (the reply to `send(3)`), then `2`, `1`, `0`.

use clap::Parser;
use part1_generators::Generator;

// ANCHOR: countdown
// Yields i32; each yield_ returns Some(new) after send(new), None after next().
fn countdown(mut n: i32) -> Generator<i32, i32> {
    Generator::new(move |co| {
        println!("Counting down from {n}");
        while n >= 0 {
            // Python: newvalue = yield n
            match co.yield_(n) {
                Some(new_value) => n = new_value,
                None => n -= 1,
            }
        }
    })
}
// ANCHOR_END: countdown

/// A countdown that is also sent a new value: the style to avoid.
#[derive(Parser)]
#[command(name = "bogus")]
struct Args {}

// ANCHOR: main
fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    // The holy grail countdown
    let mut c = countdown(5);
    // Python's `for x in c` would borrow c for the whole loop; we need it
    // inside the loop too, so we pull by hand.
    while let Some(x) = c.next() {
        println!("{x}");
        if x == 5
            && let Some(reply) = c.send(3)
        {
            println!("{reply}");
        }
    }
}
// ANCHOR_END: main
