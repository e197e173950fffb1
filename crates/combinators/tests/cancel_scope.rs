//! Cancel scopes on a paused clock: deadlines are exact, so the tests assert virtual times.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weave_combinators::{fail_after, move_on_after, shield, CancelScope};
use weave_core::{ManualClock, ThreadParker};
use weave_executor::LocalExecutor;
use weave_timer::{sleep, Instant, TimerDriver};

/// Runs `f` on a single-threaded executor whose clock jumps to the next deadline when idle.
fn paused<F: std::future::Future>(f: F) -> F::Output {
    let driver = TimerDriver::with_clock(ThreadParker::new(), ManualClock::new());
    let _timer = driver.handle().enter();
    LocalExecutor::with_park(driver).block_on(f)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_body_that_finishes_in_time_returns_its_output() {
    paused(async {
        assert_eq!(move_on_after(ms(100), async { 7 }).await, Some(7));
        assert_eq!(
            fail_after(ms(100), async {
                sleep(ms(50)).await;
                8
            })
            .await,
            Ok(8)
        );
    });
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

#[test]
fn the_deadline_drops_the_body_exactly_on_time() {
    paused(async {
        let start = Instant::now();
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let out = move_on_after(ms(100), async move {
            let _guard = guard;
            sleep(ms(1_000)).await;
        })
        .await;
        assert_eq!(out, None);
        assert!(dropped.load(SeqCst), "the body's destructors ran");
        assert_eq!(start.elapsed(), ms(100));
        let err = fail_after(ms(10), std::future::pending::<()>())
            .await
            .unwrap_err();
        assert!(err.is_deadline());
    });
}

#[test]
fn nested_scopes_cancel_the_innermost_that_expires() {
    paused(async {
        let start = Instant::now();
        let outer = move_on_after(ms(300), async {
            let inner = move_on_after(ms(100), sleep(ms(1_000))).await;
            assert_eq!(inner, None);
            assert_eq!(start.elapsed(), ms(100));
            "outer went on"
        })
        .await;
        assert_eq!(outer, Some("outer went on"));

        let outer = move_on_after(ms(50), async {
            move_on_after(ms(100), sleep(ms(1_000))).await;
            unreachable!("the outer deadline comes first and cancels the inner scope too");
        })
        .await;
        assert_eq!(outer, None);
        assert_eq!(start.elapsed(), ms(150));
    });
}

#[test]
fn a_shield_holds_the_cancellation_off_until_it_finishes() {
    paused(async {
        let start = Instant::now();
        let log = Mutex::new(Vec::new());
        let out = move_on_after(ms(10), async {
            shield(async {
                sleep(ms(50)).await; // past the deadline
                log.lock().unwrap().push(("cleanup done", start.elapsed()));
            })
            .await;
            log.lock()
                .unwrap()
                .push(("after the shield", start.elapsed()));
            sleep(ms(1_000)).await;
            log.lock().unwrap().push(("never", start.elapsed()));
        })
        .await;
        assert_eq!(out, None);
        assert_eq!(
            *log.lock().unwrap(),
            [("cleanup done", ms(50)), ("after the shield", ms(50))]
        );
        assert_eq!(start.elapsed(), ms(50));
    });
}

#[test]
fn a_shield_inside_nested_scopes_holds_off_the_outer_one() {
    paused(async {
        let start = Instant::now();
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let out = move_on_after(ms(10), async move {
            move_on_after(ms(1_000), async move {
                shield(async move {
                    sleep(ms(30)).await;
                    flag.store(true, SeqCst);
                })
                .await;
                sleep(ms(1_000)).await;
            })
            .await;
        })
        .await;
        assert_eq!(out, None);
        assert!(finished.load(SeqCst));
        assert_eq!(start.elapsed(), ms(30));
    });
}

#[test]
fn the_deadline_can_move_while_the_body_runs() {
    paused(async {
        let start = Instant::now();
        let scope = CancelScope::after(ms(100));
        let handle = scope.clone();
        let out = scope
            .run(async move {
                sleep(ms(50)).await;
                handle.set_deadline(Some(Instant::now() + ms(200))); // extend
                sleep(ms(150)).await; // would have been cut at 100 ms
                handle.set_deadline(Some(Instant::now() + ms(10))); // shorten
                sleep(ms(1_000)).await;
            })
            .await;
        assert_eq!(out, None);
        assert_eq!(start.elapsed(), ms(210));
        assert!(scope.is_cancelled());
    });
}

#[test]
fn cancel_from_another_thread_wakes_the_scope() {
    let scope = CancelScope::new();
    let remote = scope.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(ms(5));
        remote.cancel();
    });
    let out = futures::executor::block_on(scope.run(std::future::pending::<()>()));
    canceller.join().unwrap();
    assert_eq!(out, None);
}
