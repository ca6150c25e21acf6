//! # trampoline: a coroutine calls a subroutine (slide 173; original: `trampoline.py`)
//!
//! A Python generator can only yield from its own frame: if it calls a
//! function, that function cannot yield on its behalf. So a coroutine that
//! wants to "call" another coroutine yields it instead, and whoever drives
//! the caller runs the subroutine and sends its result back. That driver
//! is a trampoline: control bounces off it, from the caller to the
//! subroutine and back.
//!
//! Here as in Python: `add` is a subroutine that yields its result,
//! `main_coroutine` yields `add(2, 2)` and is sent back the result, and
//! `main` is the trampoline, written out by hand for this one call. (The
//! generators are the workbook's `Generator`, from Part 1; `main` is
//! Rust's entry point, so Python's `main` is `main_coroutine`.) The next
//! version of the operating system, `pyos8`, makes the trampoline general.
//!
//! Run it: `cargo run --bin trampoline`. It prints `4`.

use clap::Parser;
use part1_generators::Generator;

/// A coroutine calls a subroutine by yielding it; prints 4.
#[derive(Parser)]
#[command(name = "trampoline")]
struct Args {}

// ANCHOR: coroutines
// A subroutine
fn add(x: i32, y: i32) -> Generator<i32> {
    Generator::new(move |co| {
        co.yield_(x + y);
    })
}

// A function that calls a subroutine: it yields the subroutine, and what
// is sent back is the subroutine's result. Its type says both: it yields
// generators of i32, and is sent i32s.
fn main_coroutine() -> Generator<Generator<i32>, i32> {
    Generator::new(|co| {
        // Python: `r = yield add(2, 2)`. `None` would mean that the driver
        // sent nothing back.
        if let Some(r) = co.yield_(add(2, 2)) {
            println!("{r}");
        }
        // Python yields once more here, so that the driver's last `send`
        // does not raise StopIteration. Sending to a generator that has
        // finished just returns `None`.
    })
}
// ANCHOR_END: coroutines

// ANCHOR: main
fn main() {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut m = main_coroutine();
    // An example of a "trampoline"
    // Python: `sub = m.send(None)`, `result = sub.send(None)`,
    // `m.send(result)`; `next()` is `send(None)`.
    let mut sub = m.next().expect("main_coroutine yields a subroutine");
    let result = sub.next().expect("the subroutine yields its result");
    m.send(result);
}
// ANCHOR_END: main
