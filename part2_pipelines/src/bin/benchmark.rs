//! # benchmark: coroutine versus object (slide 51; original: `benchmark.py`)
//!
//! Is a coroutine stage slower than an object with a `send` method doing
//! the same job? The course sends a million lines through each and times
//! them: in 2009, Python took 0.60 s through the coroutine and 0.92 s
//! through the object (a method call costs more than a generator resume).
//!
//! Here both stages implement the one [`Target`] trait: a `GrepHandler`
//! struct and a `grep` coroutine, each feeding a null-sink coroutine. The
//! coroutine path costs two switches of stack per line (into grep, then
//! into the sink, and back); the object path one.
//!
//! Run it in release mode, or the figures mean little:
//! `cargo run --release --bin benchmark`. It prints the original's two
//! lines (`coroutine: <seconds>`, `object: <seconds>`, each the best of
//! five runs of a million sends), then nanoseconds per send.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Fail, Target};

// ANCHOR: object
/// An object.
struct GrepHandler<T> {
    pattern: String,
    target: T,
}

impl<T> GrepHandler<T> {
    fn new(pattern: &str, target: T) -> Self {
        GrepHandler {
            pattern: pattern.to_owned(),
            target,
        }
    }
}

impl<T: Target<&'static str>> Target<&'static str> for GrepHandler<T> {
    fn send(&mut self, line: &'static str) -> Result<(), CoroutineError> {
        if line.contains(self.pattern.as_str()) {
            self.target.send(line)?;
        }
        Ok(())
    }
}
// ANCHOR_END: object

// ANCHOR: grep
/// A coroutine.
fn grep(
    pattern: &str,
    mut target: impl Target<&'static str> + 'static,
) -> Consumer<&'static str> {
    let pattern = pattern.to_owned();
    Consumer::<&str>::new(move |inbox| {
        while let Some(line) = inbox.recv() {
            if line.contains(pattern.as_str()) {
                target.send(line)?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: grep

// ANCHOR: null
/// A null-sink to send data.
fn null() -> Consumer<&'static str> {
    Consumer::<&str>::new(|inbox| {
        while let Some(_item) = inbox.recv() {}
        Ok(())
    })
}
// ANCHOR_END: null

// ANCHOR: timeit
/// Python: `timeit("p.send(line)")`, which sends a million times. The
/// best of `repeat` such runs, which is less disturbed by the machine.
fn timeit(
    p: &mut impl Target<&'static str>,
    line: &'static str,
    number: u32,
    repeat: u32,
) -> Result<Duration, CoroutineError> {
    let mut best = Duration::MAX;
    for _ in 0..repeat {
        let start = Instant::now();
        for _ in 0..number {
            p.send(black_box(line))?;
        }
        best = best.min(start.elapsed());
    }
    Ok(best)
}
// ANCHOR_END: timeit

/// Times sending lines into a coroutine and into an object.
#[derive(Parser)]
#[command(name = "benchmark")]
struct Args {
    /// Lines sent per run
    #[arg(long, default_value_t = 1_000_000)]
    number: u32,
    /// Runs of each; the best is reported
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let Args { number, repeat } = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!(
            "benchmark: built without optimizations; for real figures run \
             `cargo run --release --bin benchmark`"
        );
    }
    let line = "python is nice";
    let mut p1 = grep("python", null()); // Coroutine
    let mut p2 = GrepHandler::new("python", null()); // Object

    let coroutine = timeit(&mut p1, line, number, repeat)?;
    println!("coroutine: {:.6}", coroutine.as_secs_f64());
    let object = timeit(&mut p2, line, number, repeat)?;
    println!("object: {:.6}", object.as_secs_f64());
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(number);
    let (c, o) = (ns(coroutine), ns(object));
    println!("per send: coroutine {c:.1} ns, object {o:.1} ns");
    Ok(())
}
// ANCHOR_END: main
