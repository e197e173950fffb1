//! Runs every workload on every runtime, interleaved round by round, measures idle memory in a
//! child process per runtime, and writes `docs/benchmarks.md` and `docs/benchmarks.svg` (quick
//! runs go to `target/weave-bench-quick/` instead, so a smoke run never overwrites the real
//! report).
//!
//! `report --idle RUNTIME TASKS` is the child: it parks `TASKS` tasks on `RUNTIME` and prints
//! the resident bytes per task. `report --http` (hyper + wrk) and `report --python PYTHON`
//! (asyncio and uvloop) each rewrite only their own section of the page. `WEAVE_BENCH_ONLY=name,name` runs only the workloads whose
//! names contain one of those words (for working on one table; the page then has only those);
//! `WEAVE_BENCH_RUNTIMES=weave_mt,tokio_mt` runs only those runtimes (for profiling one; the
//! others' cells are then NaN), and `WEAVE_BENCH_NO_LIMITS=1` skips the hand-written loops.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use weave_bench::http::{self, HttpServer, Load, SERVERS};
use weave_bench::python;
use weave_bench::report::{
    self, markdown, median, sections, svg, IdleResult, Machine, WorkloadResult,
};
use weave_bench::suite::{suite, RuntimeKind};
use weave_bench::workloads::{Limit, Scale};

/// How many tasks park in the idle-memory measurement, at full scale.
const IDLE_TASKS: usize = 100_000;
/// How many child processes measure idle memory, per runtime.
const IDLE_RUNS: usize = 3;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale = Scale::from_env();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["--idle", name, tasks] => {
            let kind = RuntimeKind::from_name(name).expect("unknown runtime");
            let tasks = tasks.parse().expect("TASKS is a number");
            println!("{}", kind.idle_bytes_per_task(tasks));
            return Ok(());
        }
        ["--http"] => return http_section(scale),
        ["--python", interpreter] => return python_section(scale, Path::new(interpreter)),
        [] => {}
        other => {
            panic!("usage: report [--idle RUNTIME TASKS | --http | --python PYTHON], not {other:?}")
        }
    }

    let rounds = report::rounds(scale);
    let only: Option<Vec<String>> = std::env::var("WEAVE_BENCH_ONLY")
        .ok()
        .map(|only| only.split(',').map(str::to_owned).collect());
    let mut results = Vec::new();
    for entry in suite(scale) {
        if let Some(only) = &only {
            if !only.iter().any(|word| entry.name.contains(word.as_str())) {
                continue;
            }
        }
        eprint!("{}: round", entry.name);
        let cases = RuntimeKind::ALL.map(|kind| selected(kind).then(|| entry.bind(kind)));
        for case in cases.iter().flatten() {
            case.run(); // warm-up, not recorded
        }
        let mut result = WorkloadResult::new(entry);
        for round in 0..rounds {
            // Rotate who goes first, so that drift during a round hits every runtime alike.
            for offset in 0..cases.len() {
                let index = (round + offset) % cases.len();
                if let Some(case) = &cases[index] {
                    result.record(RuntimeKind::ALL[index], case.run());
                }
            }
            if entry.limit == Limit::Measured && std::env::var_os("WEAVE_BENCH_NO_LIMITS").is_none()
            {
                for two_threads in [round % 2 == 0, round % 2 == 1] {
                    if let Some(elapsed) = entry.run_limit(two_threads) {
                        result.record_limit(two_threads, elapsed);
                    }
                }
            }
            eprint!(" {}", round + 1);
        }
        eprintln!();
        results.push(result);
    }

    let idle = match &only {
        Some(only)
            if !only
                .iter()
                .any(|word| "idle_memory".contains(word.as_str())) =>
        {
            None
        }
        _ => Some(idle_memory(scale.size(IDLE_TASKS))?),
    };

    let out = out_dir(scale)?;
    let text = markdown::render(&Machine::detect(), &results, idle.as_ref(), rounds, scale);
    let old = std::fs::read_to_string(out.join("benchmarks.md")).unwrap_or_default();
    let text = sections::carry_over(&old, text);
    std::fs::write(out.join("benchmarks.md"), &text)?;
    std::fs::write(out.join("benchmarks.svg"), svg::render(&results))?;
    print!("{text}");
    eprintln!("wrote {}", out.join("benchmarks.{md,svg}").display());
    Ok(())
}

