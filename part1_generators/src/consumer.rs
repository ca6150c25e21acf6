//! Consumer coroutines (Python's `@coroutine`), targets, and fan-in.

use std::cell::{Cell, RefCell, RefMut};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use corosensei::{Coroutine, CoroutineResult, Yielder};

/// An error value thrown into a coroutine or raised by one: the workbook's
/// stand-in for a Python exception. Any error type converts into it, and
/// so does a string: `consumer.throw("bad line")`.
pub type Exception = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong when you send into, close or throw into a coroutine.
#[derive(Debug)]
pub enum CoroutineError {
    /// The coroutine has already finished. Python raises `StopIteration`.
    Finished,
    /// The coroutine is running already: a cycle of stages sent back into
    /// it. Python: `ValueError: generator already executing`.
    Running,
    /// The body raised an error (returned `Err`, or did not catch one that
    /// was thrown in). The coroutine has finished.
    Raised(Exception),
    /// The body received the close and went on receiving. Python:
    /// `RuntimeError: generator ignored GeneratorExit`. The coroutine was
    /// unwound.
    IgnoredClose,
}

impl fmt::Display for CoroutineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoroutineError::Finished => f.write_str(
                "the coroutine has finished and takes no more values",
            ),
            CoroutineError::Running => f.write_str(
                "the coroutine is already running (a stage sent back into it)",
            ),
            CoroutineError::Raised(e) => write!(f, "the coroutine raised: {e}"),
            CoroutineError::IgnoredClose => f.write_str(
                "the coroutine went on receiving after it was closed",
            ),
        }
    }
}

impl std::error::Error for CoroutineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CoroutineError::Raised(e) => Some(&**e),
            _ => None,
        }
    }
}

/// Anything a pipeline stage can send into: consumer coroutines, plain
/// structs with a `send` method, shared targets, boxed targets.
///
/// Stages are written once against this trait, so a coroutine and an
/// object doing the same job are interchangeable (slide 51's benchmark
/// compares exactly that).
pub trait Target<T> {
    /// Delivers one item (Python: `target.send(item)`).
    fn send(&mut self, item: T) -> Result<(), CoroutineError>;

    /// Tells the target no more items are coming (Python:
    /// `target.close()`). The default does nothing, which suits plain
    /// structs with nothing to clean up.
    fn close(&mut self) -> Result<(), CoroutineError> {
        Ok(())
    }
}

impl<T, X: Target<T> + ?Sized> Target<T> for &mut X {
    fn send(&mut self, item: T) -> Result<(), CoroutineError> {
        (**self).send(item)
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        (**self).close()
    }
}

impl<T, X: Target<T> + ?Sized> Target<T> for Box<X> {
    fn send(&mut self, item: T) -> Result<(), CoroutineError> {
        (**self).send(item)
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        (**self).close()
    }
}

/// What the sender hands the coroutine at each resume.
enum Signal<T> {
    Value(T),
    Throw(Exception),
    Close,
}

/// An error thrown in and not caught: it unwinds the body's stack up to
/// [`Consumer::throw`], which turns it back into a value.
struct Uncaught(Exception);

type Body<T> = Coroutine<Signal<T>, (), Result<(), Exception>>;

/// A consumer coroutine: a body that receives values through its
/// [`Inbox`]. Python's `@coroutine` generators.
///
/// Create it with [`Consumer::new`]; the body starts with the first
/// [`send`](Target::send), which hands it its first value, so no priming
/// `next()` is needed. [`close`](Target::close) makes the body's
/// [`Inbox::recv`] return `None`, so the code after its receive loop runs:
/// that is Python's `except GeneratorExit:` block. Dropping a consumer that
/// was not closed closes it first.
pub struct Consumer<T> {
    co: Body<T>,
}

/// The body's side of a [`Consumer`]: where values arrive.
pub struct Inbox<'y, T> {
    yielder: &'y Yielder<Signal<T>, ()>,
    /// The signal that started the body, waiting for its first `recv`.
    first: Cell<Option<Signal<T>>>,
}

