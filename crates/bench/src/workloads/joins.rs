//! Waiting for many things at once: `join_all` over futures, a set of spawned tasks.

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::{PendingOnce, Primitives};
use crate::runtimes::Runtime;

/// Inside one task, the runtime's `join_all` (Weave: `weave::future::join_all`; tokio and
/// smol: `futures::future::join_all`) of `FUTURES` futures, each pending once then ready
/// (ns/future).
///
/// ```
/// use weave_bench::runtimes::{Runtime, WeaveCt};
/// use weave_bench::workloads::{JoinAll, Workload};
///
/// JoinAll::<10_000> { futures: 100 }.run(&WeaveCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JoinAll<const FUTURES: usize> {
    /// How many futures (`FUTURES` at full scale).
    pub futures: usize,
}

impl<const FUTURES: usize> Workload for JoinAll<FUTURES> {
    const NAME: &'static str = match FUTURES {
        10_000 => "join_all_10k",
        100_000 => "join_all_100k",
        _ => "join_all",
    };
    const UNIT: &'static str = "future";
    const ABOUT: &'static str = "one task joining futures that are each pending once (waking \
         themselves) then ready: `weave::future::join_all` against `futures::future::join_all`";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            futures: scale.size(FUTURES),
        }
    }

    fn items(&self) -> u64 {
        self.futures as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let futures = self.futures;
        run_in_task(runtime, async move {
            let all = (0..futures).map(|_| PendingOnce::new()).collect();
            let joined = <R::Primitives>::join_all(all).await;
            assert_eq!(joined.len(), futures);
        });
    }
}

/// From inside a task, spawn `tasks` trivial tasks into the runtime's set of tasks (Weave's
/// and tokio's `JoinSet`; smol: a `Vec` of tasks) and join them all (ns/task).
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioCt};
/// use weave_bench::workloads::{JoinSet, Workload};
///
/// JoinSet { tasks: 100 }.run(&TokioCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JoinSet {
    /// How many tasks (100,000 at full scale).
    pub tasks: usize,
}

impl Workload for JoinSet {
    const NAME: &'static str = "join_set";
    const UNIT: &'static str = "task";
    const ABOUT: &'static str = "trivial tasks spawned into the runtime's `JoinSet` (smol: a \
         `Vec` of tasks) from inside a task, then all joined";
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
        run_in_task(runtime, <R::Primitives>::join_set::<R>(tasks));
    }
}
