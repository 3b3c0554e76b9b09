//! Core never depends on the desktop shell or the server framework (DESIGN.md: the arrows point
//! one way). `cargo tree` of rapport-core's normal and build dependencies proves it.

use std::process::Command;

const FORBIDDEN: [&str; 3] = ["tauri", "wry", "axum"];

fn core_dependency_tree() -> String {
    let tree = |offline: bool| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["tree", "-p", "rapport-core", "-e", "normal,build", "--prefix", "none"]);
        if offline {
            cmd.arg("--offline");
        }
        cmd.output().expect("cargo runs")
    };
    let mut out = tree(true);
    if !out.status.success() {
        out = tree(false);
    }
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("cargo tree prints UTF-8")
}

#[test]
fn core_depends_on_no_tauri_wry_or_axum_crate() {
    let tree = core_dependency_tree();
    assert!(tree.lines().any(|l| l.starts_with("rapport-core ")), "unexpected cargo tree output:\n{tree}");
    let bad: Vec<&str> = tree.lines().filter(|l| FORBIDDEN.iter().any(|f| l.starts_with(f))).collect();
    assert!(bad.is_empty(), "rapport-core must not depend on {FORBIDDEN:?}, but its tree has: {bad:#?}");
}
