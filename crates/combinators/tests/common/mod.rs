//! Helpers shared by this crate's integration tests.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use weave_executor::{LocalExecutor, ThreadPool};

/// `n` normally, `small` under miri (which is ~1000x slower).
pub fn size(n: usize, small: usize) -> usize {
    if cfg!(miri) {
        small
    } else {
        n
    }
}

/// Runs `make()`'s future on a two-worker `ThreadPool`, a `LocalExecutor` and
/// `futures::executor::block_on`, checking the same outcome on each.
///
/// Under miri the pool is skipped (it dominates miri's time, and weave-executor's own miri
/// run covers it); the tests that need wakes from other threads use a pool directly.
pub fn on_every_executor<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !cfg!(miri) {
        ThreadPool::new(2).block_on(make());
    }
    LocalExecutor::new().block_on(make());
    futures::executor::block_on(make());
}

/// Runs `make()`'s future on the two Weave executors (for code that spawns); under miri a
/// one-worker pool, which still wakes across threads.
pub fn on_weave_executors<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    ThreadPool::new(if cfg!(miri) { 1 } else { 2 }).block_on(make());
    LocalExecutor::new().block_on(make());
}

/// Counts its drops: proves a future (or a value it owns) was destroyed.
#[derive(Clone, Default)]
pub struct DropCounter(pub Arc<AtomicUsize>);

impl DropCounter {
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }

    pub fn dropped(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct DropToken(Arc<AtomicUsize>);

impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Pending once (waking itself at once), then ready: a future that "wakes once".
pub struct YieldOnce {
    yielded: bool,
}

pub fn yield_once() -> YieldOnce {
    YieldOnce { yielded: false }
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A future that counts its polls in `polls`, pending until polled `ready_after` times
/// (waking itself each time).
pub struct CountPolls {
    pub polls: Arc<AtomicUsize>,
    pub ready_after: usize,
    seen: usize,
}

pub fn count_polls(polls: Arc<AtomicUsize>, ready_after: usize) -> CountPolls {
    CountPolls {
        polls,
        ready_after,
        seen: 0,
    }
}

impl Future for CountPolls {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.seen += 1;
        if self.seen >= self.ready_after {
            return Poll::Ready(self.seen);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Yields until `done()` holds, at most `100_000` times (no clocks): for effects another
/// thread or a later executor turn carries out, such as an aborted task being dropped.
pub async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100_000 {
        if done() {
            return true;
        }
        weave_core::task::yield_now().await;
    }
    done()
}
