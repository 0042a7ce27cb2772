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

#[test]
fn batch_holds_pages_to_gold_files_beside_the_records() {
    let dir = tempdir();
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for id in ["NCT00804895", "NCT01222273"] {
        std::fs::copy(
            fixtures().join(format!("trials/corpus/{id}.json")),
            input.join(format!("{id}.json")),
        )
        .unwrap();
    }
    std::fs::copy(
        fixtures().join("gold/NCT00804895.toml"),
        input.join("NCT00804895.toml"),
    )
    .unwrap();
    // A gold file that says the vitamin D trial is a late-stage one: the page must disagree.
    let wrong = std::fs::read_to_string(fixtures().join("gold/NCT01222273.toml")).unwrap()
        + "stage = \"late\"\n";
    std::fs::write(input.join("NCT01222273.toml"), wrong).unwrap();
    let out = laysum()
        .arg("batch")
        .arg(&input)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("gold facts: 2 records checked, 1 agree (50%), 1 disagreements"),
        "{stdout}"
    );
    assert!(
        stderr.contains("gold: NCT01222273: stage"),
        "the disagreement is named: {stderr}"
    );
}

#[test]
fn batch_gold_needs_a_folder_of_records() {
    let dir = tempdir();
    let lines = dir.join("studies.jsonl");
    let record = std::fs::read_to_string(fixtures().join("trials/corpus/NCT00804895.json"))
        .unwrap()
        .replace('\n', " ");
    std::fs::write(&lines, record + "\n").unwrap();
    let out = laysum()
        .arg("batch")
        .arg(&lines)
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--gold")
        .arg(fixtures().join("gold"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("--gold needs a folder of records as input"),
        "{stderr}"
    );
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

/// The website's deploys stop the server with SIGTERM: a page being rendered at that moment must
/// still reach its caller, and the log collector must get one JSON object per line.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_and_finishes_requests_in_flight_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    // A registry that answers after a pause, so the request is still in flight at SIGTERM.
    let registry = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/studies/NCT07635758"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(std::fs::read(seed_record()).unwrap(), "application/json")
                .set_delay(std::time::Duration::from_millis(800)),
        )
        .mount(&registry)
        .await;

    // In a folder of its own: the server keeps its store (laysum.db) where it runs.
    let dir = std::env::temp_dir().join(format!("laysum-sigterm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = laysum()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(&dir)
        .env_remove("LAYSUM_DATABASE_URL")
        .env("LAYSUM_CTGOV_URL", registry.uri())
        .env("LAYSUM_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A server left running by a failed assertion would hold the test runner's output open.
    struct Stop(u32);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
    let _stop = Stop(child.id());
    let mut logs = BufReader::new(child.stderr.take().unwrap()).lines();
    // The start line names the address. Under load one run failed on its first line (what it
    // was is not known), so the lines before the start line are read past, each still JSON.
    let mut before = Vec::new();
    let addr = loop {
        let line = logs.next().expect("the server logs its start").unwrap();
        let value: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
        if let Some(addr) = value["fields"]["addr"].as_str() {
            break addr.to_string();
        }
        before.push(line);
        assert!(
            before.len() < 20,
            "no start line names the address: {before:?}"
        );
    };

    let request = tokio::spawn(async move {
        reqwest::get(format!(
            "http://{addr}/v1/studies/NCT07635758/summary?format=markdown"
        ))
        .await
        .unwrap()
    });
    // SIGTERM once the request is in flight: when the server has asked the registry, not
    // after a fixed pause that a loaded machine may not have reached it in.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while registry
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never asked the registry"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let response = request.await.unwrap();
    assert_eq!(response.status(), 200, "the request in flight is finished");
    assert!(response.text().await.unwrap().contains("## "));
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "a clean stop exits 0: {status}");

    let rest: Vec<String> = logs.map(|l| l.unwrap()).collect();
    for line in &rest {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
    }
    let all = rest.join("\n");
    assert!(all.contains("shutting down"), "{all}");
    assert!(all.contains("laysum stopped"), "{all}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `render --writer llm` and `batch --writer llm` reach the model through the same settings as
/// the server, and neither the help nor the logs ever show the API key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_and_batch_with_the_llm_writer_and_the_key_stays_secret() {
    let model = model_server(Script::new(vec![reply(&good_seed_draft())])).await;
    let secret = "sk-never-print-me-42";
    let llm = |cmd: &mut Command| {
        cmd.env("LAYSUM_LLM_URL", format!("{}/v1", model.uri()))
            .env("LAYSUM_LLM_MODEL", "test-model")
            .env("LAYSUM_LLM_API_KEY", secret)
            .env("LAYSUM_LLM_BACKOFF_MS", "10")
            .env("RUST_LOG", "trace");
    };

    let mut render = laysum();
    render
        .args(["render", "--writer", "llm", "--format", "json"])
        .arg(seed_record());
    llm(&mut render);
    let out = succeeds(render).await;
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["generator"]["writer"], "llm");
    assert_eq!(page["sections"]["summary"], good_seed_draft()["summary"]);
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(!logs.contains(secret), "the key is in the logs: {logs}");
    let sent = model.received_requests().await.unwrap();
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        &format!("Bearer {secret}")
    );

    // The seed draft fits only the seed: the other record's page falls back, and says so.
    let dir = tempdir();
    let (input, out_dir) = (dir.join("in"), dir.join("out"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(seed_record(), input.join("NCT07635758.json")).unwrap();
    let other = &real_records()[0];
    std::fs::copy(other, input.join(other.file_name().unwrap())).unwrap();
    let mut batch = laysum();
    batch
        .args(["batch", "--writer", "llm", "--jobs", "2", "--out"])
        .arg(&out_dir)
        .arg(&input);
    llm(&mut batch);
    let out = succeeds(batch).await;
    assert!(String::from_utf8_lossy(&out.stdout).contains("rendered 2, failed 0"));
    let seed_page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("NCT07635758.json")).unwrap()).unwrap();
    assert_eq!(seed_page["generator"]["writer"], "llm");
    let other_page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join(other.file_name().unwrap())).unwrap())
            .unwrap();
    assert_eq!(other_page["generator"]["fallback_from"], "llm");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(
        logs.contains("llm draft replaced by the rules draft"),
        "{logs}"
    );
    assert!(!logs.contains(secret));

    let mut help = laysum();
    help.args(["serve", "--help"]);
    llm(&mut help);
    let out = help.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("LAYSUM_LLM_API_KEY"), "{text}");
    assert!(!text.contains(secret), "{text}");
}

#[test]
fn render_with_the_llm_writer_but_no_model_says_what_to_set() {
    let out = laysum()
        .args(["render", "--writer", "llm"])
        .arg(seed_record())
        .env_remove("LAYSUM_LLM_MODEL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("LAYSUM_LLM_MODEL"), "{err}");
}

/// Runs a command off the async runtime (the model stand-in answers on it) and checks it
/// succeeded, showing its stderr if not.
async fn succeeds(mut command: std::process::Command) -> std::process::Output {
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `laysum batch … --out - | head -n 1`: the reader closes the pipe after one page, and the run
/// stops quietly instead of reporting an error or panicking.
#[test]
fn batch_to_a_pipe_closed_early_stops_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = laysum()
        .args(["batch", "--jobs", "1", "--out", "-"])
        .arg(fixtures().join("trials/corpus"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // Dropping the reader closes the pipe while pages remain to be written.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with('{'), "{first}");
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(!err.contains("error") && !err.contains("panicked"), "{err}");
}

/// An error names its cause once: "cannot read X: No such file", not the cause twice.
#[test]
fn an_error_says_its_cause_once() {
    let out = laysum()
        .args(["batch", "/no/such/input.json", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}
