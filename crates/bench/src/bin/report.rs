//! Runs every workload on every runtime, interleaved round by round, measures idle memory in a
//! child process per runtime, and writes `docs/benchmarks.md` and `docs/benchmarks.svg` (quick
//! runs go to `target/weave-bench-quick/` instead, so a smoke run never overwrites the real
//! report).
//!
//! `report --idle RUNTIME TASKS` is the child: it parks `TASKS` tasks on `RUNTIME` and prints
//! the resident bytes per task. `WEAVE_BENCH_ONLY=name,name` runs only the workloads whose
//! names contain one of those words (for working on one table; the page then has only those).

use std::path::Path;
use std::process::Command;

use weave_bench::report::{self, markdown, median, svg, IdleResult, Machine, WorkloadResult};
use weave_bench::suite::{suite, RuntimeKind};
use weave_bench::workloads::{Limit, Scale};

/// How many tasks park in the idle-memory measurement, at full scale.
const IDLE_TASKS: usize = 100_000;
/// How many child processes measure idle memory, per runtime.
const IDLE_RUNS: usize = 3;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, name, tasks] = args.as_slice() {
        if flag == "--idle" {
            let kind = RuntimeKind::from_name(name).expect("unknown runtime");
            let tasks = tasks.parse().expect("TASKS is a number");
            println!("{}", kind.idle_bytes_per_task(tasks));
            return Ok(());
        }
    }

    let scale = Scale::from_env();
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
        let cases = RuntimeKind::ALL.map(|kind| entry.bind(kind));
        for case in &cases {
            case.run(); // warm-up, not recorded
        }
        let mut result = WorkloadResult::new(entry);
        for round in 0..rounds {
            // Rotate who goes first, so that drift during a round hits every runtime alike.
            for offset in 0..cases.len() {
                let index = (round + offset) % cases.len();
                result.record(RuntimeKind::ALL[index], cases[index].run());
            }
            if entry.limit == Limit::Measured {
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
        Some(only) if !only.iter().any(|word| "idle_memory".contains(word.as_str())) => None,
        _ => Some(idle_memory(scale.size(IDLE_TASKS))?),
    };

    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/bench sits two levels below the workspace root");
    let out = match scale {
        Scale::Full => workspace.join("docs"),
        Scale::Quick => workspace.join("target/weave-bench-quick"),
    };
    std::fs::create_dir_all(&out)?;
    let text = markdown::render(&Machine::detect(), &results, idle.as_ref(), rounds, scale);
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
