//! `TaskList`: every waiting task of an executor, so shutdown can reach the idle ones.
//!
//! A task parked on a waker that nobody will ever fire is in no run queue; only this list
//! still knows it. A task joins the list the first time its poll returns `Pending` (a task
//! that finishes in its first poll, as most short tasks do, never takes the list's lock) and
//! leaves it when it finishes. The list holds one reference per linked task and is sharded
//! by task id, so workers on different threads rarely meet on one lock.
//!
//! Each shard is a slab: a vector of task pointers with a stack of vacant indices, and each
//! task remembers its index. Leaving touches one slot. An intrusive doubly linked list (the
//! earlier design, and tokio's) allocates nothing but has to write both neighbours, which
//! are cold when tasks finish in an order unrelated to the one they started waiting in (100k
//! sleeps with random durations: `TaskList::remove` was 10 % of a two-worker profile). The
//! index is also half the size of two links, which keeps a trivial task's cell at 88 bytes.

use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::ptr::{self, NonNull};

use super::header::{Header, NO_SLOT};
use super::{raw, Builder, Id, JoinHandle, Runnable, Schedule};
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::loom::sync::Mutex;

/// The live tasks of one executor.
///
/// Executors spawn through [`TaskList::spawn`], unlink finished tasks from
/// [`Schedule::release`], and on shutdown drop what their queues hold and call
/// [`TaskList::close_and_shutdown`], which drops every waiting future and resolves every
/// pending `JoinHandle` to a cancelled error. Tasks that never waited are in a run queue
/// (or running): dropping a queued `Runnable` cancels its task.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use weave_core::task::{Builder, Runnable, TaskList, TaskRef};
/// use weave_core::Schedule;
///
/// struct Queue {
///     tasks: TaskList,
///     ready: Mutex<Vec<Runnable>>,
/// }
/// #[derive(Clone)]
/// struct Scheduler(Arc<Queue>);
/// impl Schedule for Scheduler {
///     fn schedule(&self, task: Runnable) {
///         self.0.ready.lock().unwrap().push(task);
///     }
///     fn release(&self, task: TaskRef<'_>) {
///         self.0.tasks.remove(task);
///     }
/// }
///
/// let queue = Arc::new(Queue { tasks: TaskList::new(), ready: Mutex::new(Vec::new()) });
/// let scheduler = Scheduler(queue.clone());
/// // SAFETY: the scheduler holds the `Arc` that owns the list, so the list outlives the task.
/// let (runnable, handle) =
///     unsafe { queue.tasks.spawn(std::future::pending::<()>(), scheduler, Builder::new()) };
/// runnable.unwrap().run(); // polls once; the task now waits forever
/// assert_eq!(queue.tasks.len(), 1);
/// queue.tasks.close_and_shutdown(); // drops the future
/// assert!(handle.is_finished());
/// assert_eq!(queue.tasks.len(), 0);
/// ```
pub struct TaskList {
    closed: AtomicBool,
    shards: Box<[ShardLock]>,
}

/// A shard's lock on cache lines of its own: workers finishing tasks of different shards
/// must not bounce one line between them (two adjacent x86 lines, as the prefetcher pairs them).
#[repr(align(128))]
struct ShardLock(Mutex<Shard>);

struct Shard {
    /// `None`: vacant (its index is in `vacant`).
    slots: Vec<Option<NonNull<Header>>>,
    vacant: Vec<u32>,
}

/// Slots kept when a shard empties (a burst of waiting tasks does not hold its memory).
const RETAINED_SLOTS: usize = 64;

// SAFETY: the raw pointers in shards are only followed with the shard's lock held, and the
// list holds a reference to each task it links.
unsafe impl Send for Shard {}

impl TaskList {
    /// A list with one shard (for single-threaded executors).
    pub fn new() -> TaskList {
        TaskList::with_shards(1)
    }

    /// A list with `shards` locks (rounded up to a power of two).
    pub fn with_shards(shards: usize) -> TaskList {
        let shards = shards.max(1).next_power_of_two();
        TaskList {
            closed: AtomicBool::new(false),
            shards: (0..shards)
                .map(|_| {
                    ShardLock(Mutex::new(Shard {
                        slots: Vec::new(),
                        vacant: Vec::new(),
                    }))
                })
                .collect(),
        }
    }

