//! The migration that creates the tables of the [Prisma preset](crate::prisma) on a new database: exactly what
//! `prisma migrate` creates from the Auth.js v5 Prisma schema on each backend (PascalCase tables, `TEXT` and
//! `TIMESTAMP(3)` on PostgreSQL, `VARCHAR(191)`/`TEXT` and `DATETIME(3)` with `utf8mb4_unicode_ci` on MySQL/MariaDB,
//! `DATETIME` on SQLite; Prisma's constraint names `User_pkey`, `User_email_key`, `Account_userId_fkey`, ...;
//! foreign keys `ON DELETE CASCADE ON UPDATE CASCADE`). The SQL is the `prisma/*.sql` files next to this module,
//! one per backend, and never changes: a database it created is indistinguishable from one Prisma migrated.
//!
//! On a database Prisma migrated already (a Next.js app's), `up` adopts the tables instead of creating them, as the
//! default migrations adopt drizzle-kit's: it checks them against [`crate::entity::prisma`]
//! ([`adopt::TableSet::Prisma`]), records them in
//! [`adopt::RECORD_TABLE`], and alters nothing; incompatible tables fail with every
//! difference named. `down` of an adopted migration forgets the adoption and keeps the tables. The documented
//! PostgreSQL schema's `email String` (`NOT NULL`) is accepted.
//!
//! ```
//! use authjs_sea_orm::migration::MigratorTrait;
//! use authjs_sea_orm::migration::prisma::Migrator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = authjs_sea_orm::connect("sqlite::memory:").await?;
//! Migrator::up(&db, None).await?; // or splice `migrations()` into your own Migrator
//! # Ok(())
//! # }
//! ```

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::adopt::{self, TableSet};
use super::sql_statements as statements;

/// The SQL Prisma's migrations run for the Auth.js v5 schema on PostgreSQL.
pub const POSTGRES_SQL: &str = include_str!("prisma/postgres.sql");
/// The same on MySQL and MariaDB.
pub const MYSQL_SQL: &str = include_str!("prisma/mysql.sql");
/// The same on SQLite.
pub const SQLITE_SQL: &str = include_str!("prisma/sqlite.sql");

/// The tables, in the order they are created (dropped in reverse).
pub const TABLES: [&str; 5] = ["User", "Account", "Session", "VerificationToken", "Authenticator"];

/// The SQL for `backend`.
pub fn sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => POSTGRES_SQL,
        DbBackend::MySql => MYSQL_SQL,
        _ => SQLITE_SQL,
    }
}

/// A preset's migration (Prisma's, Better Auth's) named `$name`: `up` adopts the tables of `$set` if they exist, else
/// runs `sql` of the module; `down` forgets an adoption, else drops `TABLES`. Also the module's `migrations()` and
/// `Migrator`.
macro_rules! preset_migration {
    ($(#[$doc:meta])* $name:literal, $set:expr, $what:literal) => {
        $(#[$doc])*
        pub struct Migration;

        impl MigrationName for Migration {
            fn name(&self) -> &str {
                $name
            }
        }

        // `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
        #[allow(elided_lifetimes_in_paths)]
        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                create_or_adopt(manager, self.name(), $set, sql).await
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                drop_unless_adopted(manager, &TABLES).await
            }
        }

        #[doc = concat!("The ", $what, " migrations, oldest first, to include in an application's `Migrator`.")]
        pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            vec![Box::new(Migration)]
        }

        #[doc = concat!("A migrator that runs only the ", $what, " migrations.")]
        pub struct Migrator;

        #[async_trait::async_trait]
        impl MigratorTrait for Migrator {
            fn migrations() -> Vec<Box<dyn MigrationTrait>> {
                migrations()
            }
        }
    };
}

pub(super) use preset_migration;

preset_migration!(
    /// Creates the Prisma preset's tables ([`sql`]); `down` drops them.
    "m20261127_000002_create_prisma_auth_tables",
    TableSet::Prisma,
    "Prisma preset's"
);

