//! Cancel scopes: a deadline (or a cancel from elsewhere) applied to a block of async code,
//! with shielding for cleanup that must finish (trio's `move_on_after` / `fail_after` /
//! `CancelScope(shield=True)`, asyncio's `async with timeout():`).
//!
//! Rust cancels a future by dropping it, so a scope runs its body as a future and drops it
//! when the deadline passes or [`CancelScope::cancel`] is called; code after the scope then
//! runs as trio's does after a `move_on_after` block. What drop alone cannot express is the
//! shield: a [`shield`]ed section inside the body (closing a connection politely, writing a
//! journal entry) holds the cancellation off until it completes, and only then is the body
//! dropped. Scopes nest; a shield holds off every scope it is inside of.
//!
//! ```
//! use std::time::Duration;
//! use weave_combinators::{move_on_after, shield};
//!
//! # // A paused clock: the deadlines below are exact, whatever the machine's speed.
//! # let driver = weave_timer::TimerDriver::with_clock(weave_core::ThreadParker::new(), weave_core::ManualClock::new());
//! # let _timer = driver.handle().enter();
//! # weave_executor::LocalExecutor::with_park(driver).block_on(async {
//! let finished = move_on_after(Duration::from_millis(10), async {
//!     weave_timer::sleep(Duration::from_secs(60)).await; // cancelled here
//!     "never"
//! })
//! .await;
//! assert_eq!(finished, None);
//!
//! let mut cleaned_up = false;
//! let _ = move_on_after(Duration::from_millis(5), async {
//!     shield(async {
//!         // Outlives the deadline: the scope waits for the shield before cancelling.
//!         weave_timer::sleep(Duration::from_millis(20)).await;
//!         cleaned_up = true;
//!     })
//!     .await;
//!     weave_timer::sleep(Duration::from_secs(60)).await; // cancelled here instead
//! })
//! .await;
//! assert!(cleaned_up);
//! # });
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use weave_core::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use weave_core::loom::sync::{Arc, Mutex};
use weave_timer::{Instant, Sleep};

/// A handle to a cancel scope: clone it to cancel the scope or move its deadline from
/// another task or thread, and [`run`](CancelScope::run) a body inside it.
///
/// ```
/// use weave_combinators::CancelScope;
///
/// # futures::executor::block_on(async {
/// let scope = CancelScope::new();
/// let remote = scope.clone();
/// let out = scope
///     .run(async move {
///         remote.cancel(); // e.g. from a "stop" button's task
///         std::future::pending::<()>().await
///     })
///     .await;
/// assert_eq!(out, None);
/// assert!(scope.is_cancelled());
/// # });
/// ```
#[derive(Clone)]
pub struct CancelScope {
    state: Arc<ScopeState>,
}

struct ScopeState {
    deadline: Mutex<Option<Instant>>,
    /// Bumped by `set_deadline` so the running scope re-arms its timer.
    deadline_changes: AtomicUsize,
    cancelled: AtomicBool,
    /// Shielded sections currently running inside this scope.
    shields: AtomicUsize,
    /// The task running the scope's body, woken by `cancel`, `set_deadline` and shields.
    waker: Mutex<Option<Waker>>,
}

/// Why a [`fail_after`] / [`fail_at`] body did not finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled {
    deadline_passed: bool,
}

impl Cancelled {
    /// True if the deadline passed; false if [`CancelScope::cancel`] was called.
    pub fn is_deadline(&self) -> bool {
        self.deadline_passed
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.deadline_passed {
            f.write_str("cancel scope: the deadline passed before the body finished")
        } else {
            f.write_str("cancel scope: cancelled before the body finished")
        }
    }
}

impl std::error::Error for Cancelled {}

weave_core::loom::thread_local! {
    /// The scopes whose bodies are being polled on this thread, innermost last: a shield
    /// polled now is inside all of them.
    static ACTIVE: RefCell<Vec<Arc<ScopeState>>> = const { RefCell::new(Vec::new()) };
}

impl CancelScope {
    /// A scope with no deadline (cancelled only by [`cancel`](CancelScope::cancel)).
    pub fn new() -> CancelScope {
        CancelScope {
            state: Arc::new(ScopeState {
                deadline: Mutex::new(None),
                deadline_changes: AtomicUsize::new(0),
                cancelled: AtomicBool::new(false),
                shields: AtomicUsize::new(0),
                waker: Mutex::new(None),
            }),
        }
    }

    /// A scope cancelled at `deadline`.
    pub fn with_deadline(deadline: Instant) -> CancelScope {
        let scope = CancelScope::new();
        scope.set_deadline(Some(deadline));
        scope
    }

    /// A scope cancelled `duration` from now (a `duration` too large to represent means no
    /// deadline).
    pub fn after(duration: Duration) -> CancelScope {
        let scope = CancelScope::new();
        scope.set_deadline(Instant::now().checked_add(duration));
        scope
    }

