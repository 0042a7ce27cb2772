//! The store of published pages (DESIGN.md, Store): what the sync watches, every registry
//! record fetched, every page made from one and what reviewers did with it, the tokens and the
//! audit trail.
//!
//! One interface, [`Store`], over two backends through sqlx's `Any` driver: SQLite, embedded and
//! the default (`LAYSUM_DATABASE_URL` unset → `laysum.db` in the working folder), and
//! PostgreSQL for several server instances. The queries are written once, in the SQL both
//! speak (`$1` parameters, `RETURNING`, `ON CONFLICT`); only the migrations
//! (`migrations/sqlite`, `migrations/postgres`) and the sync lock differ. Migrations are
//! versioned and applied at start. Every write that touches more than one row runs in a
//! transaction, so a crash leaves the old state or the new one, never half of it.
//!
//! # Layout
//!
//! - [`watches`] — studies and registry queries the sync follows;
//! - [`records`] — record versions: NCT id, `lastUpdatePostDate`, content hash, fetch time,
//!   the record compressed;
//! - [`pages`] — page versions and their states, the review queue, approvals, the published
//!   page with its history;
//! - [`access`] — bearer tokens with roles, and the audit trail;
//! - [`lock`] — one sync at a time.

pub mod access;
pub mod lock;
pub mod pages;
pub mod records;
pub mod watches;

pub use access::{Role, Token};
pub use pages::{History, PageState, PageVersion, Published, Reason};
pub use records::RecordVersion;
pub use watches::{Watch, WatchKind};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::AnyPool;
use std::time::Duration;
use thiserror::Error;

/// Why the store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the database could not be migrated: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("{0}")]
    NotFound(String),
    /// The thing changed under the caller: another reviewer approved first, a newer version
    /// replaced the one asked about.
    #[error("{0}")]
    Conflict(String),
    /// Allowed by role, refused by rule: a reviewer approving their own edit.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error("a stored value is damaged: {0}")]
    Damaged(String),
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store: a pool of connections to one database, migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The database file, for SQLite on disk.
    sqlite_path: Option<std::path::PathBuf>,
    /// The sync lock of an in-memory database.
    memory_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// The database used when `LAYSUM_DATABASE_URL` is not set: a file in the working folder.
pub const DEFAULT_URL: &str = "sqlite://laysum.db";

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else if url.starts_with("sqlite:") {
            // Create the file when it is missing: the default needs no set-up.
            let url = if url.contains("mode=") || url.contains(":memory:") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let sqlite_path = match backend {
            Backend::Sqlite => sqlite_file(&url),
            Backend::Postgres => None,
        };
        // Two processes opening a new SQLite file at once (a server and a command) would both
        // apply the migrations; sqlx locks migrations on PostgreSQL only. A lock file beside
        // the database makes the second wait and find them applied.
        let _migrating = match &sqlite_path {
            Some(path) => Some(lock_beside(path, ".migrate-lock").await?),
            None => None,
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            // SQLite has one writer at a time; one connection queues a process's writes instead
            // of failing them with SQLITE_BUSY, and other processes wait on the busy timeout.
            Backend::Sqlite => {
                let options = options.max_connections(1).after_connect(|conn, _| {
                    Box::pin(async move {
                        use sqlx::Executor as _;
                        // Wait for another process's write rather than fail at once; SQLite
                        // leaves foreign keys unchecked unless asked.
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        Ok(())
                    })
                });
                // An in-memory database lives as long as its one connection: keep it.
                let options = if sqlite_path.is_none() {
                    options
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                } else {
                    options
                };
                let pool = options.connect(&url).await?;
                // Once per file (it is kept in the file): readers in other processes go on
                // while one writes.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                pool
            }
            Backend::Postgres => options.max_connections(16).connect(&url).await?,
        };
        let store = Store {
            pool,
            backend,
            sqlite_path,
            memory_lock: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The store named by `LAYSUM_DATABASE_URL`, or [`DEFAULT_URL`].
    pub async fn open_configured(url: Option<&str>) -> Result<Store, StoreError> {
        Store::open(url.unwrap_or(DEFAULT_URL)).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.sqlite_path.as_deref()
    }

    pub(crate) fn memory_lock(&self) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        self.memory_lock.clone()
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = Migrator::new(Migrations(self.backend)).await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (tests reopen the same database to show nothing was lost).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Waits for and takes an exclusive lock on a file beside the database (`laysum.db` + suffix).
async fn lock_beside(db: &std::path::Path, suffix: &str) -> Result<std::fs::File, StoreError> {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&name)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|e| StoreError::Invalid(e.to_string()))?
    .map_err(|e: std::io::Error| StoreError::Invalid(format!("cannot lock {}: {e}", db.display())))
}

/// The file of a SQLite URL (`sqlite://laysum.db?mode=rwc` → `laysum.db`); `None` in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.contains(":memory:")).then(|| path.into())
}

/// The migrations of a backend, built into the binary; versions in file-name order.
#[derive(Debug)]
struct Migrations(Backend);

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "store",
        include_str!("../../migrations/sqlite/0001_store.sql"),
    ),
    (
        2,
        "pages_by_record",
        include_str!("../../migrations/sqlite/0002_pages_by_record.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "store",
        include_str!("../../migrations/postgres/0001_store.sql"),
    ),
    (
        2,
        "pages_by_record",
        include_str!("../../migrations/postgres/0002_pages_by_record.sql"),
    ),
];

impl<'s> MigrationSource<'s> for Migrations {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>>
                + Send
                + 's,
        >,
    > {
        let list = match self.0 {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let migrations = list
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    (*name).into(),
                    MigrationType::Simple,
                    (*sql).into(),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// Now, in Unix milliseconds: how the store keeps times.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A stored time as RFC 3339 in UTC, to the second: `2026-06-25T14:03:07Z`.
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A column of a row, typed, with the column named in the error.
pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row as _;
    row.try_get(name).map_err(StoreError::Database)
}

/// Ids leave the store as opaque strings; one that is not ours finds nothing.
pub fn parse_id(id: &str) -> Option<i64> {
    id.parse().ok().filter(|n: &i64| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2026-06-25T14:03:07Z
        assert_eq!(rfc3339(1_782_396_187_000), "2026-06-25T14:03:07Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://laysum.db?mode=rwc"),
            Some("laysum.db".into())
        );
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }

    #[tokio::test]
    async fn an_unknown_database_url_is_named() {
        let err = Store::open("mysql://x").await.unwrap_err();
        assert!(err.to_string().contains("mysql://x"), "{err}");
    }
}