impl<T> Inbox<'_, T> {
    /// Waits for the next value (Python: `line = (yield)`).
    ///
    /// Returns `None` when the coroutine is closed, so
    /// `while let Some(x) = inbox.recv()` ends on close. An error thrown in
    /// with [`Consumer::throw`] is not caught here: it ends the body, and
    /// `throw` returns it to the thrower. Use [`Inbox::recv_catching`] to
    /// catch it.
    #[inline(always)]
    pub fn recv(&self) -> Option<T> {
        // No panic message is printed: resume_unwind skips the hook.
        self.recv_catching()
            .unwrap_or_else(|e| panic::resume_unwind(Box::new(Uncaught(e))))
    }

    /// Like [`Inbox::recv`], but a thrown error comes back as `Err`, for the
    /// body to handle (Python: `try: line = (yield) except E: ...`).
    #[inline(always)]
    pub fn recv_catching(&self) -> Result<Option<T>, Exception> {
        // The value that started the body comes first.
        let signal = match self.first.take() {
            Some(signal) => signal,
            None => self.yielder.suspend(()),
        };
        match signal {
            Signal::Value(value) => Ok(Some(value)),
            Signal::Close => Ok(None),
            Signal::Throw(e) => Err(e),
        }
    }
}

impl<T: 'static> Consumer<T> {
    /// Creates a consumer coroutine from its body. The body does not run
    /// until the first `send` (or `close`, or `throw`).
    pub fn new<F>(body: F) -> Self
    where
        F: FnOnce(&Inbox<'_, T>) -> Result<(), Exception> + 'static,
    {
        Consumer {
            co: Coroutine::new(move |yielder, start: Signal<T>| {
                let inbox = Inbox {
                    yielder,
                    first: Cell::new(Some(start)),
                };
                body(&inbox)
            }),
        }
    }

    /// Whether the body has finished.
    pub fn is_finished(&self) -> bool {
        self.co.done()
    }

    /// Throws `error` into the body at the point where it waits in
    /// `recv` (Python: `g.throw(error)`).
    ///
    /// If the body catches it (with [`Inbox::recv_catching`]) and goes on,
    /// this returns `Ok(())`. If it does not, the body ends, its local
    /// values are dropped, and this returns
    /// [`CoroutineError::Raised`] with the error.
    ///
    /// ```
    /// use part1_generators::{Consumer, CoroutineError, Target};
    ///
    /// let mut sum = Consumer::<i32>::new(|inbox| {
    ///     let mut total = 0;
    ///     while let Some(x) = inbox.recv() {
    ///         total += x;
    ///     }
    ///     println!("total {total}");
    ///     Ok(())
    /// });
    /// sum.send(1)?;
    /// let err = sum.throw("bad input").unwrap_err();
    /// assert_eq!(err.to_string(), "the coroutine raised: bad input");
    /// assert!(matches!(sum.send(2), Err(CoroutineError::Finished)));
    /// # Ok::<(), CoroutineError>(())
    /// ```
    pub fn throw(
        &mut self,
        error: impl Into<Exception>,
    ) -> Result<(), CoroutineError> {
        if self.co.done() {
            return Err(CoroutineError::Finished);
        }
        let signal = Signal::Throw(error.into());
        match panic::catch_unwind(AssertUnwindSafe(|| self.co.resume(signal))) {
            Ok(result) => outcome(result),
            Err(payload) => match payload.downcast::<Uncaught>() {
                Ok(uncaught) => Err(CoroutineError::Raised(uncaught.0)),
                // A real panic in the body: let it carry on.
                Err(payload) => panic::resume_unwind(payload),
            },
        }
    }
}

/// Turns what a resume returned into what `send` reports.
fn outcome(
    result: CoroutineResult<(), Result<(), Exception>>,
) -> Result<(), CoroutineError> {
    match result {
        CoroutineResult::Yield(()) | CoroutineResult::Return(Ok(())) => Ok(()),
        CoroutineResult::Return(Err(e)) => Err(CoroutineError::Raised(e)),
    }
}

impl<T> Target<T> for Consumer<T> {
    /// Resumes the body with `item` as the value of its `recv`.
    ///
    /// Sending into a finished coroutine returns
    /// [`CoroutineError::Finished`].
    #[inline]
    fn send(&mut self, item: T) -> Result<(), CoroutineError> {
        if self.co.done() {
            return Err(CoroutineError::Finished);
        }
        outcome(self.co.resume(Signal::Value(item)))
    }

