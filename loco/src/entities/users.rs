//! `users`: the users table of Loco's SaaS starter, as its `m20220101_000001_users` migration creates it, mapped onto
//! the Auth.js user.
//!
//! | Auth.js | `users` column |
//! |---|---|
//! | `id` | `id` (the auto-increment key, as a decimal string) |
//! | `name` | `name` |
//! | `email` | `email` |
//! | `emailVerified` | `email_verified_at` |
//! | `image` | none |
//!
//! A user signing up through the adapter (a first magic-link sign-in) gets every NOT NULL column the starter has, with
//! values its `users::Model` and its validator accept: `pid` a new UUID, `api_key` `lo-` and a new UUID (as the
//! starter's `before_save` does), `password` an unusable value ([`unusable_password`]: password login never
//! succeeds) and `name` a [`display_name`] of at least two characters. Reads return the whole row ([`Model`]) in
//! `AdapterUser::extra`.
//!
//! **A first magic link takes the row over.** The starter's `/api/auth/register` creates an unverified row with a
//! password of the registrant's choosing, and its login does not ask for a verified address, so anybody can register
//! somebody else's address. When a magic link is the first proof of ownership of such a row (`email_verified_at` was
//! NULL), the update that verifies it also writes [`first_verification_values`](UserTable::first_verification_values):
//! an [`unusable_password`], a new `api_key`, a new `pid` (the subject of the starter's JWTs, so a token issued by
//! `/api/auth/login` before stops naming the user), and no `reset_token`, `email_verification_token` or
//! `magic_link_token` (with their dates); the adapter deletes the row's sessions in the same write, all or nothing.
//! The owner sets a password again through the starter's `/api/auth/forgot`.

use authjs_sea_orm::NewUser;
use authjs_sea_orm::schema::{IdKind, UserTable};
use sea_orm::entity::prelude::*;
use sea_orm::{DbBackend, Value};

/// A row of `users`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Set by the database on insert.
    pub created_at: DateTimeWithTimeZone,
    /// Set by the database on insert, then by the app's `before_save`.
    pub updated_at: DateTimeWithTimeZone,
    /// The auto-increment key: the Auth.js user id, as a decimal string.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Loco's public id (JWT claims, URLs).
    pub pid: Uuid,
    /// E-mail address (unique).
    #[sea_orm(unique)]
    pub email: String,
    /// Password hash (secret); [`unusable_password`] for users who signed up with a magic link.
    pub password: String,
    /// API key (secret, unique).
    #[sea_orm(unique)]
    pub api_key: String,
    /// Display name, at least two characters for the starter's validator.
    pub name: String,
    /// Loco's password reset token (secret).
    pub reset_token: Option<String>,
    /// When it was sent.
    pub reset_sent_at: Option<DateTimeWithTimeZone>,
    /// Loco's e-mail verification token (secret).
    pub email_verification_token: Option<String>,
    /// When it was sent.
    pub email_verification_sent_at: Option<DateTimeWithTimeZone>,
    /// When the address was verified: the Auth.js `emailVerified`.
    pub email_verified_at: Option<DateTimeWithTimeZone>,
    /// Loco's own magic-link token (secret; the Auth.js verification tokens are in `verification_tokens`).
    pub magic_link_token: Option<String>,
    /// Its expiry.
    pub magic_link_expiration: Option<DateTimeWithTimeZone>,
}

// Written by hand: the password hash, the API key and the tokens stay out of logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("id", &self.id)
            .field("pid", &self.pid)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("email_verified_at", &self.email_verified_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// Relations of `users`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Linked accounts.
    #[sea_orm(has_many = "super::accounts::Entity")]
    Accounts,
    /// Database sessions.
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
    /// WebAuthn credentials.
    #[sea_orm(has_many = "super::authenticators::Entity")]
    Authenticators,
}

impl Related<super::accounts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Accounts.def()
    }
}

impl Related<super::sessions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl Related<super::authenticators::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Authenticators.def()
    }
}

// The adapter writes with sea-query statements, so no hook runs for its writes (the app's own `before_save` does not
// either); `UserTable::before_insert` and `new_extra_values` below fill the columns instead.
impl ActiveModelBehavior for ActiveModel {}

/// The fewest characters the starter's `users` validator accepts in `name`.
pub const MIN_NAME_CHARS: usize = 2;

/// A display name for a new user: `name` when it has at least [`MIN_NAME_CHARS`] characters (once trimmed), else the
/// local part of `email` when that does, else the whole address (`b@example.com` is named `b@example.com`); `"user"`
/// without either. Always at least [`MIN_NAME_CHARS`] characters.
pub fn display_name(name: Option<&str>, email: Option<&str>) -> String {
    let long_enough = |s: &&str| s.chars().count() >= MIN_NAME_CHARS;
    let name = name.map(str::trim).filter(long_enough);
    let email = email.map(str::trim).filter(long_enough);
    let local = email.and_then(|email| email.rsplit_once('@')).map(|(local, _)| local).filter(long_enough);
    name.or(local).or(email).unwrap_or("user").to_owned()
}

