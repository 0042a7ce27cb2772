//! One sync at a time. Several `laysum serve` instances on one PostgreSQL, or a `laysum sync`
//! beside a server on one SQLite file, would otherwise fetch the same records and propose the
//! same pages twice.
//!
//! PostgreSQL: a session advisory lock, held on a connection of its own for the whole sync.
//! SQLite: an exclusive lock on a file beside the database (`laysum.db.sync-lock`). Both are
//! released by the operating system or the server when the process dies, so a crashed sync
//! never blocks the next one: it resumes at once.

use super::{Backend, Store, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::Any;

/// The advisory lock's key: any number of our own; "laysum" in ASCII.
const ADVISORY_KEY: i64 = 0x6c61_7973_756d;

/// Held while a sync runs; [`SyncLock::release`] gives it back.
pub struct SyncLock {
    hold: Hold,
}

enum Hold {
    Postgres(Option<PoolConnection<Any>>),
    File(#[allow(dead_code)] std::fs::File),
    /// An in-memory database is one process's own: a lock in memory is enough.
    Memory(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>),
}

impl Store {
    /// Takes the sync lock if no one holds it; `None` when another sync is running.
    pub async fn try_lock_sync(&self) -> Result<Option<SyncLock>, StoreError> {
        match self.backend() {
            Backend::Postgres => {
                let mut conn = self.pool().acquire().await?;
                let row = sqlx::query("SELECT pg_try_advisory_lock($1) AS locked")
                    .bind(ADVISORY_KEY)
                    .fetch_one(&mut *conn)
                    .await?;
                let locked: bool = super::col(&row, "locked")?;
                Ok(locked.then(|| SyncLock {
                    hold: Hold::Postgres(Some(conn)),
                }))
            }
            Backend::Sqlite => match self.sqlite_path() {
                Some(path) => {
                    let mut name = path.as_os_str().to_owned();
                    name.push(".sync-lock");
                    let file = std::fs::OpenOptions::new()
                        .create(true)
                        .truncate(false)
                        .write(true)
                        .open(&name)
                        .map_err(|e| {
                            StoreError::Invalid(format!(
                                "cannot open the sync lock {}: {e}",
                                std::path::Path::new(&name).display()
                            ))
                        })?;
                    match file.try_lock() {
                        Ok(()) => Ok(Some(SyncLock {
                            hold: Hold::File(file),
                        })),
                        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Invalid(format!(
                            "cannot take the sync lock: {e}"
                        ))),
                    }
                }
                None => Ok(self
                    .memory_lock()
                    .try_lock_owned()
                    .ok()
                    .map(|guard| SyncLock {
                        hold: Hold::Memory(guard),
                    })),
            },
        }
    }
}

impl SyncLock {
    /// Gives the lock back.
    pub async fn release(mut self) {
        if let Hold::Postgres(conn) = &mut self.hold {
            if let Some(mut conn) = conn.take() {
                let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(ADVISORY_KEY)
                    .execute(&mut *conn)
                    .await;
                if unlocked.is_err() {
                    // Closing the session releases the lock too.
                    drop(conn.detach());
                }
            }
        }
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        // Dropped without release (a panic, a cancelled task): close the connection rather
        // than hand it back to the pool still holding the lock.
        if let Hold::Postgres(conn) = &mut self.hold {
            if let Some(conn) = conn.take() {
                drop(conn.detach());
            }
        }
    }
}
