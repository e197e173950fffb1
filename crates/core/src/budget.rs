//! Cooperative scheduling: each task poll gets a budget of operations, so a task whose
//! resources are always ready still yields to its neighbours.
//!
//! [`Runnable::run`](crate::Runnable::run) polls every task with its budget set to
//! [`INITIAL_BUDGET`] and its id recorded for [`id`]; executors give the future they
//! `block_on` a budget too, with [`with_budget`]. Leaf resources (channels,
//! timers, sockets, `JoinHandle`s) call [`poll_proceed`] before doing work: once the budget
//! is spent, they return `Pending` (after waking the task), which sends the task to the back
//! of the run queue. Outside an executor's poll (say under `futures::executor::block_on`)
//! there is no budget and resources never refuse.
//!
//! The idea is tokio's `coop` module; the cost here is one thread-local read and write.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::task::Id;

/// Operations a task may perform per poll before leaf resources make it yield.
pub const INITIAL_BUDGET: u8 = 128;

/// `None` means unconstrained.
#[derive(Clone, Copy)]
struct Budget(Option<u8>);

struct TaskContext {
    budget: Cell<Budget>,
    current: Cell<Option<Id>>,
}

crate::loom::thread_local! {
    static CONTEXT: TaskContext = const {
        TaskContext {
            budget: Cell::new(Budget(None)),
            current: Cell::new(None),
        }
    };
}

/// Restores the previous budget and task id when a poll ends (even by panic).
#[must_use]
pub(crate) struct TaskGuard {
    budget: Budget,
    current: Option<Id>,
}

/// Marks the start of a task's poll: fresh budget, current id set.
pub(crate) fn enter_task(id: Id) -> TaskGuard {
    CONTEXT.with(|c| TaskGuard {
        budget: c.budget.replace(Budget(Some(INITIAL_BUDGET))),
        current: c.current.replace(Some(id)),
    })
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        // `try_with`: the thread may be tearing down its thread-locals.
        let _ = CONTEXT.try_with(|c| {
            c.budget.set(self.budget);
            c.current.set(self.current);
        });
    }
}

/// Runs `f` with a fresh budget, as executors do around a `block_on` future's poll.
///
/// ```
/// let spent = weave_core::budget::with_budget(|| weave_core::budget::has_budget_remaining());
/// assert!(spent);
/// ```
pub fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    let _guard = CONTEXT.with(|c| RestoreBudget(c.budget.replace(Budget(Some(INITIAL_BUDGET)))));
    f()
}

struct RestoreBudget(Budget);

impl Drop for RestoreBudget {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.budget.set(self.0));
    }
}

/// The id of the task being polled on this thread; panics outside a task.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = ex.spawn(async { weave_core::task::id() });
/// let expected = handle.id();
/// assert_eq!(ex.block_on(handle).unwrap(), expected);
/// ```
#[track_caller]
pub fn id() -> Id {
    try_id().expect(
        "weave_core::task::id() called outside a task (no task is being polled on this thread)",
    )
}

/// The id of the task being polled on this thread, if any.
pub fn try_id() -> Option<Id> {
    CONTEXT.try_with(|c| c.current.get()).ok().flatten()
}

/// True if the current poll may still do work (always true outside an executor).
#[inline]
pub fn has_budget_remaining() -> bool {
    CONTEXT
        .try_with(|c| c.budget.get().0 != Some(0))
        .unwrap_or(true)
}

/// Checks the budget before a leaf resource does work.
///
/// On `Ready`, one unit was spent; call [`RestoreOnPending::made_progress`] if the resource
/// then produced a value, otherwise dropping the guard refunds the unit. On `Pending`, the
/// budget is spent and the task was woken so it runs again after its neighbours.
///
/// ```
/// use std::task::{Context, Poll};
/// use weave_core::budget::poll_proceed;
///
/// /// A resource that is always ready still lets other tasks run.
/// fn poll_next_value(cx: &mut Context<'_>) -> Poll<u32> {
///     let coop = std::task::ready!(poll_proceed(cx));
///     coop.made_progress();
///     Poll::Ready(7)
/// }
/// ```
// Inlined: every leaf future calls it on every poll, across crates (callgrind: 12-15 % of
// an uncontended mutex lock or a bounded send went to the call itself).
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let before = CONTEXT.try_with(|c| {
        let before = c.budget.get();
        match before.0 {
            Some(0) => None,
            Some(n) => {
                c.budget.set(Budget(Some(n - 1)));
                Some(before)
            }
            None => Some(before),
        }
    });
    match before {
        Ok(Some(before)) => Poll::Ready(RestoreOnPending(Cell::new(Some(before)))),
        Ok(None) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        // Thread-locals are gone (thread exit): do not throttle.
        Err(_) => Poll::Ready(RestoreOnPending(Cell::new(None))),
    }
}

/// Refunds the budget unit taken by [`poll_proceed`] unless the resource made progress.
#[derive(Debug)]
#[must_use]
pub struct RestoreOnPending(Cell<Option<Budget>>);

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl RestoreOnPending {
    /// The operation produced a value: keep the unit spent.
    #[inline]
    pub fn made_progress(&self) {
        self.0.set(None);
    }
}

impl Drop for RestoreOnPending {
    #[inline]
    fn drop(&mut self) {
        if let Some(before) = self.0.get() {
            let _ = CONTEXT.try_with(|c| c.budget.set(before));
        }
    }
}

/// Spends one unit of budget, yielding if it is exhausted. Put it in loops that do work
/// without touching any Weave resource.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// LocalExecutor::new().block_on(async {
///     for _ in 0..1_000 {
///         weave_core::task::consume_budget().await; // yields every 128 iterations
///     }
/// });
/// ```
pub fn consume_budget() -> ConsumeBudget {
    ConsumeBudget { done: false }
}

/// The future returned by [`consume_budget`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct ConsumeBudget {
    done: bool,
}

impl Future for ConsumeBudget {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        ready!(poll_proceed(cx)).made_progress();
        self.done = true;
        Poll::Ready(())
    }
}

/// Runs `future` without a budget: its resources never force it to yield.
///
/// Use it for a task that must drain a channel in one go; it can starve its neighbours.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let v = LocalExecutor::new().block_on(weave_core::task::unconstrained(async { 1 }));
/// assert_eq!(v, 1);
/// ```
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

/// The future returned by [`unconstrained`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Unconstrained<F> {
    future: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: structural pinning: `future` is never moved out of the pinned struct.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        let _guard = CONTEXT.with(|c| RestoreBudget(c.budget.replace(Budget(None))));
        future.poll(cx)
    }
}
