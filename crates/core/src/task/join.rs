//! The awaiting side of a task: `JoinHandle` and `AbortHandle`.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use super::header::Header;
use super::state::{WakeAction, COMPLETE};
use super::{Id, JoinError};
use crate::budget;

/// An owned permission to await a task's output, like asyncio's `Task`.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task panicked or was
/// cancelled. Dropping it detaches the task, which keeps running.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = ex.spawn(async { "done" });
/// assert!(!handle.is_finished());
/// assert_eq!(ex.block_on(handle).unwrap(), "done");
/// ```
pub struct JoinHandle<T> {
    ptr: NonNull<Header>,
    _output: PhantomData<T>,
}

// SAFETY: the handle only moves `T` out of the task (so `T: Send` suffices) and touches the
// task's shared state through atomics.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only reads the id and the atomic state, or wakes the task via `abort`.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn from_raw(ptr: NonNull<Header>) -> JoinHandle<T> {
        JoinHandle {
            ptr,
            _output: PhantomData,
        }
    }

    fn header(&self) -> &Header {
        // SAFETY: the handle holds a reference.
        unsafe { self.ptr.as_ref() }
    }

    /// Requests cancellation. The future is dropped at its executor's next chance (on its
    /// thread), and awaiting this handle then gives a cancelled `JoinError`, unless the
    /// task had already finished.
    ///
    /// ```
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let handle = ex.spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(ex.block_on(handle).unwrap_err().is_cancelled());
    /// ```
    pub fn abort(&self) {
        abort(self.ptr);
    }

    /// A handle that can abort the task without owning its output.
    pub fn abort_handle(&self) -> AbortHandle {
        self.header().state.ref_inc();
        AbortHandle { ptr: self.ptr }
    }

    /// True once the task finished (completed, panicked or was cancelled).
    pub fn is_finished(&self) -> bool {
        self.header().state.load().has(COMPLETE)
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.header().id
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(budget::poll_proceed(cx));
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `out` has the type `read_output` writes for a task whose output is `T`.
        unsafe {
            (self.header().vtable.read_output)(self.ptr, &mut out as *mut _ as *mut (), cx.waker())
        };
        if out.is_ready() {
            coop.made_progress();
        }
        out
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: hands the handle's reference to the task, which drops any unread output here.
        unsafe { (self.header().vtable.drop_join_handle)(self.ptr) }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("state", &self.header().state.load())
            .finish()
    }
}

/// Aborts a task without owning its output; `Clone`, `Send` and `Sync`.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = ex.spawn(std::future::pending::<()>());
/// let aborter = handle.abort_handle();
/// aborter.abort();
/// assert!(ex.block_on(handle).unwrap_err().is_cancelled());
/// assert!(aborter.is_finished());
/// ```
pub struct AbortHandle {
    ptr: NonNull<Header>,
}

// SAFETY: an `AbortHandle` never touches the future or output, only the atomic state.
unsafe impl Send for AbortHandle {}
// SAFETY: as above.
unsafe impl Sync for AbortHandle {}

impl AbortHandle {
    fn header(&self) -> &Header {
        // SAFETY: the handle holds a reference.
        unsafe { self.ptr.as_ref() }
    }

    /// Requests cancellation (see [`JoinHandle::abort`]).
    pub fn abort(&self) {
        abort(self.ptr);
    }

    /// True once the task finished.
    pub fn is_finished(&self) -> bool {
        self.header().state.load().has(COMPLETE)
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.header().id
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> Self {
        self.header().state.ref_inc();
        AbortHandle { ptr: self.ptr }
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        if self.header().state.ref_dec() {
            // SAFETY: that was the last reference.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}

fn abort(ptr: NonNull<Header>) {
    // SAFETY: called by a handle holding a reference.
    let header = unsafe { ptr.as_ref() };
    if let WakeAction::Submit = header.state.abort() {
        // SAFETY: `abort` took a reference for the `Runnable` that will drop the future on its
        // executor's thread.
        unsafe { (header.vtable.schedule)(ptr) }
    }
}
