//! The seeds' headline: fetching many URLs concurrently beats fetching them one by one.
//!
//! `cargo run --release --example fetch` starts a local HTTP/1.1 server on Weave (each
//! response delayed by `--latency-ms`; every 20th URL answers 500 and every 50th is slower
//! than `--timeout-ms`, so failures show up), fetches `--count` URLs one by one and then
//! all at once (at most `--concurrency` in flight, guarded by a `Semaphore`, each under a
//! timeout), and prints a summary. Given `http://` URLs as arguments it fetches those.
//!
//! The asyncio version of the same idea:
//!
//! ```python
//! sem = asyncio.Semaphore(concurrency)
//! async def fetch(url):
//!     async with sem:
//!         async with asyncio.timeout(timeout):
//!             return await session.get(url)
//! results = await asyncio.gather(*(fetch(u) for u in urls), return_exceptions=True)
//! ```

mod client;
mod report;
mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use hyper::Uri;

use crate::client::Outcome;
use crate::report::{Progress, Summary};

/// Fetch URLs one by one, then concurrently, and compare.
#[derive(Parser, Debug, Clone)]
#[command(version, about)]
struct Args {
    /// `http://` URLs to fetch; without any, a local demo server provides them.
    urls: Vec<String>,
    /// How many URLs the demo server provides.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// At most this many requests in flight in the concurrent run.
    #[arg(long, default_value_t = 100)]
    concurrency: usize,
    /// How long the demo server waits before answering, in milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Each request's deadline, in milliseconds.
    #[arg(long, default_value_t = 250)]
    timeout_ms: u64,
}

#[weave::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let timeout = Duration::from_millis(args.timeout_ms);
    let (urls, _server) = if args.urls.is_empty() {
        let server = server::start(server::Config {
            latency: Duration::from_millis(args.latency_ms),
            slow: timeout + Duration::from_millis(200),
        })
        .await?;
        println!(
            "demo server on http://{} ({} ms per response; every 20th URL fails, every 50th is slower than the {} ms timeout)",
            server.addr, args.latency_ms, args.timeout_ms
        );
        (server.urls(args.count), Some(server))
    } else {
        let urls = args
            .urls
            .iter()
            .map(|u| u.parse::<Uri>())
            .collect::<Result<Vec<_>, _>>()?;
        (urls, None)
    };
    let urls = Arc::new(urls);

    let sequential = run("sequential", &urls, 1, timeout).await;
    let concurrent = run("concurrent", &urls, args.concurrency.max(1), timeout).await;
    println!();
    print!("{}", Summary::new(&sequential, &concurrent));
    Ok(())
}

/// One pass over every URL with at most `limit` requests in flight.
async fn run(
    label: &'static str,
    urls: &Arc<Vec<Uri>>,
    limit: usize,
    timeout: Duration,
) -> report::Run {
    let progress = Arc::new(Progress::new(label, urls.len()));
    let gate = Arc::new(weave::sync::Semaphore::new(limit));
    let started = Instant::now();
    let tasks: Vec<_> = (0..urls.len())
        .map(|i| {
            let (urls, gate, progress) = (urls.clone(), gate.clone(), progress.clone());
            weave::spawn(async move {
                let _permit = gate
                    .acquire_owned()
                    .await
                    .expect("the gate is never closed");
                let outcome = match weave::time::timeout(timeout, client::get(&urls[i])).await {
                    Ok(outcome) => outcome,
                    Err(_elapsed) => Outcome::Timeout,
                };
                progress.done(&outcome);
                outcome
            })
        })
        .collect();
    // Like asyncio.gather: results in URL order, whatever order they finished in.
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(
            task.await
                .unwrap_or_else(|e| Outcome::Failed(e.to_string())),
        );
    }
    progress.finish();
    report::Run::new(label, started.elapsed(), outcomes)
}
