//! # Part 2: coroutines, pipelines and dataflow (slides 34-52)
//!
//! Each lesson of this part holds its own stages, as each Python script
//! does. The library holds only what another script imports: `cocrash.py`
//! (Part 4) does `from cobroadcast import *`, so [`cobroadcast`] is that
//! lesson file, compiled here as a module.
//!
//! A stage owns its target, so two stages cannot both be given the same
//! printer (slide 46's fan-in). This does not compile:
//!
//! ```compile_fail,E0382
//! use part2_pipelines::cobroadcast::{broadcast, grep, printer};
//!
//! let p = printer();
//! let _b = broadcast(vec![grep("python", p), grep("ply", p)]);
//! ```
//!
//! Shared ownership has to be spelled out, with
//! [`Shared`](part1_generators::Shared):
//!
//! ```
//! use part1_generators::Shared;
//! use part2_pipelines::cobroadcast::{broadcast, grep, printer};
//!
//! let p = Shared::new(printer());
//! let _b = broadcast(vec![grep("python", p.clone()), grep("ply", p)]);
//! ```

/// `cobroadcast.py`'s stages (`follow`, `grep`, `printer`, `broadcast`),
/// imported by Part 4's `cocrash`. This is the lesson file itself.
#[path = "bin/cobroadcast.rs"]
#[allow(dead_code)] // the lesson's `main` is not used here
pub mod cobroadcast;
