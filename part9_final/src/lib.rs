//! # Part 9: some final words, and the echo-server contest
//!
//! Slide 192 ends the course with a race: three blaster processes, 300
//! connections each, 100,000 ping-pong messages each, against an echo
//! server written with threads, with coroutines, and with Twisted. This
//! crate holds the race's pieces; the servers written with coroutines
//! live in Parts 7 and 8 and join it through one table row each.
//!
//! | module | what it holds |
//! |---|---|
//! | [`blaster`] | the load client: connect, send, check every byte |
//! | [`latency`] | round-trip times as a histogram that adds up across processes |
//! | [`runner`] | several blasters as child processes (`runblaster.py`) |
//! | [`servers`] | the thread-per-connection server and the tokio baseline |
//! | [`contest`] | the server table, the measurements, the table and chart |
//!
//! The binaries (`src/bin/`): `blaster`, `runblaster`, `echothread` (the
//! course's), `echotokio` and `echocontest` (ours).

pub mod blaster;
pub mod contest;
pub mod latency;
pub mod runner;
pub mod servers;
