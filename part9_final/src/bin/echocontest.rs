//! # echocontest: every echo server of the workbook, one load (slide 192; no original)
//!
//! The course timed one load against three servers: Twisted 420.7 s,
//! coroutines 326.3 s, threads 42.8 s (Python, 2009). This runs that
//! race over the workbook's servers, one after the other: it builds them
//! in release mode, starts each on a free port of 127.0.0.1, waits until
//! it accepts, runs the blasters against it, reads the server's CPU time
//! and peak memory from `/proc`, stops it, and goes on with the next.
//! Then it prints a table (server, seconds, messages per second, p50 and
//! p99 round trip, server CPU seconds, peak memory) and writes a bar
//! chart of messages per second as SVG.
//!
//! The default load, 3 blasters x 300 connections x 50,000 messages, is
//! half the course's; `--full` runs the course's 100,000. With
//! `--python-dir DIR` (a folder holding the Python originals) their
//! servers join the race, under a tenth of the load
//! (`--python-messages`), and any row is stopped after `--cap` seconds.
//!
//! Run it with `cargo run --release --bin echocontest` (the first run
//! also builds the servers). `--only NAME` runs the named rows only.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use part1_generators::Fail;
use part9_final::contest::{
    Contestant, PYTHON_SERVERS, Plan, Row, SERVERS, build, machine, measure,
    median, svg, table, target_dir,
};
use part9_final::runner::{BlasterArgs, blaster_child_if_asked};

/// Races the workbook's echo servers under the same load.
#[derive(Parser)]
#[command(name = "echocontest")]
struct Args {
    /// Blaster processes per server
    #[arg(short, long, default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    blasters: u32,
    /// Connections per blaster
    #[arg(short, long, default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    connections: u32,
    /// Messages per blaster [default: 50000, or 100000 with --full]
    #[arg(short = 'n', long, conflicts_with = "full",
          value_parser = clap::value_parser!(u64).range(1..))]
    messages: Option<u64>,
    /// Bytes per message
    #[arg(short, long, default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=16 << 20))]
    size: u32,
    /// The course's full load: 100,000 messages per blaster
    #[arg(long)]
    full: bool,
    /// A folder holding the Python originals: their servers join
    #[arg(long, value_name = "DIR")]
    python_dir: Option<PathBuf>,
    /// The Python interpreter for --python-dir
    #[arg(long, default_value = "python3")]
    python: PathBuf,
    /// Messages per blaster for the Python rows [default: a tenth]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    python_messages: Option<u64>,
    /// Seconds a row's load may take before it is stopped
    #[arg(long, default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    cap: u64,
    /// Runs per server; the table shows the median run
    #[arg(long, default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=99))]
    repeat: u32,
    /// Run only the rows with this name (repeatable)
    #[arg(long, value_name = "NAME")]
    only: Vec<String>,
    /// Where to write the chart [default: target/echocontest.svg]
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Take the server binaries from DIR instead of building them
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
}

fn main() -> Result<(), Fail> {
    // A blaster started by this very program: be one, then exit.
    blaster_child_if_asked();
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();

    let known: Vec<&str> = SERVERS
        .iter()
        .map(|s| s.name)
        .chain(PYTHON_SERVERS.iter().copied())
        .collect();
    if let Some(bad) = args.only.iter().find(|n| !known.contains(&n.as_str())) {
        return Err(Fail::new(format!(
            "no server named {bad:?}; the servers are: {}",
            known.join(", ")
        )));
    }
    let wanted = |name: &str| {
        args.only.is_empty() || args.only.iter().any(|n| n == name)
    };
    if let Some(dir) = &args.python_dir
        && !dir.is_dir()
    {
        return Err(Fail::new(format!("no folder {}", dir.display())));
    }

    let servers: Vec<_> = SERVERS.iter().filter(|s| wanted(s.name)).collect();
    let bin_dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None if servers.is_empty() => PathBuf::new(),
        None => {
            let mut bins: Vec<&str> = Vec::new();
            for server in &servers {
                if !bins.contains(&server.bin) {
                    bins.push(server.bin);
                }
            }
            println!("Building the servers: {}", bins.join(", "));
            build(&bins).map_err(Fail::new)?
        }
    };
    let mut contestants: Vec<Contestant> = servers
        .iter()
        .map(|s| Contestant::workspace(s, &bin_dir))
        .collect();
    if let Some(dir) = &args.python_dir {
        for script in PYTHON_SERVERS.iter().filter(|s| wanted(s)) {
            contestants.push(Contestant::python(script, dir, &args.python));
        }
    }

    let messages =
        args.messages
            .unwrap_or(if args.full { 100_000 } else { 50_000 });
    let load = BlasterArgs {
        connections: args.connections,
        messages,
        size: args.size,
        server: ([127, 0, 0, 1], 45000).into(), // set per row
        timeout: 60,
    };
    let python_load = BlasterArgs {
        messages: args.python_messages.unwrap_or((messages / 10).max(1)),
        ..load.clone()
    };
    let plan = Plan {
        exe: std::env::current_exe()?,
        blasters: args.blasters,
        load,
        python_load,
        cap: Duration::from_secs(args.cap),
        startup: Duration::from_secs(10),
    };

    let mut caption = format!(
        "{} blasters x {} connections x {} messages of {} bytes; {}",
        args.blasters,
        args.connections,
        part9_final::blaster::thousands(messages),
        args.size,
        machine()
    );
    println!("Load: {caption}");
    if args.python_dir.is_some() && plan.python_load.messages != messages {
        let n = part9_final::blaster::thousands(plan.python_load.messages);
        caption.push_str(&format!("; Python rows: {n} messages"));
    }
    if args.python_dir.is_some() {
        println!(
            "The Python rows run {} messages per blaster, and any row \
             stops after {} s.",
            part9_final::blaster::thousands(plan.python_load.messages),
            args.cap
        );
    }
    if args.repeat > 1 {
        println!(
            "Each server runs {} times; the table shows its median run \
             (by messages per second).",
            args.repeat
        );
    }
    // ANCHOR: rows
    let mut rows: Vec<Row> = Vec::new();
    for contestant in &contestants {
        println!("Running {} ...", contestant.name);
        let runs = (0..args.repeat).map(|_| measure(contestant, &plan));
        rows.push(median(runs.collect()));
    }
    println!();
    print!("{}", table(&rows));
    // ANCHOR_END: rows

    let path = args
        .svg
        .unwrap_or_else(|| target_dir().join("echocontest.svg"));
    std::fs::write(&path, svg(&rows, &caption))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\nChart written to {}", path.display());

    let failed = rows.iter().filter(|r| r.failed()).count();
    if failed > 0 {
        return Err(Fail::new(format!(
            "{failed} of {} servers failed (see the table)",
            rows.len()
        )));
    }
    Ok(())
}
