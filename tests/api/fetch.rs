//! `laysum fetch` against a stand-in for the registry's API serving three pages of the fixture
//! records (8, 8 and 5 studies), as ClinicalTrials.gov answers `GET /studies`.

use crate::bulk::{laysum, page_of, pages_in, records, reference_pages, tempdir};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const QUERY: &str = "query.cond=stroke&filter.overallStatus=RECRUITING";

/// The fixture records in pages of eight, each page's body as the registry sends it.
fn pages() -> Vec<Vec<u8>> {
    let records = records();
    let bytes: Vec<&[u8]> = records.iter().map(|(_, b)| b.as_slice()).collect();
    let chunks: Vec<&[&[u8]]> = bytes.chunks(8).collect();
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let next = (i + 1 < chunks.len()).then(|| format!("token-{}", i + 2));
            // The registry counts only on the first page, when asked.
            let total = (i == 0).then_some(bytes.len());
            page_of(chunk, next.as_deref(), total)
        })
        .collect()
}

/// The mock for page `n` (from 1): the first has no token and is asked for the count.
fn page_request(n: usize) -> wiremock::MockBuilder {
    let mock = Mock::given(method("GET"))
        .and(path("/api/v2/studies"))
        .and(query_param("query.cond", "stroke"))
        .and(query_param("filter.overallStatus", "RECRUITING"))
        .and(query_param("pageSize", "8"));
    if n == 1 {
        mock.and(query_param_is_missing("pageToken"))
            .and(query_param("countTotal", "true"))
    } else {
        mock.and(query_param("pageToken", format!("token-{n}")))
    }
}

fn ok(body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json")
}

fn fetch_command(registry: &MockServer, out: &Path, resume: bool) -> Command {
    let mut cmd = laysum();
    cmd.args(["fetch", QUERY, "--page-size", "8", "--rate", "200", "--out"])
        .arg(out)
        .env("LAYSUM_CTGOV_URL", format!("{}/api/v2", registry.uri()))
        .env("LAYSUM_FETCH_BACKOFF_MS", "10")
        .env("LAYSUM_FETCH_RETRIES", "3")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if resume {
        cmd.arg("--resume");
    }
    cmd
}

