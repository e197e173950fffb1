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

/// # Safety
/// - `data` is a live task header pointer (the waker holds or borrows a reference).
unsafe fn header<'a>(data: *const ()) -> &'a Header {
    // SAFETY: see the function's contract.
    unsafe { &*(data as *const Header) }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: a waker being cloned holds (or borrows) a reference.
    unsafe { header(data) }.state.ref_inc();
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: the waker's own reference keeps the header alive through this call.
    let header = unsafe { header(data) };
    let ptr = NonNull::from(header);
    match header.state.wake(true) {
        // SAFETY: `wake` moved our reference to the new `Runnable`.
        (WakeAction::Submit, _) => unsafe { (header.vtable.schedule)(ptr) },
        (WakeAction::Nothing, true) => {
            // SAFETY: ours was the last reference.
            unsafe { (header.vtable.dealloc)(ptr) }
        }
        (WakeAction::Nothing, false) => {}
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker's reference keeps the header alive through this call.
    let header = unsafe { header(data) };
    if let (WakeAction::Submit, _) = header.state.wake(false) {
        // SAFETY: `wake` took a fresh reference for the new `Runnable`.
        unsafe { (header.vtable.schedule)(NonNull::from(header)) }
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the waker's reference keeps the header alive through this call.
    let header = unsafe { header(data) };
    if header.state.ref_dec() {
        // SAFETY: that was the last reference.
        unsafe { (header.vtable.dealloc)(NonNull::from(header)) }
    }
}
