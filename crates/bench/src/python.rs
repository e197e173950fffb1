//! Python's asyncio and uvloop on the three seed workloads, for the same docs page.
//!
//! `cargo xtask bench --python` makes a virtualenv in `target/bench-venv`, pip-installs
//! uvloop into it and runs `report --python target/bench-venv/bin/python`, which runs
//! `crates/bench/python/seeds.py` once per event loop (a fresh process each) and writes the
//! `python` section of docs/benchmarks.md.

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::process::Command;

/// The event loops compared.
pub const LOOPS: [&str; 2] = ["asyncio", "uvloop"];

/// One event loop's figures on the seed workloads.
#[derive(Clone, Debug)]
pub struct PythonResult {
    /// `asyncio` or `uvloop`.
    pub event_loop: String,
    /// 100k `create_task` + `gather`: µs per task.
    pub spawn_gather_us: f64,
    /// 100k tasks sleeping 1–50 ms: ms past 50 ms.
    pub sleeps_ms: f64,
    /// Echo, 50 connections × 2,000 round trips × 64 B: round trips per second.
    pub echo_per_sec: f64,
}

/// Runs `script` with `python` for each of [`LOOPS`], at `scale` (1.0: full sizes).
pub fn run(python: &Path, script: &Path, scale: f64) -> io::Result<Vec<PythonResult>> {
    LOOPS
        .iter()
        .map(|event_loop| {
            let output = Command::new(python)
                .arg(script)
                .arg(event_loop)
                .arg(scale.to_string())
                .output()?;
            if !output.status.success() {
                return Err(io::Error::other(format!(
                    "{} {event_loop} failed: {}",
                    script.display(),
                    String::from_utf8_lossy(&output.stderr)
                )));
            }
            let json = String::from_utf8_lossy(&output.stdout);
            Ok(PythonResult {
                event_loop: (*event_loop).to_owned(),
                spawn_gather_us: number(&json, "spawn_gather_us_per_task"),
                sleeps_ms: number(&json, "sleeps_ms_past_50"),
                echo_per_sec: number(&json, "echo_round_trips_per_sec"),
            })
        })
        .collect()
}

/// The number after `"key":` in a flat JSON object (NaN if absent).
///
/// ```
/// use weave_bench::python::number;
///
/// assert_eq!(number(r#"{"a": 1.5, "b": -2}"#, "b"), -2.0);
/// assert!(number("{}", "a").is_nan());
/// ```
pub fn number(json: &str, key: &str) -> f64 {
    let pattern = format!("\"{key}\":");
    json.find(&pattern)
        .map(|at| &json[at + pattern.len()..])
        .and_then(|rest| {
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            rest[..end].trim().parse().ok()
        })
        .unwrap_or(f64::NAN)
}

/// The `python` section of docs/benchmarks.md.
pub fn render(version: &str, results: &[PythonResult]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "## Python asyncio and uvloop on the seed workloads\n\n\
         {version}, uvloop from PyPI in a local virtualenv; `crates/bench/python/seeds.py`, \
         one fresh process per event loop. Compare with Weave's rows above: `spawn_many_local` \
         (create_task + gather), `sleeps` (the same 100k random 1–50 ms sleeps) and \
         `tcp_echo_50x64B` (the same echo; there in ns per round trip: 10⁹ / that = round \
         trips/s).\n\n\
         | event loop | create_task + gather (µs/task) | 100k sleeps (ms past 50 ms) | \
         echo 50 × 64 B (round trips/s) |\n|---|---:|---:|---:|\n"
    );
    for result in results {
        let _ = writeln!(
            out,
            "| {} | {:.2} | {:.0} | {:.0} |",
            result.event_loop, result.spawn_gather_us, result.sleeps_ms, result.echo_per_sec
        );
    }
    out.push('\n');
    out
}
