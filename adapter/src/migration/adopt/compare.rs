//! The comparison: the existing tables against what the entities need ([`Differences`], one line each), and the
//! origin of compatible tables, told by their index names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

use super::catalog::{FoundTable, existing_tables, read_table};
use super::spec::TableSet;
use super::{EXTRA_INDEXES, Origin};

/// How existing tables differ from what the adapter's entities need: one line per difference,
/// `table.column: expected ..., found ...`. Names only, never a value of a row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Differences(pub Vec<String>);

impl Differences {
    /// The error message for the tables of `set`: as [`Display`](fmt::Display), naming whose tables they are.
    pub(super) fn message(&self, set: TableSet) -> String {
        Message(self, set.label()).to_string()
    }
}

/// [`Differences`] as an error message about `.1`'s tables.
struct Message<'a>(&'a Differences, &'a str);

impl fmt::Display for Differences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Message(self, "Auth.js").fmt(f)
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Message(Differences(differences), what) = *self;
        write!(
            f,
            "the existing {what} tables cannot be adopted ({} difference{} from what the adapter reads and writes; \
             nothing was changed):",
            differences.len(),
            if differences.len() == 1 { "" } else { "s" }
        )?;
        for difference in differences {
            write!(f, "\n  {difference}")?;
        }
        Ok(())
    }
}

fn list(columns: &[String]) -> String {
    format!("({})", columns.join(", "))
}

/// Compares `found` (the existing ones among the tables of `set`) with what the entities need on `backend`.
pub(super) fn compare(set: TableSet, backend: DbBackend, found: &BTreeMap<String, FoundTable>) -> Differences {
    let mut out = Vec::new();
    let specs = set.specs();
    let users = specs[0].name;
    for spec in specs.iter() {
        let t = spec.name;
        let Some(table) = found.get(t) else {
            if !set.optional().contains(&t) {
                out.push(format!("{t}: expected a table, found none"));
            }
            continue;
        };
        for col in &spec.columns {
            let Some(f) = table.columns.iter().find(|c| c.name == col.name) else {
                let expected = col.kind.expected(backend);
                out.push(format!("{t}.{}: expected a column ({expected}), found none", col.name));
                continue;
            };
            if !col.kind.accepts(backend, f) {
                out.push(format!("{t}.{}: expected {}, found {}", col.name, col.kind.expected(backend), f.sql_type));
            }
            if col.nullable && !f.nullable && !set.may_be_required().contains(&(t, col.name.as_str())) {
                out.push(format!("{t}.{}: expected nullable, found NOT NULL", col.name));
            } else if !col.nullable && f.nullable {
                out.push(format!("{t}.{}: expected NOT NULL, found nullable", col.name));
            }
            if col.unique && !table.unique(&col.name) {
                out.push(format!("{t}.{}: expected a unique index, found none", col.name));
            }
        }
        let found_pk: BTreeSet<&String> = table.primary_key.iter().collect();
        // The entity's key may be a unique index without a primary key (Prisma's v5 `Session`, v4
        // `VerificationToken`).
        let unique_key = table.primary_key.is_empty()
            && (spec.primary_key.len() == 1 && spec.primary_key.iter().all(|column| table.unique(column))
                || table.indexes.iter().any(|i| {
                    i.unique
                        && !i.partial
                        && i.columns.iter().collect::<BTreeSet<_>>() == spec.primary_key.iter().collect()
                }));
        if found_pk != spec.primary_key.iter().collect() && !unique_key {
            let expected: Vec<String> = spec.primary_key.iter().cloned().collect();
            let found = if table.primary_key.is_empty() { "none".to_owned() } else { list(&table.primary_key) };
            out.push(format!("{t} (primary key): expected {}, found {found}", list(&expected)));
        }
        for column in &spec.cascades_to_user {
            let fk = table
                .foreign_keys
                .iter()
                .find(|fk| fk.columns == [column.as_str()] && fk.ref_table == users && fk.ref_columns == ["id"]);
            match fk {
                None => out.push(format!(
                    "{t}.{column}: expected a foreign key to {users}.id with ON DELETE CASCADE, found none"
                )),
                Some(fk) if fk.on_delete != "CASCADE" => out.push(format!(
                    "{t}.{column}: expected a foreign key to {users}.id with ON DELETE CASCADE, found ON DELETE {}",
                    fk.on_delete
                )),
                Some(_) => {}
            }
        }
        for f in table.columns.iter().filter(|_| set.inserts_into(t)) {
            if !f.nullable && !f.has_default && !spec.columns.iter().any(|c| c.name == f.name) {
                out.push(format!(
                    "{t}.{}: expected nullable or a default (the adapter does not write this column), found NOT NULL \
                     without a default",
                    f.name
                ));
            }
        }
    }
    Differences(out)
}

