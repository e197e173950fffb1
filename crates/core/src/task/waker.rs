//! Raw wakers over the task allocation: a clone is a reference-count bump, never an allocation.

use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::header::Header;
use super::state::WakeAction;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker that borrows the runner's reference for the duration of a poll.
pub(crate) struct BorrowedWaker(ManuallyDrop<Waker>);

impl Deref for BorrowedWaker {
    type Target = Waker;
    fn deref(&self) -> &Waker {
        &self.0
    }
}

/// # Safety
/// - The caller keeps a reference to the task alive for as long as the result lives.
pub(crate) unsafe fn borrowed(ptr: NonNull<Header>) -> BorrowedWaker {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: the vtable's functions follow the RawWaker contract for task pointers, and the
    // `ManuallyDrop` keeps this borrowed waker from releasing a reference it never took.
    BorrowedWaker(ManuallyDrop::new(unsafe { Waker::from_raw(raw) }))
}

/// Makes an owning waker from a reference the caller already took.
///
/// # Safety
/// - The caller transfers one reference to the returned waker.
pub(crate) unsafe fn owned(ptr: NonNull<Header>) -> Waker {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: as in `borrowed`; this waker owns the reference it will drop.
    unsafe { Waker::from_raw(raw) }
}

/// The task pointer, with the provenance of the whole allocation (not just the header).
///
/// # Safety
/// - `data` is a live task header pointer (the waker holds or borrows a reference).
unsafe fn task(data: *const ()) -> NonNull<Header> {
    // SAFETY: task pointers are never null.
    unsafe { NonNull::new_unchecked(data as *mut Header) }
}

/// # Safety
/// - `data` is the header pointer of a live task and the waker holds (or, for a borrowed
///   waker, borrows) one reference to it; `RawWakerVTable`'s contract guarantees this.
unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: a waker being cloned holds (or borrows) a reference.
    unsafe { task(data).as_ref() }.state.ref_inc();
    RawWaker::new(data, &VTABLE)
}

/// # Safety
/// - `data` is the header pointer of a live task and the waker holds (or, for a borrowed
///   waker, borrows) one reference to it; `RawWakerVTable`'s contract guarantees this.
unsafe fn wake(data: *const ()) {
    // SAFETY: the waker's own reference keeps the task alive through this call.
    let ptr = unsafe { task(data) };
    // SAFETY: as above.
    let (action, last) = unsafe { ptr.as_ref() }.state.wake(true);
    // SAFETY: as above; read before the task may be freed.
    let vtable = unsafe { ptr.as_ref() }.vtable;
    match (action, last) {
        // SAFETY: `wake` moved our reference to the new `Runnable`.
        (WakeAction::Submit, _) => unsafe { (vtable.schedule)(ptr) },
        // SAFETY: ours was the last reference.
        (WakeAction::Nothing, true) => unsafe { (vtable.dealloc)(ptr) },
        (WakeAction::Nothing, false) => {}
    }
}

/// # Safety
/// - `data` is the header pointer of a live task and the waker holds (or, for a borrowed
///   waker, borrows) one reference to it; `RawWakerVTable`'s contract guarantees this.
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker's reference keeps the task alive through this call.
    let ptr = unsafe { task(data) };
    // SAFETY: as above.
    let header = unsafe { ptr.as_ref() };
    if let (WakeAction::Submit, _) = header.state.wake(false) {
        // SAFETY: `wake` took a fresh reference for the new `Runnable`.
        unsafe { (header.vtable.schedule)(ptr) }
    }
}

/// # Safety
/// - `data` is the header pointer of a live task and the waker holds (or, for a borrowed
///   waker, borrows) one reference to it; `RawWakerVTable`'s contract guarantees this.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the waker's reference keeps the task alive through this call.
    let ptr = unsafe { task(data) };
    // SAFETY: as above; the vtable is read before the count drops.
    let (vtable, last) = unsafe { (ptr.as_ref().vtable, ptr.as_ref().state.ref_dec()) };
    if last {
        // SAFETY: that was the last reference.
        unsafe { (vtable.dealloc)(ptr) }
    }
}
