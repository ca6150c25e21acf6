//! Generators: coroutines that produce values.

use corosensei::{Coroutine, CoroutineResult, Yielder};

/// A generator: a function body, running on its own stack, that yields
/// values of type `T` one at a time.
///
/// It is an [`Iterator`], so `for x in countdown(10)` reads as in Python.
/// Nothing runs until the first value is asked for, as in Python.
///
/// The optional second type parameter `S` is what [`Generator::send`] can
/// pass back in (Python's `value = yield x`). Plain generators leave it as
/// `()`.
///
/// Dropping a generator that has not finished unwinds its stack: the
/// destructors of its local variables run (like Python's `finally:`), but
/// the code after its last `yield_` does not.
pub struct Generator<T, S = ()> {
    co: Coroutine<Option<S>, T, ()>,
}

/// The handle a generator's body uses to hand out values.
///
/// `yield` is a reserved word in Rust, so the method is [`Co::yield_`].
pub struct Co<'y, T, S = ()> {
    yielder: &'y Yielder<Option<S>, T>,
}

impl<T, S> Co<'_, T, S> {
    /// Hands `value` to the caller and suspends the body until the next
    /// value is asked for.
    ///
    /// Returns what the caller passed with [`Generator::send`], or `None`
    /// when it simply asked for the next value (Python: `x = yield value`,
    /// where `next()` sends `None`).
    pub fn yield_(&self, value: T) -> Option<S> {
        self.yielder.suspend(value)
    }
}

impl<T: 'static, S: 'static> Generator<T, S> {
    /// Creates a generator from its body. The body does not run yet.
    pub fn new<F>(body: F) -> Self
    where
        F: FnOnce(Co<'_, T, S>) + 'static,
    {
        Generator {
            // The first resume's input is the value that started the
            // body; like Python's first `next()`, it carries nothing.
            co: Coroutine::new(move |yielder, _start: Option<S>| {
                body(Co { yielder })
            }),
        }
    }

    /// Resumes the body with `value` as the result of its current
    /// `yield_`, and returns the next value it yields (Python:
    /// `g.send(value)`).
    ///
    /// Returns `None` once the body has finished. A value sent before the
    /// first value was produced has no `yield_` waiting for it and is
    /// dropped (Python refuses it with a `TypeError`).
    ///
    /// ```
    /// use part1_generators::Generator;
    ///
    /// // A running total that can be reset.
    /// let mut total: Generator<i32, i32> = Generator::new(|co| {
    ///     let mut sum = 0;
    ///     loop {
    ///         match co.yield_(sum) {
    ///             Some(reset) => sum = reset,
    ///             None => sum += 1,
    ///         }
    ///     }
    /// });
    /// assert_eq!(total.next(), Some(0));
    /// assert_eq!(total.next(), Some(1));
    /// assert_eq!(total.send(10), Some(10));
    /// assert_eq!(total.next(), Some(11));
    /// ```
    pub fn send(&mut self, value: S) -> Option<T> {
        self.resume(Some(value))
    }

    fn resume(&mut self, input: Option<S>) -> Option<T> {
        // Resuming a finished corosensei coroutine panics; a finished
        // generator just has nothing more to give.
        if self.co.done() {
            return None;
        }
        match self.co.resume(input) {
            CoroutineResult::Yield(value) => Some(value),
            CoroutineResult::Return(()) => None,
        }
    }
}

impl<T: 'static, S: 'static> Iterator for Generator<T, S> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.resume(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn yields_values_in_order_then_ends() {
        let mut g: Generator<i32> = Generator::new(|co| {
            for i in 1..=3 {
                co.yield_(i);
            }
        });
        assert_eq!(g.next(), Some(1));
        assert_eq!(g.next(), Some(2));
        assert_eq!(g.next(), Some(3));
        assert_eq!(g.next(), None);
        // Asking again after the end is not an error, just empty.
        assert_eq!(g.next(), None);
    }

    #[test]
    fn body_runs_only_when_pulled() {
        let started = Rc::new(Cell::new(false));
        let flag = Rc::clone(&started);
        let mut g: Generator<i32> = Generator::new(move |co| {
            flag.set(true);
            co.yield_(1);
        });
        assert!(!started.get());
        g.next();
        assert!(started.get());
    }

    #[test]
    fn send_replaces_the_value_of_yield() {
        let mut g: Generator<i32, i32> = Generator::new(|co| {
            let mut n = 5;
            while n >= 0 {
                match co.yield_(n) {
                    Some(new) => n = new,
                    None => n -= 1,
                }
            }
        });
        assert_eq!(g.next(), Some(5));
        assert_eq!(g.send(3), Some(3));
        assert_eq!(g.collect::<Vec<_>>(), [2, 1, 0]);
    }

    #[test]
    fn dropping_a_suspended_generator_runs_its_destructors() {
        struct Guard(Rc<Cell<u32>>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        let drops = Rc::new(Cell::new(0));
        let counter = Rc::clone(&drops);
        let mut g: Generator<()> = Generator::new(move |co| {
            let _guard = Guard(counter);
            loop {
                co.yield_(());
            }
        });
        g.next();
        assert_eq!(drops.get(), 0);
        drop(g);
        assert_eq!(drops.get(), 1);
    }
}
