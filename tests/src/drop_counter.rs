//! `DropCounter`: counts live values, to prove that destructors ran.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// Adds one to a shared count when created and takes it back when dropped.
///
/// Move one into a future and the count says whether that future is still alive: after an
/// abort or a shutdown it must drop to zero.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use std::sync::Arc;
/// use weave_tests::DropCounter;
///
/// let live = Arc::new(AtomicUsize::new(0));
/// let a = DropCounter::new(&live);
/// let b = DropCounter::new(&live);
/// assert_eq!(live.load(SeqCst), 2);
/// drop((a, b));
/// assert_eq!(live.load(SeqCst), 0);
/// ```
#[derive(Debug)]
pub struct DropCounter {
    live: Arc<AtomicUsize>,
}

impl DropCounter {
    /// Counts one more live value in `live`.
    pub fn new(live: &Arc<AtomicUsize>) -> DropCounter {
        live.fetch_add(1, SeqCst);
        DropCounter { live: live.clone() }
    }
}

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.live.fetch_sub(1, SeqCst);
    }
}

/// Wraps `future` so that it counts as live in `live` from now until it is dropped, whether
/// it completed, was never polled, or was cancelled halfway.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use std::sync::Arc;
/// use weave_tests::counted;
///
/// let live = Arc::new(AtomicUsize::new(0));
/// let never_polled = counted(&live, std::future::pending::<()>());
/// assert_eq!(live.load(SeqCst), 1);
/// drop(never_polled);
/// assert_eq!(live.load(SeqCst), 0);
/// ```
pub fn counted<F: Future>(live: &Arc<AtomicUsize>, future: F) -> impl Future<Output = F::Output> {
    let counter = DropCounter::new(live);
    async move {
        let _counter = counter;
        future.await
    }
}
