//! Running commands as named, timed pipeline steps.
//!
//! A [`Step`] is one command: a name for humans, a program, its arguments and the
//! environment variables the pipeline sets for it. [`run_steps`] runs a list of them in
//! order, announces each one with its exact command line, times it, stops at the first
//! failure and ends with a summary table. The command line it prints is the one to paste
//! into a shell at the workspace root to reproduce a step on its own. A step may also be
//! several commands run at the same time ([`Step::together`]), for tools that use one core.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode, ExitStatus};
use std::time::{Duration, Instant};

/// One command of the pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// What the step is called in announcements and in the summary table.
    pub(crate) name: String,
    /// The program to run, as a user would type it (`cargo`, `rustup`).
    pub(crate) program: String,
    /// Arguments, in order.
    pub(crate) args: Vec<String>,
    /// Environment variables set for this command only, in the order they are printed.
    pub(crate) env: Vec<(String, String)>,
    /// When not empty, the step runs these commands at the same time instead of `program`,
    /// and succeeds when all of them do.
    pub(crate) together: Vec<Step>,
}

impl Step {
    /// A step running `program` with no arguments yet.
    pub(crate) fn new(name: impl Into<String>, program: impl Into<String>) -> Self {
        Step {
            name: name.into(),
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            together: Vec::new(),
        }
    }

    /// A step running `parts` at the same time: for commands that keep only one core busy
    /// (miri interprets on one thread), so that a 2-core machine runs two of them at once.
    pub(crate) fn together(name: impl Into<String>, parts: Vec<Step>) -> Self {
        Step {
            together: parts,
            ..Step::new(name, "")
        }
    }

    /// A step running `cargo` with `args`.
    pub(crate) fn cargo(name: impl Into<String>, args: &[&str]) -> Self {
        Step::new(name, "cargo").args(args.iter().copied())
    }

    /// Appends arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for this step.
    pub(crate) fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The shell command line that reproduces this step from the workspace root, with its
    /// environment variables in front: `RUSTFLAGS='--cfg loom' cargo test ...`.
    pub(crate) fn command_line(&self) -> String {
        if !self.together.is_empty() {
            let parts = self.together.iter().map(|part| part.command_line() + " &");
            return parts
                .chain(["wait".to_owned()])
                .collect::<Vec<_>>()
                .join(" ");
        }
        let env = self.env.iter().map(|(k, v)| format!("{k}={}", quote(v)));
        let words = std::iter::once(quote(&self.program)).chain(self.args.iter().map(|a| quote(a)));
        env.chain(words).collect::<Vec<_>>().join(" ")
    }

    /// The executable actually started.
    ///
    /// `cargo` means the cargo that runs this xtask (the `CARGO` variable cargo sets), so
    /// every step uses the same toolchain as `cargo xtask` itself. A `+toolchain` first
    /// argument needs rustup's `cargo` proxy instead, which is the `cargo` on `PATH`.
    fn executable(&self) -> OsString {
        let wants_toolchain = self.args.first().is_some_and(|a| a.starts_with('+'));
        match std::env::var_os("CARGO") {
            Some(cargo) if self.program == "cargo" && !wants_toolchain => cargo,
            _ => OsString::from(&self.program),
        }
    }

