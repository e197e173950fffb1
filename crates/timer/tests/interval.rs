//! `Interval` and each `MissedTickBehavior`, exact under a paused clock.

mod common;

use std::time::Duration;

use common::Paused;
use futures::StreamExt;
use weave_timer::{interval, interval_at, Instant, MissedTickBehavior};

const PERIOD: Duration = Duration::from_millis(10);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Ticks on schedule, then the consumer stalls from 10 ms to 35 ms (ticks due at 20 and 30
/// are missed); returns (due, observed) of the next ticks, relative to the start.
fn stall_and_tick(behavior: MissedTickBehavior, ticks: usize) -> Vec<(Duration, Duration)> {
    let rt = Paused::new();
    let clock = rt.clock.clone();
    rt.block_on(async move {
        let start = Instant::now();
        let mut every = interval(PERIOD);
        every.set_missed_tick_behavior(behavior);
        assert_eq!(every.tick().await - start, ms(0));
        assert_eq!(every.tick().await - start, ms(10));
        clock.advance(ms(25)); // busy elsewhere until 35 ms
        let mut seen = Vec::new();
        for _ in 0..ticks {
            let due = every.tick().await;
            seen.push((due - start, Instant::now() - start));
        }
        seen
    })
}

#[test]
fn burst_catches_up_then_keeps_the_schedule() {
    let seen = stall_and_tick(MissedTickBehavior::Burst, 4);
    assert_eq!(
        seen,
        vec![
            (ms(20), ms(35)),
            (ms(30), ms(35)),
            (ms(40), ms(40)),
            (ms(50), ms(50))
        ]
    );
}

#[test]
fn delay_restarts_the_schedule_from_the_late_tick() {
    let seen = stall_and_tick(MissedTickBehavior::Delay, 3);
    assert_eq!(
        seen,
        vec![(ms(20), ms(35)), (ms(45), ms(45)), (ms(55), ms(55))]
    );
}

#[test]
fn skip_drops_missed_ticks_and_keeps_the_phase() {
    let seen = stall_and_tick(MissedTickBehavior::Skip, 3);
    assert_eq!(
        seen,
        vec![(ms(20), ms(35)), (ms(40), ms(40)), (ms(50), ms(50))]
    );
}

#[test]
fn interval_at_starts_later_and_is_a_stream() {
    let rt = Paused::new();
    rt.block_on(async {
        let start = Instant::now();
        let every = interval_at(start + ms(100), PERIOD);
        let ticks: Vec<_> = every.take(3).map(|due| due - start).collect().await;
        assert_eq!(ticks, vec![ms(100), ms(110), ms(120)]);
    });
}

#[test]
fn reset_restarts_one_period_from_now() {
    let rt = Paused::new();
    let clock = rt.clock.clone();
    rt.block_on(async move {
        let start = Instant::now();
        let mut every = interval(PERIOD);
        every.tick().await;
        clock.advance(ms(3));
        every.reset();
        assert_eq!(every.tick().await - start, ms(13));
        assert_eq!(every.period(), PERIOD);
    });
}

#[test]
#[should_panic(expected = "period must be non-zero")]
fn a_zero_period_panics_naming_the_mistake() {
    let _ = interval(Duration::ZERO);
}
