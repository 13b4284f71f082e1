//! The record: [`RECORD_TABLE`], written when tables are adopted, read to tell whether they were, dropped when the
//! adoption is rolled back; and the `up` and `down` branches of an adopting migration.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use sea_orm_migration::prelude::*;

use super::catalog::existing_tables;
use super::compare::check_set;
use super::indexes::drop_indexes;
use super::spec::TableSet;
use super::{Adoption, Origin, RECORD_TABLE};

pub(super) fn record_table() -> Alias {
    Alias::new(RECORD_TABLE)
}

#[derive(Iden)]
pub(super) enum Record {
    TableName,
    Origin,
    Migration,
    AdoptedAt,
    Indexes,
}

async fn record_exists(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(existing_tables(db).await?.contains(RECORD_TABLE))
}

/// The adopted tables, as recorded in [`RECORD_TABLE`]: empty when nothing was adopted. Only reads.
pub async fn adoptions(db: &impl ConnectionTrait) -> Result<Vec<Adoption>, DbErr> {
    if !record_exists(db).await? {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Record::TableName, Record::Origin, Record::Migration, Record::AdoptedAt, Record::Indexes])
        .from(record_table())
        .to_owned();
    let rows = db.query_all(&query).await?;
    let mut adoptions: Vec<Adoption> = rows
        .iter()
        .map(|r| {
            let at: i64 = r.try_get("", "adopted_at")?;
            let indexes: Option<String> = r.try_get("", "indexes")?;
            Ok(Adoption {
                table: r.try_get("", "table_name")?,
                origin: Origin::parse(&r.try_get::<String>("", "origin")?),
                migration: r.try_get("", "migration")?,
                adopted_at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
                indexes: indexes.unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
            })
        })
        .collect::<Result<_, DbErr>>()?;
    // In the order of the tables, users first.
    let order: Vec<&str> = [TableSet::Drizzle, TableSet::Prisma, TableSet::BetterAuth]
        .into_iter()
        .flat_map(TableSet::table_names)
        .collect();
    // (next-auth v4's Prisma tables have the v5 names.)
    adoptions.sort_by_key(|a| order.iter().position(|t| *t == a.table).unwrap_or(order.len()));
    Ok(adoptions)
}

/// Whether the Auth.js tables of this database were adopted (recorded in [`RECORD_TABLE`]). Only reads.
pub async fn is_adopted(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(!adoptions(db).await?.is_empty())
}

async fn write_record(db: &impl ConnectionTrait, migration: &str, origin: Origin, names: &[&str]) -> Result<(), DbErr> {
    let create = Table::create()
        .table(record_table())
        .if_not_exists()
        .col(ColumnDef::new(Record::TableName).string_len(255).not_null().primary_key())
        .col(ColumnDef::new(Record::Origin).string_len(255).not_null())
        .col(ColumnDef::new(Record::Migration).string_len(255).not_null())
        .col(ColumnDef::new(Record::AdoptedAt).big_integer().not_null())
        .col(ColumnDef::new(Record::Indexes).text().null())
        .to_owned();
    db.execute(&create).await?;
    db.execute(
        &Query::delete()
            .from_table(record_table())
            .and_where(Expr::col(Record::TableName).is_in(names.iter().copied()))
            .to_owned(),
    )
    .await?;
    let now = Utc::now().timestamp();
    let mut insert = Query::insert();
    insert.into_table(record_table()).columns([
        Record::TableName,
        Record::Origin,
        Record::Migration,
        Record::AdoptedAt,
    ]);
    for &name in names {
        insert
            .values([name.into(), origin.as_str().into(), migration.into(), now.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    db.execute(&insert).await?;
    Ok(())
}

/// The `up` branch of an adopting migration: when some of the five tables exist, checks them, and records them as
/// adopted (`true`: the caller creates nothing), or fails listing every difference ([`Differences`](super::Differences)
/// in a [`DbErr::Migration`]). `false` when none exists: the caller creates them. Reads the catalog only, unless it
/// adopts.
pub async fn adopt_existing(manager: &SchemaManager<'_>, migration: &str) -> Result<bool, DbErr> {
    adopt_existing_set(manager, migration, TableSet::Drizzle).await
}

/// [`adopt_existing`] for the tables of `set` ([`migration::prisma`](crate::migration::prisma) adopts
/// [`TableSet::Prisma`], [`migration::better_auth`](crate::migration::better_auth) [`TableSet::BetterAuth`]).
pub async fn adopt_existing_set(manager: &SchemaManager<'_>, migration: &str, set: TableSet) -> Result<bool, DbErr> {
    let db = manager.get_connection();
    match check_set(db, set).await? {
        None => Ok(false),
        Some(Err(differences)) => Err(DbErr::Migration(differences.message(set))),
        Some(Ok(origin)) => {
            let existing = existing_tables(db).await?;
            let names: Vec<&str> = set.table_names().into_iter().filter(|t| existing.contains(*t)).collect();
            write_record(db, migration, origin, &names).await?;
            Ok(true)
        }
    }
}

/// The `down` branch of an adopting migration: when the tables were adopted, drops the indexes
/// [`create_indexes`](super::create_indexes) added and the record ([`RECORD_TABLE`]), and returns `true`: the caller
/// must not drop the tables, which belong to the app that created them. `false` when nothing was adopted.
pub async fn forget(manager: &SchemaManager<'_>) -> Result<bool, DbErr> {
    let db = manager.get_connection();
    if !is_adopted(db).await? {
        return Ok(false);
    }
    drop_indexes(db).await?;
    db.execute(&Table::drop().table(record_table()).to_owned()).await?;
    Ok(true)
}
