//! The driver stack assembled by hand, without the facade: `TimerDriver<ReactorDriver<..>>`
//! under each executor, with the same task code (timers, sockets, channels, a task group)
//! running unchanged on all of them. This is the "swap executors" promise, tested.

#![cfg(not(miri))] // sockets and epoll

use std::time::Duration;

use futures::io::{AsyncReadExt, AsyncWriteExt};
use weave_combinators::{join_all, TaskGroup};
use weave_core::{Spawn, ThreadParker};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_reactor::net::{TcpListener, TcpStream};
use weave_reactor::ReactorDriver;
use weave_timer::{sleep, timeout, Instant, TimerDriver};

/// The task code: echo over TCP with a timeout, a channel, timers, and a group of children,
/// spawned through whatever `Spawn` it is given.
async fn workload(spawner: impl Spawn + Clone + Send + Sync + 'static) -> u64 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawner.spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).await.unwrap();
        stream.write_all(&buf).await.unwrap();
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"hello").await.unwrap();
    let mut echoed = [0u8; 5];
    timeout(Duration::from_secs(30), client.read_exact(&mut echoed))
        .await
        .expect("the echo came back before the timeout")
        .unwrap();
    assert_eq!(&echoed, b"hello");
    server.await.unwrap();

    let (tx, mut rx) = weave_sync::mpsc::channel(4);
    let group = TaskGroup::with_spawner(spawner.clone());
    for i in 1..=4u64 {
        let tx = tx.clone();
        group.spawn(async move {
            sleep(Duration::from_millis(i)).await;
            tx.send(i).await.map_err(|_| "receiver gone")?;
            Ok::<_, &'static str>(i)
        });
    }
    drop(tx);
    let values = group.join().await.unwrap();
    let mut received = 0;
    while let Some(v) = rx.recv().await {
        received += v;
    }
    let start = Instant::now();
    let slept = join_all((0..10).map(|_| sleep(Duration::from_millis(2)))).await;
    assert_eq!(slept.len(), 10);
    assert!(start.elapsed() >= Duration::from_millis(2));
    values.iter().sum::<u64>() + received
}

thread_local! {
    static WORKER_GUARDS: std::cell::RefCell<Option<(weave_timer::EnterGuard, weave_reactor::EnterGuard)>> =
        const { std::cell::RefCell::new(None) };
}

fn stack() -> TimerDriver<ReactorDriver<ThreadParker>> {
    TimerDriver::new(ReactorDriver::new().unwrap())
}

#[test]
fn the_stack_under_a_local_executor() {
    let driver = stack();
    let _timer = driver.handle().enter();
    let _reactor = driver.inner().handle().enter();
    let executor = LocalExecutor::with_park(driver);
    let handle = executor.handle();
    assert_eq!(executor.block_on(workload(handle)), 20);
}

#[test]
fn the_stack_under_a_thread_pool() {
    let driver = stack();
    let (timer, reactor) = (driver.handle(), driver.inner().handle());
    let pool = ThreadPool::builder()
        .worker_threads(2)
        .on_thread_start({
            let (timer, reactor) = (timer.clone(), reactor.clone());
            move || {
                // Held for the worker's life, dropped with its thread-locals when it exits.
                let guards = (timer.enter(), reactor.enter());
                WORKER_GUARDS.with(|g| *g.borrow_mut() = Some(guards));
            }
        })
        .driver(driver)
        .build();
    let _timer = timer.enter();
    let _reactor = reactor.enter();
    assert_eq!(pool.block_on(workload(pool.handle())), 20);
}

#[test]
fn a_main_future_that_keeps_yielding_still_lets_timers_fire() {
    // Only the main future is busy (no task is runnable while it yields), so the executor
    // must poll its driver between those polls or the timer never fires.
    let driver = TimerDriver::new(ThreadParker::new());
    let _timer = driver.handle().enter();
    let executor = LocalExecutor::with_park(driver);
    let fired = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = fired.clone();
    executor.spawn(async move {
        sleep(Duration::from_millis(2)).await;
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    executor.block_on(async {
        while !fired.load(std::sync::atomic::Ordering::SeqCst) {
            weave_core::task::yield_now().await;
        }
    });
}

#[test]
fn a_main_future_that_keeps_yielding_still_gets_io_readiness() {
    // As above, for sockets: the busy executor's zero-timeout driver turns must collect
    // readiness once a source is registered (they skip `epoll_wait` only while none is).
    let driver = TimerDriver::new(ReactorDriver::with_park(ThreadParker::new()).unwrap());
    let reactor = driver.inner().handle();
    let _timer = driver.handle().enter();
    let _reactor = reactor.enter();
    let executor = LocalExecutor::with_park(driver);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(2));
        std::io::Write::write_all(&mut stream, b"ping").unwrap();
    });
    let got = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = got.clone();
    executor.spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut buf = [0u8; 4];
        stream.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let started = std::time::Instant::now();
    executor.block_on(async {
        while !got.load(std::sync::atomic::Ordering::SeqCst) {
            // A generous bound, so a lost readiness fails instead of hanging.
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the socket's readiness never reached the busy executor"
            );
            weave_core::task::yield_now().await;
        }
    });
    peer.join().unwrap();
}
