//! # cothread: a pipeline stage in a thread (slide 79; original: `cothread.py`)
//!
//! `threaded` is a stage that puts what it receives on a queue; a worker
//! thread takes the items off the queue and sends them into the rest of
//! the pipeline. Here the bus pipeline of `buses`, cut in two:
//!
//! ```text
//! SAX events -> buses_to_dicts -> threaded ==queue==> filter -> filter -> bus_locations
//!                                                     (the worker thread)
//! ```
//!
//! Run it: `cargo run --bin cothread`. It prints the same 16 lines as
//! `buses`, in the same order, every time: one queue and one worker keep
//! the order, and the program waits for the worker before it ends.
//!
//! Where Rust departs from the Python: `threaded` takes a closure that
//! *builds* the rest of the pipeline, and the worker thread calls it. A
//! coroutine cannot move to another thread (it is not `Send`); the
//! recipe for one can. The library compiles this file too
//! (`part4_concurrency::cothread`): cocrash imports `threaded`.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use part1_generators::{
    Consumer, CoroutineError, Fail, Shared, Target, data_path,
};
use part3_events::buses::{bus_locations, buses_to_dicts, filter_on_field};
use part3_events::cosax::EventHandler;
use part3_events::error::describe;
use part3_events::sax;

// ANCHOR: threaded
// ANCHOR: threaded_head
/// A stage that hands what it receives to a new thread, where `target`
/// builds the pipeline that receives it. Closing the stage closes the
/// queue and waits for the thread, whose failure it returns.
pub fn threaded<T, X>(
    target: impl FnOnce() -> X + Send + 'static,
) -> Consumer<T>
where
    T: Send + 'static,
    X: Target<T> + 'static,
{
    Consumer::<T>::new(move |inbox| {
        // Python: Queue(), which has no bound; ours keeps memory in check
        // when the worker falls behind.
        let (messages, queue) = mpsc::sync_channel(1024);
        let run_target = move || -> Result<(), CoroutineError> {
            let mut target = target();
            // Python: messages.get(), until GeneratorExit comes. Here the
            // loop ends when the queue is closed and empty.
            for item in queue {
                target.send(item)?;
            }
            target.close()
        };
        // Python: Thread(target=run_target).start()
        let worker = thread::Builder::new().spawn(run_target)?;
        // ANCHOR_END: threaded_head
        while let Some(item) = inbox.recv() {
            if messages.send(item).is_err() {
                break; // the worker has stopped: it says why below
            }
        }
        // Python: messages.put(GeneratorExit). We also wait for the
        // worker: the program must not end before its last line.
        drop(messages);
        match worker.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                Err(format!("the worker thread failed: {}", describe(&e))
                    .into())
            }
            Err(_) => Err("the worker thread panicked".into()),
        }
    })
}
// ANCHOR_END: threaded

/// Prints where the northbound route 22 buses are, filtering and
/// printing in a second thread.
#[derive(Parser)]
#[command(name = "cothread")]
struct Args {
    /// The bus data [default: data/allroutes.xml in the workspace]
    file: Option<PathBuf>,
}

// ANCHOR: main
fn main() -> Result<(), Fail> {
    part1_generators::exit_quietly_on_closed_pipe();
    let path = Args::parse()
        .file
        .unwrap_or_else(|| data_path("allroutes.xml"));
    let mut worker = Shared::new(threaded(|| {
        filter_on_field(
            "route",
            "22",
            filter_on_field("direction", "North Bound", bus_locations()),
        )
    }));
    sax::parse(
        &path,
        &mut EventHandler::new(buses_to_dicts(worker.clone())),
    )?;
    // Python closes it when it collects it. We close it ourselves, to
    // hear how the worker ended.
    worker.close().map_err(|e| Fail::new(describe(&e)))?;
    Ok(())
}
// ANCHOR_END: main