/// The origin told by the index names of the tables.
pub(super) fn origin(set: TableSet, found: &BTreeMap<String, FoundTable>) -> Origin {
    let has = |table: &str, index: &str| found.get(table).is_some_and(|t| t.has_index(index));
    match set {
        TableSet::Prisma | TableSet::PrismaV4 => {
            let prisma = has("User", "User_email_key") && has("Session", "Session_sessionToken_key");
            return if prisma { Origin::PrismaMigrate } else { Origin::Other };
        }
        TableSet::BetterAuth | TableSet::BetterAuthDrizzle => {
            // Both name their plain indexes alike; drizzle-kit also names the unique ones (`<table>_<column>_unique`),
            // Better Auth's migrations leave them to the database (`user_email_key`, `email`, SQLite's autoindexes).
            let better_auth = has("session", "session_userId_idx")
                && has("account", "account_userId_idx")
                && has("verification", "verification_identifier_idx");
            let drizzle_kit = has("user", "user_email_unique") && has("session", "session_token_unique");
            return match (set, better_auth, drizzle_kit) {
                (TableSet::BetterAuth, true, false) => Origin::BetterAuth,
                (TableSet::BetterAuthDrizzle, true, true) => Origin::BetterAuthDrizzleKit,
                _ => Origin::Other,
            };
        }
        _ => {}
    }
    if EXTRA_INDEXES.iter().all(|(table, _, index)| has(table, index)) {
        Origin::AuthjsSeaOrm
    } else if EXTRA_INDEXES.iter().all(|(table, _, index)| !has(table, index))
        && has("user", "user_email_unique")
        && has("authenticator", "authenticator_credentialID_unique")
    {
        Origin::DrizzleKit
    } else {
        Origin::Other
    }
}

/// Reads the five tables from the catalog and compares them with what the entities need: `Ok(None)` when none of
/// them exists, `Ok(Some(origin))` when all five exist and are compatible, else the [`Differences`].
///
/// Only reads the catalog. [`adopt_existing`](super::adopt_existing) calls it; call it yourself to see whether a
/// database can be adopted.
pub async fn check(db: &impl ConnectionTrait) -> Result<Option<Result<Origin, Differences>>, DbErr> {
    check_set(db, TableSet::Drizzle).await
}

/// [`check`] for the tables of `set`: [`TableSet::Prisma`] compares the Prisma adapter's tables with
/// [`crate::entity::prisma`], [`TableSet::BetterAuth`] Better Auth's with [`crate::entity::better_auth`].
pub async fn check_set(db: &impl ConnectionTrait, set: TableSet) -> Result<Option<Result<Origin, Differences>>, DbErr> {
    let backend = db.get_database_backend();
    let existing = existing_tables(db).await?;
    let mut found = BTreeMap::new();
    for name in set.table_names() {
        if existing.contains(name) {
            found.insert(name.to_owned(), read_table(db, name).await?);
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let differences = compare(set, backend, &found);
    Ok(Some(if differences.0.is_empty() { Ok(origin(set, &found)) } else { Err(differences) }))
}