    fn shard(&self, id: Id) -> &Mutex<Shard> {
        &self.shards[id.as_u64() as usize & (self.shards.len() - 1)].0
    }

    /// Creates a task for a `Send` future that joins this list when it first waits. Returns
    /// its first `Runnable` (to be scheduled by the caller) and its `JoinHandle`; after
    /// [`close`](TaskList::close) the task is cancelled at once: no `Runnable`, and the handle
    /// resolves to cancelled.
    ///
    /// # Safety
    /// - The list outlives the task: keep it in the state the task's scheduler holds (an
    ///   executor's shared `Arc`), as tasks keep a pointer to it.
    pub unsafe fn spawn<F, S>(
        &self,
        future: F,
        scheduler: S,
        builder: Builder,
    ) -> (Option<Runnable>, JoinHandle<F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        S: Schedule,
    {
        // SAFETY: `F` is `Send`, so it may be polled and dropped on any thread; the caller
        // promised the list outlives the task.
        unsafe { self.spawn_unchecked(future, scheduler, builder) }
    }

    /// Like [`spawn`](TaskList::spawn), without requiring `Send`.
    ///
    /// # Safety
    /// - The list outlives the task (see [`spawn`](TaskList::spawn)).
    /// - If `F` or `F::Output` is not `Send`, every `Runnable` of the task is run and dropped
    ///   on the thread that called this (or dropped after the task finished), and
    ///   [`close_and_shutdown`](TaskList::close_and_shutdown) is called on that thread.
    /// - If `F::Output` is not `Send`, the `JoinHandle` stays on that thread (it does: it is
    ///   then `!Send` itself).
    pub unsafe fn spawn_unchecked<F, S>(
        &self,
        future: F,
        scheduler: S,
        builder: Builder,
    ) -> (Option<Runnable>, JoinHandle<F::Output>)
    where
        F: Future + 'static,
        S: Schedule,
    {
        // References: the first `Runnable` and the `JoinHandle`; the list takes its own when
        // the task first waits.
        let ptr = raw::allocate(future, scheduler, builder, 2, self);
        let runnable = Runnable::from_raw(ptr);
        let handle = JoinHandle::from_raw(ptr);
        if self.closed.load(Ordering::Acquire) {
            // Cancel through the `Runnable`: the future is dropped here, unpolled.
            drop(runnable);
            return (None, handle);
        }
        (Some(runnable), handle)
    }

    /// Links a task that waits for the first time; false if the list is closed (the caller,
    /// which holds the task's RUNNING bit, then cancels it).
    pub(crate) fn link(&self, ptr: NonNull<Header>) -> bool {
        // SAFETY: the caller holds a reference to the task.
        let header = unsafe { ptr.as_ref() };
        let mut shard = self.shard(header.id).lock().unwrap();
        // Checked under the shard lock: `close_and_shutdown` closes before it drains the
        // shards, so a task linked here is always drained.
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        header.state.ref_inc();
        // SAFETY: we hold the shard lock; the task waits for the first time, so it is unlinked.
        unsafe { shard.insert(ptr) };
        true
    }

    /// Unlinks a finished task and drops the list's reference. Call it from
    /// [`Schedule::release`]; a task already unlinked by shutdown, or from another list, is
    /// left alone.
    pub fn remove(&self, task: TaskRef<'_>) {
        let header = task.header();
        if !ptr::eq(header.list, self) {
            return;
        }
        // SAFETY: written only before completion by the holder of RUNNING; the caller
        // completed the task, which ordered that write before this read.
        if !header.registered.with(|registered| unsafe { *registered }) {
            return;
        }
        let mut shard = self.shard(header.id).lock().unwrap();
        // SAFETY: the task belongs to this list and we hold the shard's lock.
        let linked = unsafe { shard.remove(task.ptr) };
        drop(shard);
        if linked {
            // The caller (the task's completer) still holds a reference, so this is never the last.
            let last = header.state.ref_dec();
            debug_assert!(!last);
        }
    }

    /// Refuses new tasks from now on (they are cancelled as they are spawned).
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    /// True after [`close`](TaskList::close).
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes the list, then cancels every task in it: idle futures are dropped here, on this
    /// thread; a task running elsewhere drops its future when its poll returns.
    pub fn close_and_shutdown(&self) {
        self.close();
        for ShardLock(shard) in self.shards.iter() {
            // Shutting a task down runs its future's destructor, which may finish other tasks
            // of this shard (their `remove` takes the lock), so the lock is not held meanwhile.
            // The list is closed, so nothing joins after the first drain; the loop is for tasks
            // a concurrent drain of the same shard left to us.
            loop {
                let tasks = shard.lock().unwrap().drain();
                if tasks.is_empty() {
                    break;
                }
                for ptr in tasks {
                    // SAFETY: `drain` unlinked it and passed the list's reference to us;
                    // `shutdown` consumes that reference.
                    unsafe { (ptr.as_ref().vtable.shutdown)(ptr) };
                }
            }
        }
    }

    /// The number of linked tasks: unfinished tasks that have waited at least once.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.0.lock().unwrap().len()).sum()
    }

