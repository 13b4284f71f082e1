-- The SQL the migrations of authjs_sea_orm::migration::migrations() run on mysql, pinned by the `ddl` tests of
-- tests/tests/schema.rs. A released migration never changes: a difference in an existing section is a
-- bug in the migration, not a file to update. A new migration adds sections.

-- m20261126_000001_create_auth_tables up
CREATE TABLE `user` ( `id` varchar(255) NOT NULL PRIMARY KEY, `name` varchar(255) NULL, `email` varchar(255) NULL, `emailVerified` datetime(3) NULL, `image` text NULL ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);
CREATE TABLE `account` ( `userId` varchar(255) NOT NULL, `type` varchar(255) NOT NULL, `provider` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `refresh_token` text NULL, `access_token` text NULL, `expires_at` bigint NULL, `token_type` varchar(255) NULL, `scope` text NULL, `id_token` text NULL, `session_state` text NULL, PRIMARY KEY `account_provider_providerAccountId_pk` (`provider`, `providerAccountId`), CONSTRAINT `account_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `account_userId_idx` ON `account` (`userId`);
CREATE TABLE `session` ( `sessionToken` varchar(255) NOT NULL PRIMARY KEY, `userId` varchar(255) NOT NULL, `expires` datetime(3) NOT NULL, CONSTRAINT `session_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `session_userId_idx` ON `session` (`userId`);
CREATE INDEX `session_expires_idx` ON `session` (`expires`);
CREATE TABLE `verificationToken` ( `identifier` varchar(255) NOT NULL, `token` varchar(255) NOT NULL, `expires` datetime(3) NOT NULL, PRIMARY KEY `verificationToken_identifier_token_pk` (`identifier`, `token`) ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `verificationToken_expires_idx` ON `verificationToken` (`expires`);
CREATE TABLE `authenticator` ( `credentialID` varchar(255) NOT NULL, `userId` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `credentialPublicKey` text NOT NULL, `counter` bigint NOT NULL, `credentialDeviceType` varchar(255) NOT NULL, `credentialBackedUp` boolean NOT NULL, `transports` varchar(255) NULL, PRIMARY KEY `authenticator_userId_credentialID_pk` (`userId`, `credentialID`), CONSTRAINT `authenticator_userId_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `authenticator_credentialID_unique` ON `authenticator` (`credentialID`);

-- m20261126_000001_create_auth_tables down
DROP TABLE `authenticator`;
DROP TABLE `session`;
DROP TABLE `account`;
DROP TABLE `verificationToken`;
DROP TABLE `user`;

-- m20261127_000001_no_pad_keys up (server NO PAD collation: utf8mb4_nopad_bin)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;
ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE `account` MODIFY `provider` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `account` MODIFY `providerAccountId` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `session` MODIFY `sessionToken` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `token` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `authenticator` MODIFY `credentialID` varchar(255) COLLATE utf8mb4_nopad_bin NOT NULL;

-- m20261127_000001_no_pad_keys up (server NO PAD collation: utf8mb4_0900_bin)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;
ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE utf8mb4_0900_bin NULL;
ALTER TABLE `account` MODIFY `provider` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;
ALTER TABLE `account` MODIFY `providerAccountId` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;
ALTER TABLE `session` MODIFY `sessionToken` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `token` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;
ALTER TABLE `authenticator` MODIFY `credentialID` varchar(255) COLLATE utf8mb4_0900_bin NOT NULL;

-- m20261127_000001_no_pad_keys up (server NO PAD collation: none)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;

-- m20261127_000001_no_pad_keys down (server NO PAD collation: utf8mb4_nopad_bin)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;
ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE utf8mb4_bin NULL;
ALTER TABLE `account` MODIFY `provider` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `account` MODIFY `providerAccountId` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `session` MODIFY `sessionToken` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `token` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `authenticator` MODIFY `credentialID` varchar(255) COLLATE utf8mb4_bin NOT NULL;

-- m20261127_000001_no_pad_keys down (server NO PAD collation: utf8mb4_0900_bin)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;
ALTER TABLE `user` MODIFY `email` varchar(255) COLLATE utf8mb4_bin NULL;
ALTER TABLE `account` MODIFY `provider` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `account` MODIFY `providerAccountId` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `session` MODIFY `sessionToken` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `identifier` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `verificationToken` MODIFY `token` varchar(255) COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `authenticator` MODIFY `credentialID` varchar(255) COLLATE utf8mb4_bin NOT NULL;

-- m20261127_000001_no_pad_keys down (server NO PAD collation: none)
SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1;
