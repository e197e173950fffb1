//! `Schedule`: how a task reaches its executor when it is woken.

use crate::task::{Runnable, TaskRef};

/// The task → executor edge: receives the [`Runnable`] of every woken task.
///
/// Each task stores its scheduler (usually an `Arc` of the executor's shared state), so a
/// waker fired on any thread finds its way back. Any `Fn(Runnable) + Send + Sync` closure
/// is a scheduler:
///
/// ```
/// use std::sync::mpsc;
/// use weave_core::task::{self, Runnable};
///
/// let (tx, rx) = mpsc::channel::<Runnable>();
/// let tx = std::sync::Mutex::new(tx);
/// let (runnable, handle) = task::spawn(async { 3 }, move |r| tx.lock().unwrap().send(r).unwrap());
/// runnable.run();
/// assert_eq!(futures::executor::block_on(handle).unwrap(), 3);
/// ```
pub trait Schedule: Send + Sync + 'static {
    /// Queues a woken task.
    fn schedule(&self, task: Runnable);

    /// Queues a task that woke itself during its own poll (it yielded). Executors that keep
    /// a "run next" slot for freshly woken tasks should put this one at the back instead,
    /// so a yielding task cannot starve the others.
    fn yield_now(&self, task: Runnable) {
        self.schedule(task);
    }

    /// Called once when the task finishes (output ready, panicked or cancelled), before its
    /// completer drops its reference. Executors unlink it from their `TaskList` here.
    fn release(&self, task: TaskRef<'_>) {
        let _ = task;
    }
}

impl<F> Schedule for F
where
    F: Fn(Runnable) + Send + Sync + 'static,
{
    fn schedule(&self, task: Runnable) {
        self(task)
    }
}
