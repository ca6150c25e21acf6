// Slide 90 (cocrash.py) written in Rust: two threads sending into one
// coroutine. The compiler refuses it: a coroutine cannot be reached from
// another thread. `tests/compile_fail.rs` checks the refusal and its
// reason against `cocrash.stderr`.
use std::sync::{Arc, Mutex};
use std::thread;

use part1_generators::Target;
use part2_pipelines::cobroadcast::printer;

// ANCHOR: main
fn main() {
    // Python: p = printer(), shared by two threads. The usual way to
    // share a value between threads, Arc<Mutex<..>>, is not enough: the
    // value itself must be allowed to move between threads (`Send`),
    // and a coroutine is not.
    let p = Arc::new(Mutex::new(printer()));
    let q = Arc::clone(&p);
    let foo = thread::spawn(move || q.lock().unwrap().send("foo\n".into()));
    p.lock().unwrap().send("bar\n".into()).ok();
    foo.join().ok();
}
// ANCHOR_END: main
