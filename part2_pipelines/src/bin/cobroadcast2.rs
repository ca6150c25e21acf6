//! # cobroadcast2: fan-in (slide 46; original: `cobroadcast2.py`)
//!
//! The same broadcast, but the three greps send into *one* printer. In
//! Python that is just three references to the same object. In Rust a
//! value has exactly one owner, so "three stages own the printer" must be
//! said out loud: [`Shared`] wraps it in a reference-counted cell
//! (`Rc<RefCell<..>>`), and each grep gets a clone of the handle. The
//! printer is closed when the last handle goes away, as Python's garbage
//! collector would do.
//!
//! Try it without `Shared`: pass the same printer to two greps and the
//! compiler refuses ("use of moved value"); that refusal is the point.
//!
//! Run `cargo run --bin logsim` in one terminal, then `cargo run --bin
//! cobroadcast2` in another. The output is the same as cobroadcast's.

use clap::Parser;
use part1_generators::follow::LogArgs;
use part1_generators::{Fail, Shared};
use part2_pipelines::{broadcast, follow, grep, printer};

/// Broadcasts a followed file to three greps sharing one printer.
#[derive(Parser)]
#[command(name = "cobroadcast2")]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let args = Args::parse();
    let (path, wait) = (args.log.path(), args.log.wait());
    // ANCHOR: main
    let p = Shared::new(printer::<String>());
    follow(
        &path,
        wait,
        broadcast(vec![
            grep("python", p.clone()),
            grep("ply", p.clone()),
            grep("swig", p),
        ]),
    )?;
    // ANCHOR_END: main
    Ok(())
}
