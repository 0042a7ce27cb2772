//! The `laysum` binary as a user runs it.

use crate::helpers::*;
use std::process::Command;

fn laysum() -> Command {
    Command::new(env!("CARGO_BIN_EXE_laysum"))
}

#[test]
fn render_prints_the_markdown_page() {
    let out = laysum()
        .args(["render", "--format", "markdown"])
        .arg(seed_record())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("## What could go wrong") || md.contains("### What could go wrong"));
}

#[test]
fn render_of_broken_json_names_the_place() {
    let dir = tempdir();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"protocolSection\": {\n  oops }").unwrap();
    let out = laysum().arg("render").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.json") && err.contains("not JSON at line 3 column 3"),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "one clear line, no backtrace: {err}"
    );
}

#[test]
fn batch_renders_the_good_and_names_the_bad() {
    let dir = tempdir();
    let input = dir.join("in");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&input).unwrap();
    for path in real_records().iter().take(3) {
        std::fs::copy(path, input.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(input.join("broken.json"), "[1, 2, 3]").unwrap();
    let out = laysum()
        .arg("batch")
        .arg(&input)
        .arg("--out")
        .arg(&out_dir)
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed record makes the run fail"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("not a study"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rendered 3, failed 1"), "{stdout}");
    assert!(stdout.contains("median grade"), "{stdout}");
    let written = std::fs::read_dir(&out_dir).unwrap().count();
    assert_eq!(written, 3);
}

/// A fresh folder under the target directory (no extra crate needed).
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "laysum-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
