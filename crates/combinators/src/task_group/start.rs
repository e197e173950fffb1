//! The readiness handshake of `TaskGroup::start` (trio's `nursery.start`): a one-shot slot
//! the child fills when it is ready, and the parent awaits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use weave_core::loom::sync::{Arc, Mutex};

struct Slot<R> {
    value: Option<R>,
    /// The child dropped its [`Ready`] without calling `started`.
    abandoned: bool,
    waiter: Option<Waker>,
}

pub(crate) fn pair<R>() -> (Ready<R>, Started<R>) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        abandoned: false,
        waiter: None,
    }));
    (
        Ready {
            slot: Some(slot.clone()),
        },
        Started { slot },
    )
}

/// Handed to a child started with [`TaskGroup::start`](crate::TaskGroup::start): call
/// [`started`](Ready::started) once the child is ready (listening, connected, warmed up).
///
/// ```
/// use weave_combinators::TaskGroup;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// ex.block_on(async {
///     let group = TaskGroup::with_spawner(ex.handle());
///     let port = group
///         .start(|ready| async move {
///             ready.started(8080u16); // e.g. after binding a listener
///             Ok::<_, ()>(())
///         })
///         .await
///         .unwrap();
///     assert_eq!(port, 8080);
///     group.join().await.unwrap();
/// });
/// ```
pub struct Ready<R> {
    slot: Option<Arc<Mutex<Slot<R>>>>,
}

impl<R> Ready<R> {
    /// Tells the parent the child is ready, handing it `value`.
    pub fn started(mut self, value: R) {
        self.signal(Some(value));
    }

    fn signal(&mut self, value: Option<R>) {
        if let Some(slot) = self.slot.take() {
            let waiter = {
                let mut slot = slot.lock().unwrap();
                match value {
                    Some(value) => slot.value = Some(value),
                    None => slot.abandoned = true,
                }
                slot.waiter.take()
            };
            if let Some(waiter) = waiter {
                waiter.wake();
            }
        }
    }
}

impl<R> Drop for Ready<R> {
    fn drop(&mut self) {
        self.signal(None);
    }
}

impl<R> fmt::Debug for Ready<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready").finish_non_exhaustive()
    }
}

/// The child of [`TaskGroup::start`](crate::TaskGroup::start) finished, failed or was
/// cancelled without calling [`Ready::started`]. Its error, if any, comes out of `join`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotStarted;

impl fmt::Display for NotStarted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the child ended before it signalled that it started")
    }
}

impl std::error::Error for NotStarted {}

/// The parent's side of the handshake.
pub(crate) struct Started<R> {
    slot: Arc<Mutex<Slot<R>>>,
}

impl<R> Future for Started<R> {
    type Output = Result<R, NotStarted>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.lock().unwrap();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Ok(value));
        }
        if slot.abandoned {
            return Poll::Ready(Err(NotStarted));
        }
        match &slot.waiter {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waiter = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
