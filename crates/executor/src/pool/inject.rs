//! The pool's global queue: tasks spawned or woken from outside a worker, and the
//! overflow of full local queues.
//!
//! A `VecDeque` behind a lock, with the length mirrored in an atomic so that workers can
//! see "empty" without locking. Batches (overflow pushes, refills into a local queue) take
//! the lock once. Closing it at shutdown makes later pushes drop (cancel) their task
//! instead of leaving it in a queue nobody drains.

use std::collections::VecDeque;

use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::*};
use weave_core::loom::sync::Mutex;
use weave_core::Runnable;

use super::queue::{Local, Overflow};

pub(crate) struct Inject {
    queue: Mutex<Queue>,
    /// Mirrors `queue.tasks.len()`, so an empty queue is seen without the lock. Pushes are
    /// published to parking workers through the idle state's RMWs (see `idle.rs`).
    len: AtomicUsize,
}

struct Queue {
    tasks: VecDeque<Runnable>,
    closed: bool,
}

impl Inject {
    pub(crate) fn new() -> Inject {
        Inject {
            queue: Mutex::new(Queue {
                tasks: VecDeque::new(),
                closed: false,
            }),
            len: AtomicUsize::new(0),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len.load(Acquire) == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Acquire)
    }

    /// Queues `task`; after `close` the task is dropped (cancelled) instead.
    pub(crate) fn push(&self, task: Runnable) {
        let mut queue = self.queue.lock().unwrap();
        if queue.closed {
            drop(queue);
            drop(task);
            return;
        }
        queue.tasks.push_back(task);
        self.len.fetch_add(1, Release);
    }

    pub(crate) fn pop(&self) -> Option<Runnable> {
        if self.is_empty() {
            return None;
        }
        let mut queue = self.queue.lock().unwrap();
        let task = queue.tasks.pop_front()?;
        self.len.fetch_sub(1, Release);
        Some(task)
    }

    /// Pops one task to run now and moves up to `max - 1` more into `local`.
    pub(crate) fn pop_into(&self, local: &mut Local, max: usize) -> Option<Runnable> {
        if self.is_empty() {
            return None;
        }
        let mut queue = self.queue.lock().unwrap();
        let first = queue.tasks.pop_front()?;
        let extra = (max.saturating_sub(1))
            .min(queue.tasks.len())
            .min(local.remaining());
        for _ in 0..extra {
            let task = queue.tasks.pop_front().expect("counted above");
            local.push_back(task, &NeverOverflows);
        }
        self.len.fetch_sub(1 + extra, Release);
        Some(first)
    }

    /// Takes every queued task (the caller drops them, outside the lock).
    pub(crate) fn take_all(&self) -> VecDeque<Runnable> {
        let mut queue = self.queue.lock().unwrap();
        self.len.store(0, Release);
        std::mem::take(&mut queue.tasks)
    }

    /// Refuses further tasks and returns the queued ones (the caller drops them).
    pub(crate) fn close(&self) -> VecDeque<Runnable> {
        let mut queue = self.queue.lock().unwrap();
        queue.closed = true;
        self.len.store(0, Release);
        std::mem::take(&mut queue.tasks)
    }
}

impl Overflow for Inject {
    fn push_batch(&self, tasks: impl Iterator<Item = Runnable>, last: Runnable) {
        let mut queue = self.queue.lock().unwrap();
        if queue.closed {
            drop(queue);
            tasks.for_each(drop);
            drop(last);
            return;
        }
        let before = queue.tasks.len();
        queue.tasks.extend(tasks);
        queue.tasks.push_back(last);
        self.len.fetch_add(queue.tasks.len() - before, Release);
    }
}

/// For refills sized to the room left: a push there never overflows.
struct NeverOverflows;

impl Overflow for NeverOverflows {
    fn push_batch(&self, _tasks: impl Iterator<Item = Runnable>, _last: Runnable) {
        unreachable!("refill was sized to the local queue's free room")
    }
}
