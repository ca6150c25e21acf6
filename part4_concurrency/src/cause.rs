//! What went wrong, without the wrappings: an error that left a stage
//! comes out of every stage it passed through, each adding "the
//! coroutine raised: ...". The reader wants the innermost reason.

use part1_generators::{CoroutineError, Exception, Fail};

/// The reason behind `error`: what the innermost stage raised.
///
/// ```
/// use part1_generators::CoroutineError;
/// use part4_concurrency::describe;
///
/// let inner = CoroutineError::Raised("bus 1485 has no <latitude>".into());
/// let outer = CoroutineError::Raised(Box::new(inner));
/// assert_eq!(outer.to_string(), "the coroutine raised: the coroutine \
///     raised: bus 1485 has no <latitude>");
/// assert_eq!(describe(&outer), "bus 1485 has no <latitude>");
/// ```
pub fn describe(error: &CoroutineError) -> String {
    match error {
        CoroutineError::Raised(inner) => describe_exception(inner),
        other => other.to_string(),
    }
}

/// The same for an error a stage raised.
pub fn describe_exception(error: &Exception) -> String {
    match error.downcast_ref::<CoroutineError>() {
        Some(e) => describe(e),
        None => error.to_string(),
    }
}

/// A lesson's failure from a stage's error, said with its innermost
/// reason: `worker.close().map_err(cause)?`.
pub fn cause(error: CoroutineError) -> Fail {
    Fail::new(describe(&error))
}
