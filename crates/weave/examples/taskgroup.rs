//! asyncio.TaskGroup: children spawned through the group; leaving the scope waits for all
//! of them; the first failure cancels the siblings and every error comes back together.

use std::time::Duration;

use weave::task::TaskGroup;

async fn download(name: &'static str, ms: u64, fail: bool) -> Result<String, String> {
    weave::time::sleep(Duration::from_millis(ms)).await;
    if fail {
        Err(format!("{name}: connection reset"))
    } else {
        Ok(format!("{name}: {ms} ms"))
    }
}

#[weave::main]
async fn main() {
    let group = TaskGroup::new();
    group.spawn(download("a", 50, false));
    group.spawn(download("b", 20, false));
    group.spawn(download("c", 30, false));
    println!("all succeed: {:?}", group.join().await.unwrap());

    let group = TaskGroup::new();
    group.spawn(download("slow", 1_000, false));
    group.spawn(download("broken", 10, true));
    match group.join().await {
        Ok(values) => println!("unexpected success: {values:?}"),
        Err(error) => println!("the group failed, the slow sibling was cancelled: {error}"),
    }
}