    /// Makes the body's `recv` return `None` and lets the body finish.
    /// Closing a finished coroutine does nothing, as in Python.
    fn close(&mut self) -> Result<(), CoroutineError> {
        if self.co.done() {
            return Ok(());
        }
        match self.co.resume(Signal::Close) {
            CoroutineResult::Return(Ok(())) => Ok(()),
            CoroutineResult::Return(Err(e)) => Err(CoroutineError::Raised(e)),
            CoroutineResult::Yield(()) => {
                // It asked for more after being told there is no more:
                // unwind it rather than leave it waiting forever.
                self.co.force_unwind();
                Err(CoroutineError::IgnoredClose)
            }
        }
    }
}

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        // Python's garbage collector closes a generator it collects; we do
        // the same (there is nobody to report an error to). While a panic
        // unwinds we leave the body alone (running it could panic again);
        // corosensei then unwinds its stack.
        if !std::thread::panicking() {
            let _ = self.close();
        }
    }
}

/// A target that several stages send into (fan-in, slide 46).
///
/// In Python any number of stages may hold a reference to one printer. In
/// Rust a value has one owner, so shared use is spelled out: `Shared` is a
/// reference-counted handle (`Rc<RefCell<X>>`); cloning it gives another
/// sender. The target is closed when the last handle is dropped, or by an
/// explicit `close` on any handle.
///
/// If a stage sends into a shared coroutine that is already running (a
/// cycle in the pipeline), `send` returns [`CoroutineError::Running`]
/// instead of re-entering it.
///
/// ```
/// use part1_generators::{Consumer, CoroutineError, Shared, Target};
/// use std::{cell::RefCell, rc::Rc};
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let log = Rc::clone(&seen);
/// let printer = Shared::new(Consumer::<&str>::new(move |inbox| {
///     while let Some(line) = inbox.recv() {
///         log.borrow_mut().push(line);
///     }
///     Ok(())
/// }));
/// let (mut a, mut b) = (printer.clone(), printer);
/// a.send("from a")?;
/// b.send("from b")?;
/// assert_eq!(*seen.borrow(), ["from a", "from b"]);
/// # Ok::<(), CoroutineError>(())
/// ```
pub struct Shared<X: ?Sized>(Rc<RefCell<X>>);

impl<X> Shared<X> {
    /// Wraps `target` so that it can have several senders.
    pub fn new(target: X) -> Self {
        Shared(Rc::new(RefCell::new(target)))
    }
}

impl<X: ?Sized> Clone for Shared<X> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<X: ?Sized> Shared<X> {
    /// The target, unless a send into it is under way (a cycle).
    fn target(&self) -> Result<RefMut<'_, X>, CoroutineError> {
        self.0.try_borrow_mut().map_err(|_| CoroutineError::Running)
    }
}

impl<T, X: Target<T> + ?Sized> Target<T> for Shared<X> {
    fn send(&mut self, item: T) -> Result<(), CoroutineError> {
        self.target()?.send(item)
    }
    fn close(&mut self) -> Result<(), CoroutineError> {
        self.target()?.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A consumer that records what happens to it, and the record.
    fn recorder() -> (Consumer<i32>, Rc<RefCell<Vec<String>>>) {
        let log = Rc::new(RefCell::new(Vec::new()));
        let out = Rc::clone(&log);
        let c = Consumer::<i32>::new(move |inbox| {
            while let Some(x) = inbox.recv() {
                out.borrow_mut().push(x.to_string());
            }
            out.borrow_mut().push("cleanup".into());
            Ok(())
        });
        (c, log)
    }

    #[test]
    fn values_arrive_in_order() {
        let (mut c, log) = recorder();
        for i in 0..5 {
            c.send(i).unwrap();
        }
        assert_eq!(*log.borrow(), ["0", "1", "2", "3", "4"]);
    }

    #[test]
    fn the_first_send_is_received_without_priming() {
        let (mut c, log) = recorder();
        assert!(log.borrow().is_empty(), "the body must not run before send");
        c.send(42).unwrap();
        assert_eq!(*log.borrow(), ["42"]);
    }

    #[test]
    fn close_runs_cleanup_exactly_once() {
        let (mut c, log) = recorder();
        c.send(1).unwrap();
        c.close().unwrap();
        assert!(c.is_finished());
        c.close().unwrap();
        drop(c);
        assert_eq!(*log.borrow(), ["1", "cleanup"]);
    }

    #[test]
    fn dropping_an_unclosed_consumer_closes_it() {
        let (mut c, log) = recorder();
        c.send(7).unwrap();
        drop(c);
        assert_eq!(*log.borrow(), ["7", "cleanup"]);
    }

    #[test]
    fn sending_into_a_finished_coroutine_is_an_error() {
        let (mut c, _log) = recorder();
        c.close().unwrap();
        let err = c.send(1).unwrap_err();
        assert!(matches!(err, CoroutineError::Finished));
        assert!(err.to_string().contains("finished"));
    }

    #[test]
    fn a_thrown_error_reaches_the_body_which_may_catch_it() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let out = Rc::clone(&log);
        let mut c: Consumer<i32> = Consumer::new(move |inbox| {
            loop {
                match inbox.recv_catching() {
                    Ok(Some(x)) => out.borrow_mut().push(format!("got {x}")),
                    Ok(None) => break,
                    Err(e) => out.borrow_mut().push(format!("caught {e}")),
                }
            }
            Ok(())
        });
        c.send(1).unwrap();
        c.throw("bad value").unwrap();
        c.send(2).unwrap();
        assert!(!c.is_finished(), "a caught error does not end the body");
        assert_eq!(*log.borrow(), ["got 1", "caught bad value", "got 2"]);
    }

