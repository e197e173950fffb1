//! The state one timer driver shares with every `Sleep` registered in it: the sharded wheels,
//! the clock, and the handshake that wakes the driver when an earlier deadline arrives.
//!
//! Sharding: each shard is a wheel behind its own mutex. A thread always registers in the
//! same shard (picked round-robin the first time it registers), so worker threads of a pool
//! do not contend on one lock (tokio's single wheel lock is a known hot spot,
//! tokio-rs/tokio#6504), and the lock a thread takes is usually still in its cache. The
//! driver visits every shard when it fires timers. An entry remembers its shard, so a
//! `Sleep` that moved to another thread still cancels in the right one.
//!
//! Waking the driver (the only cross-thread signal): the driver publishes the tick it will
//! sleep until in `parked_until` (0 when not parked), then re-reads every shard's
//! `next_tick`; a registrar that made its shard's earliest deadline earlier reads
//! `parked_until` after publishing `next_tick`. SeqCst fences on both sides (the
//! store-buffer pattern) guarantee at least one of them sees the other, so either the driver
//! sleeps with the new deadline or the registrar unparks it. A registration that is not its
//! shard's earliest, or that happens while the driver is busy, costs no system call.

use std::fmt;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;
use weave_core::loom::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering::*};
use weave_core::loom::sync::Mutex;
use weave_core::{Clock, Unpark};

use crate::entry::{Entry, FIRED, MAX_TICK};
use crate::wheel::{WakeBatch, Wheel};

/// `next_tick` / `parked_until` value: no deadline.
pub(crate) const NO_DEADLINE: u64 = u64::MAX;
/// A deadline within this many ticks of the driver's last turn is checked against the
/// clock at registration (so a deadline that has just passed completes at once); later ones
/// are filed without reading the clock.
const NEAR_TICKS: u64 = 64;
/// `parked_until` value: the driver is not parked.
const NOT_PARKED: u64 = 0;

struct Shard {
    wheel: Mutex<Wheel>,
    /// No timer of this shard needs the driver before this tick (`NO_DEADLINE` if empty).
    /// Written under the wheel's lock, read without it by the driver.
    next_tick: AtomicU64,
}

/// What a registration found.
pub(crate) enum Registered {
    /// Filed in the wheel; the driver will fire it.
    Waiting,
    /// Already due: the caller treats the timer as fired.
    Due,
}

pub(crate) struct Timers {
    shards: Box<[CachePadded<Shard>]>,
    clock: Box<dyn Clock>,
    paused: bool,
    /// Tick 0.
    epoch: Instant,
    parked_until: CachePadded<AtomicU64>,
    /// Wakes the driver's inner `Park`.
    unpark: Box<dyn Unpark>,
    shutdown: AtomicBool,
}

impl Timers {
    pub(crate) fn new(clock: Box<dyn Clock>, shards: usize, unpark: Box<dyn Unpark>) -> Timers {
        let shards = shards.max(1);
        Timers {
            shards: (0..shards)
                .map(|_| {
                    CachePadded::new(Shard {
                        wheel: Mutex::new(Wheel::new()),
                        next_tick: AtomicU64::new(NO_DEADLINE),
                    })
                })
                .collect(),
            paused: clock.is_paused(),
            epoch: clock.now(),
            clock,
            parked_until: CachePadded::new(AtomicU64::new(NOT_PARKED)),
            unpark,
            shutdown: AtomicBool::new(false),
        }
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused
    }

