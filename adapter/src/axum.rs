//! `authjs-core`'s Axum integration (feature `axum`), re-exported with [`SeaOrmAdapter`] as the default adapter of
//! [`Auth`], [`CurrentSession`] and [`MaybeSession`]: session extractors, Auth.js-compatible session cookies,
//! sign-in and sign-out, magic links and OAuth accounts. See [`authjs_core::axum`] for the guide.
//!
//! ```no_run
//! use authjs_sea_orm::SeaOrmAdapter;
//! use authjs_sea_orm::axum::{Auth, AuthConfig, CurrentSession, refresh_session_cookie};
//! use axum::{Router, routing::get};
//!
//! async fn me(CurrentSession { user, .. }: CurrentSession) -> String {
//!     format!("signed in as {}", user.email.unwrap_or_default())
//! }
//!
//! # async fn run(db: sea_orm::DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
//! // An empty or blank secret is refused (`SecretError`).
//! let auth = Auth::new(SeaOrmAdapter::new(db), AuthConfig::new(std::env::var("AUTH_SECRET")?)?);
//! let app: Router = Router::new()
//!     .route("/me", get(me))
//!     .layer(axum::middleware::from_fn(refresh_session_cookie))
//!     .with_state(auth);
//! # Ok(())
//! # }
//! ```

pub use authjs_core::axum::*;

use crate::SeaOrmAdapter;

/// An adapter and the session settings ([`authjs_core::axum::Auth`]), on the default tables unless `A` says
/// otherwise (`Auth<SeaOrmAdapter<AppTables>>`).
pub type Auth<A = SeaOrmAdapter> = authjs_core::axum::Auth<A>;
/// A signed-in request ([`authjs_core::axum::CurrentSession`]), on the default tables unless `A` says otherwise.
pub type CurrentSession<A = SeaOrmAdapter> = authjs_core::axum::CurrentSession<A>;
/// The current session if the request is signed in ([`authjs_core::axum::MaybeSession`]), on the default tables
/// unless `A` says otherwise.
pub type MaybeSession<A = SeaOrmAdapter> = authjs_core::axum::MaybeSession<A>;