/// Runs a command off the async runtime, where the stand-in answers.
async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// The NCT ids of a JSON Lines file of studies, in order.
fn ids_in(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|line| {
            let study: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one study per line ({e}): {line:.80}"));
            study["protocolSection"]["identificationModule"]["nctId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn fixture_ids() -> Vec<String> {
    records()
        .iter()
        .map(|(n, _)| n.trim_end_matches(".json").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_follows_every_page_through_a_429_and_a_503_and_batch_reads_what_it_wrote() {
    let registry = MockServer::start().await;
    let pages = pages();
    page_request(1)
        .respond_with(ok(&pages[0]))
        .mount(&registry)
        .await;
    // Page 2 is refused twice before it comes: first too many requests, then unavailable.
    page_request(2)
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    page_request(2)
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&registry)
        .await;
    page_request(2)
        .respond_with(ok(&pages[1]))
        .with_priority(3)
        .mount(&registry)
        .await;
    page_request(3)
        .respond_with(ok(&pages[2]))
        .mount(&registry)
        .await;

    let dir = tempdir("fetch-pages");
    let out = dir.join("stroke.jsonl");
    let run = output(fetch_command(&registry, &out, false)).await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("fetched 21 studies in 3 pages into {}", out.display())
    );
    assert!(stderr.contains("page 2: the registry is unavailable: answered 429 Too Many Requests; trying again in 1.0 s"), "{stderr}");
    assert!(
        stderr.contains("answered 503 Service Unavailable"),
        "{stderr}"
    );
    assert_eq!(
        ids_in(&out),
        fixture_ids(),
        "each study once, in the registry's order"
    );

    // Retry-After was honoured: a second passed between the 429 and the next request.
    let requests = registry.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5, "page 1, page 2 three times, page 3");
    let page2: Vec<&wiremock::Request> = requests
        .iter()
        .filter(|r| r.url.query().unwrap_or("").contains("pageToken=token-2"))
        .collect();
    assert_eq!(page2.len(), 3);

    // What fetch wrote is an input of batch, and gives the folder's pages.
    let pages_dir = dir.join("pages");
    let batch = laysum()
        .arg("batch")
        .arg(&out)
        .arg("--out")
        .arg(&pages_dir)
        .output()
        .unwrap();
    assert!(
        batch.status.success(),
        "{}",
        String::from_utf8_lossy(&batch.stderr)
    );
    assert_eq!(pages_in(&pages_dir), reference_pages(&dir, "json"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_waits_as_retry_after_asks() {
    let registry = MockServer::start().await;
    page_request(1)
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    page_request(1)
        .respond_with(ok(&page_of(&[], None, Some(0))))
        .with_priority(2)
        .mount(&registry)
        .await;
    let dir = tempdir("fetch-retry-after");
    let started = Instant::now();
    let run = output(fetch_command(&registry, &dir.join("none.jsonl"), false)).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The backoff alone is 10 ms: only Retry-After makes it wait a second.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_fetch_resumes_after_its_last_page_with_no_study_lost_or_repeated() {
    let registry = MockServer::start().await;
    let pages = pages();
    page_request(1)
        .respond_with(ok(&pages[0]))
        .mount(&registry)
        .await;
    page_request(2)
        .respond_with(ok(&pages[1]))
        .mount(&registry)
        .await;
    // Page 3 hangs: the run is killed while waiting for it.
    page_request(3)
        .respond_with(ok(&pages[2]).set_delay(Duration::from_secs(30)))
        .mount(&registry)
        .await;

    let dir = tempdir("fetch-kill");
    let out = dir.join("stroke.jsonl");
    let state = dir.join("stroke.jsonl.state");
    let mut child = fetch_command(&registry, &out, false).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pages_done = std::fs::read(&state)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|s| s["pages"].as_u64());
        if pages_done == Some(2) {
            break;
        }
        assert!(Instant::now() < deadline, "the first two pages never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    let killed = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(!killed.success());
    assert_eq!(ids_in(&out), fixture_ids()[..16]);

    // The registry is back; pages 1 and 2 must not be asked for again.
    registry.reset().await;
    page_request(1)
        .respond_with(ok(&pages[0]))
        .expect(0)
        .mount(&registry)
        .await;
    page_request(2)
        .respond_with(ok(&pages[1]))
        .expect(0)
        .mount(&registry)
        .await;
    page_request(3)
        .respond_with(ok(&pages[2]))
        .expect(1)
        .mount(&registry)
        .await;
    let run = output(fetch_command(&registry, &out, true)).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("resuming after page 2 (16 studies)"));
    assert_eq!(ids_in(&out), fixture_ids());

    // A finished fetch resumed again fetches nothing and changes nothing.
    let before = std::fs::read(&out).unwrap();
    let run = output(fetch_command(&registry, &out, true)).await;
    assert!(run.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), before);
    registry.verify().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_written_after_the_last_saved_state_are_dropped_when_resuming() {
    let registry = MockServer::start().await;
    let pages = pages();
    page_request(1)
        .respond_with(ok(&pages[0]))
        .mount(&registry)
        .await;
    page_request(2)
        .respond_with(ResponseTemplate::new(500))
        .mount(&registry)
        .await;

    let dir = tempdir("fetch-crash-window");
    let out = dir.join("stroke.jsonl");
    let run = output(fetch_command(&registry, &out, false)).await;
    assert_eq!(run.status.code(), Some(2), "the registry kept failing");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("page 2: the registry is unavailable: answered 500 Internal Server Error"),
        "{stderr}"
    );
    assert!(stderr.contains("8 studies are in"), "{stderr}");
    assert!(stderr.contains("with --resume"), "{stderr}");
    assert_eq!(ids_in(&out), fixture_ids()[..8]);

    // A kill after page 2's lines reached the file but before its state did: the lines are
    // there, and half of one more.
    let mut file = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    let page2: serde_json::Value = serde_json::from_slice(&pages[1]).unwrap();
    for study in page2["studies"].as_array().unwrap() {
        use std::io::Write as _;
        writeln!(file, "{study}").unwrap();
    }
    std::io::Write::write_all(&mut file, b"{\"protocolSection\": {\"ident").unwrap();
    drop(file);

    // Resuming another query is refused: the state belongs to this one.
    let mut other = laysum();
    other
        .args(["fetch", "query.cond=asthma", "--resume", "--out"])
        .arg(&out)
        .env("LAYSUM_CTGOV_URL", format!("{}/api/v2", registry.uri()));
    let other = output(other).await;
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("was for the query"));

    registry.reset().await;
    page_request(2)
        .respond_with(ok(&pages[1]))
        .mount(&registry)
        .await;
    page_request(3)
        .respond_with(ok(&pages[2]))
        .mount(&registry)
        .await;
    let run = output(fetch_command(&registry, &out, true)).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(ids_in(&out), fixture_ids(), "each study exactly once");
    let _ = std::fs::remove_dir_all(&dir);
}
