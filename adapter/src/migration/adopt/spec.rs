//! What the entities need: for each of the five tables, its columns (how each is read and written, nullable,
//! unique), its primary key and its foreign keys to the users table.

use std::collections::BTreeSet;

use sea_orm::sea_query::{ColumnType, ForeignKeyAction, Iden};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, Iterable, PrimaryKeyToColumn, RelationTrait, RelationType};

use super::catalog::FoundColumn;
use crate::entity;

/// How a column is read and written by the entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Date,
    /// A date the entity declares as `Timestamp`: ISO-8601 text on SQLite (Prisma's `DATETIME`), else as `Date`.
    IsoDate,
    /// A date the entity declares as `TimestampWithTimeZone` (Better Auth's own tables): `timestamptz` on
    /// PostgreSQL, ISO-8601 text on SQLite (Better Auth's `date`), else as `Date`.
    ZonedDate,
    Integer,
    Bool,
}

impl Kind {
    pub(super) fn of(column_type: &ColumnType) -> Kind {
        match column_type {
            ColumnType::DateTime => Kind::Date,
            ColumnType::Timestamp => Kind::IsoDate,
            ColumnType::TimestampWithTimeZone => Kind::ZonedDate,
            ColumnType::BigInteger | ColumnType::Integer => Kind::Integer,
            ColumnType::Boolean => Kind::Bool,
            _ => Kind::Text,
        }
    }

    /// The column types of `backend` the entities read and write for this kind, as the error names them.
    pub(super) fn expected(self, backend: DbBackend) -> &'static str {
        match (backend, self) {
            (DbBackend::Postgres, Kind::Text) => "text or character varying",
            (DbBackend::Postgres, Kind::Date | Kind::IsoDate) => "timestamp without time zone",
            (DbBackend::Postgres, Kind::ZonedDate) => "timestamp with time zone",
            (DbBackend::Postgres, Kind::Integer) => "integer or bigint",
            (DbBackend::Postgres, Kind::Bool) => "boolean",
            (DbBackend::MySql, Kind::Text) => "varchar or text",
            (DbBackend::MySql, Kind::Date | Kind::IsoDate | Kind::ZonedDate) => "datetime or timestamp",
            (DbBackend::MySql, Kind::Integer) => "int or bigint (signed)",
            (DbBackend::MySql, Kind::Bool) => "boolean (tinyint)",
            (_, Kind::Text) => "text",
            (_, Kind::Date) => "integer (epoch milliseconds)",
            (_, Kind::IsoDate) => "datetime (ISO-8601 text)",
            (_, Kind::ZonedDate) => "date (ISO-8601 text)",
            (_, Kind::Integer | Kind::Bool) => "integer",
        }
    }

    /// Whether a column typed `found` on `backend` holds this kind as the entities read and write it.
    pub(super) fn accepts(self, backend: DbBackend, found: &FoundColumn) -> bool {
        let t = found.sql_type.as_str();
        match backend {
            DbBackend::Postgres => match self {
                Kind::Text => matches!(t, "text" | "character varying"),
                // `timestamptz` would read, but the entities write naive UTC instants, which PostgreSQL converts
                // through the session's time zone there.
                Kind::Date | Kind::IsoDate => t == "timestamp without time zone",
                // The store binds UTC instants (`timestamptz`), which a `timestamp` column would take through the
                // session's time zone.
                Kind::ZonedDate => t == "timestamp with time zone",
                Kind::Integer => matches!(t, "integer" | "bigint"),
                Kind::Bool => t == "boolean",
            },
            DbBackend::MySql => {
                let base = t.split(['(', ' ']).next().unwrap_or_default();
                match self {
                    Kind::Text => matches!(base, "varchar" | "text" | "tinytext" | "mediumtext" | "longtext"),
                    Kind::Date | Kind::IsoDate | Kind::ZonedDate => matches!(base, "datetime" | "timestamp"),
                    Kind::Integer => matches!(base, "int" | "bigint") && !t.contains("unsigned"),
                    Kind::Bool => base == "tinyint",
                }
            }
            // SQLite: the declared type's affinity (https://www.sqlite.org/datatype3.html, 3.1).
            _ => {
                let t = t.to_ascii_lowercase();
                match self {
                    Kind::Text => {
                        !t.contains("int") && (t.contains("char") || t.contains("clob") || t.contains("text"))
                    }
                    Kind::Date | Kind::Integer => t.contains("int"),
                    // Prisma declares `BOOLEAN` (numeric affinity, 0/1 stored).
                    Kind::Bool => t.contains("int") || t.contains("bool"),
                    Kind::IsoDate => t.contains("date") || t.contains("time"),
                    // Better Auth declares `date` (numeric affinity: ISO-8601 text stays text); a text column holds
                    // the same text.
                    Kind::ZonedDate => {
                        t.contains("date") || t.contains("time") || (!t.contains("int") && t.contains("text"))
                    }
                }
            }
        }
    }
}

/// One column of an entity.
pub(super) struct ColumnSpec {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) nullable: bool,
    pub(super) unique: bool,
}

/// One table as an entity reads it.
pub(super) struct TableSpec {
    pub(super) name: &'static str,
    pub(super) columns: Vec<ColumnSpec>,
    pub(super) primary_key: BTreeSet<String>,
    /// Columns referring to `user.id`, rows deleted with the user.
    pub(super) cascades_to_user: Vec<String>,
}

