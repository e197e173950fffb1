//! The typed task allocation and the vtable functions that drive its state machine.
//!
//! One allocation holds everything: `Header` (state, vtable, id), the scheduler handle,
//! the join-waker slot and the stage (the future, later its output). Every function here
//! starts from a `NonNull<Header>` and casts it back to the `Cell<F, S>` it was created as.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use super::header::{Header, Vtable, NO_SLOT};
use super::origin::Origin;
use super::state::{AfterPending, StartRun, State, COMPLETE, JOIN_INTEREST, JOIN_WAKER};
use super::{waker, Builder, Id, JoinError, RunOutcome, Runnable, Schedule, TaskList, TaskRef};
use crate::budget;
use crate::loom::cell::UnsafeCell;

/// Where the task's future, then its output, lives.
enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

// `repr(C)` keeps `header` at offset 0, so a `NonNull<Header>` is also a `NonNull<Cell>`.
#[repr(C)]
struct Cell<F: Future, S> {
    header: Header,
    scheduler: S,
    /// Written by the `JoinHandle` while `JOIN_WAKER` is clear, read by the task side while it is set.
    join_waker: UnsafeCell<Option<Waker>>,
    /// Owned by whoever holds `RUNNING` (future) or by the `JoinHandle` once `COMPLETE` (output).
    stage: UnsafeCell<Stage<F>>,
}

/// Allocates a task holding `refs` references, already notified (its first `Runnable`).
pub(crate) fn allocate<F, S>(
    future: F,
    scheduler: S,
    builder: Builder,
    refs: usize,
    list: *const TaskList,
) -> NonNull<Header>
where
    F: Future + 'static,
    S: Schedule,
{
    let cell = Box::new(Cell {
        header: Header {
            state: State::new(refs),
            vtable: vtable::<F, S>(),
            id: Id::next(),
            origin: Origin::new(builder.location, builder.name),
            list,
            slot: UnsafeCell::new(NO_SLOT),
            registered: UnsafeCell::new(false),
        },
        scheduler,
        join_waker: UnsafeCell::new(None),
        stage: UnsafeCell::new(Stage::Running(future)),
    });
    NonNull::from(Box::leak(cell)).cast()
}

fn vtable<F: Future + 'static, S: Schedule>() -> &'static Vtable {
    struct Table<F, S>(std::marker::PhantomData<(F, S)>);
    impl<F: Future + 'static, S: Schedule> Table<F, S> {
        const VTABLE: Vtable = Vtable {
            run: run::<F, S>,
            schedule: schedule::<F, S>,
            dealloc: dealloc::<F, S>,
            read_output: read_output::<F, S>,
            drop_join_handle: drop_join_handle::<F, S>,
            shutdown: shutdown::<F, S>,
        };
    }
    &Table::<F, S>::VTABLE
}

/// # Safety
/// - `ptr` came from `allocate::<F, S>` and the caller holds a reference to it.
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: the caller's reference keeps the allocation alive, and it was created as a
    // `Cell<F, S>` whose first field (repr(C)) is the header `ptr` points to.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

