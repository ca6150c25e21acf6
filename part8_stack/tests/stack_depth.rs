//! How deep the stackful server's tasks use their stacks: measured, to
//! choose `echostackful::STACK_SIZE`. Each test runs tasks on fresh,
//! zeroed 1 MiB stacks and reads, when each task has ended, how far down
//! it wrote (`Stacks::metered`). Run with `--nocapture` to see the
//! figures; they depend on the build (a debug build's frames are larger).
//!
//! The server is measured under Part 7's integrity test (clients that
//! echo, reset, vanish, or stop reading), and the paths the load may not
//! take are measured too: an I/O error reported with `eprintln!`, a task
//! unwound because its scheduler is dropped, and a task that panics.

use part7_os::net::Listener;
use part7_os::testing::{self, ServerThread};
use part8_stack::echostackful::{self, STACK_SIZE};
use part8_stack::stackful::{Scheduler, Sys};
use part8_stack::stacks::Stacks;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

/// Room enough to measure anything a task does.
const METER: usize = 1 << 20;

/// The chosen size must be at least this many times the deepest use.
const MARGIN: usize = 2;

fn deepest_of(tasks: impl FnOnce(&mut Scheduler)) -> usize {
    let mut sched = Scheduler::new(Stacks::metered(METER));
    tasks(&mut sched);
    let stacks = sched.into_stacks();
    stacks.deepest().expect("metered")
}

#[test]
fn the_servers_tasks_use_a_small_part_of_their_stacks() {
    let (tx, rx) = mpsc::channel();
    let server = ServerThread::start(move |sock, stop| {
        let sock = Listener::new(sock).expect("a non-blocking listener");
        let stacks = echostackful::run(
            sock,
            Stacks::metered(METER),
            stop,
            Duration::ZERO,
        )
        .expect("the scheduler failed");
        let _ = tx.send(stacks.deepest().expect("metered"));
    });
    testing::many_clients_and_rough_ones(server.addr);
    testing::a_client_that_stops_reading(server.addr);
    server.stop();
    let deepest = rx.recv().expect("the server reports its stacks");
    println!("echostackful's tasks under load: {deepest} bytes at most");
    assert!(deepest > 0, "nothing measured");
    assert!(
        deepest * MARGIN <= STACK_SIZE,
        "{deepest} bytes used: STACK_SIZE ({STACK_SIZE}) is too small"
    );
}

#[test]
fn reporting_an_error_fits_too() {
    let deepest = deepest_of(|sched| {
        sched
            .spawn(|_: &Sys| {
                let e = io::Error::other("an error, as a task reports one");
                eprintln!("client 127.0.0.1:1: {e}");
            })
            .expect("a task");
        sched.run().expect("the tasks ran");
    });
    println!("a task reporting an error: {deepest} bytes");
    assert!(deepest * MARGIN <= STACK_SIZE, "{deepest} bytes");
}

#[test]
fn unwinding_a_killed_task_fits_too() {
    let deepest = deepest_of(|sched| {
        sched
            .spawn(|sys: &Sys| {
                let _buffer = vec![0u8; 16 * 1024]; // freed by the unwinding
                loop {
                    sys.yield_();
                }
            })
            .expect("a task");
        // Run it once: it is suspended in `yield_` when the scheduler is
        // dropped (by `deepest_of`), which unwinds its stack.
        sched.run_ready();
    });
    println!("unwinding a suspended task: {deepest} bytes");
    assert!(deepest * MARGIN <= STACK_SIZE, "{deepest} bytes");
}

#[test]
fn even_a_panic_with_a_backtrace_fits() {
    // A task that panics prints the message from its own stack, with a
    // backtrace if RUST_BACKTRACE is set: the most any task here does. On
    // a stack too small for it, the process would die of SIGSEGV at the
    // guard page, and the message would be lost. Two panics: the first
    // in a process costs the most.
    let deepest = deepest_of(|sched| {
        for _ in 0..2 {
            sched
                .spawn(|_: &Sys| panic!("a bug in a task"))
                .expect("a task");
            let run = panic::catch_unwind(AssertUnwindSafe(|| sched.run()));
            assert!(run.is_err(), "the panic reaches the scheduler's caller");
        }
    });
    let backtrace = std::env::var("RUST_BACKTRACE").unwrap_or_default();
    println!(
        "a task that panics (RUST_BACKTRACE={backtrace:?}): {deepest} bytes"
    );
    assert!(deepest * MARGIN <= STACK_SIZE, "{deepest} bytes");
}
