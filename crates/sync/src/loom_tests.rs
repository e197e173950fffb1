//! loom models of each primitive's core race (run with `cargo xtask loom -p weave-sync`).
//!
//! Pending futures are polled once by hand with a no-op waker, so a model can cancel a
//! waiter at an exact point; futures that must complete run under `loom::future::block_on`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::task::noop_waker;
use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
use weave_core::loom::sync::Arc;
use weave_core::loom::thread;

use crate::{mpsc, oneshot, Mutex, Notify, Semaphore};

fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    let waker = noop_waker();
    fut.poll(&mut Context::from_waker(&waker))
}

struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

#[test]
fn mpsc_send_racing_receiver_drop_drops_value_once() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::unbounded_channel();
        let d = drops.clone();
        let sender = thread::spawn(move || {
            // On Err the value comes back and is dropped here; on Ok the receiver drops it.
            drop(tx.send(DropCounter(d)));
        });
        drop(rx);
        sender.join().unwrap();
        assert_eq!(drops.load(Ordering::Acquire), 1);
    });
}

#[test]
fn mpsc_close_racing_send() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let sender = thread::spawn(move || tx.try_send(7).is_ok());
        rx.close();
        let sent = sender.join().unwrap();
        // A send that succeeded is received; one that failed left nothing behind.
        assert_eq!(rx.try_recv().ok(), sent.then_some(7));
        assert!(rx.try_recv().is_err());
    });
}

#[test]
fn notify_one_racing_dropped_waiter_reaches_other_waiter() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let mut a = Box::pin(notify.notified());
        let mut b = Box::pin(notify.notified());
        assert!(poll_once(a.as_mut()).is_pending());
        assert!(poll_once(b.as_mut()).is_pending());
        let n = notify.clone();
        let notifier = thread::spawn(move || n.notify_one());
        drop(a);
        notifier.join().unwrap();
        assert!(poll_once(b.as_mut()).is_ready());
    });
}

#[test]
fn semaphore_release_racing_cancelled_acquire() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let mut acquire = Box::pin(sem.acquire());
        assert!(poll_once(acquire.as_mut()).is_pending());
        let s = sem.clone();
        let releaser = thread::spawn(move || s.add_permits(1));
        drop(acquire);
        releaser.join().unwrap();
        // The permit was not lost with the cancelled acquire.
        assert_eq!(sem.available_permits(), 1);
        assert!(sem.try_acquire().is_ok());
    });
}

#[test]
fn mutex_unlock_racing_cancelled_lock() {
    loom::model(|| {
        let mutex = std::sync::Arc::new(Mutex::new(0));
        let guard = mutex.clone().try_lock_owned().unwrap();
        let mut first = Box::pin(mutex.lock());
        let mut second = Box::pin(mutex.lock());
        assert!(poll_once(first.as_mut()).is_pending());
        assert!(poll_once(second.as_mut()).is_pending());
        let unlocker = thread::spawn(move || drop(guard));
        drop(first);
        unlocker.join().unwrap();
        // The lock reached the remaining waiter: nobody is stuck behind the cancelled one.
        match poll_once(second.as_mut()) {
            Poll::Ready(mut g) => *g += 1,
            Poll::Pending => panic!("lock lost with the cancelled waiter"),
        }
        drop(second);
        assert_eq!(*mutex.try_lock().unwrap(), 1);
    });
}

#[test]
fn oneshot_send_racing_receiver_poll() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(loom::future::block_on(rx), Ok(1));
        sender.join().unwrap();
    });
}

#[test]
fn mpsc_bounded_permit_handoff() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let sender = thread::spawn(move || {
            loom::future::block_on(async {
                tx.send(1).await.unwrap();
                // Waits for the slot the receiver gives back.
                tx.send(2).await.unwrap();
            })
        });
        let got = loom::future::block_on(async { (rx.recv().await, rx.recv().await) });
        assert_eq!(got, (Some(1), Some(2)));
        sender.join().unwrap();
    });
}

#[test]
fn semaphore_lock_free_release_racing_queueing_acquire() {
    // The fast paths' race: a release that sees no waiter (one compare-exchange, no lock)
    // against an acquire that finds no permit and queues. The acquire must not sleep forever.
    loom::model(|| {
        let sem = std::sync::Arc::new(Semaphore::new(1));
        let permit = sem.clone().try_acquire_owned().unwrap();
        let releaser = thread::spawn(move || drop(permit));
        let again = loom::future::block_on(sem.acquire()).unwrap();
        drop(again);
        releaser.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn notify_one_racing_first_poll_is_not_lost() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let n = notify.clone();
        let notifier = thread::spawn(move || n.notify_one());
        loom::future::block_on(notify.notified());
        notifier.join().unwrap();
    });
}

