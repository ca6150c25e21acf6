//! # runblaster: three blasters at once (slide 192; original: `runblaster.py`)
//!
//! Starts three blasters as separate processes against the same echo
//! server, waits for all of them and prints the elapsed seconds, as the
//! original does. The blasters' own lines (`0`, `10000`, ...) come first,
//! interleaved: the children share its terminal.
//!
//! Start a server first (`cargo run --release --bin echothread`), then
//! `cargo run --release --bin runblaster`. Options after `--blasters N` go
//! to each blaster: `cargo run --release --bin runblaster -- --messages
//! 10000 --server 127.0.0.1:45001`.
//!
//! Where Rust departs from the Python: the original runs `python
//! blaster.py`. `cargo run --bin runblaster` builds this binary only, so
//! `blaster.rs` is compiled into it as a module, and runblaster starts
//! *itself* three times under the name `blaster`: no other binary has to
//! be built first. A blaster that fails stops the run, in one line that
//! says which and why.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use clap::Parser;
use part1_generators::Fail;

/// `blaster.rs`, run by the children.
mod blaster;

/// `NPROCS`, and the blasters' options.
#[derive(Parser)]
#[command(name = "runblaster", about = "Runs several blasters at once")]
struct Args {
    /// Blasters to run at once (NPROCS)
    #[arg(short, long, default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    blasters: u32,
    /// Options for each blaster (see `blaster --help`)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    blaster_options: Vec<String>,
}

/// A blaster process: killed and reaped if runblaster stops first.
struct Blaster(Child);

impl Drop for Blaster {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> Result<(), Fail> {
    // Python: `python blaster.py`. A child started below is a blaster.
    if std::env::args_os().next().is_some_and(|a| a == "blaster") {
        return blaster::main();
    }
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    // ANCHOR: main
    let start = Instant::now();
    let mut procs = Vec::new();
    for _ in 0..args.blasters {
        let p = Command::new(std::env::current_exe()?)
            .arg0("blaster")
            .args(&args.blaster_options)
            .stderr(Stdio::piped())
            .spawn()?;
        procs.push(Blaster(p));
    }
    for (i, p) in procs.iter_mut().enumerate() {
        let status = p.0.wait()?;
        if !status.success() {
            let mut why = String::new();
            if let Some(mut stderr) = p.0.stderr.take() {
                stderr.read_to_string(&mut why)?;
            }
            if status.code() == Some(2) {
                // A bad option: the blaster's usage message, as it is.
                eprint!("{why}");
                std::process::exit(2);
            }
            let why = why.trim().trim_start_matches("Error: ");
            let why = if why.is_empty() {
                status.to_string()
            } else {
                why.into()
            };
            return Err(Fail::new(format!("blaster {}: {why}", i + 1)));
        } // returning drops `procs`: the other blasters are stopped
    }
    let end = start.elapsed();
    println!("{}", end.as_secs_f64());
    // ANCHOR_END: main
    Ok(())
}
