use laysum::{Pipeline, Summary};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::new().expect("templates and lexicons load"))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The real, complete records of `tests/fixtures/trials`.
pub fn real_records() -> Vec<PathBuf> {
    laysum::batch::inputs(&fixtures().join("trials")).unwrap()
}

/// The 400 real records of `tests/fixtures/trials/corpus` (120 with posted results).
pub fn corpus_records() -> Vec<PathBuf> {
    laysum::batch::inputs(&fixtures().join("trials/corpus")).unwrap()
}

/// Every real record: the first 21 and the corpus.
pub fn all_real_records() -> Vec<PathBuf> {
    let mut all = real_records();
    all.extend(corpus_records());
    all
}

/// Every real record with its JSON, for tests that read the truth from the record.
pub fn all_real_records_read() -> Vec<(PathBuf, serde_json::Value)> {
    all_real_records()
        .into_iter()
        .map(|path| {
            let record = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            (path, record)
        })
        .collect()
}

/// The items of the JSON array at a pointer of a record; none where there is no array.
pub fn items_at<'a>(record: &'a serde_json::Value, pointer: &str) -> &'a [serde_json::Value] {
    record
        .pointer(pointer)
        .and_then(serde_json::Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The text at a JSON pointer of a record ("/protocolSection/statusModule/overallStatus").
pub fn text_at<'a>(record: &'a serde_json::Value, pointer: &str) -> Option<&'a str> {
    record.pointer(pointer)?.as_str()
}

/// The records, read, whose JSON `pick` chooses, with their pages.
pub fn pages_where(
    pick: impl Fn(&serde_json::Value) -> bool,
) -> Vec<(PathBuf, serde_json::Value, Summary)> {
    all_real_records_read()
        .into_iter()
        .filter(|(_, record)| pick(record))
        .map(|(path, record)| {
            let page = summarize(&path);
            (path, record, page)
        })
        .collect()
}

/// Fails, naming the record and the phrase, when `text` holds one of `never`.
pub fn assert_says_none(path: &Path, text: &str, never: &[&str]) {
    for never in never {
        assert!(
            !text.contains(never),
            "{}: “{never}” in {text}",
            path.display()
        );
    }
}

/// The partial and oddly edited records of `tests/fixtures/trials/edge`.
pub fn edge_records() -> Vec<PathBuf> {
    laysum::batch::inputs(&fixtures().join("trials/edge")).unwrap()
}

pub fn seed_record() -> PathBuf {
    fixtures().join("NCT07635758.json")
}

/// The page of a corpus record, by its NCT id.
pub fn corpus_summary(id: &str) -> Summary {
    summarize(&fixtures().join(format!("trials/corpus/{id}.json")))
}

