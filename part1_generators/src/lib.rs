//! # The workbook's coroutine vocabulary
//!
//! The course's scripts all start with `from coroutine import *`. This crate
//! is that import for the Rust workbook: a thin layer over the
//! [`corosensei`] crate that gives lesson code Python's words and no more.
//!
//! | Python                        | this crate                          |
//! |-------------------------------|-------------------------------------|
//! | a generator function          | [`Generator::new`], an [`Iterator`] |
//! | `yield value`                 | [`Co::yield_`]                      |
//! | `@coroutine` consumer         | [`Consumer::new`]                   |
//! | `line = (yield)`              | [`Inbox::recv`]                     |
//! | `except GeneratorExit:`       | the code after `while let ... recv` |
//! | `g.send(x)`, `g.close()`      | [`Target::send`], [`Target::close`] |
//! | `g.throw(exc)`                | [`Consumer::throw`]                 |
//! | garbage collection closes `g` | dropping a [`Consumer`] closes it   |
//!
//! ## Generators: values out
//!
//! A generator is a function body that hands values to whoever iterates
//! over it. `yield` is a Rust keyword, so the method is spelled `yield_`.
//!
//! ```
//! use part1_generators::Generator;
//!
//! fn countdown(mut n: u32) -> Generator<u32> {
//!     Generator::new(move |co| {
//!         while n > 0 {
//!             co.yield_(n);
//!             n -= 1;
//!         }
//!     })
//! }
//!
//! let values: Vec<u32> = countdown(3).collect();
//! assert_eq!(values, [3, 2, 1]);
//! ```
//!
//! ## Consumers: values in
//!
//! A consumer coroutine receives values. In Python the body must first be
//! run to its first `yield` (the `@coroutine` decorator calls `next()` for
//! you). corosensei hands the *first* value straight to the body when it
//! starts, so there is nothing to prime: create the coroutine and send.
//! (`Consumer::<&str>::new` names the type of value it receives.)
//!
//! ```
//! use part1_generators::{Consumer, Target};
//! use std::{cell::RefCell, rc::Rc};
//!
//! let seen = Rc::new(RefCell::new(Vec::new()));
//! let log = Rc::clone(&seen);
//! let mut grep = Consumer::<&str>::new(move |inbox| {
//!     while let Some(line) = inbox.recv() {
//!         if line.contains("python") {
//!             log.borrow_mut().push(line);
//!         }
//!     }
//!     // Python: `except GeneratorExit:`
//!     log.borrow_mut().push("closed");
//!     Ok(())
//! });
//! grep.send("A series of tubes")?;
//! grep.send("python generators rock!")?;
//! grep.close()?;
//! assert_eq!(*seen.borrow(), ["python generators rock!", "closed"]);
//! # Ok::<(), part1_generators::CoroutineError>(())
//! ```
//!
//! A consumer's body returns `Ok(())` when it is done, or an error: like an
//! exception in Python, that error comes out of the `send` that caused it.
//! That is also why forwarding to the next stage reads `target.send(x)?`.
//!
//! [`Target`] is implemented by consumer coroutines and by plain structs
//! alike, so every pipeline stage is written once against the trait.
//! [`Shared`] lets several stages send into one target (fan-in).
//!
//! ## Where Rust differs
//!
//! - No priming (see above).
//! - Closing is ending the body's receive loop; dropping an unclosed
//!   consumer closes it, as Python's garbage collector does.
//! - corosensei coroutines are *stackful*: any function called from a
//!   coroutine body may suspend it. Python's generators can only yield
//!   from their own frame. Part 8 of the course is about that difference.
//! - A coroutine cannot be sent to another thread (it is not `Send`), so the
//!   crash of slide 90 is a compile error here.
//!
//! ## Also here
//!
//! What every lesson binary shares ([`Fail`], [`data_path`], [`open_log`],
//! [`exit_quietly_on_closed_pipe`]), and the [`follow`] lesson, which
//! `pipeline` imports as `pipeline.py` imports `follow.py`.

// So that the lesson compiled below can say `part1_generators::...` here
// as it does in its own binary.
extern crate self as part1_generators;

mod consumer;
mod generator;
mod lesson;

/// `follow.py`'s generator, imported by `pipeline` (`from follow import
/// follow`). This is the lesson file itself.
#[path = "bin/follow.rs"]
#[allow(dead_code)] // the lesson's `main` is not used here
pub mod follow;

pub use consumer::{
    Consumer, CoroutineError, Exception, Inbox, Shared, Target,
};
pub use generator::{Co, Generator};
pub use lesson::{Fail, data_path, exit_quietly_on_closed_pipe, open_log};
