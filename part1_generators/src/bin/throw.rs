//! # throw: an error thrown into a coroutine (slide 30; no script in the course)
//!
//! `throw` delivers an error to a coroutine *at the point where it waits*
//! for its next value, as if receiving had failed there. If the body does
//! not catch it, the body ends and the error comes back out of `throw`
//! (Python: the exception propagates to the caller of `g.throw(...)`). If
//! the body catches it, the body goes on receiving.
//!
//! Run it: `cargo run --bin throw`. The first grep lets the error end it;
//! the second catches it, reports it, and carries on.

use clap::Parser;
use part1_generators::{Consumer, CoroutineError, Target};

// ANCHOR: grep
/// Slide 30's grep: it does not catch anything.
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

// ANCHOR: patient_grep
/// A grep that catches thrown errors and keeps going.
fn patient_grep(pattern: &str) -> Consumer<&'static str> {
    let pattern = pattern.to_owned();
    Consumer::<&str>::new(move |inbox| {
        println!("Looking for {pattern}, patiently");
        loop {
            // Python: try: line = (yield) except RuntimeError as e: ...
            match inbox.recv_catching() {
                Ok(Some(line)) if line.contains(&pattern) => println!("{line}"),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => println!("Caught: {e}"),
            }
        }
        Ok(())
    })
}
// ANCHOR_END: patient_grep

/// Throws an error into two grep coroutines: one ends, one catches it.
#[derive(Parser)]
#[command(name = "throw")]
struct Args {}

// ANCHOR: main
fn main() -> Result<(), CoroutineError> {
    part1_generators::exit_quietly_on_closed_pipe();
    Args::parse();
    let mut g = grep("python");
    g.send("python generators rock!")?;
    // Python: g.throw(RuntimeError, "You're hosed")
    if let Err(e) = g.throw("You're hosed") {
        println!("throw returned an error: {e}");
    }
    // The error ended the coroutine: it takes no more lines.
    if let Err(e) = g.send("python again") {
        println!("send returned an error: {e}");
    }

    let mut p = patient_grep("python");
    p.send("python generators rock!")?;
    p.throw("You're hosed")?;
    p.send("python is still here")?;
    Ok(())
}
// ANCHOR_END: main
