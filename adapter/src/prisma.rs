//! The Prisma preset: the adapter on the tables of `@auth/prisma-adapter`'s schema, as documented for Auth.js v5
//! (models `User`, `Account`, `Session`, `VerificationToken`, `Authenticator`), on SQLite, PostgreSQL and
//! MySQL/MariaDB. One line, the counterpart of `PrismaAdapter(prisma)`:
//!
//! ```
//! use authjs_sea_orm::prisma::PrismaTables;
//! use authjs_sea_orm::{Adapter, NewUser, SeaOrmAdapter};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! # use authjs_sea_orm::migration::MigratorTrait;
//! # authjs_sea_orm::migration::prisma::Migrator::up(&db, None).await?;
//! let adapter = SeaOrmAdapter::<PrismaTables>::with_schema(db);
//! let user = adapter.create_user(NewUser { email: Some("ada@example.com".into()), ..NewUser::default() }).await?;
//! assert!(user.id.starts_with('c') && user.id.len() == 25); // a cuid, as Prisma's `@default(cuid())`
//! # Ok(())
//! # }
//! ```
//!
//! next-auth v4's Prisma schema (`@next-auth/prisma-adapter`: `Account.id` and `Session.id` keys, a unique
//! `(provider, providerAccountId)`, no timestamps) is [`PrismaV4Tables`], created or adopted by
//! [`migration::prisma::v4`](crate::migration::prisma::v4).
//!
//! The entities are [`crate::entity::prisma`]. What Prisma's client does and the database does not, the preset does
//! too, so rows written from Rust are rows Prisma reads:
//! - `User.id`: a new cuid when `create_user` is given no id (a given id is kept; Auth.js passes none through
//!   `@auth/prisma-adapter`, which lets Prisma make one);
//! - `createdAt` and `updatedAt` of `User`, `Account` and `Session` written on insert, `updatedAt` on every update
//!   (Prisma's `@default(now())` and `@updatedAt`);
//! - dates in Prisma's encoding per backend: `timestamp(3)` on PostgreSQL and `DATETIME(3)` on MySQL/MariaDB
//!   holding UTC; on SQLite ISO-8601 text with an offset (`2026-01-02T03:04:05.678+00:00`), as Prisma 7's driver
//!   adapters write it. Integer epoch milliseconds, which older Prisma versions wrote on SQLite, are read as well,
//!   and expiry deletes compare each row in its own encoding;
//! - booleans as Prisma stores them (`boolean`, `TINYINT(1)`, SQLite `BOOLEAN` 0/1).
//!
//! `email` is `String? @unique`, as in the SQLite and MySQL variants of the documented schema (its PostgreSQL variant
//! declares `String`: on such a table the preset reads alike, and `create_user` without an address fails there, as
//! `PrismaAdapter` does). Prisma's `Int` (`Account.expires_at`, `Authenticator.counter`) is 32-bit: larger values are
//! refused by PostgreSQL and MySQL/MariaDB ([`Error::InvalidInput`](crate::Error::InvalidInput)).
//!
//! Create the tables with [`migration::prisma`](crate::migration::prisma) (exactly what `prisma migrate` creates
//! from that schema), or keep Prisma's own migrations in charge and use the adapter only.

use std::sync::atomic::{AtomicU32, Ordering};

use authjs_sea_orm_entity::Timestamp;
use authjs_sea_orm_entity::prisma::{account, authenticator, session, user, v4, verification_token};
use chrono::Utc;
use sea_orm::{DbBackend, Value};

use crate::NewUser;
use crate::dialect;
use crate::schema::{
    AccountTable, AuthenticatorTable, IdKind, SessionTable, Tables, UserTable, VerificationTokenTable,
};

/// The Prisma adapter's tables (Auth.js v5 schema): `SeaOrmAdapter::<PrismaTables>::with_schema(db)`.
pub type PrismaTables =
    Tables<user::Entity, account::Entity, session::Entity, verification_token::Entity, authenticator::Entity>;

/// The tables of next-auth v4's Prisma schema (`@next-auth/prisma-adapter`, [`crate::entity::prisma::v4`]):
/// `SeaOrmAdapter::<PrismaV4Tables>::with_schema(db)`. The preset writes a cuid into `Account.id` and `Session.id`
/// (and `User.id` when none is given), as Prisma's client does; the schema has no `createdAt`/`updatedAt`. The
/// authenticators table is the v5 schema's `Authenticator` (next-auth v4 has no WebAuthn; the v4 migration creates
/// it for the Rust side).
pub type PrismaV4Tables = Tables<
    v4::user::Entity,
    v4::account::Entity,
    v4::session::Entity,
    v4::verification_token::Entity,
    authenticator::Entity,
