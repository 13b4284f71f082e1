-- m20261127_000001_authjs_auth_tables (authjs_sea_orm_loco::migration::AuthTables),
-- `down` on SQLite and PostgreSQL: drops the auth tables (their indexes go with them), `users` stays.
-- Frozen: never edit (`the_statements_are_frozen` in loco/tests/tables.rs pins it). A change to these tables is
-- a new migration.

DROP TABLE "authenticators";

DROP TABLE "sessions";

DROP TABLE "accounts";

DROP TABLE "verification_tokens";
