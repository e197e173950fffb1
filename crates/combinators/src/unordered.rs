//! A set of `Unpin` futures polled through the ready list: `join_all`, `try_join_all`,
//! `as_completed` and `JoinSet` are each this plus a way to hand out outputs.
//!
//! Slots are reused (a free list), so a long-lived set that keeps gaining and losing
//! children stays as large as its peak, not its history.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use weave_core::budget;

use crate::ready::ReadyList;

pub(crate) struct Unordered<F> {
    slots: Vec<Option<F>>,
    free: Vec<usize>,
    len: usize,
    ready: ReadyList,
    /// Spend one unit of the task's cooperative budget per child poll. Off for children
    /// that spend it themselves (`JoinHandle`s), so a poll is not charged twice.
    charge_budget: bool,
    /// Keep a free list of finished slots for new children; off for a fixed set
    /// (`join_all`), where it would only grow.
    reuse_slots: bool,
}

impl<F: Future + Unpin> Unordered<F> {
    pub(crate) fn new(charge_budget: bool) -> Unordered<F> {
        Unordered {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: ReadyList::new(),
            charge_budget,
            reuse_slots: true,
        }
    }

    /// A set for exactly the futures about to be pushed: slots are not reused.
    pub(crate) fn fixed(capacity: usize) -> Unordered<F> {
        let mut set = Unordered::new(true);
        set.slots.reserve_exact(capacity);
        set.reuse_slots = false;
        set
    }

    /// Adds `future`; it is polled on the next `poll_next`. Returns its slot index.
    pub(crate) fn push(&mut self, future: F) -> usize {
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(future);
                index
            }
            None => {
                self.slots.push(Some(future));
                self.ready.add_fresh_slots(self.slots.len());
                self.len += 1;
                return self.slots.len() - 1;
            }
        };
        self.len += 1;
        self.ready.push_local(index);
        index
    }

    /// Futures not finished yet.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The unfinished futures, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &F> {
        self.slots.iter().flatten()
    }

    /// Drops every future now.
    pub(crate) fn clear(&mut self) {
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if slot.take().is_some() {
                if self.reuse_slots {
                    self.free.push(index);
                }
                self.ready.release(index);
            }
        }
        self.len = 0;
    }

    /// Polls woken children until one finishes: `Ready(Some((slot, output)))`; `Ready(None)`
    /// when the set is empty.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        let mut may_refill = true;
        loop {
            // Checked before taking an index, so an exhausted budget leaves the list intact.
            let coop = if self.charge_budget {
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
            let Some(index) = self.ready.next(cx.waker(), &mut may_refill) else {
                if !could_refill {
                    // We already refilled once in this poll and more may have been woken
                    // since: yield instead of looping, and come straight back.
                    cx.waker().wake_by_ref();
                }
                return Poll::Pending;
            };
            let Some(future) = self.slots[index].as_mut() else {
                continue; // a late wake of a finished child
            };
            let waker = self.ready.waker_for(index);
            let polled = Pin::new(future).poll(&mut Context::from_waker(waker));
            // Every child poll is charged, finished or not: polling is the work.
            if let Some(coop) = coop {
                coop.made_progress();
            }
            if let Poll::Ready(output) = polled {
                self.slots[index] = None;
                if self.reuse_slots {
                    self.free.push(index);
                }
                self.len -= 1;
                self.ready.release(index);
                return Poll::Ready(Some((index, output)));
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use weave_core::budget;

    use super::Unordered;

    /// Like a `JoinHandle` of an unfinished task: spends budget when polled, stays pending.
    struct Leaf(Rc<Cell<usize>>);

    impl Future for Leaf {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.0.set(self.0.get() + 1);
            let _coop = std::task::ready!(budget::poll_proceed(cx));
            Poll::Pending
        }
    }

    #[test]
    fn an_exhausted_budget_stops_the_walk_over_self_charging_children() {
        let polls = Rc::new(Cell::new(0));
        let mut set = Unordered::new(false);
        for _ in 0..1_000 {
            set.push(Leaf(polls.clone()));
        }
        let mut cx = Context::from_waker(Waker::noop());
        budget::with_budget(|| {
            // Drain the budget the way a busy task would, then poll the set.
            while budget::has_budget_remaining() {
                let coop = budget::poll_proceed(&mut cx);
                if let Poll::Ready(coop) = coop {
                    coop.made_progress();
                }
            }
            assert!(set.poll_next(&mut cx).is_pending());
        });
        // Walking on would have polled all 1 000 children, each refusing for lack of budget.
        assert_eq!(polls.get(), 0);
    }

    #[test]
    fn a_budgeted_poll_stops_after_the_budget_is_spent() {
        let polls = Rc::new(Cell::new(0));
        let mut set = Unordered::new(true);
        for _ in 0..1_000 {
            set.push(Leaf(polls.clone()));
        }
        let mut cx = Context::from_waker(Waker::noop());
        budget::with_budget(|| assert!(set.poll_next(&mut cx).is_pending()));
        assert_eq!(polls.get(), usize::from(budget::INITIAL_BUDGET));
    }
}
