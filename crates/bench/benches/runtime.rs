//! Criterion front end: one group per workload, one function per runtime
//! (`spawn_many_local/weave_mt`, …), plus the hand-written mio loops in the TCP echo groups
//! (`tcp_echo_50x64B/mio_1t`, `…/mio_2t`).
//!
//! Each runtime is built once per benchmark function, outside the timed loop; one iteration is
//! one whole run of the workload, and the throughput is set to its item count, so criterion's
//! "thrpt" reads as items per second. For figures to compare across runtimes on a noisy
//! machine, prefer the interleaved `report` binary.

use std::time::Duration;

use criterion::{Criterion, Throughput};
use weave_bench::suite::{suite, RuntimeKind};
use weave_bench::workloads::{Limit, Scale};

fn runtimes(c: &mut Criterion) {
    for entry in suite(Scale::from_env()) {
        let mut group = c.benchmark_group(entry.name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .throughput(Throughput::Elements(entry.items));
        for kind in RuntimeKind::ALL {
            let case = entry.bind(kind);
            group.bench_function(kind.name(), |b| b.iter(|| case.run()));
        }
        // The hand-written loops bounding the workload (TCP echo), timed by themselves.
        if entry.limit == Limit::Measured {
            for (name, two_threads) in [("mio_1t", false), ("mio_2t", true)] {
                if entry.run_limit(two_threads).is_some() {
                    group.bench_function(name, |b| {
                        b.iter_custom(|iterations| {
                            (0..iterations)
                                .filter_map(|_| entry.run_limit(two_threads))
                                .sum()
                        })
                    });
                }
            }
        }
        group.finish();
    }
}

// What `criterion_group!` and `criterion_main!` expand to, minus an undocumented `pub fn`.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    runtimes(&mut criterion);
    criterion.final_summary();
}