/// Polls the task once. Consumes the `Runnable`'s reference.
///
/// # Safety
/// - `ptr` came from `allocate::<F, S>`; the caller gives up one `Runnable` reference.
/// - For a `!Send` future: called on the thread that owns the future.
unsafe fn run<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) -> RunOutcome {
    // SAFETY: the caller passes us a live reference of this type.
    let cell = unsafe { cell::<F, S>(ptr) };
    match cell.header.state.start_run() {
        StartRun::Skip => {
            // SAFETY: we own the reference this `Runnable` held.
            unsafe { drop_reference::<F, S>(ptr) };
            return RunOutcome::Finished;
        }
        StartRun::Cancel => {
            // SAFETY: `start_run` gave us RUNNING, so the future is ours to drop.
            unsafe { cancel_and_complete::<F, S>(ptr) };
            return RunOutcome::Finished;
        }
        StartRun::Poll => {}
    }

    // The waker handed to the future borrows our reference instead of taking one: cloning it
    // is what costs a count, and most futures never clone.
    // SAFETY: `ptr` stays alive for the whole poll because we hold the runner's reference.
    let waker = unsafe { waker::borrowed(ptr) };
    let mut cx = Context::from_waker(&waker);
    let polled = catch_unwind(AssertUnwindSafe(|| {
        let _task = budget::enter_task(cell.header.id);
        // SAFETY: we hold RUNNING, which makes the stage ours alone.
        cell.stage
            .with_mut(|stage| unsafe { poll_stage(&mut *stage, &mut cx) })
    }));

    match polled {
        Ok(Poll::Pending) if !register_on_first_wait(&cell.header, ptr) => {
            // The executor shut down while this task ran its first poll.
            // SAFETY: we still hold RUNNING.
            unsafe { cancel_and_complete::<F, S>(ptr) };
            RunOutcome::Finished
        }
        Ok(Poll::Pending) => match cell.header.state.after_pending() {
            AfterPending::Idle { last_ref } => {
                if last_ref {
                    // SAFETY: the count reached zero; nobody else can reach the task.
                    unsafe { dealloc::<F, S>(ptr) };
                }
                RunOutcome::Pending
            }
            AfterPending::Notified => {
                // Woken during its own poll: back to the queue behind the others.
                cell.scheduler.yield_now(Runnable::from_raw(ptr));
                RunOutcome::Pending
            }
            AfterPending::Cancel => {
                // SAFETY: `after_pending` kept RUNNING for us.
                unsafe { cancel_and_complete::<F, S>(ptr) };
                RunOutcome::Finished
            }
        },
        Ok(Poll::Ready(())) => {
            // SAFETY: the stage holds the output and we still hold RUNNING.
            unsafe { complete::<F, S>(ptr) };
            RunOutcome::Finished
        }
        Err(payload) => {
            // The future panicked: drop it (a panicking destructor is caught as well) and
            // hand the first panic to the `JoinHandle`.
            cell.stage.with_mut(|stage| {
                // SAFETY: we still hold RUNNING.
                let stage = unsafe { &mut *stage };
                let _ = catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
                *stage = Stage::Finished(Err(JoinError::panic(&cell.header, payload)));
            });
            // SAFETY: the stage holds the output and we still hold RUNNING.
            unsafe { complete::<F, S>(ptr) };
            RunOutcome::Finished
        }
    }
}

/// Joins the task's `TaskList` the first time it waits, so shutdown can find it while idle.
/// A task that finishes in its first poll (most short tasks) never touches the list's lock.
/// Returns false if the list is closed. The caller holds RUNNING.
fn register_on_first_wait(header: &Header, ptr: NonNull<Header>) -> bool {
    if header.list.is_null() {
        return true;
    }
    // SAFETY: only the holder of RUNNING touches `registered` before completion.
    let first = header
        .registered
        .with_mut(|registered| unsafe { !std::mem::replace(&mut *registered, true) });
    if !first {
        return true;
    }
    // SAFETY: the list outlives its tasks (`TaskList::spawn_unchecked`'s contract).
    unsafe { (*header.list).link(ptr) }
}

/// # Safety
/// - The caller holds RUNNING, so nobody else touches the stage.
unsafe fn poll_stage<F: Future>(stage: &mut Stage<F>, cx: &mut Context<'_>) -> Poll<()> {
    let Stage::Running(future) = stage else {
        unreachable!("a task with RUNNING set has its future")
    };
    // SAFETY: the future lives inside the task allocation, which never moves, and it is
    // only moved out by being dropped in place below.
    let future = unsafe { Pin::new_unchecked(future) };
    match future.poll(cx) {
        Poll::Ready(output) => {
            // Drop the future before publishing the output; if its destructor panics, the
            // stage is already `Consumed` and the panic reaches `run`'s `catch_unwind`.
            *stage = Stage::Consumed;
            *stage = Stage::Finished(Ok(output));
            Poll::Ready(())
        }
        Poll::Pending => Poll::Pending,
    }
}

