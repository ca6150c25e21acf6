//! # runblaster: three blasters at once (slide 192; original: `runblaster.py`)
//!
//! Starts three blasters as separate processes against the same echo
//! server, waits for all of them and prints the elapsed seconds, as the
//! original does; then the total messages per second and the round-trip
//! latency of all their messages together. The blasters' own lines
//! (progress every 10,000 messages, their summaries) come first,
//! interleaved, as the original's children share its terminal.
//!
//! Where Rust departs from the Python: the original runs
//! `python blaster.py`. `cargo run --bin runblaster` builds this binary
//! only, so it runs *itself* as each blaster (with a hidden first argument,
//! `--as-blaster`) and needs no other binary.
//!
//! Start a server first, in another terminal
//! (`cargo run --release --bin echothread`), then
//! `cargo run --release --bin runblaster`. The blasters' options pass
//! through (`--connections`, `--messages`, `--size`, `--server`);
//! `--blasters` sets how many run. The course's load, 3 x 300
//! connections x 100,000 messages, is the default.

use std::process::ExitCode;

use clap::Parser;
use part1_generators::Fail;
use part9_final::blaster::thousands;
use part9_final::latency;
use part9_final::runner::{
    BlasterArgs, Failure, blaster_child_if_asked, run_blasters,
};

/// Runs several blasters at once against one echo server.
#[derive(Parser)]
#[command(name = "runblaster")]
struct Args {
    /// Blaster processes to run at once
    #[arg(short, long, default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    blasters: u32,
    #[command(flatten)]
    load: BlasterArgs,
}

fn main() -> Result<ExitCode, Fail> {
    // A child started by this very program: be a blaster, then exit.
    blaster_child_if_asked();
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let exe = std::env::current_exe()?;
    // ANCHOR: main
    let outcome = run_blasters(&exe, &args.load, args.blasters, true, None)?;
    if let Some(Failure::Blaster(why)) = &outcome.failure {
        return Err(Fail::new(why.clone()));
    }
    // Python: print(end - start)
    println!("{}", outcome.elapsed.as_secs_f64());
    println!(
        "{} messages, {} messages per second, round trip p50 {}, p99 {}",
        thousands(outcome.messages),
        thousands(outcome.rate().round() as u64),
        latency::show(outcome.latencies.percentile(0.50)),
        latency::show(outcome.latencies.percentile(0.99)),
    );
    // ANCHOR_END: main
    Ok(ExitCode::SUCCESS)
}