/// Resident bytes per idle task on every runtime: [`IDLE_RUNS`] child processes each,
/// interleaved, median kept.
fn idle_memory(tasks: usize) -> std::io::Result<IdleResult> {
    eprint!("idle_memory: run");
    let exe = std::env::current_exe()?;
    let mut samples: [Vec<f64>; 6] = Default::default();
    for run in 0..IDLE_RUNS {
        for kind in RuntimeKind::ALL {
            let output = Command::new(&exe)
                .args(["--idle", kind.name(), &tasks.to_string()])
                .output()?;
            let text = String::from_utf8_lossy(&output.stdout);
            let bytes: f64 = text.trim().parse().unwrap_or_else(|_| {
                panic!(
                    "the idle child for {} failed: {}",
                    kind.name(),
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            samples[kind as usize].push(bytes);
        }
        eprint!(" {}", run + 1);
    }
    eprintln!();
    Ok(IdleResult {
        tasks,
        bytes_per_task: samples.map(|samples| median(&samples)),
    })
}

/// Whether `kind` is among `WEAVE_BENCH_RUNTIMES` (all of them when it is unset).
fn selected(kind: RuntimeKind) -> bool {
    selected_name(kind.name())
}

/// Whether the runtime or HTTP server called `name` is among `WEAVE_BENCH_RUNTIMES`.
fn selected_name(name: &str) -> bool {
    std::env::var("WEAVE_BENCH_RUNTIMES")
        .map_or(true, |names| names.split(',').any(|listed| listed == name))
}

/// The workspace root.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/bench sits two levels below the workspace root")
}

/// Where the page goes: docs/, or target/weave-bench-quick/ for quick runs.
fn out_dir(scale: Scale) -> std::io::Result<PathBuf> {
    let out = match scale {
        Scale::Full => workspace().join("docs"),
        Scale::Quick => workspace().join("target/weave-bench-quick"),
    };
    std::fs::create_dir_all(&out)?;
    Ok(out)
}

/// Rewrites section `name` of the page with `body`.
fn write_section(scale: Scale, name: &str, body: &str) -> std::io::Result<()> {
    let page = out_dir(scale)?.join("benchmarks.md");
    let old = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(&page, sections::splice(&old, name, body))?;
    print!("{body}");
    eprintln!("wrote the {name} section of {}", page.display());
    Ok(())
}

/// hyper hello world on each server, loaded by wrk, interleaved over rounds.
fn http_section(scale: Scale) -> std::io::Result<()> {
    let (seconds, rounds) = match scale {
        Scale::Full => (10, 3),
        Scale::Quick => (1, 1),
    };
    let load = Load {
        threads: 1,
        connections: 50,
        duration: Duration::from_secs(seconds),
    };
    let mut runs: Vec<Vec<http::WrkResult>> = vec![Vec::new(); SERVERS.len()];
    for round in 0..rounds {
        for offset in 0..SERVERS.len() {
            let index = (round + offset) % SERVERS.len();
            if !selected_name(SERVERS[index].name()) {
                continue;
            }
            let server = SERVERS[index].start();
            eprintln!("http: {} round {}", SERVERS[index].name(), round + 1);
            runs[index].push(http::wrk(server.addr, load)?);
        }
    }
    let results: Vec<(HttpServer, http::WrkResult)> = SERVERS
        .iter()
        .zip(runs)
        .filter(|(_, runs)| !runs.is_empty())
        .map(|(server, mut runs)| {
            runs.sort_by(|a, b| a.requests_per_sec.total_cmp(&b.requests_per_sec));
            (*server, runs[runs.len() / 2].clone())
        })
        .collect();
    write_section(scale, "http", &http::render(load, rounds, &results))
}

/// asyncio and uvloop on the seed workloads, with `interpreter` (uvloop installed).
fn python_section(scale: Scale, interpreter: &Path) -> std::io::Result<()> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/seeds.py");
    let factor = match scale {
        Scale::Full => 1.0,
        Scale::Quick => 0.01,
    };
    let version = Command::new(interpreter).arg("--version").output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let results = python::run(interpreter, &script, factor)?;
    write_section(scale, "python", &python::render(&version, &results))
}
