//! PostgreSQL triggers that tell every process's session cache about each write to a session or a user, whoever
//! makes it (a Next.js app on Auth.js, another instance of this service, an administrator's SQL): the feed
//! `cache::CacheListener` (features `postgres` and `cache`) listens to.
//!
//! [`install`] creates, for any [`Schema`] (the default tables, custom names and PostgreSQL schemas, the Prisma
//! presets; tokens hashed or not), one trigger function and triggers on the session and user tables that call
//! `pg_notify` on a channel ([`DEFAULT_CHANNEL`] unless named otherwise) after every `UPDATE` and `DELETE` of a row,
//! and after a `TRUNCATE`. The payload names what changed, never a token:
//!
//! | payload | sent for | the listener drops |
//! |---|---|---|
//! | `s:` and 64 hex digits | a session row: the SHA-256 of its token (`sha256(convert_to(token, 'UTF8'))`), or the hex part of a stored `sha256:` handle (tokens hashed) | that session: the cache keys on the same digest |
//! | `u:` and the user id as text | a user row | the user and every session of theirs |
//! | `*` | `TRUNCATE` of either table | everything |
//!
//! An `UPDATE` that changes the token or the id also names the new value. [`uninstall`] drops them again.
//!
//! Nothing installs them unless the application asks: the crate's migrations do not, and adopting tables a Drizzle
//! or Prisma app created leaves them as they were (`trigger_installation_is_explicit` in `tests/tests/cache_notify.rs`).
//! Call [`install`] from your own migration, add [`CacheTriggers`] to your `Migrator` (feature `migration`), or run
//! [`install_statements`] from the tool that owns the schema (a drizzle-kit custom migration, a Prisma migration's
//! SQL). SQLite and MySQL/MariaDB have no `NOTIFY`: there the cache keeps its time-to-live bound, and [`install`] and
//! [`CacheTriggers`] do nothing.
//!
//! Each trigger adds one `pg_notify` per written row, delivered at commit to every listening connection;
//! `delete_expired_sessions` removing many rows sends as many notifications. `tests/tests/cache_notify.rs` checks the
//! payloads on every test schema (`payloads_name_the_row_on_every_schema`).

#[cfg(feature = "migration")]
use std::borrow::Cow;
#[cfg(feature = "migration")]
use std::marker::PhantomData;

use sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityName, IdenStatic, TransactionSession, TransactionTrait, Value};

#[cfg(feature = "migration")]
use crate::schema::Tables;
use crate::schema::{Schema, SessionTable, UserTable};

/// The channel the triggers notify and the listener listens to unless told otherwise: `authjs_cache`.
pub const DEFAULT_CHANNEL: &str = "authjs_cache";

/// The trigger function, created in the schema of each table it serves (`authjs_cache_notify()`).
pub const FUNCTION: &str = "authjs_cache_notify";

/// The row trigger on each table (`AFTER UPDATE OR DELETE ... FOR EACH ROW`).
pub const ROW_TRIGGER: &str = "authjs_cache_notify";

/// The statement trigger on each table (`AFTER TRUNCATE ... FOR EACH STATEMENT`).
pub const TRUNCATE_TRIGGER: &str = "authjs_cache_notify_truncate";

/// The longest channel name PostgreSQL takes, in bytes (`NAMEDATALEN - 1`).
const MAX_CHANNEL_LEN: usize = 63;

/// Whether `channel` can name a notification channel: 1 to 63 bytes, no NUL. The error says why not.
pub(crate) fn check_channel(channel: &str) -> Result<(), String> {
    if channel.is_empty() || channel.len() > MAX_CHANNEL_LEN || channel.contains('\0') {
        return Err(format!("a notification channel is 1 to {MAX_CHANNEL_LEN} bytes without NUL"));
    }
    Ok(())
}

/// What a notification says changed.
#[cfg(any(test, all(feature = "cache", feature = "postgres")))]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// The session whose token has this digest.
    Session(authjs_core::TokenDigest),
    /// The user with this id.
    User(String),
    /// Anything (a `TRUNCATE`, or a payload this version does not know).
    All,
}