    /// True if no task is linked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An owned snapshot of every linked task (id, name, status, spawn location), for
    /// debugging dumps (asyncio's `all_tasks`).
    ///
    /// ```
    /// use weave_core::task::{TaskList, TaskStatus};
    /// # let queue = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    /// # let q = queue.clone();
    /// # let schedule = move |r| q.lock().unwrap().push(r);
    /// let list = TaskList::new();
    /// let builder = weave_core::task::Builder::new().name("waiter");
    /// // SAFETY: `list` outlives the task (it is shut down below, before being dropped).
    /// let (first, _handle) = unsafe { list.spawn(std::future::pending::<()>(), schedule, builder) };
    /// first.unwrap().run(); // pending: the task joins the list
    /// let tasks = list.snapshot();
    /// assert_eq!(tasks.len(), 1);
    /// assert_eq!(tasks[0].name.as_deref(), Some("waiter"));
    /// assert_eq!(tasks[0].status, TaskStatus::Idle);
    /// list.close_and_shutdown();
    /// ```
    pub fn snapshot(&self) -> Vec<TaskInfo> {
        let mut tasks = Vec::new();
        self.for_each(|task| {
            tasks.push(TaskInfo {
                id: task.id(),
                name: task.name().map(str::to_owned),
                status: task.status(),
                location: task.location(),
            })
        });
        tasks
    }

    /// Calls `f` with every linked task (a snapshot per shard, taken under its lock: keep `f` short).
    pub fn for_each(&self, mut f: impl FnMut(TaskRef<'_>)) {
        for ShardLock(shard) in self.shards.iter() {
            let guard = shard.lock().unwrap();
            // Linked tasks are alive: the list holds a reference to each.
            for &ptr in guard.slots.iter().flatten() {
                f(TaskRef::new(ptr));
            }
        }
    }
}

impl Default for TaskList {
    fn default() -> Self {
        TaskList::new()
    }
}

impl Drop for TaskList {
    fn drop(&mut self) {
        // Whatever is still linked has a future to drop and a handle to resolve.
        self.close_and_shutdown();
    }
}

impl std::fmt::Debug for TaskList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskList")
            .field("len", &self.len())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Shard {
    /// Puts `ptr` in a slot, preferring the most recently vacated one (still in cache).
    ///
    /// # Safety
    /// - The caller holds this shard's lock, and `ptr` is a live task that is in no slot.
    unsafe fn insert(&mut self, ptr: NonNull<Header>) {
        let index = match self.vacant.pop() {
            Some(index) => {
                self.slots[index as usize] = Some(ptr);
                index
            }
            None => {
                let index = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&index| index != NO_SLOT)
                    .expect("TaskList: more than 4 billion waiting tasks in one shard");
                self.slots.push(Some(ptr));
                index
            }
        };
        // SAFETY: the lock is held, so the task's slot index is ours to write.
        unsafe { ptr.as_ref().slot.with_mut(|slot| *slot = index) };
    }

