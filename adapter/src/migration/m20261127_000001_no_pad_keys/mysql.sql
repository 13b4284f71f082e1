-- m20261127_000001_no_pad_keys on MySQL and MariaDB, one statement a line: `{collation}` stands for the server's
-- binary NO PAD collation in `up` (utf8mb4_nopad_bin or utf8mb4_0900_bin), for utf8mb4_bin in `down`.
-- Frozen: never edit (tests/ddl/mysql.sql pins it). A schema change is a new migration.
ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE {collation} NULL;
ALTER TABLE `account` MODIFY `provider` varchar(255) COLLATE {collation} NOT NULL;
ALTER TABLE `account` MODIFY `providerAccountId` varchar(255) COLLATE {collation} NOT NULL;
ALTER TABLE `session` MODIFY `sessionToken` varchar(255) COLLATE {collation} NOT NULL;
ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE {collation} NOT NULL;
ALTER TABLE `verificationToken` MODIFY `token` varchar(255) COLLATE {collation} NOT NULL;
ALTER TABLE `authenticator` MODIFY `credentialID` varchar(255) COLLATE {collation} NOT NULL;
