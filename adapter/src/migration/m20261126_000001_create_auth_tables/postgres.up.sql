-- m20261126_000001_create_auth_tables, up on PostgreSQL: creates the Auth.js tables, one statement a line.
-- Released in 0.1.0 and frozen: never edit (tests/ddl/postgres.sql pins it). A schema change is a new migration.
CREATE TABLE "user" ( "id" text NOT NULL PRIMARY KEY, "name" text NULL, "email" text NULL, "emailVerified" timestamp(3) NULL, "image" text NULL );
CREATE UNIQUE INDEX "user_email_unique" ON "user" ("email");
CREATE TABLE "account" ( "userId" text NOT NULL, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text NULL, "access_token" text NULL, "expires_at" bigint NULL, "token_type" text NULL, "scope" text NULL, "id_token" text NULL, "session_state" text NULL, CONSTRAINT "account_provider_providerAccountId_pk" PRIMARY KEY ("provider", "providerAccountId"), CONSTRAINT "account_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "account_userId_idx" ON "account" ("userId");
CREATE TABLE "session" ( "sessionToken" text NOT NULL PRIMARY KEY, "userId" text NOT NULL, "expires" timestamp(3) NOT NULL, CONSTRAINT "session_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE INDEX "session_userId_idx" ON "session" ("userId");
CREATE INDEX "session_expires_idx" ON "session" ("expires");
CREATE TABLE "verificationToken" ( "identifier" text NOT NULL, "token" text NOT NULL, "expires" timestamp(3) NOT NULL, CONSTRAINT "verificationToken_identifier_token_pk" PRIMARY KEY ("identifier", "token") );
CREATE INDEX "verificationToken_expires_idx" ON "verificationToken" ("expires");
CREATE TABLE "authenticator" ( "credentialID" text NOT NULL, "userId" text NOT NULL, "providerAccountId" text NOT NULL, "credentialPublicKey" text NOT NULL, "counter" bigint NOT NULL, "credentialDeviceType" text NOT NULL, "credentialBackedUp" boolean NOT NULL, "transports" text NULL, CONSTRAINT "authenticator_userId_credentialID_pk" PRIMARY KEY ("userId", "credentialID"), CONSTRAINT "authenticator_userId_user_id_fk" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION );
CREATE UNIQUE INDEX "authenticator_credentialID_unique" ON "authenticator" ("credentialID");
