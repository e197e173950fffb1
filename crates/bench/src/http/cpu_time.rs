//! CPU time used by this process (the server under test runs in it) and by its waited-for
//! children (`wrk`), from `/proc/self/stat`. Requests per second depend on how the two share
//! the cores; CPU time per request is what the server itself costs.

use std::io;
use std::time::Duration;

/// Linux reports these times in `USER_HZ` ticks, fixed at 100 per second on x86-64 and
/// aarch64 whatever the kernel's own tick rate.
const TICKS_PER_SECOND: u64 = 100;

/// CPU time (user + system) spent so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    /// By this process's threads.
    pub own: Duration,
    /// By the children this process has waited for.
    pub children: Duration,
}

impl CpuTimes {
    /// This process's figures now.
    pub fn now() -> io::Result<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/self/stat")?;
        parse_stat(&stat)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "unexpected /proc/self/stat"))
    }

    /// What was spent between `earlier` and `self`.
    pub fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            own: self.own.saturating_sub(earlier.own),
            children: self.children.saturating_sub(earlier.children),
        }
    }
}

/// Reads utime + stime and cutime + cstime (fields 14 to 17) from a `/proc/<pid>/stat` line.
/// The command name (field 2) may hold spaces and parentheses, so fields are counted from
/// its closing parenthesis.
///
/// ```
/// use std::time::Duration;
/// use weave_bench::http::cpu_time::parse_stat;
///
/// let line = "42 (my (odd) name) S 1 42 42 0 -1 4194304 100 0 0 0 250 50 7 3 20 0 3 0 1 2 3";
/// let times = parse_stat(line).unwrap();
/// assert_eq!(times.own, Duration::from_secs(3));
/// assert_eq!(times.children, Duration::from_millis(100));
/// ```
pub fn parse_stat(stat: &str) -> Option<CpuTimes> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 3 (the state) is the first one after the name.
    let mut fields = after_name.split_whitespace().skip(14 - 3);
    let mut next = || fields.next()?.parse::<u64>().ok();
    let (utime, stime, cutime, cstime) = (next()?, next()?, next()?, next()?);
    let ticks = |ticks: u64| Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND);
    Some(CpuTimes {
        own: ticks(utime + stime),
        children: ticks(cutime + cstime),
    })
}