#[cfg(any(test, all(feature = "cache", feature = "postgres")))]
impl Change {
    /// The change a trigger's payload names; anything else is [`Change::All`], so an unknown payload never leaves a
    /// stale entry.
    pub(crate) fn of_payload(payload: &str) -> Change {
        if let Some(hex_digits) = payload.strip_prefix("s:") {
            return authjs_core::TokenDigest::from_hex(hex_digits).map_or(Change::All, Change::Session);
        }
        match payload.strip_prefix("u:") {
            Some(id) if !id.is_empty() => Change::User(id.to_owned()),
            _ => Change::All,
        }
    }
}

/// `name` as a PostgreSQL identifier: quoted, a `"` inside doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `value` as a PostgreSQL string literal (sea-query's quoting: `E'...'` when it needs escapes).
fn quote_literal(value: &str) -> String {
    PostgresQueryBuilder.value_to_string(&Value::from(value))
}

/// `"schema"."name"`, or `"name"` when the table has no schema (then the search path decides, as for the table).
fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(name),
    }
}

/// The table a trigger goes on, and what its rows are named by.
struct Target {
    schema: Option<String>,
    table: &'static str,
    /// `s` (sessions) or `u` (users).
    kind: &'static str,
    column: &'static str,
}

impl Target {
    fn of<S: Schema>() -> [Target; 2] {
        type Sessions<S> = <S as Schema>::Session;
        type Users<S> = <S as Schema>::User;
        let (session, user) = (<Sessions<S>>::default(), <Users<S>>::default());
        [
            Target {
                schema: session.schema_name().map(str::to_owned),
                table: session.table_name(),
                kind: "s",
                column: <Sessions<S>>::SESSION_TOKEN.as_str(),
            },
            Target {
                schema: user.schema_name().map(str::to_owned),
                table: user.table_name(),
                kind: "u",
                column: <Users<S>>::ID.as_str(),
            },
        ]
    }

    fn table(&self) -> String {
        qualified(self.schema.as_deref(), self.table)
    }

    fn function(&self) -> String {
        qualified(self.schema.as_deref(), FUNCTION)
    }
}

/// The schemas (of the session and user tables) that get the function, each once.
fn function_schemas(targets: &[Target; 2]) -> Vec<&Target> {
    let mut schemas: Vec<&Target> = Vec::new();
    for target in targets {
        if !schemas.iter().any(|seen| seen.schema == target.schema) {
            schemas.push(target);
        }
    }
    schemas
}

/// The trigger function: `pg_notify(channel, kind || ':' || key)` for the old row (and the new one of an `UPDATE`),
/// the key being the session token's digest (`sha256(convert_to(token, 'UTF8'))` in hex, or the hex part of a stored
/// `sha256:` handle) or the user id; `*` for a `TRUNCATE`. Arguments: channel, kind (`s` or `u`), column.
fn function_sql(function: &str) -> String {
    format!(
        r#"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $authjs_cache$
DECLARE
  raw text;
  key text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_catalog.pg_notify(TG_ARGV[0], '*');
    RETURN NULL;
  END IF;
  FOREACH raw IN ARRAY CASE
    WHEN TG_OP = 'UPDATE' THEN ARRAY[pg_catalog.to_jsonb(OLD) ->> TG_ARGV[2], pg_catalog.to_jsonb(NEW) ->> TG_ARGV[2]]
    ELSE ARRAY[pg_catalog.to_jsonb(OLD) ->> TG_ARGV[2]]
  END LOOP
    CONTINUE WHEN raw IS NULL;
    IF TG_ARGV[1] <> 's' THEN
      key := raw;
    ELSIF pg_catalog.left(raw, 7) = 'sha256:' THEN
      key := pg_catalog.lower(pg_catalog.substr(raw, 8));
    ELSE
      key := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(raw, 'UTF8')), 'hex');
    END IF;
    PERFORM pg_catalog.pg_notify(TG_ARGV[0], TG_ARGV[1] || ':' || key);
  END LOOP;
  RETURN NULL;
END
$authjs_cache$"#
    )
}

