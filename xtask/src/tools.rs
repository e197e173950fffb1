//! Installing the tools the pipeline needs beyond the default stable toolchain.
//!
//! Only miri qualifies today: it lives on nightly as the `miri` component and needs
//! `rust-src` to build its sysroot. The install steps are ordinary [`Step`]s, so they are
//! timed, reported and reproducible like the rest. `rustup component add` is idempotent
//! and returns at once when the components are present, so it always runs.

use crate::step::Step;
use std::process::Command;

/// The toolchain miri runs on.
pub(crate) const NIGHTLY: &str = "nightly";

/// Steps that make sure the nightly toolchain has the `miri` and `rust-src` components.
///
/// If no nightly toolchain is installed at all, installs a minimal one first (rustup does
/// not do that on its own when `RUSTUP_AUTO_INSTALL=0`, and never for `component add`).
pub(crate) fn miri_steps() -> Vec<Step> {
    let mut steps = Vec::new();
    if !toolchain_installed(NIGHTLY) {
        steps.push(Step::new("nightly toolchain", "rustup").args([
            "toolchain",
            "install",
            NIGHTLY,
            "--profile",
            "minimal",
        ]));
    }
    steps.push(Step::new("miri component", "rustup").args([
        "component",
        "add",
        "--toolchain",
        NIGHTLY,
        "miri",
        "rust-src",
    ]));
    steps
}

/// Whether `rustup toolchain list` shows `name` or `name-<host>` (a dated
/// `nightly-2025-01-01` is a different toolchain and does not count).
///
/// When rustup cannot be asked, answers `true` so that the next rustup step fails with
/// rustup's own message instead of this function guessing.
fn toolchain_installed(name: &str) -> bool {
    let Ok(output) = Command::new("rustup").args(["toolchain", "list"]).output() else {
        return true;
    };
    let prefix = format!("{name}-");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .any(|toolchain| {
            toolchain == name
                || toolchain
                    .strip_prefix(&prefix)
                    .is_some_and(|host| !host.starts_with(|c: char| c.is_ascii_digit()))
        })
}
