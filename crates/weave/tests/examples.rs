//! Every example runs and says what it should, so none of them can rot.
//!
//! `cargo test` builds the examples next to this test binary; each test runs one and checks
//! its exit status and the lines that carry its point (order, counts), never its timing.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    // target/<profile>/deps/examples-<hash> → target/<profile>/examples/<name>
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    dir.join("examples").join(name)
}

/// Runs the example with `args`; returns its stdout, panicking with its output if it fails.
fn run(name: &str, args: &[&str]) -> String {
    let path = example(name);
    let output = Command::new(&path).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {}: {e} (examples are built by a plain `cargo test` or `cargo build --examples`; `cargo xtask ci` does the latter)",
            path.display()
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example {name} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn lines(out: &str) -> Vec<&str> {
    out.lines().collect()
}

#[test]
fn hello() {
    assert_eq!(lines(&run("hello", &[])), ["hello, world"]);
}

#[test]
fn gather_keeps_argument_order() {
    let out = run("gather", &[]);
    assert_eq!(
        lines(&out)[..3],
        [
            "first after 300 ms",
            "second after 100 ms",
            "third after 200 ms"
        ]
    );
}

#[test]
fn tasks_run_in_the_background_while_main_goes_on() {
    let out = run("tasks", &[]);
    let position = |line: &str| {
        out.find(line)
            .unwrap_or_else(|| panic!("{line:?} in {out}"))
    };
    assert!(position("main: the task is running") < position("background: step 1"));
    assert!(position("background: step 3") < position("main: background done"));
}

#[test]
fn exceptions_are_caught_by_the_awaiting_code() {
    let out = run("exceptions", &[]);
    assert!(
        out.contains("caught the task's error: question not found"),
        "{out}"
    );
    assert!(out.contains("caught a panicking task: task"), "{out}");
    assert!(out.contains("index out of bounds"), "{out}");
    assert!(out.contains("still running: Ok(42)"), "{out}");
}

#[test]
fn sync_bridge_runs_until_complete_twice() {
    assert_eq!(
        lines(&run("sync_bridge", &[])),
        [
            "first run_until_complete: 3",
            "second run_until_complete: 7",
            "the background task: 42"
        ]
    );
}

#[test]
fn blocking_work_leaves_the_loop_ticking() {
    let out = run("blocking", &[]);
    assert!(out.contains("the loop ticks: 1"), "{out}");
    assert!(out.contains("checksum 7000"), "{out}");
}

#[test]
fn timeouts_give_up_then_succeed() {
    assert_eq!(
        lines(&run("timeouts", &[])),
        [
            "gave up: deadline has elapsed",
            "with a longer deadline the query returned rows"
        ]
    );
}

#[test]
fn queue_join_waits_for_every_job() {
    let out = run("queue", &[]);
    assert_eq!(lines(&out)[0], "every job is done");
    assert!(out.ends_with("10 jobs in all\n"), "{out}");
}

#[test]
fn taskgroup_collects_values_and_cancels_on_failure() {
    let out = run("taskgroup", &[]);
    assert!(
        out.contains(r#"all succeed: ["a: 50 ms", "b: 20 ms", "c: 30 ms"]"#),
        "{out}"
    );
    assert!(out.contains("1 cancelled"), "{out}");
    assert!(out.contains("broken: connection reset"), "{out}");
}

#[test]
fn echo_server_echoes_every_client() {
    let out = run("echo_server", &[]);
    for i in 0..3 {
        assert!(
            out.contains(&format!("echoed: hello from client {i}")),
            "{out}"
        );
    }
}

#[test]
fn fetch_reports_every_outcome_both_ways() {
    // 50 URLs: #20 and #40 answer 500, #50 is slower than the (generous) timeout.
    let out = run(
        "fetch",
        &["--count", "50", "--latency-ms", "2", "--timeout-ms", "1500"],
    );
    let row = |kind: &str| -> Vec<String> {
        let line = out
            .lines()
            .find(|l| l.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind:?} row in:\n{out}"));
        line.split_whitespace().map(str::to_owned).collect()
    };
    assert_eq!(row("ok"), ["ok", "47", "47"]);
    assert_eq!(row("http 500"), ["http", "500", "2", "2"]);
    assert_eq!(row("timeout"), ["timeout", "1", "1"]);
    assert!(out.contains("speed-up:"), "{out}");
}
