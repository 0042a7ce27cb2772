//! The store's command line: `token`, `watch`, `sync`, `review`, `rerender`, each with
//! `--help`; and `laysum serve` keeping its pages in `laysum.db` where it runs, syncing in the
//! background.

use crate::bulk::laysum;
use crate::helpers::*;
use crate::standin::StandIn;
use crate::store::{records, OTHER, SEED};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `laysum ARGS` on a database, off the async runtime.
async fn run(db: &TestDb, registry: &StandIn, args: &[&str]) -> Output {
    let mut cmd = laysum();
    cmd.args(args)
        .env("LAYSUM_DATABASE_URL", &db.url)
        .env("LAYSUM_CTGOV_URL", &registry.url)
        .env("LAYSUM_ACTOR", "cli-tester")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_is_run_from_the_command_line() {
    let registry = StandIn::start(records()).await;
    let db = sqlite_db("cli");

    // A token is printed once, alone on the last line, and only its hash is kept.
    let out = stdout(
        &run(
            &db,
            &registry,
            &["token", "add", "rey", "--role", "reviewer"],
        )
        .await,
    );
    let token = out.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("lsm_") && token.len() > 40, "{out}");
    // Held open for the whole test, as a running server would hold it beside the commands.
    let store = db.open().await;
    let who = store.authenticate(&token).await.unwrap();
    assert_eq!(who, Some(("rey".into(), laysum::store::Role::Reviewer)));
    let list = stdout(&run(&db, &registry, &["token", "list"]).await);
    assert!(
        list.contains("rey\treviewer") && !list.contains(&token),
        "{list}"
    );

    let out = stdout(
        &run(
            &db,
            &registry,
            &["watch", "add", SEED, &OTHER.to_lowercase()],
        )
        .await,
    );
    assert_eq!(
        out,
        format!("watching study {SEED}\nwatching study {OTHER}\n")
    );
    // Who acts may be named after the subcommand, as people write it.
    let out = stdout(
        &run(
            &db,
            &registry,
            &["watch", "add", "query.cond=stroke", "--as", "ada"],
        )
        .await,
    );
    assert_eq!(out, "watching query query.cond=stroke\n");
    let bad = run(&db, &registry, &["watch", "add", "stroke"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("neither an NCT id"));
    let list = stdout(&run(&db, &registry, &["watch", "list"]).await);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(
        list.lines()
            .any(|l| l.contains("query.cond=stroke") && l.ends_with("by ada")),
        "{list}"
    );

    // The query finds the seed trial (a stroke trial) again: still two studies; one listing
    // for the ids, one for the query, then the two records.
    let out = stdout(&run(&db, &registry, &["sync"]).await);
    assert!(out.starts_with("checked 2 studies, 2 changed, fetched 2, 2 in review, 0 unchanged, 0 failed; 4 registry calls"), "{out}");
    let out = run(&db, &registry, &["review", "list"]).await;
    let list = stdout(&out);
    assert_eq!(list.lines().count(), 2, "{list}");
    let seed_id = list
        .lines()
        .find(|l| l.contains(SEED))
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    let show = stdout(&run(&db, &registry, &["review", "show", &seed_id]).await);
    assert!(
        show.contains(&format!(
            "page version {seed_id} of {SEED}: in_review, new_study"
        )),
        "{show}"
    );
    assert!(show.contains("{+This early-stage trial"), "{show}");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &run(&db, &registry, &["review", "show", &seed_id, "--json"]).await,
    ))
    .unwrap();
    assert_eq!(json["proposed"]["nct_id"], SEED);

    let out = stdout(&run(&db, &registry, &["review", "approve", &seed_id]).await);
    assert_eq!(
        out.trim(),
        format!("published {SEED} (page version {seed_id})")
    );
    let again = run(&db, &registry, &["review", "approve", &seed_id]).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("cli-tester approved it already"));

    // Rerender: the published page made with older wording (its text changed here by hand,
    // as a template change would have) goes back into review.
    let published = store.published(SEED).await.unwrap().unwrap().version;
    let mut page = published.page.clone();
    page["sections"]["summary"] = "An older wording of this summary.".into();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    sqlx::query("UPDATE page_versions SET page = $1, text_hash = $2 WHERE id = $3")
        .bind(page.to_string())
        .bind(laysum::store::pages::text_hash(&page))
        .bind(published.id)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    let out = stdout(&run(&db, &registry, &["rerender"]).await);
    assert!(
        out.starts_with("rerendered 1 published pages with wording"),
        "{out}"
    );
    assert!(out.contains(": 1 in review"), "{out}");
    let list = stdout(&run(&db, &registry, &["review", "list"]).await);
    assert!(
        list.lines()
            .any(|l| l.contains(SEED) && l.contains("wording_changed")),
        "{list}"
    );
    let out = stdout(&run(&db, &registry, &["rerender"]).await);
    assert!(
        out.contains(": 1 in review"),
        "asked again, the same page is still the one in review: {out}"
    );
    assert_eq!(
        stdout(&run(&db, &registry, &["review", "list"]).await)
            .lines()
            .count(),
        2
    );

    let other_id = list
        .lines()
        .find(|l| l.contains(OTHER))
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    let out = stdout(
        &run(
            &db,
            &registry,
            &["review", "reject", &other_id, "--note", "reads badly"],
        )
        .await,
    );
    assert!(out.starts_with("rejected page version"), "{out}");
    stdout(&run(&db, &registry, &["watch", "remove", OTHER]).await);
    stdout(&run(&db, &registry, &["token", "revoke", "rey"]).await);
    assert_eq!(store.authenticate(&token).await.unwrap(), None);
    let actions: Vec<String> = store
        .audit_events(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor == "cli-tester")
        .map(|e| e.action)
        .collect();
    for action in [
        "token.add",
        "watch.add",
        "sync",
        "review.approve",
        "rerender",
        "review.reject",
        "watch.remove",
        "token.revoke",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not in {actions:?}"
        );
    }
    // Read as files only once closed: SQLite's locks belong to the process, and closing
    // another handle on the file in the same process would drop them.
    store.close().await;
    // The database and its write-ahead log: the token is in neither.
    let folder = std::path::Path::new(db.url.trim_start_matches("sqlite://"))
        .parent()
        .unwrap();
    let mut raw = Vec::new();
    for file in std::fs::read_dir(folder).unwrap() {
        raw.extend(std::fs::read(file.unwrap().path()).unwrap());
    }
    assert!(raw.len() > 10_000, "the database was read");
    assert!(
        !raw.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token itself is not stored"
    );
    let hash = laysum::store::sha256_hex(token.as_bytes());
    assert!(
        raw.windows(hash.len()).any(|w| w == hash.as_bytes()),
        "its hash is"
    );
}

