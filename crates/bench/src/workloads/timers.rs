//! Timers: many sleeps at once, and timeouts registered and cancelled.

use std::time::Duration;

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::{PendingOnce, Primitives};
use crate::runtimes::Runtime;

/// The longest sleep of [`Sleeps`], in milliseconds.
pub const LONGEST_SLEEP_MS: u64 = 50;

/// `tasks` tasks each sleep a pseudo-random 1–50 ms (the same sequence on every runtime) with
/// the runtime's own sleep; the figure is how long after 50 ms the last one finished (ms).
///
/// ```
/// use weave_bench::runtimes::{Runtime, WeaveMt};
/// use weave_bench::workloads::{Sleeps, Workload};
///
/// Sleeps { tasks: 100 }.run(&WeaveMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Sleeps {
    /// How many tasks sleep (100,000 at full scale).
    pub tasks: usize,
}

impl Workload for Sleeps {
    const NAME: &'static str = "sleeps";
    const UNIT: &'static str = "ms past 50 ms";
    const PER_ITEM: bool = false;
    const ABOUT: &'static str = "tasks spawned at once, each sleeping a random 1–50 ms with the \
         runtime's own sleep (smol: `async_io::Timer`); the figure is the time from the first \
         spawn to the last wake-up, minus 50 ms";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            tasks: scale.size(100_000),
        }
    }

    fn items(&self) -> u64 {
        self.tasks as u64
    }

    fn score(&self, elapsed: Duration) -> f64 {
        elapsed.as_secs_f64() * 1e3 - LONGEST_SLEEP_MS as f64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let tasks = self.tasks;
        run_in_task(runtime, async move {
            let mut random = 0x2545_f491_4f6c_dd1d_u64;
            let sleepers: Vec<_> = (0..tasks)
                .map(|_| {
                    // xorshift64: the same durations on every runtime, no dependency.
                    random ^= random << 13;
                    random ^= random >> 7;
                    random ^= random << 17;
                    let millis = 1 + random % LONGEST_SLEEP_MS;
                    R::spawn(<R::Primitives>::sleep(Duration::from_millis(millis)))
                })
                .collect();
            for sleeper in sleepers {
                sleeper.await;
            }
        });
    }
}

/// One task wraps, `timeouts` times in a row, a future that is pending once (then ready) in
/// the runtime's own one-hour timeout: each registers a timer, completes, and cancels it
/// (ns/timeout).
///
/// ```
/// use weave_bench::runtimes::{Runtime, SmolCt};
/// use weave_bench::workloads::{TimeoutCancel, Workload};
///
/// TimeoutCancel { timeouts: 100 }.run(&SmolCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TimeoutCancel {
    /// How many timeouts (1,000,000 at full scale).
    pub timeouts: usize,
}

impl Workload for TimeoutCancel {
    const NAME: &'static str = "timeout_cancel";
    const UNIT: &'static str = "timeout";
    const ABOUT: &'static str = "one task awaiting, one after the other, a future pending once \
         inside the runtime's own 1-hour timeout (smol: `or` with an `async_io::Timer`): a timer \
         registered and cancelled, plus one trip through the scheduler, each";
    const LIMIT: Limit = Limit::TimerCancel;

    fn new(scale: Scale) -> Self {
        Self {
            timeouts: scale.size(1_000_000),
        }
    }

    fn items(&self) -> u64 {
        self.timeouts as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let timeouts = self.timeouts;
        run_in_task(runtime, async move {
            for _ in 0..timeouts {
                <R::Primitives>::timeout(Duration::from_secs(3600), PendingOnce::new())
                    .await
                    .expect("a one-hour timeout expired");
            }
        });
    }
}