#[test]
fn mpsc_cancelled_send_racing_recv_passes_slot_on() {
    // `Sender::send` is a hand-written future over the semaphore's `Acquire`: a send dropped
    // while queued on a full channel, racing the receive that frees the slot, must pass the
    // slot to the next queued send (whether it had been granted the slot or not).
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(1).unwrap();
        let mut first = Box::pin(tx.send(2));
        let mut second = Box::pin(tx.send(3));
        assert!(poll_once(first.as_mut()).is_pending());
        assert!(poll_once(second.as_mut()).is_pending());
        let receiver = thread::spawn(move || {
            assert_eq!(rx.try_recv(), Ok(1));
            rx
        });
        drop(first);
        let mut rx = receiver.join().unwrap();
        match poll_once(second.as_mut()) {
            Poll::Ready(sent) => assert!(sent.is_ok()),
            Poll::Pending => panic!("slot lost with the cancelled send"),
        }
        assert_eq!(rx.try_recv(), Ok(3));
    });
}

#[test]
fn mutex_inlined_fast_paths_from_two_threads() {
    // Both threads go through `Mutex::lock`'s inlined poll and the guard's inlined release:
    // either both take the free lock by compare-exchange in turn, or one queues and gets the
    // lock handed over. loom's `UnsafeCell` checks that the two increments never overlap.
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0));
        let m = mutex.clone();
        let other = thread::spawn(move || loom::future::block_on(async { *m.lock().await += 1 }));
        loom::future::block_on(async { *mutex.lock().await += 1 });
        other.join().unwrap();
        assert_eq!(*mutex.try_lock().unwrap(), 2);
    });
}

/// A waker that records whether it was woken (a std atomic: it is read only after a join or
/// on the thread that woke it, and loom need not explore it).
struct Flag(std::sync::atomic::AtomicBool);

