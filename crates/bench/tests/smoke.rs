//! Smoke runs of the benchmarks: each scenario runs to the end on a small input and prints every
//! figure it promises as a JSON line with a number. The figures' values are not checked here
//! (timing belongs to the benchmarks themselves, run in release); these tests catch a bench that
//! no longer builds, runs or reports. They run the bench binary cargo built for the tests, and
//! for `sync` the `rapport-server` binary beside it, against the local PostgreSQL.

use serde_json::Value;
use std::process::Command;

/// One printed figure: its name, the backend it was measured on (sync), its value.
type Figure = (String, Option<String>, f64);

/// Runs `rapport-bench ARGS --json` and returns its figures, failing on a non-zero exit or a
/// line that is not a figure.
fn figures(args: &[&str]) -> Vec<Figure> {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport-bench"))
        .args(args)
        .arg("--json")
        .output()
        .expect("start rapport-bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "rapport-bench {args:?} failed ({}):\n{stdout}\n{stderr}", out.status);
    let mut figures = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON figure ({e}): {line}"));
        let name = v["figure"].as_str().unwrap_or_else(|| panic!("a figure without a name: {line}"));
        let value = v["value"].as_f64().unwrap_or_else(|| panic!("{name} has no numeric value: {line}"));
        assert!(v["unit"].is_string(), "{name} has no unit: {line}");
        figures.push((name.to_string(), v["backend"].as_str().map(String::from), value));
    }
    figures
}

/// Asserts each of `names` was printed (for `backend`, when given) with a finite, non-negative value.
fn assert_has(figures: &[Figure], backend: Option<&str>, names: &[&str]) {
    for name in names {
        let found = figures.iter().find(|(n, b, _)| n == name && (backend.is_none() || b.as_deref() == backend));
        let (_, _, v) = found.unwrap_or_else(|| panic!("{name} ({backend:?}) was not printed; printed: {figures:?}"));
        assert!(v.is_finite() && *v >= 0.0, "{name} ({backend:?}) = {v}");
    }
}

#[test]
fn store_bench_prints_every_figure_on_a_tiny_book() {
    let f = figures(&["store", "--size", "tiny", "--rebuild"]);
    assert_has(&f, None, &["build_rows_per_s", "open_ms", "search_p50_ms", "search_p95_ms", "today_ms", "brief_ms", "whitespace_ms"]);
}

#[test]
fn import_bench_prints_csv_and_xlsx_rates() {
    let f = figures(&["import", "--size", "tiny"]);
    assert_has(&f, None, &["csv_rows_per_s", "xlsx_rows_per_s", "apply_records_per_s"]);
}

/// Needs a Secret Service keyring (the sync sign-in keeps its token there) and PostgreSQL on
/// 127.0.0.1:5432; run inside `scripts/with-keyring.sh`, as `scripts/test.sh` does.
#[test]
fn sync_bench_quick_prints_every_figure_for_both_backends() {
    if !rapport_core::security::keyring_available() {
        assert!(std::env::var("RAPPORT_REQUIRE_KEYRING").as_deref() != Ok("1"), "no Secret Service keyring: run inside scripts/with-keyring.sh");
        eprintln!("skipped: no keyring (run inside scripts/with-keyring.sh)");
        return;
    }
    let f = figures(&["sync", "--quick"]);
    for backend in ["sqlite", "postgres"] {
        assert_has(
            &f,
            Some(backend),
            &["upload_ops_per_s", "server_snapshot_records_per_s", "initial_sync_records_per_s", "edit_visible_p50_ms", "edit_visible_p95_ms", "server_pull_p99_ms"],
        );
    }
}
