//! The llm writer against the answers of a real model server, llama-cpp-python's, recorded by
//! `tests/live/record.py` into `tests/fixtures/llm/` and replayed by a local stand-in: the 500
//! it gives `json_schema`, the `json_object` with a schema it accepts, a conversation over its
//! context, a reply cut at `max_tokens`. And what laysum does with its time: every request
//! bounded, the connection closed when it gives up, the server's settings checked at start.

use crate::helpers::*;
use serde_json::Value;
use wiremock::ResponseTemplate;

/// A recorded answer of the real server.
fn recorded(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("llm").join(name)).unwrap()
}

fn recorded_answer(name: &str, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(recorded(name), "application/json")
}

/// A recorded reply of llama-cpp-python (`json_object_schema_200.json`, accepted, or
/// `length_200.json`, cut at `max_tokens`), its message replaced by `content`.
fn recorded_reply(fixture: &str, content: &str) -> ResponseTemplate {
    let mut body: Value = serde_json::from_str(&recorded(fixture)).unwrap();
    body["choices"][0]["message"]["content"] = content.into();
    ResponseTemplate::new(200).set_body_json(body)
}

async fn app_with(
    model: &wiremock::MockServer,
    adjust: impl FnOnce(&mut laysum::llm::LlmConfig),
) -> TestApp {
    let mut llm = llm_config(model);
    adjust(&mut llm);
    spawn_app_with("http://127.0.0.1:9", |c| c.llm = llm).await
}

async fn llm_page_of(app: &TestApp, record: &std::path::Path) -> Value {
    let resp = app
        .post_record("?writer=llm", std::fs::read(record).unwrap())
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    app.get("/metrics").await.text().await.unwrap()
}

/// llama-cpp-python as recorded: a 500 naming `response_format` for `json_schema`, the draft
/// for `json_object` with a schema.
struct LlamaCppPython;

impl wiremock::Respond for LlamaCppPython {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        match body["response_format"]["type"].as_str() {
            Some("json_schema") => recorded_answer("json_schema_500.json", 500),
            _ => recorded_reply(
                "json_object_schema_200.json",
                &good_seed_draft().to_string(),
            ),
        }
    }
}

