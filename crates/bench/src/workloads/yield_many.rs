//! Tasks that do nothing but yield.

use super::{run_in_task, Limit, Scale, Workload};
use crate::runtimes::Runtime;

/// `tasks` tasks each yield `yields` times with the runtime's own `yield_now`; wait for all
/// (ns/yield).
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioCt};
/// use weave_bench::workloads::{Workload, YieldMany};
///
/// YieldMany { tasks: 4, yields: 10 }.run(&TokioCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct YieldMany {
    /// How many tasks yield at once (200).
    pub tasks: usize,
    /// How many times each yields (1,000 at full scale).
    pub yields: usize,
}

impl Workload for YieldMany {
    const NAME: &'static str = "yield_many";
    const UNIT: &'static str = "yield";
    const ABOUT: &'static str = "200 tasks yielding in turn, with the runtime's own `yield_now`";
    const LIMIT: Limit = Limit::Yield;

    fn new(scale: Scale) -> Self {
        Self {
            tasks: 200,
            yields: scale.size(1_000),
        }
    }

    fn items(&self) -> u64 {
        (self.tasks * self.yields) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let Self { tasks, yields } = *self;
        run_in_task(runtime, async move {
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    R::spawn(async move {
                        for _ in 0..yields {
                            R::yield_now().await;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await;
            }
        });
    }
}