    /// Cancels the scope: its body is dropped at its next suspension point outside a
    /// shield. Idempotent; works from any thread.
    pub fn cancel(&self) {
        self.state.cancelled.store(true, SeqCst);
        self.state.wake();
    }

    /// True once the scope was cancelled or its deadline passed (as seen by its body).
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.load(SeqCst)
    }

    /// The current deadline.
    pub fn deadline(&self) -> Option<Instant> {
        *self
            .state
            .deadline
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the deadline (earlier or later), or removes it with `None`, while the body
    /// runs; asyncio's `Timeout.reschedule`.
    pub fn set_deadline(&self, deadline: Option<Instant>) {
        *self
            .state
            .deadline
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = deadline;
        self.state.deadline_changes.fetch_add(1, SeqCst);
        self.state.wake();
    }

    /// Runs `body` inside the scope: `Some(output)` if it finished, `None` if the scope was
    /// cancelled first (the body was dropped, after any running [`shield`]).
    pub async fn run<F: Future>(&self, body: F) -> Option<F::Output> {
        Scoped {
            state: self.state.clone(),
            body: Some(Box::pin(body)),
            timer: None,
            armed_for: usize::MAX,
        }
        .await
    }
}

impl Default for CancelScope {
    fn default() -> Self {
        CancelScope::new()
    }
}

impl fmt::Debug for CancelScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelScope")
            .field("deadline", &self.deadline())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl ScopeState {
    fn wake(&self) {
        let waker = self.waker.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The future behind [`CancelScope::run`].
struct Scoped<F: Future> {
    state: Arc<ScopeState>,
    /// Boxed so the scope itself is `Unpin`; `None` once dropped by cancellation.
    body: Option<Pin<Box<F>>>,
    timer: Option<Pin<Box<Sleep>>>,
    /// The `deadline_changes` value the timer was armed for.
    armed_for: usize,
}

impl<F: Future> Scoped<F> {
    /// Re-arms the timer after a deadline change; returns true if the deadline has passed.
    fn deadline_passed(&mut self, cx: &mut Context<'_>) -> bool {
        let changes = self.state.deadline_changes.load(SeqCst);
        if changes != self.armed_for {
            self.armed_for = changes;
            self.timer = (*self
                .state
                .deadline
                .lock()
                .unwrap_or_else(|e| e.into_inner()))
            .map(|deadline| Box::pin(weave_timer::sleep_until(deadline)));
        }
        match &mut self.timer {
            Some(timer) => timer.as_mut().poll(cx).is_ready(),
            None => false,
        }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // Register first, so a cancel or shield exit after our checks wakes us.
        *this.state.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        if this.deadline_passed(cx) {
            this.state.cancelled.store(true, SeqCst);
        }
        let cancelled = this.state.cancelled.load(SeqCst);
        if cancelled && this.state.shields.load(SeqCst) == 0 {
            this.body = None;
            return Poll::Ready(None);
        }
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        ACTIVE.with(|active| active.borrow_mut().push(this.state.clone()));
        let _pop = PopOnDrop;
        match body.as_mut().poll(cx) {
            Poll::Ready(output) => Poll::Ready(Some(output)),
            Poll::Pending => {
                // A shield that ended during this poll may have been the last one holding a
                // cancellation off: look again rather than wait for a wake that was ours.
                if this.state.cancelled.load(SeqCst) && this.state.shields.load(SeqCst) == 0 {
                    this.body = None;
                    return Poll::Ready(None);
                }
                Poll::Pending
            }
        }
    }
}

/// Pops this thread's innermost active scope, even if the body panics.
struct PopOnDrop;

impl Drop for PopOnDrop {
    fn drop(&mut self) {
        let _ = ACTIVE.try_with(|active| active.borrow_mut().pop());
    }
}

/// Runs `future` to completion even if an enclosing cancel scope is cancelled meanwhile:
/// the scope waits for it, then cancels the rest of its body. For cleanup that must not
/// be cut short. A shield created outside any scope is a plain wrapper.
///
/// ```
/// use weave_combinators::{shield, CancelScope};
///
/// # futures::executor::block_on(async {
/// let scope = CancelScope::new();
/// let canceller = scope.clone();
/// let out = scope
///     .run(async move {
///         let saved = shield(async move {
///             canceller.cancel(); // cancellation arrives mid-cleanup...
///             weave_core::task::yield_now().await;
///             "journal written" // ...and the cleanup still finishes
///         })
///         .await;
///         assert_eq!(saved, "journal written");
///         std::future::pending::<()>().await; // cancelled here
///     })
///     .await;
/// assert_eq!(out, None);
/// # });
/// ```
pub fn shield<F: Future>(future: F) -> Shield<F> {
    Shield {
        future: Box::pin(future),
        holding: None,
    }
}

/// The future returned by [`shield`].
pub struct Shield<F: Future> {
    future: Pin<Box<F>>,
    /// The scopes this shield holds off, taken at its first poll; released when it ends.
    holding: Option<Vec<Arc<ScopeState>>>,
}

impl<F: Future> Future for Shield<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if this.holding.is_none() {
            let scopes = ACTIVE.with(|active| active.borrow().clone());
            for scope in &scopes {
                scope.shields.fetch_add(1, SeqCst);
            }
            this.holding = Some(scopes);
        }
        let output = this.future.as_mut().poll(cx);
        if output.is_ready() {
            this.release();
        }
        output
    }
}

