//! # Part 4: from data processing to concurrent programming (slides 75-91)
//!
//! Part 3's bus pipeline, cut in two: the second half runs in another
//! thread, then in another process, and the first half does not notice.
//! Then what goes wrong when two threads send into one coroutine, and why
//! Rust turns that crash into a compile error.
//!
//! ## Map of the crate
//!
//! | module           | what                                             | lesson    |
//! |------------------|--------------------------------------------------|-----------|
//! | [`mod@threaded`] | a stage that hands its items to a worker thread   | cothread, cocrash |
//! | [`pipe`]         | [`sendto`]: items down a pipe as JSON lines; [`recvfrom`]: back | coprocess, busproc |
//! | [`child`]        | a child process: started, waited for, its failure said | coprocess |
//! | [`mod@busproc`]  | the child's program, run by `busproc` and by `coprocess` itself | busproc, coprocess |
//! | [`mod@cause`]    | an error without its wrappings                    |           |
//!
//! `boundaries` times the same pipeline with no boundary, with a thread
//! and with a process in the middle.
//!
//! ## The boundaries
//!
//! ```text
//! plain:      parse -> buses_to_dicts -> filters -> bus_locations
//! cothread:   parse -> buses_to_dicts -> threaded ==queue==> filters -> bus_locations
//! coprocess:  parse -> buses_to_dicts -> sendto   ==pipe===> recvfrom -> filters -> bus_locations
//! ```
//!
//! The stages are Part 3's, unchanged ([`part3_events::buses`]): they are
//! written against the vocabulary's [`Target`](part1_generators::Target),
//! and a thread's queue or a pipe is one more target.
//!
//! ```
//! use part1_generators::Target;
//! use part3_events::{Bus, filter_on_field};
//! use part4_concurrency::threaded;
//! use std::sync::{Arc, Mutex};
//!
//! # struct Keep(Arc<Mutex<Vec<String>>>);
//! # impl Target<Bus> for Keep {
//! #     fn send(&mut self, bus: Bus) -> Result<(), part1_generators::CoroutineError> {
//! #         self.0.lock().unwrap().push(bus["id"].to_owned());
//! #         Ok(())
//! #     }
//! # }
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let kept = Arc::clone(&seen);
//! // The closure runs in the worker thread and builds the pipeline there.
//! let mut stage = threaded(move || filter_on_field("route", "22", Keep(kept)));
//! for (id, route) in [("1485", "22"), ("1486", "36"), ("1487", "22")] {
//!     let bus = Bus::from([("id", id), ("route", route)]);
//!     stage.send(bus)?;
//! }
//! stage.close()?; // waits for the worker: every bus has been through
//! assert_eq!(*seen.lock().unwrap(), ["1485", "1487"]);
//! # Ok::<(), part1_generators::CoroutineError>(())
//! ```

pub mod busproc;
pub mod cause;
pub mod child;
pub mod pipe;
pub mod threaded;

pub use cause::{cause, describe};
pub use child::{ChildError, ChildInput, Coprocess};
pub use pipe::{RecvError, recvfrom, sendto};
pub use threaded::{Channel, ThreadError, Worker, run_target, threaded};
