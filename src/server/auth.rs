//! Who is asking: the bearer token of a request, read against the store's tokens.
//!
//! Read endpoints for the website need no token. Every write does: without a valid token the
//! answer is 401, with a token whose role may not do it 403 (roles in [`crate::store::access`]).

use super::{ApiError, AppState};
use crate::store::Role;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::sync::Arc;

/// The holder of a valid token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's name: the person or service, as the audit trail names them.
    pub name: String,
    pub role: Role,
}

impl Caller {
    /// Refuses with 403 unless the caller's role may do what `needed` may.
    pub fn require(&self, needed: Role) -> Result<&Self, ApiError> {
        if self.role.allows(needed) {
            Ok(self)
        } else {
            Err(ApiError::Forbidden(format!(
                "{} has the role {}; this needs {}",
                self.name,
                self.role.as_str(),
                needed.as_str()
            )))
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let store = state.store()?;
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        match store.authenticate(token).await? {
            Some((name, role)) => Ok(Caller { name, role }),
            None => Err(ApiError::Unauthenticated),
        }
    }
}
