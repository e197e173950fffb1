//! asyncio.create_task: a task runs in the background while `main` goes on.

use std::time::Duration;

#[weave::main]
async fn main() {
    let background = weave::spawn(async {
        for i in 1..=3 {
            weave::time::sleep(Duration::from_millis(50)).await;
            println!("background: step {i}");
        }
        "background done"
    });
    println!("main: the task is running; main keeps going");
    weave::time::sleep(Duration::from_millis(75)).await;
    println!("main: now waiting for the task");
    println!("main: {}", background.await.expect("the task finished"));
}
