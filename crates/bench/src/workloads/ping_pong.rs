//! Pairs of tasks bouncing a message back and forth.

use super::{run_in_task, Limit, Scale, Workload};
use crate::runtimes::Runtime;

/// `pairs` pairs of tasks; in each, one sends a number over an `async_channel::bounded(1)`
/// and waits for the other to send it back over a second one, `round_trips` times
/// (ns/round trip). The channel is the same on every runtime: only the executor differs.
///
/// ```
/// use weave_bench::runtimes::{Runtime, SmolMt};
/// use weave_bench::workloads::{PingPong, Workload};
///
/// PingPong { pairs: 4, round_trips: 10 }.run(&SmolMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PingPong {
    /// How many pairs play at once (1,000 at full scale).
    pub pairs: usize,
    /// How many round trips each pair makes (100).
    pub round_trips: usize,
}

impl Workload for PingPong {
    const NAME: &'static str = "ping_pong";
    const UNIT: &'static str = "round trip";
    const ABOUT: &'static str =
        "pairs of tasks bouncing a number over two `async_channel::bounded(1)`";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            pairs: scale.size(1_000),
            round_trips: 100,
        }
    }

    fn items(&self) -> u64 {
        (self.pairs * self.round_trips) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let Self { pairs, round_trips } = *self;
        run_in_task(runtime, async move {
            let mut handles = Vec::with_capacity(2 * pairs);
            for _ in 0..pairs {
                let (ping, pinged) = async_channel::bounded(1);
                let (pong, ponged) = async_channel::bounded(1);
                handles.push(R::spawn(async move {
                    for round in 0..round_trips {
                        ping.send(round).await.expect("ponger gone");
                        ponged.recv().await.expect("ponger gone");
                    }
                }));
                handles.push(R::spawn(async move {
                    for _ in 0..round_trips {
                        let round = pinged.recv().await.expect("pinger gone");
                        pong.send(round).await.expect("pinger gone");
                    }
                }));
            }
            for handle in handles {
                handle.await;
            }
        });
    }
}
