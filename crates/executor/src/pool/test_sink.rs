//! An `Overflow` that keeps what it receives, for the queue's tests and loom model.

use weave_core::loom::sync::Mutex;
use weave_core::task::{Id, Runnable};

use super::queue::Overflow;

pub(crate) struct Sink(Mutex<Vec<Runnable>>);

impl Default for Sink {
    fn default() -> Self {
        Sink(Mutex::new(Vec::new()))
    }
}

impl Sink {
    /// The ids of the tasks received so far, in order.
    pub(crate) fn ids(&self) -> Vec<Id> {
        self.0.lock().unwrap().iter().map(Runnable::id).collect()
    }
}

impl Overflow for Sink {
    fn push_batch(&self, tasks: impl Iterator<Item = Runnable>, last: Runnable) {
        let mut sink = self.0.lock().unwrap();
        sink.extend(tasks);
        sink.push(last);
    }
}
