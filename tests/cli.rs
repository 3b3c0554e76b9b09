//! The desktop binary's command line, run as a user would (no window is opened for these).

use std::process::Command;

fn rapport(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rapport")).args(args).output().expect("run the rapport binary")
}

#[test]
fn help_names_the_book_and_demo_options() {
    let out = rapport(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--book PATH") && text.contains("--demo"), "{text}");
}

#[test]
fn an_unknown_option_is_refused_with_its_name_and_the_usage() {
    let out = rapport(&["--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--bogus") && err.contains("Usage: rapport"), "{err}");
}

#[test]
fn book_without_a_path_is_refused() {
    let out = rapport(&["--book"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--book"));
}
