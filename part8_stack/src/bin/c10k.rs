//! # c10k: ten thousand connections at once (Part 8's epilogue; no original)
//!
//! The course promises "thousands of concurrent tasks". This shows ten
//! thousand: it starts `echostackful`'s server in a child process (itself,
//! in a server mode, so nothing else needs building first), opens 10,000
//! loopback connections to it, a wave of 500 at a time, has every one
//! echo a 64-byte message at once (twice), checks every byte, and reads
//! the server's memory, memory maps and open files from `/proc` while all
//! the connections are open. Then it closes them, and the server ends
//! with it. (The code: `part8_stack/src/c10k.rs`.)
//!
//! `c10k ceiling` finds where the tasks themselves stop: it starts idle
//! tasks, each on a stack of its own, until the process cannot map
//! another stack (Linux allows `vm.max_map_count` memory maps, and each
//! stack is two).
//!
//! Run it: `cargo run --release --bin c10k` (options: `--connections`,
//! `--stack-size`, `--size`, `--wave`; see `--help`), or
//! `cargo run --release --bin c10k -- ceiling`. Each process needs an
//! open file per connection: the limit is `ulimit -n`, raised to its hard
//! limit by the program itself.

use clap::builder::RangedU64ValueParser;
use clap::{Parser, Subcommand};
use part1_generators::Fail;
use part7_os::net;
use part8_stack::c10k::{self, Load};
use part8_stack::echostackful::STACK_SIZE;
use part8_stack::stacks::{MIN_STACK_SIZE, Stacks};
use std::process::Command;
use std::time::Duration;

/// Ten thousand connections at once to the stackful echo server, every
/// echo checked, and the server's memory per connection.
#[derive(Parser)]
#[command(name = "c10k")]
struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Connections to hold open at once
    #[arg(long, default_value_t = 10_000,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    connections: usize,
    /// Bytes each connection sends and gets back, per round
    #[arg(long, default_value_t = 64,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=1 << 20))]
    size: usize,
    /// Connections on their way at any moment (connecting, or waiting for
    /// their first byte to come back)
    #[arg(long, default_value_t = 500,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    wave: usize,
    /// Bytes of stack for each of the server's tasks
    #[arg(long, default_value_t = STACK_SIZE, value_parser = stack_size())]
    stack_size: usize,
    /// Carve the server's stacks out of one mapping (Linux 6.13 and later)
    #[arg(long)]
    slab: bool,
    /// The server's listen backlog
    #[arg(long, default_value_t = net::BACKLOG,
          value_parser = clap::value_parser!(i32).range(1..=65535))]
    backlog: i32,
    /// Give up after this many seconds
    #[arg(long, default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

#[derive(Subcommand)]
enum Mode {
    /// Start idle tasks until no stack can be mapped: the ceiling
    Ceiling {
        /// Bytes of stack for each task
        #[arg(long, default_value_t = STACK_SIZE, value_parser = stack_size())]
        stack_size: usize,
        /// Stop at this many tasks, if the ceiling is higher
        #[arg(long, default_value_t = 1_000_000,
              value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
        max: usize,
        /// Carve the stacks out of one mapping (Linux 6.13 and later)
        #[arg(long)]
        slab: bool,
    },
    /// The server, as `c10k` starts it (a child process)
    #[command(hide = true)]
    Serve {
        #[command(flatten)]
        server: net::ServerArgs,
        /// Bytes of stack for each task
        #[arg(long, default_value_t = STACK_SIZE, value_parser = stack_size())]
        stack_size: usize,
        /// Carve that many stacks out of one mapping
        #[arg(long)]
        slab_slots: Option<usize>,
    },
}

/// Where the stacks come from: each its own mapping, or `slots` carved
/// out of one.
fn stacks(size: usize, slab_slots: Option<usize>) -> Result<Stacks, Fail> {
    match slab_slots {
        None => Ok(Stacks::new(size)),
        Some(slots) => Stacks::slab(size, slots).map_err(|e| {
            Fail::new(format!(
                "cannot carve {slots} stacks out of one mapping: {e}"
            ))
        }),
    }
}

/// A stack size corosensei accepts, and at most 1 GiB.
fn stack_size() -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(MIN_STACK_SIZE as u64..=1 << 30)
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    match args.mode {
        Some(Mode::Serve {
            server,
            stack_size,
            slab_slots,
        }) => {
            let stacks = stacks(stack_size, slab_slots)?;
            let sock = net::Listener::new(server.open("c10k server")?)?;
            c10k::serve(sock, stacks)?;
        }
        Some(Mode::Ceiling {
            stack_size,
            max,
            slab,
        }) => {
            let stacks = stacks(stack_size, slab.then_some(max))?;
            let found = c10k::ceiling(stacks, max)?;
            let slab = if slab {
                ", carved out of one mapping"
            } else {
                ""
            };
            println!(
                "{} idle tasks, on stacks of {} KiB{slab}: {} memory maps, \
                 {:.1} MiB resident, {:.1} GiB of address space",
                found.tasks,
                stack_size / 1024,
                found.usage.maps,
                found.usage.rss_kib as f64 / 1024.0,
                found.usage.size_kib as f64 / (1024.0 * 1024.0),
            );
            match found.error {
                Some(e) => println!("the next task could not start: {e}"),
                None => println!("stopped at --max {max}"),
            }
        }
        None => {
            let load = Load {
                connections: args.connections,
                size: args.size,
                wave: args.wave,
                stack_size: args.stack_size,
                slab: args.slab,
                backlog: args.backlog,
                timeout: Duration::from_secs(args.timeout),
            };
            let mut server = Command::new(std::env::current_exe()?);
            server.args(["serve", "--port", "0"]).args([
                "--backlog",
                &load.backlog.to_string(),
                "--stack-size",
                &load.stack_size.to_string(),
            ]);
            if load.slab {
                // A slot for each connection, the server's task, and some
                // to spare.
                let slots = load.connections + 64;
                server.args(["--slab-slots", &slots.to_string()]);
            }
            let report = c10k::run(&load, server)?;
            print!("{report}");
        }
    }
    Ok(())
}
