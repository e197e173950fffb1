//! Lock contention: tasks taking the runtime's own mutex or semaphore in a loop.

use std::sync::Arc;

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::Primitives;
use crate::runtimes::Runtime;

/// How many tasks contend.
pub const CONTENDERS: usize = 8;

/// [`CONTENDERS`] tasks each lock the runtime's own async mutex around a `u64`, add one and
/// unlock, `rounds` times (ns/lock). On one thread no lock is ever found taken (no guard is
/// held across an await); on two workers the two threads contend.
///
/// ```
/// use weave_bench::runtimes::{Runtime, SmolMt};
/// use weave_bench::workloads::{MutexContention, Workload};
///
/// MutexContention { rounds: 100 }.run(&SmolMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MutexContention {
    /// How many times each task locks (100,000 at full scale).
    pub rounds: usize,
}

impl Workload for MutexContention {
    const NAME: &'static str = "mutex";
    const UNIT: &'static str = "lock";
    const ABOUT: &'static str = "8 tasks each locking the runtime's own async `Mutex<u64>`, \
         adding one and unlocking (smol: `async_lock::Mutex`)";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            rounds: scale.size(100_000),
        }
    }

    fn items(&self) -> u64 {
        (CONTENDERS * self.rounds) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let rounds = self.rounds;
        run_in_task(runtime, async move {
            let mutex = Arc::new(<R::Primitives>::mutex());
            let tasks: Vec<_> = (0..CONTENDERS)
                .map(|_| {
                    let mutex = mutex.clone();
                    R::spawn(async move {
                        for _ in 0..rounds {
                            <R::Primitives>::increment(&mutex).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
            let total = <R::Primitives>::value(&mutex).await;
            assert_eq!(total, (CONTENDERS * rounds) as u64, "lost an increment");
        });
    }
}

/// [`CONTENDERS`] tasks each acquire one permit of the runtime's own semaphore of
/// [`PERMITS`] permits and release it at once, `rounds` times (ns/acquire).
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioMt};
/// use weave_bench::workloads::{SemaphoreContention, Workload};
///
/// SemaphoreContention { rounds: 100 }.run(&TokioMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SemaphoreContention {
    /// How many times each task acquires (100,000 at full scale).
    pub rounds: usize,
}

/// How many permits the contended semaphore has.
pub const PERMITS: usize = 2;

impl Workload for SemaphoreContention {
    const NAME: &'static str = "semaphore";
    const UNIT: &'static str = "acquire";
    const ABOUT: &'static str = "8 tasks each acquiring and releasing one permit of the \
         runtime's own `Semaphore` of 2 permits (smol: `async_lock::Semaphore`)";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            rounds: scale.size(100_000),
        }
    }

    fn items(&self) -> u64 {
        (CONTENDERS * self.rounds) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let rounds = self.rounds;
        run_in_task(runtime, async move {
            let semaphore = Arc::new(<R::Primitives>::semaphore(PERMITS));
            let tasks: Vec<_> = (0..CONTENDERS)
                .map(|_| {
                    let semaphore = semaphore.clone();
                    R::spawn(async move {
                        for _ in 0..rounds {
                            <R::Primitives>::acquire_release(&semaphore).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        });
    }
}
