//! Type erasure for `Park`, so executors need not be generic over their driver, and the
//! waker that unparks a `block_on` thread.

use std::sync::Arc;
use std::task::{Wake, Waker};
use std::time::Duration;

use weave_core::{Park, Unpark};

/// `Park` without its associated type, so it fits in a `Box<dyn _>`.
pub(crate) trait DynPark {
    fn park(&mut self);
    fn park_timeout(&mut self, timeout: Duration);
}

impl<P: Park> DynPark for P {
    fn park(&mut self) {
        Park::park(self)
    }
    fn park_timeout(&mut self, timeout: Duration) {
        Park::park_timeout(self, timeout)
    }
}

/// A waker that unparks a thread (for the future given to `block_on`).
struct UnparkWaker<U>(U);

impl<U: Unpark> Wake for UnparkWaker<U> {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

pub(crate) fn unpark_waker<U: Unpark>(unparker: U) -> Waker {
    Waker::from(Arc::new(UnparkWaker(unparker)))
}
