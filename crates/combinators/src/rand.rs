//! A tiny per-thread random number generator for `select!`'s and `race`'s fair start.
//!
//! Fairness needs only "no branch is always first", not quality randomness: an xorshift64*
//! state per thread, seeded from the thread-local's address and a global counter, costs a
//! few instructions and no dependency.

use std::cell::Cell;
// std's atomic and thread-local even under loom, like task ids: a seed is not a protocol.
use std::sync::atomic::{AtomicU64, Ordering};

std::thread_local! {
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// A number in `0..n` (`n > 0`).
#[doc(hidden)]
pub fn below(n: u32) -> u32 {
    let x = STATE
        .try_with(|state| {
            let mut x = state.get();
            if x == 0 {
                x = seed();
            }
            // xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators").
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            state.set(x);
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        })
        .unwrap_or_else(|_| seed());
    // Multiply-shift maps the high 32 bits onto 0..n without a division.
    (((x >> 32) * u64::from(n)) >> 32) as u32
}

fn seed() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let unique = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    // The stack address differs per thread (and per run, with ASLR).
    let local = std::ptr::addr_of!(unique).addr() as u64;
    (unique ^ local.rotate_left(32)) | 1 // never zero: zero is xorshift's fixed point
}

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn below_stays_in_range_and_hits_every_value() {
        let mut seen = [0u32; 3];
        for _ in 0..3_000 {
            seen[super::below(3) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
    }
}
