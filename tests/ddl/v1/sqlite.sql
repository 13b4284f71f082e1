-- What authjs_sea_orm::migration::v1 creates on sqlite for custom schemas of tests/src/schemas.rs, pinned by the
-- `ddl` tests of tests/tests/schema.rs. v1 never changes: a difference is a bug in v1, not a file to update.

-- create_auth_tables::<prefixed::Tables>
CREATE TABLE "project1_user" ( "id" text NOT NULL PRIMARY KEY, "name" text NULL, "email" text NULL, "emailVerified" integer NULL, "image" text NULL );
CREATE UNIQUE INDEX "project1_user_email_unique" ON "project1_user" ("email");
CREATE TABLE "project1_account" ( "userId" text NOT NULL, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text NULL, "access_token" text NULL, "expires_at" integer NULL, "token_type" text NULL, "scope" text NULL, "id_token" text NULL, "session_state" text NULL, CONSTRAINT "project1_account_provider_providerAccountId_pk" PRIMARY KEY ("provider", "providerAccountId"), FOREIGN KEY ("userId") REFERENCES "project1_user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "project1_account_userId_idx" ON "project1_account" ("userId");
CREATE TABLE "project1_session" ( "sessionToken" text NOT NULL PRIMARY KEY, "userId" text NOT NULL, "expires" integer NOT NULL, FOREIGN KEY ("userId") REFERENCES "project1_user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "project1_session_userId_idx" ON "project1_session" ("userId");
CREATE INDEX "project1_session_expires_idx" ON "project1_session" ("expires");
CREATE TABLE "project1_verificationToken" ( "identifier" text NOT NULL, "token" text NOT NULL, "expires" integer NOT NULL, CONSTRAINT "project1_verificationToken_identifier_token_pk" PRIMARY KEY ("identifier", "token") );
CREATE INDEX "project1_verificationToken_expires_idx" ON "project1_verificationToken" ("expires");
CREATE TABLE "project1_authenticator" ( "credentialID" text NOT NULL, "userId" text NOT NULL, "providerAccountId" text NOT NULL, "credentialPublicKey" text NOT NULL, "counter" integer NOT NULL, "credentialDeviceType" text NOT NULL, "credentialBackedUp" integer NOT NULL, "transports" text NULL, CONSTRAINT "project1_authenticator_userId_credentialID_pk" PRIMARY KEY ("userId", "credentialID"), FOREIGN KEY ("userId") REFERENCES "project1_user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE UNIQUE INDEX "project1_authenticator_credentialID_unique" ON "project1_authenticator" ("credentialID");

-- drop_auth_tables::<prefixed::Tables>
DROP TABLE "project1_authenticator";
DROP TABLE "project1_session";
DROP TABLE "project1_account";
DROP TABLE "project1_verificationToken";
DROP TABLE "project1_user";

-- create_auth_tables::<integer_ids::Tables>
CREATE TABLE "users" ( "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" text NULL, "email" text NULL, "emailVerified" integer NULL, "image" text NULL );
CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email");
CREATE TABLE "accounts" ( "userId" integer NOT NULL, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text NULL, "access_token" text NULL, "expires_at" integer NULL, "token_type" text NULL, "scope" text NULL, "id_token" text NULL, "session_state" text NULL, CONSTRAINT "accounts_provider_providerAccountId_pk" PRIMARY KEY ("provider", "providerAccountId"), FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "accounts_userId_idx" ON "accounts" ("userId");
CREATE TABLE "sessions" ( "sessionToken" text NOT NULL PRIMARY KEY, "userId" integer NOT NULL, "expires" integer NOT NULL, FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "sessions_userId_idx" ON "sessions" ("userId");
CREATE INDEX "sessions_expires_idx" ON "sessions" ("expires");
CREATE TABLE "verification_tokens" ( "identifier" text NOT NULL, "token" text NOT NULL, "expires" integer NOT NULL, CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY ("identifier", "token") );
CREATE INDEX "verification_tokens_expires_idx" ON "verification_tokens" ("expires");
CREATE TABLE "authenticators" ( "credentialID" text NOT NULL, "userId" integer NOT NULL, "providerAccountId" text NOT NULL, "credentialPublicKey" text NOT NULL, "counter" integer NOT NULL, "credentialDeviceType" text NOT NULL, "credentialBackedUp" integer NOT NULL, "transports" text NULL, CONSTRAINT "authenticators_userId_credentialID_pk" PRIMARY KEY ("userId", "credentialID"), FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE UNIQUE INDEX "authenticators_credentialID_unique" ON "authenticators" ("credentialID");

-- drop_auth_tables::<integer_ids::Tables>
DROP TABLE "authenticators";
DROP TABLE "sessions";
DROP TABLE "accounts";
DROP TABLE "verification_tokens";
DROP TABLE "users";
