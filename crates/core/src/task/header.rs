//! The first bytes of every task allocation: what code that does not know the future's
//! type needs to drive the task (state, vtable, id) and to keep it in a `TaskList`.

use std::panic::Location;
use std::ptr::NonNull;
use std::task::Waker;

use super::origin::Origin;
use super::state::State;
use super::{Id, RunOutcome, TaskList};
use crate::loom::cell::UnsafeCell;

/// Type-erased entry points into a task, filled in per future and scheduler type by `raw.rs`.
///
/// # Safety
/// Every entry is an `unsafe fn`; each caller promises that:
/// - the pointer is the header of a live task created by `raw::allocate` with the same
///   future and scheduler types this vtable was made for;
/// - the caller owns the reference the entry consumes (`run`, `schedule`, `drop_join_handle`,
///   `shutdown`), or holds one for the call (`read_output`); `dealloc` only after the count
///   reached zero;
/// - `read_output`'s `*mut ()` points to a `Poll<Result<T, JoinError>>` of the task's output type.
pub(crate) struct Vtable {
    /// Poll the task once (consumes the caller's `Runnable` reference).
    pub(crate) run: unsafe fn(NonNull<Header>) -> RunOutcome,
    /// Hand a `Runnable` (whose reference the caller already took) to the scheduler.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    /// Free the allocation; the reference count reached zero.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// `JoinHandle::poll`: write `Poll<Result<T, JoinError>>` into the pointer if ready.
    pub(crate) read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// `JoinHandle` drop (consumes its reference).
    pub(crate) drop_join_handle: unsafe fn(NonNull<Header>),
    /// Cancel from outside the poll loop: drop the future here if idle (consumes one reference).
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
}

/// `Header::slot` of a task that is in no `TaskList` slot.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// 48 bytes, so a trivial task's cell (88 bytes) takes glibc's 96-byte chunks: `slot` and
/// `registered` share the last word, each in its own cell since they have different owners.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static Vtable,
    pub(crate) id: Id,
    pub(crate) origin: Origin,
    /// The `TaskList` the task joins when it first waits (null: none); never changes. The
    /// list outlives the task (`TaskList::spawn`'s contract).
    pub(crate) list: *const TaskList,
    /// The task's index in its list shard's slots (`NO_SLOT`: not in the list); only
    /// touched with that shard's lock held.
    pub(crate) slot: UnsafeCell<u32>,
    /// Whether the task joined `list`; written once, by the holder of RUNNING.
    pub(crate) registered: UnsafeCell<bool>,
}

impl Header {
    pub(crate) fn name(&self) -> Option<&str> {
        self.origin.name()
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        self.origin.location()
    }
}
