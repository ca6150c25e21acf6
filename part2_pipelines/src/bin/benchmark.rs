//! # benchmark: coroutine versus object (slide 51; original: `benchmark.py`)
//!
//! Is a coroutine stage slower than an object with a `send` method doing
//! the same job? The course sends a million lines through each and times
//! them: in 2009, Python took 0.60 s through the coroutine and 0.92 s
//! through the object (a method call costs more than a generator resume).
//!
//! Here both stages implement the one [`Target`] trait: a grep coroutine,
//! and a `GrepHandler` struct, each feeding the same null-sink coroutine.
//! The coroutine path costs two context switches per line (into grep, then
//! into the sink, and back); the object path one.
//!
//! Run it in release mode, or the figures mean little:
//! `cargo run --release --bin benchmark`. It prints the original's two
//! lines (`coroutine: <seconds>`, `object: <seconds>`, best of several
//! runs of a million sends each) and then nanoseconds per send.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clap::Parser;
use part1_generators::{CoroutineError, Fail, Target};
use part2_pipelines::{grep, null};

// ANCHOR: object
/// The object version of grep: a struct with a `send` method.
struct GrepHandler<X> {
    pattern: String,
    target: X,
}

impl<X: Target<&'static str>> Target<&'static str> for GrepHandler<X> {
    fn send(&mut self, line: &'static str) -> Result<(), CoroutineError> {
        if line.contains(self.pattern.as_str()) {
            self.target.send(line)?;
        }
        Ok(())
    }
}
// ANCHOR_END: object

/// Times sending lines into a coroutine and into an object.
#[derive(Parser)]
#[command(name = "benchmark")]
struct Args {
    /// Lines sent per run
    #[arg(long, default_value_t = 1_000_000)]
    sends: u32,
    /// Runs of each; the best is reported
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
}

// ANCHOR: time
/// Sends `line` into `target` `n` times; returns how long that took.
fn time(
    target: &mut impl Target<&'static str>,
    line: &'static str,
    n: u32,
) -> Result<Duration, CoroutineError> {
    let start = Instant::now();
    for _ in 0..n {
        target.send(black_box(line))?;
    }
    Ok(start.elapsed())
}
// ANCHOR_END: time

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!(
            "benchmark: built without optimizations; for real figures run \
             `cargo run --release --bin benchmark`"
        );
    }
    // ANCHOR: main
    let line = "python is nice";
    let mut p1 = grep("python", null()); // Coroutine
    let mut p2 = GrepHandler {
        pattern: "python".into(),
        target: null(),
    }; // Object

    let mut best = [Duration::MAX; 2];
    for _ in 0..args.repeat {
        best[0] = best[0].min(time(&mut p1, line, args.sends)?);
        best[1] = best[1].min(time(&mut p2, line, args.sends)?);
    }
    println!("coroutine: {:.6}", best[0].as_secs_f64());
    println!("object: {:.6}", best[1].as_secs_f64());
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(args.sends);
    println!(
        "per send: coroutine {:.1} ns, object {:.1} ns",
        ns(best[0]),
        ns(best[1])
    );
    // ANCHOR_END: main
    Ok(())
}