#[test]
fn every_store_command_has_help() {
    for args in [
        &["watch", "--help"][..],
        &["watch", "add", "--help"],
        &["sync", "--help"],
        &["review", "--help"],
        &["review", "approve", "--help"],
        &["rerender", "--help"],
        &["token", "--help"],
        &["token", "add", "--help"],
    ] {
        let out = laysum().args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Usage: laysum"),
            "{args:?}: {text}"
        );
    }
    let help =
        String::from_utf8_lossy(&laysum().arg("--help").output().unwrap().stdout).into_owned();
    for command in ["watch", "sync", "review", "rerender", "token"] {
        assert!(
            help.contains(&format!("  {command} ")),
            "{command} in\n{help}"
        );
    }
    let sync = String::from_utf8_lossy(&laysum().args(["sync", "--help"]).output().unwrap().stdout)
        .into_owned();
    assert!(
        sync.contains("LAYSUM_DATABASE_URL") && sync.contains("LAYSUM_SYNC_CONCURRENCY"),
        "{sync}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_keeps_pages_in_laysum_db_where_it_runs_and_syncs_in_the_background() {
    let registry = StandIn::start(records()).await;
    let dir = std::env::temp_dir().join(format!("laysum-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = laysum()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .current_dir(&dir)
        .env_remove("LAYSUM_DATABASE_URL")
        .env("LAYSUM_CTGOV_URL", &registry.url)
        .env("LAYSUM_SYNC_INTERVAL", "1s")
        .env("LAYSUM_SYNC_BACKOFF_MS", "10")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _guard = Kill(child);
    // The default database appears where the server runs; a watch added to it is synced by
    // the server's own rounds.
    let db = dir.join("laysum.db");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(db.exists(), "no laysum.db in {}", dir.display());
    let store = laysum::store::Store::open(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    store.add_watch(SEED, "test").await.unwrap();
    loop {
        if !store.reviews().await.unwrap().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the background sync never ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = http
        .get(format!("http://127.0.0.1:{port}/v1/studies/{SEED}/page"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404, "in review, not published");
    store.close().await;
}

#[test]
fn a_command_whose_reader_has_gone_stops_quietly() {
    // `laysum watch list | head -0`: the reader is gone before the command writes a line.
    let db = sqlite_db("closed_pipe");
    let add = laysum()
        .args(["watch", "add", SEED])
        .env("LAYSUM_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(add.status.success());
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = laysum()
        .args(["watch", "list"])
        .env("LAYSUM_DATABASE_URL", &db.url)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
}
