//! `Runnable`: the right to poll a task once, handed to an executor's run queue.

use std::fmt;
use std::ptr::NonNull;
use std::task::Waker;

use super::header::Header;
use super::{waker, Id};

/// A task that is ready to be polled. Executors keep these in their run queues.
///
/// [`run`](Runnable::run) polls the task once; if the task is woken later, its scheduler's
/// [`Schedule::schedule`](crate::Schedule::schedule) receives a new `Runnable`. At most one
/// `Runnable` exists per task at any time.
///
/// Dropping a `Runnable` without running it cancels the task: its future is dropped on the
/// dropping thread and its `JoinHandle` resolves to a cancelled [`JoinError`](crate::JoinError).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weave_core::task::{self, Runnable};
///
/// // The smallest executor: a queue of runnables.
/// let queue = Arc::new(Mutex::new(Vec::<Runnable>::new()));
/// let q = queue.clone();
/// let (runnable, handle) = task::spawn(async { 1 + 2 }, move |r: Runnable| q.lock().unwrap().push(r));
/// runnable.run();
/// assert!(handle.is_finished());
/// ```
pub struct Runnable {
    ptr: NonNull<Header>,
}

/// How one [`Runnable::run`] ended.
///
/// Executors with a "run next" slot use it to tell a task that woke another and now waits
/// for it (ping-pong: let the woken one run at once, while its data is in cache) from a
/// task that finished and woke whoever awaited it (a parent awaiting many children: let it
/// queue behind the other children, so it runs once instead of after each).
///
/// ```
/// use weave_core::task::{self, RunOutcome, Runnable};
///
/// let (runnable, _handle) = task::spawn(async { 7 }, |_: Runnable| {});
/// assert_eq!(runnable.run(), RunOutcome::Finished);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The future returned `Pending`: the task waits for a wake, or was handed back to its
    /// scheduler because it woke itself during the poll.
    Pending,
    /// The task is finished (completed, panicked or cancelled), now or before this run.
    Finished,
}

// SAFETY: a `Runnable` is created only for `Send` futures (`task::spawn`) or by executors that
// promise, through `spawn_unchecked`'s contract, to run and drop it on the owning thread.
unsafe impl Send for Runnable {}
// SAFETY: `&Runnable` only reads the immutable id and metadata.
unsafe impl Sync for Runnable {}

impl Runnable {
    pub(crate) fn from_raw(ptr: NonNull<Header>) -> Runnable {
        Runnable { ptr }
    }

    fn header(&self) -> &Header {
        // SAFETY: the `Runnable` holds a reference.
        unsafe { self.ptr.as_ref() }
    }

    /// Polls the task once, catching a panic into its `JoinHandle`, and says how the poll
    /// ended.
    ///
    /// If the task is woken while it runs, it is handed back to its scheduler through
    /// [`Schedule::yield_now`](crate::Schedule::yield_now) after this poll.
    pub fn run(self) -> RunOutcome {
        let ptr = self.ptr;
        let vtable = self.header().vtable;
        std::mem::forget(self);
        // SAFETY: we pass on the reference this `Runnable` held.
        unsafe { (vtable.run)(ptr) }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.header().id
    }

    /// The task's name, if it was spawned with one.
    pub fn name(&self) -> Option<&str> {
        self.header().name()
    }

    /// A waker for this task (it takes a reference of its own).
    pub fn waker(&self) -> Waker {
        self.header().state.ref_inc();
        // SAFETY: the reference just taken is transferred to the waker.
        unsafe { waker::owned(self.ptr) }
    }
}

impl Drop for Runnable {
    fn drop(&mut self) {
        // SAFETY: the `Runnable`'s reference is handed to `shutdown`, which cancels the task.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }
}

impl fmt::Debug for Runnable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runnable")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("state", &self.header().state.load())
            .finish()
    }
}
