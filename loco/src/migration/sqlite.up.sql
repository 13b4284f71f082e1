-- m20261127_000001_authjs_auth_tables (authjs_sea_orm_loco::migration::AuthTables),
-- `up` on SQLite: creates the auth tables beside Loco's `users`.
-- Frozen: never edit (`the_statements_are_frozen` in loco/tests/tables.rs pins it). A change to these tables is
-- a new migration.

CREATE TABLE "accounts" (
  "user_id" integer NOT NULL,
  "type" text NOT NULL,
  "provider" text NOT NULL,
  "provider_account_id" text NOT NULL,
  "refresh_token" text,
  "access_token" text,
  "expires_at" integer,
  "token_type" text,
  "scope" text,
  "id_token" text,
  "session_state" text,
  CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY ("provider", "provider_account_id"),
  CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id");

CREATE TABLE "sessions" (
  "session_token" text NOT NULL PRIMARY KEY,
  "user_id" integer NOT NULL,
  "expires" integer NOT NULL,
  CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id");

CREATE INDEX "sessions_expires_idx" ON "sessions" ("expires");

CREATE TABLE "verification_tokens" (
  "identifier" text NOT NULL,
  "token" text NOT NULL,
  "expires" integer NOT NULL,
  CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY ("identifier", "token")
);

CREATE INDEX "verification_tokens_expires_idx" ON "verification_tokens" ("expires");

CREATE TABLE "authenticators" (
  "credential_id" text NOT NULL,
  "user_id" integer NOT NULL,
  "provider_account_id" text NOT NULL,
  "credential_public_key" text NOT NULL,
  "counter" integer NOT NULL,
  "credential_device_type" text NOT NULL,
  "credential_backed_up" integer NOT NULL,
  "transports" text,
  CONSTRAINT "authenticators_user_id_credential_id_pk" PRIMARY KEY ("user_id", "credential_id"),
  CONSTRAINT "authenticators_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "authenticators_credential_id_unique" ON "authenticators" ("credential_id");
