//! Who may do what: bearer tokens with a role, and the audit trail of what each did.
//!
//! A token is 32 random bytes, shown once when made (`laysum token add`); the store keeps only
//! its SHA-256, so a copy of the database lets no one in. Roles: `editor` (drafts, edits),
//! `reviewer` (approves, rejects), `admin` (tokens, watches, sync, audit, and anything the others
//! may do).

use super::{col, now_ms, rfc3339, sha256_hex, Store, StoreError};
use serde::Serialize;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Editor,
    Reviewer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "editor" => Role::Editor,
            "reviewer" => Role::Reviewer,
            "admin" => Role::Admin,
            other => return Err(StoreError::Damaged(format!("role {other:?}"))),
        })
    }

    /// Whether this role may do what `needed` may: itself, or anything for an admin.
    pub fn allows(self, needed: Role) -> bool {
        self == needed || self == Role::Admin
    }
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone, Serialize)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub at: String,
    pub actor: String,
    /// e.g. `review.approve`, `watch.add`, `token.add`.
    pub action: String,
    /// The NCT id, watch or token concerned.
    pub target: String,
    pub detail: Option<String>,
}

/// Writes an audit event inside the caller's transaction, so the event and the change it
/// records are kept or lost together.
pub(crate) async fn audit(
    tx: &mut Transaction<'_, Any>,
    actor: &str,
    action: &str,
    target: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(detail.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("lsm_{hex}")
}

impl Store {
    /// Makes a token for `name` with `role`; returns the token, which is never stored.
    pub async fn add_token(&self, name: &str, role: Role, by: &str) -> Result<String, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(StoreError::Invalid(
                "a token's name is 1 to 100 characters: the person or service it is for".into(),
            ));
        }
        let secret = new_secret();
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(sha256_hex(secret.as_bytes()))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "a token named {name:?} exists already: revoke it first, or choose another name"
            )));
        }
        audit(&mut tx, by, "token.add", name, Some(role.as_str())).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Revokes a token by name; it stops working at once.
    pub async fn revoke_token(&self, name: &str, by: &str) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        // A revoked token keeps its row, for the audit trail, under a name freed for reuse.
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE tokens SET revoked_at = $1, name = name || ' (revoked ' || $2 || ')' \
             WHERE name = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(rfc3339(now))
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "no live token named {name:?}"
            )));
        }
        audit(&mut tx, by, "token.revoke", name, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn tokens(&self) -> Result<Vec<Token>, StoreError> {
        let rows = sqlx::query("SELECT name, role, created_at, revoked_at FROM tokens ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Token {
                    name: col(row, "name")?,
                    role: Role::parse(&col::<String>(row, "role")?)?,
                    created_at: rfc3339(col(row, "created_at")?),
                    revoked_at: col::<Option<i64>>(row, "revoked_at")?.map(rfc3339),
                })
            })
            .collect()
    }

    /// Who a bearer token belongs to, and their role; `None` for an unknown or revoked token.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<(String, Role)>, StoreError> {
        let row =
            sqlx::query("SELECT name, role FROM tokens WHERE hash = $1 AND revoked_at IS NULL")
                .bind(sha256_hex(secret.trim().as_bytes()))
                .fetch_optional(self.pool())
                .await?;
        match row {
            Some(row) => Ok(Some((
                col(&row, "name")?,
                Role::parse(&col::<String>(&row, "role")?)?,
            ))),
            None => Ok(None),
        }
    }

    /// The audit trail, newest first, at most `limit` events.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, target, detail FROM audit_events ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEvent {
                    at: rfc3339(col(row, "at")?),
                    actor: col(row, "actor")?,
                    action: col(row, "action")?,
                    target: col(row, "target")?,
                    detail: col(row, "detail")?,
                })
            })
            .collect()
    }

    /// When an action (`sync`, …) was last recorded, by anyone.
    pub async fn last_event_at(&self, action: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT MAX(at) AS at FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(self.pool())
            .await?;
        col(&row, "at")
    }

    /// Records an action that changes nothing else in the store (a sync run, a rerender).
    pub async fn record_event(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        audit(&mut tx, actor, action, target, detail).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_may_do_what_every_role_may() {
        assert!(Role::Admin.allows(Role::Reviewer));
        assert!(Role::Reviewer.allows(Role::Reviewer));
        assert!(!Role::Editor.allows(Role::Reviewer));
        assert!(!Role::Reviewer.allows(Role::Editor));
        assert!(!Role::Reviewer.allows(Role::Admin));
    }

    #[test]
    fn tokens_are_long_and_never_repeat() {
        let a = new_secret();
        assert_eq!(a.len(), 68);
        assert_ne!(a, new_secret());
    }
}
