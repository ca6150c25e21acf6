//! C10K: the stackful echo server holds 10,000 loopback connections at
//! once, each echoing its own messages correctly, at a few tens of KiB
//! of memory each. It runs the `c10k` tool, which starts the server as a
//! child process and ends it; every wait is bounded.

#[path = "../../part7_os/tests/common/mod.rs"]
mod common;

use std::time::Duration;

/// The numbers in the line of `output` that starts with `prefix`.
fn numbers(output: &str, prefix: &str) -> Vec<f64> {
    let line = output
        .lines()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in:\n{output}"));
    line.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|word| word.parse().ok())
        .collect()
}

#[test]
fn the_stackful_server_holds_ten_thousand_connections() {
    let server = env!("CARGO_BIN_EXE_echostackful");
    let args = ["--connections", "10000", "--server", server];
    let c10k = env!("CARGO_BIN_EXE_c10k");
    let run = common::run_to_end(c10k, &args, Duration::from_secs(120));
    println!("{}", run.stdout);
    assert_eq!(run.code, Some(0), "c10k failed: {}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("connected: 10000 connections in"), "{out}");
    let echoed = "echoed: 64 bytes on each of 10000 connections at once, \
                  every byte checked";
    assert!(out.contains(echoed), "{out}");
    // A task per connection, each on a stack of its own: two maps (the
    // stack, its guard page); an open file per connection.
    let maps = numbers(out, "memory maps: ");
    assert!(maps[1] >= maps[0] + 2.0 * 10000.0, "{out}");
    let files = numbers(out, "open files: ");
    assert!(files[1] >= files[0] + 10000.0, "{out}");
    // Memory: a stack page or two, a buffer and some bookkeeping; far from
    // a whole stack (64 KiB) and a buffer (16 KiB) each.
    let memory = numbers(out, "memory: ");
    let per_connection = memory[memory.len() - 1];
    assert!(per_connection < 48.0, "{per_connection} KiB per connection");
}