fn format_of(request: &Value) -> Value {
    request
        .get("response_format")
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn auto_learns_that_llama_cpp_python_takes_a_schema_in_json_object_and_remembers() {
    let model = model_server(LlamaCppPython).await;
    let app = app_with(&model, |_| {}).await;
    let page = llm_page_of(&app, &seed_record()).await;
    assert_eq!(page["generator"]["writer"], "llm", "{}", page["generator"]);

    // The same trial updated since: a new page, not one from the cache.
    let mut updated: Value =
        serde_json::from_slice(&std::fs::read(seed_record()).unwrap()).unwrap();
    updated["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] =
        "2026-07-01".into();
    let resp = app
        .post_record("?writer=llm", serde_json::to_vec(&updated).unwrap())
        .await;
    let second: Value = resp.json().await.unwrap();
    assert_eq!(
        second["generator"]["writer"], "llm",
        "{}",
        second["generator"]
    );
    let requests = chat_requests(&model).await;
    assert_eq!(
        requests.len(),
        3,
        "the refused format, then one call a page"
    );
    assert_eq!(format_of(&requests[0])["type"], "json_schema");
    // The 500 was the server refusing the format, not failing: no retry of the same request,
    // the next format at once, and that format from then on.
    for later in &requests[1..] {
        assert_eq!(format_of(later)["type"], "json_object");
        assert_eq!(
            format_of(later)["schema"],
            serde_json::from_str::<Value>(&recorded_schema()).unwrap()
        );
    }
    let text = metrics(&app).await;
    for line in [
        "laysum_llm_http_attempts_total{status=\"500\"} 1",
        "laysum_llm_format_refusals_total{format=\"json-schema\"} 1",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(!text.contains("laysum_llm_fallbacks_total{"), "{text}");
}

fn recorded_schema() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/draft.schema.json"),
    )
    .unwrap()
}

#[tokio::test]
async fn a_pinned_format_is_asked_as_pinned_and_its_refusal_says_so() {
    let model = model_server(LlamaCppPython).await;
    let app = app_with(&model, |c| {
        c.structured_output = laysum::llm::config::StructuredOutput::JsonSchema
    })
    .await;
    let page = llm_page_of(&app, &seed_record()).await;
    assert_eq!(
        chat_requests(&model).await.len(),
        1,
        "a refusal is not retried"
    );
    let reason = page["generator"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("json-schema is not accepted") && reason.contains("STRUCTURED_OUTPUT"),
        "{reason}"
    );

    for (setting, expected) in [
        (
            laysum::llm::config::StructuredOutput::JsonObject,
            serde_json::json!({"type": "json_object"}),
        ),
        (laysum::llm::config::StructuredOutput::Off, Value::Null),
    ] {
        let model = model_server(LlamaCppPython).await;
        let app = app_with(&model, |c| c.structured_output = setting).await;
        assert_eq!(
            llm_page_of(&app, &seed_record()).await["generator"]["writer"],
            "llm"
        );
        assert_eq!(format_of(&chat_requests(&model).await[0]), expected);
    }
}

#[tokio::test]
async fn a_conversation_over_the_context_is_its_own_reason_not_a_refusal() {
    let model = model_server(Script::new(vec![recorded_answer(
        "context_length_exceeded_400.json",
        400,
    )]))
    .await;
    let app = app_with(&model, |_| {}).await;
    let page = llm_page_of(&app, &seed_record()).await;
    assert_eq!(chat_requests(&model).await.len(), 1);
    let reason = page["generator"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("does not fit the model's context") && reason.contains("larger context"),
        "{reason}"
    );
    assert!(metrics(&app)
        .await
        .contains("laysum_llm_fallbacks_total{reason=\"context\"} 1"));
}

#[tokio::test]
async fn a_reply_cut_at_the_limit_is_sent_back_short_and_named_for_what_it_is() {
    // A model that runs on: 40 KB of one sentence, cut by the server at max_tokens.
    let runaway = format!(
        "{{\"headline\": \"{}",
        "The study looks at stem cells. ".repeat(1300)
    );
    let model = model_server(Script::new(vec![recorded_reply(
        "length_200.json",
        &runaway,
    )]))
    .await;
    let app = app_with(&model, |_| {}).await;
    let page = llm_page_of(&app, &seed_record()).await;

    let requests = chat_requests(&model).await;
    assert_eq!(requests.len(), 2, "sent back once");
    let limit = requests[0]["max_tokens"].as_u64().unwrap();
    let messages = requests[1]["messages"].as_array().unwrap();
    let echoed = messages[2]["content"].as_str().unwrap();
    assert!(
        echoed.chars().count() <= 1_201,
        "the start of the reply, not all of it: {} chars",
        echoed.chars().count()
    );
    let feedback = messages[3]["content"].as_str().unwrap();
    assert!(
        feedback.contains(&format!("cut at the limit of {limit} tokens")),
        "{feedback}"
    );
    assert!(
        serde_json::to_vec(&requests[1]).unwrap().len()
            < serde_json::to_vec(&requests[0]).unwrap().len() + 3_000,
        "the retry is barely larger than the first request"
    );
    let reason = page["generator"]["reason"].as_str().unwrap();
    assert_eq!(
        reason,
        format!("the model's reply was cut at the limit of {limit} tokens twice")
    );
    assert!(metrics(&app)
        .await
        .contains("laysum_llm_fallbacks_total{reason=\"length\"} 1"));
}

#[tokio::test]
async fn every_request_bounds_its_reply_by_the_section_limits() {
    let model = model_server(Script::new(vec![reply(&good_seed_draft())])).await;
    let app = app_with(&model, |_| {}).await;
    llm_page_of(&app, &seed_record()).await;
    let results = fixtures().join("trials/NCT02552212.json");
    llm_page_of(&app, &results).await;
    let requests = chat_requests(&model).await;
    let without = requests[0]["max_tokens"].as_u64().unwrap();
    let with = requests[1]["max_tokens"].as_u64().unwrap();
    assert_eq!(without, u64::from(laysum::llm::prompt::reply_tokens(false)));
    assert!(
        (500..2_000).contains(&without) && with > without,
        "{without} {with}"
    );

    // A setting wins.
    let model = model_server(Script::new(vec![reply(&good_seed_draft())])).await;
    let app = app_with(&model, |c| c.max_tokens = Some(333)).await;
    llm_page_of(&app, &seed_record()).await;
    assert_eq!(chat_requests(&model).await[0]["max_tokens"], 333);
}

#[tokio::test]
async fn every_attempt_is_counted_by_status_with_its_tokens_and_time() {
    let model = model_server(Script::new(vec![
        ResponseTemplate::new(503).set_body_string("loading model"),
        reply(&good_seed_draft()),
    ]))
    .await;
    let app = app_with(&model, |_| {}).await;
    llm_page_of(&app, &seed_record()).await;
    let text = metrics(&app).await;
    for line in [
        "laysum_llm_calls_total 1",
        "laysum_llm_http_attempts_total{status=\"503\"} 1",
        "laysum_llm_http_attempts_total{status=\"200\"} 1",
        "laysum_llm_tokens_total{kind=\"prompt\"} 1000",
        "laysum_llm_tokens_total{kind=\"completion\"} 200",
        "laysum_llm_attempt_duration_seconds_count 2",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
}

#[tokio::test]
async fn the_connection_is_closed_when_laysum_gives_up() {
    // A server that reads the request and never answers, and tells when the client hangs up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
        let _ = closed_tx.send(std::time::Instant::now());
    });
    let mut llm = laysum::llm::LlmConfig::for_server(url, "test-model");
    llm.timeout_ms = 400;
    llm.connect_timeout_ms = 200;
    let app = spawn_app_with("http://127.0.0.1:9", |c| c.llm = llm).await;
    let page = llm_page_of(&app, &seed_record()).await;
    let answered = std::time::Instant::now();
    assert_eq!(page["generator"]["writer"], "rules");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(2), closed_rx)
        .await
        .expect("the connection was closed")
        .unwrap();
    assert!(
        closed <= answered + std::time::Duration::from_millis(500),
        "closed with the page, not later"
    );
}

