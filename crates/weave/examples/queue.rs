//! asyncio.Queue: producers put work, consumers take it, `join` waits until every item
//! was marked done with `task_done`.

use std::sync::Arc;
use std::time::Duration;

use weave::sync::Queue;

#[weave::main]
async fn main() {
    let queue = Arc::new(Queue::new(4));
    let consumers: Vec<_> = (0..3)
        .map(|id| {
            let queue = queue.clone();
            weave::spawn(async move {
                let mut handled = 0;
                while let Ok(job) = queue.get().await {
                    weave::time::sleep(Duration::from_millis(job)).await;
                    handled += 1;
                    queue.task_done();
                }
                println!("consumer {id} handled {handled} jobs");
                handled
            })
        })
        .collect();
    for job in [30, 10, 20, 10, 40, 10, 20, 30, 10, 10] {
        queue.put(job).await.expect("the queue is open");
    }
    queue.join().await;
    println!("every job is done");
    queue.close();
    let mut total = 0;
    for consumer in consumers {
        total += consumer.await.unwrap();
    }
    println!("{total} jobs in all");
}
