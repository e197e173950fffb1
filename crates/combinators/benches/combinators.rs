//! Weave's combinators against futures-util and tokio on the same workloads.
//!
//! ```sh
//! cargo bench -p weave-combinators --bench combinators
//! ```
//!
//! - `join_all/*`: `join_all` of N futures that are ready at once (`ready`) or pending once
//!   and woken once (`yield`), against `futures::future::join_all`, both driven by
//!   `weave_executor::block_on`.
//! - `join_set/100k`: spawn 100 000 tasks and `join_next` them all on a two-worker pool,
//!   Weave's `ThreadPool` + `JoinSet` against tokio's multi-thread runtime + `JoinSet`.
//! - `select/two_channels`: drain two channels through `select!` in a loop, against
//!   `tokio::select!` on the same channels.

#![allow(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use futures::StreamExt;

/// Pending once (waking itself), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.0 {
            return Poll::Ready(1);
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn join_all(c: &mut Criterion) {
    let mut group = c.benchmark_group("join_all");
    group.sample_size(20);
    for n in [10_000usize, 100_000] {
        let label = format!("{}k", n / 1000);
        group.bench_function(BenchmarkId::new("weave/ready", &label), |b| {
            b.iter(|| {
                weave_executor::block_on(weave_combinators::join_all(
                    (0..n).map(|_| std::future::ready(1u32)),
                ))
            })
        });
        group.bench_function(BenchmarkId::new("futures/ready", &label), |b| {
            b.iter(|| {
                weave_executor::block_on(futures::future::join_all(
                    (0..n).map(|_| std::future::ready(1u32)),
                ))
            })
        });
        group.bench_function(BenchmarkId::new("weave/yield", &label), |b| {
            b.iter(|| {
                weave_executor::block_on(weave_combinators::join_all(
                    (0..n).map(|_| YieldOnce(false)),
                ))
            })
        });
        group.bench_function(BenchmarkId::new("futures/yield", &label), |b| {
            b.iter(|| {
                weave_executor::block_on(futures::future::join_all(
                    (0..n).map(|_| YieldOnce(false)),
                ))
            })
        });
    }
    group.finish();
}

fn join_set(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut group = c.benchmark_group("join_set");
    group.sample_size(10);

    let pool = weave_executor::ThreadPool::new(2);
    group.bench_function("weave/100k", |b| {
        b.iter(|| {
            pool.block_on(async {
                let mut set = weave_combinators::JoinSet::new();
                for i in 0..N {
                    set.spawn(async move { i });
                }
                let mut sum = 0;
                while let Some(v) = set.join_next().await {
                    sum += v.unwrap();
                }
                assert_eq!(sum, N * (N - 1) / 2);
            })
        })
    });

    // The executor alone: the same tasks awaited one by one through their `JoinHandle`s,
    // so the JoinSet's own cost is the difference.
    group.bench_function("weave_handles_in_order/100k", |b| {
        b.iter(|| {
            pool.block_on(async {
                let handles: Vec<_> = (0..N)
                    .map(|i| weave_executor::spawn(async move { i }))
                    .collect();
                let mut sum = 0;
                for handle in handles {
                    sum += handle.await.unwrap();
                }
                assert_eq!(sum, N * (N - 1) / 2);
            })
        })
    });

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    group.bench_function("tokio/100k", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..N {
                    set.spawn(async move { i });
                }
                let mut sum = 0;
                while let Some(v) = set.join_next().await {
                    sum += v.unwrap();
                }
                assert_eq!(sum, N * (N - 1) / 2);
            })
        })
    });
    group.finish();
}

fn select_two_channels(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut group = c.benchmark_group("select");
    group.sample_size(20);

    fn channels() -> [futures::channel::mpsc::UnboundedReceiver<u32>; 2] {
        [0, 1].map(|_| {
            let (tx, rx) = futures::channel::mpsc::unbounded();
            for i in 0..N as u32 {
                tx.unbounded_send(i).unwrap();
            }
            rx
        })
    }

    group.bench_function("weave/two_channels", |b| {
        b.iter_batched(
            channels,
            |[mut a, mut b]| {
                weave_executor::block_on(async {
                    let mut got = 0;
                    loop {
                        weave_combinators::select! {
                            Some(_) = a.next() => got += 1,
                            Some(_) = b.next() => got += 1,
                            else => break,
                        }
                    }
                    assert_eq!(got, 2 * N);
                })
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("tokio/two_channels", |b| {
        b.iter_batched(
            channels,
            |[mut a, mut b]| {
                weave_executor::block_on(async {
                    let mut got = 0;
                    loop {
                        tokio::select! {
                            Some(_) = a.next() => got += 1,
                            Some(_) = b.next() => got += 1,
                            else => break,
                        }
                    }
                    assert_eq!(got, 2 * N);
                })
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, join_all, join_set, select_two_channels);
criterion_main!(benches);
