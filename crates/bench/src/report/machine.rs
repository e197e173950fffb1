//! What the report ran on: CPUs, date, toolchain and peer versions.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The lock file, read at compile time, for the versions of the peers actually benchmarked.
const CARGO_LOCK: &str = include_str!("../../../../Cargo.lock");

/// The machine and software a report was measured on.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Logical CPUs available to the process (what `nproc` prints).
    pub cpus: usize,
    /// The first `model name` of `/proc/cpuinfo`.
    pub cpu_model: String,
    /// When the report ran, `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The locked versions of the peers, e.g. `tokio 1.54.1, smol 2.0.2, …`.
    pub peers: String,
}

impl Machine {
    /// Looks at this machine now.
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
            .map_or("unknown", |(_, model)| model.trim())
            .to_owned();
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .map_or_else(|| "unknown".to_owned(), |version| version.trim().to_owned());
        let peers = ["tokio", "smol", "async-executor", "async-channel"]
            .map(|name| format!("{name} {}", locked_version(name).unwrap_or("?")))
            .join(", ");
        Self {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model,
            date: utc_now(),
            rustc,
            peers,
        }
    }
}

/// The version of `name` in the workspace's Cargo.lock.
fn locked_version(name: &str) -> Option<&'static str> {
    let entry = format!("name = \"{name}\"\nversion = \"");
    let start = CARGO_LOCK.find(&entry)? + entry.len();
    let length = CARGO_LOCK[start..].find('"')?;
    Some(&CARGO_LOCK[start..start + length])
}

/// Now as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let minutes = seconds % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }

    #[test]
    fn peers_are_locked() {
        assert!(locked_version("tokio").is_some_and(|version| version.starts_with("1.")));
    }
}
