//! A pipeline stage that hands its items to a thread (slide 79;
//! original: `cothread.py`).
//!
//! ```text
//! source -> buses_to_dicts -> threaded ==queue==> [ filters -> bus_locations ]
//!                             (this thread)        (the worker thread)
//! ```
//!
//! The course's `threaded(target)` receives an already built coroutine
//! and runs it in a new thread. A corosensei coroutine cannot do that: it
//! is not `Send` (a suspended coroutine's stack holds whatever its body
//! had in hand, an `Rc` say, which the compiler cannot check), so Rust
//! refuses to move it into another thread. What
//! *can* move is the recipe: [`threaded`] takes a closure that builds the
//! rest of the pipeline, and the worker thread calls it, so that pipeline
//! is born, runs and dies in the worker thread. Only the items travel,
//! and they must be `Send` (a [`Bus`](part3_events::Bus) is: it owns its
//! strings).

use std::any::Any;
use std::fmt;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};

use part1_generators::{Consumer, CoroutineError, Target};

use crate::cause::describe;

/// How many items may wait in the queue between the two threads. When
/// it is full, the sending stage waits for the worker to catch up.
///
/// Python's `Queue()` has no limit. A bounded queue costs nothing when
/// the worker keeps up (it does here), and keeps memory bounded when it
/// does not.
pub const QUEUE_CAPACITY: usize = 1024;

// ANCHOR: threaded
/// A stage that forwards what it receives to a new thread, where the
/// pipeline made by `build` receives it (Python: `threaded(target)`).
///
/// `build` runs in the worker thread, so the pipeline it makes never
/// crosses threads; only the closure and the items do, which is why
/// both must be `Send`. Closing the stage tells the worker that no more
/// items are coming; the worker sends everything still queued, closes
/// its pipeline, and ends; the stage waits for it (joins the thread)
/// and reports how it ended. Dropping the stage does the same, without
/// a report.
///
/// If the worker's pipeline fails (a stage returns an error, or
/// panics), the next `send` or the `close` returns that error.
pub fn threaded<T, X, F>(build: F) -> Consumer<T>
where
    T: Send + 'static,
    F: FnOnce() -> X + Send + 'static,
    X: Target<T> + 'static,
{
    Consumer::<T>::new(move |inbox| {
        // Python: Thread(target=run_target).start()
        let mut worker = Worker::start(build)?;
        while let Some(item) = inbox.recv() {
            worker.put(item)?; // Python: messages.put(item)
        }
        // Python: messages.put(GeneratorExit), without waiting for the
        // thread. We wait: the program must not end before the worker
        // has printed its last line.
        worker.finish()?;
        Ok(())
    })
}
// ANCHOR_END: threaded

// ANCHOR: run_target
/// The worker thread's loop (Python: `run_target`): takes items off the
/// queue and sends them into `target`, until the queue is closed and
/// empty; then closes `target`.
///
/// The queue's end is not a special item, as Python's `GeneratorExit`
/// is: the loop ends when every sending end is gone and the items they
/// sent have all been received, so none is lost.
pub fn run_target<T, X: Target<T>>(
    messages: Receiver<T>,
    mut target: X,
) -> Result<(), CoroutineError> {
    for item in messages {
        target.send(item)?;
    }
    target.close()
}
// ANCHOR_END: run_target

/// The result a worker thread ends with.
type Outcome = Result<(), CoroutineError>;

/// The sending end of a [`threaded`] stage: the queue into the worker
/// thread, and the thread itself.
pub struct Worker<T> {
    messages: Option<SyncSender<T>>,
    thread: Option<JoinHandle<Outcome>>,
}

impl<T: Send + 'static> Worker<T> {
    /// Starts a thread that calls `build` and runs [`run_target`] with
    /// the pipeline it returns.
    pub fn start<X, F>(build: F) -> Result<Worker<T>, ThreadError>
    where
        F: FnOnce() -> X + Send + 'static,
        X: Target<T> + 'static,
    {
        let (messages, queue) = mpsc::sync_channel(QUEUE_CAPACITY);
        let thread = thread::Builder::new()
            .name("threaded".into())
            .spawn(move || run_target(queue, build()))
            .map_err(|e| ThreadError(format!("cannot start a thread: {e}")))?;
        Ok(Worker {
            messages: Some(messages),
            thread: Some(thread),
        })
    }

    /// Puts `item` on the queue, waiting if it is full. If the worker
    /// has stopped, waits for it and returns why it stopped.
    pub fn put(&mut self, item: T) -> Result<(), ThreadError> {
        let Some(messages) = &self.messages else {
            return Err(ThreadError("the worker thread has finished".into()));
        };
        if messages.send(item).is_err() {
            // The receiving end is gone: the worker's loop has ended,
            // which only an error does while we still send.
            self.finish()?;
            return Err(ThreadError("the worker thread stopped early".into()));
        }
        Ok(())
    }
}

impl<T> Worker<T> {
    /// Closes the queue and waits for the worker thread to end: it
    /// sends what is still queued, closes its pipeline and returns.
    /// Returns how it ended. Finishing twice does nothing.
    pub fn finish(&mut self) -> Result<(), ThreadError> {
        // Dropping the only sending end closes the queue.
        self.messages = None;
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        match thread.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ThreadError(format!(
                "the worker thread failed: {}",
                describe(&e)
            ))),
            Err(panic) => Err(ThreadError(format!(
                "the worker thread panicked: {}",
                panic_message(&*panic)
            ))),
        }
    }
}

