//! Weave's channels and locks against tokio's and async-channel/async-lock, all on the same
//! executor: tokio's multi-thread runtime with 2 workers (the primitives are executor-agnostic,
//! so this isolates the primitive's cost).
//!
//! `cargo bench -p weave-sync --bench sync`

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const MESSAGES: u64 = 1_000_000;
const CAP: usize = 1024;
const LOCK_TASKS: usize = 8;
const LOCKS_PER_TASK: usize = 100_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

/// `producers` tasks send `MESSAGES` in total; the caller's task receives them all.
macro_rules! mpsc_bench {
    ($rt:expr, $producers:expr, $make:expr, |$tx:ident, $v:ident| $send:expr, |$rx:ident| $recv:expr) => {{
        let producers: u64 = $producers;
        $rt.block_on(async {
            // async-channel's receiver needs no `mut`; tokio's and Weave's do.
            #[allow(unused_mut)]
            let ($tx, mut $rx) = $make;
            for _ in 0..producers {
                let $tx = $tx.clone();
                tokio::spawn(async move {
                    for $v in 0..MESSAGES / producers {
                        $send;
                    }
                });
            }
            drop($tx);
            let mut n = 0u64;
            while let Some(_) = $recv {
                n += 1;
            }
            assert_eq!(n, MESSAGES / producers * producers);
        })
    }};
}

fn mpsc(c: &mut Criterion) {
    let rt = runtime();
    for producers in [1u64, 8] {
        let mut g = c.benchmark_group(format!("mpsc_bounded_{producers}p"));
        g.throughput(Throughput::Elements(MESSAGES));
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        g.bench_function("weave", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    weave_sync::mpsc::channel::<u64>(CAP),
                    |tx, v| tx.send(v).await.unwrap(),
                    |rx| rx.recv().await
                )
            })
        });
        g.bench_function("tokio", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    tokio::sync::mpsc::channel::<u64>(CAP),
                    |tx, v| tx.send(v).await.unwrap(),
                    |rx| rx.recv().await
                )
            })
        });
        g.bench_function("async-channel", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    async_channel::bounded::<u64>(CAP),
                    |tx, v| tx.send(v).await.unwrap(),
                    |rx| rx.recv().await.ok()
                )
            })
        });
        g.finish();

        let mut g = c.benchmark_group(format!("mpsc_unbounded_{producers}p"));
        g.throughput(Throughput::Elements(MESSAGES));
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        g.bench_function("weave", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    weave_sync::mpsc::unbounded_channel::<u64>(),
                    |tx, v| tx.send(v).unwrap(),
                    |rx| rx.recv().await
                )
            })
        });
        g.bench_function("tokio", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    tokio::sync::mpsc::unbounded_channel::<u64>(),
                    |tx, v| tx.send(v).unwrap(),
                    |rx| rx.recv().await
                )
            })
        });
        g.bench_function("async-channel", |b| {
            b.iter(|| {
                mpsc_bench!(
                    rt,
                    producers,
                    async_channel::unbounded::<u64>(),
                    |tx, v| tx.send(v).await.unwrap(),
                    |rx| rx.recv().await.ok()
                )
            })
        });
        g.finish();
    }
}

/// `LOCK_TASKS` tasks each take and release the primitive `LOCKS_PER_TASK` times.
macro_rules! contention_bench {
    ($rt:expr, $make:expr, |$p:ident| $take:expr) => {{
        $rt.block_on(async {
            let $p = Arc::new($make);
            let handles: Vec<_> = (0..LOCK_TASKS)
                .map(|_| {
                    let $p = $p.clone();
                    tokio::spawn(async move {
                        for _ in 0..LOCKS_PER_TASK {
                            let guard = $take;
                            drop(guard);
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        })
    }};
}

fn locks(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("mutex_contended");
    g.throughput(Throughput::Elements((LOCK_TASKS * LOCKS_PER_TASK) as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.bench_function("weave", |b| {
        b.iter(|| contention_bench!(rt, weave_sync::Mutex::new(0u64), |m| m.lock().await))
    });
    g.bench_function("tokio", |b| {
        b.iter(|| contention_bench!(rt, tokio::sync::Mutex::new(0u64), |m| m.lock().await))
    });
    g.bench_function("async-lock", |b| {
        b.iter(|| contention_bench!(rt, async_lock::Mutex::new(0u64), |m| m.lock().await))
    });
    g.finish();

    let mut g = c.benchmark_group("semaphore_contended");
    g.throughput(Throughput::Elements((LOCK_TASKS * LOCKS_PER_TASK) as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for permits in [1usize, 4] {
        g.bench_with_input(BenchmarkId::new("weave", permits), &permits, |b, &n| {
            b.iter(|| {
                contention_bench!(rt, weave_sync::Semaphore::new(n), |s| s
                    .acquire()
                    .await
                    .unwrap())
            })
        });
        g.bench_with_input(BenchmarkId::new("tokio", permits), &permits, |b, &n| {
            b.iter(|| {
                contention_bench!(rt, tokio::sync::Semaphore::new(n), |s| s
                    .acquire()
                    .await
                    .unwrap())
            })
        });
        g.bench_with_input(
            BenchmarkId::new("async-lock", permits),
            &permits,
            |b, &n| {
                b.iter(|| {
                    contention_bench!(rt, async_lock::Semaphore::new(n), |s| s.acquire().await)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, mpsc, locks);
criterion_main!(benches);
