//! [`Barrier`]: `n` tasks wait until all `n` have arrived. asyncio's `Barrier`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::Mutex;

use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

/// Lets `n` tasks meet: each [`wait`](Barrier::wait) returns once `n` waits are pending,
/// then the barrier resets for the next round.
///
/// ```
/// use std::sync::Arc;
/// use weave_sync::Barrier;
///
/// # futures::executor::block_on(async {
/// let barrier = Arc::new(Barrier::new(2));
/// let b = barrier.clone();
/// let other = std::thread::spawn(move || futures::executor::block_on(b.wait()).is_leader());
/// let me = barrier.wait().await.is_leader();
/// assert!(me ^ other.join().unwrap()); // exactly one leader per round
/// # });
/// ```
pub struct Barrier {
    n: usize,
    state: Mutex<State>,
}

struct State {
    arrived: usize,
    waiters: WaitList<()>,
}

/// What [`Barrier::wait`] returns: one task per round is the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this task completed the round (exactly one per round).
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for `n` tasks (`n == 0` behaves like 1).
    pub fn new(n: usize) -> Self {
        Self {
            n: n.max(1),
            state: Mutex::new(State {
                arrived: 0,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Arrives and waits for the round to fill. Cancel-safe: dropping a waiting future
    /// takes its arrival back, so the round still needs `n` live tasks.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let b = weave_sync::Barrier::new(1);
    /// assert!(b.wait().await.is_leader());
    /// # });
    /// ```
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            barrier: self,
            key: None,
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").field("n", &self.n).finish()
    }
}

/// The future of [`Barrier::wait`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct BarrierWait<'a> {
    barrier: &'a Barrier,
    key: Option<Key>,
}

impl Future for BarrierWait<'_> {
    type Output = BarrierWaitResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.barrier.state);
        let leader = match this.key {
            Some(key) => {
                ready!(state.waiters.poll_key(key, cx));
                this.key = None;
                false
            }
            None => {
                state.arrived += 1;
                if state.arrived < this.barrier.n {
                    this.key = Some(state.waiters.push_back(cx.waker().clone(), ()));
                    return Poll::Pending;
                }
                state.arrived = 0;
                let mut wakers = Vec::new();
                state.waiters.drain_into(&mut wakers);
                drop(state);
                wake_all(wakers);
                true
            }
        };
        coop.made_progress();
        Poll::Ready(BarrierWaitResult(leader))
    }
}

impl Drop for BarrierWait<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut state = lock(&self.barrier.state);
        let ((), released) = state.waiters.remove(key);
        if !released {
            // Still waiting: this round never counted us as complete, so leave it.
            state.arrived -= 1;
        }
    }
}
