//! # countdown: a generator (slide 16; original: `countdown.py`)
//!
//! A generator function produces a sequence of values, one at a time,
//! for a `for` loop. Its body does not run until the loop asks for the
//! first value, and it runs again only when the next one is wanted.
//!
//! Run it: `cargo run --bin countdown`. It prints `Counting down from 10`
//! (when the loop first pulls), `10` down to `1`, then `Done counting down`
//! (when the loop pulls once more and the body ends).

use clap::Parser;
use part1_generators::Generator;

// ANCHOR: countdown
fn countdown(mut n: u32) -> Generator<u32> {
    Generator::new(move |co| {
        println!("Counting down from {n}");
        while n > 0 {
            co.yield_(n); // Python: yield n
            n -= 1;
        }
        println!("Done counting down");
    })
}
// ANCHOR_END: countdown

/// Counts down from 10 with a generator.
#[derive(Parser)]
#[command(name = "countdown")]
struct Args {}

// ANCHOR: main
fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    for i in countdown(10) {
        println!("{i}");
    }
}
// ANCHOR_END: main
