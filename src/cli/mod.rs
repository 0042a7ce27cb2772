//! The binary's commands over the store of published pages: `watch`, `sync`, `review`,
//! `rerender` and `token`. Each opens the store named by `LAYSUM_DATABASE_URL` (or
//! `--database-url`; unset: `laysum.db` here), does one thing and says what it did.
//!
//! These act on the database directly, as its operator: no token is asked for, and the audit
//! trail names them by `--as` (default: the login name).

use anyhow::Context as _;
use clap::{Args, Subcommand};
use laysum::review::{changed_fields, diff_pages};
use laysum::server::config::StoreConfig;
use laysum::store::{rfc3339, Role, Store};
use laysum::sync::SyncConfig;
use laysum::Pipeline;
use std::process::ExitCode;

/// `println!` for the commands' output. When the reader has gone (`laysum review show 3 | head`)
/// the command stops quietly, its work done, instead of panicking on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(anyhow::Error::from(e).context("writing to standard output"));
        }
    }};
}

/// Who is acting, for the audit trail.
#[derive(Debug, Clone, Args)]
pub struct Actor {
    /// The name the audit trail gives this action (default: your login name).
    // Global: `laysum watch add NCT… --as ada` reads as well as `laysum watch --as ada add …`;
    // its own id, so that it is not taken for the NAME of `token add NAME`.
    #[arg(
        id = "actor",
        long = "as",
        env = "LAYSUM_ACTOR",
        value_name = "NAME",
        global = true
    )]
    pub name: Option<String>,
}

impl Actor {
    fn name(&self) -> String {
        self.name
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "cli".into())
    }
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Watch studies by NCT id, or every study a registry query finds
    /// ('query.cond=stroke&filter.overallStatus=RECRUITING').
    Add {
        #[arg(required = true)]
        targets: Vec<String>,
    },
    /// Stop watching an NCT id, a query, or a watch id (published pages stay published).
    Remove { target: String },
    /// List what is watched.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Pages waiting for a reviewer.
    List,
    /// A page in review: the changed registry fields, each section's changed words marked
    /// [-deleted-] and {+inserted+}, and the quality report.
    Show {
        id: String,
        /// Print the review as JSON (as GET /v1/reviews/{id} gives it).
        #[arg(long)]
        json: bool,
    },
    /// Publish a page in review.
    Approve {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a page in review, saying why.
    Reject {
        id: String,
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for a person or service; it is printed once, on the last line, and only
    /// its hash is kept.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List the tokens (names, roles, when made or revoked; never the tokens).
    List,
    /// Revoke a token by name: it stops working at once.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// What the sync follows: studies by NCT id and registry queries.
    Watch {
        #[command(subcommand)]
        command: WatchCommand,
        #[command(flatten)]
        store: StoreConfig,
        #[command(flatten)]
        actor: Actor,
    },
    /// Ask the registry which watched studies changed, fetch those, and put their new pages
    /// in review (pages whose text did not change are recorded without review).
    Sync {
        /// Base URL of the ClinicalTrials.gov API v2.
        #[arg(
            long,
            env = "LAYSUM_CTGOV_URL",
            default_value = "https://clinicaltrials.gov/api/v2"
        )]
        ctgov_url: String,
        #[command(flatten)]
        sync: SyncConfig,
        #[command(flatten)]
        store: StoreConfig,
        #[command(flatten)]
        actor: Actor,
    },
    /// Pages in review: list, show, approve, reject.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
        #[command(flatten)]
        store: StoreConfig,
        #[command(flatten)]
        actor: Actor,
    },
    /// Make every published page again with the current templates and lexicons; pages whose
    /// text changes go into review.
    Rerender {
        #[command(flatten)]
        store: StoreConfig,
        #[command(flatten)]
        actor: Actor,
    },
    /// Bearer tokens for the HTTP API, with roles editor, reviewer or admin.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        store: StoreConfig,
        #[command(flatten)]
        actor: Actor,
    },
}

