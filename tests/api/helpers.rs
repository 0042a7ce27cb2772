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

/// The partial and oddly edited records of `tests/fixtures/trials/edge`.
pub fn edge_records() -> Vec<PathBuf> {
    laysum::batch::inputs(&fixtures().join("trials/edge")).unwrap()
}

pub fn seed_record() -> PathBuf {
    fixtures().join("NCT07635758.json")
}

pub fn summarize(path: &Path) -> Summary {
    let bytes = std::fs::read(path).unwrap();
    pipeline()
        .summarize(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// All the text a reader sees in the three main sections and the headline.
pub fn page_text(s: &Summary) -> String {
    format!(
        "{} {} {} {} {}",
        s.headline,
        s.sections.summary,
        s.sections.active_substance.as_deref().unwrap_or(""),
        s.sections.what_this_could_lead_to,
        s.sections.what_could_go_wrong
    )
}

/// A running laysum server on a random loopback port.
pub struct TestApp {
    pub base: String,
    pub state: std::sync::Arc<laysum::server::AppState>,
    pub http: reqwest::Client,
}

impl TestApp {
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
    let mut config = laysum::server::Config::for_upstream(upstream);
    config.upstream_backoff_ms = 10;
    config.upstream_timeout_ms = 1_000;
    adjust(&mut config);
    let state = laysum::server::AppState::new(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = laysum::server::app(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp {
        base,
        state,
        http: reqwest::Client::new(),
    }
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