impl<T> Drop for Worker<T> {
    /// Never leaves the thread running: closes the queue and joins it.
    /// Nobody is left to tell how it ended.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// What a panic said, if it said it with a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

/// Why a [`threaded`] stage's worker thread stopped, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadError(String);

impl fmt::Display for ThreadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ThreadError {}

// ANCHOR: channel
/// A target that puts what it receives on a queue to another thread:
/// the sending end of a channel, as a [`Target`].
///
/// Unlike a coroutine it is `Send` and can be cloned, so several
/// threads can feed one thread (slide 90's safe structure, in
/// `cocrash`). It fails once the receiving thread has gone.
pub struct Channel<T>(mpsc::Sender<T>);

impl<T> Channel<T> {
    /// Wraps the sending end of a channel.
    pub fn new(sender: mpsc::Sender<T>) -> Self {
        Channel(sender)
    }
}

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Self {
        Channel(self.0.clone())
    }
}

impl<T> Target<T> for Channel<T> {
    fn send(&mut self, item: T) -> Result<(), CoroutineError> {
        self.0.send(item).map_err(|_| {
            CoroutineError::Raised("the receiving thread has stopped".into())
        })
    }
}
// ANCHOR_END: channel

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A target that appends what it gets to a shared list, and notes
    /// its close.
    struct Keep(Arc<Mutex<Vec<String>>>);
    impl Target<u32> for Keep {
        fn send(&mut self, item: u32) -> Result<(), CoroutineError> {
            self.0.lock().unwrap().push(item.to_string());
            Ok(())
        }
        fn close(&mut self) -> Result<(), CoroutineError> {
            self.0.lock().unwrap().push("closed".into());
            Ok(())
        }
    }

    fn kept() -> Arc<Mutex<Vec<String>>> {
        Arc::new(Mutex::new(Vec::new()))
    }

    #[test]
    fn every_item_arrives_in_order_and_close_waits_for_the_worker() {
        let log = kept();
        let inner = Arc::clone(&log);
        let mut stage = threaded(move || Keep(inner));
        // More items than the queue holds: the sender must wait.
        let n = QUEUE_CAPACITY as u32 * 3;
        for i in 0..n {
            stage.send(i).unwrap();
        }
        stage.close().unwrap();
        let log = log.lock().unwrap();
        assert_eq!(log.len(), n as usize + 1);
        assert!(
            log[..n as usize]
                .iter()
                .zip(0..)
                .all(|(s, i)| *s == i.to_string())
        );
        assert_eq!(log.last().unwrap(), "closed");
    }

    #[test]
    fn dropping_the_stage_also_finishes_the_worker() {
        let log = kept();
        let inner = Arc::clone(&log);
        let mut stage = threaded(move || Keep(inner));
        stage.send(1).unwrap();
        drop(stage);
        assert_eq!(*log.lock().unwrap(), ["1", "closed"]);
    }

    #[test]
    fn the_pipeline_is_built_in_the_worker_thread() {
        let main = thread::current().id();
        let (tx, rx) = mpsc::channel();
        let mut stage = threaded(move || {
            tx.send(thread::current().id()).unwrap();
            Keep(kept())
        });
        stage.send(1).unwrap();
        stage.close().unwrap();
        assert_ne!(rx.recv().unwrap(), main);
    }

    /// A target that fails on the item `bad`.
    struct FailOn(u32);
    impl Target<u32> for FailOn {
        fn send(&mut self, item: u32) -> Result<(), CoroutineError> {
            if item == self.0 {
                return Err(CoroutineError::Raised(
                    format!("no good: {item}").into(),
                ));
            }
            Ok(())
        }
    }

    #[test]
    fn a_failing_worker_is_reported_by_close() {
        let mut stage = threaded(|| FailOn(2));
        stage.send(1).unwrap();
        stage.send(2).unwrap();
        let err = stage.close().unwrap_err();
        assert_eq!(
            describe(&err),
            "the worker thread failed: no good: 2",
            "{err}"
        );
    }

    #[test]
    fn a_failing_worker_is_reported_by_a_later_send() {
        let mut stage = threaded(|| FailOn(0));
        // The worker stops at the first item; sends fail soon after
        // (as soon as the worker has dropped its end), never hang.
        let mut outcome = Ok(());
        for i in 0..100_000 {
            outcome = stage.send(i);
            if outcome.is_err() {
                break;
            }
        }
        let err = match outcome {
            Err(e) => e,
            Ok(()) => stage.close().unwrap_err(),
        };
        assert_eq!(describe(&err), "the worker thread failed: no good: 0");
    }

    #[test]
    fn a_panicking_worker_is_reported_not_hung() {
        struct Panics;
        impl Target<u32> for Panics {
            fn send(&mut self, _: u32) -> Result<(), CoroutineError> {
                panic!("oops in the worker");
            }
        }
        let mut stage = threaded(|| Panics);
        let _ = stage.send(1);
        let err = stage.close().unwrap_err();
        assert_eq!(
            describe(&err),
            "the worker thread panicked: oops in the worker"
        );
    }

    #[test]
    fn channels_feed_one_thread_from_several() {
        let (tx, rx) = mpsc::channel();
        let log = kept();
        let inner = Arc::clone(&log);
        let printer = thread::spawn(move || run_target(rx, Keep(inner)));
        let senders: Vec<_> = (0..2)
            .map(|t| {
                let mut c = Channel::new(tx.clone());
                thread::spawn(move || {
                    for i in 0..100 {
                        c.send(t * 1000 + i).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        for s in senders {
            s.join().unwrap();
        }
        printer.join().unwrap().unwrap();
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 201);
        assert_eq!(log.last().unwrap(), "closed");
    }
}
