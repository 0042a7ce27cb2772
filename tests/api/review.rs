//! Who may do what, and the rules of review: 401 without a token, 403 with the wrong role;
//! two approvals at once, one wins; no approving one's own edit; an edit that breaks a hard
//! rule cannot be submitted.

use crate::helpers::*;
use crate::standin::StandIn;
use crate::store::{get_with, in_review, post, records, send, OTHER, SEED};
use laysum::store::Role;
use reqwest::Method;
use serde_json::json;

/// An app with both studies synced and in review, and a token of each role.
struct Setup {
    app: TestApp,
    _registry: StandIn,
    admin: String,
    editor: String,
    reviewer: String,
}

async fn setup(db: TestDb) -> Setup {
    let registry = StandIn::start(records()).await;
    let app = spawn_app_on(&registry.url, Some(db.open().await), |_| {}).await;
    let admin = app.token("ada", Role::Admin).await;
    let editor = app.token("eve", Role::Editor).await;
    let reviewer = app.token("rey", Role::Reviewer).await;
    for id in [SEED, OTHER] {
        app.store().add_watch(id, "test").await.unwrap();
    }
    let (status, report) = post(&app, "/v1/sync", &admin, json!({})).await;
    assert_eq!(status, 200, "{report}");
    Setup {
        app,
        _registry: registry,
        admin,
        editor,
        reviewer,
    }
}

#[tokio::test]
async fn every_write_needs_a_token_and_the_right_role() {
    let s = setup(sqlite_db("roles")).await;
    let review = in_review(&s.app, &s.reviewer).await[0].1.clone();
    let routes: Vec<(Method, String, Role)> = vec![
        (Method::GET, "/v1/watches".into(), Role::Admin),
        (Method::PUT, "/v1/watches/NCT00000001".into(), Role::Admin),
        (
            Method::DELETE,
            "/v1/watches/NCT00000001".into(),
            Role::Admin,
        ),
        (Method::POST, "/v1/sync".into(), Role::Admin),
        (Method::GET, "/v1/audit".into(), Role::Admin),
        (
            Method::POST,
            format!("/v1/reviews/{review}/reject"),
            Role::Reviewer,
        ),
        (Method::PUT, format!("/v1/drafts/{SEED}"), Role::Editor),
    ];
    let token_of = |role: Role| match role {
        Role::Admin => &s.admin,
        Role::Editor => &s.editor,
        Role::Reviewer => &s.reviewer,
    };
    for (method, path, needed) in &routes {
        let body = Some(json!({"note": "no", "sections": {}}));
        let (status, error) = send(&s.app, method.clone(), path, None, body.clone()).await;
        assert_eq!(status, 401, "{method} {path} without a token");
        assert_eq!(error["error"]["code"], "unauthenticated");
        let (status, _) = send(
            &s.app,
            method.clone(),
            path,
            Some("lsm_not-a-token"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 401, "{method} {path} with a made-up token");
        for role in [Role::Editor, Role::Reviewer] {
            if role.allows(*needed) {
                continue;
            }
            let (status, error) = send(
                &s.app,
                method.clone(),
                path,
                Some(token_of(role)),
                body.clone(),
            )
            .await;
            assert_eq!(status, 403, "{method} {path} as {role:?}: {error}");
            assert_eq!(error["error"]["code"], "forbidden");
        }
        let (status, body) =
            send(&s.app, method.clone(), path, Some(token_of(*needed)), body).await;
        assert!(
            status != 401 && status != 403,
            "{method} {path} as {needed:?}: {status} {body}"
        );
    }
    // Reading the queue needs a token of any role; the website's page needs none.
    let (status, _) = send(&s.app, Method::GET, "/v1/reviews", None, None).await;
    assert_eq!(status, 401);
    let (status, _) = get_with(&s.app, "/v1/reviews", &s.editor).await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &s.app,
        Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 404, "not published, but no token asked for");

    // A revoked token stops working at once; the audit trail, for admins, names who did what.
    s.app.store().revoke_token("rey", "test").await.unwrap();
    let (status, _) = get_with(&s.app, "/v1/reviews", &s.reviewer).await;
    assert_eq!(status, 401);
    let (_, audit) = get_with(&s.app, "/v1/audit", &s.admin).await;
    let events = audit["events"].as_array().unwrap();
    let names: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&("test", "token.revoke")), "{names:?}");
    assert!(names.contains(&("ada", "sync")), "{names:?}");
    assert!(names.contains(&("rey", "review.reject")), "{names:?}");
}

