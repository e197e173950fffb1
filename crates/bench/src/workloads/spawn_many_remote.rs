//! Spawning from outside the runtime.

use super::{Limit, Scale, Workload};
use crate::runtimes::Runtime;

/// From the benchmark thread, outside the runtime, spawn `tasks` trivial tasks, then block on
/// awaiting every join handle (ns/task).
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioMt};
/// use weave_bench::workloads::{SpawnManyRemote, Workload};
///
/// SpawnManyRemote { tasks: 10 }.run(&TokioMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SpawnManyRemote {
    /// How many tasks to spawn (100,000 at full scale).
    pub tasks: usize,
}

impl Workload for SpawnManyRemote {
    const NAME: &'static str = "spawn_many_remote";
    const UNIT: &'static str = "task";
    const ABOUT: &'static str = "trivial tasks spawned from outside the runtime, then all awaited";
    const LIMIT: Limit = Limit::Spawn;

    fn new(scale: Scale) -> Self {
        Self {
            tasks: scale.size(100_000),
        }
    }

    fn items(&self) -> u64 {
        self.tasks as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let handles: Vec<_> = (0..self.tasks)
            .map(|_| runtime.spawn_remote(async {}))
            .collect();
        runtime.block_on(async move {
            for handle in handles {
                handle.await;
            }
        });
    }
}
