//! The indexes option: the indexes this crate's migration adds beyond Drizzle's schema, created on adopted tables
//! on request and dropped with the adoption.

use sea_orm::{ConnectionTrait, DbErr};
use sea_orm_migration::prelude::*;

use super::EXTRA_INDEXES;
use super::catalog::read_table;
use super::record::{Record, adoptions, record_table};

/// Adds to adopted tables the indexes this crate's migration creates beyond Drizzle's schema ([`EXTRA_INDEXES`]),
/// where the column has no index yet (MySQL indexes foreign-key columns itself, so `userId` usually has one there),
/// and records them. Returns the names of the indexes created: none when nothing was adopted (tables this crate
/// created have them all) or when they exist. Idempotent.
///
/// Off by default: drizzle-kit `push` sees these indexes as drift from the app's Drizzle schema (and offers to
/// drop them), unless the app declares them too. Call it after `Migrator::up`, add [`CreateIndexes`] to your
/// migrations, or run `cargo run -p migration -- up --adopt-indexes`. Rolling back the adoption drops them.
pub async fn create_indexes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let adopted = adoptions(db).await?;
    let mut created = Vec::new();
    for adoption in &adopted {
        let mut added = Vec::new();
        for (_, column, name) in EXTRA_INDEXES.iter().filter(|(t, _, _)| *t == adoption.table) {
            let table = read_table(db, &adoption.table).await?;
            // Better Auth's adopted `session` and `account` have other columns (and their own `userId` indexes).
            let has_column = table.columns.iter().any(|c| c.name == *column);
            if table.has_index(name) || table.indexed(column) || !has_column {
                continue;
            }
            let index = Index::create()
                .name(*name)
                .table(Alias::new(adoption.table.as_str()))
                .col(Alias::new(*column))
                .to_owned();
            db.execute(&index).await?;
            added.push((*name).to_owned());
        }
        if added.is_empty() {
            continue;
        }
        let indexes: Vec<&str> =
            adoption.indexes.iter().map(String::as_str).chain(added.iter().map(String::as_str)).collect();
        let update = Query::update()
            .table(record_table())
            .value(Record::Indexes, indexes.join(" "))
            .and_where(Expr::col(Record::TableName).eq(adoption.table.as_str()))
            .to_owned();
        db.execute(&update).await?;
        created.extend(added);
    }
    Ok(created)
}

/// Drops the indexes [`create_indexes`] added to adopted tables, and forgets them. Returns their names.
pub async fn drop_indexes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let mut dropped = Vec::new();
    for adoption in adoptions(db).await? {
        if adoption.indexes.is_empty() {
            continue;
        }
        let table = read_table(db, &adoption.table).await?;
        for name in &adoption.indexes {
            // Only names this crate creates, still there.
            if EXTRA_INDEXES.iter().any(|(t, _, n)| *t == adoption.table && n == name) && table.has_index(name) {
                let drop = Index::drop().name(name.as_str()).table(Alias::new(adoption.table.as_str())).to_owned();
                db.execute(&drop).await?;
                dropped.push(name.clone());
            }
        }
        let update = Query::update()
            .table(record_table())
            .value(Record::Indexes, Option::<String>::None)
            .and_where(Expr::col(Record::TableName).eq(adoption.table.as_str()))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(dropped)
}

/// A migration that runs [`create_indexes`] (`down`: [`drop_indexes`]), for an application that wants the indexes on
/// adopted tables: add it after [`migrations()`](crate::migration::migrations) in its own `Migrator`, and keep it there
/// (its name is recorded in `seaql_migrations`). A no-op on tables this crate created.
pub struct CreateIndexes;

impl MigrationName for CreateIndexes {
    fn name(&self) -> &str {
        "m20261128_000001_authjs_adopted_indexes"
    }
}

// `async_trait` expands the elided `SchemaManager<'_>` lifetime itself.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for CreateIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager.get_connection()).await.map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager.get_connection()).await.map(drop)
    }
}
