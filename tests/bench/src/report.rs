//! The one table of figures, and how numbers are written in it.

use exchange_core::output::Table;
use std::time::Duration;

/// The header of the figures table (the smoke test looks for it).
pub const HEADER: [&str; 3] = ["MEASURE", "VALUE", "TARGET (issue 8)"];

/// The rows of the figures table, in the order measured.
pub struct Report {
    table: Table,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report {
            table: Table::new(HEADER),
        }
    }

    /// A figure without a target.
    pub fn figure(&mut self, measure: impl Into<String>, value: impl Into<String>) {
        self.table.row([measure.into(), value.into()]);
    }

    /// A figure with a target and whether it is met.
    pub fn target(
        &mut self,
        measure: impl Into<String>,
        value: impl Into<String>,
        target: &str,
        met: bool,
    ) {
        let verdict = if met { "met" } else { "MISSED" };
        self.table
            .row([measure.into(), value.into(), format!("{target}: {verdict}")]);
    }

    /// Prints the machine line and the table.
    pub fn print(&self, machine: &str) {
        println!("\nMachine: {machine}\n");
        print!("{}", self.table);
    }
}

/// `1234567` as `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds with two decimals, or in milliseconds below one second.
pub fn time(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

/// Bytes in MiB with one decimal (KiB below one MiB).
pub fn bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.0} KiB", n as f64 / 1024.0)
    }
}

/// `a / b` as a ratio with two decimals and a times sign.
pub fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "n/a".into()
    } else {
        format!("{:.2}×", a / b)
    }
}

/// The median of some durations (the upper one of an even count).
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(5), "5");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn times_and_ratios_read_well() {
        assert_eq!(time(Duration::from_millis(1500)), "1.50 s");
        assert_eq!(time(Duration::from_micros(2500)), "2.5 ms");
        assert_eq!(ratio(3.0, 2.0), "1.50×");
        assert_eq!(ratio(1.0, 0.0), "n/a");
        assert_eq!(bytes(3 << 20), "3.0 MiB");
    }
}