/// The statements [`install`] runs for schema `S` and `channel`, in order, for a tool that runs SQL itself (run them
/// in one transaction). Idempotent: the function is replaced and the triggers dropped and created again.
///
/// # Errors
/// [`DbErr::Custom`] when `channel` cannot name a channel (1 to 63 bytes, no NUL).
pub fn install_statements<S: Schema>(channel: &str) -> Result<Vec<String>, DbErr> {
    check_channel(channel).map_err(DbErr::Custom)?;
    let targets = Target::of::<S>();
    let mut statements: Vec<String> = function_schemas(&targets).iter().map(|t| function_sql(&t.function())).collect();
    let channel = quote_literal(channel);
    for target in &targets {
        let (table, function) = (target.table(), target.function());
        let (row, truncate) = (quote_ident(ROW_TRIGGER), quote_ident(TRUNCATE_TRIGGER));
        let (kind, column) = (quote_literal(target.kind), quote_literal(target.column));
        statements.extend([
            format!("DROP TRIGGER IF EXISTS {row} ON {table}"),
            format!(
                "CREATE TRIGGER {row} AFTER UPDATE OR DELETE ON {table} FOR EACH ROW \
                 EXECUTE FUNCTION {function}({channel}, {kind}, {column})"
            ),
            format!("DROP TRIGGER IF EXISTS {truncate} ON {table}"),
            format!(
                "CREATE TRIGGER {truncate} AFTER TRUNCATE ON {table} FOR EACH STATEMENT \
                 EXECUTE FUNCTION {function}({channel}, {kind}, {column})"
            ),
        ]);
    }
    Ok(statements)
}

/// The statements [`uninstall`] runs for schema `S`: the four triggers, then the function of each schema unless
/// triggers of another mapping still use it.
pub fn uninstall_statements<S: Schema>() -> Vec<String> {
    let targets = Target::of::<S>();
    let mut statements = Vec::new();
    for target in &targets {
        for trigger in [ROW_TRIGGER, TRUNCATE_TRIGGER] {
            statements.push(format!("DROP TRIGGER IF EXISTS {} ON {}", quote_ident(trigger), target.table()));
        }
    }
    statements.extend(function_schemas(&targets).iter().map(|target| {
        format!(
            "DO $authjs_cache$ BEGIN DROP FUNCTION IF EXISTS {}(); \
             EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $authjs_cache$",
            target.function()
        )
    }));
    statements
}

/// Installs the triggers of schema `S` notifying `channel` ([`DEFAULT_CHANNEL`] unless the listeners are told
/// otherwise), in one transaction ([`install_statements`]). Idempotent. Does nothing on SQLite and MySQL/MariaDB.
///
/// ```no_run
/// use authjs_sea_orm::cache_triggers::{self, DEFAULT_CHANNEL};
/// use authjs_sea_orm::prisma::PrismaTables;
///
/// # async fn run(db: sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
/// // The Prisma adapter's tables of a Next.js app: the app's sign-outs now reach every Rust process's cache.
/// cache_triggers::install::<PrismaTables>(&db, DEFAULT_CHANNEL).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`DbErr::Custom`] for a `channel` that cannot name one; the database's error (a table missing, no right to create
/// a trigger on it) otherwise, nothing changed.
pub async fn install<S: Schema>(db: &(impl ConnectionTrait + TransactionTrait), channel: &str) -> Result<(), DbErr> {
    let statements = install_statements::<S>(channel)?;
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    run(db, &statements).await
}

/// Drops the triggers of schema `S` (and their function, unless another mapping's triggers use it), in one
/// transaction. Idempotent. Does nothing on SQLite and MySQL/MariaDB.
///
/// # Errors
/// The database's error, nothing changed.
pub async fn uninstall<S: Schema>(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    run(db, &uninstall_statements::<S>()).await
}

async fn run(db: &(impl ConnectionTrait + TransactionTrait), statements: &[String]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for statement in statements {
        if let Err(err) = txn.execute_unprepared(statement).await {
            let _ = txn.rollback().await;
            return Err(err);
        }
    }
    txn.commit().await
}

/// A migration installing the triggers of schema `S` ([`install`]; `down`: [`uninstall`]), for an application that
/// wants writes made elsewhere to reach its session cache at once: add it after the table migrations in its own
/// `Migrator` (and keep it there: its name is recorded in `seaql_migrations`). A no-op on SQLite and MySQL/MariaDB.
///
/// ```
/// use authjs_sea_orm::cache_triggers::CacheTriggers;
/// use sea_orm_migration::prelude::*;
///
/// pub struct Migrator;
///
/// #[async_trait::async_trait]
/// impl MigratorTrait for Migrator {
///     fn migrations() -> Vec<Box<dyn MigrationTrait>> {
///         let mut migrations = authjs_sea_orm::migration::migrations();
///         migrations.push(Box::new(CacheTriggers::new())); // the default tables, channel `authjs_cache`
///         migrations
///     }
/// }
/// ```
#[cfg(feature = "migration")]
#[cfg_attr(docsrs, doc(cfg(feature = "migration")))]
pub struct CacheTriggers<S = Tables> {
    channel: Cow<'static, str>,
    _schema: PhantomData<fn() -> S>,
}

