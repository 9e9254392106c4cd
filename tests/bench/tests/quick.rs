//! The benchmark must not rot: a tiny run prints the figures table and exits 0. It needs
//! the workspace built (`cargo build --workspace`), as the host's own tests do.

use std::process::Command;

#[test]
fn a_tiny_run_prints_the_figures_table() {
    let output = Command::new(env!("CARGO_BIN_EXE_exchange-bench"))
        .args(["--quick", "--sizes", "100", "--tasks", "10", "--orgs", "2"])
        .args(["--window", "1", "--soak-orgs", "2", "--soak-seconds", "3"])
        .output()
        .expect("the benchmark starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the benchmark failed:\n{stdout}\n{stderr}"
    );
    let header = stdout
        .lines()
        .find(|l| l.starts_with("MEASURE"))
        .unwrap_or_else(|| panic!("no figures table:\n{stdout}"));
    assert!(header.contains("VALUE") && header.contains("TARGET"));
    for row in [
        "100 students: first sync",
        "100 students: no-op sync",
        "plugins list",
        "serve, 10 idle tasks",
        "2 organizations",
        "soak: 2 schools",
    ] {
        assert!(stdout.contains(row), "no row «{row}»:\n{stdout}");
    }
    assert!(stdout.contains("Machine: "));
}
