//! The `bench` verb: Weave against tokio and smol, with criterion (crates/bench).
//!
//! Full mode measures and then, when the bench crate has its `report` binary, writes
//! docs/benchmarks.md from criterion's results. Quick mode is the CI smoke test: criterion's
//! `--test` runs every benchmark once, and `WEAVE_BENCH_QUICK=1` tells the benches to
//! shrink their workloads, so it proves the benches build and run without measuring.

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
        return vec![smoke];
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
