//! A chain of tasks, each spawning the next.

use super::{run_in_task, Limit, Scale, Workload};
use crate::runtimes::Runtime;

/// A chain of `links` tasks: each spawns the next and ends without being awaited; the last
/// signals completion over an `async_channel` (ns/link).
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioMt};
/// use weave_bench::workloads::{ChainedSpawn, Workload};
///
/// ChainedSpawn { links: 10 }.run(&TokioMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ChainedSpawn {
    /// How long the chain is (10,000 at full scale).
    pub links: usize,
}

impl Workload for ChainedSpawn {
    const NAME: &'static str = "chained_spawn";
    const UNIT: &'static str = "link";
    const ABOUT: &'static str = "a chain of tasks, each spawning the next";
    const LIMIT: Limit = Limit::Spawn;

    fn new(scale: Scale) -> Self {
        Self {
            links: scale.size(10_000),
        }
    }

    fn items(&self) -> u64 {
        self.links as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let links = self.links;
        run_in_task(runtime, async move {
            let (done, finished) = async_channel::bounded(1);
            link::<R>(links, done);
            finished.recv().await.expect("the chain broke");
        });
    }
}

/// Spawns the next link, or signals `done` if none are `left`.
fn link<R: Runtime>(left: usize, done: async_channel::Sender<()>) {
    if left == 0 {
        done.try_send(()).expect("the chain ended twice");
    } else {
        R::spawn_detached(async move { link::<R>(left - 1, done) });
    }
}