fn spec<E: EntityTrait>() -> TableSpec {
    let columns = E::Column::iter()
        .map(|col| {
            let def = col.def();
            ColumnSpec {
                name: col.to_string(),
                kind: Kind::of(def.get_column_type()),
                nullable: def.is_null(),
                unique: def.is_unique(),
            }
        })
        .collect();
    let primary_key = E::PrimaryKey::iter().map(|key| key.into_column().to_string()).collect();
    let cascades_to_user = E::Relation::iter()
        .map(|rel| rel.def())
        .filter(|def| def.rel_type == RelationType::HasOne && matches!(def.on_delete, Some(ForeignKeyAction::Cascade)))
        .flat_map(|def| def.from_col.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    TableSpec { name: E::default().table_name(), columns, primary_key, cascades_to_user }
}

/// Which tables an adoption checks (five Auth.js tables, or Better Auth's four), and against which entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableSet {
    /// The Auth.js Drizzle adapter's default schema: the entities of [`crate::entity`] (the migrations of
    /// [`migrations()`](crate::migration::migrations)).
    Drizzle,
    /// The Auth.js Prisma adapter's schema: the entities of [`crate::entity::prisma`] (the migration of
    /// [`migration::prisma`](crate::migration::prisma)).
    Prisma,
    /// next-auth v4's Prisma schema: the entities of [`crate::entity::prisma::v4`] and the v5 `Authenticator`,
    /// which may be missing (the migration of [`migration::prisma::v4`](crate::migration::prisma::v4)).
    PrismaV4,
    /// Better Auth's core tables (`user`, `session`, `account`, `verification`) as its own migrations create them:
    /// the entities of [`crate::entity::better_auth`] (the migration of
    /// [`migration::better_auth`](crate::migration::better_auth)).
    BetterAuth,
    /// Better Auth's core tables as its Drizzle CLI writes them (snake_case columns): the entities of
    /// [`crate::entity::better_auth::drizzle`] (the migration of
    /// [`migration::better_auth::drizzle`](crate::migration::better_auth::drizzle)).
    BetterAuthDrizzle,
}

impl TableSet {
    /// The tables, users first.
    pub(super) fn specs(self) -> Vec<TableSpec> {
        match self {
            TableSet::Drizzle => vec![
                spec::<entity::user::Entity>(),
                spec::<entity::account::Entity>(),
                spec::<entity::session::Entity>(),
                spec::<entity::verification_token::Entity>(),
                spec::<entity::authenticator::Entity>(),
            ],
            TableSet::PrismaV4 => vec![
                spec::<entity::prisma::v4::user::Entity>(),
                spec::<entity::prisma::v4::account::Entity>(),
                spec::<entity::prisma::v4::session::Entity>(),
                spec::<entity::prisma::v4::verification_token::Entity>(),
                spec::<entity::prisma::authenticator::Entity>(),
            ],
            TableSet::Prisma => vec![
                spec::<entity::prisma::user::Entity>(),
                spec::<entity::prisma::account::Entity>(),
                spec::<entity::prisma::session::Entity>(),
                spec::<entity::prisma::verification_token::Entity>(),
                spec::<entity::prisma::authenticator::Entity>(),
            ],
            TableSet::BetterAuth => vec![
                spec::<entity::better_auth::user::Entity>(),
                spec::<entity::better_auth::session::Entity>(),
                spec::<entity::better_auth::account::Entity>(),
                spec::<entity::better_auth::verification::Entity>(),
            ],
            TableSet::BetterAuthDrizzle => vec![
                spec::<entity::better_auth::drizzle::user::Entity>(),
                spec::<entity::better_auth::drizzle::session::Entity>(),
                spec::<entity::better_auth::drizzle::account::Entity>(),
                spec::<entity::better_auth::drizzle::verification::Entity>(),
            ],
        }
    }

    /// The names of the tables, users first (five Auth.js tables, or Better Auth's four).
    pub fn table_names(self) -> Vec<&'static str> {
        self.specs().into_iter().map(|s| s.name).collect()
    }

    /// Whose tables these are, as error messages name them.
    pub(super) fn label(self) -> &'static str {
        match self {
            TableSet::Drizzle | TableSet::Prisma | TableSet::PrismaV4 => "Auth.js",
            TableSet::BetterAuth | TableSet::BetterAuthDrizzle => "Better Auth",
        }
    }

    /// Whether this crate inserts rows into `table`, so that its columns the entity does not map must be nullable
    /// or have a default. Better Auth's store inserts sessions only (users, accounts and verifications are Node's).
    pub(super) fn inserts_into(self, table: &str) -> bool {
        match self {
            TableSet::BetterAuth | TableSet::BetterAuthDrizzle => table == "session",
            _ => true,
        }
    }

    /// Columns the entities read as optional that an adopted table may declare `NOT NULL`: the documented Prisma
    /// schema for PostgreSQL has `email String`, where the migration of the preset creates `String?`. Writes
    /// leaving such a column empty fail on that table.
    pub(super) fn may_be_required(self) -> &'static [(&'static str, &'static str)] {
        match self {
            TableSet::Prisma => &[("User", "email")],
            _ => &[],
        }
    }

    /// Tables an adopted database may lack: next-auth v4 has no WebAuthn, so no `Authenticator`.
    pub(super) fn optional(self) -> &'static [&'static str] {
        match self {
            TableSet::PrismaV4 => &["Authenticator"],
            _ => &[],
        }
    }
}

/// The names of the five tables of the Drizzle adapter's schema ([`TableSet::Drizzle`]).
pub fn table_names() -> [&'static str; 5] {
    let names = TableSet::Drizzle.table_names();
    std::array::from_fn(|i| names.get(i).copied().unwrap_or_default())
}
