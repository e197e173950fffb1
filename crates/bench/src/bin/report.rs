//! Runs every workload on every runtime, interleaved round by round, and writes
//! `docs/benchmarks.md` and `docs/benchmarks.svg` (quick runs go to `target/weave-bench-quick/`
//! instead, so a smoke run never overwrites the real report).

use std::path::Path;

use weave_bench::report::{self, markdown, svg, Machine, WorkloadResult};
use weave_bench::suite::{suite, RuntimeKind};
use weave_bench::workloads::Scale;

fn main() -> std::io::Result<()> {
    let scale = Scale::from_env();
    let rounds = report::rounds(scale);
    let mut results = Vec::new();
    for entry in suite(scale) {
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
            eprint!(" {}", round + 1);
        }
        eprintln!();
        results.push(result);
    }

    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/bench sits two levels below the workspace root");
    let out = match scale {
        Scale::Full => workspace.join("docs"),
        Scale::Quick => workspace.join("target/weave-bench-quick"),
    };
    std::fs::create_dir_all(&out)?;
    let text = markdown::render(&Machine::detect(), &results, rounds, scale);
    std::fs::write(out.join("benchmarks.md"), &text)?;
    std::fs::write(out.join("benchmarks.svg"), svg::render(&results))?;
    print!("{text}");
    eprintln!("wrote {}", out.join("benchmarks.{md,svg}").display());
    Ok(())
}