    /// The command to start, in `root`.
    fn command(&self, root: &Path) -> Command {
        let mut command = Command::new(self.executable());
        command.args(&self.args).current_dir(root);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Runs the step in `root`, inheriting stdio, and says whether it succeeded; a step of
    /// parts started together waits for all of them and names each one that failed.
    fn run(&self, root: &Path) -> Result<(), String> {
        if self.together.is_empty() {
            return self.outcome(self.command(root).status());
        }
        let started: Vec<_> = self
            .together
            .iter()
            .map(|part| (part, part.command(root).spawn()))
            .collect();
        let failures: Vec<String> = started
            .into_iter()
            .filter_map(|(part, child)| {
                let status = child.and_then(|mut child| child.wait());
                let why = part.outcome(status).err()?;
                Some(format!("{why} in `{}`", part.command_line()))
            })
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }

    /// What a finished (or unstartable) command means for the step.
    fn outcome(&self, status: std::io::Result<ExitStatus>) -> Result<(), String> {
        match status {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(status.to_string()),
            Err(error) => Err(format!("could not start `{}`: {error}", self.program)),
        }
    }
}

/// How a step ended, for the summary table.
enum Outcome {
    /// Ran and succeeded.
    Passed(Duration),
    /// Ran and failed.
    Failed(Duration),
    /// Not run because an earlier step failed.
    Skipped,
}

/// Runs `steps` in order from `root`, stopping at the first failure.
///
/// Prints each step's name and command before it runs and its duration after, then a
/// summary table of every step (status and seconds). On failure it ends with
/// `step X failed; reproduce with: <command>` and returns a failing exit code.
pub(crate) fn run_steps(steps: &[Step], root: &Path) -> ExitCode {
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut failed = None;
    for (index, step) in steps.iter().enumerate() {
        if failed.is_some() {
            outcomes.push(Outcome::Skipped);
            continue;
        }
        println!("\n==> [{}/{}] {}", index + 1, steps.len(), step.name);
        println!("    $ {}", step.command_line());
        let start = Instant::now();
        let result = step.run(root);
        let elapsed = start.elapsed();
        match result {
            Ok(()) => {
                println!("<== {} ok in {:.1}s", step.name, elapsed.as_secs_f64());
                outcomes.push(Outcome::Passed(elapsed));
            }
            Err(why) => {
                println!(
                    "<== {} FAILED in {:.1}s: {why}",
                    step.name,
                    elapsed.as_secs_f64()
                );
                outcomes.push(Outcome::Failed(elapsed));
                failed = Some(step);
            }
        }
    }
    print_summary(steps, &outcomes);
    match failed {
        None => ExitCode::SUCCESS,
        Some(step) => {
            eprintln!(
                "\nstep {} failed; reproduce with: {}",
                step.name,
                step.command_line()
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints the table of steps with their status and duration in seconds.
fn print_summary(steps: &[Step], outcomes: &[Outcome]) {
    let width = steps.iter().map(|s| s.name.len()).max().unwrap_or(0).max(4);
    let mut total = Duration::ZERO;
    println!("\n{:<width$}  {:<7}  {:>8}", "step", "status", "seconds");
    println!("{:-<width$}  {:-<7}  {:->8}", "", "", "");
    for (step, outcome) in steps.iter().zip(outcomes) {
        let (status, time) = match outcome {
            Outcome::Passed(d) => ("ok", Some(*d)),
            Outcome::Failed(d) => ("FAILED", Some(*d)),
            Outcome::Skipped => ("skipped", None),
        };
        let seconds = time.map_or_else(|| "-".to_owned(), |d| format!("{:.1}", d.as_secs_f64()));
        total += time.unwrap_or_default();
        println!("{:<width$}  {status:<7}  {seconds:>8}", step.name);
    }
    println!(
        "{:<width$}  {:<7}  {:>8.1}",
        "total",
        "",
        total.as_secs_f64()
    );
}

/// Quotes `word` for a POSIX shell when it holds anything beyond plainly safe characters.
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_puts_env_first_and_quotes_spaces() {
        let step = Step::cargo("loom", &["test", "--release"])
            .env("RUSTFLAGS", "--cfg loom")
            .env("LOOM_MAX_PREEMPTIONS", "2");
        assert_eq!(
            step.command_line(),
            "RUSTFLAGS='--cfg loom' LOOM_MAX_PREEMPTIONS=2 cargo test --release"
        );
    }

    #[test]
    fn parts_run_together_and_each_failure_is_named() {
        let ok = Step::new("ok", "true");
        let fails = Step::new("fails", "false");
        let root = Path::new(".");
        assert_eq!(
            Step::together("both", vec![ok.clone(), ok.clone()]).run(root),
            Ok(())
        );
        let why = Step::together("one fails", vec![ok, fails])
            .run(root)
            .unwrap_err();
        assert!(why.contains("in `false`"), "{why}");
        assert!(!why.contains("in `true`"), "{why}");
        assert_eq!(
            Step::together("t", vec![Step::new("a", "a"), Step::new("b", "b")]).command_line(),
            "a & b & wait"
        );
    }

    #[test]
    fn quote_escapes_single_quotes_and_empty_words() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("+nightly"), "+nightly");
    }
}
