//! # Part 4: from data processing to concurrent programming (slides 75-91)
//!
//! Part 3's bus pipeline, cut in two: the second half runs in another
//! thread (`cothread`), then in another process (`coprocess`, whose child
//! is `busproc`), and the first half does not notice. Then what goes
//! wrong when two threads send into one coroutine (`cocrash`), and why
//! Rust turns that crash into a compile error.
//!
//! The lessons are the binaries (`src/bin/`, one per script). Two are
//! also modules of this library, because other scripts import them:
//! [`cothread`]'s `threaded` (cocrash) and [`coprocess`]'s `sendto` and
//! `recvfrom` (busproc). [`subprocess`] stands for what `coprocess.py`
//! takes from Python's `subprocess`. The tool `boundaries` (`tools/`)
//! times the pipeline with no boundary, a thread, and a process.

extern crate self as part4_concurrency; // so lesson files can say part4_concurrency::...

pub mod subprocess;

/// cothread.py's `threaded`, imported by cocrash.
#[path = "bin/cothread.rs"]
#[allow(dead_code)] // the lesson's `main` is not used here
pub mod cothread;

/// coprocess.py's `sendto` and `recvfrom`, imported by busproc.
#[path = "bin/coprocess.rs"]
#[allow(dead_code)] // the lesson's `main` is not used here
pub mod coprocess;
