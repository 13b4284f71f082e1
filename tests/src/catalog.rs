//! A text snapshot of everything a database's catalog says about its tables, to prove that an operation changed
//! nothing: SQLite's `sqlite_master` (every table's and index's SQL), PostgreSQL's columns (type, precision,
//! nullability, default, collation), constraints (`pg_get_constraintdef`) and indexes (`pg_indexes`) of the current
//! schema, MySQL/MariaDB's `SHOW CREATE TABLE` of every table (columns, collations, keys, indexes, options).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};

use crate::Backend;

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> T {
    row.try_get("", column).unwrap_or_else(|e| panic!("catalog column {column}: {e}"))
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<QueryResult> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// One line per catalog entry of every table but `except` (and their indexes and constraints), sorted.
pub async fn snapshot(db: &DatabaseConnection, backend: Backend, except: &[&str]) -> Vec<String> {
    let skip = |table: &str| except.contains(&table);
    let mut lines = Vec::new();
    match backend {
        Backend::SqliteMemory | Backend::SqliteFile => {
            for r in rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master").await {
                let table: String = get(&r, "tbl_name");
                if !skip(&table) {
                    let sql: Option<String> = get(&r, "sql");
                    lines.push(format!(
                        "{} {} on {table}: {}",
                        get::<String>(&r, "type"),
                        get::<String>(&r, "name"),
                        sql.unwrap_or_default()
                    ));
                }
            }
        }
        Backend::Postgres => {
            let columns = "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d, \
                           coalesce(datetime_precision::text, '') || '/' || coalesce(character_maximum_length::text, '') \
                           || '/' || is_nullable::text || '/' || coalesce(column_default::text, '') || '/' \
                           || coalesce(collation_name::text, '') AS x \
                           FROM information_schema.columns WHERE table_schema = current_schema()";
            for r in rows(db, columns).await {
                let table: String = get(&r, "t");
                if !skip(&table) {
                    let (c, d, x): (String, String, String) = (get(&r, "c"), get(&r, "d"), get(&r, "x"));
                    lines.push(format!("column {table}.{c}: {d} {x}"));
                }
            }
            let constraints = "SELECT c.conrelid::regclass::text AS t, c.conname::text AS n, \
                               pg_get_constraintdef(c.oid) AS d FROM pg_constraint c \
                               JOIN pg_namespace s ON s.oid = c.connamespace WHERE s.nspname = current_schema()";
            for r in rows(db, constraints).await {
                let table: String = get(&r, "t");
                if !skip(table.trim_matches('"')) {
                    lines.push(format!("constraint {table}.{}: {}", get::<String>(&r, "n"), get::<String>(&r, "d")));
                }
            }
            let indexes = "SELECT tablename::text AS t, indexname::text AS n, indexdef AS d FROM pg_indexes \
                           WHERE schemaname = current_schema()";
            for r in rows(db, indexes).await {
                let table: String = get(&r, "t");
                if !skip(&table) {
                    lines.push(format!("index {table}.{}: {}", get::<String>(&r, "n"), get::<String>(&r, "d")));
                }
            }
        }
        Backend::MySql => {
            let tables = "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()";
            for r in rows(db, tables).await {
                let table: String = get(&r, "t");
                if skip(&table) {
                    continue;
                }
                let show = db
                    .query_one_raw(Statement::from_string(DbBackend::MySql, format!("SHOW CREATE TABLE `{table}`")))
                    .await
                    .unwrap_or_else(|e| panic!("SHOW CREATE TABLE {table}: {e}"))
                    .unwrap_or_else(|| panic!("SHOW CREATE TABLE {table}: no row"));
                let sql: String = show.try_get_by_index(1).unwrap_or_else(|e| panic!("SHOW CREATE TABLE {table}: {e}"));
                lines.extend(sql.lines().map(|line| format!("{table}: {}", line.trim())));
            }
        }
    }
    lines.sort();
    lines
}

/// The names of the indexes of `table` (not the primary key's), sorted.
pub async fn index_names(db: &DatabaseConnection, backend: Backend, table: &str) -> Vec<String> {
    let sql = match backend {
        Backend::SqliteMemory | Backend::SqliteFile => {
            format!("SELECT name FROM pragma_index_list('{table}') WHERE origin <> 'pk'")
        }
        Backend::Postgres => format!(
            "SELECT i.relname::text AS name FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             WHERE ix.indrelid = to_regclass(format('%I.%I', current_schema(), '{table}'::text)) AND NOT ix.indisprimary"
        ),
        Backend::MySql => format!(
            "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' AND INDEX_NAME <> 'PRIMARY'"
        ),
    };
    let mut names: Vec<String> = rows(db, &sql).await.iter().map(|r| get(r, "name")).collect();
    names.sort();
    names
}