async fn open(store: &StoreConfig) -> anyhow::Result<Store> {
    let url = store
        .database_url
        .as_deref()
        .unwrap_or(laysum::store::DEFAULT_URL);
    Store::open(url)
        .await
        .with_context(|| format!("opening the store {}", redact(url)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:…{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

pub fn run(command: StoreCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(run_async(command))
}

async fn run_async(command: StoreCommand) -> anyhow::Result<ExitCode> {
    match command {
        StoreCommand::Watch {
            command,
            store,
            actor,
        } => {
            let store = open(&store).await?;
            watch(&store, command, &actor.name()).await
        }
        StoreCommand::Sync {
            ctgov_url,
            sync,
            store,
            actor,
        } => {
            let store = open(&store).await?;
            let pipeline = Pipeline::new().context("loading templates and lexicons")?;
            sync_once(&store, &pipeline, &ctgov_url, &sync, &actor.name()).await
        }
        StoreCommand::Review {
            command,
            store,
            actor,
        } => {
            let store = open(&store).await?;
            review(&store, command, &actor.name()).await
        }
        StoreCommand::Rerender { store, actor } => {
            let store = open(&store).await?;
            let pipeline = Pipeline::new().context("loading templates and lexicons")?;
            let report = laysum::sync::rerender::rerender(&store, &pipeline, &actor.name()).await?;
            for (id, why) in &report.failed {
                eprintln!("failed: {id}: {why}");
            }
            say!(
                "rerendered {} published pages with wording {}: {} in review, {} edited by hand kept, {} failed",
                report.checked,
                pipeline.version(),
                report.in_review,
                report.kept_edited,
                report.failed.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Token {
            command,
            store,
            actor,
        } => {
            let store = open(&store).await?;
            token(&store, command, &actor.name()).await
        }
    }
}

async fn watch(store: &Store, command: WatchCommand, by: &str) -> anyhow::Result<ExitCode> {
    match command {
        WatchCommand::Add { targets } => {
            for target in targets {
                let (watch, new) = store.add_watch(&target, by).await?;
                let kind = format!("{:?}", watch.kind).to_lowercase();
                if new {
                    say!("watching {kind} {}", watch.target);
                } else {
                    say!("already watching {kind} {}", watch.target);
                }
            }
        }
        WatchCommand::Remove { target } => {
            store.remove_watch(&target, by).await?;
            say!("no longer watching {target}");
        }
        WatchCommand::List => {
            for w in store.watches().await? {
                let kind = format!("{:?}", w.kind).to_lowercase();
                say!(
                    "{}\t{kind}\t{}\tadded {} by {}",
                    w.id,
                    w.target,
                    w.added_at,
                    w.added_by
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn sync_once(
    store: &Store,
    pipeline: &Pipeline,
    ctgov_url: &str,
    config: &SyncConfig,
    by: &str,
) -> anyhow::Result<ExitCode> {
    match laysum::sync::sync(store, pipeline, ctgov_url, config, by).await {
        Ok(report) if report.skipped => {
            say!("another sync is running: nothing done");
            Ok(ExitCode::SUCCESS)
        }
        Ok(report) => {
            for id in &report.not_found {
                eprintln!("not found: the registry does not list {id}");
            }
            for (id, why) in &report.failed {
                eprintln!("failed: {id}: {why} (tried again next sync)");
            }
            say!(
                "checked {} studies, {} changed, fetched {}, {} in review, {} unchanged, {} failed; {} registry calls in {:.1} s",
                report.checked,
                report.changed,
                report.fetched,
                report.in_review,
                report.unchanged,
                report.failed.len(),
                report.registry_calls,
                report.seconds
            );
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing stored was lost; run laysum sync again later");
            Ok(ExitCode::from(2))
        }
    }
}

async fn review(store: &Store, command: ReviewCommand, by: &str) -> anyhow::Result<ExitCode> {
    let id = |id: &str| {
        laysum::store::parse_id(id).with_context(|| format!("{id:?} is not a page version id"))
    };
    match command {
        ReviewCommand::List => {
            let reviews = store.reviews().await?;
            for r in &reviews {
                say!(
                    "{}\t{}\t{}\t{}\tby {}",
                    r.id,
                    r.nct_id,
                    r.reason.as_str(),
                    rfc3339(r.created_at),
                    r.author
                );
            }
            eprintln!("{} pages in review", reviews.len());
        }
        ReviewCommand::Show { id: text, json } => {
            let version = store.page_version(id(&text)?).await?;
            let published = store
                .published(&version.nct_id)
                .await?
                .map(|p| p.version)
                .filter(|p| p.id != version.id);
            let record = |id: i64| async move {
                let bytes = store.record(id).await?.record;
                anyhow::Ok(serde_json::from_slice::<serde_json::Value>(&bytes)?)
            };
            let fields = match &published {
                Some(p) if p.record_version_id != version.record_version_id => changed_fields(
                    Some(&record(p.record_version_id).await?),
                    &record(version.record_version_id).await?,
                ),
                _ => Vec::new(),
            };
            let diff = diff_pages(published.as_ref().map(|p| &p.page), &version.page);
            if json {
                let out = serde_json::json!({
                    "id": version.id.to_string(), "nct_id": version.nct_id,
                    "state": version.state, "reason": version.reason,
                    "published": published.as_ref().map(|p| &p.page),
                    "proposed": version.page, "diff": diff, "changed_fields": fields,
                    "quality": version.page["quality"],
                });
                say!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(ExitCode::SUCCESS);
            }
            say!(
                "page version {} of {}: {}, {}, by {} at {}",
                version.id,
                version.nct_id,
                version.state.as_str(),
                version.reason.as_str(),
                version.author,
                rfc3339(version.created_at)
            );
            if !fields.is_empty() {
                say!("\nchanged in the registry:");
                for f in &fields {
                    say!("  {}: {} → {}", f.field, f.old, f.new);
                }
            }
            for section in &diff {
                if section.ops.iter().all(|(t, _)| *t == "equal") {
                    continue;
                }
                say!("\n{}:", section.section);
                let text: String = section
                    .ops
                    .iter()
                    .map(|(tag, words)| match *tag {
                        "delete" => format!("[-{words}-]"),
                        "insert" => format!("{{+{words}+}}"),
                        _ => words.clone(),
                    })
                    .collect();
                say!("  {text}");
            }
            let q = &version.page["quality"];
            say!(
                "\nquality: grade {} · reading ease {} · {} warnings",
                q["grade_level"],
                q["reading_ease"],
                q["warnings"].as_array().map_or(0, Vec::len)
            );
            for w in q["warnings"].as_array().into_iter().flatten() {
                say!(
                    "  {} {} in {}: {}",
                    w["severity"].as_str().unwrap_or(""),
                    w["code"].as_str().unwrap_or(""),
                    w["section"].as_str().unwrap_or(""),
                    w["message"].as_str().unwrap_or("")
                );
            }
        }
        ReviewCommand::Approve { id: text, note } => {
            let version = store.approve(id(&text)?, by, note.as_deref()).await?;
            say!("published {} (page version {})", version.nct_id, version.id);
        }
        ReviewCommand::Reject { id: text, note } => {
            let version = store.reject(id(&text)?, by, &note).await?;
            say!("rejected page version {} of {}", version.id, version.nct_id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn token(store: &Store, command: TokenCommand, by: &str) -> anyhow::Result<ExitCode> {
    match command {
        TokenCommand::Add { name, role } => {
            let secret = store.add_token(&name, role, by).await?;
            say!(
                "token for {} ({}); it is shown once, keep it now:",
                name.trim(),
                role.as_str()
            );
            say!("{secret}");
        }
        TokenCommand::List => {
            for t in store.tokens().await? {
                let state = match &t.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "live".into(),
                };
                say!(
                    "{}\t{}\tmade {}\t{state}",
                    t.name,
                    t.role.as_str(),
                    t.created_at
                );
            }
        }
        TokenCommand::Revoke { name } => {
            store.revoke_token(&name, by).await?;
            say!("revoked the token of {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            super::redact("postgres://laysum:secret@db:5432/laysum"),
            "postgres://laysum:…@db:5432/laysum"
        );
        assert_eq!(super::redact("sqlite://laysum.db"), "sqlite://laysum.db");
    }
}
