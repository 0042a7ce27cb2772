//! The editors' draft page: its HTTP side, and an editor's session in headless Chromium.

use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let app = spawn_app("http://127.0.0.1:9").await;
    let resp = app.get("/").await;
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
    let html = resp.text().await.unwrap();
    assert!(html.contains("<script src=\"/editor/editor.js\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no outside resource"
    );
    assert!(
        html.contains("not set up on this server"),
        "no model: the llm choice says so"
    );
    for (path, kind) in [
        ("/editor/editor.js", "text/javascript"),
        ("/editor/editor.css", "text/css"),
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(kind));
        let text = resp.text().await.unwrap();
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_draft_comes_in_all_three_formats_from_an_nct_id_or_a_pasted_record() {
    let registry = registry().await;
    let app = spawn_app(&registry.uri()).await;
    let post = |body: Value| app.http.post(app.url("/v1/drafts")).json(&body).send();

    let by_id: Value = post(serde_json::json!({"nct_id": "nct07635758"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["page"]["nct_id"], "NCT07635758");
    assert!(by_id["markdown"].as_str().unwrap().starts_with("# "));
    assert!(by_id["html"]
        .as_str()
        .unwrap()
        .contains("data-section=\"summary\""));

    let record = std::fs::read_to_string(seed_record()).unwrap();
    let pasted: Value = post(serde_json::json!({ "record": record }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pasted["page"]["sections"], by_id["page"]["sections"]);

    for (body, status, code) in [
        (
            serde_json::json!({"record": "{\"protocolSection\": "}),
            400,
            "not_json",
        ),
        (serde_json::json!({"nct_id": "12345"}), 400, "bad_nct_id"),
        (
            serde_json::json!({"nct_id": "NCT00000000"}),
            404,
            "study_not_found",
        ),
        (serde_json::json!({}), 400, "bad_body"),
    ] {
        let resp = post(body.clone()).await.unwrap();
        assert_eq!(resp.status(), status, "{body}");
        let error: Value = resp.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{body}");
    }
}

/// chromedriver, when installed. In CI it must be (`.ci/run` installs Debian's chromium and
/// chromium-driver); on a developer's machine without it the browser test says so and skips.
fn chromedriver() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("CHROMEDRIVER")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join("chromedriver"))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is not installed; .ci/run installs chromium and chromium-driver"
        );
        say_skipped(
            "skipping the browser test: no chromedriver (apt-get install chromium chromium-driver)",
        );
    }
    found
}

/// A chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: std::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver(path: &std::path::Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // Owned by a Driver at once, so it is stopped even when the wait below fails.
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
            return driver;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(driver: &Driver) -> fantoccini::Client {
    // One profile per browser: two Chromiums on one profile, as two tests at once would be,
    // make the second close.
    static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let profile = std::env::temp_dir().join(format!("laysum-chromium-{}-{n}", std::process::id()));
    let mut caps = serde_json::Map::new();
    let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let mut options = serde_json::json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1360,1500",
            format!("--user-data-dir={}", profile.display()),
        ]
    });
    if let Some(binary) = binary {
        options["binary"] = binary.into();
    }
    caps.insert("goog:chromeOptions".into(), options);
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

