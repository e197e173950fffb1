//! A growable set of `Unpin` futures polled through the ready list: `as_completed` and
//! `JoinSet` are each this plus a way to hand out outputs. (`join_all` has a fixed set and
//! keeps its children pinned in one slice instead.)
//!
//! Slots are reused (a free list), so a long-lived set that keeps gaining and losing
//! children stays as large as its peak, not its history.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::ready::ReadyList;

pub(crate) struct Unordered<F> {
    slots: Vec<Option<F>>,
    free: Vec<usize>,
    len: usize,
    ready: ReadyList,
    /// Spend one unit of the task's cooperative budget per child poll. Off for children
    /// that spend it themselves (`JoinHandle`s), so a poll is not charged twice.
    charge_budget: bool,
}

impl<F: Future + Unpin> Unordered<F> {
    pub(crate) fn new(charge_budget: bool) -> Unordered<F> {
        Unordered {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: ReadyList::new(),
            charge_budget,
        }
    }

    /// The children are handles to spawned tasks: see [`ReadyList::let_fresh_children_start`].
    pub(crate) fn let_fresh_children_start(mut self) -> Unordered<F> {
        self.ready.let_fresh_children_start();
        self
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
                self.free.push(index);
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
        let slots = &mut self.slots;
        let (index, output) =
            std::task::ready!(self
                .ready
                .poll_children(cx, self.charge_budget, |index, cx| slots[index]
                    .as_mut()
                    .map(|future| Pin::new(future).poll(cx)),));
        self.slots[index] = None;
        self.free.push(index);
        self.len -= 1;
        Poll::Ready(Some((index, output)))
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

    /// A spawned task's handle, seen from the set: finished once `open`, else pending,
    /// counting the polls that handed it a waker other than the no-op one.
    struct Gate {
        open: Rc<Cell<bool>>,
        registered: Rc<Cell<usize>>,
    }

    impl Future for Gate {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.open.get() {
                return Poll::Ready(());
            }
            if !cx.waker().will_wake(Waker::noop()) {
                self.registered.set(self.registered.get() + 1);
            }
            Poll::Pending
        }
    }

    /// The parent's waker: counts wakes.
    struct Parent(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for Parent {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn gates(n: usize) -> (Unordered<Gate>, Rc<Cell<bool>>, Rc<Cell<usize>>) {
        let open = Rc::new(Cell::new(false));
        let registered = Rc::new(Cell::new(0));
        let mut set = Unordered::new(false).let_fresh_children_start();
        for _ in 0..n {
            set.push(Gate {
                open: open.clone(),
                registered: registered.clone(),
            });
        }
        (set, open, registered)
    }

    #[test]
    fn children_that_finish_while_the_parent_yields_never_get_a_waker() {
        let (mut set, open, registered) = gates(3);
        let parent = std::sync::Arc::new(Parent(Default::default()));
        let waker = Waker::from(parent.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!(
            parent.0.load(std::sync::atomic::Ordering::Relaxed),
            1,
            "yielded"
        );
        open.set(true); // the spawned tasks ran meanwhile
        for _ in 0..3 {
            assert!(matches!(set.poll_next(&mut cx), Poll::Ready(Some(_))));
        }
        assert!(matches!(set.poll_next(&mut cx), Poll::Ready(None)));
        assert_eq!(registered.get(), 0);
    }

    #[test]
    fn after_one_yield_every_pending_child_gets_a_waker() {
        let (mut set, open, registered) = gates(3);
        let parent = std::sync::Arc::new(Parent(Default::default()));
        let waker = Waker::from(parent.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(set.poll_next(&mut cx).is_pending());
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!(
            registered.get(),
            3,
            "each pending child holds the parent's waker"
        );
        assert_eq!(
            parent.0.load(std::sync::atomic::Ordering::Relaxed),
            1,
            "one yield only"
        );
        // A child added later gets the yield again before its registration.
        set.push(Gate {
            open: open.clone(),
            registered: registered.clone(),
        });
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!(registered.get(), 3);
        assert_eq!(parent.0.load(std::sync::atomic::Ordering::Relaxed), 2);
    }
}