/// Drops the future and completes the task as cancelled.
///
/// # Safety
/// - The caller holds RUNNING and one reference, which this consumes.
unsafe fn cancel_and_complete<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the cell alive; this borrow ends before `complete`.
    let cell = unsafe { cell::<F, S>(ptr) };
    cell.stage.with_mut(|stage| {
        // SAFETY: RUNNING makes the stage ours.
        let stage = unsafe { &mut *stage };
        let error = match catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed)) {
            Ok(()) => JoinError::cancelled(&cell.header),
            Err(payload) => JoinError::panic(&cell.header, payload),
        };
        *stage = Stage::Finished(Err(error));
    });
    // SAFETY: forwarded from our caller.
    unsafe { complete::<F, S>(ptr) };
}

/// Publishes the output: sets COMPLETE, notifies the `JoinHandle`, leaves the scheduler's
/// list, and drops the caller's reference.
///
/// # Safety
/// - The caller holds RUNNING and one reference, which this consumes; the stage is `Finished`.
unsafe fn complete<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    {
        // SAFETY: the caller's reference keeps the cell alive until the drop below; the
        // borrow ends before it, so the allocation is never freed under a live reference.
        let cell = unsafe { cell::<F, S>(ptr) };
        publish_output(cell, ptr);
    }
    // SAFETY: consuming the caller's reference.
    unsafe { drop_reference::<F, S>(ptr) };
}

fn publish_output<F: Future, S: Schedule>(cell: &Cell<F, S>, ptr: NonNull<Header>) {
    let prev = cell.header.state.complete();
    if !prev.has(JOIN_INTEREST) {
        // Nobody will read the output: drop it here, where it was produced.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: without a `JoinHandle` the output is still ours after COMPLETE.
            cell.stage
                .with_mut(|stage| unsafe { *stage = Stage::Consumed })
        }));
    } else if prev.has(JOIN_WAKER) {
        // A foreign waker may panic. Catch it: unwinding from here would leave JOIN_WAKER set
        // and the task in its list, and would take the executor's worker thread down with it.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: JOIN_WAKER was set when we completed, so the slot is ours to read until
            // we clear the flag; the handle does not write it meanwhile.
            cell.join_waker.with(|slot| unsafe {
                (*slot)
                    .as_ref()
                    .expect("JOIN_WAKER set with an empty slot")
                    .wake_by_ref()
            })
        }));
        let after = cell.header.state.unset_join_waker_after_complete();
        if !after.has(JOIN_INTEREST) {
            // The handle was dropped while we used the slot, leaving the waker to us.
            // SAFETY: the handle is gone and JOIN_WAKER is clear: nobody else touches it.
            cell.join_waker.with_mut(|slot| unsafe { (*slot).take() });
        }
    }
    cell.scheduler.release(TaskRef::new(ptr));
}

/// # Safety
/// - The caller gives up one reference to a `Cell<F, S>`.
unsafe fn drop_reference<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the reference we drop kept the header alive until this line.
    if unsafe { ptr.as_ref() }.state.ref_dec() {
        // SAFETY: that was the last reference.
        unsafe { dealloc::<F, S>(ptr) };
    }
}

/// # Safety
/// - `ptr` came from `allocate::<F, S>` and the caller passes a reference that the new
///   `Runnable` takes over.
unsafe fn schedule<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the reference passed in keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    cell.scheduler.schedule(Runnable::from_raw(ptr));
}

/// # Safety
/// - The reference count is zero: this is the last access to the allocation.
unsafe fn dealloc<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: created by `Box::leak` in `allocate` with this exact type; no references remain.
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) });
}

/// # Safety
/// - `ptr` is a `Cell<F, S>` the calling `JoinHandle<F::Output>` references.
/// - `dst` points to a valid `Poll<Result<F::Output, JoinError>>`.
unsafe fn read_output<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: the handle's reference keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    if !can_read_output(cell, waker) {
        return;
    }
    let output = cell.stage.with_mut(|stage| {
        // SAFETY: COMPLETE is set and we are the `JoinHandle`: the output is ours.
        match std::mem::replace(unsafe { &mut *stage }, Stage::Consumed) {
            Stage::Finished(output) => output,
            _ => panic!("JoinHandle polled after it returned Ready"),
        }
    });
    // SAFETY: the caller promised `dst` has this type.
    unsafe { *dst.cast::<Poll<Result<F::Output, JoinError>>>() = Poll::Ready(output) };
}