#[test]
fn serve_refuses_a_request_timeout_that_cuts_off_the_model() {
    let mut config = laysum::server::Config::for_upstream("http://127.0.0.1:9");
    config.llm.model = Some("m".into());
    config.llm.timeout_ms = 60_000;
    config.request_timeout_ms = 30_000;
    let err = laysum::server::AppState::new(config.clone())
        .err()
        .expect("refused at start")
        .to_string();
    assert!(
        err.contains("LAYSUM_REQUEST_TIMEOUT_MS") && err.contains("LAYSUM_LLM_TIMEOUT_MS"),
        "{err}"
    );
    config.request_timeout_ms = 90_000;
    assert!(laysum::server::AppState::new(config.clone()).is_ok());
    // The defaults work together.
    let mut defaults = laysum::server::Config::for_upstream("http://127.0.0.1:9");
    defaults.llm.model = Some("m".into());
    assert!(laysum::server::AppState::new(defaults).is_ok());
    config.llm.max_tokens = Some(0);
    assert!(laysum::server::AppState::new(config).is_err());
}

#[tokio::test]
async fn drafts_a_real_model_wrote_are_published_only_when_they_can_stand() {
    for case in live_drafts() {
        let record = fixtures().join(&case.record);
        let model = model_server(Script::new(vec![recorded_reply(
            "json_object_schema_200.json",
            &case.reply,
        )]))
        .await;
        let app = app_with(&model, |c| {
            c.structured_output = laysum::llm::config::StructuredOutput::JsonObjectSchema
        })
        .await;
        let page = llm_page_of(&app, &record).await;
        assert_eq!(
            page["generator"]["writer"], case.writer,
            "{}: {}",
            case.from, page["generator"]
        );
        // Whichever writer, what is published holds no error.
        let errors: Vec<&Value> = page["quality"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", case.from);
        if case.writer == "llm" {
            // What the model may not say: the substance, and whether there are results.
            let rules = serde_json::to_value(summarize(&record)).unwrap();
            assert_eq!(
                page["sections"]["active_substance"], rules["sections"]["active_substance"],
                "{}",
                case.from
            );
            assert_eq!(
                page["sections"]["what_the_trial_found"].is_null(),
                rules["sections"]["what_the_trial_found"].is_null(),
                "{}",
                case.from
            );
        }
    }
}
