//! The `bench` verb: Weave against tokio and smol, with criterion (crates/bench).
//!
//! Full mode measures and then, when the bench crate has its `report` binary, writes
//! docs/benchmarks.md from criterion's results. Quick mode is the CI smoke test: criterion's
//! `--test` runs every benchmark once, and `WEAVE_BENCH_QUICK=1` tells the benches to
//! shrink their workloads, so it proves the benches build and run without measuring; then
//! the bench crate's own unit, integration and doc tests run.
//!
//! `--http` loads a hyper hello-world server on Weave and on tokio, and a hand-written mio
//! responder as the limit, with `wrk` (installed with apt-get if missing; loopback only, 10 s
//! per server and round); `--python` runs the seed workloads on asyncio and uvloop from a
//! virtualenv in target/bench-venv. Each writes only its own section of docs/benchmarks.md.

use crate::step::Step;
use std::path::Path;

/// The bench binary's source that turns criterion's output into docs/benchmarks.md.
const REPORT_SOURCE: &str = "crates/bench/src/bin/report.rs";

/// The steps for `bench`, or for `bench --quick` when `quick` is set.
pub(crate) fn steps(quick: bool, root: &Path) -> Vec<Step> {
    let bench = ["bench", "-p", "weave-bench", "-j2", "--bench", "runtime"];
    if quick {
        let smoke = Step::cargo("bench smoke", &bench)
            .args(["--", "--test"])
            .env("WEAVE_BENCH_QUICK", "1");
        // The bench crate's own tests (the report's parsers, the HTTP servers answering):
        // the bench profile reuses what the smoke step just built.
        let tests = Step::cargo(
            "bench crate tests",
            &["test", "-p", "weave-bench", "--profile", "bench", "-j2"],
        );
        return vec![smoke, tests];
    }
    let mut steps = vec![Step::cargo("bench", &bench)];
    if root.join(REPORT_SOURCE).is_file() {
        steps.push(Step::cargo(
            "bench report",
            &[
                "run",
                "--release",
                "-j2",
                "-p",
                "weave-bench",
                "--bin",
                "report",
            ],
        ));
    }
    steps
}

/// The report binary run with `args`, in release mode.
fn report(name: &str, args: &[&str]) -> Step {
    Step::cargo(
        name,
        &[
            "run",
            "--release",
            "-j2",
            "-p",
            "weave-bench",
            "--bin",
            "report",
            "--",
        ],
    )
    .args(args.iter().copied())
}

/// The steps for `bench --http`: wrk if missing, then the HTTP section.
pub(crate) fn http_steps() -> Vec<Step> {
    vec![
        Step::new("wrk", "sh").args([
            "-c",
            "command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)",
        ]),
        report("bench http", &["--http"]),
    ]
}

/// The steps for `bench --python`: a virtualenv with uvloop, then the Python section.
pub(crate) fn python_steps(root: &Path) -> Vec<Step> {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    let python = python.to_string_lossy();
    vec![
        Step::new("virtualenv", "sh").args([
            "-c".to_owned(),
            format!(
                "test -x {python} || python3 -m venv {}",
                venv.to_string_lossy()
            ),
        ]),
        Step::new("uvloop", python.as_ref()).args(["-m", "pip", "install", "--quiet", "uvloop"]),
        report("bench python", &["--python", python.as_ref()]),
    ]
}
