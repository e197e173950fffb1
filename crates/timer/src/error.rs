//! Errors of the time utilities.

use std::fmt;

/// Returned by [`timeout`](crate::timeout) and [`timeout_at`](crate::timeout_at) when the
/// deadline passed before the future completed (asyncio's `TimeoutError`).
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
///
/// futures::executor::block_on(async {
///     let err = weave_timer::timeout(Duration::from_millis(1), std::future::pending::<()>())
///         .await
///         .unwrap_err();
///     assert_eq!(err.to_string(), "deadline has elapsed");
///     let io: std::io::Error = err.into();
///     assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(pub(crate) ());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}
