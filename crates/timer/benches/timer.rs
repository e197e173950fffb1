//! Timer microbenchmarks, Weave beside tokio: `cargo bench -p weave-timer --bench timer`.
//!
//! - `register_cancel`: create a 1 s sleep, poll it once (files it in the wheel), drop it
//!   (cancels it). The path every `timeout` around a pending future takes.
//! - `timeout_ready`: `timeout(1 s, ready future).await`: the future wins at once.
//!
//! The whole-workload comparison (100k sleeping tasks, overshoot) is
//! `cargo run --release -p weave-timer --example compare`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::Context;
use std::time::{Duration, Instant};

use criterion::Criterion;
use futures::task::noop_waker;
use weave_core::ThreadParker;
use weave_executor::LocalExecutor;
use weave_timer::TimerDriver;

fn register_cancel(c: &mut Criterion) {
    let mut group = c.benchmark_group("register_cancel");
    group.bench_function("weave", |b| {
        let driver = TimerDriver::new(ThreadParker::new());
        let _timer = driver.handle().enter();
        let executor = LocalExecutor::with_park(driver);
        b.iter_custom(|iters| {
            executor.block_on(async {
                let waker = noop_waker();
                let mut cx = Context::from_waker(&waker);
                let start = Instant::now();
                for _ in 0..iters {
                    let mut s = pin!(weave_timer::sleep(Duration::from_secs(1)));
                    assert!(black_box(s.as_mut().poll(&mut cx)).is_pending());
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("tokio", |b| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        b.iter_custom(|iters| {
            rt.block_on(async {
                let waker = noop_waker();
                let mut cx = Context::from_waker(&waker);
                let start = Instant::now();
                for _ in 0..iters {
                    let mut s = pin!(tokio::time::sleep(Duration::from_secs(1)));
                    assert!(black_box(s.as_mut().poll(&mut cx)).is_pending());
                }
                start.elapsed()
            })
        });
    });
    group.finish();
}

fn timeout_ready(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeout_ready");
    group.bench_function("weave", |b| {
        let driver = TimerDriver::new(ThreadParker::new());
        let _timer = driver.handle().enter();
        let executor = LocalExecutor::with_park(driver);
        b.iter_custom(|iters| {
            executor.block_on(async {
                let start = Instant::now();
                for i in 0..iters {
                    let r = weave_timer::timeout(Duration::from_secs(1), async { i }).await;
                    black_box(r.unwrap());
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("tokio", |b| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for i in 0..iters {
                    let r = tokio::time::timeout(Duration::from_secs(1), async { i }).await;
                    black_box(r.unwrap());
                }
                start.elapsed()
            })
        });
    });
    group.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, minus an undocumented `pub fn`.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    register_cancel(&mut criterion);
    timeout_ready(&mut criterion);
    criterion.final_summary();
}
