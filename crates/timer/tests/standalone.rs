//! With no Weave runtime, timers run on the lazily started background thread, so they work
//! under any executor. Real clock: bounds are generous and only one-sided.

use std::time::Duration;

use weave_timer::{interval, sleep, timeout, Handle, Instant};

#[test]
#[cfg_attr(miri, ignore)] // the background thread outlives the test, which miri reports
fn sleep_timeout_and_interval_work_under_futures_block_on() {
    assert!(Handle::try_current().is_none());
    futures::executor::block_on(async {
        let start = Instant::now();
        sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));

        let slow = sleep(Duration::from_secs(3600));
        assert!(timeout(Duration::from_millis(10), slow).await.is_err());

        let mut every = interval(Duration::from_millis(5));
        let first = every.tick().await;
        let third = {
            every.tick().await;
            every.tick().await
        };
        assert_eq!(third - first, Duration::from_millis(10));
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn sleeps_from_many_threads_share_the_background_timer() {
    let threads: Vec<_> = (0..4u64)
        .map(|i| {
            std::thread::spawn(move || {
                futures::executor::block_on(async move {
                    let start = Instant::now();
                    let d = Duration::from_millis(5 + i * 5);
                    sleep(d).await;
                    assert!(start.elapsed() >= d);
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