impl<F: Future> Shield<F> {
    fn release(&mut self) {
        for scope in self.holding.take().unwrap_or_default() {
            if scope.shields.fetch_sub(1, SeqCst) == 1 && scope.cancelled.load(SeqCst) {
                scope.wake();
            }
        }
    }
}

impl<F: Future> Drop for Shield<F> {
    fn drop(&mut self) {
        self.release();
    }
}

impl<F: Future> fmt::Debug for Shield<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shield").finish_non_exhaustive()
    }
}

/// Runs `body`, giving up at `duration` from now: `Some(output)` or `None` (trio's
/// `move_on_after`). Unlike a plain timeout, a [`shield`]ed section inside `body` finishes
/// first.
pub async fn move_on_after<F: Future>(duration: Duration, body: F) -> Option<F::Output> {
    CancelScope::after(duration).run(body).await
}

/// Runs `body`, giving up at `deadline` (trio's `move_on_at`).
pub async fn move_on_at<F: Future>(deadline: Instant, body: F) -> Option<F::Output> {
    CancelScope::with_deadline(deadline).run(body).await
}

/// Runs `body`, failing with [`Cancelled`] at `duration` from now (trio's `fail_after`,
/// asyncio's `async with timeout(d)`).
///
/// ```
/// use std::time::Duration;
///
/// # // A paused clock: the deadlines below are exact, whatever the machine's speed.
/// # let driver = weave_timer::TimerDriver::with_clock(weave_core::ThreadParker::new(), weave_core::ManualClock::new());
/// # let _timer = driver.handle().enter();
/// # weave_executor::LocalExecutor::with_park(driver).block_on(async {
/// let err = weave_combinators::fail_after(Duration::from_millis(1), std::future::pending::<()>())
///     .await
///     .unwrap_err();
/// assert!(err.is_deadline());
/// # });
/// ```
pub async fn fail_after<F: Future>(duration: Duration, body: F) -> Result<F::Output, Cancelled> {
    let scope = CancelScope::after(duration);
    finish(&scope, scope.run(body).await)
}

/// Runs `body`, failing with [`Cancelled`] at `deadline` (trio's `fail_at`).
pub async fn fail_at<F: Future>(deadline: Instant, body: F) -> Result<F::Output, Cancelled> {
    let scope = CancelScope::with_deadline(deadline);
    finish(&scope, scope.run(body).await)
}

fn finish<T>(scope: &CancelScope, output: Option<T>) -> Result<T, Cancelled> {
    output.ok_or_else(|| Cancelled {
        deadline_passed: scope
            .deadline()
            .is_some_and(|deadline| Instant::now() >= deadline),
    })
}

#[cfg(all(test, loom))]
mod loom_tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use weave_core::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use weave_core::loom::sync::Arc;
    use weave_core::loom::thread;

    use super::{shield, CancelScope};

    /// Pending once (waking itself), then ready: a shielded section with one suspension.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn loom_cancel_from_another_thread_always_ends_the_scope() {
        loom::model(|| {
            let scope = CancelScope::new();
            let remote = scope.clone();
            let canceller = thread::spawn(move || remote.cancel());
            // A lost wake would leave this blocked forever: loom reports the deadlock.
            let out = loom::future::block_on(scope.run(std::future::pending::<()>()));
            canceller.join().unwrap();
            assert_eq!(out, None);
        });
    }

    #[test]
    fn loom_cancel_racing_a_shield_waits_for_the_shield() {
        loom::model(|| {
            let scope = CancelScope::new();
            let remote = scope.clone();
            let started = Arc::new(AtomicBool::new(false));
            let finished = Arc::new(AtomicBool::new(false));
            let (s, f) = (started.clone(), finished.clone());
            let canceller = thread::spawn(move || remote.cancel());
            let out = loom::future::block_on(scope.run(async move {
                shield(async move {
                    s.store(true, SeqCst);
                    YieldOnce(false).await; // the cancel may land here
                    f.store(true, SeqCst);
                })
                .await;
                std::future::pending::<()>().await
            }));
            canceller.join().unwrap();
            assert_eq!(out, None);
            // The cancel may come before the body starts; once the shield has started,
            // the scope must let it finish before dropping the body.
            if started.load(SeqCst) {
                assert!(finished.load(SeqCst), "a shielded section was cut in half");
            }
        });
    }
}
