//! Slide 90's crash does not compile in Rust.
//!
//! `compile_fail/cocrash.rs` is `cocrash.py` in Rust: two threads
//! sending into one printer coroutine. The test compiles it and checks
//! that the compiler refuses it for the reason the slides give: the
//! coroutine is not `Send`. The expected message is
//! `compile_fail/cocrash.stderr`; after a Rust or corosensei upgrade that
//! changes its wording, look at the new message and, if it still says
//! that, regenerate it with `TRYBUILD=overwrite cargo test -p
//! part4_concurrency --test compile_fail`.

#[test]
fn two_threads_into_one_coroutine_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/cocrash.rs");
}
