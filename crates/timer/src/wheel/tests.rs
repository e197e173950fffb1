//! The wheel alone, against a `BTreeMap` model: random inserts, cancels, resets (both the
//! lock-free "later" path and the re-filing "earlier" path) and advances. Every firing is
//! checked: none early, none missed after an advance, none twice.

use std::collections::{btree_map, BTreeMap};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::Ordering::SeqCst;
use std::task::Waker;

use super::*;
use crate::entry::UNREGISTERED;

/// A small deterministic generator (xorshift64*), so failures replay from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The wheel plus its entries, with the same filing rules as `Timers` and `Sleep`.
struct Harness {
    wheel: Wheel,
    entries: Vec<Pin<Box<Entry>>>,
}

impl Harness {
    fn new(n: usize) -> Harness {
        Harness {
            wheel: Wheel::new(),
            entries: (0..n).map(|_| Box::pin(Entry::new())).collect(),
        }
    }

    fn ptr(&self, id: usize) -> NonNull<Entry> {
        NonNull::from(&*self.entries[id])
    }

    fn state(&self, id: usize) -> u64 {
        self.entries[id].state.load(SeqCst)
    }

    /// Files `id` at `tick`; returns true if it was due at once (and so fired).
    fn insert(&mut self, id: usize, tick: u64) -> bool {
        let entry = self.ptr(id);
        if tick <= self.wheel.elapsed() {
            self.entries[id].state.store(FIRED, SeqCst);
            return true;
        }
        self.entries[id].state.store(tick, SeqCst);
        // SAFETY: the entry is boxed and pinned, outlives the wheel's use of it (cancelled
        // or fired before the harness drops), and this test is the only thread.
        unsafe { self.wheel.insert(entry, tick) };
        false
    }

    fn cancel(&mut self, id: usize) {
        // SAFETY: as in `insert`.
        unsafe { self.wheel.unlink(self.ptr(id)) };
        self.entries[id].state.store(UNREGISTERED, SeqCst);
    }

    /// `Sleep::reset`: later is a store, earlier re-files. Returns true if due at once.
    fn reset(&mut self, id: usize, tick: u64) -> bool {
        let state = self.state(id);
        if tick >= state {
            self.entries[id].state.store(tick, SeqCst);
            return false;
        }
        // SAFETY: as in `insert`.
        unsafe { self.wheel.unlink(self.ptr(id)) };
        self.insert(id, tick)
    }

    /// Advances to `now` and fires; returns the ids that fired.
    fn advance(&mut self, now: u64, live: &BTreeMap<usize, u64>) -> Vec<usize> {
        let mut batch = WakeBatch::new();
        // SAFETY: as in `insert`.
        unsafe {
            self.wheel.advance(now);
            while self.wheel.fire_pending(now, &mut batch) {
                batch.wake_all();
            }
        }
        live.keys()
            .copied()
            .filter(|&id| self.state(id) == FIRED)
            .collect()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        for id in 0..self.entries.len() {
            // SAFETY: as in `insert`; unlink everything before the boxes are freed.
            unsafe { self.wheel.unlink(self.ptr(id)) };
        }
    }
}

fn random_deadline(rng: &mut Rng, elapsed: u64) -> u64 {
    let ahead = match rng.below(10) {
        0 => 0,                      // due now
        1..=4 => rng.below(70),      // level 0 and 1
        5..=7 => rng.below(300_000), // levels 1 to 3
        8 => rng.below(1 << 40),     // past the horizon
        _ => MAX_TICK,               // sleep(Duration::MAX)
    };
    elapsed.saturating_add(ahead).min(MAX_TICK)
}