>;

/// A new id in the shape of Prisma's `cuid()`: `c`, the time in milliseconds, a per-process counter and random
/// characters, 25 lower-case base-36 characters in all. Sortable by creation time to the millisecond, like a cuid;
/// the 62 random bits come from the operating system (through `uuid`'s v4 generator).
pub fn cuid() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let count = u64::from(COUNTER.fetch_add(1, Ordering::Relaxed) % 36u32.pow(4));
    let random = uuid::Uuid::new_v4().as_u128();
    let mut id = String::with_capacity(25);
    id.push('c');
    push_base36(&mut id, millis, 8);
    push_base36(&mut id, count, 4);
    // 12 base-36 digits of the random bits (36^12 < 2^63).
    push_base36(&mut id, (random % 36u128.pow(12)) as u64, 12);
    id
}

/// Appends the last `width` base-36 digits of `n`, zero-padded.
fn push_base36(out: &mut String, mut n: u64, width: usize) {
    let mut digits = vec![b'0'; width];
    for d in digits.iter_mut().rev() {
        let r = (n % 36) as u8;
        *d = if r < 10 { b'0' + r } else { b'a' + r - 10 };
        n /= 36;
    }
    out.extend(digits.into_iter().map(char::from));
}

/// Now, in Prisma's encoding of a `DateTime` on `backend`.
fn now(backend: DbBackend) -> Value {
    let now = Timestamp::new(Utc::now());
    match backend {
        DbBackend::Sqlite => Value::String(Some(dialect::iso_text(now))),
        _ => now.to_value(backend),
    }
}

impl UserTable for user::Entity {
    type Extra = ();
    type NewExtra = ();
    const ID_KIND: IdKind = IdKind::Text;
    const ID: user::Column = user::Column::Id;
    const NAME: Option<user::Column> = Some(user::Column::Name);
    const EMAIL: user::Column = user::Column::Email;
    const EMAIL_VERIFIED: Option<user::Column> = Some(user::Column::EmailVerified);
    const IMAGE: Option<user::Column> = Some(user::Column::Image);

    fn extra(_: &user::Model) {}

    fn new_extra_values(_: (), backend: DbBackend) -> Vec<(user::Column, Value)> {
        let now = now(backend); // one instant: a new row was created when it was last updated
        vec![(user::Column::CreatedAt, now.clone()), (user::Column::UpdatedAt, now)]
    }

    fn before_insert(user: &mut NewUser) {
        if user.id.is_none() {
            user.id = Some(cuid());
        }
    }

    fn update_values(backend: DbBackend) -> Vec<(user::Column, Value)> {
        vec![(user::Column::UpdatedAt, now(backend))]
    }
}

impl AccountTable for account::Entity {
    const USER_ID: account::Column = account::Column::UserId;
    const TYPE: account::Column = account::Column::Type;
    const PROVIDER: account::Column = account::Column::Provider;
    const PROVIDER_ACCOUNT_ID: account::Column = account::Column::ProviderAccountId;
    const REFRESH_TOKEN: account::Column = account::Column::RefreshToken;
    const ACCESS_TOKEN: account::Column = account::Column::AccessToken;
    const EXPIRES_AT: account::Column = account::Column::ExpiresAt;
    const TOKEN_TYPE: account::Column = account::Column::TokenType;
    const SCOPE: account::Column = account::Column::Scope;
    const ID_TOKEN: account::Column = account::Column::IdToken;
    const SESSION_STATE: account::Column = account::Column::SessionState;

    fn insert_values(backend: DbBackend) -> Vec<(account::Column, Value)> {
        let now = now(backend); // one instant: a new row was created when it was last updated
        vec![(account::Column::CreatedAt, now.clone()), (account::Column::UpdatedAt, now)]
    }

    fn update_values(backend: DbBackend) -> Vec<(account::Column, Value)> {
        vec![(account::Column::UpdatedAt, now(backend))]
    }
}

impl SessionTable for session::Entity {
    const SESSION_TOKEN: session::Column = session::Column::SessionToken;
    const USER_ID: session::Column = session::Column::UserId;
    const EXPIRES: session::Column = session::Column::Expires;

