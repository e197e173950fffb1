//! Exceptions in tasks: a task's error is a value the awaiting code handles; a task's panic
//! becomes a `JoinError` instead of crashing the program (asyncio re-raises the exception
//! at `await task`).

#[derive(Debug)]
struct NotFound(&'static str);

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} not found", self.0)
    }
}

impl std::error::Error for NotFound {}

async fn lookup(key: &'static str) -> Result<u32, NotFound> {
    weave::task::yield_now().await;
    if key == "answer" {
        Ok(42)
    } else {
        Err(NotFound(key))
    }
}

#[weave::main]
async fn main() {
    // A failing task: its error comes back to the awaiting code as a value.
    match weave::spawn(lookup("question")).await {
        Ok(Ok(value)) => println!("found {value}"),
        Ok(Err(e)) => println!("caught the task's error: {e}"),
        Err(e) => println!("the task itself failed: {e}"),
    }

    // A panicking task: the panic stays inside the task and is reported as a JoinError.
    std::panic::set_hook(Box::new(|_| {})); // keep the demo's output clean
    let crashed = weave::spawn(async {
        let values: Vec<u32> = Vec::new();
        values[3] // index out of bounds: panics
    });
    let error = crashed.await.unwrap_err();
    assert!(error.is_panic());
    println!("caught a panicking task: {error}");
    let payload = error.into_panic();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or("(non-string panic)");
    println!("its panic message: {message}");

    // And the runtime is still fine.
    println!(
        "still running: {:?}",
        weave::spawn(lookup("answer")).await.unwrap()
    );
}