fn run_model(seed: u64, steps: usize, timers: usize) {
    let mut rng = Rng(seed);
    let mut h = Harness::new(timers);
    // id -> deadline of every timer filed and not yet fired or cancelled.
    let mut live: BTreeMap<usize, u64> = BTreeMap::new();
    let mut now = 0u64;
    for step in 0..steps {
        let id = rng.below(timers as u64) as usize;
        match rng.below(8) {
            0..=2 => {
                if let btree_map::Entry::Vacant(slot) = live.entry(id) {
                    let tick = random_deadline(&mut rng, now);
                    if !h.insert(id, tick) {
                        slot.insert(tick);
                    } else {
                        assert!(tick <= now, "seed {seed} step {step}: fired early");
                    }
                }
            }
            3 => {
                if live.remove(&id).is_some() {
                    h.cancel(id);
                }
            }
            4 => {
                if let btree_map::Entry::Occupied(mut slot) = live.entry(id) {
                    let tick = random_deadline(&mut rng, now);
                    if h.reset(id, tick) {
                        slot.remove();
                    } else {
                        slot.insert(tick);
                    }
                }
            }
            _ => {
                now += match rng.below(10) {
                    0..=5 => rng.below(3),
                    6..=8 => rng.below(5_000),
                    _ => rng.below(1 << 38),
                };
                now = now.min(MAX_TICK);
                let fired = h.advance(now, &live);
                for id in &fired {
                    let deadline = live.remove(id).unwrap();
                    assert!(deadline <= now, "seed {seed} step {step}: {id} fired early");
                }
                let missed: Vec<_> = live.iter().filter(|(_, &d)| d <= now).collect();
                assert!(
                    missed.is_empty(),
                    "seed {seed} step {step}: not fired: {missed:?}"
                );
                if let Some(&earliest) = live.values().min() {
                    let next = h.wheel.next_expiration().expect("a live timer was lost");
                    assert!(
                        next <= earliest,
                        "seed {seed} step {step}: would wake too late"
                    );
                    assert!(
                        next > now,
                        "seed {seed} step {step}: next expiration in the past"
                    );
                }
            }
        }
        assert_eq!(
            h.wheel.len(),
            live.len(),
            "seed {seed} step {step}: linked count"
        );
        if step % 64 == 0 {
            h.wheel.assert_counts();
        }
    }
}

#[test]
fn random_operations_match_a_btreemap_model() {
    let (seeds, steps): (u64, usize) = if cfg!(miri) { (2, 200) } else { (200, 5_000) };
    for seed in 1..=seeds {
        run_model(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), steps, 48);
    }
}

/// Enough timers that slots pass `COMPACT_MIN` and get compacted under random operations.
#[test]
fn random_operations_with_crowded_slots_match_a_btreemap_model() {
    let (seeds, steps): (u64, usize) = if cfg!(miri) { (1, 120) } else { (40, 10_000) };
    for seed in 1..=seeds {
        run_model(seed.wrapping_mul(0x2545_f491_4f6c_dd1d), steps, 400);
    }
}

/// Cancelling most timers of one slot compacts it; the survivors keep their order and
/// cancel and fire correctly at their new places.
#[test]
fn compaction_keeps_the_order_and_the_places_of_the_survivors() {
    let n = 4 * COMPACT_MIN;
    let mut h = Harness::new(n);
    for id in 0..n {
        assert!(!h.insert(id, 9));
    }
    // Cancel three in four, from both ends inwards, so compaction runs mid-way.
    let doomed: Vec<usize> = (0..n).filter(|id| id % 4 != 0).collect();
    let (front, back) = doomed.split_at(doomed.len() / 2);
    for (&a, &b) in front.iter().zip(back.iter().rev()) {
        h.cancel(a);
        h.cancel(b);
    }
    assert_eq!(h.wheel.len(), n / 4);
    h.wheel.assert_counts();
    // Survivors moved by the compaction still unlink from their new index.
    h.cancel(4);
    h.cancel(n - 4);
    let expected: Vec<usize> = (0..n)
        .filter(|id| id % 4 == 0 && *id != 4 && *id != n - 4)
        .collect();
    // SAFETY: as in `Harness::insert`.
    unsafe { h.wheel.advance(9) };
    assert_eq!(pending_ids(&h), expected);
    let live: BTreeMap<usize, u64> = expected.iter().map(|&id| (id, 9)).collect();
    assert_eq!(h.advance(9, &live), expected);
    assert_eq!(h.wheel.len(), 0);
}

/// Timers cancelled while they wait on the pending list, between two batches, are skipped;
/// the rest fire in order.
#[test]
fn cancelling_pending_timers_between_batches_skips_them() {
    let n = 5 * WakeBatch::CAPACITY;
    let mut h = Harness::new(n);
    for id in 0..n {
        // A waker each, so that a batch fills up.
        h.entries[id].waker.register(Waker::noop());
        assert!(!h.insert(id, 3));
    }
    let mut batch = WakeBatch::new();
    // SAFETY: as in `Harness::insert`.
    let more = unsafe {
        h.wheel.advance(3);
        h.wheel.fire_pending(3, &mut batch)
    };
    assert!(more);
    assert_eq!(batch.wake_all(), WakeBatch::CAPACITY);
    for id in (WakeBatch::CAPACITY..n).filter(|id| id % 3 != 0) {
        h.cancel(id);
    }
    let expected: Vec<usize> = (WakeBatch::CAPACITY..n).filter(|id| id % 3 == 0).collect();
    h.wheel.assert_counts();
    assert_eq!(pending_ids(&h), expected);
    let live: BTreeMap<usize, u64> = expected.iter().map(|&id| (id, 3)).collect();
    assert_eq!(h.advance(3, &live), expected);
    assert_eq!(h.wheel.len(), 0);
    assert!(!h.wheel.has_pending());
    // The emptied wheel takes new timers as usual.
    assert!(!h.insert(1, 70));
    assert_eq!(h.wheel.next_expiration(), Some(64));
}

