//! The live progress line and the summary table.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use crate::client::Outcome;

/// `\r`-rewritten progress on stderr: `[sequential] 120/200  ok 110  failed 10`.
pub(crate) struct Progress {
    label: &'static str,
    total: usize,
    /// Redraw on every completion only on a terminal; a log gets the final line alone.
    live: bool,
    done: AtomicUsize,
    failed: AtomicUsize,
}

impl Progress {
    pub(crate) fn new(label: &'static str, total: usize) -> Progress {
        Progress {
            label,
            total,
            live: std::io::stderr().is_terminal(),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }
    }

    pub(crate) fn done(&self, outcome: &Outcome) {
        if !matches!(outcome, Outcome::Ok(_)) {
            self.failed.fetch_add(1, Relaxed);
        }
        let done = self.done.fetch_add(1, Relaxed) + 1;
        if self.live {
            self.draw(done);
        }
    }

    pub(crate) fn finish(&self) {
        self.draw(self.done.load(Relaxed));
        eprintln!();
    }

    fn draw(&self, done: usize) {
        const WIDTH: usize = 30;
        let filled = WIDTH * done / self.total.max(1);
        let failed = self.failed.load(Relaxed);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{:>10} [{}{}] {done}/{}  ok {}  failed {failed}",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            self.total,
            done - failed.min(done),
        );
        let _ = err.flush();
    }
}

/// One pass's results.
pub(crate) struct Run {
    wall: Duration,
    count: usize,
    kinds: BTreeMap<String, usize>,
}

impl Run {
    pub(crate) fn new(_label: &str, wall: Duration, outcomes: Vec<Outcome>) -> Run {
        let mut kinds = BTreeMap::new();
        for outcome in &outcomes {
            *kinds.entry(outcome.kind()).or_insert(0) += 1;
        }
        Run {
            wall,
            count: outcomes.len(),
            kinds,
        }
    }

    fn per_second(&self) -> f64 {
        self.count as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// The side-by-side table.
pub(crate) struct Summary<'a> {
    sequential: &'a Run,
    concurrent: &'a Run,
}

impl<'a> Summary<'a> {
    pub(crate) fn new(sequential: &'a Run, concurrent: &'a Run) -> Summary<'a> {
        Summary {
            sequential,
            concurrent,
        }
    }
}

impl std::fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (s, c) = (self.sequential, self.concurrent);
        writeln!(f, "{:<14}{:>14}{:>14}", "", "sequential", "concurrent")?;
        writeln!(
            f,
            "{:<14}{:>12.2} s{:>12.2} s",
            "wall time",
            s.wall.as_secs_f64(),
            c.wall.as_secs_f64()
        )?;
        writeln!(
            f,
            "{:<14}{:>14.1}{:>14.1}",
            "requests/s",
            s.per_second(),
            c.per_second()
        )?;
        let mut kinds: Vec<&String> = s.kinds.keys().chain(c.kinds.keys()).collect();
        // Successes first, then each kind of failure.
        kinds.sort_by_key(|kind| (kind.as_str() != "ok", kind.as_str()));
        kinds.dedup();
        for kind in kinds {
            writeln!(
                f,
                "{:<14}{:>14}{:>14}",
                kind,
                s.kinds.get(kind).copied().unwrap_or(0),
                c.kinds.get(kind).copied().unwrap_or(0)
            )?;
        }
        writeln!(
            f,
            "speed-up: {:.1}x",
            s.wall.as_secs_f64() / c.wall.as_secs_f64().max(1e-9)
        )
    }
}
