//! Channels: producers sending `u64`s to one consumer over the runtime's own mpsc channel.

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::Primitives;
use crate::runtimes::Runtime;

/// `PRODUCERS` tasks send `messages` `u64`s in total (split evenly) over the runtime's own
/// channel, bounded to 1,024 when `BOUNDED`, else unbounded; the root task receives them all
/// (ns/message).
///
/// ```
/// use weave_bench::runtimes::{Runtime, WeaveCt};
/// use weave_bench::workloads::{Mpsc, Workload};
///
/// Mpsc::<8, true> { messages: 800 }.run(&WeaveCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Mpsc<const PRODUCERS: usize, const BOUNDED: bool> {
    /// How many messages in total (1,000,000 at full scale).
    pub messages: usize,
}

/// The capacity of the bounded channel.
pub const CAPACITY: usize = 1024;

impl<const PRODUCERS: usize, const BOUNDED: bool> Workload for Mpsc<PRODUCERS, BOUNDED> {
    const NAME: &'static str = match (PRODUCERS, BOUNDED) {
        (1, true) => "mpsc_bounded_1p",
        (_, true) => "mpsc_bounded_8p",
        (1, false) => "mpsc_unbounded_1p",
        (_, false) => "mpsc_unbounded_8p",
    };
    const UNIT: &'static str = "msg";
    const ABOUT: &'static str = if BOUNDED {
        "producer task(s) sending `u64`s to one receiving task over the runtime's own \
         `mpsc` channel, bounded to 1,024 (smol: `async_channel::bounded`)"
    } else {
        "producer task(s) sending `u64`s to one receiving task over the runtime's own \
         unbounded `mpsc` channel (smol: `async_channel::unbounded`)"
    };
    const LIMIT: Limit = Limit::Channel;

    fn new(scale: Scale) -> Self {
        Self {
            messages: scale.size(1_000_000),
        }
    }

    fn items(&self) -> u64 {
        (self.messages / PRODUCERS * PRODUCERS) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let each = self.messages / PRODUCERS;
        run_in_task(runtime, async move {
            let mut producers = Vec::with_capacity(PRODUCERS);
            let received = if BOUNDED {
                let (sender, mut receiver) = <R::Primitives>::bounded(CAPACITY);
                for _ in 0..PRODUCERS {
                    let sender = sender.clone();
                    producers.push(R::spawn(async move {
                        for value in 0..each as u64 {
                            <R::Primitives>::send(&sender, value).await;
                        }
                    }));
                }
                drop(sender);
                let mut received = 0;
                while <R::Primitives>::recv(&mut receiver).await.is_some() {
                    received += 1;
                }
                received
            } else {
                let (sender, mut receiver) = <R::Primitives>::unbounded();
                for _ in 0..PRODUCERS {
                    let sender = sender.clone();
                    producers.push(R::spawn(async move {
                        for value in 0..each as u64 {
                            <R::Primitives>::send_unbounded(&sender, value);
                        }
                    }));
                }
                drop(sender);
                let mut received = 0;
                while <R::Primitives>::recv_unbounded(&mut receiver)
                    .await
                    .is_some()
                {
                    received += 1;
                }
                received
            };
            assert_eq!(received, each * PRODUCERS, "messages lost");
            for producer in producers {
                producer.await;
            }
        });
    }
}