/// True once the output may be read; otherwise makes sure `waker` is registered.
fn can_read_output<F: Future, S>(cell: &Cell<F, S>, waker: &Waker) -> bool {
    let state = &cell.header.state;
    let snapshot = state.load();
    if snapshot.has(COMPLETE) {
        return true;
    }
    if snapshot.has(JOIN_WAKER) {
        // SAFETY: JOIN_WAKER is set, so the task side may read the slot, but only reads.
        let same = cell
            .join_waker
            .with(|slot| unsafe { (*slot).as_ref() }.is_some_and(|w| w.will_wake(waker)));
        if same {
            return false;
        }
        // Take the slot back before replacing its waker.
        if state.unset_join_waker().is_err() {
            return true;
        }
    }
    // SAFETY: JOIN_WAKER is clear: the slot belongs to the handle.
    cell.join_waker
        .with_mut(|slot| unsafe { *slot = Some(waker.clone()) });
    if state.set_join_waker().is_err() {
        // Completed meanwhile (and the completer never saw our waker): take it back.
        // SAFETY: JOIN_WAKER is still clear, so the slot is still ours.
        cell.join_waker.with_mut(|slot| unsafe { (*slot).take() });
        return true;
    }
    false
}

/// # Safety
/// - `ptr` is a `Cell<F, S>`; the calling `JoinHandle` gives up its reference.
unsafe fn drop_join_handle<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the handle's reference keeps the cell alive until the end.
    let cell = unsafe { cell::<F, S>(ptr) };
    let prev = cell.header.state.drop_join_interest();
    if prev.has(COMPLETE) {
        // The output is ours: drop it on this thread.
        // SAFETY: COMPLETE with JOIN_INTEREST made the handle the stage's owner.
        cell.stage
            .with_mut(|stage| unsafe { *stage = Stage::Consumed });
        if !prev.has(JOIN_WAKER) {
            // SAFETY: JOIN_WAKER clear after completion: the slot is the handle's.
            cell.join_waker.with_mut(|slot| unsafe { (*slot).take() });
        }
    } else {
        // We cleared JOIN_WAKER in the same step: the completer will never read the slot.
        // SAFETY: see above.
        cell.join_waker.with_mut(|slot| unsafe { (*slot).take() });
    }
    // SAFETY: consuming the handle's reference.
    unsafe { drop_reference::<F, S>(ptr) };
}

/// # Safety
/// - `ptr` is a `Cell<F, S>`; the caller gives up one reference.
/// - For a `!Send` future: called on the thread that owns it, or after it was dropped.
unsafe fn shutdown<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the cell alive.
    let cell = unsafe { cell::<F, S>(ptr) };
    if cell.header.state.shutdown() {
        // SAFETY: `shutdown` gave us RUNNING; the reference passes to `complete`.
        unsafe { cancel_and_complete::<F, S>(ptr) };
    } else {
        // Running elsewhere (its runner sees CANCELLED) or already complete.
        // SAFETY: consuming the caller's reference.
        unsafe { drop_reference::<F, S>(ptr) };
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// The allocation of a trivial task (plus the allocator's 8-byte header) stays in a
    /// 96-byte size class: task size is memory per idle task and cache misses per spawn
    /// (100,000 spawns write every byte of 100,000 fresh cells).
    #[test]
    fn a_trivial_task_fits_a_96_byte_allocation() {
        type Trivial = Cell<std::future::Ready<()>, fn(Runnable)>;
        let size = std::mem::size_of::<Trivial>();
        println!("trivial task cell: {size} bytes");
        assert!(size + 8 <= 96, "task cell grew to {size} bytes");
    }
}