    #[test]
    fn an_uncaught_thrown_error_ends_the_body_and_comes_back() {
        let (mut c, log) = recorder();
        c.send(1).unwrap();
        let err = c.throw("boom").unwrap_err();
        match err {
            CoroutineError::Raised(e) => assert_eq!(e.to_string(), "boom"),
            other => panic!("expected Raised, got {other:?}"),
        }
        assert!(c.is_finished());
        // The receive loop was left by the error, not by a close: no
        // clean-up line, as Python skips `except GeneratorExit:`.
        assert_eq!(*log.borrow(), ["1"]);
        assert!(matches!(c.send(2), Err(CoroutineError::Finished)));
    }

    #[test]
    fn an_error_returned_by_the_body_comes_out_of_send() {
        let mut c: Consumer<i32> = Consumer::new(|inbox| {
            while let Some(x) = inbox.recv() {
                if x < 0 {
                    return Err(format!("negative: {x}").into());
                }
            }
            Ok(())
        });
        c.send(1).unwrap();
        let err = c.send(-1).unwrap_err();
        assert_eq!(err.to_string(), "the coroutine raised: negative: -1");
    }

    #[test]
    fn a_body_that_ignores_close_is_unwound() {
        let mut c: Consumer<i32> = Consumer::new(|inbox| {
            loop {
                inbox.recv();
            }
        });
        c.send(1).unwrap();
        assert!(matches!(c.close(), Err(CoroutineError::IgnoredClose)));
        assert!(c.is_finished());
    }

    #[test]
    fn shared_targets_fan_in() {
        let (c, log) = recorder();
        let mut a = Shared::new(c);
        let mut b = a.clone();
        a.send(1).unwrap();
        b.send(2).unwrap();
        drop(a);
        assert_eq!(*log.borrow(), ["1", "2"], "still open while b lives");
        drop(b);
        assert_eq!(*log.borrow(), ["1", "2", "cleanup"]);
    }

    #[test]
    fn sending_into_a_running_shared_coroutine_is_an_error() {
        // A stage whose target is itself: the second send is a re-entry.
        let me: Rc<RefCell<Option<Shared<Consumer<i32>>>>> = Rc::default();
        let inner = Rc::clone(&me);
        let errors = Rc::new(RefCell::new(Vec::new()));
        let out = Rc::clone(&errors);
        let c = Consumer::new(move |inbox| {
            while let Some(x) = inbox.recv() {
                let mut target = inner.borrow().clone().expect("set below");
                if let Err(e) = target.send(x + 1) {
                    out.borrow_mut().push(e.to_string());
                }
            }
            Ok(())
        });
        let shared = Shared::new(c);
        *me.borrow_mut() = Some(shared.clone());
        shared.clone().send(1).unwrap();
        assert_eq!(errors.borrow().len(), 1);
        assert!(errors.borrow()[0].contains("already running"));
        // Break the cycle so everything is dropped.
        me.borrow_mut().take();
    }
}
