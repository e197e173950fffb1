//! `#[weave::main]` / `#[weave::test]` expansions that must compile and run, and the
//! compile errors for misuse (trybuild, `tests/ui`).

use std::thread;

#[weave::test]
async fn test_runs_on_the_calling_thread_by_default() {
    let here = thread::current().id();
    let there = weave::spawn(async { thread::current().id() })
        .await
        .unwrap();
    assert_eq!(
        here, there,
        "the default #[weave::test] runtime is current-thread"
    );
}

#[weave::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_can_ask_for_a_pool() {
    let name = weave::spawn(async { thread::current().name().map(str::to_owned) })
        .await
        .unwrap();
    assert!(name.unwrap().starts_with("weave-worker"));
}

#[weave::test]
async fn test_may_return_a_result() -> Result<(), String> {
    let value: u32 = "42".parse().map_err(|e| format!("{e}"))?;
    assert_eq!(value, 42);
    Ok(())
}

mod renamed {
    pub(crate) use weave as my_weave;
}

#[weave::test(crate = "renamed::my_weave")]
async fn test_accepts_a_renamed_crate_path() {
    weave::task::yield_now().await;
}

#[test]
fn misuse_is_a_helpful_compile_error() {
    // Skipped under miri: trybuild runs rustc.
    if cfg!(miri) {
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
