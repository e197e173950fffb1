//! The `loom` verb: model-check the concurrent core with [loom](https://docs.rs/loom).
//!
//! Each crate is tested in its own release build with `RUSTFLAGS="--cfg loom"`, which
//! swaps `weave_core::loom` onto loom's types. Loom tests live in `loom_tests` modules,
//! so the test filter `loom` selects them (the crates gate their ordinary unit tests on
//! `cfg(not(loom))`). The build goes to `target/loom` so it never invalidates the normal
//! build in `target/`. See docs/loom.md.

use crate::step::Step;

/// The crates that carry loom models, checked when no `-p` is given.
pub(crate) const CRATES: &[&str] = &[
    "weave-core",
    "weave-executor",
    "weave-timer",
    "weave-sync",
    "weave-combinators",
    "weave-blocking",
    "weave-reactor",
];

/// The crates whose models CI also runs in a debug build, where `debug_assert!`s are on:
/// the task state machine asserts its invariants that way, and a release build would let a
/// broken invariant pass as long as the outcome happens to be right.
pub(crate) const DEBUG_CRATES: &[&str] = &["weave-core"];

/// How many preemptions loom explores per model unless `LOOM_MAX_PREEMPTIONS` is set.
const DEFAULT_MAX_PREEMPTIONS: &str = "3";

/// One step per crate in `crates` (all of [`CRATES`] when empty).
///
/// `extra` replaces the default `loom` test filter and is passed to `cargo test` as is,
/// e.g. `task::loom_tests::wake_while_running` to replay one model.
pub(crate) fn steps(crates: &[String], extra: &[String]) -> Vec<Step> {
    let (preemptions, rustflags, filter) = settings(extra);
    let crates: Vec<&str> = if crates.is_empty() {
        CRATES.to_vec()
    } else {
        crates.iter().map(String::as_str).collect()
    };
    crates
        .into_iter()
        .map(|krate| {
            Step::cargo(
                format!("loom {krate}"),
                &["test", "--release", "-j2", "--lib", "-p", krate],
            )
            .args(filter.iter().cloned())
            .env("RUSTFLAGS", rustflags.clone())
            .env("LOOM_MAX_PREEMPTIONS", preemptions.clone())
            .env("CARGO_TARGET_DIR", "target/loom")
        })
        .collect()
}

/// The models of [`DEBUG_CRATES`] once more, in a debug build (`target/loom-debug`).
pub(crate) fn debug_steps() -> Vec<Step> {
    let (preemptions, rustflags, filter) = settings(&[]);
    DEBUG_CRATES
        .iter()
        .map(|krate| {
            Step::cargo(
                format!("loom {krate} (debug assertions)"),
                &["test", "-j2", "--lib", "-p", krate],
            )
            .args(filter.iter().cloned())
            .env("RUSTFLAGS", rustflags.clone())
            .env("LOOM_MAX_PREEMPTIONS", preemptions.clone())
            .env("CARGO_TARGET_DIR", "target/loom-debug")
        })
        .collect()
}

/// `LOOM_MAX_PREEMPTIONS`, `RUSTFLAGS` and the test filter every loom step uses.
fn settings(extra: &[String]) -> (String, String, Vec<String>) {
    let preemptions = std::env::var("LOOM_MAX_PREEMPTIONS")
        .unwrap_or_else(|_| DEFAULT_MAX_PREEMPTIONS.to_owned());
    let rustflags = match std::env::var("RUSTFLAGS") {
        Ok(user) if !user.trim().is_empty() => format!("--cfg loom {user}"),
        _ => "--cfg loom".to_owned(),
    };
    let filter = if extra.is_empty() {
        vec!["loom".to_owned()]
    } else {
        extra.to_vec()
    };
    (preemptions, rustflags, filter)
}
