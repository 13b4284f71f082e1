//! What the catalog says: the columns, primary key, indexes and foreign keys of an existing table, read from
//! `information_schema` and `pg_catalog` (PostgreSQL), `information_schema` (MySQL/MariaDB) or the `pragma_*` table
//! functions (SQLite). Only reads.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};

#[derive(Debug)]
pub(super) struct FoundColumn {
    pub(super) name: String,
    /// PostgreSQL `data_type`, MySQL `COLUMN_TYPE`, SQLite declared type; lower case.
    pub(super) sql_type: String,
    pub(super) nullable: bool,
    pub(super) has_default: bool,
}

#[derive(Debug)]
pub(super) struct FoundIndex {
    pub(super) name: String,
    pub(super) columns: Vec<String>,
    pub(super) unique: bool,
    /// Partial or on expressions: not a plain index of its columns.
    pub(super) partial: bool,
}

#[derive(Debug)]
pub(super) struct FoundForeignKey {
    pub(super) columns: Vec<String>,
    pub(super) ref_table: String,
    pub(super) ref_columns: Vec<String>,
    pub(super) on_delete: String,
}

#[derive(Debug, Default)]
pub(super) struct FoundTable {
    pub(super) columns: Vec<FoundColumn>,
    pub(super) primary_key: Vec<String>,
    pub(super) indexes: Vec<FoundIndex>,
    pub(super) foreign_keys: Vec<FoundForeignKey>,
}

impl FoundTable {
    pub(super) fn has_index(&self, name: &str) -> bool {
        self.indexes.iter().any(|i| i.name == name)
    }

    /// Whether lookups on `column` use an index: the primary key or an index starting with it.
    pub(super) fn indexed(&self, column: &str) -> bool {
        self.primary_key.first().is_some_and(|c| c == column)
            || self.indexes.iter().any(|i| !i.partial && i.columns.first().is_some_and(|c| c == column))
    }

