//! `weave::process` and `weave::signal` through the public API.

use std::time::Duration;

use weave::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use weave::process::{Command, Stdio};
use weave::signal::unix::{raise, signal, SignalKind};

#[weave::test]
async fn output_captures_stdout_stderr_and_the_exit_code() {
    let output = Command::new("sh")
        .args(["-c", "echo out; echo err >&2; exit 3"])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(output.stdout, b"out\n");
    assert_eq!(output.stderr, b"err\n");
}

#[weave::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_children_are_awaited_concurrently() {
    let children: Vec<_> = (0..20)
        .map(|i| {
            weave::spawn(async move {
                Command::new("sh")
                    .args(["-c", &format!("exit {}", i % 7)])
                    .status()
                    .await
                    .unwrap()
                    .code()
            })
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        assert_eq!(child.await.unwrap(), Some((i % 7) as i32));
    }
}

#[weave::test]
async fn piped_stdin_and_stdout_stream_lines() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for i in 0..100 {
        stdin
            .write_all(format!("line {i}\n").as_bytes())
            .await
            .unwrap();
        let echoed = futures::StreamExt::next(&mut lines).await.unwrap().unwrap();
        assert_eq!(echoed, format!("line {i}"));
    }
    drop(stdin);
    assert!(child.wait().await.unwrap().success());
}

#[weave::test]
async fn kill_stops_a_running_child() {
    let mut child = Command::new("sleep").arg("60").spawn().unwrap();
    assert!(child.try_wait().unwrap().is_none());
    child.kill().await.unwrap();
    let status = child.wait().await.unwrap();
    assert!(!status.success());
    // Waiting again returns the same status instead of failing.
    assert_eq!(child.wait().await.unwrap(), status);
}

#[test]
fn a_missing_program_is_an_error_not_a_panic() {
    weave::block_on(async {
        let error = Command::new("/nonexistent/weave-test-program")
            .spawn()
            .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    });
}

/// True if `/proc/<pid>` shows a zombie (or is gone: `false`).
fn is_zombie(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.trim_start().starts_with('Z'))
            .unwrap_or(false),
        Err(_) => false,
    }
}

#[test]
fn a_dropped_child_is_reaped_not_left_a_zombie() {
    let pid = weave::block_on(async {
        let child = Command::new("sh").args(["-c", "exit 0"]).spawn().unwrap();
        child.id()
        // dropped here, unwaited
    });
    // The reaper collects it when it exits; allow a generous bound for a loaded machine.
    let mut zombie = true;
    for _ in 0..500 {
        zombie = is_zombie(pid);
        if !zombie {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!zombie, "child {pid} was left a zombie");
}

#[test]
fn kill_on_drop_kills_the_child() {
    let pid = weave::block_on(async {
        let child = Command::new("sleep")
            .arg("60")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        child.id()
    });
    let mut alive = true;
    for _ in 0..500 {
        alive = std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid);
        // Gone, or at worst a zombie the reaper is about to collect: it no longer runs.
        if !alive {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive, "child {pid} still runs after its Child was dropped");
}

#[weave::test]
async fn a_signal_stream_sees_each_delivery() {
    let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
    for _ in 0..3 {
        raise(SignalKind::user_defined2()).unwrap();
        assert_eq!(usr2.recv().await, Some(()));
    }
}

#[weave::test]
async fn a_signal_that_cannot_be_handled_is_an_error() {
    let error = signal(SignalKind::from_raw(9)).unwrap_err(); // SIGKILL
    assert!(error.to_string().contains("signal 9"), "{error}");
}

#[weave::test]
async fn ctrl_c_completes_on_sigint() {
    let waiting = weave::spawn(weave::signal::ctrl_c());
    while !weave::signal::unix::is_listened(SignalKind::interrupt()) {
        weave::task::yield_now().await;
    }
    raise(SignalKind::interrupt()).unwrap();
    waiting.await.unwrap().unwrap();
}
