//! The `ci` verb: the whole pipeline, in the order CI runs it.
//!
//! Cheap checks come first so a formatting slip fails in seconds: fmt, clippy (the whole
//! workspace, benches included, so they never rot), unit and integration tests, doc tests,
//! docs with warnings denied; then loom (weave-core once more with debug assertions), miri,
//! the bench smoke test and the bench crate's own tests.

use crate::step::Step;
use crate::{bench, loom, miri};
use std::path::Path;

/// Every step of the pipeline, in order.
pub(crate) fn steps(root: &Path) -> Vec<Step> {
    let mut steps = vec![
        Step::cargo("fmt", &["fmt", "--all", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "-j2",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The facade with every optional part off: keeps the `cfg(not(feature = ..))` paths
        // (a runtime without timer or reactor) compiling.
        Step::cargo(
            "facade, no features",
            &["check", "-p", "weave", "--no-default-features", "-j2"],
        ),
        // Built first so `crates/weave/tests/examples.rs` can run them (the test step's
        // target filter does not build examples).
        Step::cargo(
            "examples",
            &[
                "build",
                "--workspace",
                "--exclude",
                "weave-bench",
                "--examples",
                "-j2",
            ],
        ),
        Step::cargo(
            "test",
            &[
                "test",
                "--workspace",
                "--exclude",
                "weave-bench",
                "--lib",
                "--bins",
                "--tests",
                "-j2",
            ],
        ),
        Step::cargo(
            "doctest",
            &[
                "test",
                "--workspace",
                "--exclude",
                "weave-bench",
                "--doc",
                "-j2",
            ],
        ),
        Step::cargo(
            "doc",
            &[
                "doc",
                "--workspace",
                "--no-deps",
                "--exclude",
                "weave-bench",
                "-j2",
            ],
        )
        .env("RUSTDOCFLAGS", "-D warnings"),
    ];
    steps.extend(loom::steps(&[], &[]));
    steps.extend(loom::debug_steps());
    steps.extend(miri::steps(&[]));
    steps.extend(bench::steps(true, root));
    steps
}
