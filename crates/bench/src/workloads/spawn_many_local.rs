//! Spawning from inside a task.

use super::{run_in_task, Limit, Scale, Workload};
use crate::runtimes::Runtime;

/// From inside a task, spawn `tasks` trivial tasks, then await every join handle (ns/task).
///
/// ```
/// use weave_bench::runtimes::{Runtime, SmolCt};
/// use weave_bench::workloads::{SpawnManyLocal, Workload};
///
/// SpawnManyLocal { tasks: 10 }.run(&SmolCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SpawnManyLocal {
    /// How many tasks to spawn (100,000 at full scale).
    pub tasks: usize,
}

impl Workload for SpawnManyLocal {
    const NAME: &'static str = "spawn_many_local";
    const UNIT: &'static str = "task";
    const ABOUT: &'static str = "trivial tasks spawned from inside a task, then all awaited";
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
        let tasks = self.tasks;
        run_in_task(runtime, async move {
            let handles: Vec<_> = (0..tasks).map(|_| R::spawn(async {})).collect();
            for handle in handles {
                handle.await;
            }
        });
    }
}
