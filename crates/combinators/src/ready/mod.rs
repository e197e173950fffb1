//! The ready list behind every many-children combinator: one waker per child, and a queue
//! of the children that were woken, so a wake costs one poll of that child instead of a poll
//! of all N.
//!
//! The idea is futures-util's `FuturesUnordered` (per-child wakers feeding a ready queue);
//! the queue here is a `Mutex<Vec<usize>>` swapped out whole by the parent, at the cost of
//! one uncontended lock per wake.
//!
//! A child's waker (an entry of a [`wakers::Block`]) knows its slot index and has a `queued`
//! flag: the first wake after a poll pushes the index and, if the queue was empty, wakes the
//! parent; later wakes until the next poll of that child do nothing.

mod wakers;

use std::mem;
// std's `Arc`: the waker blocks are counted by the wakers' data pointers.
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use weave_core::budget;
use weave_core::loom::sync::Mutex;

use self::wakers::{WakerRef, Wakers};

/// State shared between the parent and every child waker.
#[derive(Default)]
pub(crate) struct Shared {
    inner: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    /// Indices woken since the parent last swapped the queue out.
    ready: Vec<usize>,
    /// The task polling the parent combinator.
    parent: Option<Waker>,
}

impl Shared {
    /// Queues child `index` (its first wake since its last poll).
    fn push(&self, index: usize) {
        let parent = {
            let mut queue = self.inner.lock().unwrap();
            queue.ready.push(index);
            // Only the push onto an empty queue wakes the parent: a non-empty queue means a
            // wake is already on its way and the parent will swap out this index with it.
            if queue.ready.len() == 1 {
                queue.parent.clone()
            } else {
                None
            }
        };
        // Woken outside the lock: waking schedules a task, which may take other locks.
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

/// The parent's side: which children to poll next, and their wakers.
pub(crate) struct ReadyList {
    shared: Arc<Shared>,
    /// Each slot's waker, made ahead of need a block at a time.
    wakers: Wakers,
    /// How many slots are in use: `entries` may hold more.
    len: usize,
    /// Slots `fresh..len` were added at the end and never polled: they are polled in order
    /// without listing their indices one by one.
    fresh: usize,
    /// Indices to poll, taken from the shared queue; `local[pos..]` are still to do.
    local: Vec<usize>,
    pos: usize,
    /// Whether the next fresh child found pending makes the parent yield before any waker is
    /// registered (see [`ReadyList::let_fresh_children_start`]).
    yield_before_registering: bool,
    /// Set once for sets whose children are spawned tasks.
    children_run_elsewhere: bool,
}

impl ReadyList {
    pub(crate) fn new() -> ReadyList {
        ReadyList {
            shared: Arc::new(Shared::default()),
            wakers: Wakers::default(),
            len: 0,
            fresh: 0,
            local: Vec::new(),
            pos: 0,
            yield_before_registering: false,
            children_run_elsewhere: false,
        }
    }

    /// For children that are handles to tasks running elsewhere (`JoinHandle`s): when the
    /// walk reaches a fresh child that has not finished, the parent first yields once, with
    /// no waker registered, so that the tasks it just spawned get to run. Spawning many
    /// tasks and then joining them is the common pattern; most of them are done when the
    /// parent comes back, and those cost one poll each instead of a waker allocation, a
    /// waker registration in the task and a wake through the shared queue. After the yield
    /// (and until more children are added) every pending child gets its waker as usual, so
    /// a long-running child costs one extra parent poll, never a missed wake.
    pub(crate) fn let_fresh_children_start(&mut self) {
        self.children_run_elsewhere = true;
    }

    /// Grows the table to `len` slots; the new slots are polled next, in order.
    pub(crate) fn add_fresh_slots(&mut self, len: usize) {
        if self.len >= len {
            return;
        }
        if self.wakers.len() < len {
            // Exactly `len` for a first, known-size table (`join_all`); doubling for a set
            // that grows a child at a time, so it allocates once per doubling.
            let end = len.max(2 * self.wakers.len());
            self.wakers.grow_to(&self.shared, end);
        }
        self.len = len;
        self.yield_before_registering = self.children_run_elsewhere;
    }

    /// Queues `index` for a poll without a wake (a reused slot's new child needs its first
    /// poll).
    pub(crate) fn push_local(&mut self, index: usize) {
        self.local.push(index);
    }

    /// The next index to poll: the local list, then the fresh slots. When both are used up
    /// it takes the shared queue (registering `parent` under the same lock, so no wake is
    /// missed), but only while `may_refill` is true: the caller allows one refill per poll,
    /// so children that wake themselves cannot keep one poll of the parent running forever.
    /// `None`: nothing to poll now.
    pub(crate) fn next(&mut self, parent: &Waker, may_refill: &mut bool) -> Option<usize> {
        if self.pos == self.local.len() {
            if self.fresh < self.len {
                self.fresh += 1;
                return Some(self.fresh - 1);
            }
            if !*may_refill {
                return None;
            }
            *may_refill = false;
            self.local.clear();
            self.pos = 0;
            let mut queue = self.shared.inner.lock().unwrap();
            match &queue.parent {
                Some(w) if w.will_wake(parent) => {}
                _ => queue.parent = Some(parent.clone()),
            }
            // Swap rather than copy: both vectors keep their capacity, so a steady state
            // allocates nothing.
            mem::swap(&mut queue.ready, &mut self.local);
            if self.local.is_empty() {
                return None;
            }
        }
        let index = self.local[self.pos];
        self.pos += 1;
        Some(index)
    }

    /// Slot `index`'s waker, to poll its child with; clears the child's `queued` flag.
    pub(crate) fn waker_for(&self, index: usize) -> WakerRef<'_> {
        self.wakers.waker_for(index)
    }

    /// Polls woken children (through `poll_child`, which answers `None` for an empty slot)
    /// until one finishes: `Ready((index, output))`.
    ///
    /// With `charge_budget`, each child poll spends one unit of the task's cooperative
    /// budget; without it (children that spend it themselves) the walk still stops once the
    /// budget is gone.
    pub(crate) fn poll_children<T>(
        &mut self,
        cx: &mut Context<'_>,
        charge_budget: bool,
        mut poll_child: impl FnMut(usize, &mut Context<'_>) -> Option<Poll<T>>,
    ) -> Poll<(usize, T)> {
        let mut may_refill = true;
        loop {
            // Checked before taking an index, so an exhausted budget leaves the list intact.
            let coop = if charge_budget {
                Some(std::task::ready!(budget::poll_proceed(cx)))
            } else if !budget::has_budget_remaining() {
                // The children spend the budget themselves, but once it is gone each of them
                // would answer `Pending` (and wake itself): stop here instead of walking
                // every remaining child for nothing, and come back after the neighbours ran.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            } else {
                None
            };
            let could_refill = may_refill;
            // `next` hands out a fresh slot exactly when the local list is used up.
            let fresh = self.pos == self.local.len() && self.fresh < self.len;
            let Some(index) = self.next(cx.waker(), &mut may_refill) else {
                if !could_refill {
                    // We already refilled once in this poll and more may have been woken
                    // since: yield instead of looping, and come straight back.
                    cx.waker().wake_by_ref();
                }
                return Poll::Pending;
            };
            let fresh_before_yield = fresh && self.yield_before_registering;
            let polled = if fresh_before_yield {
                // Polled without a waker of ours: a pending child is polled again, with one,
                // after the yield below, so nothing it wakes in between is needed.
                poll_child(index, &mut Context::from_waker(Waker::noop()))
            } else {
                let waker = self.waker_for(index);
                poll_child(index, &mut Context::from_waker(&waker))
            };
            if fresh_before_yield && matches!(polled, Some(Poll::Pending)) {
                self.fresh -= 1; // polled again, with a waker, on the next walk
                self.yield_before_registering = false;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let Some(polled) = polled else {
                continue; // a late wake of a finished child
            };
            // Every child poll is charged, finished or not: polling is the work.
            if let Some(coop) = coop {
                coop.made_progress();
            }
            if let Poll::Ready(output) = polled {
                return Poll::Ready((index, output));
            }
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use std::sync::Arc as StdArc;
    use std::task::{Wake, Waker};

    use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
    use weave_core::loom::thread;

    use super::ReadyList;

    /// The parent task's waker: counts wakes.
    struct Parent(AtomicUsize);

    impl Wake for Parent {
        fn wake(self: StdArc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn parent() -> (StdArc<Parent>, Waker) {
        let parent = StdArc::new(Parent(AtomicUsize::new(0)));
        let waker = Waker::from(parent.clone());
        (parent, waker)
    }

    fn next(list: &mut ReadyList, parent: &Waker) -> Option<usize> {
        list.next(parent, &mut true)
    }

    /// A list with one child that has had its first poll: its fresh index is used up.
    fn one_polled_child(parent: &Waker) -> ReadyList {
        let mut list = ReadyList::new();
        list.add_fresh_slots(1);
        assert_eq!(next(&mut list, parent), Some(0));
        list
    }

    #[test]
    fn loom_child_wake_racing_the_refill_is_never_lost() {
        loom::model(|| {
            let (woken, parent) = parent();
            let mut list = one_polled_child(&parent);
            let child = list.waker_for(0).clone(); // the child's first poll kept this waker
            let waking = thread::spawn(move || child.wake());
            let seen = next(&mut list, &parent);
            waking.join().unwrap();
            if seen.is_none() {
                // The refill ran first and registered the parent: the push woke it.
                assert_eq!(woken.0.load(Ordering::Relaxed), 1);
                assert_eq!(next(&mut list, &parent), Some(0));
            }
            assert_eq!(next(&mut list, &parent), None);
        });
    }

    #[test]
    fn loom_two_wakes_queue_the_child_once_and_wake_the_parent_once() {
        loom::model(|| {
            let (woken, parent) = parent();
            let mut list = one_polled_child(&parent);
            let child = list.waker_for(0).clone();
            assert_eq!(next(&mut list, &parent), None); // registers the parent
            let other = child.clone();
            let waking = thread::spawn(move || other.wake());
            child.wake();
            waking.join().unwrap();
            assert_eq!(woken.0.load(Ordering::Relaxed), 1);
            assert_eq!(next(&mut list, &parent), Some(0));
            assert_eq!(next(&mut list, &parent), None);
        });
    }

    #[test]
    fn loom_wake_racing_the_repoll_is_seen_by_the_poll_or_queued_again() {
        loom::model(|| {
            let (_woken, parent) = parent();
            let mut list = one_polled_child(&parent);
            let first = list.waker_for(0).clone();
            first.wake_by_ref(); // queued once: the flag is set
            assert_eq!(next(&mut list, &parent), Some(0));
            // The child publishes progress and wakes again while the parent re-polls it.
            let progress = StdArc::new(AtomicUsize::new(0));
            let waking = {
                let progress = progress.clone();
                thread::spawn(move || {
                    progress.store(1, Ordering::Relaxed);
                    first.wake();
                })
            };
            list.waker_for(0); // clears the flag, then "polls"
            let seen_by_poll = progress.load(Ordering::Relaxed) == 1;
            waking.join().unwrap();
            let queued_again = next(&mut list, &parent) == Some(0);
            assert!(seen_by_poll || queued_again, "the wake was lost");
        });
    }
}
