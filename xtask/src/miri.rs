//! The `miri` verb: run the unsafe-heavy crates' tests under
//! [miri](https://github.com/rust-lang/miri), which catches undefined behaviour: use
//! after free, data races, aliasing violations, invalid provenance.
//!
//! Flags: `-Zmiri-strict-provenance` rejects integer-to-pointer casts, so every pointer
//! keeps its provenance; `-Zmiri-disable-isolation` lets tests use the host's real clock
//! and environment, as timeouts and sleeps do. The build goes to `target/miri`.

use crate::step::Step;
use crate::tools;

/// The crates whose tests run under miri.
const CRATES: &[&str] = &[
    "weave-core",
    "weave-executor",
    "weave-timer",
    "weave-sync",
    "weave-combinators",
    "weave-blocking",
    "weave-tests",
];

/// The flags miri always gets; a `MIRIFLAGS` from the environment is appended to them.
const MIRIFLAGS: &str = "-Zmiri-strict-provenance -Zmiri-disable-isolation";

/// Installs miri if needed, builds its sysroot, then runs the tests.
///
/// `extra` is appended to the `cargo miri test` command: a test filter, `--lib`, or
/// `-- --nocapture`.
pub(crate) fn steps(extra: &[String]) -> Vec<Step> {
    let toolchain = format!("+{}", tools::NIGHTLY);
    let miriflags = match std::env::var("MIRIFLAGS") {
        Ok(user) if !user.trim().is_empty() => format!("{MIRIFLAGS} {user}"),
        _ => MIRIFLAGS.to_owned(),
    };
    let mut test = Step::cargo("miri test", &[&toolchain, "miri", "test", "-j2"]);
    for krate in CRATES {
        test = test.args(["-p", krate]);
    }
    let test = test
        .args(extra.iter().cloned())
        .env("MIRIFLAGS", miriflags)
        // One test at a time: miri interprets every thread on one host thread and its data
        // race detector pays per live thread, so libtest's parallel tests made it slower,
        // not faster (weave-timer's unit tests: 352 s in parallel, 71 s one by one). Tests
        // that start threads of their own still run them concurrently.
        .env("RUST_TEST_THREADS", "1")
        .env("CARGO_TARGET_DIR", "target/miri");

    let mut steps = tools::miri_steps();
    steps.push(Step::cargo("miri setup", &[&toolchain, "miri", "setup"]));
    steps.push(test);
    steps
}
