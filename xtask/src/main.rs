//! Weave's pipeline, runnable the same way locally and in CI: `cargo xtask <verb>`.
//!
//! Each verb is a list of [`step::Step`]s run in order from the workspace root, with each
//! command printed before it runs, so any step can be reproduced by pasting one line.
//!
//! - `ci`: the whole pipeline (fmt, clippy, tests, doc tests, docs, loom, miri, bench smoke
//!   and the bench crate's tests);
//!   see [`ci`].
//! - `loom`: model-check with loom; see [`loom`].
//! - `miri`: run the tests under miri; see [`miri`].
//! - `bench`: criterion benchmarks against tokio and smol; see [`mod@bench`].
//!
//! Plain `std`, no dependencies, so the pipeline builds in seconds.

#![forbid(unsafe_code)]

mod bench;
mod ci;
mod loom;
mod miri;
mod step;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Printed for `--help`, `help`, no verb, or a verb or flag this tool does not know.
const USAGE: &str = "\
Weave's pipeline. Run from anywhere in the workspace.

usage: cargo xtask <verb> [options]

verbs:
  ci                        the whole pipeline, as CI runs it: fmt, clippy, test,
                            doctest, doc, loom, miri, bench smoke, bench crate tests
  loom [-p CRATE]... [-- ARGS...]
                            loom models of weave-core and weave-executor (or only the
                            given crates), release build in target/loom; ARGS replace
                            the default `loom` test filter, e.g. a single model's path.
                            LOOM_MAX_PREEMPTIONS defaults to 3; RUSTFLAGS is appended
  miri [-- ARGS...]         tests of the crates with unsafe code or atomics under miri on nightly
                            (installs the component if missing), in two halves run
                            together, built in target/miri and target/miri-2; ARGS go
                            to each `cargo miri test` (a test filter, --lib, ...);
                            MIRIFLAGS from the environment is appended
  bench [--quick]           criterion benchmarks (Weave vs tokio vs smol), then
                            docs/benchmarks.md; --quick runs each benchmark once,
                            then the bench crate's tests
  bench --http              hyper hello world on Weave and tokio, and a mio limit, under wrk
  bench --python            asyncio and uvloop on the seed workloads

Each step prints its command; a failing step prints the exact line to reproduce it.
";

/// A parsed command line.
#[derive(Debug, PartialEq)]
enum Verb {
    /// `ci`.
    Ci,
    /// `loom [-p CRATE]... [-- ARGS...]`.
    Loom {
        /// Crates to check; empty means all of them.
        crates: Vec<String>,
        /// Arguments after `--`.
        extra: Vec<String>,
    },
    /// `miri [-- ARGS...]`.
    Miri {
        /// Arguments after `--`.
        extra: Vec<String>,
    },
    /// `bench [--quick]`.
    Bench {
        /// Whether `--quick` was given.
        quick: bool,
    },
    /// `bench --http`.
    BenchHttp,
    /// `bench --python`.
    BenchPython,
    /// `--help`, `-h` or `help`.
    Help,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verb = match parse(&args) {
        Ok(verb) => verb,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    let steps = match verb {
        Verb::Help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Verb::Ci => ci::steps(&root),
        Verb::Loom { crates, extra } => loom::steps(&crates, &extra),
        Verb::Miri { extra } => miri::steps(&extra),
        Verb::Bench { quick } => bench::steps(quick, &root),
        Verb::BenchHttp => bench::http_steps(),
        Verb::BenchPython => bench::python_steps(&root),
    };
    step::run_steps(&steps, &root)
}

/// The workspace root: the directory above this package's manifest.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Parses the arguments after `cargo xtask`.
fn parse(args: &[String]) -> Result<Verb, String> {
    let Some((verb, rest)) = args.split_first() else {
        return Ok(Verb::Help);
    };
    // Everything after the first `--` is passed through untouched.
    let (options, extra) = match rest.iter().position(|a| a == "--") {
        Some(i) => (&rest[..i], rest[i + 1..].to_vec()),
        None => (rest, Vec::new()),
    };
    let takes_extra = matches!(verb.as_str(), "loom" | "miri");
    if !takes_extra && rest.iter().any(|a| a == "--") {
        return Err(format!("`{verb}` takes no arguments after `--`"));
    }
    match verb.as_str() {
        "-h" | "--help" | "help" => Ok(Verb::Help),
        "ci" => no_options(verb, options).map(|()| Verb::Ci),
        "miri" => no_options(verb, options).map(|()| Verb::Miri { extra }),
        "loom" => {
            let mut crates = Vec::new();
            let mut options = options.iter();
            while let Some(option) = options.next() {
                match option.as_str() {
                    "-p" | "--package" => match options.next() {
                        Some(krate) => crates.push(krate.clone()),
                        None => return Err(format!("`{option}` needs a crate name")),
                    },
                    other => return Err(format!("`loom` does not take `{other}`")),
                }
            }
            Ok(Verb::Loom { crates, extra })
        }
        "bench" => match options {
            [] => Ok(Verb::Bench { quick: false }),
            [quick] if quick == "--quick" => Ok(Verb::Bench { quick: true }),
            [http] if http == "--http" => Ok(Verb::BenchHttp),
            [python] if python == "--python" => Ok(Verb::BenchPython),
            _ => Err(format!(
                "`bench` takes one of `--quick`, `--http`, `--python`, not `{}`",
                options.join(" ")
            )),
        },
        other => Err(format!("unknown verb `{other}`")),
    }
}

/// Fails if a verb that takes no options was given some.
fn no_options(verb: &str, options: &[String]) -> Result<(), String> {
    match options.first() {
        None => Ok(()),
        Some(option) => Err(format!("`{verb}` does not take `{option}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Verb, String> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn parses_every_verb() {
        assert_eq!(parse_str(""), Ok(Verb::Help));
        assert_eq!(parse_str("--help"), Ok(Verb::Help));
        assert_eq!(parse_str("ci"), Ok(Verb::Ci));
        assert_eq!(parse_str("bench --quick"), Ok(Verb::Bench { quick: true }));
        assert_eq!(parse_str("bench --http"), Ok(Verb::BenchHttp));
        assert_eq!(parse_str("bench --python"), Ok(Verb::BenchPython));
        assert_eq!(
            parse_str("loom -p weave-core --package weave-executor -- --nocapture"),
            Ok(Verb::Loom {
                crates: vec!["weave-core".into(), "weave-executor".into()],
                extra: vec!["--nocapture".into()],
            })
        );
        assert_eq!(
            parse_str("miri -- task:: -- --nocapture"),
            Ok(Verb::Miri {
                extra: vec!["task::".into(), "--".into(), "--nocapture".into()],
            })
        );
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        assert!(parse_str("deploy").is_err());
        assert!(parse_str("ci --fast").is_err());
        assert!(parse_str("bench --slow").is_err());
        assert!(parse_str("bench -- x").is_err());
        assert!(parse_str("loom -p").is_err());
    }

    #[test]
    fn loom_replaces_its_filter_with_extra_args() {
        let steps = loom::steps(&["weave-core".into()], &["task::loom_tests::wake".into()]);
        assert_eq!(steps.len(), 1);
        assert!(steps[0]
            .command_line()
            .ends_with("cargo test --release -j2 --lib -p weave-core task::loom_tests::wake"));
    }
}