async fn two_reviewers_approving_at_once(db: TestDb) {
    let s = setup(db).await;
    let other = s.app.token("rob", Role::Reviewer).await;
    let id = in_review(&s.app, &s.reviewer).await[0].1.clone();
    let path = format!("/v1/reviews/{id}/approve");
    let (a, b) = tokio::join!(
        post(&s.app, &path, &s.reviewer, json!({})),
        post(&s.app, &path, &other, json!({}))
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let loser = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(loser["error"]["code"], "conflict");
    assert!(
        loser["error"]["message"]
            .as_str()
            .unwrap()
            .contains("approved it already"),
        "{loser}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_approvals_at_once_one_wins_and_the_other_gets_409_on_sqlite() {
    two_reviewers_approving_at_once(sqlite_db("approvals")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_approvals_at_once_one_wins_and_the_other_gets_409_on_postgres() {
    if let Some(db) = postgres_db("approvals").await {
        two_reviewers_approving_at_once(db).await;
    }
}

#[tokio::test]
async fn an_edit_is_checked_and_its_author_cannot_approve_it() {
    let s = setup(sqlite_db("edits")).await;
    let draft = format!("/v1/drafts/{SEED}");
    let put = |token: String, body: serde_json::Value| {
        let (app, draft) = (&s.app, draft.clone());
        async move { send(app, Method::PUT, &draft, Some(&token), Some(body)).await }
    };

    // A forbidden claim: refused, with the rule it breaks; nothing new goes into review.
    let before = in_review(&s.app, &s.reviewer).await;
    let cure = "This trial tests a cure for stroke: stem cells from the placenta, given through an IV. About 24 people will take part.";
    let (status, error) = put(s.editor.clone(), json!({"sections": {"summary": cure}})).await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["code"], "guard_failed");
    let warnings = error["error"]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["code"] == "forbidden_claim" && w["section"] == "summary"),
        "{warnings:?}"
    );
    assert_eq!(in_review(&s.app, &s.reviewer).await, before);
    // Kept as a draft, it is saved with its report, and not sent for review.
    let (status, saved) = put(
        s.editor.clone(),
        json!({"sections": {"summary": cure}, "submit": false}),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["state"], "draft");
    assert!(saved["page"]["quality"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "forbidden_claim"));
    assert_eq!(
        in_review(&s.app, &s.reviewer).await.len(),
        before.len() - 1,
        "the draft replaced the sync's page"
    );

    // A good edit, by the admin: in review, with the edited words; the admin cannot approve it.
    let good = "This early trial tests stem cells from the placenta in people who just had a stroke. About 24 people will get the cells or a placebo through an IV.";
    let (status, edited) = put(s.admin.clone(), json!({"sections": {"summary": good}})).await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (edited["state"].as_str(), edited["reason"].as_str()),
        (Some("in_review"), Some("edited"))
    );
    assert_eq!(edited["page"]["sections"]["summary"], good);
    assert_eq!(edited["page"]["generator"]["writer"], "editor");
    let id = edited["id"].as_str().unwrap();
    let (status, error) = post(
        &s.app,
        &format!("/v1/reviews/{id}/approve"),
        &s.admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 403, "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ada edited this page"));
    let (status, _) = post(
        &s.app,
        &format!("/v1/reviews/{id}/approve"),
        &s.reviewer,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, page) = send(
        &s.app,
        Method::GET,
        &format!("/v1/studies/{SEED}/page"),
        None,
        None,
    )
    .await;
    assert_eq!(page["sections"]["summary"], good);
    assert_eq!(page["history"]["approved_by"], "rey");

    // Rejecting needs a note; a decided page cannot be decided again.
    let other = in_review(&s.app, &s.reviewer).await[0].1.clone();
    let (status, error) = post(
        &s.app,
        &format!("/v1/reviews/{other}/reject"),
        &s.reviewer,
        json!({}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), error["error"]["code"].as_str()),
        (400, Some("bad_body"))
    );
    let (status, rejected) = post(
        &s.app,
        &format!("/v1/reviews/{other}/reject"),
        &s.reviewer,
        json!({"note": "the headline misreads the design"}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), rejected["state"].as_str()),
        (200, Some("rejected"))
    );
    let (status, _) = post(
        &s.app,
        &format!("/v1/reviews/{other}/approve"),
        &s.reviewer,
        json!({}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = post(&s.app, "/v1/reviews/999999/approve", &s.reviewer, json!({})).await;
    assert_eq!(status, 404);
}