impl futures::task::ArcWake for Flag {
    fn wake_by_ref(arc_self: &std::sync::Arc<Self>) {
        arc_self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Flag {
    fn new() -> (std::sync::Arc<Self>, std::task::Waker) {
        let flag = std::sync::Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
        let waker = futures::task::waker(flag.clone());
        (flag, waker)
    }

    /// Whether it was woken since the last call.
    fn take(&self) -> bool {
        self.0.swap(false, std::sync::atomic::Ordering::SeqCst)
    }
}

fn poll_with<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &std::task::Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

#[test]
fn mutex_woken_waiter_losing_to_barger_is_woken_again() {
    // The barging race: the lock is released to the atomic and the queued waiter woken to
    // retry; a thread takes it first (try_lock) and releases it again while the waiter
    // retries. Whatever the interleaving, the waiter either gets the lock or is left queued
    // with a wake-up owed to it: never queued, unwoken, with the lock free.
    loom::model(|| {
        let mutex = std::sync::Arc::new(Mutex::new(0));
        let guard = mutex.clone().try_lock_owned().unwrap();
        let (flag, waker) = Flag::new();
        let mut waiter = Box::pin(mutex.lock());
        assert!(poll_with(waiter.as_mut(), &waker).is_pending());
        drop(guard);
        assert!(flag.take(), "the release wakes the queued waiter");
        let m = mutex.clone();
        let barger = thread::spawn(move || {
            if let Ok(mut g) = m.try_lock() {
                *g += 1;
            }
        });
        let first = poll_with(waiter.as_mut(), &waker);
        let done = match first {
            Poll::Ready(mut g) => {
                *g += 1;
                true
            }
            Poll::Pending => false,
        };
        barger.join().unwrap();
        if !done {
            assert!(flag.take(), "a waiter that lost its retry is woken again");
            match poll_with(waiter.as_mut(), &waker) {
                Poll::Ready(mut g) => *g += 1,
                Poll::Pending => panic!("woken waiter could not take the free lock"),
            }
        }
        drop(waiter);
        assert!(*mutex.try_lock().unwrap() >= 1);
    });
}

#[test]
fn mutex_starving_waiter_gets_the_lock_handed_over() {
    // Under loom a waiter switches the mutex to hand-off after two lost retries. The first
    // loss is forced; the second races a release on another thread. Either way the waiter
    // ends up holding the lock, and hand-off mode ends with the queue.
    loom::model(|| {
        let mutex = std::sync::Arc::new(Mutex::new(0));
        let guard = mutex.clone().try_lock_owned().unwrap();
        let (flag, waker) = Flag::new();
        let mut waiter = Box::pin(mutex.lock());
        assert!(poll_with(waiter.as_mut(), &waker).is_pending());
        drop(guard);
        let barged = mutex.clone().try_lock_owned().unwrap();
        assert!(poll_with(waiter.as_mut(), &waker).is_pending(), "loss 1");
        drop(barged);
        let barged = mutex.clone().try_lock_owned().unwrap();
        flag.take();
        let releaser = thread::spawn(move || drop(barged));
        let mut got = poll_with(waiter.as_mut(), &waker);
        releaser.join().unwrap();
        if got.is_pending() {
            // Starved: the lock was handed over by the release, which woke the waiter.
            assert!(flag.take(), "hand-over wakes the starving waiter");
            got = poll_with(waiter.as_mut(), &waker);
        }
        match got {
            Poll::Ready(mut g) => *g += 1,
            Poll::Pending => panic!("starving waiter did not get the lock"),
        }
        drop(waiter);
        // Queue empty: newcomers take the free lock again.
        assert_eq!(*mutex.try_lock().unwrap(), 1);
    });
}

#[test]
fn semaphore_two_permits_released_at_once_reach_two_waiters() {
    // A release of two permits wakes only the front waiter; when it takes one, it must pass
    // the retry on so the second waiter gets the other.
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let (flag_a, waker_a) = Flag::new();
        let (flag_b, waker_b) = Flag::new();
        let mut a = Box::pin(sem.acquire());
        let mut b = Box::pin(sem.acquire());
        assert!(poll_with(a.as_mut(), &waker_a).is_pending());
        assert!(poll_with(b.as_mut(), &waker_b).is_pending());
        let s = sem.clone();
        let releaser = thread::spawn(move || s.add_permits(2));
        let early = poll_with(a.as_mut(), &waker_a);
        releaser.join().unwrap();
        let permit_a = match early {
            Poll::Ready(p) => p.unwrap(),
            Poll::Pending => {
                assert!(flag_a.take(), "front waiter woken");
                match poll_with(a.as_mut(), &waker_a) {
                    Poll::Ready(p) => p.unwrap(),
                    Poll::Pending => panic!("front waiter lost its permit"),
                }
            }
        };
        assert!(flag_b.take(), "second waiter woken for the second permit");
        match poll_with(b.as_mut(), &waker_b) {
            Poll::Ready(p) => drop(p.unwrap()),
            Poll::Pending => panic!("second permit lost"),
        }
        drop(permit_a);
        assert_eq!(sem.available_permits(), 2);
    });
}

#[test]
fn semaphore_cancelled_front_racing_release_reaches_next_waiter() {
    // The front waiter, unable to take 2 of the 1 free permit, has lost its retry; it is
    // then cancelled while another release comes in. Whatever the order, the next waiter
    // is woken once and takes a permit. (Here the release alone would wake it too; that the
    // cancel wakes it when no release comes is `cancelled_front_waiter_lets_the_next_take_
    // free_permits` in tests/locks.rs. This model checks the cancel's wake racing the
    // release's.)
    loom::model(|| {
        let sem = std::sync::Arc::new(Semaphore::new(0));
        let (flag_a, waker_a) = Flag::new();
        let (flag_b, waker_b) = Flag::new();
        let mut a = Box::pin(sem.clone().acquire_many_owned(2));
        let mut b = Box::pin(sem.acquire());
        assert!(poll_with(a.as_mut(), &waker_a).is_pending());
        assert!(poll_with(b.as_mut(), &waker_b).is_pending());
        sem.add_permits(1);
        assert!(flag_a.take(), "front waiter woken to retry");
        assert!(
            poll_with(a.as_mut(), &waker_a).is_pending(),
            "1 of 2: a loss"
        );
        let canceller = thread::spawn(move || drop(a));
        sem.add_permits(1);
        canceller.join().unwrap();
        assert!(flag_b.take(), "next waiter woken");
        match poll_with(b.as_mut(), &waker_b) {
            Poll::Ready(p) => drop(p.unwrap()),
            Poll::Pending => panic!("next waiter left beside free permits"),
        }
        assert_eq!(sem.available_permits(), 2);
    });
}
