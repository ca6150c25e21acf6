//! # Part 2: coroutines, pipelines and dataflow (slides 34-52)
//!
//! The stages of the Part 2 lessons, written once against
//! [`Target`] so that any stage can feed any
//! other:
//!
//! - a **source** drives the pipeline: [`follow`] sends every new line of a
//!   log file into a target. It is a plain function, not a coroutine.
//! - a **filter** receives, decides, and sends on: [`grep`].
//! - a **sink** only receives: [`printer`], and [`null`] for benchmarks.
//! - [`broadcast`] sends every item to several targets.
//!
//! ```text
//! follow ──send──▶ grep("python") ──send──▶ printer
//! ```
//!
//! A stage owns its target, so two stages cannot both be given the same
//! printer (slide 46's fan-in). This does not compile:
//!
//! ```compile_fail,E0382
//! use part2_pipelines::{broadcast, grep, printer};
//!
//! let p = printer::<String>();
//! let _b = broadcast(vec![grep("python", p), grep("ply", p)]);
//! ```
//!
//! Shared ownership has to be spelled out, with
//! [`Shared`](part1_generators::Shared):
//!
//! ```
//! use part1_generators::Shared;
//! use part2_pipelines::{broadcast, grep, printer};
//!
//! let p = Shared::new(printer::<String>());
//! let _b = broadcast(vec![grep("python", p.clone()), grep("ply", p)]);
//! ```

use std::fmt::Display;
use std::path::Path;

use part1_generators::follow::{Wait, follow_with};
use part1_generators::{Consumer, Exception, Target};

// ANCHOR: follow
/// A source: follows the file at `path` and sends every line appended to
/// it into `target`, until the target stops taking lines.
///
/// The Python original reads the file itself; we reuse Part 1's follow
/// generator and push what it yields.
pub fn follow(
    path: &Path,
    wait: Wait,
    mut target: impl Target<String>,
) -> Result<(), Exception> {
    for line in follow_with(path, wait)? {
        target.send(line)?;
    }
    Ok(())
}
// ANCHOR_END: follow

// ANCHOR: grep
/// A filter: sends on only the lines containing `pattern`.
pub fn grep<T: AsRef<str> + 'static>(
    pattern: &str,
    mut target: impl Target<T> + 'static,
) -> Consumer<T> {
    let pattern = pattern.to_owned();
    Consumer::<T>::new(move |inbox| {
        while let Some(line) = inbox.recv() {
            if line.as_ref().contains(pattern.as_str()) {
                target.send(line)?; // send to the next stage
            }
        }
        Ok(())
    })
}
// ANCHOR_END: grep

// ANCHOR: printer
/// A sink: prints every item it receives, one per line.
pub fn printer<T: Display + 'static>() -> Consumer<T> {
    Consumer::<T>::new(|inbox| {
        while let Some(line) = inbox.recv() {
            println!("{line}");
        }
        Ok(())
    })
}
// ANCHOR_END: printer

// ANCHOR: broadcast
/// Sends every item it receives to each of `targets`, in order.
pub fn broadcast<T, X>(mut targets: Vec<X>) -> Consumer<T>
where
    T: Clone + 'static,
    X: Target<T> + 'static,
{
    Consumer::<T>::new(move |inbox| {
        while let Some(item) = inbox.recv() {
            for target in &mut targets {
                target.send(item.clone())?;
            }
        }
        Ok(())
    })
}
// ANCHOR_END: broadcast

// ANCHOR: null
/// A sink that drops what it receives: a pipeline's end for benchmarks.
pub fn null<T: 'static>() -> Consumer<T> {
    Consumer::<T>::new(|inbox| {
        while inbox.recv().is_some() {}
        Ok(())
    })
}
// ANCHOR_END: null

#[cfg(test)]
mod tests {
    use super::*;
    use part1_generators::{CoroutineError, Shared};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A sink that collects into a shared vector.
    struct Collect(Rc<RefCell<Vec<String>>>);
    impl Target<String> for Collect {
        fn send(&mut self, item: String) -> Result<(), CoroutineError> {
            self.0.borrow_mut().push(item);
            Ok(())
        }
    }

    #[test]
    fn grep_passes_matching_lines_in_order() {
        let out = Rc::new(RefCell::new(Vec::new()));
        let mut g = grep("py", Collect(Rc::clone(&out)));
        for line in ["a python", "b", "c pypy", "d"] {
            g.send(line.to_string()).unwrap();
        }
        assert_eq!(*out.borrow(), ["a python", "c pypy"]);
    }

    #[test]
    fn broadcast_sends_to_every_target_in_order() {
        let out = Rc::new(RefCell::new(Vec::new()));
        let sink = Shared::new(Collect(Rc::clone(&out)));
        let mut b = broadcast(vec![
            grep("python", sink.clone()),
            grep("ply", sink.clone()),
        ]);
        b.send("python ply".to_string()).unwrap();
        b.send("ply only".to_string()).unwrap();
        b.send("neither".to_string()).unwrap();
        assert_eq!(*out.borrow(), ["python ply", "python ply", "ply only"]);
    }

    #[test]
    fn a_finished_stage_stops_the_source() {
        let mut g = grep("x", null::<String>());
        g.close().unwrap();
        assert!(g.send("x".into()).is_err());
    }
}