/// A password hash that no password matches, for users who sign in with magic links: `!` and 64 random hexadecimal
/// characters. Not a PHC string, so Loco's `verify_password` (argon2) refuses every password, and unguessable, so it
/// is no shared value either (Django's unusable-password convention).
pub fn unusable_password() -> String {
    format!("!{}", authjs_sea_orm::axum::random_token())
}

/// Whether `password` (a stored hash) is one [`unusable_password`] made.
pub fn is_unusable_password(password: &str) -> bool {
    password.strip_prefix('!').is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl UserTable for Entity {
    /// The whole row: handlers read `session.user.extra.pid`, `.name`, ...
    type Extra = Model;
    /// Nothing beside the Auth.js fields: the name comes from `NewUser::name` or the address.
    type NewExtra = ();
    const ID_KIND: IdKind = IdKind::AutoIncrement;
    const ID: Column = Column::Id;
    const NAME: Option<Column> = Some(Column::Name);
    const EMAIL: Column = Column::Email;
    const EMAIL_VERIFIED: Option<Column> = Some(Column::EmailVerifiedAt);
    const IMAGE: Option<Column> = None;

    fn extra(model: &Model) -> Model {
        model.clone()
    }

    /// `name` is NOT NULL and validated by the starter: always a [`display_name`].
    fn before_insert(user: &mut NewUser) {
        user.name = Some(display_name(user.name.as_deref(), user.email.as_deref()));
    }

    /// `pid`, `api_key` and an unusable `password`; `created_at` and `updated_at` have database defaults.
    fn new_extra_values((): (), _: DbBackend) -> Vec<(Column, Value)> {
        fresh_credentials()
    }

    /// A first proof of ownership of a row someone else may have created (see the module's documentation): a new
    /// `pid`, `api_key` and unusable `password`, and every token the row held cleared.
    fn first_verification_values(_: DbBackend) -> Vec<(Column, Value)> {
        let mut values = fresh_credentials();
        let no_date = || Value::from(None::<DateTimeWithTimeZone>);
        values.extend([
            (Column::ResetToken, Value::from(None::<String>)),
            (Column::ResetSentAt, no_date()),
            (Column::EmailVerificationToken, Value::from(None::<String>)),
            (Column::EmailVerificationSentAt, no_date()),
            (Column::MagicLinkToken, Value::from(None::<String>)),
            (Column::MagicLinkExpiration, no_date()),
        ]);
        values
    }
}

/// What no one but the row's owner knows: a new `pid` (Loco's JWTs name it) and `api_key` (`lo-` and a UUID, as the
/// starter's `before_save` makes it), and an [`unusable_password`]. Written for a user created by a magic link, and
/// over the old ones when a magic link first verifies a row.
fn fresh_credentials() -> Vec<(Column, Value)> {
    vec![
        (Column::Pid, Uuid::new_v4().into()),
        (Column::ApiKey, format!("lo-{}", Uuid::new_v4()).into()),
        (Column::Password, unusable_password().into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_have_two_characters_at_least() {
        assert_eq!(display_name(None, Some("ada@example.com")), "ada");
        assert_eq!(display_name(None, Some("b@example.com")), "b@example.com");
        assert_eq!(display_name(Some("Ada Lovelace"), Some("ada@example.com")), "Ada Lovelace");
        assert_eq!(display_name(Some(" A "), Some("ada@example.com")), "ada");
        assert_eq!(display_name(Some(""), Some("b@example.com")), "b@example.com");
        // Characters, not bytes: the validator counts characters.
        assert_eq!(display_name(None, Some("é@example.com")), "é@example.com");
        assert_eq!(display_name(None, Some("éa@example.com")), "éa");
        assert_eq!(display_name(None, None), "user");
        for email in ["b@example.com", "ab@c", "@", "x"] {
            assert!(display_name(None, Some(email)).chars().count() >= MIN_NAME_CHARS, "{email}");
        }
    }

    #[test]
    fn unusable_passwords_are_random_and_no_hash() {
        let (a, b) = (unusable_password(), unusable_password());
        assert_ne!(a, b);
        assert!(is_unusable_password(&a));
        assert!(!a.starts_with('$'), "not a PHC string");
        assert!(!loco_rs::hash::verify_password("", &a));
        assert!(!loco_rs::hash::verify_password(&a, &a));
        assert!(!is_unusable_password("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
    }

    #[test]
    fn debug_hides_secrets() {
        let model = Model {
            created_at: chrono::Utc::now().into(),
            updated_at: chrono::Utc::now().into(),
            id: 1,
            pid: Uuid::nil(),
            email: "ada@example.com".into(),
            password: "password-hash".into(),
            api_key: "lo-api-key".into(),
            name: "ada".into(),
            reset_token: Some("reset-token".into()),
            reset_sent_at: None,
            email_verification_token: Some("verification-token".into()),
            email_verification_sent_at: None,
            email_verified_at: None,
            magic_link_token: Some("magic-token".into()),
            magic_link_expiration: None,
        };
        let shown = format!("{model:?}");
        assert!(shown.contains("ada@example.com"), "{shown}");
        for secret in ["password-hash", "lo-api-key", "reset-token", "verification-token", "magic-token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