    /// Whether `column` alone is the primary key or has a unique index.
    pub(super) fn unique(&self, column: &str) -> bool {
        self.primary_key == [column]
            || self.indexes.iter().any(|i| i.unique && !i.partial && i.columns.len() == 1 && i.columns[0] == column)
    }
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

/// The base tables of the current database (current schema on PostgreSQL).
pub(super) async fn existing_tables(db: &impl ConnectionTrait) -> Result<BTreeSet<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        DbBackend::MySql => {
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let rows = db.query_all_raw(stmt(backend, sql, Vec::new())).await?;
    rows.iter().map(|r| r.try_get::<String>("", "name")).collect()
}

/// What the catalog says of `table`. Every backend's queries answer with the same column names, flags as integers
/// (0 or 1), so one mapping reads them all ([`column_row`], [`index_row`], [`foreign_key_row`]).
pub(super) async fn read_table(db: &impl ConnectionTrait, table: &str) -> Result<FoundTable, DbErr> {
    let backend = db.get_database_backend();
    let query = |sql: &str| db.query_all_raw(stmt(backend, sql, vec![table.into()]));
    let (columns_sql, indexes_sql, foreign_keys_sql) = match backend {
        DbBackend::Postgres => (PG_COLUMNS, PG_INDEXES, PG_FOREIGN_KEYS),
        DbBackend::MySql => (MYSQL_COLUMNS, MYSQL_INDEXES, MYSQL_FOREIGN_KEYS),
        _ => (SQLITE_COLUMNS, SQLITE_INDEXES, SQLITE_FOREIGN_KEYS),
    };
    let columns = query(columns_sql).await?.iter().map(column_row).collect::<Result<Vec<_>, DbErr>>()?;
    let index_rows = query(indexes_sql).await?.iter().map(index_row).collect::<Result<Vec<_>, DbErr>>()?;
    let foreign_keys = query(foreign_keys_sql).await?.iter().map(foreign_key_row).collect::<Result<Vec<_>, _>>()?;
    let (mut primary_key, indexes) = group_indexes(index_rows);
    if backend == DbBackend::Sqlite {
        // SQLite's catalog has no index for a rowid primary key: its columns come with their place in the key.
        let mut key: Vec<_> = columns.iter().filter(|(_, at)| *at > 0).map(|(c, at)| (*at, c.name.clone())).collect();
        key.sort();
        primary_key = key.into_iter().map(|(_, name)| name).collect();
    }
    Ok(FoundTable {
        columns: columns.into_iter().map(|(column, _)| column).collect(),
        primary_key,
        indexes,
        foreign_keys: group_foreign_keys(foreign_keys),
    })
}

/// Groups `(index, column, unique, partial, primary)` rows into the primary key and the other indexes.
fn group_indexes(
    rows: impl IntoIterator<Item = (String, Option<String>, bool, bool, bool)>,
) -> (Vec<String>, Vec<FoundIndex>) {
    let mut primary_key = Vec::new();
    let mut indexes: BTreeMap<String, FoundIndex> = BTreeMap::new();
    for (name, column, unique, partial, primary) in rows {
        if primary {
            primary_key.extend(column);
            continue;
        }
        let index =
            indexes.entry(name.clone()).or_insert_with(|| FoundIndex { name, columns: Vec::new(), unique, partial });
        match column {
            Some(column) => index.columns.push(column),
            None => index.partial = true,
        }
    }
    (primary_key, indexes.into_values().collect())
}

/// Groups `(key, column, referenced table, referenced column, ON DELETE)` rows into foreign keys.
fn group_foreign_keys(
    rows: impl IntoIterator<Item = (String, String, String, String, String)>,
) -> Vec<FoundForeignKey> {
    let mut keys: BTreeMap<String, FoundForeignKey> = BTreeMap::new();
    for (key, column, ref_table, ref_column, on_delete) in rows {
        let fk = keys.entry(key).or_insert_with(|| FoundForeignKey {
            columns: Vec::new(),
            ref_table,
            ref_columns: Vec::new(),
            on_delete: on_delete.to_uppercase(),
        });
        fk.columns.push(column);
        fk.ref_columns.push(ref_column);
    }
    keys.into_values().collect()
}

/// A flag the catalog queries answer as an integer.
fn flag(row: &QueryResult, column: &str) -> Result<bool, DbErr> {
    Ok(row.try_get::<i64>("", column)? != 0)
}

/// A column (`name`, `sql_type`, `nullable`, `has_default`), and its place in the primary key (`pk`: SQLite only,
/// 0 elsewhere and outside the key).
fn column_row(row: &QueryResult) -> Result<(FoundColumn, i64), DbErr> {
    let column = FoundColumn {
        name: row.try_get("", "name")?,
        sql_type: row.try_get("", "sql_type")?,
        nullable: flag(row, "nullable")?,
        has_default: flag(row, "has_default")?,
    };
    Ok((column, row.try_get("", "pk")?))
}

/// One column of an index: `(name, col, is_unique, partial, is_primary)`.
fn index_row(row: &QueryResult) -> Result<(String, Option<String>, bool, bool, bool), DbErr> {
    Ok((
        row.try_get("", "name")?,
        row.try_get("", "col")?,
        flag(row, "is_unique")?,
        flag(row, "partial")?,
        flag(row, "is_primary")?,
    ))
}

/// One column of a foreign key: `(name, col, ref_table, ref_col, on_delete)`.
fn foreign_key_row(row: &QueryResult) -> Result<(String, String, String, String, String), DbErr> {
    Ok((
        row.try_get("", "name")?,
        row.try_get("", "col")?,
        row.try_get("", "ref_table")?,
        row.try_get("", "ref_col")?,
        row.try_get("", "on_delete")?,
    ))
}

/// `$1` of the PostgreSQL queries, as a relation of the current schema.
macro_rules! pg_table {
    () => {
        "to_regclass(format('%I.%I', current_schema(), $1::text))"
    };
}

const PG_COLUMNS: &str = "\
    SELECT column_name::text AS name, data_type::text AS sql_type, (is_nullable = 'YES')::int::int8 AS nullable, \
           (column_default IS NOT NULL OR is_identity = 'YES' OR is_generated <> 'NEVER')::int::int8 AS has_default, \
           0::int8 AS pk \
    FROM information_schema.columns \
    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

const PG_INDEXES: &str = concat!(
    "SELECT i.relname::text AS name, a.attname::text AS col, ix.indisunique::int::int8 AS is_unique, \
            (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL)::int::int8 AS partial, ix.indisprimary::int::int8 AS is_primary \
     FROM pg_index ix \
     JOIN pg_class i ON i.oid = ix.indexrelid \
     CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
     LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum \
     WHERE ix.indrelid = ",
    pg_table!(),
    " ORDER BY i.relname, k.ord"
);

const PG_FOREIGN_KEYS: &str = concat!(
    "SELECT c.conname::text AS name, a.attname::text AS col, rt.relname::text AS ref_table, \
            fa.attname::text AS ref_col, \
            CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' \
                 WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete \
     FROM pg_constraint c \
     CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
     JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum \
     JOIN pg_class rt ON rt.oid = c.confrelid \
     WHERE c.conrelid = ",
    pg_table!(),
    " AND c.contype = 'f' ORDER BY c.conname, k.ord"
);

const MYSQL_COLUMNS: &str = "\
    SELECT COLUMN_NAME AS name, LOWER(COLUMN_TYPE) AS sql_type, CAST(IS_NULLABLE = 'YES' AS SIGNED) AS nullable, \
           CAST(COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%' OR EXTRA LIKE '%GENERATED%' AS SIGNED) \
             AS has_default, \
           CAST(0 AS SIGNED) AS pk \
    FROM information_schema.COLUMNS \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

const MYSQL_INDEXES: &str = "\
    SELECT INDEX_NAME AS name, COLUMN_NAME AS col, CAST(NON_UNIQUE = 0 AS SIGNED) AS is_unique, \
           CAST(SUB_PART IS NOT NULL OR COLUMN_NAME IS NULL AS SIGNED) AS partial, \
           CAST(INDEX_NAME = 'PRIMARY' AS SIGNED) AS is_primary \
    FROM information_schema.STATISTICS \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX";

const MYSQL_FOREIGN_KEYS: &str = "\
    SELECT r.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, r.REFERENCED_TABLE_NAME AS ref_table, \
           k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete \
    FROM information_schema.REFERENTIAL_CONSTRAINTS r \
    JOIN information_schema.KEY_COLUMN_USAGE k \
      ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME \
     AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME \
    WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ? \
    ORDER BY r.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// A column in the primary key is never NULL (SQLite allows NULL in a non-rowid key unless declared `NOT NULL`, but
/// the adapter never writes one); an `INTEGER PRIMARY KEY` is the rowid: assigned when not given.
const SQLITE_COLUMNS: &str = "\
    SELECT name, lower(type) AS sql_type, (\"notnull\" = 0 AND pk = 0) AS nullable, \
           (dflt_value IS NOT NULL OR (pk > 0 AND lower(type) = 'integer')) AS has_default, pk \
    FROM pragma_table_info(?) ORDER BY cid";

/// The primary key is read from `pragma_table_info` (a rowid key has no index): an index made for it is left out.
const SQLITE_INDEXES: &str = "\
    SELECT il.name, ii.name AS col, il.\"unique\" AS is_unique, il.partial, 0 AS is_primary \
    FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
    WHERE il.origin <> 'pk' ORDER BY il.name, ii.seqno";

/// `to` is NULL when the foreign key names no column: the referenced table's primary key, `id` in these tables.
const SQLITE_FOREIGN_KEYS: &str = "\
    SELECT CAST(id AS TEXT) AS name, \"from\" AS col, \"table\" AS ref_table, coalesce(\"to\", 'id') AS ref_col, \
           on_delete \
    FROM pragma_foreign_key_list(?) ORDER BY id, seq";