    fn insert_values(backend: DbBackend) -> Vec<(session::Column, Value)> {
        let now = now(backend); // one instant: a new row was created when it was last updated
        vec![(session::Column::CreatedAt, now.clone()), (session::Column::UpdatedAt, now)]
    }

    fn update_values(backend: DbBackend) -> Vec<(session::Column, Value)> {
        vec![(session::Column::UpdatedAt, now(backend))]
    }
}

impl VerificationTokenTable for verification_token::Entity {
    const IDENTIFIER: verification_token::Column = verification_token::Column::Identifier;
    const TOKEN: verification_token::Column = verification_token::Column::Token;
    const EXPIRES: verification_token::Column = verification_token::Column::Expires;
}

impl AuthenticatorTable for authenticator::Entity {
    const CREDENTIAL_ID: authenticator::Column = authenticator::Column::CredentialId;
    const USER_ID: authenticator::Column = authenticator::Column::UserId;
    const PROVIDER_ACCOUNT_ID: authenticator::Column = authenticator::Column::ProviderAccountId;
    const CREDENTIAL_PUBLIC_KEY: authenticator::Column = authenticator::Column::CredentialPublicKey;
    const COUNTER: authenticator::Column = authenticator::Column::Counter;
    const CREDENTIAL_DEVICE_TYPE: authenticator::Column = authenticator::Column::CredentialDeviceType;
    const CREDENTIAL_BACKED_UP: authenticator::Column = authenticator::Column::CredentialBackedUp;
    const TRANSPORTS: authenticator::Column = authenticator::Column::Transports;
}

impl UserTable for v4::user::Entity {
    type Extra = ();
    type NewExtra = ();
    const ID_KIND: IdKind = IdKind::Text;
    const ID: v4::user::Column = v4::user::Column::Id;
    const NAME: Option<v4::user::Column> = Some(v4::user::Column::Name);
    const EMAIL: v4::user::Column = v4::user::Column::Email;
    const EMAIL_VERIFIED: Option<v4::user::Column> = Some(v4::user::Column::EmailVerified);
    const IMAGE: Option<v4::user::Column> = Some(v4::user::Column::Image);

    fn extra(_: &v4::user::Model) {}

    fn new_extra_values(_: (), _: DbBackend) -> Vec<(v4::user::Column, Value)> {
        Vec::new()
    }

    fn before_insert(user: &mut NewUser) {
        if user.id.is_none() {
            user.id = Some(cuid());
        }
    }
}

impl AccountTable for v4::account::Entity {
    const USER_ID: v4::account::Column = v4::account::Column::UserId;
    const TYPE: v4::account::Column = v4::account::Column::Type;
    const PROVIDER: v4::account::Column = v4::account::Column::Provider;
    const PROVIDER_ACCOUNT_ID: v4::account::Column = v4::account::Column::ProviderAccountId;
    const REFRESH_TOKEN: v4::account::Column = v4::account::Column::RefreshToken;
    const ACCESS_TOKEN: v4::account::Column = v4::account::Column::AccessToken;
    const EXPIRES_AT: v4::account::Column = v4::account::Column::ExpiresAt;
    const TOKEN_TYPE: v4::account::Column = v4::account::Column::TokenType;
    const SCOPE: v4::account::Column = v4::account::Column::Scope;
    const ID_TOKEN: v4::account::Column = v4::account::Column::IdToken;
    const SESSION_STATE: v4::account::Column = v4::account::Column::SessionState;

    fn insert_values(_: DbBackend) -> Vec<(v4::account::Column, Value)> {
        vec![(v4::account::Column::Id, cuid().into())]
    }
}

impl SessionTable for v4::session::Entity {
    const SESSION_TOKEN: v4::session::Column = v4::session::Column::SessionToken;
    const USER_ID: v4::session::Column = v4::session::Column::UserId;
    const EXPIRES: v4::session::Column = v4::session::Column::Expires;

    fn insert_values(_: DbBackend) -> Vec<(v4::session::Column, Value)> {
        vec![(v4::session::Column::Id, cuid().into())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuids_have_prismas_shape_and_differ() {
        let (a, b) = (cuid(), cuid());
        for id in [&a, &b] {
            assert_eq!(id.len(), 25, "{id}");
            assert!(id.starts_with('c'), "{id}");
            assert!(id.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()), "{id}");
        }
        assert_ne!(a, b);
        assert!(a[1..9] <= b[1..9], "time first: {a} {b}");
    }
}