    /// Takes `ptr` out of its slot; false if it was in none.
    ///
    /// # Safety
    /// - The caller holds this shard's lock and `ptr` is a live task of this shard's list.
    unsafe fn remove(&mut self, ptr: NonNull<Header>) -> bool {
        // SAFETY: the lock is held, so the slot index is ours.
        let index = unsafe {
            ptr.as_ref()
                .slot
                .with_mut(|slot| std::mem::replace(&mut *slot, NO_SLOT))
        };
        if index == NO_SLOT {
            return false;
        }
        debug_assert_eq!(self.slots[index as usize], Some(ptr));
        self.slots[index as usize] = None;
        if self.vacant.len() + 1 == self.slots.len() {
            // That was the last task: start afresh rather than keep a list of vacancies.
            self.clear();
        } else {
            self.vacant.push(index);
        }
        true
    }

    /// Unlinks every task and hands over the list's references.
    fn drain(&mut self) -> Vec<NonNull<Header>> {
        let tasks: Vec<_> = self.slots.iter().flatten().copied().collect();
        for ptr in &tasks {
            // SAFETY: the caller holds the lock; linked tasks are alive.
            unsafe { ptr.as_ref().slot.with_mut(|slot| *slot = NO_SLOT) };
        }
        self.clear();
        tasks
    }

    /// The number of tasks in slots.
    fn len(&self) -> usize {
        self.slots.len() - self.vacant.len()
    }

    /// Forgets every slot (all vacant) and gives back the memory of a past burst.
    fn clear(&mut self) {
        self.slots.clear();
        self.vacant.clear();
        self.slots.shrink_to(RETAINED_SLOTS);
        self.vacant.shrink_to(RETAINED_SLOTS);
    }
}

/// A borrowed view of a task, given to [`Schedule::release`] and [`TaskList::for_each`].
#[derive(Clone, Copy)]
pub struct TaskRef<'a> {
    ptr: NonNull<Header>,
    _borrow: PhantomData<&'a Header>,
}

impl<'a> TaskRef<'a> {
    pub(crate) fn new(ptr: NonNull<Header>) -> TaskRef<'a> {
        TaskRef {
            ptr,
            _borrow: PhantomData,
        }
    }

    fn header(&self) -> &'a Header {
        // SAFETY: a `TaskRef` only exists while its creator holds a reference to the task.
        unsafe { self.ptr.as_ref() }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.header().id
    }

    /// The task's name, if any.
    pub fn name(&self) -> Option<&'a str> {
        self.header().name()
    }

    /// Where the task was spawned.
    pub fn location(&self) -> &'static Location<'static> {
        self.header().location()
    }

    /// What the task is doing right now.
    pub fn status(&self) -> TaskStatus {
        use super::state::{COMPLETE, NOTIFIED, RUNNING};
        let s = self.header().state.load();
        if s.has(COMPLETE) {
            TaskStatus::Finished
        } else if s.has(RUNNING) {
            TaskStatus::Running
        } else if s.has(NOTIFIED) {
            TaskStatus::Scheduled
        } else {
            TaskStatus::Idle
        }
    }
}

impl std::fmt::Debug for TaskRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("status", &self.status())
            .field("spawned_at", &format_args!("{}", self.location()))
            .finish()
    }
}

/// One task as seen by [`TaskList::snapshot`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// The task's id.
    pub id: Id,
    /// Its name, if it was given one with `Builder::name`.
    pub name: Option<String>,
    /// What it was doing when the snapshot was taken.
    pub status: TaskStatus,
    /// Where it was spawned.
    pub location: &'static Location<'static>,
}

impl std::fmt::Display for TaskInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "task {}", self.id)?;
        if let Some(name) = &self.name {
            write!(f, " '{name}'")?;
        }
        write!(f, " {:?}, spawned at {}", self.status, self.location)
    }
}

/// A task's activity, as seen by [`TaskRef::status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    /// Waiting for a wake.
    Idle,
    /// Woken, waiting in a run queue.
    Scheduled,
    /// Being polled.
    Running,
    /// Done; its output waits for the `JoinHandle`.
    Finished,
}
