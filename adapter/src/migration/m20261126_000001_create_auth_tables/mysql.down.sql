-- m20261126_000001_create_auth_tables, down on MySQL and MariaDB: drops the Auth.js tables, children first, one statement a line.
-- Released in 0.1.0 and frozen: never edit (tests/ddl/mysql.sql pins it). A schema change is a new migration.
DROP TABLE `authenticator`;
DROP TABLE `session`;
DROP TABLE `account`;
DROP TABLE `verificationToken`;
DROP TABLE `user`;
