//! The child of `coprocess` (slide 86; original: `busproc.py`): buses
//! in from a pipe, the filters and the printer of Part 3 after it.
//!
//! The code is here, in the library, because two programs run it: the
//! `busproc` binary (`cargo run --bin busproc < buses.jsonl`), and
//! `coprocess` itself, which starts *itself* again as its child with the
//! hidden first argument [`AS_BUSPROC`]. `cargo run --bin coprocess`
//! builds the coprocess binary only, so it cannot count on a busproc
//! binary being there; its own executable always is.

use std::io::{self, BufRead};
use std::process::Command;

use part3_events::{Bus, bus_locations, filter_on_field};

use crate::child::ChildError;
use crate::pipe::{RecvError, recvfrom};

/// The hidden first argument that makes `coprocess` run as busproc.
pub const AS_BUSPROC: &str = "--as-busproc";

// ANCHOR: busproc
/// Reads buses from `input` (JSON lines, as [`sendto`](crate::sendto)
/// writes them) and prints the northbound route 22 ones. Returns the
/// number of buses read.
pub fn busproc(input: impl BufRead) -> Result<u64, RecvError> {
    recvfrom::<Bus, _, _>(
        input,
        filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        ),
    )
}
// ANCHOR_END: busproc

// ANCHOR: child_mode
/// If this process was started as busproc (its first argument is
/// [`AS_BUSPROC`]), runs [`busproc`] on standard input and exits: status
/// 0, or 1 after one line on standard error. Otherwise returns at once.
///
/// Call it first in `main`: the child must not parse the parent's
/// options.
pub fn busproc_child_if_asked() {
    if std::env::args_os().nth(1).is_none_or(|a| a != AS_BUSPROC) {
        return;
    }
    // The child prints into the output it shares with its parent; when
    // that output's reader goes away (`coprocess | head`), the child
    // ends quietly, like every lesson. (The parent must not do this: a
    // closed pipe to its child is an error to report.)
    part1_generators::exit_quietly_on_closed_pipe();
    let code = match busproc(io::stdin().lock()) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("Error: {}", e.in_input("<stdin>"));
            1
        }
    };
    std::process::exit(code);
}
// ANCHOR_END: child_mode

/// The command that starts this very program as busproc.
pub fn busproc_command() -> Result<Command, ChildError> {
    let exe = std::env::current_exe().map_err(|e| {
        ChildError::new(format!("cannot find this program's own file: {e}"))
    })?;
    let mut command = Command::new(exe);
    command.arg(AS_BUSPROC);
    Ok(command)
}