fn artefact(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Clicks a button, then waits for what the click should bring.
async fn click_and_wait(
    client: &fantoccini::Client,
    button: &str,
    appears: &str,
) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    use fantoccini::Locator::Css;
    client.find(Css(button)).await?.click().await?;
    client
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(Css(appears))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_drafts_a_page_in_a_real_browser() {
    use fantoccini::Locator::Css;
    let Some(path) = chromedriver() else { return };
    let registry = registry().await;
    let app = spawn_app(&registry.uri()).await;
    let driver = start_driver(&path).await;
    let client = browser(&driver).await;

    // An NCT id the registry stand-in serves, with long sentences to flag.
    client.goto(&app.url("/")).await.unwrap();
    client
        .find(Css("#nct-id"))
        .await
        .unwrap()
        .send_keys("NCT05602779")
        .await
        .unwrap();
    click_and_wait(&client, "#draft", "#preview [data-section=summary]")
        .await
        .expect("the draft appears");

    let text = |sel: &'static str| {
        let client = client.clone();
        async move { client.find(Css(sel)).await.unwrap().text().await.unwrap() }
    };
    let expected = summarize(&fixtures().join("trials/NCT05602779.json"));
    assert_eq!(
        text("#preview [data-section=headline]").await,
        expected.headline
    );
    for section in ["summary", "what_this_could_lead_to", "what_could_go_wrong"] {
        let shown = client
            .find(Css(&format!("#preview [data-section={section}]")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!shown.is_empty(), "{section} is shown");
    }
    let disclaimers = client
        .find_all(Css("#preview [data-disclaimer]"))
        .await
        .unwrap();
    assert_eq!(disclaimers.len(), 2, "both disclaimers");
    assert!(disclaimers[0]
        .text()
        .await
        .unwrap()
        .contains(&expected.disclaimers[0].text));

    let mark = client
        .find(Css("#preview mark.w-long_sentence"))
        .await
        .expect("a long sentence is highlighted where it stands");
    assert!(mark
        .attr("title")
        .await
        .unwrap()
        .unwrap()
        .contains("long sentence"));
    let warnings = client.find_all(Css("#warnings li")).await.unwrap();
    assert_eq!(warnings.len(), expected.quality.warnings.len());
    let facts = text("#facts").await;
    assert!(facts.contains("protocolSection.designModule.enrollmentInfo.count"));
    // Each intervention with the role the page gave it, beside the facts.
    let roles = text("#interventions").await;
    assert!(!expected.interventions.is_empty());
    for i in &expected.interventions {
        assert!(roles.contains(&i.name), "{} missing from {roles}", i.name);
    }
    assert!(roles.contains("tested"), "{roles}");
    assert!(text("#grades").await.contains("Summary"));

    click_and_wait(&client, "#copy-markdown", "#status")
        .await
        .unwrap();
    std::fs::write(
        artefact("editor-NCT05602779.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    // A trial with posted results: what it found, with the registry fields of its numbers.
    let input = client.find(Css("#nct-id")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("NCT02552212").await.unwrap();
    click_and_wait(
        &client,
        "#draft",
        "#preview [data-section=what_the_trial_found]",
    )
    .await
    .expect("the results section appears");
    let expected = summarize(&fixtures().join("trials/NCT02552212.json"));
    assert_eq!(
        text("#preview [data-section=what_the_trial_found]").await,
        expected.sections.what_the_trial_found.unwrap()
    );
    let facts = text("#facts").await;
    assert!(
        facts.contains("resultsSection.adverseEventsModule.eventGroups[1].seriousNumAffected"),
        "{facts}"
    );
    assert!(text("#grades").await.contains("What the trial found"));
    std::fs::write(
        artefact("editor-NCT02552212-results.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    // An unknown study: a readable message, not a stack trace.
    input.clear().await.unwrap();
    input.send_keys("NCT00000000").await.unwrap();
    click_and_wait(&client, "#draft", "#error:not([hidden])")
        .await
        .expect("the error is shown");
    assert_eq!(text("#error-title").await, "The registry has no such study");
    assert!(text("#error-message").await.contains("NCT00000000"));

    // A pasted record whose title and condition hold markup, raw and entity-encoded as registry
    // text often is: raw tags are dropped when the record is read, encoded ones come back as
    // text; both are shown as text and neither runs.
    let mut record: Value = serde_json::from_slice(&std::fs::read(seed_record()).unwrap()).unwrap();
    let attack = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> &lt;script&gt;window.__pwned = 3&lt;/script&gt;&lt;img src=x onerror=\"window.__pwned = 4\"&gt;";
    record["protocolSection"]["identificationModule"]["briefTitle"] =
        format!("Stem cells {attack}").into();
    record["protocolSection"]["conditionsModule"]["conditions"] =
        serde_json::json!([format!("Stroke {attack}")]);
    input.clear().await.unwrap();
    client
        .execute(
            "document.getElementById('paste').open = true; document.getElementById('record').value = arguments[0];",
            vec![Value::String(record.to_string())],
        )
        .await
        .unwrap();
    click_and_wait(&client, "#draft", "#status").await.unwrap();
    for _ in 0..50 {
        if text("#status").await.contains("Drafted") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let page_text = text("#preview").await;
    assert!(
        page_text.contains(
            "<script>window.__pwned = 3</script><img src=x onerror=\"window.__pwned = 4\">"
        ),
        "the markup is shown as text: {page_text}"
    );
    let pwned = client
        .execute("return window.__pwned === undefined", vec![])
        .await
        .unwrap();
    assert_eq!(pwned, Value::Bool(true), "no script from the record ran");
    let injected = client
        .find_all(Css("#preview script, #preview img"))
        .await
        .unwrap();
    assert!(injected.is_empty(), "no element made from registry text");
    std::fs::write(
        artefact("editor-markup-record.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
    client.close().await.unwrap();
}

/// A reviewer's session: the registry changed a published trial; the Review view shows what
/// changed, word by word and field by field; approving publishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_sees_the_changes_and_approves_in_a_real_browser() {
    use crate::standin::StandIn;
    use crate::store::{complete_seed, in_review, post, records, SEED};
    use fantoccini::Locator::Css;
    let Some(path) = chromedriver() else { return };
    let registry = StandIn::start(records()).await;
    let app = spawn_app_on(
        &registry.url,
        Some(sqlite_db("browser").open().await),
        |_| {},
    )
    .await;
    let admin = app.token("ada", laysum::store::Role::Admin).await;
    let reviewer = app.token("rey", laysum::store::Role::Reviewer).await;
    app.store().add_watch(SEED, "test").await.unwrap();
    post(&app, "/v1/sync", &admin, serde_json::json!({})).await;
    let first = in_review(&app, &admin).await.remove(0).1;
    post(
        &app,
        &format!("/v1/reviews/{first}/approve"),
        &admin,
        serde_json::json!({}),
    )
    .await;
    registry.registry.change(SEED, "2026-07-15", complete_seed);
    post(&app, "/v1/sync", &admin, serde_json::json!({})).await;

    let driver = start_driver(&path).await;
    let client = browser(&driver).await;
    client.goto(&app.url("/")).await.unwrap();
    client
        .find(Css("#tab-review"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = |sel: &'static str| {
        let client = client.clone();
        async move {
            client
                .find(Css(sel))
                .await
                .unwrap()
                .is_displayed()
                .await
                .unwrap()
        }
    };
    assert!(!shown("#draft-view").await, "one view at a time");
    assert!(shown("#review-view").await);
    client
        .find(Css("#token"))
        .await
        .unwrap()
        .send_keys(&reviewer)
        .await
        .unwrap();
    click_and_wait(&client, "#use-token", "#reviews button")
        .await
        .expect("the queue appears");
    let item = client.find(Css("#reviews button")).await.unwrap();
    assert!(item.text().await.unwrap().contains(SEED));
    item.click().await.unwrap();
    client
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(Css("#review-detail:not([hidden]) #side-proposed ins"))
        .await
        .expect("the review appears with its changes marked");

    let all_text = |sel: &'static str| {
        let client = client.clone();
        async move {
            let mut out = Vec::new();
            for e in client.find_all(Css(sel)).await.unwrap() {
                out.push(e.text().await.unwrap());
            }
            out.join("|")
        }
    };
    let inserted = all_text("#side-proposed [data-section=summary] ins").await;
    let deleted = all_text("#side-published del").await;
    assert!(inserted.contains("31"), "inserted: {inserted}");
    assert!(deleted.contains("24"), "deleted: {deleted}");
    assert!(
        all_text("#side-proposed [data-section=summary]")
            .await
            .contains("placenta"),
        "unchanged words are shown unmarked"
    );
    let fields = all_text("#changed-fields td").await;
    assert!(
        fields.contains("protocolSection.statusModule.overallStatus"),
        "{fields}"
    );
    assert!(fields.contains("\"RECRUITING\"|\"COMPLETED\""), "{fields}");
    assert!(
        fields.contains("protocolSection.designModule.enrollmentInfo.count|24|31"),
        "{fields}"
    );
    assert!(!all_text("#review-warnings li").await.is_empty());
    std::fs::write(
        artefact("review-changes.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    click_and_wait(
        &client,
        "#approve",
        "#published-block:not([hidden]) #published-preview [data-history]",
    )
    .await
    .expect("the published page appears");
    let history = all_text("#published-preview [data-history]").await;
    assert!(
        history.contains("Last updated Jul 15, 2026 · Updated 1 time"),
        "{history}"
    );
    let summary = all_text("#published-preview [data-section=summary]").await;
    assert!(summary.contains("31"), "{summary}");
    assert!(all_text("#review-status").await.contains("Published"));
    std::fs::write(
        artefact("review-approved.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
    client.close().await.unwrap();

    let page: serde_json::Value = app
        .get(&format!("/v1/studies/{SEED}/page"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["history"]["updated_times"], 1);
    assert_eq!(page["history"]["approved_by"], "rey");
    assert!(in_review(&app, &admin).await.is_empty());
}
