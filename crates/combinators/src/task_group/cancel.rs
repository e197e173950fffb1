//! The cancel signal a group shares with its children: the first failure (or `cancel()`)
//! aborts every child, and a child registered after that is aborted on arrival.
//!
//! All state sits under one mutex: cancelling and registering are rare next to the work a
//! child does, and one lock makes "registered before or after the cancel" a total order,
//! so no child slips through. The seam is [`Abort`], so the loom model runs with toy
//! children and no executor.

use std::mem;

use weave_core::loom::sync::Mutex;
use weave_core::AbortHandle;

/// Something that can be told to stop: a child task.
pub(crate) trait Abort {
    fn abort(&self);
}

impl Abort for AbortHandle {
    fn abort(&self) {
        AbortHandle::abort(self);
    }
}

pub(crate) struct CancelSignal<H> {
    state: Mutex<State<H>>,
}

struct State<H> {
    cancelled: bool,
    /// `join` finished: cancelling now has no one to stop and changes nothing.
    finished: bool,
    /// Children to abort on cancel; emptied by the cancel (aborting once is enough).
    children: Vec<H>,
    /// Failures so far: numbers them in the order they happened.
    failures: usize,
}

impl<H: Abort> CancelSignal<H> {
    pub(crate) fn new() -> CancelSignal<H> {
        CancelSignal {
            state: Mutex::new(State {
                cancelled: false,
                finished: false,
                children: Vec::new(),
                failures: 0,
            }),
        }
    }

    /// Tracks a new child; aborts it at once if the group is already cancelled.
    pub(crate) fn register(&self, child: H) {
        let mut state = self.state.lock().unwrap();
        if state.cancelled {
            drop(state);
            child.abort();
        } else {
            state.children.push(child);
        }
    }

    /// Aborts every child; true if this call did it (the group was not cancelled yet).
    pub(crate) fn cancel(&self) -> bool {
        let children = {
            let mut state = self.state.lock().unwrap();
            if state.cancelled || state.finished {
                return false;
            }
            state.cancelled = true;
            mem::take(&mut state.children)
        };
        // Outside the lock: an abort may drop a child's future right here (an executor
        // shutting down), and that future may hold anything, this group's handles included.
        for child in &children {
            child.abort();
        }
        true
    }

    /// A child failed: cancels its siblings and returns the failure's rank (0 = first).
    pub(crate) fn fail(&self) -> usize {
        let rank = {
            let mut state = self.state.lock().unwrap();
            state.failures += 1;
            state.failures - 1
        };
        self.cancel();
        rank
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.state.lock().unwrap().cancelled
    }

    /// Every child finished and was collected: drop the handles.
    pub(crate) fn finish(&self) {
        let children = {
            let mut state = self.state.lock().unwrap();
            state.finished = true;
            mem::take(&mut state.children)
        };
        drop(children);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::{Abort, CancelSignal};
    use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
    use weave_core::loom::sync::Arc;
    use weave_core::loom::thread;

    /// A toy child counting the aborts it received.
    #[derive(Clone, Default)]
    struct Child(Arc<AtomicUsize>);

    impl Abort for Child {
        fn abort(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn loom_register_racing_cancel_aborts_every_child_once() {
        loom::model(|| {
            let signal = Arc::new(CancelSignal::new());
            let (early, late) = (Child::default(), Child::default());
            signal.register(early.clone());
            let registering = {
                let (signal, late) = (signal.clone(), late.clone());
                thread::spawn(move || signal.register(late))
            };
            assert!(signal.cancel());
            registering.join().unwrap();
            assert_eq!(early.0.load(Ordering::Relaxed), 1);
            assert_eq!(late.0.load(Ordering::Relaxed), 1);
        });
    }

    #[test]
    fn loom_two_failures_rank_distinctly_and_cancel_once() {
        loom::model(|| {
            let signal = Arc::new(CancelSignal::new());
            let sibling = Child::default();
            signal.register(sibling.clone());
            let other = {
                let signal = signal.clone();
                thread::spawn(move || signal.fail())
            };
            let mine = signal.fail();
            let theirs = other.join().unwrap();
            let mut ranks = [mine, theirs];
            ranks.sort();
            assert_eq!(ranks, [0, 1]);
            assert!(signal.is_cancelled());
            assert_eq!(sibling.0.load(Ordering::Relaxed), 1);
        });
    }
}