#[cfg(feature = "migration")]
impl CacheTriggers {
    /// The triggers of the default tables, notifying [`DEFAULT_CHANNEL`].
    pub fn new() -> Self {
        Self::for_schema()
    }
}

#[cfg(feature = "migration")]
impl<S: Schema> CacheTriggers<S> {
    /// The triggers of schema `S` (a Prisma preset, your own tables), notifying [`DEFAULT_CHANNEL`].
    pub fn for_schema() -> Self {
        Self { channel: Cow::Borrowed(DEFAULT_CHANNEL), _schema: PhantomData }
    }

    /// Notifying `channel` instead (checked when the migration runs); give the listeners the same one.
    pub fn on_channel(mut self, channel: impl Into<Cow<'static, str>>) -> Self {
        self.channel = channel.into();
        self
    }
}

#[cfg(feature = "migration")]
impl<S: Schema> Default for CacheTriggers<S> {
    fn default() -> Self {
        Self::for_schema()
    }
}

#[cfg(feature = "migration")]
impl<S> sea_orm_migration::MigrationName for CacheTriggers<S> {
    fn name(&self) -> &str {
        "m20261203_000001_authjs_cache_triggers"
    }
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[cfg(feature = "migration")]
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl<S: Schema> sea_orm_migration::MigrationTrait for CacheTriggers<S> {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
        install::<S>(manager.get_connection(), &self.channel).await
    }

    async fn down(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
        uninstall::<S>(manager.get_connection()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TokenDigest;
    use crate::prisma::PrismaTables;

    #[test]
    fn identifiers_and_arguments_are_quoted() {
        let statements = install_statements::<PrismaTables>("Auth \"cache\"").expect("a valid channel");
        assert_eq!(statements.len(), 9, "one function (one schema), four statements per table");
        assert!(statements[0].starts_with(r#"CREATE OR REPLACE FUNCTION "authjs_cache_notify"() RETURNS trigger"#));
        assert!(statements.contains(&format!(
            "CREATE TRIGGER \"authjs_cache_notify\" AFTER UPDATE OR DELETE ON \"Session\" FOR EACH ROW \
             EXECUTE FUNCTION \"authjs_cache_notify\"({}, 's', 'sessionToken')",
            quote_literal("Auth \"cache\"")
        )));
        assert!(statements.iter().any(|s| {
            s.ends_with(r#"ON "User" FOR EACH ROW EXECUTE FUNCTION "authjs_cache_notify"('Auth "cache"', 'u', 'id')"#)
        }));
        assert_eq!(quote_literal("it's"), "E'it\\'s'");
        assert_eq!(qualified(Some("auth \"v2\""), "session"), r#""auth ""v2"""."session""#);
        for bad in ["", "x\0y", &"c".repeat(64)] {
            assert!(install_statements::<PrismaTables>(bad).is_err(), "{bad:?}");
        }
        assert_eq!(uninstall_statements::<PrismaTables>().len(), 5);
    }

    #[test]
    fn payloads_parse_and_unknown_ones_drop_everything() {
        let digest = TokenDigest::of("token");
        let hex_digits = &digest.handle()["sha256:".len()..];
        assert_eq!(Change::of_payload(&format!("s:{hex_digits}")), Change::Session(digest));
        assert_eq!(Change::of_payload(&format!("s:{}", hex_digits.to_uppercase())), Change::Session(digest));
        assert_eq!(Change::of_payload("u:42"), Change::User("42".to_owned()));
        assert_eq!(Change::of_payload("u:a:b"), Change::User("a:b".to_owned()));
        for other in ["*", "s:xyz", "u:", "", "v:1", "s:"] {
            assert_eq!(Change::of_payload(other), Change::All, "{other}");
        }
    }
}
