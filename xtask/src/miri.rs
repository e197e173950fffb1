//! The `miri` verb: run the unsafe-heavy crates' tests under
//! [miri](https://github.com/rust-lang/miri), which catches undefined behaviour: use
//! after free, data races, aliasing violations, invalid provenance.
//!
//! Flags: `-Zmiri-strict-provenance` rejects integer-to-pointer casts, so every pointer
//! keeps its provenance; `-Zmiri-disable-isolation` lets tests use the host's real clock
//! and environment, as timeouts and sleeps do. The two halves of the crates build in
//! `target/miri` and `target/miri-2` and run at the same time.

use crate::step::Step;
use crate::tools;

/// The crates whose tests run under miri, in two halves that run at the same time: miri
/// interprets on one host thread, so one `cargo miri test` leaves a core idle. The halves
/// take about as long as each other (CI of 2026-12-07: ~370 s of tests each).
const HALVES: [&[&str]; 2] = [
    &["weave-tests", "weave-blocking"],
    &[
        "weave-core",
        "weave-executor",
        "weave-timer",
        "weave-sync",
        "weave-combinators",
    ],
];

/// Each half builds in a target directory of its own, so neither waits on the other's lock.
const TARGET_DIRS: [&str; 2] = ["target/miri", "target/miri-2"];

/// The flags miri always gets; a `MIRIFLAGS` from the environment is appended to them.
const MIRIFLAGS: &str = "-Zmiri-strict-provenance -Zmiri-disable-isolation";

/// Installs miri if needed, builds its sysroot, then runs the tests.
///
/// `extra` is appended to each half's `cargo miri test` command: a test filter, `--lib`, or
/// `-- --nocapture`.
pub(crate) fn steps(extra: &[String]) -> Vec<Step> {
    let toolchain = format!("+{}", tools::NIGHTLY);
    let miriflags = match std::env::var("MIRIFLAGS") {
        Ok(user) if !user.trim().is_empty() => format!("{MIRIFLAGS} {user}"),
        _ => MIRIFLAGS.to_owned(),
    };
    let halves = HALVES.iter().zip(TARGET_DIRS).map(|(crates, target_dir)| {
        let mut half = Step::cargo("miri test", &[&toolchain, "miri", "test", "-j2"]);
        for krate in *crates {
            half = half.args(["-p", krate]);
        }
        half.args(extra.iter().cloned())
            .env("MIRIFLAGS", miriflags.clone())
            // One test at a time: miri interprets every thread on one host thread and its
            // data race detector pays per live thread, so libtest's parallel tests made it
            // slower, not faster (weave-timer's unit tests: 352 s in parallel, 71 s one by
            // one). Tests that start threads of their own still run them concurrently.
            .env("RUST_TEST_THREADS", "1")
            .env("CARGO_TARGET_DIR", target_dir)
    });
    let test = Step::together("miri test", halves.collect());

    let mut steps = tools::miri_steps();
    steps.push(Step::cargo("miri setup", &[&toolchain, "miri", "setup"]));
    steps.push(test);
    steps
}