pub fn summarize(path: &Path) -> Summary {
    let bytes = std::fs::read(path).unwrap();
    pipeline()
        .summarize(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Text without the registry's own words it quotes (“…”), which keep their spelling.
pub fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// All the text a reader sees in the headline and the sections; in what the trial found, less
/// the group and measure titles it quotes from the registry.
pub fn page_text(s: &Summary) -> String {
    format!(
        "{} {} {} {} {} {}",
        s.headline,
        s.sections.summary,
        s.sections.active_substance.as_deref().unwrap_or(""),
        s.sections.what_this_could_lead_to,
        s.sections.what_could_go_wrong,
        unquoted(s.sections.what_the_trial_found.as_deref().unwrap_or(""))
    )
}

/// A running laysum server on a random loopback port.
pub struct TestApp {
    pub base: String,
    pub state: std::sync::Arc<laysum::server::AppState>,
    pub http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// The app's store (for apps spawned with one).
    pub fn store(&self) -> &laysum::store::Store {
        self.state.store.as_ref().expect("an app with a store")
    }

    /// A new token with a role, straight from the store (as `laysum token add` makes one).
    pub async fn token(&self, name: &str, role: laysum::store::Role) -> String {
        self.store().add_token(name, role, "test").await.unwrap()
    }

    /// Stops the server and closes its store, as a process that ends would.
    pub async fn stop(self) {
        self.server.abort();
        if let Some(store) = &self.state.store {
            store.close().await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_record(
        &self,
        query: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/v1/summaries{query}")))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }
}

/// Starts the real app, its registry pointed at `upstream` (a local stand-in), and a config
/// that tests may adjust first.
pub async fn spawn_app_with(
    upstream: &str,
    adjust: impl FnOnce(&mut laysum::server::Config),
) -> TestApp {
    spawn_app_on(upstream, None, adjust).await
}

/// Starts the real app with a store (or none), its registry pointed at `upstream`.
pub async fn spawn_app_on(
    upstream: &str,
    store: Option<laysum::store::Store>,
    adjust: impl FnOnce(&mut laysum::server::Config),
) -> TestApp {
    let mut config = laysum::server::Config::for_upstream(upstream);
    config.upstream_backoff_ms = 10;
    config.upstream_timeout_ms = 1_000;
    adjust(&mut config);
    let state = laysum::server::AppState::with_store(config, store).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = laysum::server::app(state.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp {
        base,
        state,
        http: reqwest::Client::new(),
        server,
    }
}

/// A database for one test: a SQLite file in a fresh folder, or a fresh database on the
/// PostgreSQL server of `LAYSUM_TEST_POSTGRES_URL`.
pub struct TestDb {
    pub url: String,
    pub name: &'static str,
}

impl TestDb {
    pub async fn open(&self) -> laysum::store::Store {
        laysum::store::Store::open(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

/// A fresh SQLite database file.
pub fn sqlite_db(test: &str) -> TestDb {
    let dir = std::env::temp_dir().join(format!("laysum-store-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TestDb {
        url: format!("sqlite://{}", dir.join("laysum.db").display()),
        name: "sqlite",
    }
}

/// Says why a test skips part of its work, where `cargo test` shows it: the harness keeps what
/// `eprintln!` prints in a passing test, but not what is written to standard error directly.
pub fn say_skipped(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{why}");
}

/// A fresh database on the test PostgreSQL server, or `None` (saying why) when none is given.
/// In CI one must be: `.ci/run` starts one and sets `LAYSUM_TEST_POSTGRES_URL`.
pub async fn postgres_db(test: &str) -> Option<TestDb> {
    use sqlx::Connection as _;
    let Ok(admin) = std::env::var("LAYSUM_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "LAYSUM_TEST_POSTGRES_URL is not set; .ci/run starts PostgreSQL and sets it"
        );
        say_skipped(&format!(
            "skipping the PostgreSQL run of {test}: set LAYSUM_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/postgres (a role that may create databases)"
        ));
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "laysum_{}_{}_{}",
        test,
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("LAYSUM_TEST_POSTGRES_URL: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (base, _) = admin.rsplit_once('/').expect("a URL ending in /DATABASE");
    Some(TestDb {
        url: format!("{base}/{name}"),
        name: "postgres",
    })
}

pub async fn spawn_app(upstream: &str) -> TestApp {
    spawn_app_with(upstream, |_| {}).await
}

/// A stand-in for the registry: serves every record of `tests/fixtures/trials` (and the seed) at
/// `/studies/{nct_id}`, as ClinicalTrials.gov does; 404 for anything else.
pub async fn registry() -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let server = wiremock::MockServer::start().await;
    let mut records = real_records();
    records.push(seed_record());
    for record in records {
        let id = record.file_stem().unwrap().to_string_lossy().into_owned();
        Mock::given(method("GET"))
            .and(path(format!("/studies/{id}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(std::fs::read(&record).unwrap(), "application/json"),
            )
            .mount(&server)
            .await;
    }
    server
}

/// A chat completion, as OpenAI-compatible servers answer, whose message is `content`.
pub fn completion(content: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_764_000_000,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200}
    })
}

/// A draft for the seed trial that keeps every rule: what a good model writes.
pub fn good_seed_draft() -> serde_json::Value {
    serde_json::json!({
        "headline": "Can stem cells from the placenta help people after a stroke?",
        "summary": "This early trial tests stem cells taken from the placenta in people who have just had a stroke caused by a blocked blood vessel. About 24 people will get either the cells or a placebo, a look-alike with no medicine in it, through an IV. Chance decides who gets which, like a coin toss. Doctors will check on everyone for two years, mostly for side effects.",
        "active_substance": "Stem cells taken from the placenta",
        "what_this_could_lead_to": "If the cells turn out to be safe, larger trials could test whether they help people regain their independence after a stroke.",
        "what_could_go_wrong": "The trial is small and early, so it is mainly about safety. The drip could cause allergic reactions or infection. Some people will get the placebo instead of the cells."
    })
}

/// The good draft with one section changed.
pub fn seed_draft_with(section: &str, text: &str) -> serde_json::Value {
    let mut draft = good_seed_draft();
    draft[section] = serde_json::Value::String(text.to_owned());
    draft
}

/// A model server that answers each call with the next reply of a script, repeating the last.
pub struct Script {
    replies: Vec<wiremock::ResponseTemplate>,
    next: std::sync::atomic::AtomicUsize,
}

impl Script {
    pub fn new(replies: Vec<wiremock::ResponseTemplate>) -> Self {
        Script {
            replies,
            next: Default::default(),
        }
    }
}

impl wiremock::Respond for Script {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.replies[i.min(self.replies.len() - 1)].clone()
    }
}

/// A reply carrying a draft (as JSON text in the message).
pub fn reply(draft: &serde_json::Value) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200).set_body_json(completion(&draft.to_string()))
}

/// A local OpenAI-compatible model server answering `POST /v1/chat/completions` by `responder`.
pub async fn model_server(responder: impl wiremock::Respond + 'static) -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

/// Settings that point the llm writer at a local model server, with short waits.
pub fn llm_config(model: &wiremock::MockServer) -> laysum::llm::LlmConfig {
    let mut config =
        laysum::llm::LlmConfig::for_server(format!("{}/v1", model.uri()), "test-model");
    config.api_key = Some("sk-test-secret-key".parse().unwrap());
    config.backoff_ms = 10;
    config.timeout_ms = 2_000;
    config
}

/// The JSON bodies of the chat requests a model server received, in order.
pub async fn chat_requests(model: &wiremock::MockServer) -> Vec<serde_json::Value> {
    model
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// A draft a real model wrote in the live check (`tests/live/`), kept in
/// `tests/fixtures/llm/live_drafts.json` with what a reviewer found wrong with it.
#[derive(serde::Deserialize)]
pub struct LiveDraft {
    /// The record, under `tests/fixtures/`.
    pub record: String,
    /// Which run and exchange it came from, and why it is kept.
    pub from: String,
    /// The model's message, as it came.
    pub reply: String,
    /// The error codes the check step must find in it.
    pub errors: Vec<String>,
    /// The writer of the page the llm writer makes of it: `llm` when what was wrong is set by
    /// code (the substance, a results section the record cannot have), else `rules`.
    pub writer: String,
}

pub fn live_drafts() -> Vec<LiveDraft> {
    let text = std::fs::read_to_string(fixtures().join("llm/live_drafts.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}
