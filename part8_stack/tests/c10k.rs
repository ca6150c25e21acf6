//! C10K: the stackful echo server holds 10,000 loopback connections at
//! once, each echoing its own message correctly, twice; and a process
//! can hold about as many task stacks as `vm.max_map_count` allows, two
//! memory maps each. Both run the `c10k` program, which starts the server
//! as a child process of its own and ends it; every wait is bounded.

use part7_os::testing::run_to_end;
use std::time::Duration;

const C10K: &str = env!("CARGO_BIN_EXE_c10k");
const CONNECTIONS: usize = 10_000;

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
    let n = CONNECTIONS.to_string();
    let run = run_to_end(
        C10K,
        &["--connections", &n, "--timeout", "150"],
        Duration::from_secs(180),
    );
    println!("{}", run.stdout);
    assert_eq!(run.code, Some(0), "c10k failed: {}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains(&format!("connected: {n} connections in")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "echoed: 64 bytes on each of {n} connections at once, every \
             byte checked"
        )),
        "{out}"
    );
    // Every connection had its task, on a stack of its own: two maps.
    // (One stack was there before: the first connection's, kept for
    // reuse.)
    let maps = numbers(out, "memory maps: ");
    let new_stacks = (CONNECTIONS - 1) as f64;
    assert!(maps[1] >= maps[0] + 2.0 * new_stacks, "{out}");
    let files = numbers(out, "open files: ");
    assert!(files[1] >= files[0] + CONNECTIONS as f64, "{out}");
    // Memory: a stack page, a buffer and some bookkeeping per connection;
    // far from a whole stack (64 KiB) plus a buffer (16 KiB) each.
    let memory = numbers(out, "memory: ");
    let per_connection = memory[memory.len() - 1];
    assert!(per_connection < 64.0, "{per_connection} KiB per connection");
}

#[test]
fn a_process_holds_as_many_stacks_as_its_memory_maps_allow() {
    let max_maps: f64 = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(65530.0);
    // Bounded: a machine whose limit was raised stops at --max.
    let max = 40_000;
    let run = run_to_end(
        C10K,
        &["ceiling", "--max", &max.to_string()],
        Duration::from_secs(120),
    );
    println!("{}", run.stdout);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let tasks = numbers(&run.stdout, "")[0];
    if run.stdout.contains("could not start") {
        // Two maps a stack: the tasks stop near half the limit.
        assert!(tasks > max_maps / 2.0 - 200.0, "{}", run.stdout);
        assert!(tasks <= max_maps / 2.0, "{}", run.stdout);
    } else {
        assert_eq!(tasks as usize, max, "{}", run.stdout);
        assert!(max_maps > 2.0 * max as f64, "{}", run.stdout);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn stacks_carved_out_of_one_mapping_lift_the_ceiling() {
    let max = 50_000;
    let run = run_to_end(
        C10K,
        &["ceiling", "--slab", "--max", &max.to_string()],
        Duration::from_secs(120),
    );
    println!("{}", run.stdout);
    if run.code == Some(1) && run.stderr.contains("Linux 6.13") {
        return; // an older kernel: no lightweight guard pages
    }
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found = numbers(&run.stdout, "");
    assert_eq!(found[0] as usize, max, "{}", run.stdout);
    // 50,000 stacks, each with its guard page, in a handful of maps.
    let maps = numbers(&run.stdout, "").iter().copied().nth(2);
    assert!(maps.is_some_and(|m| m < 200.0), "{}", run.stdout);
}
