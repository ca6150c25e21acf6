//! # coroutine_cost: what a stackful coroutine costs to make, and to switch
//!
//! Not a lesson: the measurements behind the Part 8 slide "Trampoline or
//! not: measured". It times, on this machine:
//!
//! - a corosensei coroutine made on a new stack, run to its end and
//!   dropped: an `mmap`, an `mprotect` for the guard page, a page fault
//!   for each page it touches, a `munmap`;
//! - the same on a stack that an earlier coroutine left
//!   (`Coroutine::with_stack`, `into_stack`): no system call at all;
//! - a switch: resuming a coroutine that suspends at once;
//! - a call of a subroutine through step 8's trampoline, and a system call
//!   (`GetTid`), for scale.
//!
//! Run it: `cargo run --release -p part8_stack --example coroutine_cost`.
//! (A debug build times the debug build.)

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, Yielder};
use part8_stack::pyos8::{GetTid, Scheduler, Subroutine, Sys};
use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 20_000;

/// This thread's minor page faults so far: field 10 of its `stat`.
fn minor_faults() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0; // not Linux: no figure
    };
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let field = after.split_whitespace().nth(10 - 3);
    field.and_then(|f| f.parse().ok()).unwrap_or(0)
}

/// Runs `f` `ROUNDS` times; prints the time and page faults per round.
fn measure(what: &str, mut f: impl FnMut()) {
    f(); // once first: what is made once is not what we time
    let faults = minor_faults();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    let each = start.elapsed().as_secs_f64() / f64::from(ROUNDS);
    let faults = (minor_faults() - faults) as f64 / f64::from(ROUNDS);
    println!("{what:<52} {:>9} {faults:>6.1}", nanos(each));
}

fn nanos(seconds: f64) -> String {
    format!("{:.1} ns", seconds * 1e9)
}

/// A coroutine's body that writes 16 KiB of its stack, or none, as a
/// subroutine that calls into the standard library and the kernel does.
fn body(touch: bool) -> impl FnOnce(&Yielder<(), ()>, ()) {
    move |_, ()| {
        if touch {
            write_16_kib();
        }
    }
}

#[inline(never)]
fn write_16_kib() {
    let mut block = [1u8; 16 * 1024];
    black_box(&mut block);
}

fn main() {
    println!("{:<52} {:>9} {:>6}", "", "time", "faults");
    for touch in [false, true] {
        let kib = if touch { 16 } else { 0 };
        measure(
            &format!("a coroutine on a new 1 MiB stack, {kib} KiB used"),
            || {
                let mut co = Coroutine::new(body(touch));
                black_box(co.resume(()));
            },
        );
        let mut spare = Some(DefaultStack::default());
        measure(
            &format!("a coroutine on a reused stack, {kib} KiB used"),
            || {
                let stack = spare.take().unwrap_or_default();
                let mut co = Coroutine::with_stack(stack, body(touch));
                black_box(co.resume(()));
                spare = Some(co.into_stack());
            },
        );
    }

    let mut co = Coroutine::new(|yielder: &Yielder<(), ()>, ()| {
        loop {
            yielder.suspend(());
        }
    });
    measure("a switch into a coroutine and back", || {
        black_box(co.resume(()));
    });

    // Step 8: one task calls a subroutine (or makes a system call) many
    // times; the scheduler runs it.
    let trampoline = |what: &str, subroutine: bool| {
        let took = Rc::new(Cell::new(Duration::ZERO));
        let out = Rc::clone(&took);
        let mut sched = Scheduler::default();
        sched.new(move |sys: &Sys| {
            let start = Instant::now();
            for i in 0..ROUNDS {
                if subroutine {
                    black_box(sys.call(Subroutine::new(move |_: &Sys| i)));
                } else {
                    black_box(sys.call(GetTid));
                }
            }
            out.set(start.elapsed());
        });
        sched.mainloop();
        println!(
            "{what:<52} {:>9}",
            nanos(took.get().as_secs_f64() / f64::from(ROUNDS))
        );
    };
    trampoline("step 8: a call of a subroutine that returns at once", true);
    trampoline("step 8: a system call (GetTid)", false);
}