    pub(crate) fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.shutdown.load(Acquire)
    }

    /// The first tick at or after `deadline` (so a timer never fires early), clamped.
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.epoch);
        // In u64 (saturating), not `as_millis`'s u128: this runs once per registration.
        let whole_ms = since.as_secs().saturating_mul(1_000);
        let part_ms = u64::from(since.subsec_nanos().div_ceil(1_000_000));
        whole_ms.saturating_add(part_ms).min(MAX_TICK)
    }

    /// The last tick that has fully begun at `now`.
    pub(crate) fn now_tick(&self, now: Instant) -> u64 {
        let ms = now.saturating_duration_since(self.epoch).as_millis();
        u64::try_from(ms).unwrap_or(MAX_TICK).min(MAX_TICK)
    }

    /// The instant at which `tick` begins (saturating for ticks beyond `Instant`'s range).
    pub(crate) fn tick_instant(&self, tick: u64) -> Instant {
        self.epoch
            .checked_add(Duration::from_millis(tick))
            .unwrap_or_else(|| self.epoch + Duration::from_secs(86_400 * 365 * 30))
    }

    /// The earliest tick any shard needs the driver at.
    pub(crate) fn next_tick(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.next_tick.load(SeqCst))
            .min()
            .unwrap_or(NO_DEADLINE)
    }

    /// Files `entry` at `tick` in `shard`.
    ///
    /// # Safety
    /// - `entry` is alive, pinned and not linked; it stays alive until
    ///   [`deregister`](Timers::deregister) returned for it on this `Timers` and `shard`.
    pub(crate) unsafe fn register(
        &self,
        entry: NonNull<Entry>,
        deadline: Instant,
        shard: usize,
    ) -> Registered {
        let tick = self.deadline_tick(deadline);
        let shard = &self.shards[shard];
        let mut wheel = shard.wheel.lock().unwrap();
        // Due if the driver already passed it, or if the clock says so. The system clock
        // costs ~40 ns a read, so it is read only near the driver's last turn; a paused
        // clock is one atomic load, and is moved in big jumps, so it is always read.
        let near = self.paused || tick <= wheel.elapsed().saturating_add(NEAR_TICKS);
        if tick <= wheel.elapsed() || (near && deadline <= self.clock.now()) {
            // SAFETY: the caller's promise; not linked, so no other thread reads it.
            unsafe { entry.as_ref() }.state.store(FIRED, Release);
            return Registered::Due;
        }
        // SAFETY: the caller's promise; the state is written before the entry becomes
        // visible to the driver through the wheel (both under the lock).
        unsafe {
            entry.as_ref().state.store(tick, Release);
            wheel.insert(entry, tick);
        }
        let earliest = tick < shard.next_tick.load(Relaxed);
        if earliest {
            shard.next_tick.store(tick, SeqCst);
        }
        drop(wheel);
        if earliest {
            self.wake_driver_for(tick);
        }
        Registered::Waiting
    }

    /// Unparks the driver if it sleeps past `tick` (see the module docs for the handshake).
    fn wake_driver_for(&self, tick: u64) {
        fence(SeqCst);
        let parked_until = self.parked_until.load(SeqCst);
        if parked_until != NOT_PARKED && tick < parked_until {
            self.unpark.unpark();
        }
    }

    /// Takes `entry` out of its wheel if it is there.
    ///
    /// # Safety
    /// - `entry` was registered in this `Timers` at `shard` (or never linked) and is alive.
    #[inline]
    pub(crate) unsafe fn deregister(&self, entry: NonNull<Entry>, shard: usize) {
        let mut wheel = self.shards[shard].wheel.lock().unwrap();
        // SAFETY: forwarded from the caller; we hold the shard's lock.
        unsafe { wheel.unlink(entry) };
    }

    /// Moves a registered entry to `tick`, under the lock (the path for earlier deadlines
    /// and for timers that already fired). Returns `Due` if `tick` has already passed, after
    /// waking the waker stored in the entry.
    ///
    /// # Safety
    /// - As for [`deregister`](Timers::deregister), and `entry` stays alive until deregistered.
    pub(crate) unsafe fn reregister(
        &self,
        entry: NonNull<Entry>,
        deadline: Instant,
        shard: usize,
    ) -> Registered {
        {
            let mut wheel = self.shards[shard].wheel.lock().unwrap();
            // SAFETY: forwarded from the caller; we hold the shard's lock.
            unsafe { wheel.unlink(entry) };
        }
        // SAFETY: forwarded; the entry is now unlinked, as `register` requires.
        let registered = unsafe { self.register(entry, deadline, shard) };
        if let Registered::Due = registered {
            // SAFETY: alive per the caller.
            if let Some(waker) = unsafe { entry.as_ref() }.waker.take() {
                waker.wake();
            }
        }
        registered
    }

    /// Fires every timer due at `now`; returns how many wakers were woken. Wakers are woken
    /// in batches of 32 with the shard's lock released.
    pub(crate) fn process(&self, now: Instant) -> usize {
        let now = self.now_tick(now);
        let mut batch = WakeBatch::new();
        let mut woken = 0;
        for shard in self.shards.iter() {
            let mut wheel = shard.wheel.lock().unwrap();
            // Never behind the wheel (a clock that stepped back must not un-fire anything).
            let now = now.max(wheel.elapsed());
            // SAFETY: we hold the lock; the wheel's entries are alive (owners deregister
            // under this lock before freeing them).
            unsafe { wheel.advance(now) };
            loop {
                // SAFETY: as above.
                let more = unsafe { wheel.fire_pending(now, &mut batch) };
                if !more {
                    shard
                        .next_tick
                        .store(wheel.next_expiration().unwrap_or(NO_DEADLINE), SeqCst);
                }
                drop(wheel);
                woken += batch.wake_all();
                if !more {
                    break;
                }
                wheel = shard.wheel.lock().unwrap();
            }
        }
        woken
    }

    /// Publishes that the driver is about to sleep until its next deadline and returns that
    /// tick (`NO_DEADLINE` if none); see the module docs.
    pub(crate) fn announce_park(&self) -> u64 {
        let mut next = self.next_tick();
        loop {
            self.parked_until.store(next, SeqCst);
            fence(SeqCst);
            let again = self.next_tick();
            if again >= next {
                return next;
            }
            next = again;
        }
    }

    pub(crate) fn end_park(&self) {
        self.parked_until.store(NOT_PARKED, SeqCst);
    }

    /// Marks the timers shut down and wakes every waiting `Sleep` (its next poll panics,
    /// saying so, instead of hanging forever).
    pub(crate) fn shutdown(&self) {
        self.shutdown.store(true, Release);
        let mut batch = WakeBatch::new();
        for shard in self.shards.iter() {
            loop {
                let mut wheel = shard.wheel.lock().unwrap();
                // SAFETY: we hold the lock; linked entries are alive.
                let more = unsafe { wheel.drain_for_shutdown(&mut batch) };
                shard.next_tick.store(NO_DEADLINE, SeqCst);
                drop(wheel);
                batch.wake_all();
                if !more {
                    break;
                }
            }
        }
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("shards", &self.shards.len())
            .field("paused", &self.paused)
            .field("shutdown", &self.is_shutdown())
            .finish_non_exhaustive()
    }
}
