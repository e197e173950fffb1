//! The runtime through the public API: flavors, options, context, misuse, shutdown.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use weave::runtime::{Builder, Handle};
use weave::time::{sleep, Instant};

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn spawn_outside_a_runtime_panics_saying_what_to_do() {
    let message = panic_message(std::panic::catch_unwind(|| weave::spawn(async {})).unwrap_err());
    assert!(
        message.contains("no Weave runtime is running on this thread"),
        "{message}"
    );
    assert!(message.contains("weave::run"), "{message}");
    let message =
        panic_message(std::panic::catch_unwind(|| weave::spawn_blocking(|| ())).unwrap_err());
    assert!(message.contains("weave::spawn_blocking"), "{message}");
    assert!(Handle::try_current().is_err());
}

#[test]
fn block_on_inside_a_runtime_panics_instead_of_deadlocking() {
    for rt in [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap(),
    ] {
        let inner = rt.block_on(async {
            std::panic::catch_unwind(|| weave::block_on(async {})).map_err(panic_message)
        });
        let message = inner.unwrap_err();
        assert!(message.contains("block_on"), "{message}");
    }
}

#[test]
fn both_flavors_run_timers_sockets_and_blocking_work() {
    for rt in [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ] {
        let out = rt.block_on(async {
            let start = Instant::now();
            sleep(Duration::from_millis(5)).await;
            assert!(start.elapsed() >= Duration::from_millis(5));
            let listener = weave::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let connect = weave::spawn(async move { weave::net::TcpStream::connect(addr).await });
            let (_served, _) = listener.accept().await.unwrap();
            connect.await.unwrap().unwrap();
            weave::spawn_blocking(|| 7).await.unwrap()
        });
        assert_eq!(out, 7);
    }
}

#[test]
fn worker_threads_are_named_and_hooked() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new_multi_thread()
        .worker_threads(3)
        .thread_name("hooked")
        .on_thread_start({
            let started = started.clone();
            move || {
                // The runtime is already current when the hook runs.
                assert!(Handle::try_current().is_ok());
                started.fetch_add(1, SeqCst);
            }
        })
        .on_thread_stop({
            let stopped = stopped.clone();
            move || {
                stopped.fetch_add(1, SeqCst);
            }
        })
        .build()
        .unwrap();
    let name = rt
        .block_on(rt.spawn(async { std::thread::current().name().unwrap().to_owned() }))
        .unwrap();
    assert!(name.starts_with("hooked-"), "{name}");
    drop(rt);
    assert_eq!(started.load(SeqCst), 3);
    assert_eq!(stopped.load(SeqCst), 3);
}

struct SetOnDrop(Arc<AtomicUsize>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn dropping_the_runtime_cancels_pending_tasks_and_runs_their_destructors() {
    for multi in [false, true] {
        let dropped = Arc::new(AtomicUsize::new(0));
        let rt = if multi {
            Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .unwrap()
        } else {
            Builder::new_current_thread().build().unwrap()
        };
        let handles: Vec<_> = (0..100)
            .map(|i| {
                let guard = SetOnDrop(dropped.clone());
                rt.spawn(async move {
                    let _guard = guard;
                    if i % 2 == 0 {
                        sleep(Duration::from_secs(3600)).await;
                    } else {
                        std::future::pending::<()>().await;
                    }
                })
            })
            .collect();
        rt.block_on(weave::task::yield_now());
        drop(rt);
        assert_eq!(dropped.load(SeqCst), 100, "multi_thread = {multi}");
        for handle in handles {
            assert!(futures::executor::block_on(handle)
                .unwrap_err()
                .is_cancelled());
        }
    }
}

#[test]
fn shutdown_timeout_does_not_wait_for_stuck_blocking_work() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    rt.spawn_blocking(move || {
        // Blocks until the test ends (the sender is dropped then).
        let _ = rx.recv();
    });
    rt.shutdown_timeout(Duration::from_millis(10));
    drop(tx);
}

#[test]
fn handle_spawns_and_blocks_on_from_other_threads() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let out = std::thread::spawn(move || {
        let task = handle.spawn(async { 20 });
        handle.block_on(async move {
            sleep(Duration::from_millis(1)).await;
            task.await.unwrap() + 1
        })
    })
    .join()
    .unwrap();
    assert_eq!(out, 21);
}

#[test]
fn a_paused_clock_jumps_to_the_next_timer_when_idle() {
    let rt = Builder::new_current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    let order = rt.block_on(async {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for secs in [300u64, 100, 200] {
            tasks.push(weave::spawn(async move {
                sleep(Duration::from_secs(secs)).await;
                (secs, Instant::now() - start)
            }));
        }
        let mut done = Vec::new();
        for task in tasks {
            done.push(task.await.unwrap());
        }
        done
    });
    // Each wakes exactly at its deadline on the virtual clock.
    assert_eq!(
        order,
        [
            (300, Duration::from_secs(300)),
            (100, Duration::from_secs(100)),
            (200, Duration::from_secs(200))
        ]
    );
}

#[test]
#[should_panic(expected = "start_paused(true) needs a current-thread runtime")]
fn start_paused_on_a_pool_is_refused() {
    let _ = Builder::new_multi_thread().start_paused(true).build();
}

#[weave::test(start_paused = true)]
async fn weave_test_can_start_paused() {
    let start = Instant::now();
    weave::time::timeout(Duration::from_secs(60), std::future::pending::<()>())
        .await
        .unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[test]
fn dump_lists_waiting_tasks_with_their_names() {
    weave::block_on(async {
        let handle = Handle::current();
        let task = weave::task::Builder::new()
            .name("sleeper")
            .spawn_on(sleep(Duration::from_secs(3600)), &handle);
        weave::task::yield_now().await;
        let dump = weave::task::dump();
        let entry = dump.iter().find(|t| t.id == task.id()).expect("listed");
        assert_eq!(entry.name.as_deref(), Some("sleeper"));
        assert_eq!(entry.status, weave::task::TaskStatus::Idle);
        assert!(entry.location.file().ends_with("runtime.rs"));
        task.abort();
    });
}

#[test]
fn run_shuts_down_and_cancels_what_is_left() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let guard = SetOnDrop(dropped.clone());
    let answer = weave::run(async move {
        weave::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        42
    });
    assert_eq!(answer, 42);
    assert_eq!(dropped.load(SeqCst), 1);
}