#[test]
fn levels_cascade_exactly_at_the_deadline() {
    let mut h = Harness::new(6);
    let ticks = [1, 63, 64, 4_095, 4_096, 262_145];
    for (id, &tick) in ticks.iter().enumerate() {
        assert!(!h.insert(id, tick));
    }
    let mut live: BTreeMap<usize, u64> = ticks.iter().copied().enumerate().collect();
    for (id, &tick) in ticks.iter().enumerate() {
        assert!(h.advance(tick - 1, &live).is_empty(), "fired before {tick}");
        assert_eq!(h.wheel.next_expiration().map(|n| n <= tick), Some(true));
        assert_eq!(h.advance(tick, &live), vec![id]);
        live.remove(&id);
    }
    assert_eq!(h.wheel.next_expiration(), None);
}

#[test]
fn deadline_past_the_horizon_is_refiled_until_due() {
    let mut h = Harness::new(1);
    let far = HORIZON * 3 + 12_345;
    assert!(!h.insert(0, far));
    let live = BTreeMap::from([(0, far)]);
    let mut turns = 0;
    while let Some(next) = h.wheel.next_expiration() {
        turns += 1;
        assert!(turns < 64, "re-filed too often");
        let fired = h.advance(next, &live);
        if next < far {
            assert!(fired.is_empty(), "fired at {next}, before {far}");
        } else {
            assert_eq!(fired, vec![0]);
        }
    }
    assert_eq!(h.state(0), FIRED);
}

#[test]
fn moving_a_deadline_later_refiles_when_the_old_slot_comes_due() {
    let mut h = Harness::new(1);
    assert!(!h.insert(0, 10));
    assert!(!h.reset(0, 5_000));
    let live = BTreeMap::from([(0, 5_000)]);
    assert!(h.advance(10, &live).is_empty());
    assert!(h.wheel.next_expiration().unwrap() <= 5_000);
    assert!(h.advance(4_999, &live).is_empty());
    assert_eq!(h.advance(5_000, &live), vec![0]);
}

#[test]
fn many_due_timers_fire_in_batches() {
    let n = if cfg!(miri) { 70 } else { 1_000 };
    let mut h = Harness::new(n);
    for id in 0..n {
        assert!(!h.insert(id, 5));
    }
    let live: BTreeMap<usize, u64> = (0..n).map(|id| (id, 5)).collect();
    assert_eq!(h.advance(5, &live).len(), n);
    assert_eq!(h.wheel.len(), 0);
}

/// The ids on the pending list, front to back.
fn pending_ids(h: &Harness) -> Vec<usize> {
    h.wheel
        .pending()
        .into_iter()
        .map(|entry| {
            h.entries
                .iter()
                .position(|e| std::ptr::eq(&**e, entry.as_ptr()))
                .unwrap()
        })
        .collect()
}

#[test]
fn timers_due_together_fire_in_registration_order_after_a_cascade() {
    let mut h = Harness::new(8);
    // Interleaved: four in a level-0 slot, four in a level-1 slot that cascades at 64.
    for id in 0..8 {
        assert!(!h.insert(id, if id % 2 == 0 { 5 } else { 70 }));
    }
    // SAFETY: as in `Harness::insert`.
    unsafe { h.wheel.advance(5) };
    assert_eq!(pending_ids(&h), [0, 2, 4, 6]);
    // The level-1 slot comes due at 64: its timers are re-filed into level 0, not fired.
    // SAFETY: as above.
    unsafe { h.wheel.advance(64) };
    assert_eq!(pending_ids(&h), [0, 2, 4, 6]);
    // SAFETY: as above.
    unsafe { h.wheel.advance(70) };
    assert_eq!(pending_ids(&h), [0, 2, 4, 6, 1, 3, 5, 7]);
    let live: BTreeMap<usize, u64> = (0..8).map(|id| (id, 5 + 65 * (id as u64 % 2))).collect();
    assert_eq!(h.advance(70, &live).len(), 8);
    assert_eq!(h.wheel.len(), 0);
}