/// `up` of a preset migration: adopts the tables of `set` if they exist, else runs `sql`.
pub(super) async fn create_or_adopt(
    manager: &SchemaManager<'_>,
    name: &str,
    set: TableSet,
    sql: fn(DbBackend) -> &'static str,
) -> Result<(), DbErr> {
    if adopt::adopt_existing_set(manager, name, set).await? {
        return Ok(());
    }
    let db = manager.get_connection();
    for stmt in statements(sql(db.get_database_backend())) {
        db.execute_unprepared(&stmt).await?;
    }
    Ok(())
}

/// `down` of a preset migration: forgets an adoption (the tables stay), else drops `tables` in reverse.
pub(super) async fn drop_unless_adopted(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    if adopt::forget(manager).await? {
        return Ok(());
    }
    for table in tables.iter().rev() {
        manager.drop_table(Table::drop().table(Alias::new(*table)).to_owned()).await?;
    }
    Ok(())
}

/// The migration for next-auth v4's Prisma schema ([`PrismaV4Tables`](crate::prisma::PrismaV4Tables)): the models of
/// `@next-auth/prisma-adapter`'s documentation (`Account.id` and `Session.id` keys, `Account_provider_providerAccountId_key`,
/// `VerificationToken_token_key` and `VerificationToken_identifier_token_key` unique indexes, no timestamps), in the
/// order `User`, `Account`, `Session`, `VerificationToken`, plus the v5 schema's `Authenticator` model for the Rust side
/// (next-auth v4 has no WebAuthn). The SQL is `prisma/v4/*.sql`, what `prisma migrate` creates from those models.
///
/// On a database Prisma migrated for next-auth v4, `up` adopts the tables ([`TableSet::PrismaV4`]); an
/// `Authenticator` table may be missing there (the WebAuthn methods then fail).
pub mod v4 {
    use sea_orm::DbBackend;
    use sea_orm_migration::prelude::*;

    use super::{TABLES, TableSet, create_or_adopt, drop_unless_adopted};

    /// The SQL Prisma's migrations run for next-auth v4's schema on PostgreSQL.
    pub const POSTGRES_SQL: &str = include_str!("prisma/v4/postgres.sql");
    /// The same on MySQL and MariaDB.
    pub const MYSQL_SQL: &str = include_str!("prisma/v4/mysql.sql");
    /// The same on SQLite.
    pub const SQLITE_SQL: &str = include_str!("prisma/v4/sqlite.sql");

    /// The SQL for `backend`.
    pub fn sql(backend: DbBackend) -> &'static str {
        match backend {
            DbBackend::Postgres => POSTGRES_SQL,
            DbBackend::MySql => MYSQL_SQL,
            _ => SQLITE_SQL,
        }
    }

    preset_migration!(
        /// Creates the tables of next-auth v4's Prisma schema ([`sql`]), or adopts them; `down` drops them.
        "m20261127_000003_create_prisma_v4_auth_tables",
        TableSet::PrismaV4,
        "v4 preset's"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_backend_creates_five_tables_three_unique_indexes_and_three_cascades() {
        for backend in [DbBackend::Postgres, DbBackend::MySql, DbBackend::Sqlite] {
            let v4: Vec<String> = statements(v4::sql(backend)).collect();
            assert_eq!(v4.iter().filter(|s| s.starts_with("CREATE TABLE")).count(), 5, "{backend:?}");
            assert_eq!(v4::sql(backend).matches("UNIQUE INDEX").count(), 6, "{backend:?}");
            assert_eq!(v4::sql(backend).matches("ON DELETE CASCADE ON UPDATE CASCADE").count(), 3, "{backend:?}");
            let all: Vec<String> = statements(sql(backend)).collect();
            assert_eq!(all.iter().filter(|s| s.starts_with("CREATE TABLE")).count(), 5, "{backend:?}");
            let text = sql(backend);
            assert_eq!(text.matches("UNIQUE INDEX").count(), 3, "{backend:?}");
            assert_eq!(text.matches("ON DELETE CASCADE ON UPDATE CASCADE").count(), 3, "{backend:?}");
            assert!(all.iter().all(|s| !s.contains("--") && !s.ends_with(';')), "{backend:?}");
        }
    }
}
