-- What authjs_sea_orm::migration::v1 creates on mysql for custom schemas of tests/src/schemas.rs, pinned by the
-- `ddl` tests of tests/tests/schema.rs. v1 never changes: a difference is a bug in v1, not a file to update.

-- create_auth_tables::<prefixed::Tables>
CREATE TABLE `project1_user` ( `id` varchar(255) NOT NULL PRIMARY KEY, `name` varchar(255) NULL, `email` varchar(255) NULL, `emailVerified` datetime(3) NULL, `image` text NULL ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `project1_user_email_unique` ON `project1_user` (`email`);
CREATE TABLE `project1_account` ( `userId` varchar(255) NOT NULL, `type` varchar(255) NOT NULL, `provider` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `refresh_token` text NULL, `access_token` text NULL, `expires_at` bigint NULL, `token_type` varchar(255) NULL, `scope` text NULL, `id_token` text NULL, `session_state` text NULL, PRIMARY KEY `project1_account_provider_providerAccountId_pk` (`provider`, `providerAccountId`), CONSTRAINT `project1_account_userId_project1_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `project1_user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `project1_account_userId_idx` ON `project1_account` (`userId`);
CREATE TABLE `project1_session` ( `sessionToken` varchar(255) NOT NULL PRIMARY KEY, `userId` varchar(255) NOT NULL, `expires` datetime(3) NOT NULL, CONSTRAINT `project1_session_userId_project1_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `project1_user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `project1_session_userId_idx` ON `project1_session` (`userId`);
CREATE INDEX `project1_session_expires_idx` ON `project1_session` (`expires`);
CREATE TABLE `project1_verificationToken` ( `identifier` varchar(255) NOT NULL, `token` varchar(255) NOT NULL, `expires` datetime(3) NOT NULL, PRIMARY KEY `project1_verificationToken_identifier_token_pk` (`identifier`, `token`) ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `project1_verificationToken_expires_idx` ON `project1_verificationToken` (`expires`);
CREATE TABLE `project1_authenticator` ( `credentialID` varchar(255) NOT NULL, `userId` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `credentialPublicKey` text NOT NULL, `counter` bigint NOT NULL, `credentialDeviceType` varchar(255) NOT NULL, `credentialBackedUp` boolean NOT NULL, `transports` varchar(255) NULL, PRIMARY KEY `project1_authenticator_userId_credentialID_pk` (`userId`, `credentialID`), CONSTRAINT `project1_authenticator_userId_project1_user_id_fk` FOREIGN KEY (`userId`) REFERENCES `project1_user` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `project1_authenticator_credentialID_unique` ON `project1_authenticator` (`credentialID`);

-- drop_auth_tables::<prefixed::Tables>
DROP TABLE `project1_authenticator`;
DROP TABLE `project1_session`;
DROP TABLE `project1_account`;
DROP TABLE `project1_verificationToken`;
DROP TABLE `project1_user`;

-- create_auth_tables::<integer_ids::Tables>
CREATE TABLE `users` ( `id` int NOT NULL PRIMARY KEY AUTO_INCREMENT, `name` varchar(255) NULL, `email` varchar(255) NULL, `emailVerified` datetime(3) NULL, `image` text NULL ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);
CREATE TABLE `accounts` ( `userId` int NOT NULL, `type` varchar(255) NOT NULL, `provider` varchar(255) NOT NULL, `providerAccountId` varchar(255) NOT NULL, `refresh_token` text NULL, `access_token` text NULL, `expires_at` bigint NULL, `token_type` varchar(255) NULL, `scope` text NULL, `id_token` text NULL, `session_state` text NULL, PRIMARY KEY `accounts_provider_providerAccountId_pk` (`provider`, `providerAccountId`), CONSTRAINT `accounts_userId_users_id_fk` FOREIGN KEY (`userId`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `accounts_userId_idx` ON `accounts` (`userId`);
CREATE TABLE `sessions` ( `sessionToken` varchar(255) NOT NULL PRIMARY KEY, `userId` int NOT NULL, `expires` datetime(3) NOT NULL, CONSTRAINT `sessions_userId_users_id_fk` FOREIGN KEY (`userId`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `sessions_userId_idx` ON `sessions` (`userId`);
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires`);
CREATE TABLE `verification_tokens` ( `identifier` varchar(255) NOT NULL, `token` varchar(255) NOT NULL, `expires` datetime(3) NOT NULL, PRIMARY KEY `verification_tokens_identifier_token_pk` (`identifier`, `token`) ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `verification_tokens_expires_idx` ON `verification_tokens` (`expires`);
CREATE TABLE `authenticators` ( `credentialID` varchar(255) NOT NULL, `userId` int NOT NULL, `providerAccountId` varchar(255) NOT NULL, `credentialPublicKey` text NOT NULL, `counter` bigint NOT NULL, `credentialDeviceType` varchar(255) NOT NULL, `credentialBackedUp` boolean NOT NULL, `transports` varchar(255) NULL, PRIMARY KEY `authenticators_userId_credentialID_pk` (`userId`, `credentialID`), CONSTRAINT `authenticators_userId_users_id_fk` FOREIGN KEY (`userId`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX `authenticators_credentialID_unique` ON `authenticators` (`credentialID`);

-- drop_auth_tables::<integer_ids::Tables>
DROP TABLE `authenticators`;
DROP TABLE `sessions`;
DROP TABLE `accounts`;
DROP TABLE `verification_tokens`;
DROP TABLE `users`;
